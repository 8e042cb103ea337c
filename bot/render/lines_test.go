package render_test

import (
	"strings"
	"testing"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// TestTrackingURL: the carrier's template is found whatever the case of its
// name, the tracking number is escaped in it, and a carrier without a
// template gets no link.
func TestTrackingURL(t *testing.T) {
	cases := []struct{ carrier, tracking, want string }{
		{"DHL", "00340434161094042557", "https://www.dhl.com/fr-fr/home/suivi.html?tracking-id=00340434161094042557"},
		{"dhl", " 1Z 999/AA?1&b=2#c ", "https://www.dhl.com/fr-fr/home/suivi.html?tracking-id=1Z%20999%2FAA%3F1%26b%3D2%23c"},
		{"Geodis calberson", "XW-4471", "https://espace-client.geodis.com/services/tracking/XW-4471"},
		{"Chronopost", "XY123456789FR", "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=XY123456789FR"},
		{"Transports Bréchet", "TB-2026-118", ""},
		{"DHL", "", ""},
		{"", "123", ""},
	}
	for _, c := range cases {
		if got := render.TrackingURL(trackingURLs, c.carrier, c.tracking); got != c.want {
			t.Errorf("TrackingURL(%q, %q) = %q, want %q", c.carrier, c.tracking, got, c.want)
		}
	}
	if got := render.TrackingURL(map[string]string{"DHL": "https://x.example/<t>|{tracking}"}, "DHL", "1"); got != "" {
		t.Errorf("a template Slack cannot link makes %q", got)
	}
}

// TestShortLinesAndEstimate: an order short of stock lists what is short,
// not what is available, and its release is the latest restock date only
// when every short line has one and the ERP gave none.
func TestShortLinesAndEstimate(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	ask := func(o orders.Order, lines bool, lang orders.Language) string {
		return r.Console(bot.Answer{Kind: bot.OrderFound, Lang: lang, At: now, Data: fresh, Order: o,
			Question: understand.Question{Intent: understand.Order, Number: o.Number, Lines: lines}})
	}
	o := shortOrder()
	fr := ask(o, false, orders.French)
	for _, want := range []string{"12 × CHAI-24 – Chai épicé 24 × 500 g (disponible\u00a0: 0), retour le 14/12/2026",
		"Déblocage estimé (date de réappro la plus tardive)\u00a0: 14/12/2026"} {
		if !strings.Contains(fr, want) {
			t.Errorf("want %q in:\n%s", want, fr)
		}
	}
	if strings.Contains(fr, "Levure") {
		t.Errorf("a line fully available is listed unasked:\n%s", fr)
	}
	en := ask(o, true, orders.English)
	for _, want := range []string{"12 × CHAI-24 – Chai épicé 24 × 500 g — short: 12, back 14 Dec 2026",
		"24 × 2093 – Levure fraîche 500 g — available: 24", "shipped: 15"} {
		if !strings.Contains(en, want) {
			t.Errorf("want %q in:\n%s", want, en)
		}
	}

	undated := shortOrder()
	undated.Lines[0].RestockOn = nil
	if got := ask(undated, false, orders.English); strings.Contains(got, "Estimated release") {
		t.Errorf("an estimate with a short line of no restock date:\n%s", got)
	}
	known := shortOrder()
	known.Blocks[0].ExpectedRelease = day(12, 5)
	if got := ask(known, false, orders.English); strings.Contains(got, "Estimated release") || !strings.Contains(got, "expected to lift on 5 Dec 2026") {
		t.Errorf("the ERP's release date replaced by an estimate:\n%s", got)
	}
}

// TestCreditRelease: the payment that releases the credit, worded by what
// it settles, in the customer's currency.
func TestCreditRelease(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	cases := []struct {
		name   string
		credit *orders.Credit
		lang   orders.Language
		want   string
	}{
		{"excess", creditPosition(5000000, 5230000, 0, nil, "EUR", false, fresh.AsOf), orders.French,
			"Un règlement de 2\u00a0300,00\u00a0€ ramène l'encours sous le plafond."},
		{"overdue decides", creditPosition(5000000, 5010000, 230000, day(10, 1), "EUR", false, fresh.AsOf), orders.English,
			"A payment of €2,300.00 clears the overdue amount and brings the exposure under the limit."},
		{"overdue only", creditPosition(5000000, 100000, 99950, nil, "CHF", false, fresh.AsOf), orders.English,
			"A payment of CHF 999.50 clears the overdue amount, which holds the order."},
	}
	for _, c := range cases {
		o := order("4500012349", orders.StatusCreditLimit, block(orders.StatusCreditLimit, "encours dépassé", 1, nil))
		o.Customer.Credit = c.credit
		got := r.Console(bot.Answer{Kind: bot.OrderFound, Lang: c.lang, At: now, Data: fresh, Order: o})
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: want %q in:\n%s", c.name, c.want, got)
		}
	}
}
