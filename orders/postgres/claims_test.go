package postgres_test

import (
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// blockedAt saves a blocked order of f.rep (assistant asst) whose block
// started at since, and returns its number.
func (f *fixture) blockedAt(number string, asst *orders.Person, st orders.Status, cents int64, since time.Time) string {
	f.t.Helper()
	o := orders.Order{Number: number, Customer: f.dupre, Status: st, BlockReason: "encours dépassé de 12 400 €",
		AmountCents: cents, Currency: "EUR", Rep: &f.rep, Assistant: asst,
		Blocks: []orders.Block{{Kind: st, Reason: "encours dépassé de 12 400 €", Since: since}}}
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: since, Source: "test"}); err != nil {
		f.t.Fatalf("save order %s: %v", number, err)
	}
	return number
}

func actionsOf(t *testing.T, f *fixture, number string) []string {
	t.Helper()
	acts, err := f.st.AlertActions(f.ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range acts {
		s := a.Action + " by " + a.By.Name
		if a.By.ID == 0 {
			s = a.Action + " by orderbot"
		}
		if a.To.ID != 0 {
			s += " to " + a.To.Name
		}
		if a.Until != nil {
			s += " until " + a.Until.Format(time.DateOnly)
		}
		out = append(out, s)
	}
	return out
}

func TestClaimAlertIsTheFirstClickersAndRecorded(t *testing.T) {
	f := setup(t)
	n := f.blockedAt("4500011039", &f.asst, orders.StatusCreditLimit, 1845000, f.now)
	at := f.now.Add(2 * time.Hour)
	owner, err := f.st.ClaimAlert(f.ctx, n, f.asst.ID, at)
	if err != nil {
		t.Fatal(err)
	}
	if owner.ClaimedBy == nil || owner.ClaimedBy.Name != "Hélène Lefèvre" || !owner.ClaimedAt.Equal(at) {
		t.Errorf("owner %+v", owner)
	}
	// Clicking again changes nothing; someone else is told who has it.
	if _, err := f.st.ClaimAlert(f.ctx, n, f.asst.ID, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	other, err := f.st.ClaimAlert(f.ctx, n, f.rep.ID, at.Add(time.Hour))
	wantCode(t, err, orders.EConflict)
	if other.ClaimedBy == nil || other.ClaimedBy.ID != f.asst.ID {
		t.Errorf("a second claim gave %+v", other)
	}
	got, ok, err := f.st.AlertOwnerOf(f.ctx, n)
	if err != nil || !ok || got.ClaimedBy == nil || got.ClaimedBy.ID != f.asst.ID || !got.ClaimedAt.Equal(at) {
		t.Errorf("owner of %s: %+v %v %v", n, got, ok, err)
	}
	if o, err := f.st.OrderByNumber(f.ctx, n); err != nil || o.HandledBy == nil || o.HandledBy.Name != "Hélène Lefèvre" ||
		!o.HandledBy.Since.Equal(at) {
		t.Errorf("the order read says handled by %+v, %v", o.HandledBy, err)
	}
	if acts := actionsOf(t, f, n); len(acts) != 1 || acts[0] != "claim by Hélène Lefèvre" {
		t.Errorf("history %q", acts)
	}
	// A new block is a new alert: nobody owns it.
	o, _ := f.st.OrderByNumber(f.ctx, n)
	o.StatusSince = time.Time{}
	o.Status, o.Blocks = orders.StatusFinancialBlock, []orders.Block{{Kind: orders.StatusFinancialBlock, Reason: "3 factures échues"}}
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now.Add(24 * time.Hour), Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := f.st.AlertOwnerOf(f.ctx, n); err != nil || ok {
		t.Errorf("after a new block: %+v %v %v", got, ok, err)
	}
	if o, err := f.st.OrderByNumber(f.ctx, n); err != nil || o.HandledBy != nil {
		t.Errorf("after a new block, handled by %+v, %v", o.HandledBy, err)
	}
	// A released order has no alert to claim.
	f.order("4500011040", f.dupre, orders.StatusOpen, 1000)
	_, err = f.st.ClaimAlert(f.ctx, "4500011040", f.asst.ID, at)
	wantCode(t, err, orders.EInvalid)
	_, err = f.st.ClaimAlert(f.ctx, "4500099999", f.asst.ID, at)
	wantCode(t, err, orders.ENotFound)
}

func TestSnoozeAndReleaseAreRecorded(t *testing.T) {
	f := setup(t)
	other := f.person(orders.Person{Email: "sophie.roux@example.fr", Name: "Sophie Roux", Role: orders.RoleAssistant,
		SlackUserID: "U0ADV02"})
	n := f.blockedAt("4500011039", &f.asst, orders.StatusCreditLimit, 1845000, f.now)
	// Sophie assists Claire on two of her open orders: she is Claire's pool.
	f.blockedAt("4500011041", &other, orders.StatusOutOfStock, 1000, f.now)
	f.blockedAt("4500011042", &other, orders.StatusOutOfStock, 1000, f.now)
	until := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	owner, err := f.st.SnoozeAlert(f.ctx, n, f.asst.ID, until, f.now)
	if err != nil || owner.SnoozedUntil == nil || owner.SnoozedUntil.Format(time.DateOnly) != "2026-11-30" {
		t.Fatalf("snooze %+v %v", owner, err)
	}
	if _, err := f.st.ClaimAlert(f.ctx, n, f.asst.ID, f.now); err != nil {
		t.Fatal(err)
	}
	owner, err = f.st.ReleaseAlert(f.ctx, n, f.asst.ID, f.now.Add(time.Hour))
	if err != nil || owner.HandedTo == nil || owner.HandedTo.ID != other.ID || owner.ClaimedBy != nil ||
		owner.HandedBy == nil || owner.HandedBy.ID != f.asst.ID || owner.SnoozedBy == nil || owner.SnoozedBy.ID != f.asst.ID {
		t.Fatalf("release %+v %v", owner, err)
	}
	owners, err := f.st.AlertOwners(f.ctx, []string{n, "4500011041"})
	if err != nil || len(owners) != 1 || owners[n].HandedTo == nil || owners[n].HandedTo.Name != "Sophie Roux" {
		t.Errorf("owners %+v %v", owners, err)
	}
	// The same click handled again (a replica died after it) changes nothing.
	if again, err := f.st.ReleaseAlert(f.ctx, n, f.asst.ID, f.now.Add(time.Hour)); err != nil || again.HandedTo == nil || again.HandedTo.ID != other.ID {
		t.Fatalf("release handled twice %+v %v", again, err)
	}
	// Sophie hands it on in turn: the pool has nobody else, so the rep.
	owner, err = f.st.ReleaseAlert(f.ctx, n, other.ID, f.now.Add(2*time.Hour))
	if err != nil || owner.HandedTo == nil || owner.HandedTo.ID != f.rep.ID {
		t.Fatalf("second release %+v %v", owner, err)
	}
	want := []string{"snooze by Hélène Lefèvre until 2026-11-30", "claim by Hélène Lefèvre",
		"release by Hélène Lefèvre to Sophie Roux", "release by Sophie Roux to Claire Martin"}
	if acts := actionsOf(t, f, n); len(acts) != len(want) {
		t.Errorf("history %q, want %q", acts, want)
	} else {
		for i := range want {
			if acts[i] != want[i] {
				t.Errorf("history %d: %q, want %q", i, acts[i], want[i])
			}
		}
	}
}
