package notify_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/internal/golden"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var paris, _ = time.LoadLocation("Europe/Paris")

func goldenDigest(lang orders.Language) notify.Digest {
	to := time.Date(2026, 11, 30, 8, 30, 0, 0, paris) // a Monday
	from := time.Date(2026, 11, 27, 8, 30, 0, 0, paris)
	tr := func(number, customer string, st orders.Status, reason string, at time.Time, cents int64, now orders.Status) postgres.Transition {
		return postgres.Transition{Number: number, Customer: customer, Rep: "François Dubœuf", To: st, Reason: reason, At: at,
			AmountCents: cents, Currency: "EUR", Now: now, Since: at}
	}
	return notify.Digest{
		Rep: orders.Person{Name: "François Dubœuf"}, From: from, To: to, Lang: lang, Loc: paris, StalledAfter: 7 * 24 * time.Hour,
		New: []postgres.Transition{
			tr("4500012345", "Boulangerie Dupré & Fils", orders.StatusCreditLimit, "encours dépassé de 12 400 €", from.Add(2*time.Hour), 1825000, orders.StatusCreditLimit),
			tr("4500012346", "<!channel> Café *Gras*", orders.StatusOutOfStock, "SKU 4711 manquant", from.Add(50*time.Hour), 386000, orders.StatusOutOfStock),
			tr("4500012347", "Hôtel du Vieux Port", orders.StatusCreditLimit, "", from.Add(70*time.Hour), 98000, orders.StatusOpen),
		},
		StillBlocked: orders.OrderList{Total: 9, TotalCents: map[string]int64{"EUR": 7901000}},
		Stalled: []postgres.Transition{
			tr("4500012900", "Hôtel du Vieux Port", orders.StatusOutOfStock, "SKU 30021", to.Add(-12*24*time.Hour), 1840000, orders.StatusOutOfStock),
		},
		StalledCount: 3,
		Shortfalls: map[string]postgres.Shortfall{
			"4500012345": {ExcessCents: 230000, Currency: "EUR"},
			"4500012346": {ShortItems: 2},
			"4500012900": {ShortItems: 1},
		},
	}
}

func TestGoldenMessages(t *testing.T) {
	for _, lang := range []orders.Language{orders.French, orders.English} {
		alerts := []postgres.Alert{
			{Number: "4500012345", Customer: "Boulangerie Dupré & Fils", Status: orders.StatusCreditLimit, Reason: "encours dépassé", AmountCents: 1825000, Currency: "EUR"},
			{Number: "4500012346", Customer: "<@U123> & Co", Status: orders.StatusOutOfStock, AmountCents: 386000, Currency: "EUR"},
			{Number: "4500012347", Customer: "Zürcher Gastro AG", Status: orders.StatusDeliveryBlock, AmountCents: 98000, Currency: "CHF"},
		}
		for name, m := range map[string]notify.Message{
			"alert": notify.AlertMessage(alerts, map[string]postgres.Shortfall{
				"4500012345": {ExcessCents: 230000, Currency: "EUR"}, "4500012346": {ShortItems: 3}}, 2, lang),
			"alert_single": notify.AlertMessage(alerts[:1], nil, 10, lang),
			"alert_owned": notify.OwnedAlertMessage(alerts, nil, owners(),
				notify.Releasable{orders.StatusCreditLimit: true, orders.StatusDeliveryBlock: true}, 10, lang, paris),
			"escalation": notify.EscalationMessage([]postgres.Unowned{
				{Number: "4500011039", Customer: "Boulangerie Dupré & Fils", Status: orders.StatusCreditLimit, AmountCents: 1845000,
					Currency: "EUR", Since: time.Date(2026, 11, 26, 10, 0, 0, 0, paris), Rep: "François Dubœuf"},
				{Number: "4500011043", Customer: "<@U123> & Co", Status: orders.StatusDeliveryBlock, AmountCents: 50000,
					Currency: "CHF", Since: time.Date(2026, 11, 20, 16, 30, 0, 0, paris)},
			}, 2, time.Date(2026, 12, 1, 11, 0, 0, 0, paris), lang),
			"digest": goldenDigest(lang).Message(),
			"digest_empty": func() notify.Message {
				d := goldenDigest(lang)
				d.New, d.Stalled, d.StalledCount = nil, nil, 0
				return d.Message()
			}(),
		} {
			name := name + "_" + string(lang)
			var js bytes.Buffer
			enc := json.NewEncoder(&js)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(m.Slack()); err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(js.String(), "<>") {
				t.Errorf("%s: unescaped markup reaches Slack:\n%s", name, js.Bytes())
			}
			checkGolden(t, name+".json", js.Bytes())
			checkGolden(t, name+".txt", []byte(m.Console))
		}
	}
}

// owners are who own the alerts of TestGoldenMessages: the first claimed,
// the second snoozed, the third handed on.
func owners() map[string]postgres.AlertOwner {
	claimed := time.Date(2026, 11, 27, 9, 12, 0, 0, paris)
	until := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	helene := &orders.Person{Name: "Hélène Lefèvre"}
	return map[string]postgres.AlertOwner{
		"4500012345": {ClaimedBy: helene, ClaimedAt: &claimed},
		"4500012346": {SnoozedUntil: &until, SnoozedBy: helene},
		"4500012347": {HandedBy: helene, HandedTo: &orders.Person{Name: "Sophie Roux"}},
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, "testdata", name, got, *update)
}

func TestSchedule(t *testing.T) {
	s := notify.Schedule{Days: map[time.Weekday]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true,
		time.Thursday: true, time.Friday: true}, Hour: 8, Minute: 30, Loc: paris}
	cases := []struct{ now, want time.Time }{
		{time.Date(2026, 11, 30, 8, 31, 0, 0, paris), time.Date(2026, 11, 30, 8, 30, 0, 0, paris)},  // Monday, just after
		{time.Date(2026, 11, 30, 8, 29, 0, 0, paris), time.Date(2026, 11, 27, 8, 30, 0, 0, paris)},  // Monday, just before: Friday's
		{time.Date(2026, 11, 29, 18, 0, 0, 0, paris), time.Date(2026, 11, 27, 8, 30, 0, 0, paris)},  // Sunday
		{time.Date(2026, 12, 1, 7, 30, 0, 0, time.UTC), time.Date(2026, 12, 1, 8, 30, 0, 0, paris)}, // UTC input
	}
	for _, c := range cases {
		got, ok := s.Latest(c.now)
		if !ok || !got.Equal(c.want) {
			t.Errorf("Latest(%s) = %s, want %s", c.now, got, c.want)
		}
	}
	if prev, _ := s.Previous(time.Date(2026, 11, 30, 8, 30, 0, 0, paris)); !prev.Equal(time.Date(2026, 11, 27, 8, 30, 0, 0, paris)) {
		t.Errorf("Previous(Monday) = %s, want Friday", prev)
	}
}
