package orderapi_test

import (
	"context"
	"strings"
	"testing"
)

// chaiLines are the lines of order 4500012345: Chai short until the 14th
// of December, coffee partly available.
const chaiLines = `[
 {"line": 1, "item": "CHAI-24", "description": "Chai 24 × 500 g", "quantity": 12, "available": 0, "restock_on": "2026-12-14"},
 {"line": "2", "item": "1234", "description": "Café moulu 1 kg", "quantity": "40", "available": 12.5, "carrier": "DHL", "tracking": "JD014600006281"}
]`

func TestPutLinesReplacesTheOrdersLines(t *testing.T) {
	b := setup(t, 0)
	if r := b.push(t, twoOrders); r.code != 200 {
		t.Fatalf("push: %d %s", r.code, r.raw)
	}
	put := func(body string) reply {
		t.Helper()
		return b.call(t, "PUT", "/api/v1/orders/4500012345/lines", "Bearer "+token, body)
	}
	r := put(chaiLines)
	if r.code != 200 || r.body["created"] != 2.0 || r.body["order"] != "4500012345" || r.body["applied"] != true {
		t.Fatalf("PUT lines: %d %s", r.code, r.raw)
	}
	o, err := b.st.OrderByNumber(context.Background(), "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Lines) != 2 || o.Lines[0].Missing() != 12 || o.Lines[0].RestockOn == nil || o.Lines[1].Available != 12.5 || o.Lines[1].Tracking != "JD014600006281" {
		t.Errorf("lines = %+v", o.Lines)
	}
	if r := put(chaiLines); r.code != 200 || r.body["unchanged"] != 2.0 || r.body["created"] != 0.0 {
		t.Errorf("the same lines again: %s", r.raw)
	}
	// The chai arrived; the coffee line is gone from the order.
	r = put(`[{"line": 1, "item": "CHAI-24", "description": "Chai 24 × 500 g", "quantity": 12, "available": 12}]`)
	if r.code != 200 || r.body["updated"] != 1.0 || r.body["removed"] != 1.0 {
		t.Errorf("chai arrived: %s", r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM line_history WHERE item = 'CHAI-24' AND available_before = 0 AND available = 12 AND source = 'import:api'`); n != 1 {
		t.Errorf("%d history rows of the chai's arrival", n)
	}
	// Another order's lines are its own.
	if o, _ := b.st.OrderByNumber(context.Background(), "4500012346"); len(o.Lines) != 0 {
		t.Errorf("4500012346 got lines: %+v", o.Lines)
	}
}

func TestPutLinesRefusesBadInput(t *testing.T) {
	b := setup(t, 0)
	if r := b.push(t, twoOrders); r.code != 200 {
		t.Fatalf("push: %d %s", r.code, r.raw)
	}
	put := func(number, body string) reply {
		t.Helper()
		return b.call(t, "PUT", "/api/v1/orders/"+number+"/lines", "Bearer "+token, body)
	}
	if r := put("4599999999", chaiLines); r.code != 404 || !strings.Contains(r.body["detail"].(string), "4599999999") {
		t.Errorf("unknown order: %d %s", r.code, r.raw)
	}
	if r := put("4500012345", `{"line": 1}`); r.code != 400 {
		t.Errorf("an object: %d %s", r.code, r.raw)
	}
	r := put("4500012345", `[
		{"line": 1, "item": "CHAI-24", "quantity": -2, "colour": "red"},
		{"line": 1, "item": "CHAI\u0000", "quantity": "12,5", "restock_on": "14/12/2026"},
		{"item": "4711", "quantity": 1}
	]`)
	errs := r.problem(t, 422)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Pointer] = e.Reason
	}
	for pointer, want := range map[string]string{
		"/0/quantity":   "Line at index 0: quantity -2 is out of range",
		"/0/colour":     "Line at index 0: colour is not a field of a line",
		"/1/line":       "Line at index 1: line 1 is there twice (first at index 0)",
		"/1/item":       "Line at index 1: item holds a NUL byte",
		"/1/quantity":   `Line at index 1: quantity "12,5" is not a number`,
		"/1/restock_on": `Line at index 1: restock_on "14/12/2026" is not a date (want YYYY-MM-DD`,
		"/2/line":       "Line at index 2: line is missing",
	} {
		if !strings.HasPrefix(got[pointer], want) {
			t.Errorf("%s: %q, want %q…", pointer, got[pointer], want)
		}
	}
	if r.body["type"] != "urn:orderbot:problem:invalid-lines" {
		t.Errorf("type %v", r.body["type"])
	}
	put("4500012345", `[]`).problem(t, 422)
	if n := b.count(t, `SELECT count(*) FROM order_lines`); n != 0 {
		t.Errorf("refused pushes wrote %d lines", n)
	}
	if r := b.call(t, "PUT", "/api/v1/orders/4500012345/lines", "", chaiLines); r.code != 401 {
		t.Errorf("no token: %d", r.code)
	}
}

func TestPutCredit(t *testing.T) {
	b := setup(t, 0)
	if r := b.push(t, twoOrders); r.code != 200 {
		t.Fatalf("push: %d %s", r.code, r.raw)
	}
	put := func(code, body string) reply {
		t.Helper()
		return b.call(t, "PUT", "/api/v1/customers/"+code+"/credit", "Bearer "+token, body)
	}
	position := `{"credit_limit": 50000, "exposure": "62300.00", "overdue": 2300, "overdue_since": "2026-10-15", "currency": "eur", "account_hold": false}`
	if r := put("c001234", position); r.code != 200 || r.body["changed"] != true || r.body["customer"] != "C001234" {
		t.Fatalf("PUT credit: %d %s", r.code, r.raw)
	}
	o, err := b.st.OrderByNumber(context.Background(), "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	c := o.Customer.Credit
	if c == nil || c.LimitCents != 5_000_000 || c.ExposureCents != 6_230_000 || c.ReleasePaymentCents() != 1_230_000 || c.Currency != "EUR" ||
		c.OverdueSince == nil || c.OverdueSince.Format("2006-01-02") != "2026-10-15" {
		t.Fatalf("credit = %+v", c)
	}
	if r := put("C001234", position); r.code != 200 || r.body["changed"] != false {
		t.Errorf("the same position again: %s", r.raw)
	}
	if r := put("C001234", `{"credit_limit": 50000, "exposure": -1200.5}`); r.code != 200 || r.body["changed"] != true {
		t.Errorf("a customer in credit: %s", r.raw)
	}
	if r := put("C999999", position); r.code != 404 {
		t.Errorf("unknown customer: %d %s", r.code, r.raw)
	}
	errs := put("C001234", `{"credit_limit": -5, "account_hold": "oui", "plafond": 1}`).problem(t, 422)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Pointer] = e.Reason
	}
	for pointer, want := range map[string]string{
		"/credit_limit": "credit_limit -5 is negative",
		"/exposure":     "exposure is missing",
		"/account_hold": "account_hold is a string; want true or false",
		"/plafond":      "plafond is not a field of a credit position",
	} {
		if !strings.HasPrefix(got[pointer], want) {
			t.Errorf("%s: %q, want %q…", pointer, got[pointer], want)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM credit_history`); n != 2 {
		t.Errorf("%d history rows, want 2", n)
	}
}
