package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/orders"
)

func TestMoney(t *testing.T) {
	cases := []struct {
		cents    int64
		currency string
		lang     orders.Language
		want     string
	}{
		{1825000, "EUR", orders.French, "18\u00a0250,00\u00a0€"},
		{1825000, "EUR", orders.English, "€18,250.00"},
		{5, "CHF", orders.French, "0,05\u00a0CHF"},
		{123456789, "CHF", orders.English, "CHF 1,234,567.89"},
		{-1050, "USD", orders.English, "-$10.50"},
	}
	for _, c := range cases {
		if got := bot.Money(c.cents, c.currency, c.lang); got != c.want {
			t.Errorf("Money(%d, %s, %s) = %q, want %q", c.cents, c.currency, c.lang, got, c.want)
		}
	}
}

func TestPlainOrder(t *testing.T) {
	since := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	release := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	o := orders.Order{Number: "4500012345", Customer: orders.Customer{Code: "C1", Name: "Boulangerie Dupré & Fils"},
		Status: orders.StatusCreditLimit, StatusSince: since, AmountCents: 1825000, Currency: "EUR", CustomerRef: "PO-7781",
		Rep:    &orders.Person{Name: "Claire Martin"},
		Blocks: []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "encours dépassé", Since: since, ExpectedRelease: &release}}}
	fr := bot.PlainOrder(o, orders.French)
	for _, want := range []string{"Commande 4500012345", "Limite de crédit", "depuis le 21/11/2026", "encours dépassé",
		"levée prévue le 02/12/2026", "18\u00a0250,00\u00a0€", "PO-7781", "Claire Martin", "la finance"} {
		if !strings.Contains(fr, want) {
			t.Errorf("French answer lacks %q:\n%s", want, fr)
		}
	}
	if strings.Contains(fr, "Assistante") {
		t.Errorf("French answer names an assistant the order has not:\n%s", fr)
	}
	en := bot.PlainOrder(o, orders.English)
	for _, want := range []string{"Order 4500012345", "Credit limit", "since 21 Nov 2026", "€18,250.00", "Sales rep"} {
		if !strings.Contains(en, want) {
			t.Errorf("English answer lacks %q:\n%s", want, en)
		}
	}
}

func TestPlainListAndCandidates(t *testing.T) {
	l := orders.OrderList{Orders: []orders.Order{{Number: "A-1", Customer: orders.Customer{Name: "X"}, Status: orders.StatusAnomaly,
		AmountCents: 100, Currency: "EUR"}}, Total: 3, TotalCents: map[string]int64{"EUR": 300}, Blocked: 1}
	out := bot.PlainList(l, orders.English)
	for _, want := range []string{"A-1", "Anomaly", "and 2 more", "Open orders: 3", "€3.00", "blocked: 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	two := []orders.CustomerMatch{{Customer: orders.Customer{Name: "A"}, Score: 1, ExactWords: true},
		{Customer: orders.Customer{Name: "B"}, Score: 1, ExactWords: true}}
	if out := bot.PlainCandidates(two, orders.English); !strings.Contains(out, "which one") || !strings.Contains(out, "2. B") {
		t.Errorf("candidates:\n%s", out)
	}
	if out := bot.PlainCandidates(two[:1], orders.French); !strings.Contains(out, "Plusieurs") {
		t.Errorf("an exact single candidate:\n%s", out)
	}
	weak := []orders.CustomerMatch{{Customer: orders.Customer{Name: "Bénard"}, Score: 0.4}}
	if out := bot.PlainCandidates(weak, orders.French); !strings.Contains(out, "Vouliez-vous dire") {
		t.Errorf("a weak single candidate:\n%s", out)
	}
	if out := bot.PlainCandidates(nil, orders.French); !strings.Contains(out, "Aucun client") {
		t.Errorf("no candidate:\n%s", out)
	}
}
