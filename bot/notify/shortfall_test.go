package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestAlertSaysWhatIsShort: an order blocked for want of stock says under
// it how many items it is short of, one blocked for credit how far its
// customer is over the limit, as the store holds them.
func TestAlertSaysWhatIsShort(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	short := orders.Order{Number: "4500000011", Customer: w.dupre, Rep: &w.rep, Assistant: &w.adv, Status: orders.StatusOutOfStock,
		AmountCents: 300000, Currency: "EUR", StatusSince: w.clock.now(), BlockReason: "ruptures",
		Blocks: []orders.Block{{Kind: orders.StatusOutOfStock, Reason: "ruptures", Since: w.clock.now()}},
		Lines: []orders.Line{
			{Number: 10, Item: "4711", Description: "Farine de blé T65, sac 25 kg", Quantity: 40, Available: 12},
			{Number: 20, Item: "2093", Description: "Levure fraîche 500 g", Quantity: 24, Available: 24},
			{Number: 30, Item: "CHAI-24", Description: "Chai 24 × 500 g", Quantity: 12, Shipped: 2},
		}}
	if _, err := w.st.SaveOrder(w.ctx, short, postgres.Change{At: w.clock.now(), Source: "test", ImportID: 7}); err != nil {
		t.Fatal(err)
	}
	w.order("4500000012", w.rep, true, orders.StatusCreditLimit, 100000, 7)
	if _, err := w.st.Pool().Exec(w.ctx, `INSERT INTO customer_credit (customer_id, credit_limit, exposure, currency, as_of)
		VALUES ($1, 50000, 52300, 'EUR', $2)`, w.dupre.ID, w.clock.now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := n.SendAlerts(w.ctx); err != nil {
		t.Fatal(err)
	}
	claire := w.postsTo(w.dm("U0ADV0001"))
	if len(claire) != 1 {
		t.Fatalf("Claire got %d messages, want one", len(claire))
	}
	text := blocksText(claire[0])
	for _, want := range []string{"↳ 2 articles manquants · encours dépassé de 2\u00a0300,00\u00a0€", "↳ encours dépassé de 2\u00a0300,00\u00a0€"} {
		if !strings.Contains(text, want) {
			t.Errorf("the alert lacks %q:\n%s", want, text)
		}
	}
}
