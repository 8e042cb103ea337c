package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/release"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// erp is the ERP's end of the release webhook: it counts the POSTs whose
// signature verifies, by idempotency key.
type erp struct {
	mu   sync.Mutex
	seen map[string]int
	bad  int
}

func (e *erp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := release.Verify(releaseSecret, r.Header.Get(release.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		e.bad++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	e.seen[r.Header.Get(release.IdempotencyHeader)]++
	w.WriteHeader(http.StatusOK)
}

func (e *erp) counts() (map[string]int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for k, n := range e.seen {
		out[k] = n
	}
	return out, e.bad
}

const releaseSecret = "whsec-example-0123456789abcdef"

// TestReleaseEndToEnd: a rep asks for the release of a credit-blocked
// order with the button of an answer; one request appears in the credit
// channel with Approve and Decline; another rep's click changes nothing;
// the decider's approval updates the request in place, tells the rep by
// direct message, and the ERP gets one POST whose signature verifies;
// opening the Home tab as the rep publishes a page listing their blocked
// orders.
func TestReleaseEndToEnd(t *testing.T) {
	// The routes are read from the file only: serve reads orderbot.yaml
	// in the current folder.
	t.Chdir(t.TempDir())
	if err := os.WriteFile("orderbot.yaml", []byte("release:\n  routes:\n    credit_limit:\n      channel: C0CREDIT01\n"+
		"      deciders: [credit.control@example.fr]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	receiver := &erp{seen: map[string]int{}}
	hook := httptest.NewServer(receiver)
	defer hook.Close()
	s := startServe(t, map[string]string{"ORDERBOT_RELEASE_WEBHOOK_URL": hook.URL + "/orderbot/releases",
		"ORDERBOT_RELEASE_WEBHOOK_SECRET": releaseSecret})
	ctx := context.Background()
	st, err := postgres.Open(ctx, s.dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	s.slack.WaitConnected(t, 1, 10*time.Second)
	rep, err := st.PersonBySlackID(ctx, "U0REP0001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertPerson(ctx, orders.Person{Email: "credit.control@example.fr", Name: "Sophie Bernard",
		Role: orders.RoleManager, SlackUserID: "U0CREDIT1", Language: orders.English}); err != nil {
		t.Fatal(err)
	}
	blocked, err := st.OpenOrders(ctx, orders.OrderFilter{RepID: rep.ID, Statuses: []orders.Status{orders.StatusCreditLimit}, Limit: 1})
	if err != nil || len(blocked.Orders) == 0 {
		t.Fatalf("no credit-blocked order of the rep's in the sample: %v", err)
	}
	o := blocked.Orders[0]

	const dmChannel = "D0RELEASE1"
	s.slack.SendEvent("EvReleaseE2E1", dm("U0REP0001", dmChannel, "1764565200.000100", "où en est la "+o.Number+" ?"))
	answer := waitPosts(t, s.slack, dmChannel, 1)[0]
	ask := buttonOf(answer, "release_ask")
	if ask == nil || ask["value"] != o.Number {
		t.Fatalf("the answer offers no Ask for release of %s: %v", o.Number, answer.Blocks)
	}
	press := func(user, channel, ts string, button map[string]any) {
		s.slack.SendInteractive(s.slack.BlockActions(slackfake.Press{User: user, Channel: channel, MessageTS: ts,
			ActionID: button["action_id"].(string), Value: button["value"].(string)}))
	}
	press("U0REP0001", dmChannel, postedTS(t, s.slack, dmChannel), ask)
	request := waitPosts(t, s.slack, "C0CREDIT01", 1)[0]
	approve, decline := buttonOf(request, release.ActionApprove), buttonOf(request, release.ActionDecline)
	if approve == nil || decline == nil || !strings.Contains(strings.Join(request.BlockTexts(), "\n"), o.Number) {
		t.Fatalf("the request: %v", request.Blocks)
	}
	requestTS := postedTS(t, s.slack, "C0CREDIT01")

	// Another rep's click: told privately, nothing changes.
	press("U0REP0002", "C0CREDIT01", requestTS, approve)
	waitFor(t, "the refusal", func() bool { return len(s.slack.Calls("response_url")) >= 2 })
	if r := s.slack.Calls("response_url")[1]; r.JSON["response_type"] != "ephemeral" ||
		!strings.Contains(r.Text, "décideurs") && !strings.Contains(r.Text, "deciders") {
		t.Errorf("the non-decider was told %q (%v)", r.Text, r.JSON["response_type"])
	}
	if n := len(s.slack.Calls("chat.update")); n != 0 {
		t.Fatalf("a non-decider's click updated %d messages", n)
	}
	// The decider approves.
	press("U0CREDIT1", "C0CREDIT01", requestTS, approve)
	withinAMinute(t, "the request updated", func() bool { return len(s.slack.Calls("chat.update")) == 1 })
	if up := s.slack.Calls("chat.update")[0]; up.Channel != "C0CREDIT01" || up.Form.Get("ts") != requestTS ||
		!strings.Contains(strings.Join(up.BlockTexts(), "\n"), "approuvé par Sophie Bernard") || buttonOf(up, release.ActionApprove) != nil {
		t.Errorf("the update: %s %s %v", up.Channel, up.Form.Get("ts"), up.BlockTexts())
	}
	withinAMinute(t, "the rep's direct message", func() bool {
		for _, c := range s.slack.Posts() {
			if strings.HasPrefix(keyOf(c), "release:") && strings.Contains(c.Text, "approuvé par Sophie Bernard") && c.Channel != "C0CREDIT01" {
				return true
			}
		}
		return false
	})
	withinAMinute(t, "the ERP's POST", func() bool { seen, _ := receiver.counts(); return len(seen) == 1 })
	time.Sleep(500 * time.Millisecond) // a second POST would come now
	seen, bad := receiver.counts()
	for key, n := range seen {
		if n != 1 || !strings.HasSuffix(key, "-approved") {
			t.Errorf("the ERP got %s %d times", key, n)
		}
	}
	if bad != 0 {
		t.Errorf("%d POSTs failed the signature check", bad)
	}

	// The rep opens the Home tab.
	s.slack.SendEvent("EvReleaseE2E2", slackfake.AppHomeOpened("U0REP0001"))
	withinAMinute(t, "the Home tab", func() bool { return len(s.slack.Calls("views.publish")) == 1 })
	home := s.slack.Calls("views.publish")[0]
	if page := viewText(home); home.JSON["user_id"] != "U0REP0001" || !home.OK || !strings.Contains(page, "Bonjour François") ||
		!strings.Contains(page, "Vos commandes bloquées") || !strings.Contains(page, o.Number) {
		t.Errorf("the rep's Home tab:\n%s", page)
	}
}

// buttonOf is the button of a post whose action id starts with prefix.
func buttonOf(c slackfake.Call, prefix string) map[string]any {
	for _, b := range c.Blocks {
		els, _ := b["elements"].([]any)
		for _, e := range els {
			if m, ok := e.(map[string]any); ok && m["type"] == "button" && strings.HasPrefix(m["action_id"].(string), prefix) {
				return m
			}
		}
	}
	return nil
}

// viewText is the text of the blocks of a views.publish call.
func viewText(c slackfake.Call) string {
	view, _ := c.JSON["view"].(map[string]any)
	blocks, _ := view["blocks"].([]any)
	var b strings.Builder
	for _, bl := range blocks {
		m, _ := bl.(map[string]any)
		if t, ok := m["text"].(map[string]any); ok {
			b.WriteString(t["text"].(string) + "\n")
		}
	}
	return b.String()
}
