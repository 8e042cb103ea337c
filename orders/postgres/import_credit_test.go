package postgres_test

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// creditFeed yields rows, then io.EOF.
func creditFeed(rows []postgres.CreditRow) func() (postgres.CreditRow, error) {
	i := 0
	return func() (postgres.CreditRow, error) {
		if i == len(rows) {
			return postgres.CreditRow{}, io.EOF
		}
		i++
		return rows[i-1], nil
	}
}

// frenchCredit is a credit export: Dupré over its limit with an overdue
// invoice, Müller within, and a prospect without orders.
func frenchCredit() []postgres.CreditRow {
	since := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	return []postgres.CreditRow{
		{Row: 2, CustomerCode: "C001234", Credit: orders.Credit{LimitCents: 5000000, ExposureCents: 6230000, OverdueCents: 230000, OverdueSince: &since, Currency: "EUR"}},
		{Row: 3, CustomerCode: "C000042", Credit: orders.Credit{LimitCents: 1000000, ExposureCents: 400000, Currency: "EUR"}},
		{Row: 4, CustomerCode: "P999", Credit: orders.Credit{LimitCents: 100000, Currency: "EUR"}},
	}
}

func (f *fixture) importCredit(asOf time.Time, rows []postgres.CreditRow) (postgres.CreditReport, error) {
	f.t.Helper()
	return f.st.ImportCredit(f.ctx, postgres.ImportRequest{Source: "encours.csv", Profile: "sage_encours", AsOf: asOf, RefuseOlder: true}, creditFeed(rows))
}

func TestImportCredit(t *testing.T) {
	f := setup(t)
	muller := f.customer("C000042", "Müller GmbH")
	f.order("4500012345", f.dupre, orders.StatusCreditLimit, 100000, orders.StatusCreditLimit)
	f.order("4500012346", muller, orders.StatusOpen, 5000)
	day1 := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	rep, err := f.importCredit(day1, frenchCredit())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 3 || rep.Created != 2 || rep.Updated != 0 || rep.Skipped != 1 || len(rep.SkippedCustomers) != 1 || rep.SkippedCustomers[0] != "P999" {
		t.Errorf("report = %+v", rep)
	}
	o, err := f.st.OrderByNumber(f.ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	c := o.Customer.Credit
	if c == nil || c.LimitCents != 5000000 || c.ExposureCents != 6230000 || c.ReleasePaymentCents() != 1230000 || !c.AsOf.Equal(day1) ||
		c.OverdueSince == nil || c.OverdueSince.Day() != 15 {
		t.Fatalf("credit of Dupré = %+v", c)
	}

	// The same export again changes nothing; a later one with Dupré's
	// position changed changes it alone, and the history keeps both.
	rep, err = f.importCredit(day1, frenchCredit())
	if err != nil || rep.Unchanged != 2 || rep.Created+rep.Updated != 0 {
		t.Errorf("same export again: %+v %v", rep, err)
	}
	if n := f.count(`SELECT count(*) FROM credit_history`); n != 2 {
		t.Errorf("%d history rows after the same export twice, want 2", n)
	}
	rows := frenchCredit()
	rows[0].Credit.ExposureCents, rows[0].Credit.AccountHold = 4800000, true
	day2 := day1.Add(24 * time.Hour)
	if rep, err = f.importCredit(day2, rows); err != nil || rep.Updated != 1 || rep.Unchanged != 1 {
		t.Errorf("next day: %+v %v", rep, err)
	}
	o, _ = f.st.OrderByNumber(f.ctx, "4500012345")
	if c := o.Customer.Credit; c == nil || c.ExposureCents != 4800000 || !c.AccountHold || !c.AsOf.Equal(day2) {
		t.Errorf("credit of Dupré the next day = %+v", c)
	}
	if n := f.count(`SELECT count(*) FROM credit_history h JOIN customers c ON c.id = h.customer_id
		WHERE c.code = 'C001234' AND h.source = 'import:sage_encours'`); n != 2 {
		t.Errorf("Dupré's history has %d rows, want 2", n)
	}
	if _, err := f.importCredit(day1, rows); err == nil {
		t.Error("an export older than the last one was applied")
	}
}

func TestImportCreditRefusesACustomerTwice(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusCreditLimit, 100000, orders.StatusCreditLimit)
	rows := append(frenchCredit(), postgres.CreditRow{Row: 7, CustomerCode: "C001234", Credit: orders.Credit{Currency: "EUR"}})
	_, err := f.importCredit(time.Time{}, rows)
	var bad *orders.InputErrors
	if !errors.As(err, &bad) || len(bad.Problems) != 1 || bad.Problems[0].Text != "encours.csv:7: customer C001234 is given twice (first at line 2)" {
		t.Fatalf("a customer twice: %v", err)
	}
	if n := f.count(`SELECT (SELECT count(*) FROM customer_credit) + (SELECT count(*) FROM import_runs)`); n != 0 {
		t.Errorf("a refused import wrote %d rows", n)
	}
}
