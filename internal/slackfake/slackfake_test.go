package slackfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

const (
	botToken = "xoxb-test-token"
	appToken = "xapp-test-token"
)

func newClient(s *Server) *slack.Client {
	return slack.New(botToken, slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(appToken))
}

func TestPostMessageRecordsBlocks(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)

	section := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Order 42* shipped", false, false), nil, nil)
	ch, ts, err := api.PostMessage("C0ORDERS", slack.MsgOptionText("Order 42 shipped", false), slack.MsgOptionBlocks(section))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	if ch != "C0ORDERS" || ts == "" {
		t.Fatalf("PostMessage = %q, %q", ch, ts)
	}
	_, ts2, err := api.PostMessage("C0ORDERS", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts))
	if err != nil {
		t.Fatalf("PostMessage reply: %v", err)
	}
	if ts2 == ts {
		t.Fatalf("timestamps not unique: %q", ts)
	}

	calls := s.Calls("chat.postMessage")
	if len(calls) != 2 {
		t.Fatalf("got %d chat.postMessage calls, want 2", len(calls))
	}
	c := calls[0]
	if c.Token != botToken || c.Channel != "C0ORDERS" || c.Text != "Order 42 shipped" || !c.OK || c.Status != http.StatusOK {
		t.Errorf("call = %+v", c)
	}
	if c.Form == nil || c.JSON != nil {
		t.Errorf("want a form body, got Form=%v JSON=%v", c.Form, c.JSON)
	}
	if len(c.Blocks) != 1 || c.Blocks[0]["type"] != "section" {
		t.Fatalf("blocks = %v", c.Blocks)
	}
	if text, _ := c.Blocks[0]["text"].(map[string]any); text["text"] != "*Order 42* shipped" {
		t.Errorf("block text = %v", c.Blocks[0]["text"])
	}
	if calls[1].ThreadTS != ts || calls[1].Blocks != nil {
		t.Errorf("reply call = %+v", calls[1])
	}
	if got := s.WaitPosts(t, 2, time.Second); len(got) != 2 {
		t.Errorf("Posts = %d", len(got))
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)

	s.FailNext("chat.postMessage",
		Fault{Status: http.StatusTooManyRequests, RetryAfter: 7},
		Fault{SlackError: "invalid_auth"},
		Fault{Status: http.StatusInternalServerError},
	)
	_, _, err := api.PostMessage("C1", slack.MsgOptionText("a", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("first error = %#v, want *slack.RateLimitedError 7s", err)
	}
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("b", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_auth" {
		t.Fatalf("second error = %#v, want invalid_auth", err)
	}
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("c", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusInternalServerError {
		t.Fatalf("third error = %#v, want status 500", err)
	}
	if _, _, err = api.PostMessage("C1", slack.MsgOptionText("d", false)); err != nil {
		t.Fatalf("fourth call: %v", err)
	}

	calls := s.Calls("chat.postMessage")
	wantStatus := []int{429, 200, 500, 200}
	wantOK := []bool{false, false, false, true}
	if len(calls) != 4 {
		t.Fatalf("got %d calls, want 4", len(calls))
	}
	for i, c := range calls {
		if c.Status != wantStatus[i] || c.OK != wantOK[i] {
			t.Errorf("call %d: status %d ok %v, want %d %v", i, c.Status, c.OK, wantStatus[i], wantOK[i])
		}
	}
	if p := s.Posts(); len(p) != 1 || p[0].Text != "d" {
		t.Errorf("Posts = %+v", p)
	}

	// Validation: a post without a channel fails like Slack.
	if _, _, err := api.PostMessage("", slack.MsgOptionText("x", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("no channel: %v", err)
	}
}

func TestUsersAndAuth(t *testing.T) {
	t.Parallel()
	s := New(t, WithBotUserID("U0MYBOT"), WithUsers(map[string]string{"U0ALICE": "alice@example.com"}))
	api := newClient(s)

	u, err := api.GetUserInfo("U0ALICE")
	if err != nil {
		t.Fatalf("GetUserInfo: %v", err)
	}
	if u.ID != "U0ALICE" || u.Profile.Email != "alice@example.com" || u.Name != "alice" {
		t.Errorf("user = %+v", u)
	}
	if _, err := api.GetUserInfo("U0NOBODY"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}

	at, err := api.AuthTest()
	if err != nil {
		t.Fatalf("AuthTest: %v", err)
	}
	if at.UserID != "U0MYBOT" || at.BotID != "B0BOT0001" || at.TeamID != "T0FAKE" {
		t.Errorf("auth.test = %+v", at)
	}

	ch, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0ALICE"}})
	if err != nil || !strings.HasPrefix(ch.ID, "D") {
		t.Fatalf("OpenConversation = %v, %v", ch, err)
	}
	again, _, already, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0ALICE"}})
	if err != nil || again.ID != ch.ID || !already {
		t.Errorf("second OpenConversation = %v, %v, %v", again, already, err)
	}

	// The app-level token is refused outside apps.connections.open.
	if _, err := slack.New(appToken, slack.OptionAPIURL(s.APIURL())).AuthTest(); err == nil || err.Error() != "not_allowed_token_type" {
		t.Errorf("auth.test with xapp token: %v", err)
	}
}

func TestEphemeralUpdateAndRawBodies(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)

	if ts, err := api.PostEphemeral("C1", "U1", slack.MsgOptionText("only you", false)); err != nil || ts == "" {
		t.Fatalf("PostEphemeral = %q, %v", ts, err)
	}
	if _, ts, _, err := api.UpdateMessage("C1", "1700000000.000100", slack.MsgOptionText("edited", false)); err != nil || ts != "1700000000.000100" {
		t.Fatalf("UpdateMessage = %q, %v", ts, err)
	}

	// A JSON body with a Bearer token, as Slack accepts.
	body := `{"channel":"C2","text":"hi","blocks":[{"type":"divider"}],"thread_ts":"1.2"}`
	req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"chat.postMessage", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+botToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if out["ok"] != true || out["channel"] != "C2" {
		t.Errorf("JSON post answer = %v", out)
	}

	// Unknown methods answer 200 ok:false unknown_method, and are recorded.
	res, err = http.PostForm(s.APIURL()+"chat.nope", map[string][]string{"token": {botToken}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(raw), `"unknown_method"`) {
		t.Errorf("unknown method: %d %s", res.StatusCode, raw)
	}

	posts := s.Posts()
	if len(posts) != 3 {
		t.Fatalf("Posts = %+v", posts)
	}
	if posts[0].Method != "chat.postEphemeral" || posts[1].Method != "chat.update" || posts[1].Text != "edited" {
		t.Errorf("posts = %+v", posts[:2])
	}
	j := posts[2]
	if j.JSON == nil || j.Form != nil || j.Token != botToken || j.Channel != "C2" || j.ThreadTS != "1.2" || len(j.Blocks) != 1 || j.Blocks[0]["type"] != "divider" {
		t.Errorf("JSON call = %+v", j)
	}
	if len(s.Calls("chat.nope")) != 1 || len(s.Calls("")) != 4 {
		t.Errorf("Calls: %d unknown, %d total", len(s.Calls("chat.nope")), len(s.Calls("")))
	}
}

func TestFileUpload(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)

	content := "sku,qty\nA1,3\n"
	f, err := api.UploadFileContext(context.Background(), slack.UploadFileParameters{
		Filename: "orders.csv", Title: "Orders", Content: content, FileSize: len(content), Channel: "C0ORDERS",
	})
	if err != nil {
		t.Fatalf("UploadFile: %v", err)
	}
	if f.ID == "" || f.Title != "Orders" {
		t.Errorf("file = %+v", f)
	}
	ups := s.Calls("upload_url")
	if len(ups) != 1 || string(ups[0].Upload) != content || ups[0].Token != botToken || !ups[0].OK {
		t.Fatalf("upload calls = %+v", ups)
	}
	done := s.Calls("files.completeUploadExternal")
	if len(done) != 1 || done[0].Channel != "C0ORDERS" || !done[0].OK {
		t.Errorf("complete calls = %+v", done)
	}
}

// runSocketMode runs a socketmode client that acks every request (slash
// commands with a response payload) and reports events_api events.
func runSocketMode(t *testing.T, s *Server, pingInterval time.Duration) <-chan slackevents.EventsAPIEvent {
	t.Helper()
	client := socketmode.New(newClient(s), socketmode.OptionPingInterval(pingInterval))
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan slackevents.EventsAPIEvent, 1000)
	var wg sync.WaitGroup
	wg.Go(func() { _ = client.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-client.Events:
				if evt.Request == nil || evt.Request.EnvelopeID == "" {
					continue
				}
				switch evt.Type {
				case socketmode.EventTypeSlashCommand:
					_ = client.Ack(*evt.Request, map[string]any{"text": "working on it"})
				default:
					_ = client.Ack(*evt.Request)
				}
				if e, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
					events <- e
				}
			}
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return events
}

func TestSocketMode(t *testing.T) {
	t.Parallel()
	s := New(t, WithPingInterval(100*time.Millisecond))
	events := runSocketMode(t, s, 500*time.Millisecond)
	s.WaitConnected(t, 1, 5*time.Second)

	// The fake's pings keep the client from timing out and reconnecting.
	time.Sleep(1200 * time.Millisecond)
	if n := s.Connections(); n != 1 {
		t.Fatalf("Connections = %d after idling, want 1 (pings not seen?)", n)
	}
	if calls := s.Calls("apps.connections.open"); len(calls) != 1 || calls[0].Token != appToken {
		t.Fatalf("apps.connections.open calls = %+v", calls)
	}

	env := s.SendEvent("Ev0001", map[string]any{
		"type": "app_mention", "user": "U0ALICE", "channel": "C1", "text": "<@U0BOT0001> status", "ts": "1700000000.000001",
	})
	if env == "" {
		t.Fatal("SendEvent found no connection")
	}
	acks := s.WaitAcks(t, 1, 5*time.Second)
	if acks[0].EnvelopeID != env || acks[0].SentAt.IsZero() || acks[0].AckedAt.Before(acks[0].SentAt) || acks[0].Payload != nil {
		t.Errorf("ack = %+v", acks[0])
	}
	e := <-events
	if e.Type != slackevents.CallbackEvent || e.TeamID != "T0FAKE" || e.APIAppID != "A0FAKE" {
		t.Errorf("event = %+v", e)
	}
	if cb, ok := e.Data.(*slackevents.EventsAPICallbackEvent); !ok || cb.EventID != "Ev0001" {
		t.Errorf("callback = %#v", e.Data)
	}
	if m, ok := e.InnerEvent.Data.(*slackevents.AppMentionEvent); !ok || m.Channel != "C1" || m.User != "U0ALICE" {
		t.Errorf("inner event = %#v", e.InnerEvent.Data)
	}

	// An abrupt drop makes the client reconnect.
	s.DropConnections()
	s.WaitConnected(t, 2, 5*time.Second)
	if n := s.Connections(); n != 2 {
		t.Fatalf("Connections = %d, want 2", n)
	}
	env = s.SendSlashCommand(map[string]string{"command": "/orders", "text": "today", "user_id": "U0ALICE", "channel_id": "C1"})
	acks = s.WaitAcks(t, 2, 5*time.Second)
	if acks[1].EnvelopeID != env || string(acks[1].Payload) != `{"text":"working on it"}` {
		t.Errorf("slash ack = %+v", acks[1])
	}

	// A disconnect request makes the client reconnect too.
	s.SendDisconnect()
	s.WaitConnected(t, 3, 5*time.Second)
	if env := s.SendInteractive(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U0ALICE"}}); env == "" {
		t.Fatal("SendInteractive found no connection")
	}
	s.WaitAcks(t, 3, 5*time.Second)
}

func TestResponseURL(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)
	u := s.ResponseURL()
	if u == s.ResponseURL() {
		t.Fatal("ResponseURL not unique")
	}
	s.FailNext("response_url", Fault{Status: http.StatusInternalServerError})
	if _, _, err := api.PostMessage("", slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("x", false)); err == nil {
		t.Fatal("want the injected 500")
	}
	if _, _, err := api.PostMessage("", slack.MsgOptionResponseURL(u, slack.ResponseTypeInChannel), slack.MsgOptionText("Done", false), slack.MsgOptionReplaceOriginal(u)); err != nil {
		t.Fatalf("response_url post: %v", err)
	}
	posts := s.WaitPosts(t, 1, time.Second)
	p := posts[0]
	if p.Method != "response_url" || p.Text != "Done" || p.JSON["response_type"] != "in_channel" || p.JSON["replace_original"] != true {
		t.Errorf("post = %+v", p)
	}
	if c := s.Calls("response_url"); len(c) != 2 || c[0].Status != 500 {
		t.Errorf("calls = %+v", c)
	}
}

func TestConcurrentSends(t *testing.T) {
	t.Parallel()
	s := New(t)
	runSocketMode(t, s, 5*time.Second)
	s.WaitConnected(t, 1, 5*time.Second)

	const n = 500
	start := time.Now()
	var wg sync.WaitGroup
	ids := make([]string, n)
	for i := range n {
		wg.Go(func() {
			ids[i] = s.SendEvent("Ev"+time.Now().Format("150405.000000000"), map[string]any{"type": "message", "channel": "C1", "text": "hi"})
		})
	}
	wg.Wait()
	if d := time.Since(start); d > time.Second {
		t.Errorf("sending %d envelopes took %v", n, d)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] {
			t.Fatalf("bad or duplicate envelope id %q", id)
		}
		seen[id] = true
	}
	for _, a := range s.WaitAcks(t, n, 5*time.Second) {
		if !seen[a.EnvelopeID] {
			t.Errorf("ack for unknown envelope %q", a.EnvelopeID)
		}
	}
}

func TestSendWaitsForConnection(t *testing.T) {
	t.Parallel()
	s := New(t)

	start := time.Now()
	if id := s.SendEvent("Ev0001", map[string]any{"type": "message"}); id != "" {
		t.Fatalf("SendEvent without a connection = %q, want \"\"", id)
	}
	if d := time.Since(start); d < 4*time.Second || d > 6*time.Second {
		t.Errorf("SendEvent gave up after %v, want about 5s", d)
	}

	// A connection that comes up while Send* waits gets the envelope.
	got := make(chan string, 1)
	go func() { got <- s.SendEvent("Ev0002", map[string]any{"type": "message"}) }()
	time.Sleep(100 * time.Millisecond)
	runSocketMode(t, s, 5*time.Second)
	id := <-got
	if id == "" {
		t.Fatal("SendEvent did not wait for the connection")
	}
	if acks := s.WaitAcks(t, 1, 5*time.Second); len(acks) != 1 || acks[0].EnvelopeID != id {
		t.Errorf("acks = %+v, want only %q", acks, id)
	}
}

func TestSign(t *testing.T) {
	t.Parallel()
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := Sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, []byte(body))
	const want = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestHistoryAndMetadata(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)
	ctx := context.Background()
	start := strconv.FormatInt(time.Now().Unix()-1, 10)

	meta := func(key string) slack.MsgOption {
		return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "orderbot_delivery", EventPayload: map[string]any{"key": key}})
	}
	divider := slack.NewDividerBlock()
	_, ts1, err := api.PostMessage("C0DELIV", slack.MsgOptionText("first", false), meta("k1"))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	_, ts2, err := api.PostMessage("C0DELIV", slack.MsgOptionText("second", false), slack.MsgOptionBlocks(divider), meta("k2"))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	_, ts3, err := api.PostMessage("C0DELIV", slack.MsgOptionText("in thread", false), slack.MsgOptionTS(ts1))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	if _, _, err := api.PostMessage("C0OTHER", slack.MsgOptionText("elsewhere", false)); err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	if md := s.Calls("chat.postMessage")[0].Metadata; md["event_type"] != "orderbot_delivery" || md["event_payload"].(map[string]any)["key"] != "k1" {
		t.Errorf("Call.Metadata = %v", md)
	}

	// Text without blocks drops the blocks; metadata not sent is kept.
	if _, _, _, err := api.UpdateMessage("C0DELIV", ts2, slack.MsgOptionText("second, edited", false)); err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}

	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0DELIV", Oldest: start, IncludeAllMetadata: true})
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	// As in Slack, the thread reply (ts3) is not in the channel's history.
	if len(h.Messages) != 2 || h.HasMore {
		t.Fatalf("history = %+v", h)
	}
	m2, m1 := h.Messages[0], h.Messages[1]
	if m1.Timestamp != ts1 || m1.Text != "first" || m1.User != "U0BOT0001" || m1.BotID != "B0BOT0001" || m1.Type != "message" {
		t.Errorf("oldest message = %+v", m1.Msg)
	}
	if m1.Metadata.EventType != "orderbot_delivery" || m1.Metadata.EventPayload["key"] != "k1" {
		t.Errorf("metadata = %+v", m1.Metadata)
	}
	if m1.ThreadTimestamp != ts1 || m1.ReplyCount != 1 {
		t.Errorf("parent thread_ts %q reply_count %d", m1.ThreadTimestamp, m1.ReplyCount)
	}
	if m2.Timestamp != ts2 || m2.Text != "second, edited" || len(m2.Blocks.BlockSet) != 0 || m2.Metadata.EventPayload["key"] != "k2" {
		t.Errorf("updated message = %+v", m2.Msg)
	}
	if replies, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0DELIV", Timestamp: ts1}); err != nil ||
		len(replies) != 2 || replies[1].Timestamp != ts3 || replies[1].ThreadTimestamp != ts1 {
		t.Errorf("the thread reply = %+v, %v", replies, err)
	}

	// Without include_all_metadata, no metadata.
	h, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0DELIV"})
	if err != nil || len(h.Messages) != 2 || h.Messages[1].Metadata.EventType != "" {
		t.Fatalf("history without metadata = %+v, %v", h, err)
	}

	// Bounds are exclusive unless inclusive.
	tss := func(p slack.GetConversationHistoryParameters) []string {
		t.Helper()
		p.ChannelID = "C0DELIV"
		h, err := api.GetConversationHistoryContext(ctx, &p)
		if err != nil {
			t.Fatalf("history %+v: %v", p, err)
		}
		var out []string
		for _, m := range h.Messages {
			out = append(out, m.Timestamp)
		}
		if h.HasMore {
			out = append(out, "more")
		}
		return out
	}
	for _, tc := range []struct {
		p    slack.GetConversationHistoryParameters
		want []string
	}{
		{slack.GetConversationHistoryParameters{Oldest: ts1}, []string{ts2}},
		{slack.GetConversationHistoryParameters{Oldest: ts1, Inclusive: true}, []string{ts2, ts1}},
		{slack.GetConversationHistoryParameters{Latest: ts2}, []string{ts1}},
		{slack.GetConversationHistoryParameters{Latest: ts2, Inclusive: true}, []string{ts2, ts1}},
		{slack.GetConversationHistoryParameters{Oldest: ts1, Latest: ts3}, []string{ts2}},
		{slack.GetConversationHistoryParameters{Limit: 1}, []string{ts2, "more"}},
		{slack.GetConversationHistoryParameters{Oldest: "9999999999"}, nil},
	} {
		if got := tss(tc.p); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("history %+v = %v, want %v", tc.p, got, tc.want)
		}
	}
	if _, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0DELIV", Oldest: "yesterday"}); err == nil || err.Error() != "invalid_ts_oldest" {
		t.Errorf("bad oldest: %v", err)
	}

	// An unknown channel has an empty history.
	h, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0NOTHING"})
	if err != nil || !h.Ok || len(h.Messages) != 0 {
		t.Errorf("unknown channel = %+v, %v", h, err)
	}

	// Empty metadata on chat.update removes it.
	if _, _, _, err := api.UpdateMessage("C0DELIV", ts1, slack.MsgOptionBlocks(divider), slack.MsgOptionMetadata(slack.SlackMetadata{})); err == nil || err.Error() != "invalid_metadata_schema" {
		t.Errorf("update with an empty event_type: %v", err)
	}
	post := func(method string, form url.Values) map[string]any {
		t.Helper()
		form.Set("token", botToken)
		res, err := http.PostForm(s.APIURL()+method, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := post("chat.update", url.Values{"channel": {"C0DELIV"}, "ts": {ts1}, "metadata": {"{}"}, "blocks": {`[{"type":"divider"}]`}}); out["ok"] != true {
		t.Fatalf("update removing metadata = %v", out)
	}
	h, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0DELIV", Latest: ts1, Inclusive: true, IncludeAllMetadata: true})
	if err != nil || len(h.Messages) != 1 {
		t.Fatalf("history = %+v, %v", h, err)
	}
	if m := h.Messages[0]; m.Metadata.EventType != "" || m.Text != "first" || len(m.Blocks.BlockSet) != 1 {
		t.Errorf("after update = %+v", m.Msg)
	}

	// Bad metadata is refused and nothing is stored.
	if out := post("chat.postMessage", url.Values{"channel": {"C0BAD"}, "text": {"x"}, "metadata": {"{nope"}}); out["error"] != "invalid_metadata_format" {
		t.Errorf("bad metadata = %v", out)
	}
	if out := post("chat.postMessage", url.Values{"channel": {"C0BAD"}, "text": {"x"}, "metadata": {`{"event_payload":{}}`}}); out["error"] != "invalid_metadata_schema" {
		t.Errorf("metadata without event_type = %v", out)
	}
	if out := post("conversations.history", url.Values{"channel": {"C0BAD"}}); out["ok"] != true || len(out["messages"].([]any)) != 0 {
		t.Errorf("history after refused posts = %v", out)
	}

	// Metadata as an object in a JSON body.
	body := `{"channel":"C0JSON","text":"hi","metadata":{"event_type":"orderbot_delivery","event_payload":{"key":"k9"}}}`
	req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"chat.postMessage", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+botToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if c := s.Calls("chat.postMessage"); c[len(c)-1].Metadata["event_payload"].(map[string]any)["key"] != "k9" {
		t.Errorf("JSON metadata = %v", c[len(c)-1].Metadata)
	}
	out := post("conversations.history", url.Values{"channel": {"C0JSON"}, "include_all_metadata": {"true"}})
	if msgs := out["messages"].([]any); len(msgs) != 1 || msgs[0].(map[string]any)["metadata"].(map[string]any)["event_type"] != "orderbot_delivery" {
		t.Errorf("JSON-posted history = %v", out)
	}
}

func TestRepliesAndFileShares(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)
	ctx := context.Background()

	_, parent, err := api.PostMessage("C0ORDERS", slack.MsgOptionText("report", false))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	_, reply, err := api.PostMessage("C0ORDERS", slack.MsgOptionText("details", false), slack.MsgOptionTS(parent))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	content := []byte("sku,qty\nA1,3\n")
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(content), Filename: "orders.csv", FileSize: len(content),
		Channel: "C0ORDERS", ThreadTimestamp: parent, Title: "Orders",
	}); err != nil {
		t.Fatalf("UploadFile in thread: %v", err)
	}
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
		Content: "x", Filename: "top.txt", FileSize: 1, Channel: "C0ORDERS", InitialComment: "here",
	}); err != nil {
		t.Fatalf("UploadFile: %v", err)
	}

	msgs, hasMore, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0ORDERS", Timestamp: parent})
	if err != nil {
		t.Fatalf("replies: %v", err)
	}
	if len(msgs) != 3 || hasMore {
		t.Fatalf("replies = %+v", msgs)
	}
	if msgs[0].Timestamp != parent || msgs[0].Text != "report" || msgs[0].ReplyCount != 2 || msgs[1].Timestamp != reply || msgs[1].ThreadTimestamp != parent {
		t.Errorf("thread = %+v / %+v", msgs[0].Msg, msgs[1].Msg)
	}
	f := msgs[2]
	if f.ThreadTimestamp != parent || len(f.Files) != 1 || f.Files[0].Name != "orders.csv" || f.Files[0].Title != "Orders" || f.Files[0].ID == "" {
		t.Errorf("file share = %+v", f.Msg)
	}
	if f.Timestamp <= reply {
		t.Errorf("file share ts %q not after reply %q", f.Timestamp, reply)
	}

	// The ts of a reply names its thread too.
	if again, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0ORDERS", Timestamp: reply}); err != nil || len(again) != 3 {
		t.Errorf("replies by a reply's ts = %d, %v", len(again), err)
	}

	// The history has the top-level file share but not the threaded one.
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0ORDERS"})
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	var names []string
	for _, m := range h.Messages {
		for _, f := range m.Files {
			names = append(names, f.Name)
		}
	}
	if len(h.Messages) != 2 || h.Messages[0].Text != "here" || strings.Join(names, ",") != "top.txt" {
		t.Errorf("history = %+v (files %v)", h.Messages, names)
	}

	// A thread the fake knows nothing of is not found; one under a message
	// the fake did not post (a user's) holds the replies.
	if _, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0ORDERS", Timestamp: "1600000000.000100"}); err == nil || err.Error() != "thread_not_found" {
		t.Errorf("unknown thread: %v", err)
	}
	if _, _, err := api.PostMessage("C0ORDERS", slack.MsgOptionText("on it", false), slack.MsgOptionTS("1600000001.000200")); err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	if got, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0ORDERS", Timestamp: "1600000001.000200"}); err != nil || len(got) != 1 || got[0].Text != "on it" {
		t.Errorf("thread under a foreign parent = %+v, %v", got, err)
	}
}

func TestConcurrentHistory(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)
	ctx := context.Background()
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, ts, err := api.PostMessage("C1", slack.MsgOptionText("m", false), slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "e", EventPayload: map[string]any{"i": i}}))
			if err != nil {
				t.Errorf("PostMessage: %v", err)
				return
			}
			if _, _, _, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("edited", false)); err != nil {
				t.Errorf("UpdateMessage: %v", err)
			}
		})
		wg.Go(func() {
			if _, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", IncludeAllMetadata: true}); err != nil {
				t.Errorf("history: %v", err)
			}
		})
	}
	wg.Wait()
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil || len(h.Messages) != n {
		t.Fatalf("history = %d messages, %v", len(h.Messages), err)
	}
	for i := 1; i < n; i++ {
		if h.Messages[i-1].Timestamp <= h.Messages[i].Timestamp || h.Messages[i].Text != "edited" {
			t.Fatalf("history not newest first or not edited at %d: %+v", i, h.Messages[i].Msg)
		}
	}
}

func TestFaultBody(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)
	s.FailNext("conversations.open", Fault{Body: map[string]any{"ok": true}})
	ch, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0ALICE"}})
	if err != nil || ch != nil {
		t.Errorf("ok without a channel: channel %+v, err %v; want no channel and no error", ch, err)
	}
	ch, _, _, err = api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0ALICE"}})
	if err != nil || ch == nil || ch.ID == "" {
		t.Errorf("after the fault: channel %+v, err %v", ch, err)
	}
	if c := s.Calls("conversations.open"); len(c) != 2 || !c[0].OK || c[0].Status != http.StatusOK {
		t.Errorf("calls = %+v", c)
	}
}

func TestStrays(t *testing.T) {
	t.Parallel()
	s := New(t)
	client := socketmode.New(newClient(s))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = client.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-client.Events:
				if evt.Request != nil {
					_ = client.Ack(*evt.Request) // hello too, which has no envelope
				}
			}
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	s.WaitConnected(t, 1, 5*time.Second)
	env := s.SendEvent("Ev0001", map[string]any{"type": "app_mention", "user": "U0ALICE", "channel": "C1", "text": "hi", "ts": "1.1"})
	acks := s.WaitAcks(t, 1, 5*time.Second)
	if len(acks) != 1 || acks[0].EnvelopeID != env {
		t.Errorf("acks = %+v, want the event's only", acks)
	}
	strays := s.Strays()
	if len(strays) != 1 || !strings.Contains(strays[0], `"envelope_id":""`) {
		t.Errorf("strays = %q, want the acknowledgement of hello", strays)
	}
}

// slackCode returns the Slack error code of err, or "".
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// TestMembership: with membership kept, the bot posts in a public channel
// it is not in, but reads it only once it joined; a private channel or a DM
// it is not in is hidden from it and cannot be joined; an invitation opens
// a private channel, a removal closes it again.
func TestMembership(t *testing.T) {
	t.Parallel()
	s := New(t, WithMembership("C0INVITED"), WithPrivateChannels("C0SECRET"))
	api := newClient(s)
	ctx := context.Background()
	history := func(ch string) ([]slack.Message, error) {
		h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch})
		if err != nil {
			return nil, err
		}
		return h.Messages, nil
	}
	replies := func(ch, ts string) error {
		_, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: ch, Timestamp: ts})
		return err
	}
	share := func(ch, ts string) error {
		_, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Content: "a;b\n", Filename: "table.csv", FileSize: 4,
			Channel: ch, ThreadTimestamp: ts})
		return err
	}

	// A public channel: posts without being a member (chat:write.public),
	// reads nothing until it joins.
	_, ts, err := api.PostMessage("C0PUBLIC", slack.MsgOptionText("digest", false))
	if err != nil {
		t.Fatalf("post in a public channel the bot is not in: %v", err)
	}
	if _, err := history("C0PUBLIC"); slackCode(err) != "not_in_channel" {
		t.Errorf("history of a public channel the bot is not in: %v, want not_in_channel", err)
	}
	if err := replies("C0PUBLIC", ts); slackCode(err) != "not_in_channel" {
		t.Errorf("replies in a public channel the bot is not in: %v, want not_in_channel", err)
	}
	if err := share("C0PUBLIC", ts); slackCode(err) != "not_in_channel" {
		t.Errorf("file shared in a public channel the bot is not in: %v, want not_in_channel", err)
	}
	if s.Member("C0PUBLIC") {
		t.Error("member of a public channel before joining it")
	}
	ch, warning, _, err := api.JoinConversationContext(ctx, "C0PUBLIC")
	if err != nil || ch == nil || ch.ID != "C0PUBLIC" || !ch.IsMember || warning != "" || !s.Member("C0PUBLIC") {
		t.Fatalf("join: %+v, %q, %v", ch, warning, err)
	}
	msgs, err := history("C0PUBLIC")
	if err != nil || len(msgs) != 2 || msgs[0].SubType != "channel_join" || msgs[0].User != "U0BOT0001" || msgs[0].BotID != "" ||
		msgs[1].Timestamp != ts {
		t.Errorf("history once joined: %+v, %v; want the join, then the digest", msgs, err)
	}
	if err := replies("C0PUBLIC", ts); err != nil {
		t.Errorf("replies once joined: %v", err)
	}
	if err := share("C0PUBLIC", ts); err != nil {
		t.Errorf("file shared once joined: %v", err)
	}
	if _, warning, _, err := api.JoinConversationContext(ctx, "C0PUBLIC"); err != nil || warning != "already_in_channel" {
		t.Errorf("joining again: %q, %v; want the warning already_in_channel", warning, err)
	}
	if msgs, _ := history("C0PUBLIC"); len(msgs) != 2 {
		t.Errorf("joining again posted: %d messages", len(msgs))
	}

	// Invited from the start: read at once.
	if _, err := history("C0INVITED"); err != nil {
		t.Errorf("history of a channel the bot was invited to: %v", err)
	}

	// Private channels, by G… ID or named private: hidden until invited,
	// never joined.
	for _, priv := range []string{"G0PRIVATE", "C0SECRET"} {
		if _, _, err := api.PostMessage(priv, slack.MsgOptionText("x", false)); slackCode(err) != "channel_not_found" {
			t.Errorf("post in private %s the bot is not in: %v, want channel_not_found", priv, err)
		}
		if _, err := history(priv); slackCode(err) != "channel_not_found" {
			t.Errorf("history of private %s the bot is not in: %v, want channel_not_found", priv, err)
		}
		if _, _, _, err := api.JoinConversationContext(ctx, priv); slackCode(err) != "method_not_supported_for_channel_type" {
			t.Errorf("join private %s: %v, want method_not_supported_for_channel_type", priv, err)
		}
		s.Invite(priv)
		_, ts, err := api.PostMessage(priv, slack.MsgOptionText("x", false))
		if err != nil {
			t.Fatalf("post in private %s once invited: %v", priv, err)
		}
		if msgs, err := history(priv); err != nil || len(msgs) != 2 {
			t.Errorf("history of private %s once invited: %d messages, %v; want the join and the post", priv, len(msgs), err)
		}
		s.Remove(priv)
		if err := replies(priv, ts); slackCode(err) != "channel_not_found" || s.Member(priv) {
			t.Errorf("replies in private %s once removed: %v, want channel_not_found", priv, err)
		}
	}

	// Direct messages: those opened are the bot's; others are hidden.
	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0REP0001"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage(dm.ID, slack.MsgOptionText("alert", false)); err != nil {
		t.Errorf("post in an opened DM: %v", err)
	}
	if msgs, err := history(dm.ID); err != nil || len(msgs) != 1 {
		t.Errorf("history of an opened DM: %+v, %v; want the alert alone", msgs, err)
	}
	if _, err := history("D0SOMEONE"); slackCode(err) != "channel_not_found" {
		t.Errorf("history of someone else's DM: %v, want channel_not_found", err)
	}
	if _, _, _, err := api.JoinConversationContext(ctx, dm.ID); slackCode(err) != "method_not_supported_for_channel_type" {
		t.Errorf("join a DM: %v, want method_not_supported_for_channel_type", err)
	}
}

// TestNoMembershipByDefault: without WithMembership the bot reads and
// posts everywhere, as before, and is already in any public channel.
func TestNoMembershipByDefault(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)
	ctx := context.Background()
	for _, ch := range []string{"C0PUBLIC", "G0PRIVATE", "D0SOMEONE"} {
		if _, _, err := api.PostMessage(ch, slack.MsgOptionText("x", false)); err != nil {
			t.Errorf("post in %s: %v", ch, err)
		}
		if h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: ch}); err != nil || len(h.Messages) != 1 {
			t.Errorf("history of %s: %+v, %v", ch, h, err)
		}
		if !s.Member(ch) {
			t.Errorf("not a member of %s", ch)
		}
	}
	if _, warning, _, err := api.JoinConversationContext(ctx, "C0PUBLIC"); err != nil || warning != "already_in_channel" {
		t.Errorf("join: %q, %v; want the warning already_in_channel", warning, err)
	}
	if h, _ := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0PUBLIC"}); len(h.Messages) != 1 {
		t.Errorf("join posted in the channel: %+v", h.Messages)
	}
}

// TestFaultTaken: a post Slack took, whose answer is a 503, is in the
// channel and counted as a post; the next call is answered as usual.
func TestFaultTaken(t *testing.T) {
	t.Parallel()
	s := New(t)
	api := newClient(s)
	s.FailNext("chat.postMessage", Fault{Status: http.StatusServiceUnavailable, Taken: true})
	_, _, err := api.PostMessage("C0DIGEST", slack.MsgOptionText("digest", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusServiceUnavailable {
		t.Fatalf("post taken, answered 503: %v", err)
	}
	h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C0DIGEST"})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Text != "digest" {
		t.Fatalf("history after a post taken: %+v, %v", h, err)
	}
	c := s.Calls("chat.postMessage")[0]
	if c.OK || !c.Taken || c.Status != http.StatusServiceUnavailable || len(s.Posts()) != 1 {
		t.Errorf("call %+v, %d posts; want taken, answered 503, one post", c, len(s.Posts()))
	}
	// A call Slack refuses is not taken, fault or not.
	s.FailNext("chat.postMessage", Fault{Status: http.StatusServiceUnavailable, Taken: true})
	if _, _, err := api.PostMessage("C0DIGEST", slack.MsgOptionText("", false)); err == nil {
		t.Error("an empty post answered ok")
	}
	if c := s.Calls("chat.postMessage")[1]; c.Taken || len(s.Posts()) != 1 {
		t.Errorf("an empty post taken: %+v", c)
	}
}
