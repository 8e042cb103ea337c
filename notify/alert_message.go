package notify

import (
	"fmt"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// AlertMessage is the alert of a batch of orders that became blocked, the
// biggest first; past top, the rest are counted.
func AlertMessage(alerts []postgres.Alert, top int, lang orders.Language) Message {
	var total postgres.Amounts
	for _, a := range alerts {
		total.Add(1, a.Currency, a.AmountCents)
	}
	head := func(t *text) string {
		if len(alerts) == 1 {
			return fmt.Sprintf(t.tr("La commande %s est bloquée", "Order %s is blocked"), t.data(alerts[0].Number))
		}
		return fmt.Sprintf(t.tr("%d commandes sont bloquées (%s)", "%d orders are blocked (%s)"), len(alerts), t.amounts(total))
	}
	return write(lang, head, func(t *text) {
		t.line("%s%s", t.icon("rotating_light"), t.bold(head(t)))
		for i, a := range alerts {
			if i == top {
				var rest postgres.Amounts
				for _, r := range alerts[top:] {
					rest.Add(1, r.Currency, r.AmountCents)
				}
				t.line(t.tr("… et %s (%s)", "… and %s (%s)"), t.count(rest.Count, t.tr("autre", "more"), t.tr("autres", "more")), t.amounts(rest))
				break
			}
			reason := ""
			if a.Reason != "" {
				reason = t.colon() + " " + t.data(a.Reason)
			}
			t.line("• %s · %s · %s%s · %s", t.bold(t.data(a.Number)), t.data(a.Customer), a.Status.Label(t.lang), reason,
				t.money(a.AmountCents, a.Currency))
		}
		t.line("%s", t.tr("Demandez-moi le numéro pour le détail et la prochaine étape.", "Ask me the number for the details and the next step."))
	})
}
