package postgres_test

import (
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
)

func TestOrderByNumberGivesTheCustomersCreditPosition(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusCreditLimit, 1825000, orders.StatusCreditLimit)
	f.order("4500012346", f.muller, orders.StatusOpen, 5000)
	asOf := time.Date(2026, 11, 27, 5, 30, 0, 0, time.UTC)
	if _, err := f.st.Pool().Exec(f.ctx, `INSERT INTO customer_credit
		(customer_id, credit_limit, exposure, overdue, overdue_since, currency, account_hold, as_of)
		VALUES ($1, 50000.00, 62400.50, 2300.25, '2026-10-15', 'EUR', true, $2)`, f.dupre.ID, asOf); err != nil {
		t.Fatal(err)
	}

	o, err := f.st.OrderByNumber(f.ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	c := o.Customer.Credit
	if c == nil {
		t.Fatal("credit position of Boulangerie Dupré & Fils not read")
	}
	if c.LimitCents != 5000000 || c.ExposureCents != 6240050 || c.OverdueCents != 230025 || c.Currency != "EUR" || !c.AccountHold {
		t.Errorf("credit = %+v", *c)
	}
	if c.OverdueSince == nil || !c.OverdueSince.Equal(time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("overdue since = %v, want 2026-10-15", c.OverdueSince)
	}
	if !c.AsOf.Equal(asOf) {
		t.Errorf("as of = %v, want %v", c.AsOf, asOf)
	}
	if c.ExcessCents() != 1240050 {
		t.Errorf("excess = %d", c.ExcessCents())
	}

	other, err := f.st.OrderByNumber(f.ctx, "4500012346")
	if err != nil {
		t.Fatal(err)
	}
	if other.Customer.Credit != nil {
		t.Errorf("a customer the credit export did not name has a credit position: %+v", *other.Customer.Credit)
	}
}
