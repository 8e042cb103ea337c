package understand_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// FuzzParse reads anything without panicking, and what it reads comes from
// the message: an order number, a reference or a name is a part of the
// cleaned text, never made up.
func FuzzParse(f *testing.F) {
	cases, err := understand.EvalSet()
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range cases {
		f.Add(c.Text)
	}
	for _, s := range []string{"", "<", "<@", "<!date^1|x>", "&amp;&lt;", "\xff\xfe", "0 00 00 00 00", "PO-", "réf client", "n°"} {
		f.Add(s)
	}
	p, err := understand.New("")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		q := p.Parse(msg)
		if !utf8.ValidString(q.Text) {
			t.Fatalf("the cleaned text of %q is not UTF-8: %q", msg, q.Text)
		}
		for _, arg := range []string{q.Number, q.Ref, q.CustomerName, q.CustomerCode} {
			if arg != "" && !strings.Contains(q.Text, arg) {
				t.Fatalf("%q read as %s: %q is not in the message %q", msg, q, arg, q.Text)
			}
		}
		switch q.Intent {
		case understand.Order:
			if orders.NumberKey(q.Number) == "" {
				t.Fatalf("%q read as an order without a number: %s", msg, q)
			}
		case understand.Customer:
			if q.CustomerName == "" && q.CustomerCode == "" {
				t.Fatalf("%q read as a customer without a name or code: %s", msg, q)
			}
		case understand.CustomerRef:
			if q.Ref == "" {
				t.Fatalf("%q read as a reference without one: %s", msg, q)
			}
		}
	})
}
