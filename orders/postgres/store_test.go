package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

// fixture is a small portfolio written through the store's own write path.
type fixture struct {
	st              *postgres.Store
	rep, rep2, asst orders.Person
	manager         orders.Person
	dupre, muller   orders.Customer
	now             time.Time
	ctx             context.Context
	t               *testing.T
	customers       map[string]orders.Customer
}

func setup(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	f := &fixture{st: server.Store(t), ctx: context.Background(), t: t,
		now: time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC), customers: map[string]orders.Customer{}}
	f.rep = f.person(orders.Person{Email: "Claire.Martin@example.fr", Name: "Claire Martin", Role: orders.RoleRep,
		SlackUserID: "U0REP01", DigestChannel: "#ventes-sud", Language: orders.French})
	f.rep2 = f.person(orders.Person{Email: "john.smith@example.fr", Name: "John Smith", Role: orders.RoleRep,
		SlackUserID: "U0REP02", Language: orders.English})
	f.asst = f.person(orders.Person{Email: "helene.lefevre@example.fr", Name: "Hélène Lefèvre", Role: orders.RoleAssistant,
		SlackUserID: "U0ADV01"})
	f.manager = f.person(orders.Person{Email: "dg@example.fr", Name: "Directeur", Role: orders.RoleManager})
	f.dupre = f.customer("C001234", "Boulangerie Dupré & Fils")
	f.muller = f.customer("C000042", "Établissements Müller SARL")
	return f
}

func (f *fixture) person(p orders.Person) orders.Person {
	f.t.Helper()
	p, err := f.st.UpsertPerson(f.ctx, p)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) customer(code, name string) orders.Customer {
	f.t.Helper()
	c, err := f.st.UpsertCustomer(f.ctx, orders.Customer{Code: code, Name: name})
	if err != nil {
		f.t.Fatal(err)
	}
	f.customers[name] = c
	return c
}

// order saves an order of customer c in status st, with a block for each
// kind in blocks, and returns what the store did.
func (f *fixture) order(number string, c orders.Customer, st orders.Status, cents int64, blocks ...orders.Status) postgres.SaveResult {
	f.t.Helper()
	o := orders.Order{Number: number, Customer: c, Status: st, AmountCents: cents, Currency: "EUR",
		Rep: &f.rep, Assistant: &f.asst}
	for i, b := range blocks {
		o.Blocks = append(o.Blocks, orders.Block{Kind: b, Reason: "raison " + string(b), Since: f.now.Add(-time.Duration(i+1) * time.Hour)})
	}
	res, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"})
	if err != nil {
		f.t.Fatalf("save order %s: %v", number, err)
	}
	return res
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := orders.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}
