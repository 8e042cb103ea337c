package postgres_test

import (
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// step is one status an order enters at a moment, as an ERP's exports
// over the weeks record it.
type step struct {
	at time.Time
	st orders.Status
}

// history saves an order of rep through each of its steps.
func (f *fixture) history(number string, rep orders.Person, cents int64, cur string, steps ...step) {
	f.t.Helper()
	for _, s := range steps {
		o := orders.Order{Number: number, Customer: f.dupre, Rep: &rep, Status: s.st, StatusSince: s.at,
			AmountCents: cents, Currency: cur}
		if s.st.Blocked() {
			o.BlockReason = "raison"
			o.Blocks = []orders.Block{{Kind: s.st, Reason: "raison", Since: s.at}}
		}
		if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: s.at, Source: "test"}); err != nil {
			f.t.Fatalf("save order %s at %s: %v", number, s.at, err)
		}
	}
}

// TestBlockedSeries: the blocked value at the end of each of the last 30
// days, rebuilt from the status history, by block kind and currency; an
// install's first summary has its whole month.
func TestBlockedSeries(t *testing.T) {
	f := setup(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, paris) }
	now := day(27, 8)
	// Blocked long before the month and still.
	f.history("4500000001", f.rep, 100000, "EUR", step{day(1, 9).AddDate(0, -2, 0), orders.StatusCreditLimit})
	// Out of stock from the 10th to the 20th, then released.
	f.history("4500000002", f.rep, 50000, "EUR", step{day(1, 9), orders.StatusOpen},
		step{day(10, 12), orders.StatusOutOfStock}, step{day(20, 9), orders.StatusOpen})
	// Credit limit on the 5th, invoiced on the 15th.
	f.history("4500000003", f.rep2, 20000, "EUR", step{day(5, 14), orders.StatusCreditLimit}, step{day(15, 16), orders.StatusInvoiced})
	// A Swiss order, an anomaly since the 25th.
	f.history("4500000004", f.rep2, 30000, "CHF", step{day(25, 10), orders.StatusAnomaly})
	// Blocked at midnight exactly: the day that ends then has it.
	f.history("4500000005", f.rep, 7000, "EUR", step{day(20, 0), orders.StatusDeliveryBlock})
	// Blocked after the summary's moment (a preview of an earlier day).
	f.history("4500000006", f.rep, 9900, "EUR", step{day(27, 10), orders.StatusFinancialBlock})

	p, err := f.st.PortfolioAt(f.ctx, now.Add(-24*time.Hour), now, paris, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Days) != postgres.SeriesDays {
		t.Fatalf("%d days, want %d", len(p.Days), postgres.SeriesDays)
	}
	// ends: midnight ending 29 Oct ... midnight ending 26 Nov, then now.
	if first := p.Days[0].End; !first.Equal(time.Date(2026, 10, 30, 0, 0, 0, 0, paris)) {
		t.Errorf("the series starts at %s, want the end of 29 October", first)
	}
	if last := p.Days[len(p.Days)-1].End; !last.Equal(now) {
		t.Errorf("the series ends at %s, want %s", last, now)
	}
	// at returns the cents of kind in cur at the end of the day of November d
	// (27: now).
	at := func(d int, kind orders.Status, cur string) int64 {
		t.Helper()
		end := day(d+1, 0)
		if d == 27 {
			end = now
		}
		for _, bd := range p.Days {
			if bd.End.Equal(end) {
				return bd.ByKind[kind].Cents[cur]
			}
		}
		t.Fatalf("no point at the end of %d November", d)
		return 0
	}
	cases := []struct {
		day  int
		kind orders.Status
		cur  string
		want int64
	}{
		{1, orders.StatusCreditLimit, "EUR", 100000},
		{4, orders.StatusCreditLimit, "EUR", 100000},
		{5, orders.StatusCreditLimit, "EUR", 120000},
		{15, orders.StatusCreditLimit, "EUR", 100000},
		{9, orders.StatusOutOfStock, "EUR", 0},
		{10, orders.StatusOutOfStock, "EUR", 50000},
		{19, orders.StatusOutOfStock, "EUR", 50000},
		{20, orders.StatusOutOfStock, "EUR", 0},
		{19, orders.StatusDeliveryBlock, "EUR", 7000},
		{18, orders.StatusDeliveryBlock, "EUR", 0},
		{24, orders.StatusAnomaly, "CHF", 0},
		{25, orders.StatusAnomaly, "CHF", 30000},
		{27, orders.StatusAnomaly, "CHF", 30000},
		{27, orders.StatusFinancialBlock, "EUR", 0},
		{27, orders.StatusCreditLimit, "EUR", 100000},
	}
	for _, c := range cases {
		if got := at(c.day, c.kind, c.cur); got != c.want {
			t.Errorf("%s in %s at the end of %d November: %d cents, want %d", c.kind, c.cur, c.day, got, c.want)
		}
	}
	if n := p.Days[0].ByKind[orders.StatusCreditLimit].Count; n != 1 {
		t.Errorf("%d orders on credit limit on 29 October, want 1", n)
	}
}

// TestPortfolioRepsNamedAlike: two reps with one name are two lines.
func TestPortfolioRepsNamedAlike(t *testing.T) {
	f := setup(t)
	other := f.person(orders.Person{Email: "claire.martin@example.ch", Name: f.rep.Name, Role: orders.RoleRep})
	f.history("4500000011", f.rep, 10000, "EUR", step{f.now.Add(-time.Hour), orders.StatusOpen})
	f.history("4500000012", other, 20000, "EUR", step{f.now.Add(-time.Hour), orders.StatusCreditLimit})
	p, err := f.st.PortfolioAt(f.ctx, f.now.Add(-24*time.Hour), f.now, time.UTC, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Reps) != 2 {
		t.Fatalf("%d lines for two reps named %s: %+v", len(p.Reps), f.rep.Name, p.Reps)
	}
	for _, r := range p.Reps {
		if r.Name != f.rep.Name || r.ID == 0 || r.Open.Count != 1 {
			t.Errorf("line %+v, want one order of %s with its rep's ID", r, f.rep.Name)
		}
	}
}
