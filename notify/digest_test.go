package notify_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/notify"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

func numbers(trs []postgres.Transition) []string {
	var out []string
	for _, tr := range trs {
		out = append(out, tr.Number)
	}
	slices.Sort(out)
	return out
}

// TestNewlyBlockedIsAnOrderThatWasNotBlocked: between Friday's digest and
// Monday's, orders move the way a credit department moves them. Newly
// blocked are the orders not blocked on Friday and blocked on Monday, or
// released and blocked again over the weekend; an order that stayed blocked
// under another block is a block change; one blocked and released again
// over the weekend is neither.
func TestNewlyBlockedIsAnOrderThatWasNotBlocked(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	at := func(day, hour int) { w.clock.set(time.Date(2026, 11, day, hour, 0, 0, 0, paris)) }
	// Thursday: the portfolio as Friday's digest finds it.
	at(26, 10)
	w.order("4500000101", w.rep2, false, orders.StatusFinancialBlock, 1200000, 0) // → credit limit
	w.order("4500000102", w.rep2, false, orders.StatusCreditLimit, 800000, 0)     // → released
	w.order("4500000103", w.rep2, false, orders.StatusOpen, 500000, 0)            // → out of stock
	w.order("4500000104", w.rep2, false, orders.StatusOpen, 400000, 0)            // → blocked, released
	w.order("4500000105", w.rep2, false, orders.StatusFinancialBlock, 300000, 0)  // → released, blocked again
	w.order("4500000106", w.rep2, false, orders.StatusPicking, 200000, 0)         // → anomaly → financial block
	w.order("4500000107", w.rep2, false, orders.StatusAnomaly, 100000, 0)         // → delivery block → anomaly
	at(27, 8)
	w.clock.set(time.Date(2026, 11, 27, 8, 31, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	at(27, 14)
	w.order("4500000101", w.rep2, false, orders.StatusCreditLimit, 1200000, 0)
	w.order("4500000102", w.rep2, false, orders.StatusOpen, 800000, 0)
	w.order("4500000103", w.rep2, false, orders.StatusOutOfStock, 500000, 0)
	w.order("4500000104", w.rep2, false, orders.StatusOutOfStock, 400000, 0)
	w.order("4500000105", w.rep2, false, orders.StatusOpen, 300000, 0)
	w.order("4500000106", w.rep2, false, orders.StatusAnomaly, 200000, 0)
	w.order("4500000107", w.rep2, false, orders.StatusDeliveryBlock, 100000, 0)
	at(28, 9)
	w.order("4500000104", w.rep2, false, orders.StatusOpen, 400000, 0)
	w.order("4500000105", w.rep2, false, orders.StatusFinancialBlock, 300000, 0)
	w.order("4500000106", w.rep2, false, orders.StatusFinancialBlock, 200000, 0)
	w.order("4500000107", w.rep2, false, orders.StatusAnomaly, 100000, 0)
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(digestChannel2)
	if len(posts) != 2 {
		t.Fatalf("%d digests, want Friday's and Monday's", len(posts))
	}
	monday := blocksText(posts[1])
	newly, changed, _ := strings.Cut(monday, "Block changed")
	for _, num := range []string{"4500000103", "4500000105", "4500000106"} {
		if !strings.Contains(newly, num) {
			t.Errorf("%s is not newly blocked in Monday's digest:\n%s", num, monday)
		}
	}
	for _, num := range []string{"4500000101", "4500000102", "4500000104", "4500000107"} {
		if strings.Contains(newly, num) {
			t.Errorf("%s is newly blocked in Monday's digest:\n%s", num, monday)
		}
	}
	if !strings.Contains(changed, "4500000101") || !strings.Contains(changed, "was Financial block, now Credit limit") {
		t.Errorf("Monday's digest does not say that 4500000101 went from a financial block to the credit limit:\n%s", monday)
	}
	for _, num := range []string{"4500000102", "4500000103", "4500000104", "4500000105", "4500000106", "4500000107"} {
		if strings.Contains(changed, num) {
			t.Errorf("%s is in the block changes of Monday's digest:\n%s", num, monday)
		}
	}
}

// TestBlockChangeAlertedAsAChange: an assistant learns that an order
// already blocked is held by something else now, worded as a change.
func TestBlockChangeAlertedAsAChange(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	w.order("4500000111", w.rep, true, orders.StatusFinancialBlock, 100000, 0)
	if err := n.SendAlerts(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.advance(time.Hour)
	w.order("4500000111", w.rep, true, orders.StatusCreditLimit, 100000, 0)
	if err := n.SendAlerts(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(w.dm("U0ADV0001"))
	if len(posts) != 2 {
		t.Fatalf("Claire got %d alerts, want the block and its change", len(posts))
	}
	first, change := posts[0].Text+blocksText(posts[0]), posts[1].Text+blocksText(posts[1])
	if !strings.Contains(first, "est bloquée") {
		t.Errorf("the block's alert: %s", first)
	}
	if strings.Contains(change, "est bloquée") || !strings.Contains(change, "Blocage financier") ||
		!strings.Contains(change, "Limite de crédit") || !strings.Contains(change, "blocage a changé") {
		t.Errorf("the change's alert does not say it changed, from what to what:\n%s", change)
	}
}
