package render_test

import (
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// handledAnswers are answers about an order whose block alert someone
// claimed.
func handledAnswers(add func(string, bot.Answer, bot.Freshness), orderOf map[orders.Status]orders.Order) {
	o := orderOf[orders.StatusCreditLimit]
	o.HandledBy = &orders.Handling{Name: "Hélène Lefèvre", Since: time.Date(2026, 11, 26, 14, 5, 0, 0, time.UTC)}
	add("order_handled", bot.Answer{Kind: bot.OrderFound, Order: o,
		Question: understand.Question{Intent: understand.Order, Number: o.Number}}, fresh)
}
