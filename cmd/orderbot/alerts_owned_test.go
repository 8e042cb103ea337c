package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestAlertsHistoryCommand: an operator reads who claimed, snoozed and
// handed back an order's alert, and when, in the configured time zone.
func TestAlertsHistoryCommand(t *testing.T) {
	t.Parallel()
	url := sampleDatabase(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	claire, err := st.PersonByEmail(ctx, "claire.martin@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 8, 12, 0, 0, time.UTC)
	if _, err := st.ClaimAlert(ctx, "4500012346", claire.ID, at); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SnoozeAlert(ctx, "4500012346", claire.ID, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReleaseAlert(ctx, "4500012346", claire.ID, at.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// A release asked for, and declined.
	req, _, err := st.AskRelease(ctx, postgres.NewReleaseRequest{Number: "4500012346", Block: orders.StatusOutOfStock,
		RequesterID: claire.ID, Reason: "le client\naccepte un envoi partiel", Channel: "C0STOCK001", At: at.Add(3 * time.Minute)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.DecideRelease(ctx, req.ID, claire.ID, false, "pas de stock avant lundi", at.Add(5*time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"ORDERBOT_DATABASE_URL": url}
	out, stderr, err := orderbot(t, vars, "alerts", "history", "4500012346")
	if err != nil {
		t.Fatalf("alerts history: %v %s", err, stderr)
	}
	for _, want := range []string{"4500012346 · Boulangerie Dupré & Fils · out_of_stock since ",
		"2026-11-27 09:12  claim     Claire Martin\n",
		"2026-11-27 09:13  snooze    Claire Martin until 2026-11-30\n",
		"2026-11-27 09:14  release   Claire Martin → François Dubœuf\n",
		"2026-11-27 09:15  release asked of out_of_stock  Claire Martin: le client accepte un envoi partiel\n",
		"2026-11-27 09:17  release declined  Claire Martin: pas de stock avant lundi\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("alerts history lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := orderbot(t, vars, "alerts", "history", "4599999999"); err == nil || !strings.Contains(err.Error(), "4599999999") {
		t.Errorf("the history of no order: %v", err)
	}
}
