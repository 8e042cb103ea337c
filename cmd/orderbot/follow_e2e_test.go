package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestFollowEndToEnd: a rep asks about a blocked order of his in a direct
// message and is told he follows it; the next day's import releases it;
// within a minute he gets one direct message naming the order and the
// release, and his first answer is updated in place to the new status.
func TestFollowEndToEnd(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.slack.WaitConnected(t, 1, 10*time.Second)
	ctx := context.Background()
	st, err := postgres.Open(ctx, s.dbURL, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := st.PersonByEmail(ctx, "francois.duboeuf@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	blocked, err := st.OpenOrders(ctx, orders.OrderFilter{RepID: rep.ID, BlockedOnly: true, Limit: 1})
	if err != nil || len(blocked.Orders) == 0 {
		t.Fatalf("no blocked order of the rep's in the sample: %v", err)
	}
	o := blocked.Orders[0]

	const channel = "D0FOLLOWE2"
	s.slack.SendEvent("EvFollowE2E1", dm("U0REP0001", channel, "1764565200.000100", "où en est la "+o.Number+" ?"))
	first := waitPosts(t, s.slack, channel, 1)[0]
	if text := strings.Join(first.BlockTexts(), "\n"); !strings.Contains(text, "vous la suivez") || !strings.Contains(text, o.Number) {
		t.Fatalf("the first answer does not say the rep follows the order:\n%s", text)
	}
	firstTS := postedTS(t, s.slack, channel)

	// The next day's import releases the order.
	released := orders.Entry{Line: 2, Number: o.Number, CustomerCode: o.Customer.Code, CustomerName: o.Customer.Name,
		Rep: rep.Email, Status: orders.StatusOpen, AmountCents: o.AmountCents, Currency: o.Currency, PromisedOn: o.PromisedOn,
		OrderedOn: o.OrderedOn, RequestedOn: o.RequestedOn, CustomerRef: o.CustomerRef}
	if o.Assistant != nil {
		released.Assistant = o.Assistant.Email
	}
	done := false
	imported := time.Now()
	if _, err := st.ImportOrders(ctx, postgres.ImportRequest{Source: "export-lendemain.csv", AsOf: time.Now(), MaxCloseShare: 0.3,
		PeopleBy: orders.ByEmail, NumberColumn: "N° commande"}, func() (orders.Entry, error) {
		if done {
			return orders.Entry{}, io.EOF
		}
		done = true
		return released, nil
	}); err != nil {
		t.Fatal(err)
	}
	var notice slackfake.Call
	withinAMinute(t, "the follower's notice", func() bool {
		for _, c := range s.slack.Posts() {
			if strings.HasPrefix(keyOf(c), "follow:") {
				notice = c
				return true
			}
		}
		return false
	})
	if since := time.Since(imported); since > time.Minute {
		t.Errorf("the notice came %s after the import, want within a minute", since)
	}
	text := strings.Join(notice.BlockTexts(), "\n")
	for _, want := range []string{o.Number, o.Status.Label(orders.French) + " → *En cours*"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice lacks %q:\n%s", want, text)
		}
	}
	withinAMinute(t, "the first answer updated", func() bool { return len(s.slack.Calls("chat.update")) > 0 })
	up := s.slack.Calls("chat.update")[0]
	if up.Channel != channel || up.Form.Get("ts") != firstTS || !strings.Contains(strings.Join(up.BlockTexts(), "\n"), "Mis à jour") ||
		!strings.Contains(strings.Join(up.BlockTexts(), "\n"), "En cours") {
		t.Errorf("the update: %s %s\n%s", up.Channel, up.Form.Get("ts"), strings.Join(up.BlockTexts(), "\n"))
	}
	notices := 0
	for _, c := range s.slack.Posts() {
		if strings.HasPrefix(keyOf(c), "follow:") {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d notices, want 1", notices)
	}
}

// waitPosts waits for n posts in channel, and returns them.
func waitPosts(t *testing.T, fake *slackfake.Server, channel string, n int) []slackfake.Call {
	t.Helper()
	waitFor(t, "the answer", func() bool { return len(postsTo(fake, channel)) >= n })
	return postsTo(fake, channel)
}

// postedTS returns the ts of the last message of channel's history, as
// Slack's API gives it.
func postedTS(t *testing.T, fake *slackfake.Server, channel string) string {
	t.Helper()
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))
	hist, err := api.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: channel})
	if err != nil || len(hist.Messages) == 0 {
		t.Fatalf("nothing in %s's history: %v", channel, err)
	}
	return hist.Messages[0].Timestamp // newest first
}

// withinAMinute waits up to a minute for cond.
func withinAMinute(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keyOf is the key a post carries in its metadata, or "".
func keyOf(c slackfake.Call) string {
	if p, ok := c.Metadata["event_payload"].(map[string]any); ok {
		k, _ := p["key"].(string)
		return k
	}
	return ""
}
