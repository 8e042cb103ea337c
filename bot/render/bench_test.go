package render_test

import (
	"testing"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
)

// BenchmarkSlackOrder: one order rendered for Slack, its wordings from the
// catalog.
func BenchmarkSlackOrder(b *testing.B) {
	r := render.New(render.Options{Location: paris})
	a := answers(orders.French)["order_credit_limit"]
	for b.Loop() {
		r.Slack(a)
	}
}

// BenchmarkSlackLongList: the longest list an answer holds (100 orders)
// rendered for Slack.
func BenchmarkSlackLongList(b *testing.B) {
	r := render.New(render.Options{Location: paris})
	a := bot.Answer{Kind: bot.OrderList, Lang: orders.English, At: now, Data: fresh, List: longList(bot.MaxListLimit, 250),
		Limit: bot.MaxListLimit, Subject: bot.Subject{Mine: true, Everyone: true}}
	for b.Loop() {
		r.Slack(a)
	}
}
