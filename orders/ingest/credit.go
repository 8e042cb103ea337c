package ingest

import (
	"context"
	"fmt"

	"github.com/orderbot/orderbot/orders"
)

// The fields of a credit export, in the order a row's problems are looked
// for; the first one names the row's customer.
var creditFields = []kindField{
	{name: "customer_code", column: true, value: true, kind: vKey, what: "the customer code"},
	{name: "credit_limit", column: true, value: true, kind: vAmount, what: "the credit limit"},
	{name: "exposure", column: true, value: true, kind: vAmount, what: "the exposure"},
	{name: "overdue", column: true, kind: vAmount, what: "the overdue amount"},
	{name: "overdue_since", column: true, kind: vDate, what: "the date of the oldest overdue invoice"},
	{name: "currency", kind: vCurrency, what: "the currency"},
	{name: "account_hold", kind: vHold, what: "the account hold"},
}

// Indexes of creditFields.
const (
	cCustomerCode = iota
	cLimit
	cExposure
	cOverdue
	cOverdueSince
	cCurrency
	cAccountHold
)

// CreditFields returns the fields a credit profile maps, as the
// configuration spells them: customer_code, credit_limit, exposure, overdue
// and overdue_since are required, currency and account_hold optional.
func CreditFields() []string { return kindFieldNames(creditFields) }

// CreditEntry is one customer's credit position as a credit export states
// it; its AsOf is left zero (the import dates it).
type CreditEntry struct {
	// Row is where the position was read (file line, or sheet row).
	Row          int
	CustomerCode string
	Credit       orders.Credit
}

// CreditReader reads a credit export row by row, as Reader reads orders.
type CreditReader struct{ kindReader }

// OpenCredit opens the credit export at path, read through p (a profile of
// kind credit), and reads its header, as OpenContext opens an orders
// export.
func OpenCredit(ctx context.Context, path string, p Profile, lim Limits) (*CreditReader, error) {
	r, err := openKind(ctx, path, p, KindCredit, lim)
	if err != nil {
		return nil, err
	}
	return &CreditReader{kindReader{r: r, fields: creditFields}}, nil
}

// Next returns the next row's credit position; io.EOF at the end. Errors
// are as Reader.Next's. A position without a currency is in euros.
func (c *CreditReader) Next() (CreditEntry, error) {
	cells, line, err := c.r.nextRow()
	if err != nil {
		return CreditEntry{}, err
	}
	w := entryRow{r: c.r, cells: cells}
	w.findNUL()
	vals := w.kindValues(creditFields)
	if err := w.ps.err(c.r.name, line); err != nil {
		return CreditEntry{}, err
	}
	cur := vals[cCurrency].text
	if cur == "" {
		cur = "EUR"
	}
	return CreditEntry{Row: line, CustomerCode: vals[cCustomerCode].text, Credit: orders.Credit{
		LimitCents: vals[cLimit].num, ExposureCents: vals[cExposure].num, OverdueCents: vals[cOverdue].num,
		OverdueSince: vals[cOverdueSince].date, Currency: cur, AccountHold: vals[cAccountHold].hold,
	}}, nil
}

// builtinHolds are the words of an account_hold column no profile needs to
// map, folded.
var builtinHolds = map[string]bool{
	"hold": true, "yes": true, "oui": true, "true": true, "1": true, "o": true, "y": true, "x": true,
	"none": false, "no": false, "non": false, "false": false, "0": false, "n": false,
}

// compileHolds reads the words of the account_hold column, then checks the
// constants, which may use them.
func (p Profile) compileHolds(c *compiled, add addProblem) {
	c.holds = map[string]bool{}
	for w, h := range builtinHolds {
		c.holds[w] = h
	}
	user := map[string]string{}
	for _, k := range sortedKeys(p.HoldValues) {
		key := fmt.Sprintf("hold_values[%q]", k)
		w := fold(k)
		hold, ok := map[string]bool{"hold": true, "none": false}[fold(p.HoldValues[k])]
		switch {
		case w == "":
			add(key, "the ERP's word is empty")
		case !ok:
			add(key, "%q is neither hold nor none", p.HoldValues[k])
		case user[w] != "" && c.holds[w] != hold:
			add(key, "the same word as %q, the other way", user[w])
		default:
			user[w] = k
			c.holds[w] = hold
		}
	}
	c.checkKindConstants(creditFields, add)
}
