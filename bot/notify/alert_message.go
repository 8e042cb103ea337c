package notify

import (
	"strings"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// AlertMessage is the alert of a batch of orders that became blocked, or
// went from one block to another (said as a change: the order was blocked
// already), the biggest first; past top, the rest are counted. An order
// with a shortfall (by number) gets one more short line: how many items
// it is short of, how far its customer is over the credit limit.
func AlertMessage(alerts []postgres.Alert, short map[string]postgres.Shortfall, top int, lang orders.Language) Message {
	var total postgres.Amounts
	changed := 0
	for _, a := range alerts {
		total.Add(1, a.Currency, a.AmountCents)
		if a.From.Blocked() {
			changed++
		}
	}
	blocked := len(alerts) - changed
	head := func(t *text) string {
		switch {
		case len(alerts) == 1 && changed == 1:
			return t.T("alert.head.changed.one", catalog.Args{"Number": t.data(alerts[0].Number)})
		case len(alerts) == 1:
			return t.T("alert.head.blocked.one", catalog.Args{"Number": t.data(alerts[0].Number)})
		case changed == 0:
			return t.N("alert.head.blocked", blocked, catalog.Args{"Total": t.amounts(total)})
		case blocked == 0:
			return t.N("alert.head.changed", changed, catalog.Args{"Total": t.amounts(total)})
		}
		return t.T("alert.head.mixed", catalog.Args{"Blocked": t.N("alert.part.blocked", blocked, nil),
			"Changed": t.N("alert.part.changed", changed, nil), "Total": t.amounts(total)})
	}
	return write(lang, head, func(t *text) {
		t.put(t.icon("rotating_light") + t.bold(head(t)))
		for i, a := range alerts {
			if i == top {
				var rest postgres.Amounts
				for _, r := range alerts[top:] {
					rest.Add(1, r.Currency, r.AmountCents)
				}
				t.put(t.N("alert.more", rest.Count, catalog.Args{"Total": t.amounts(rest)}))
				break
			}
			status := a.Status.Label(t.lang)
			if a.From.Blocked() {
				status = t.T("alert.status.changed", catalog.Args{"Status": status, "From": a.From.Label(t.lang)})
			}
			if strings.TrimSpace(a.Reason) != "" {
				status = t.T("alert.status.reason", catalog.Args{"Status": status, "Reason": t.data(a.Reason)})
			}
			t.put(bullet(t.bold(t.data(a.Number)), t.data(a.Customer), status, t.money(a.AmountCents, a.Currency)))
			t.shortfall(short[a.Number])
		}
		t.put(t.T("alert.ask", nil))
	})
}
