package postgres_test

import (
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestHomeReads: a manager's team, the alerts escalated to them still in
// their block, and the alerts someone claimed, for the Home tab.
func TestHomeReads(t *testing.T) {
	f := setup(t)
	f.withManager("DG@example.fr")
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	old := f.blockedAt("4500011039", &f.asst, orders.StatusCreditLimit, 1845000, monday)
	lifted := f.blockedAt("4500011040", &f.asst, orders.StatusCreditLimit, 900000, monday)
	claimed := f.blockedAt("4500011041", &f.asst, orders.StatusOutOfStock, 500000, monday)
	if _, err := f.st.ClaimAlert(f.ctx, claimed, f.asst.ID, monday.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	team, err := f.st.Team(f.ctx, "dg@EXAMPLE.fr")
	if err != nil || len(team) != 1 || team[0].ID != f.rep.ID {
		t.Fatalf("team %+v %v", team, err)
	}
	if none, err := f.st.Team(f.ctx, ""); err != nil || len(none) != 0 {
		t.Errorf("the team of nobody: %+v %v", none, err)
	}
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	d, release, ok, err := f.st.ClaimDelivery(f.ctx, postgres.Delivery{Kind: "escalation", Key: "escalation:home", Channel: "U0DG"}, f.now)
	if err != nil || !ok {
		t.Fatal(err)
	}
	defer release()
	if _, err := f.st.Escalate(f.ctx, d, f.manager.ID, monday.Add(24*time.Hour), day, f.now); err != nil {
		t.Fatal(err)
	}
	// The second is released by an import: no longer an escalation to
	// look at.
	o, err := f.st.OrderByNumber(f.ctx, lifted)
	if err != nil {
		t.Fatal(err)
	}
	o.Status, o.Blocks, o.BlockReason, o.StatusSince = orders.StatusOpen, nil, "", f.now
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	esc, err := f.st.EscalatedTo(f.ctx, f.manager.ID, f.now.Add(-7*24*time.Hour), 10)
	if got := unownedNumbers(esc); err != nil || len(got) != 1 || got[0] != old || esc[0].Rep != "Claire Martin" {
		t.Errorf("escalated %q %v", got, err)
	}
	mine, err := f.st.ClaimedBy(f.ctx, f.asst.ID, 10)
	if got := unownedNumbers(mine); err != nil || len(got) != 1 || got[0] != claimed {
		t.Errorf("claimed %q %v", got, err)
	}
}
