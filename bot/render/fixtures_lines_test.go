package render_test

import (
	"fmt"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// trackingURLs are the carriers' pages the tests' renderer links.
var trackingURLs = map[string]string{
	"DHL":              "https://www.dhl.com/fr-fr/home/suivi.html?tracking-id={tracking}",
	"chronopost":       "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={tracking}",
	"Geodis Calberson": "https://espace-client.geodis.com/services/tracking/{tracking}",
}

// shortOrder is an order held for want of stock, as a French line export
// gives it: two short lines with their restock dates, one available, one
// shipped with its tracking; the ERP said no release date.
func shortOrder() orders.Order {
	o := order("4500012347", orders.StatusOutOfStock, block(orders.StatusOutOfStock, "rupture fournisseur sur le thé", 5, nil))
	o.Lines = []orders.Line{
		{Number: 10, Item: "CHAI-24", Description: "Chai épicé 24 × 500 g", Quantity: 12, RestockOn: day(12, 14)},
		{Number: 20, Item: "1234", Description: "Thé vert Sencha, sac 1 kg", Quantity: 30, Available: 18.5, RestockOn: day(12, 10)},
		{Number: 30, Item: "2093", Description: "Levure fraîche 500 g", Quantity: 24, Available: 24},
		{Number: 40, Item: "51090", Description: "Poudre d'amande blanche 1 kg", Quantity: 15, Shipped: 15,
			Carrier: "dhl", Tracking: "00340434161094042557"},
	}
	return o
}

// creditPosition is a customer's credit as a credit export gives it.
func creditPosition(limit, exposure, overdue int64, since *time.Time, cur string, hold bool, asOf time.Time) *orders.Credit {
	return &orders.Credit{LimitCents: limit, ExposureCents: exposure, OverdueCents: overdue, OverdueSince: since,
		Currency: cur, AccountHold: hold, AsOf: asOf}
}

// linesAnswers adds the answers about order lines, credit positions and
// items.
func linesAnswers(add func(string, bot.Answer, bot.Freshness), orderOf map[orders.Status]orders.Order) {
	short := shortOrder()
	add("order_short_lines", bot.Answer{Kind: bot.OrderFound, Order: short,
		Question: understand.Question{Intent: understand.Order, Number: short.Number}}, fresh)
	add("order_lines_all", bot.Answer{Kind: bot.OrderFound, Order: short,
		Question: understand.Question{Intent: understand.Order, Number: short.Number, Lines: true}}, fresh)
	undated := shortOrder()
	undated.Lines[1].RestockOn = nil
	undated.Lines[3].Carrier, undated.Lines[3].Tracking = "Transports Bréchet", "TB-2026-118"
	add("order_short_undated", bot.Answer{Kind: bot.OrderFound, Order: undated}, fresh)
	noLines := orderOf[orders.StatusOpen]
	add("order_lines_none", bot.Answer{Kind: bot.OrderFound, Order: noLines,
		Question: understand.Question{Intent: understand.Order, Number: noLines.Number, Lines: true}}, fresh)

	many := order("4500012370", orders.StatusOutOfStock, block(orders.StatusOutOfStock, "ruptures multiples", 2, nil))
	for i := range 60 {
		many.Lines = append(many.Lines, orders.Line{Number: 10 * (i + 1), Item: fmt.Sprintf("SKU-%05d", 30000+i),
			Description: fmt.Sprintf("Bac gastronorme GN 1/%d inox, profondeur %d mm, avec couvercle hermétique", 1+i%9, 20+i),
			Quantity:    float64(10 + i), Available: float64(i % 4), RestockOn: day(12, 1+i%28)})
	}
	add("order_many_lines", bot.Answer{Kind: bot.OrderFound, Order: many}, fresh)
	add("order_many_lines_all", bot.Answer{Kind: bot.OrderFound, Order: many,
		Question: understand.Question{Intent: understand.Order, Number: many.Number, Lines: true}}, fresh)

	escaped := order("4500012371", orders.StatusOutOfStock, block(orders.StatusOutOfStock, "SKU manquant", 1, nil))
	escaped.Lines = []orders.Line{
		{Number: 10, Item: "<!channel>", Description: "*Gras* _it_ <https://evil.example|click> & Co\n• fake line", Quantity: 3, RestockOn: day(12, 3)},
		{Number: 20, Item: "77", Description: "Carton", Quantity: 1, Shipped: 1, Carrier: "DHL", Tracking: "12 34/5?x=<!here>&y|z"},
	}
	add("order_lines_escaped", bot.Answer{Kind: bot.OrderFound, Order: escaped,
		Question: understand.Question{Intent: understand.Order, Number: escaped.Number, Lines: true}}, fresh)

	// Credit: over the limit; the overdue deciding, with the account on
	// hold and a position older than the order's data; nothing to pay.
	overLimit := orderOf[orders.StatusCreditLimit]
	overLimit.Customer.Credit = creditPosition(5000000, 5230000, 120000, day(10, 15), "EUR", false, fresh.AsOf)
	add("order_credit_excess", bot.Answer{Kind: bot.OrderFound, Order: overLimit}, fresh)
	overdue := order("4500012372", orders.StatusFinancialBlock, block(orders.StatusFinancialBlock, "3 factures échues impayées", 4, nil))
	overdue.Customer, overdue.Currency = muller, "CHF"
	overdue.Customer.Credit = creditPosition(2000000, 2050000, 842050, day(9, 30), "CHF", true, fresh.AsOf.Add(-9*24*time.Hour))
	add("order_credit_overdue", bot.Answer{Kind: bot.OrderFound, Order: overdue}, fresh)
	onlyOverdue := order("4500012373", orders.StatusFinancialBlock, block(orders.StatusFinancialBlock, "facture F-2026-131 échue", 4, nil))
	onlyOverdue.Customer.Credit = creditPosition(5000000, 3000000, 45000, nil, "EUR", false, fresh.AsOf)
	add("order_credit_overdue_only", bot.Answer{Kind: bot.OrderFound, Order: onlyOverdue}, fresh)
	within := order("4500012374", orders.StatusCreditLimit, block(orders.StatusCreditLimit, "encours à revoir", 1, nil))
	within.Customer.Credit = creditPosition(5000000, 4000000, 0, nil, "EUR", true, fresh.AsOf)
	add("order_credit_hold_only", bot.Answer{Kind: bot.OrderFound, Order: within}, fresh)
	both := shortOrder()
	both.Status, both.Number = orders.StatusCreditLimit, "4500012375"
	both.Blocks = append([]orders.Block{block(orders.StatusCreditLimit, "encours dépassé de 2 300 €", 2, nil)}, both.Blocks...)
	both.Customer.Credit = creditPosition(5000000, 5230000, 0, nil, "EUR", false, fresh.AsOf)
	add("order_credit_and_short", bot.Answer{Kind: bot.OrderFound, Order: both}, fresh)

	// Who waits for an item.
	other := shortOrder()
	other.Number, other.Customer = "4500013001", arts
	other.Lines = other.Lines[:1]
	other.Lines[0].Quantity, other.Lines[0].Available = 6, 2
	add("list_item", bot.Answer{Kind: bot.OrderList, List: list(short, other), Limit: 15,
		Question: understand.Question{Intent: understand.Item, Item: "chai"},
		Subject:  bot.Subject{What: "item", Query: "chai", Mine: true, Everyone: true}}, fresh)
	add("list_item_code", bot.Answer{Kind: bot.OrderList, List: list(short), Limit: 15,
		Question: understand.Question{Intent: understand.Item, Item: "1234"},
		Subject:  bot.Subject{What: "item", Query: "1234", Mine: true}}, fresh)
	add("list_item_empty", bot.Answer{Kind: bot.OrderList, List: list(), Limit: 15,
		Question: understand.Question{Intent: understand.Item, Item: "Sencha"},
		Subject:  bot.Subject{What: "item", Query: "Sencha", Mine: true}}, fresh)
}
