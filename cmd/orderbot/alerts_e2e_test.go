package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// alertKey is the delivery key a post carries in its metadata, or "".
func alertKey(c slackfake.Call) string {
	if p, ok := c.Metadata["event_payload"].(map[string]any); ok {
		k, _ := p["key"].(string)
		return k
	}
	return ""
}

// postText is the text of a post's sections, one a line.
func postText(c slackfake.Call) string {
	var b strings.Builder
	for _, bl := range c.Blocks {
		if t, ok := bl["text"].(map[string]any); ok {
			s, _ := t["text"].(string)
			b.WriteString(s + "\n")
		}
	}
	return b.String()
}

// keyed returns the posts and updates whose key (or, for updates, whose
// ts) matches.
func keyed(fake *slackfake.Server, prefix string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range fake.Posts() {
		if c.Method == "chat.postMessage" && strings.HasPrefix(alertKey(c), prefix) {
			out = append(out, c)
		}
	}
	return out
}

// TestAlertsOwnedEndToEnd runs two serve replicas over the sample
// portfolio, with every day worked: an assistant claims her block alert
// with its button and the alert shows her name; the rep's blocked orders
// nobody claimed for two working days are escalated to his manager, once,
// in one message, whichever replica runs the escalation.
func TestAlertsOwnedEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sampleDatabase(t)
	st, err := postgres.Open(ctx, db, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := st.PersonByEmail(ctx, "francois.duboeuf@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	// The people file names Hélène, the sample's sales director, as
	// François's manager.
	rep.Manager = "helene.lefevre@example.fr"
	if _, err := st.ImportPeople(ctx, "people.csv", "x", []orders.Person{rep}, false); err != nil {
		t.Fatal(err)
	}
	// A new block of François's, assisted by Claire: her alert.
	blockForClaire(t, st, "4500019001")
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	vars := map[string]string{"ORDERBOT_DIGEST_DAYS": "all"}
	launch(t, fake, db, vars)
	launch(t, fake, db, vars)
	fake.WaitConnected(t, 2, 10*time.Second)

	alert, ts := alertPosted(t, fake, st, "4500019001")
	fake.SendInteractive(fake.BlockActions(slackfake.Press{User: "U0ADV0001", Channel: alert.Channel, MessageTS: ts,
		ActionID: "alert_claim:4500019001", Value: "4500019001"}))
	waitFor(t, "the alert updated with Claire's name", func() bool {
		for _, c := range fake.Calls("chat.update") {
			if c.Form.Get("ts") == ts && strings.Contains(postText(c), "Claire Martin s'en occupe depuis le") {
				return true
			}
		}
		return false
	})

	// The sample's orders of François blocked for days: escalated once.
	waitFor(t, "the escalation to Hélène", func() bool { return len(keyed(fake, "escalation:")) > 0 })
	time.Sleep(2 * time.Second) // the other replica, were it to escalate too
	esc := keyed(fake, "escalation:")
	if len(esc) != 1 {
		t.Fatalf("%d escalations, want 1", len(esc))
	}
	text := postText(esc[0])
	if !strings.Contains(text, "personne dessus") || !strings.Contains(text, "François Dubœuf") || strings.Contains(text, "4500019001") {
		t.Errorf("the escalation:\n%s", text)
	}
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM alert_actions WHERE action = 'escalate' AND to_id =
		(SELECT id FROM people WHERE email = 'helene.lefevre@example.fr')`).Scan(&n); err != nil || n == 0 {
		t.Errorf("escalations recorded in the orders' history: %d, %v", n, err)
	}
}
