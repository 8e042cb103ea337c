package postgres_test

import (
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

func numbers(l orders.OrderList) []string {
	var out []string
	for _, o := range l.Orders {
		out = append(out, o.Number)
	}
	return out
}

func TestOpenOrdersBlockedFirstWithTotals(t *testing.T) {
	f := setup(t)
	f.order("A-1", f.dupre, orders.StatusOpen, 10000)
	f.order("A-2", f.dupre, orders.StatusOutOfStock, 20000, orders.StatusOutOfStock)
	f.order("A-3", f.dupre, orders.StatusFinancialBlock, 40000, orders.StatusFinancialBlock, orders.StatusAnomaly)
	f.order("A-4", f.dupre, orders.StatusPicking, 80000)
	f.order("A-5", f.dupre, orders.StatusInvoiced, 160000)
	f.order("B-1", f.muller, orders.StatusCreditLimit, 320000, orders.StatusCreditLimit)

	l, err := f.st.OpenOrders(f.ctx, orders.OrderFilter{CustomerID: f.dupre.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"A-3", "A-2", "A-4", "A-1"}
	if got := numbers(l); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("orders %v, want %v (blocked first, most urgent first, closed left out)", got, want)
	}
	if l.Total != 4 || l.TotalCents["EUR"] != 150000 || l.Blocked != 2 || l.BlockedCents["EUR"] != 60000 {
		t.Errorf("totals %d %v blocked %d %v", l.Total, l.TotalCents, l.Blocked, l.BlockedCents)
	}
	if len(l.Orders[0].Blocks) != 2 {
		t.Errorf("blocks of %s: %+v", l.Orders[0].Number, l.Orders[0].Blocks)
	}

	l, err = f.st.OpenOrders(f.ctx, orders.OrderFilter{CustomerID: f.dupre.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Orders) != 1 || l.Total != 4 {
		t.Errorf("limit 1: %d orders, total %d; want 1 and 4", len(l.Orders), l.Total)
	}
}

func TestOpenOrdersByPersonAndStatus(t *testing.T) {
	f := setup(t)
	f.order("A-1", f.dupre, orders.StatusOpen, 100)
	f.order("A-2", f.muller, orders.StatusCreditLimit, 100, orders.StatusCreditLimit)
	f.order("A-3", f.muller, orders.StatusCancelled, 100)
	mine := orders.Order{Number: "C-1", Customer: f.muller, Status: orders.StatusDeliveryBlock, Currency: "EUR",
		Rep: &f.rep2, Blocks: []orders.Block{{Kind: orders.StatusDeliveryBlock}}}
	if _, err := f.st.SaveOrder(f.ctx, mine, postgres.Change{At: f.now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		filter orders.OrderFilter
		want   []string
	}{
		{"rep", orders.OrderFilter{RepID: f.rep.ID}, []string{"A-2", "A-1"}},
		{"other rep", orders.OrderFilter{RepID: f.rep2.ID}, []string{"C-1"}},
		{"assistant", orders.OrderFilter{AssistantID: f.asst.ID}, []string{"A-2", "A-1"}},
		{"status", orders.OrderFilter{Statuses: []orders.Status{orders.StatusCreditLimit}}, []string{"A-2"}},
		{"blocked", orders.OrderFilter{BlockedOnly: true}, []string{"A-2", "C-1"}},
		{"rep blocked", orders.OrderFilter{RepID: f.rep.ID, BlockedOnly: true}, []string{"A-2"}},
		{"closed status asked", orders.OrderFilter{Statuses: []orders.Status{orders.StatusCancelled}}, nil},
		{"everything", orders.OrderFilter{}, []string{"A-2", "C-1", "A-1"}},
	}
	for _, c := range cases {
		l, err := f.st.OpenOrders(f.ctx, c.filter)
		if err != nil {
			t.Fatal(err)
		}
		got := numbers(l)
		if len(got) != len(c.want) || l.Total != len(c.want) {
			t.Errorf("%s: %v (total %d), want %v", c.name, got, l.Total, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

func TestPeopleLookups(t *testing.T) {
	f := setup(t)
	for _, typed := range []string{"claire.martin@example.fr", "CLAIRE.MARTIN@EXAMPLE.FR", " Claire.Martin@example.fr "} {
		p, err := f.st.PersonByEmail(f.ctx, typed)
		if err != nil || p.ID != f.rep.ID || p.DigestChannel != "#ventes-sud" || p.Language != orders.French {
			t.Errorf("PersonByEmail(%q) = %+v, %v", typed, p, err)
		}
	}
	p, err := f.st.PersonBySlackID(f.ctx, "U0ADV01")
	if err != nil || p.ID != f.asst.ID || p.Role != orders.RoleAssistant {
		t.Errorf("PersonBySlackID = %+v, %v", p, err)
	}
	_, err = f.st.PersonBySlackID(f.ctx, "U0NOBODY")
	wantCode(t, err, orders.ENotFound)
	_, err = f.st.PersonByEmail(f.ctx, "nobody@example.fr")
	wantCode(t, err, orders.ENotFound)

	// Updating by e-mail keeps one person and a known Slack ID.
	f.rep.Name, f.rep.SlackUserID = "Claire Martin-Dupuis", ""
	again := f.person(f.rep)
	if again.ID != f.rep.ID {
		t.Errorf("upsert made a new person %d, want %d", again.ID, f.rep.ID)
	}
	p, err = f.st.PersonBySlackID(f.ctx, "U0REP01")
	if err != nil || p.Name != "Claire Martin-Dupuis" {
		t.Errorf("after update: %+v, %v", p, err)
	}
	_, err = f.st.UpsertPerson(f.ctx, orders.Person{Email: "x@example.fr", Name: "X", Role: "boss"})
	wantCode(t, err, orders.EInvalid)
}

func TestSaveOrderRecordsEveryStatusChange(t *testing.T) {
	f := setup(t)
	res := f.order("H-1", f.dupre, orders.StatusOpen, 100)
	if !res.Created || !res.StatusChanged || res.From != "" {
		t.Errorf("first save: %+v", res)
	}
	if open := f.openOrdersOf(f.dupre); open != 1 {
		t.Errorf("open orders of the customer = %d, want 1", open)
	}
	later := func(d time.Duration) { f.now = f.now.Add(d) }

	later(time.Hour)
	res = f.order("H-1", f.dupre, orders.StatusOpen, 200) // same status, new amount
	if res.Created || res.StatusChanged {
		t.Errorf("unchanged status: %+v", res)
	}
	later(time.Hour)
	blockedAt := f.now
	f.order("H-1", f.dupre, orders.StatusCreditLimit, 200, orders.StatusCreditLimit)
	later(time.Hour)
	// A second block arrives; the credit block keeps its start.
	o, _ := f.st.OrderByNumber(f.ctx, "H-1")
	firstSince := o.Blocks[0].Since
	o.Blocks = append(o.Blocks, orders.Block{Kind: orders.StatusDeliveryBlock, Reason: "adresse incomplète"})
	o.Blocks[0].Since = time.Time{}
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	o, _ = f.st.OrderByNumber(f.ctx, "H-1")
	if len(o.Blocks) != 2 || !o.Blocks[0].Since.Equal(firstSince) || !o.Blocks[1].Since.Equal(f.now) {
		t.Errorf("blocks %+v: the credit block should keep %v", o.Blocks, firstSince)
	}
	if !o.StatusSince.Equal(blockedAt) {
		t.Errorf("status since %v, want %v", o.StatusSince, blockedAt)
	}
	later(time.Hour)
	res = f.order("H-1", f.dupre, orders.StatusInvoiced, 200)
	if !res.StatusChanged || res.From != orders.StatusCreditLimit {
		t.Errorf("invoicing: %+v", res)
	}
	o, _ = f.st.OrderByNumber(f.ctx, "H-1")
	if o.ClosedAt == nil || !o.ClosedAt.Equal(f.now) || len(o.Blocks) != 0 {
		t.Errorf("invoiced order: closed %v, blocks %+v", o.ClosedAt, o.Blocks)
	}
	if open := f.openOrdersOf(f.dupre); open != 0 {
		t.Errorf("open orders of the customer = %d, want 0", open)
	}

	h, err := f.st.History(f.ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ from, to orders.Status }{{"", orders.StatusOpen}, {orders.StatusOpen, orders.StatusCreditLimit}, {orders.StatusCreditLimit, orders.StatusInvoiced}}
	if len(h) != len(want) {
		t.Fatalf("history %+v, want %d changes", h, len(want))
	}
	for i, w := range want {
		if h[i].From != w.from || h[i].To != w.to || h[i].Source != "test" {
			t.Errorf("change %d: %s -> %s (%s), want %s -> %s", i, h[i].From, h[i].To, h[i].Source, w.from, w.to)
		}
	}
	if !h[1].At.Equal(blockedAt) {
		t.Errorf("blocked at %v, want %v", h[1].At, blockedAt)
	}
}

func TestSaveOrderRejectsBadInputAndKeepsTheData(t *testing.T) {
	f := setup(t)
	f.order("V-1", f.dupre, orders.StatusOpen, 100)
	bad := []orders.Order{
		{Number: "V-1", Customer: f.dupre, Status: "lost", Currency: "EUR"},
		{Number: "V-1", Customer: f.dupre, Status: orders.StatusOpen, Currency: "EUR",
			Blocks: []orders.Block{{Kind: orders.StatusCreditLimit}}},
		{Number: "V-1", Customer: f.dupre, Status: orders.StatusOpen, Currency: "euro"},
		{Number: "--", Customer: f.dupre, Status: orders.StatusOpen, Currency: "EUR"},
		{Number: "V-1", Customer: orders.Customer{Code: "C404"}, Status: orders.StatusOpen, Currency: "EUR"},
	}
	for _, o := range bad {
		_, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"})
		if err == nil {
			t.Errorf("SaveOrder(%+v) accepted", o)
		}
	}
	o, err := f.st.OrderByNumber(f.ctx, "V-1")
	if err != nil || o.Status != orders.StatusOpen || o.Customer.ID != f.dupre.ID {
		t.Errorf("after rejected saves: %+v, %v", o, err)
	}
	h, _ := f.st.History(f.ctx, o.ID)
	if len(h) != 1 {
		t.Errorf("history has %d changes, want 1", len(h))
	}
}

func (f *fixture) openOrdersOf(c orders.Customer) int {
	f.t.Helper()
	got, err := f.st.CustomersByName(f.ctx, c.Name, 5)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range got {
		if m.ID == c.ID {
			return m.OpenOrders
		}
	}
	f.t.Fatalf("customer %q not found by name", c.Name)
	return 0
}
