package orders_test

import (
	"testing"

	"github.com/orderbot/orderbot/orders"
)

func TestNumberKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"4500012345", "4500012345"},
		{" #4500012345 ", "4500012345"},
		{"n°4500012345", "4500012345"},
		{"N° 4500012345", "4500012345"},
		{"nº 4500012345", "4500012345"},
		{"no. 4500012345", "4500012345"},
		{"4 500 012 345", "4500012345"},
		{"SO-001234", "SO1234"},
		{"so 1234", "SO1234"},
		{"0004500099", "4500099"},
		{"SO-1020", "SO1020"},
		{"A-000", "A0"},
		{"PO-7781", "PO7781"},
		{"CMD 2026/118", "CMD2026118"},
		{"C'1;--", "C1"},
		{"nothing", "NOTHING"},
		{"#", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := orders.NumberKey(c.in); got != c.want {
			t.Errorf("NumberKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStatusClassification(t *testing.T) {
	blocked := map[orders.Status]bool{orders.StatusOutOfStock: true, orders.StatusAnomaly: true,
		orders.StatusCreditLimit: true, orders.StatusDeliveryBlock: true, orders.StatusFinancialBlock: true}
	closed := map[orders.Status]bool{orders.StatusInvoiced: true, orders.StatusCancelled: true}
	if n := len(orders.Statuses()); n != 9 {
		t.Fatalf("%d statuses, want 9", n)
	}
	for _, s := range orders.Statuses() {
		if s.Blocked() != blocked[s] || s.Closed() != closed[s] {
			t.Errorf("%s: blocked %v closed %v", s, s.Blocked(), s.Closed())
		}
		if s.Label(orders.French) == "" || s.Label(orders.English) == "" || s.Label(orders.French) == string(s) {
			t.Errorf("%s has no labels", s)
		}
		if got, err := orders.ParseStatus(string(s)); err != nil || got != s {
			t.Errorf("ParseStatus(%s) = %v, %v", s, got, err)
		}
	}
	if got := orders.StatusCreditLimit.Label(orders.French); got != "Limite de crédit" {
		t.Errorf("FR label %q", got)
	}
	if got := orders.StatusOutOfStock.Label(orders.English); got != "Out of stock" {
		t.Errorf("EN label %q", got)
	}
	if _, err := orders.ParseStatus("lost"); orders.ErrorCode(err) != orders.EInvalid {
		t.Errorf("ParseStatus(lost): %v", err)
	}
	if len(orders.BlockedStatuses()) != 5 || len(orders.ClosedStatuses()) != 2 {
		t.Errorf("blocked %v closed %v", orders.BlockedStatuses(), orders.ClosedStatuses())
	}
}

func TestPriorityPicksTheMostUrgentBlock(t *testing.T) {
	blocks := []orders.Block{{Kind: orders.StatusDeliveryBlock}, {Kind: orders.StatusCreditLimit}}
	if got := orders.DefaultPriority().StatusOf(blocks, orders.StatusOpen); got != orders.StatusCreditLimit {
		t.Errorf("default priority: %s", got)
	}
	custom := orders.Priority{orders.StatusDeliveryBlock}
	if err := custom.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := custom.StatusOf(blocks, orders.StatusOpen); got != orders.StatusDeliveryBlock {
		t.Errorf("custom priority: %s", got)
	}
	if got := custom.StatusOf(nil, orders.StatusPicking); got != orders.StatusPicking {
		t.Errorf("no block: %s", got)
	}
	for _, bad := range []orders.Priority{{orders.StatusOpen}, {orders.StatusAnomaly, orders.StatusAnomaly}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestClearMatch(t *testing.T) {
	m := func(name string, score float64, exact bool) orders.CustomerMatch {
		return orders.CustomerMatch{Customer: orders.Customer{Name: name}, Score: score, ExactWords: exact}
	}
	cases := []struct {
		name  string
		in    []orders.CustomerMatch
		want  string
		clear bool
	}{
		{"none", nil, "", false},
		{"one good", []orders.CustomerMatch{m("A", 0.9, false)}, "A", true},
		{"one weak", []orders.CustomerMatch{m("A", 0.4, false)}, "", false},
		{"only one with every word", []orders.CustomerMatch{m("A", 1, true), m("B", 0.95, false)}, "A", true},
		{"two with every word", []orders.CustomerMatch{m("A", 1, true), m("B", 1, true)}, "", false},
		{"clear lead", []orders.CustomerMatch{m("A", 0.9, false), m("B", 0.5, false)}, "A", true},
		{"close scores", []orders.CustomerMatch{m("A", 0.8, false), m("B", 0.7, false)}, "", false},
	}
	for _, c := range cases {
		got, clear := orders.ClearMatch(c.in)
		if clear != c.clear || got.Name != c.want {
			t.Errorf("%s: %q %v, want %q %v", c.name, got.Name, clear, c.want, c.clear)
		}
	}
}

func TestValidate(t *testing.T) {
	good := orders.Order{Number: "1", Customer: orders.Customer{Code: "C1"}, Status: orders.StatusOpen, Currency: "EUR"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(o *orders.Order){
		"no number":    func(o *orders.Order) { o.Number = " - " },
		"bad status":   func(o *orders.Order) { o.Status = "lost" },
		"no customer":  func(o *orders.Order) { o.Customer = orders.Customer{} },
		"bad currency": func(o *orders.Order) { o.Currency = "" },
		"block not a block": func(o *orders.Order) {
			o.Status = orders.StatusAnomaly
			o.Blocks = []orders.Block{{Kind: orders.StatusPicking}}
		},
		"twice the same block": func(o *orders.Order) {
			o.Status = orders.StatusAnomaly
			o.Blocks = []orders.Block{{Kind: orders.StatusAnomaly}, {Kind: orders.StatusAnomaly}}
		},
		"blocks on an open order": func(o *orders.Order) { o.Blocks = []orders.Block{{Kind: orders.StatusAnomaly}} },
		"status none of the blocks is": func(o *orders.Order) {
			o.Status = orders.StatusCreditLimit
			o.Blocks = []orders.Block{{Kind: orders.StatusAnomaly}}
		},
		"lower-case currency": func(o *orders.Order) { o.Currency = "eur" },
		"a line twice":        func(o *orders.Order) { o.Lines = []orders.Line{{Number: 1}, {Number: 1}} },
	}
	for name, mutate := range bad {
		o := good
		mutate(&o)
		err := o.Validate()
		if orders.ErrorCode(err) != orders.EInvalid || orders.ErrorMessage(err) == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	people := map[string]orders.Person{
		"bad role":     {Email: "a@b.fr", Name: "A", Role: "boss"},
		"bad email":    {Email: "nope", Name: "A", Role: orders.RoleRep},
		"bad language": {Email: "a@b.fr", Name: "A", Role: orders.RoleRep, Language: "de"},
		"nameless":     {Role: orders.RoleRep},
	}
	for name, p := range people {
		if err := p.Validate(); orders.ErrorCode(err) != orders.EInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
}
