package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// served is a running `orderbot serve` against a fake Slack and a real
// database holding the sample portfolio.
type served struct {
	slack  *slackfake.Server
	addr   string // where serve's HTTP server listens
	dbURL  string
	stderr *syncBuffer
	done   chan error
	stop   context.CancelFunc
}

// syncBuffer is a buffer serve's logger and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// slackUsers are the Slack accounts of the fake workspace: the sample
// directory's people, a person of the directory Slack knows only by e-mail,
// and a stranger.
var slackUsers = map[string]string{
	"U0REP0001": "francois.duboeuf@example.fr",
	"U0REP0002": "camille.rousseau@example.fr",
	"U0NEWREP1": "paul.girard@example.fr",
	"U0NOBODY1": "nobody@elsewhere.example",
}

// startServe runs serve with vars added to the test's environment, against
// a fresh fake Slack and a fresh database holding the sample portfolio.
func startServe(t testing.TB, vars map[string]string) *served {
	t.Helper()
	db := sampleDatabase(t)
	st, err := postgres.Open(context.Background(), db, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertPerson(context.Background(), orders.Person{Email: "paul.girard@example.fr", Name: "Paul Girard",
		Role: orders.RoleRep}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return launch(t, slackfake.New(t, slackfake.WithUsers(slackUsers)), db, vars)
}

// launch runs one serve process against fake and the database db.
func launch(t testing.TB, fake *slackfake.Server, db string, vars map[string]string) *served {
	t.Helper()
	s := &served{slack: fake, dbURL: db, stderr: &syncBuffer{}, done: make(chan error, 1)}
	s.addr = freeAddr(t)
	env := map[string]string{
		"ORDERBOT_SLACK_HTTP_ADDR": s.addr,
		"ORDERBOT_DATABASE_URL":    s.dbURL,
		"ORDERBOT_SLACK_BOT_TOKEN": "xoxb-test-token",
		"ORDERBOT_SLACK_APP_TOKEN": "xapp-test-token",
		"ORDERBOT_SLACK_API_URL":   s.slack.APIURL(),
		"ORDERBOT_LOG_FORMAT":      "json",
	}
	for k, v := range vars {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go func() {
		s.done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, s.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return s
}

// freeAddr returns a loopback address no one listens on.
func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// event is an Events API event from a person.
func mention(user, channel, ts, text string) map[string]any {
	return map[string]any{"type": "app_mention", "user": user, "text": "<@U0BOT0001> " + text, "ts": ts,
		"channel": channel, "event_ts": ts}
}

func dm(user, channel, ts, text string) map[string]any {
	return map[string]any{"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
		"channel": channel, "event_ts": ts}
}

// textOf is everything a post says: its fallback and its blocks.
func textOf(c slackfake.Call) string {
	b, _ := json.Marshal(c.Blocks)
	return c.Text + " " + string(b)
}

// postsTo returns the successful posts to channel.
func postsTo(s *slackfake.Server, channel string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range s.Posts() {
		if c.Channel == channel {
			out = append(out, c)
		}
	}
	return out
}

// waitFor waits for cond, for at most 30 s: what a test waits for happens
// within a few seconds, but a machine running the whole suite at once can
// hold a replica's work back for more than ten.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeSocketMode(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.slack.WaitConnected(t, 1, 10*time.Second)

	// A mention, answered in its thread.
	s.slack.SendEvent("Ev0001", mention("U0REP0001", "C0SALES01", "1700000001.000100", "où en est la 4500012345 ?"))
	waitFor(t, "the mention's answer", func() bool { return len(postsTo(s.slack, "C0SALES01")) == 1 })
	p := postsTo(s.slack, "C0SALES01")[0]
	if p.Method != "chat.postMessage" || p.ThreadTS != "1700000001.000100" || !strings.Contains(textOf(p), "4500012345") {
		t.Errorf("the mention is answered by %s in thread %q: %s", p.Method, p.ThreadTS, textOf(p))
	}

	// A direct message, answered in the DM; the same event delivered
	// again (Slack's retry) is not answered twice.
	s.slack.SendEvent("Ev0002", dm("U0REP0001", "D0REP0001", "1700000002.000100", "commandes de boulangerie dupre"))
	waitFor(t, "the DM's answer", func() bool { return len(postsTo(s.slack, "D0REP0001")) == 1 })
	if p := postsTo(s.slack, "D0REP0001")[0]; p.ThreadTS != "" || !strings.Contains(textOf(p), "Boulangerie Dupré") {
		t.Errorf("the DM is answered in thread %q: %s", p.ThreadTS, textOf(p))
	}
	s.slack.SendEvent("Ev0002", dm("U0REP0001", "D0REP0001", "1700000002.000100", "commandes de boulangerie dupre"))
	// orderbot's own messages, edits and other bots are not questions.
	s.slack.SendEvent("Ev0003", dm("U0BOT0001", "D0REP0001", "1700000003.000100", "4500012345"))
	edited := dm("U0REP0001", "D0REP0001", "1700000004.000100", "4500012345")
	edited["subtype"] = "message_changed"
	s.slack.SendEvent("Ev0004", edited)
	s.slack.WaitAcks(t, 5, 5*time.Second)

	// A slash command, answered to the asker only.
	s.slack.SendSlashCommand(map[string]string{"command": "/commande", "text": "4500012345", "user_id": "U0REP0001",
		"channel_id": "C0SALES02", "response_url": s.slack.ResponseURL()})
	waitFor(t, "the slash command's answer", func() bool { return len(postsTo(s.slack, "C0SALES02")) > 0 || len(slashAnswers(s.slack)) > 0 })
	sa := slashAnswers(s.slack)
	if len(sa) != 1 || sa[0].JSON["response_type"] != "ephemeral" || !strings.Contains(textOf(sa[0]), "4500012345") {
		t.Fatalf("the slash command is answered by %v", sa)
	}

	// An ambiguous customer: buttons; pressing one answers with that
	// customer's orders in place of the question.
	s.slack.SendEvent("Ev0005", dm("U0REP0002", "D0REP0002", "1700000005.000100", "lefevre"))
	waitFor(t, "the choice", func() bool { return len(postsTo(s.slack, "D0REP0002")) == 1 })
	buttons := buttonsOf(postsTo(s.slack, "D0REP0002")[0])
	if len(buttons) != 2 {
		t.Fatalf("the choice offers %d buttons: %v", len(buttons), buttons)
	}
	url := s.slack.ResponseURL()
	s.slack.SendInteractive(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U0REP0002"},
		"channel": map[string]any{"id": "D0REP0002"}, "response_url": url, "trigger_id": "1.2.3",
		"actions": []any{map[string]any{"type": "button", "block_id": "orderbot_actions", "action_id": buttons[1]["action_id"],
			"value": buttons[1]["value"]}}})
	waitFor(t, "the button's answer", func() bool { return len(responses(s.slack, url)) == 1 })
	r := responses(s.slack, url)[0]
	if r.JSON["replace_original"] != true || !strings.Contains(textOf(r), "Boucherie Lefèvre &amp; Cie") {
		t.Errorf("the button is answered with replace_original %v: %s", r.JSON["replace_original"], textOf(r))
	}

	// A stranger is refused; someone Slack knows by e-mail is answered,
	// and their Slack ID is remembered.
	s.slack.SendEvent("Ev0006", dm("U0NOBODY1", "D0NOBODY1", "1700000006.000100", "4500012345"))
	s.slack.SendEvent("Ev0007", dm("U0NEWREP1", "D0NEWREP1", "1700000007.000100", "aide"))
	waitFor(t, "the stranger's and the newcomer's answers", func() bool {
		return len(postsTo(s.slack, "D0NOBODY1")) == 1 && len(postsTo(s.slack, "D0NEWREP1")) == 1
	})
	if got := textOf(postsTo(s.slack, "D0NOBODY1")[0]); !strings.Contains(got, "je ne réponds qu") || strings.Contains(got, "Dupré") {
		t.Errorf("the stranger gets: %s", got)
	}
	if got := textOf(postsTo(s.slack, "D0NEWREP1")[0]); !strings.Contains(got, "Demandez-moi") {
		t.Errorf("the newcomer gets: %s", got)
	}
	st, err := postgres.Open(context.Background(), s.dbURL, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if p, err := st.PersonBySlackID(context.Background(), "U0NEWREP1"); err != nil || p.Email != "paul.girard@example.fr" {
		t.Errorf("the newcomer's Slack ID is not remembered: %+v, %v", p, err)
	}

	// A 429 then success: posted once.
	s.slack.FailNext("chat.postMessage", slackfake.Fault{Status: 429, RetryAfter: 1})
	s.slack.SendEvent("Ev0008", dm("U0REP0001", "D0REP0008", "1700000008.000100", "4500012345"))
	waitFor(t, "the answer after a 429", func() bool { return len(postsTo(s.slack, "D0REP0008")) == 1 })

	// A dropped socket: orderbot reconnects and answers the next question.
	s.slack.DropConnections()
	s.slack.WaitConnected(t, 2, 20*time.Second)
	s.slack.SendEvent("Ev0009", dm("U0REP0001", "D0REP0009", "1700000009.000100", "4500012345"))
	waitFor(t, "the answer after a reconnection", func() bool { return len(postsTo(s.slack, "D0REP0009")) == 1 })

	// Nothing was answered twice, and nothing else was answered.
	time.Sleep(300 * time.Millisecond)
	if n := len(postsTo(s.slack, "D0REP0001")); n != 1 {
		t.Errorf("the DM delivered twice and orderbot's own messages got %d answers, want 1", n)
	}
	var tries int
	for _, c := range s.slack.Calls("chat.postMessage") {
		if c.Channel == "D0REP0008" {
			tries++
		}
	}
	if tries != 2 || len(postsTo(s.slack, "D0REP0008")) != 1 {
		t.Errorf("after a 429: %d tries and %d posts, want 2 and 1", tries, len(postsTo(s.slack, "D0REP0008")))
	}
	for _, a := range s.slack.Acks() {
		if a.AckedAt.Sub(a.SentAt) > time.Second {
			t.Errorf("envelope %s acknowledged after %s", a.EnvelopeID, a.AckedAt.Sub(a.SentAt))
		}
	}
}

// slashAnswers are the posts to response URLs whose answer is ephemeral or
// in the channel: answers to slash commands.
func slashAnswers(s *slackfake.Server) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range s.Calls("response_url") {
		if c.OK && c.JSON["replace_original"] != true {
			out = append(out, c)
		}
	}
	return out
}

// responses are the successful posts to one response URL.
func responses(s *slackfake.Server, responseURL string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range s.Calls("response_url") {
		if c.OK && strings.HasSuffix(responseURL, c.Path) {
			out = append(out, c)
		}
	}
	return out
}

// buttonsOf returns the buttons of a post's actions blocks.
func buttonsOf(c slackfake.Call) []map[string]any {
	var out []map[string]any
	for _, b := range c.Blocks {
		if b["type"] != "actions" {
			continue
		}
		els, _ := b["elements"].([]any)
		for _, e := range els {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func TestServeStopsOnARefusedToken(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.slack.WaitConnected(t, 1, 10*time.Second)
	s.slack.FailNext("chat.postMessage", slackfake.Fault{SlackError: "token_revoked"})
	s.slack.SendEvent("Ev0100", dm("U0REP0001", "D0REP0100", "1700000100.000100", "4500012345"))
	select {
	case err := <-s.done:
		if err == nil || !strings.Contains(err.Error(), "token_revoked") {
			t.Errorf("serve stops with %v, want the refused token named", err)
		}
		s.done <- err // for the cleanup
	case <-time.After(15 * time.Second):
		t.Fatal("serve goes on with a revoked token")
	}
	if !strings.Contains(s.stderr.String(), "Slack refused the token") {
		t.Errorf("no log line says why serve stopped:\n%s", s.stderr.String())
	}
}

func TestServeHTTPMode(t *testing.T) {
	t.Parallel()
	const secret = "test-signing-secret"
	s := startServe(t, map[string]string{"ORDERBOT_SLACK_MODE": "http", "ORDERBOT_SLACK_SIGNING_SECRET": secret})
	base := "http://" + s.addr
	waitFor(t, "the HTTP server", func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	post := func(path, contentType string, body []byte, ts int64, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		if sig == "" {
			sig = slackfake.Sign(secret, ts, body)
		}
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	callback := func(id string, ev map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{"token": "x", "team_id": "T0FAKE", "api_app_id": "A0FAKE", "type": "event_callback",
			"event_id": id, "event_time": time.Now().Unix(), "event": ev})
		return b
	}
	now := time.Now().Unix()

	ok := callback("EvH001", dm("U0REP0001", "D0HTTP001", "1700000201.000100", "4500012345"))
	if code := post("/slack/events", "application/json", ok, now, ""); code != 200 {
		t.Fatalf("a signed event: %d", code)
	}
	waitFor(t, "the HTTP event's answer", func() bool { return len(postsTo(s.slack, "D0HTTP001")) == 1 })
	// Slack's retry of the same event is acknowledged, not answered again.
	if code := post("/slack/events", "application/json", ok, now, ""); code != 200 {
		t.Errorf("a retried event: %d", code)
	}

	bad := callback("EvH002", dm("U0REP0001", "D0HTTP002", "1700000202.000100", "4500012345"))
	if code := post("/slack/events", "application/json", bad, now, "v0=0123456789abcdef"); code != 401 {
		t.Errorf("a bad signature: %d, want 401", code)
	}
	if code := post("/slack/events", "application/json", bad, now-6*60, ""); code != 401 {
		t.Errorf("a signature of six minutes ago: %d, want 401", code)
	}

	challenge, _ := json.Marshal(map[string]any{"token": "x", "challenge": "c-123", "type": "url_verification"})
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(challenge))
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	req.Header.Set("X-Slack-Signature", slackfake.Sign(secret, now, challenge))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	_, _ = got.ReadFrom(resp.Body)
	resp.Body.Close()
	if got.String() != "c-123" {
		t.Errorf("the URL verification answers %q", got.String())
	}

	form := url.Values{"command": {"/order"}, "text": {"4500012345"}, "user_id": {"U0REP0001"}, "channel_id": {"C0HTTP003"},
		"response_url": {s.slack.ResponseURL()}, "team_id": {"T0FAKE"}, "trigger_id": {"1.2.3"}}
	if code := post("/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), now, ""); code != 200 {
		t.Errorf("a signed slash command: %d", code)
	}
	waitFor(t, "the HTTP slash command's answer", func() bool { return len(slashAnswers(s.slack)) == 1 })

	// Long enough for a second answer to pass the channel's pacing.
	time.Sleep(1500 * time.Millisecond)
	if n := len(postsTo(s.slack, "D0HTTP001")); n != 1 {
		t.Errorf("the event delivered twice got %d answers", n)
	}
	if n := len(postsTo(s.slack, "D0HTTP002")); n != 0 {
		t.Errorf("refused requests got %d answers", n)
	}
}

// TestServeAcksAtOnce sends 500 events as fast as the fake can: every
// envelope is acknowledged within Slack's window, whatever the answers
// cost. (The p99 acknowledgement time is measured by BenchmarkSocketQuestions.)
func TestServeAcksAtOnce(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.slack.WaitConnected(t, 1, 10*time.Second)
	const n = 500
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s.slack.SendEvent(fmt.Sprintf("EvA%04d", i), dm("U0REP0001", fmt.Sprintf("D0ACK%04d", i),
				fmt.Sprintf("1700001000.%06d", i), "4500012345"))
		})
	}
	wg.Wait()
	acks := s.slack.WaitAcks(t, n, 10*time.Second)
	var lat []time.Duration
	for _, a := range acks {
		lat = append(lat, a.AckedAt.Sub(a.SentAt))
	}
	slices.Sort(lat)
	t.Logf("%d acknowledgements: p50 %s, p99 %s, max %s", len(lat), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
	if lat[len(lat)-1] > time.Second {
		t.Errorf("an envelope waited %s for its acknowledgement; Slack allows 3 s, orderbot aims at well under 1 s", lat[len(lat)-1])
	}
	s.slack.WaitPosts(t, n, 60*time.Second)
}

// TestServeSaysItIsLooking: a question for the model gets an immediate
// notice, replaced by the answer.
func TestServeSaysItIsLooking(t *testing.T) {
	t.Parallel()
	model, calls := modelServer(t, http.StatusOK, "customer_orders", `{"name":"Dupré"}`)
	s := startServe(t, map[string]string{"ORDERBOT_LLM_BASE_URL": model.URL + "/v1", "ORDERBOT_LLM_MODEL": "m"})
	s.slack.WaitConnected(t, 1, 10*time.Second)
	s.slack.SendEvent("EvL001", dm("U0REP0001", "D0LOOK001", "1700000301.000100", "ils attendent toujours leur palette les boulangers de la rue Dupré"))
	waitFor(t, "the notice and the answer", func() bool { return len(postsTo(s.slack, "D0LOOK001")) == 2 })
	p := postsTo(s.slack, "D0LOOK001")
	// The notice is in the asker's language, and only that language.
	if p[0].Method != "chat.postMessage" || p[0].Text != "Je regarde…" {
		t.Errorf("first %s: %s", p[0].Method, textOf(p[0]))
	}
	if p[1].Method != "chat.update" || !strings.Contains(textOf(p[1]), "Boulangerie Dupré") || calls.Load() != 1 {
		t.Errorf("then %s (%d model calls): %s", p[1].Method, calls.Load(), textOf(p[1]))
	}
	// A plain order number: no notice, no model.
	s.slack.SendEvent("EvL002", dm("U0REP0001", "D0LOOK002", "1700000302.000100", "4500012345"))
	waitFor(t, "the answer", func() bool { return len(postsTo(s.slack, "D0LOOK002")) == 1 })
	if calls.Load() != 1 || strings.Contains(textOf(postsTo(s.slack, "D0LOOK002")[0]), "Je regarde") {
		t.Errorf("an order number: %d model calls, %s", calls.Load(), textOf(postsTo(s.slack, "D0LOOK002")[0]))
	}
	// A stranger: the refusal only, no notice, no model.
	s.slack.SendEvent("EvL003", dm("U0NOBODY9", "D0LOOK003", "1700000303.000100", "ils attendent toujours leur palette les boulangers de la rue Dupré"))
	waitFor(t, "the refusal", func() bool { return len(postsTo(s.slack, "D0LOOK003")) == 1 })
	if p := postsTo(s.slack, "D0LOOK003")[0]; calls.Load() != 1 || p.Method != "chat.postMessage" || strings.Contains(textOf(p), "Je regarde") {
		t.Errorf("a stranger: %d model calls, %s %s", calls.Load(), p.Method, textOf(p))
	}
}
