package sample

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/orderbot/orderbot/orders"
)

// fixtureLike reports whether s looks like a test of escaping rather than
// something a distributor's ERP holds: Slack or HTML markup, mentions,
// SQL, control characters.
func fixtureLike(s string) bool {
	return strings.ContainsAny(s, "<>*_~`;|\"") || strings.Contains(s, "--") ||
		strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }) >= 0
}

// texts are the texts of an order a person reads in an answer.
func texts(o orders.Order) []string {
	out := []string{o.Number, o.Customer.Code, o.Customer.Name, o.CustomerRef, o.BlockReason}
	for _, b := range o.Blocks {
		out = append(out, b.Reason)
	}
	for _, l := range o.Lines {
		out = append(out, l.Description)
	}
	return out
}

// TestDemoLeavesOutTheEscapingFixtures: the demo's portfolio has none of
// the customers named to test escaping, nor their orders, while Portfolio,
// which tests load, still has them; everything else is Portfolio's.
func TestDemoLeavesOutTheEscapingFixtures(t *testing.T) {
	full, demo := Portfolio(testNow), Demo(testNow)

	inDemo := map[string]bool{}
	for _, c := range demo.Customers {
		inDemo[c.Code] = true
		if fixtureLike(c.Name) {
			t.Errorf("the demo has the customer %q", c.Name)
		}
	}
	var fixtures []string
	for _, c := range full.Customers {
		if fixtureLike(c.Name) {
			fixtures = append(fixtures, c.Name)
		} else if !inDemo[c.Code] {
			t.Errorf("the demo lacks the customer %q", c.Name)
		}
	}
	if len(fixtures) < 2 || !strings.Contains(strings.Join(fixtures, "\n"), "<!channel>") {
		t.Errorf("Portfolio's escaping fixtures are %q, want a <!channel> and markup at least", fixtures)
	}
	if len(demo.Customers)+len(fixtures) != len(full.Customers) {
		t.Errorf("the demo has %d customers, Portfolio %d of which %d fixtures", len(demo.Customers), len(full.Customers), len(fixtures))
	}

	var kept []orders.TrackedOrder
	for _, tr := range full.Orders {
		if !fixtureLike(tr.Order.Customer.Name) {
			kept = append(kept, tr)
		}
	}
	if !reflect.DeepEqual(demo.Orders, kept) {
		t.Errorf("the demo has %d orders, want Portfolio's %d without the fixtures' %d, unchanged",
			len(demo.Orders), len(kept), len(full.Orders)-len(kept))
	}
	for _, tr := range demo.Orders {
		if !inDemo[tr.Order.Customer.Code] {
			t.Errorf("order %s is of %s, not a customer of the demo", tr.Order.Number, tr.Order.Customer.Code)
		}
		for _, s := range texts(tr.Order) {
			if fixtureLike(s) {
				t.Errorf("order %s of the demo reads %q", tr.Order.Number, s)
			}
		}
		for _, c := range tr.History {
			if fixtureLike(c.Reason) {
				t.Errorf("order %s of the demo has a change %q", tr.Order.Number, c.Reason)
			}
		}
	}
	if !reflect.DeepEqual(demo.People, full.People) {
		t.Error("the demo's people are not Portfolio's")
	}
}
