package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestAlertAsksForReleaseEndToEnd: serve with a route for credit blocks
// alerts an assistant of a new credit block; her alert carries Ask for
// release beside its other buttons, and her press (twice, as an impatient
// assistant would) posts one request in the credit channel.
func TestAlertAsksForReleaseEndToEnd(t *testing.T) {
	t.Chdir(t.TempDir()) // serve reads the routes from orderbot.yaml here
	if err := os.WriteFile("orderbot.yaml", []byte("release:\n  routes:\n    credit_limit:\n      channel: C0CREDIT01\n"+
		"      deciders: [credit.control@example.fr]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := sampleDatabase(t)
	st, err := postgres.Open(ctx, db, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blockForClaire(t, st, "4500019001")
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	launch(t, fake, db, map[string]string{"ORDERBOT_DIGEST_DAYS": "all"})
	fake.WaitConnected(t, 1, 10*time.Second)

	alert, ts := alertPosted(t, fake, st, "4500019001")
	ask := buttonOf(alert, render.ActionAskRelease+":4500019001")
	if ask == nil || ask["value"] != "4500019001" || buttonOf(alert, "alert_claim:4500019001") == nil {
		t.Fatalf("the alert offers no Ask for release of 4500019001 beside its buttons: %v", alert.Blocks)
	}
	for range 2 {
		fake.SendInteractive(fake.BlockActions(slackfake.Press{User: "U0ADV0001", Channel: alert.Channel, MessageTS: ts,
			ActionID: ask["action_id"].(string), Value: ask["value"].(string)}))
	}
	request := waitPosts(t, fake, "C0CREDIT01", 1)[0]
	if text := strings.Join(request.BlockTexts(), "\n"); !strings.Contains(text, "4500019001") || !strings.Contains(text, "Claire Martin") {
		t.Errorf("the request:\n%s", text)
	}
	waitFor(t, "both presses answered", func() bool { return len(fake.Calls("response_url")) >= 2 })
	time.Sleep(time.Second) // a second request would come now
	if n := len(postsTo(fake, "C0CREDIT01")); n != 1 {
		t.Errorf("%d requests in the credit channel, want 1", n)
	}
}

// blockForClaire saves order number of the sample's François Dubœuf,
// assisted by Claire Martin, newly blocked by its credit limit: Claire's
// block alert.
func blockForClaire(t *testing.T, st *postgres.Store, number string) {
	t.Helper()
	ctx := context.Background()
	rep, err := st.PersonByEmail(ctx, "francois.duboeuf@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	claire, err := st.PersonByEmail(ctx, "claire.martin@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	customer, err := st.UpsertCustomer(ctx, orders.Customer{Code: "C001234", Name: "Boulangerie Dupré & Fils"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := st.SaveOrder(ctx, orders.Order{Number: number, Customer: customer, Rep: &rep, Assistant: &claire,
		Status: orders.StatusCreditLimit, BlockReason: "encours dépassé de 12 400 €", AmountCents: 1845000, Currency: "EUR",
		Blocks: []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "encours dépassé de 12 400 €", Since: now}}},
		postgres.Change{At: now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
}

// alertPosted waits for the block alert listing order number and returns
// its post and Slack's ts of it.
func alertPosted(t *testing.T, fake *slackfake.Server, st *postgres.Store, number string) (slackfake.Call, string) {
	t.Helper()
	var alert slackfake.Call
	waitFor(t, "the alert of "+number, func() bool {
		for _, c := range keyed(fake, "alert:") {
			if strings.Contains(postText(c), number) {
				alert = c
				return true
			}
		}
		return false
	})
	var ts string
	if err := st.Pool().QueryRow(context.Background(), `SELECT ts FROM deliveries WHERE key = $1`, alertKey(alert)).Scan(&ts); err != nil {
		t.Fatal(err)
	}
	return alert, ts
}
