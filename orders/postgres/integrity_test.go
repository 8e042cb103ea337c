package postgres_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

func TestPlaceholderNeverOverwritesARealPerson(t *testing.T) {
	f := setup(t)
	got := f.person(orders.Person{Email: "CLAIRE.MARTIN@example.fr", Name: "C. Martin", Role: orders.RoleRep, Placeholder: true})
	if got.ID != f.rep.ID || got.Name != "Claire Martin" || got.Placeholder {
		t.Errorf("placeholder upsert returned %+v", got)
	}
	p, err := f.st.PersonByEmail(f.ctx, "claire.martin@example.fr")
	if err != nil || p.Name != "Claire Martin" || p.DigestChannel != "#ventes-sud" || p.Placeholder {
		t.Errorf("after a placeholder upsert: %+v, %v", p, err)
	}
	// A placeholder named by code becomes the real person once known.
	ph := f.person(orders.Person{Code: "REP042", Name: "REP042", Role: orders.RoleRep, Placeholder: true})
	again := f.person(orders.Person{Code: "REP042", Name: "Paul Girard", Role: orders.RoleRep})
	if again.ID != ph.ID {
		t.Errorf("the real entry made a new person %d, want %d", again.ID, ph.ID)
	}
	if p, err := f.st.PersonByID(f.ctx, ph.ID); err != nil || p.Name != "Paul Girard" || p.Placeholder {
		t.Errorf("after the real entry: %+v, %v", p, err)
	}
	// Two people cannot share a Slack user ID: a conflict, said plainly.
	_, err = f.st.UpsertPerson(f.ctx, orders.Person{Email: "x@example.fr", Name: "X", Role: orders.RoleRep, SlackUserID: "U0REP01"})
	wantCode(t, err, orders.EConflict)
}

func TestConcurrentSavesOfANewOrderMakeOneOrder(t *testing.T) {
	f := setup(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := orders.Order{Number: "RACE-1", Customer: f.dupre, Status: orders.StatusOpen, Currency: "EUR", Rep: &f.rep}
			_, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	o, err := f.st.OrderByNumber(f.ctx, "RACE-1")
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := f.st.History(f.ctx, o.ID); len(h) != 1 {
		t.Errorf("history has %d entries, want 1", len(h))
	}
	if n := f.openOrdersOf(f.dupre); n != 1 {
		t.Errorf("open orders = %d, want 1", n)
	}
}

func TestSaveOrderFailingInTheDatabaseChangesNothing(t *testing.T) {
	f := setup(t)
	f.order("T-1", f.dupre, orders.StatusOpen, 100)
	before, _ := f.st.OrderByNumber(f.ctx, "T-1")
	// The order row is updated, then a line overflows numeric(15,3).
	o := orders.Order{Number: "T-1", Customer: f.muller, Status: orders.StatusCreditLimit, Currency: "EUR", AmountCents: 999,
		Blocks: []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "encours"}},
		Lines:  []orders.Line{{Number: 1, Description: "x", Quantity: 1e20}}}
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err == nil {
		t.Fatal("an overflowing line was accepted")
	}
	after, err := f.st.OrderByNumber(f.ctx, "T-1")
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != before.Status || after.Customer.ID != f.dupre.ID || after.AmountCents != 100 || len(after.Blocks) != 0 || len(after.Lines) != 0 {
		t.Errorf("the failed save left %+v", after)
	}
	if h, _ := f.st.History(f.ctx, after.ID); len(h) != 1 {
		t.Errorf("history has %d entries, want 1", len(h))
	}
	if f.openOrdersOf(f.dupre) != 1 {
		t.Errorf("open orders of the first customer changed")
	}
}

func TestOpenOrderCountsStayExact(t *testing.T) {
	f := setup(t)
	other := f.customer("C000777", "Carrefour Market Lyon 3")
	for i := range 6 {
		f.order(fmt.Sprintf("K-%d", i), f.dupre, orders.StatusOpen, 100)
	}
	f.order("K-0", f.dupre, orders.StatusInvoiced, 100)                                  // closed
	f.order("K-0", f.dupre, orders.StatusOpen, 100)                                      // reopened
	f.order("K-1", other, orders.StatusOpen, 100)                                        // moved to another customer
	f.order("K-2", other, orders.StatusCancelled, 100)                                   // moved and closed
	f.order("K-3", f.dupre, orders.StatusDeliveryBlock, 100, orders.StatusDeliveryBlock) // still open
	exec := func(sql string) {
		if _, err := f.st.Pool().Exec(f.ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE orders SET customer_id = (SELECT id FROM customers WHERE code = 'C000777') WHERE number IN ('K-4', 'K-5')`)
	exec(`DELETE FROM orders WHERE number = 'K-4'`)
	var wrong int
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT count(*) FROM customers c WHERE open_orders <>
		(SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND o.closed_at IS NULL)`).Scan(&wrong); err != nil {
		t.Fatal(err)
	}
	if wrong != 0 {
		t.Errorf("%d customers have a wrong open order count", wrong)
	}
	if got := f.openOrdersOf(f.dupre); got != 2 {
		t.Errorf("first customer: %d open orders, want 2", got)
	}
	if got := f.openOrdersOf(other); got != 2 {
		t.Errorf("second customer: %d open orders, want 2", got)
	}
}

func TestNumbersSharingAKey(t *testing.T) {
	f := setup(t)
	f.order("12-34", f.dupre, orders.StatusOpen, 100)
	f.order("1-234", f.dupre, orders.StatusOpen, 100)
	if o, err := f.st.OrderByNumber(f.ctx, "12-34"); err != nil || o.Number != "12-34" {
		t.Errorf("exact spelling: %s, %v", o.Number, err)
	}
	_, err := f.st.OrderByNumber(f.ctx, "1234")
	wantCode(t, err, orders.EConflict)
	if msg := orders.ErrorMessage(err); msg != `"1234" could be order 1-234 or order 12-34` && msg != `"1234" could be order 12-34 or order 1-234` {
		t.Errorf("message %q", msg)
	}
}

func TestSaveOrderTakesTheCustomerByItsExactCode(t *testing.T) {
	f := setup(t)
	f.customer("C-12", "Premier")
	second := f.customer("C12", "Second")
	o := orders.Order{Number: "E-1", Customer: orders.Customer{Code: "C012"}, Status: orders.StatusOpen, Currency: "EUR"}
	_, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"})
	wantCode(t, err, orders.ENotFound)
	o.Customer.Code = "C12"
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.st.OrderByNumber(f.ctx, "E-1"); got.Customer.ID != second.ID {
		t.Errorf("order saved for %+v", got.Customer)
	}
	// People named by e-mail only are found; unknown ones are refused.
	o.Rep = &orders.Person{Email: "JOHN.SMITH@example.fr"}
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.st.OrderByNumber(f.ctx, "E-1"); got.Rep == nil || got.Rep.ID != f.rep2.ID {
		t.Errorf("rep = %+v", got.Rep)
	}
	o.Rep = &orders.Person{Email: "nobody@example.fr"}
	_, err = f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"})
	wantCode(t, err, orders.ENotFound)
	o.Rep = &orders.Person{Name: "Sans Adresse"}
	_, err = f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"})
	wantCode(t, err, orders.EInvalid)
}

func TestAnExactNameWithoutOpenOrdersIsACandidate(t *testing.T) {
	f := setup(t)
	f.searchPortfolio()
	f.customer("C008888", "Bernard")
	got, err := f.st.CustomersByName(f.ctx, "bernard", 5)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range got {
		found = found || m.Name == "Bernard"
	}
	if !found {
		t.Errorf("candidates %s lack the customer named exactly Bernard", describe(got))
	}
	if _, clear := orders.ClearMatch(got); clear {
		t.Errorf("ClearMatch chose one of %s", describe(got))
	}
}
