package render_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// The portfolio the tests render: a French distributor's customers, people
// and ERP reasons as exports write them (accents, ampersands, French
// reasons shown as they are in English answers), in EUR and CHF.
var (
	paris, _ = time.LoadLocation("Europe/Paris")
	now      = time.Date(2026, 11, 27, 9, 30, 0, 0, paris)
	fresh    = bot.Freshness{AsOf: time.Date(2026, 11, 27, 6, 0, 0, 0, paris), Known: true}
	stale    = bot.Freshness{AsOf: time.Date(2026, 11, 24, 6, 0, 0, 0, paris), Known: true, Stale: true}
	unknown  = bot.Freshness{Stale: true} // nothing imported yet
	rep      = &orders.Person{ID: 2, Name: "François Dubœuf", Role: orders.RoleRep}
	adv      = &orders.Person{ID: 3, Name: "Claire Martin", Role: orders.RoleAssistant}
	dupre    = orders.Customer{ID: 10, Code: "C001234", Name: "Boulangerie Dupré & Fils"}
	muller   = orders.Customer{ID: 12, Code: "CH-0042", Name: "Établissements Müller SARL"}
	arts     = orders.Customer{ID: 13, Code: "C001777", Name: "Café des Arts et du Commerce"}
	nasty    = orders.Customer{ID: 11, Code: "C001241", Name: "O'Brien \"<!channel>\" & Co <@U123> *Gras* _it_ @here\n• fake line\x1b[31m"}
)

func day(m time.Month, d int) *time.Time {
	t := time.Date(2026, m, d, 0, 0, 0, 0, paris)
	return &t
}

// order returns a sample order in status st, held for the blocks given,
// with every optional field set.
func order(number string, st orders.Status, blocks ...orders.Block) orders.Order {
	o := orders.Order{ID: 1, Number: number, Customer: dupre, CustomerRef: "PO-7781", Rep: rep, Assistant: adv,
		Status: st, StatusSince: now.Add(-3*24*time.Hour - 2*time.Hour), Blocks: blocks, AmountCents: 1825000,
		Currency: "EUR", OrderedOn: day(11, 18), RequestedOn: day(12, 2), PromisedOn: day(12, 4)}
	if st.Closed() {
		o.ClosedAt = day(11, 26)
	}
	if len(blocks) > 0 {
		o.BlockReason = blocks[0].Reason
	}
	return o
}

// bare returns an order in status st with none of the optional fields:
// no reference, no people, no dates, no blocks (a blocked status with its
// reason only), no customer code, no closing date.
func bare(number string, st orders.Status) orders.Order {
	o := orders.Order{ID: 2, Number: number, Customer: orders.Customer{ID: 14, Name: "Fromagerie Gaël Le Bihan"},
		Status: st, StatusSince: now.Add(-26 * time.Hour), AmountCents: 99, Currency: "CHF"}
	if st.Blocked() {
		o.BlockReason = "en attente du règlement de la facture F-2026-131"
	}
	return o
}

func block(kind orders.Status, reason string, daysAgo int, release *time.Time) orders.Block {
	return orders.Block{Kind: kind, Reason: reason, Since: now.Add(-time.Duration(daysAgo) * 24 * time.Hour), ExpectedRelease: release}
}

func list(os ...orders.Order) orders.OrderList {
	l := orders.OrderList{Orders: os, Total: len(os), TotalCents: map[string]int64{}, BlockedCents: map[string]int64{}}
	for _, o := range os {
		if o.Closed() {
			continue
		}
		l.TotalCents[o.Currency] += o.AmountCents
		if o.Blocked() {
			l.Blocked++
			l.BlockedCents[o.Currency] += o.AmountCents
		}
	}
	return l
}

// byStatus is a full order in each status.
func byStatus() map[orders.Status]orders.Order {
	credit := block(orders.StatusCreditLimit, "encours dépassé de 12 400 €", 3, day(11, 30))
	delivery := block(orders.StatusDeliveryBlock, "adresse de livraison incomplète", 1, nil)
	return map[orders.Status]orders.Order{
		orders.StatusOpen:           order("4500012345", orders.StatusOpen),
		orders.StatusPicking:        order("4500012346", orders.StatusPicking),
		orders.StatusOutOfStock:     order("4500012347", orders.StatusOutOfStock, block(orders.StatusOutOfStock, "SKU 4711 manquant", 5, day(12, 1))),
		orders.StatusAnomaly:        order("4500012348", orders.StatusAnomaly, block(orders.StatusAnomaly, "code TVA intracommunautaire manquant", 2, nil)),
		orders.StatusCreditLimit:    order("4500012349", orders.StatusCreditLimit, credit, delivery),
		orders.StatusDeliveryBlock:  order("4500012350", orders.StatusDeliveryBlock, delivery),
		orders.StatusFinancialBlock: order("4500012351", orders.StatusFinancialBlock, block(orders.StatusFinancialBlock, "litige facture F-2026-118", 12, nil)),
		orders.StatusInvoiced:       order("4500012352", orders.StatusInvoiced),
		orders.StatusCancelled:      order("4500012353", orders.StatusCancelled),
	}
}

// longList is a page of a long portfolio: n orders shown of total, of
// every open status and both currencies.
func longList(n, total int) orders.OrderList {
	var statuses []orders.Status
	for _, st := range orders.Statuses() {
		if !st.Closed() {
			statuses = append(statuses, st)
		}
	}
	var os []orders.Order
	for i := 0; i < n; i++ {
		st := statuses[i%len(statuses)]
		var o orders.Order
		if st.Blocked() {
			o = order(fmt.Sprintf("45000%05d", 20000+i), st, block(st, "en attente du règlement de la facture F-2026-131", 1+i%20, nil))
		} else {
			o = order(fmt.Sprintf("45000%05d", 20000+i), st)
		}
		o.Customer = []orders.Customer{dupre, muller, arts}[i%3]
		if o.Customer == muller {
			o.Currency = "CHF"
		}
		os = append(os, o)
	}
	l := list(os...)
	l.Total = total
	return l
}

// answers returns every kind of answer in lang, named: each status, with
// and without the optional fields, every kind of list (empty, one order,
// several pages), candidates, not found with and without suggestions,
// fresh, stale and never imported data, strangers.
func answers(lang orders.Language) map[string]bot.Answer {
	out := map[string]bot.Answer{}
	add := func(name string, a bot.Answer, data bot.Freshness) {
		a.Lang, a.At, a.Data = lang, now, data
		out[name] = a
	}
	orderOf := byStatus()
	for _, st := range orders.Statuses() {
		add("order_"+string(st), bot.Answer{Kind: bot.OrderFound, Order: orderOf[st]}, fresh)
		add("order_bare_"+string(st), bot.Answer{Kind: bot.OrderFound, Order: bare("SO-"+string(st), st)}, fresh)
	}
	add("order_stale", bot.Answer{Kind: bot.OrderFound, Order: orderOf[orders.StatusOutOfStock]}, stale)
	add("order_never_imported", bot.Answer{Kind: bot.OrderFound, Order: orderOf[orders.StatusOpen]}, unknown)
	nastyOrder := order("4500012348", orders.StatusAnomaly, block(orders.StatusAnomaly, "<!here> & <!everyone>", 2, nil))
	nastyOrder.Customer, nastyOrder.CustomerRef = nasty, "<https://evil.example|click>"
	add("order_escaped", bot.Answer{Kind: bot.OrderFound, Order: nastyOrder}, fresh)
	for name, age := range map[string]time.Duration{"seconds": 30 * time.Second, "minute": time.Minute + time.Second,
		"hour": time.Hour + time.Minute, "day": 25 * time.Hour, "months": 75 * 24 * time.Hour} {
		o := order("4500012399", orders.StatusCreditLimit, block(orders.StatusCreditLimit, "encours dépassé", 0, nil))
		o.StatusSince, o.Blocks[0].Since = now.Add(-age), now.Add(-age)
		add("order_since_"+name, bot.Answer{Kind: bot.OrderFound, Order: o}, fresh)
	}

	several := list(orderOf[orders.StatusCreditLimit], orderOf[orders.StatusOutOfStock], orderOf[orders.StatusOpen])
	several.Total, several.TotalCents["EUR"] = 8, several.TotalCents["EUR"]+4200000
	add("list_customer_more", bot.Answer{Kind: bot.OrderList, List: several, Limit: 3,
		Question: understand.Question{Intent: understand.Customer, CustomerName: "dupre"},
		Subject:  bot.Subject{What: "customer", Customer: dupre}}, fresh)
	add("list_mine_blocked", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusCreditLimit], orderOf[orders.StatusOutOfStock]),
		Limit: 15, Subject: bot.Subject{Mine: true, Blocked: true}}, fresh)
	add("list_reason", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusOutOfStock]), Limit: 15,
		Subject: bot.Subject{Mine: true, Blocked: true, Status: orders.StatusOutOfStock}}, fresh)
	withCHF := list(orderOf[orders.StatusAnomaly], order("4500012360", orders.StatusPicking))
	withCHF.Orders[1].Currency, withCHF.Orders[1].Customer = "CHF", nasty
	withCHF.TotalCents = map[string]int64{"EUR": 1825000, "CHF": 1825000}
	add("list_manager_currencies", bot.Answer{Kind: bot.OrderList, List: withCHF, Limit: 15,
		Subject: bot.Subject{Mine: true, Everyone: true}}, fresh)
	add("list_ref", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusOpen], orderOf[orders.StatusInvoiced]), Limit: 15,
		Subject: bot.Subject{What: "ref", Query: "PO-7781"}}, fresh)
	add("list_one", bot.Answer{Kind: bot.OrderList, List: list(bare("SO-1", orders.StatusOutOfStock)), Limit: 15,
		Subject: bot.Subject{What: "customer", Customer: arts, Mine: true}}, fresh)
	add("list_one_open", bot.Answer{Kind: bot.OrderList, List: list(bare("SO-2", orders.StatusOpen)), Limit: 15,
		Subject: bot.Subject{What: "customer", Customer: arts}}, stale)
	allBlocked := list(orderOf[orders.StatusFinancialBlock], orderOf[orders.StatusDeliveryBlock])
	add("list_customer_all_blocked", bot.Answer{Kind: bot.OrderList, List: allBlocked, Limit: 15,
		Subject: bot.Subject{What: "customer", Customer: dupre}}, unknown)
	add("list_customer_blocked_for", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusCreditLimit]), Limit: 15,
		Question: understand.Question{Intent: understand.Customer, CustomerCode: "C001234", Status: orders.StatusCreditLimit},
		Subject:  bot.Subject{What: "customer", Customer: dupre, Blocked: true, Status: orders.StatusCreditLimit}}, fresh)
	add("list_pages", bot.Answer{Kind: bot.OrderList, List: longList(15, 121), Limit: 15,
		Question: understand.Question{Intent: understand.Mine},
		Subject:  bot.Subject{Mine: true, Everyone: true}}, fresh)
	add("list_last_page", bot.Answer{Kind: bot.OrderList, List: longList(bot.MaxListLimit, 101), Limit: bot.MaxListLimit,
		Question: understand.Question{Intent: understand.Mine},
		Subject:  bot.Subject{Mine: true, Everyone: true}}, fresh)
	add("list_mine_empty", bot.Answer{Kind: bot.OrderList, List: list(), Limit: 15, Subject: bot.Subject{Mine: true, Blocked: true}}, fresh)
	add("list_everyone_empty", bot.Answer{Kind: bot.OrderList, List: list(), Limit: 15, Subject: bot.Subject{Mine: true, Everyone: true}}, stale)
	add("list_customer_empty_own", bot.Answer{Kind: bot.OrderList, List: list(), Limit: 15,
		Subject: bot.Subject{What: "customer", Customer: dupre, Mine: true}}, fresh)
	add("list_customer_empty", bot.Answer{Kind: bot.OrderList, List: list(), Limit: 15,
		Subject: bot.Subject{What: "customer", Customer: muller, Blocked: true}}, fresh)

	add("choose", bot.Answer{Kind: bot.ChooseCustomer, Subject: bot.Subject{What: "customer", Query: "lefevre"},
		Question: understand.Question{Intent: understand.Customer, CustomerName: "lefevre", Blocked: true},
		Candidates: []orders.CustomerMatch{
			{Customer: orders.Customer{ID: 20, Code: "C001239", Name: "Boucherie Lefèvre"}, Score: 0.8, ExactWords: true, OpenOrders: 3},
			{Customer: orders.Customer{ID: 21, Code: "C001240", Name: "Boucherie Lefèvre & Cie"}, Score: 0.7, ExactWords: true, OpenOrders: 1},
			{Customer: nasty, Score: 0.4, OpenOrders: 0},
		}}, fresh)
	add("not_found_order_suggestions", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "order", Query: "4500012354"},
		Suggestions: []string{"4500012345", "4500012364"}}, fresh)
	add("not_found_order_three_suggestions", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "order", Query: "SO-123"},
		Suggestions: []string{"SO-1234", "SO-1235", "SO-0123"}}, stale)
	add("not_found_order", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "order", Query: "9999999"}}, fresh)
	add("not_found_customer", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "customer", Query: "<!channel> zzz"}}, fresh)
	add("not_found_customer_accents", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "customer", Query: "pâtisserie des ducs"}}, unknown)
	add("not_found_ref", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "ref", Query: "PO-0000"}}, fresh)
	add("not_found_code", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "code", Query: "C009999"}}, fresh)
	add("not_found_customer_id", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "customer_id"}}, fresh)
	newAnswers(lang, add, orderOf)
	linesAnswers(add, orderOf)
	handledAnswers(add, orderOf)
	add("refused", bot.Answer{Kind: bot.Refused}, bot.Freshness{})
	add("help", bot.Answer{Kind: bot.Help}, bot.Freshness{})
	add("thanks", bot.Answer{Kind: bot.Thanks}, bot.Freshness{})
	add("not_understood", bot.Answer{Kind: bot.NotUnderstood}, bot.Freshness{})
	add("unavailable", bot.Answer{Kind: bot.Unavailable}, bot.Freshness{})
	return out
}

// dataOf lists the texts of a that came from the ERP, the directory or
// the asker, as the renderer may show them: whole, on one line, escaped
// for Slack, cut short.
func dataOf(a bot.Answer) []string {
	var raw []string
	person := func(p *orders.Person) {
		if p != nil {
			raw = append(raw, p.Name)
		}
	}
	ord := func(o orders.Order) {
		raw = append(raw, o.Number, o.Customer.Name, o.Customer.Code, o.CustomerRef, o.BlockReason)
		person(o.Rep)
		person(o.Assistant)
		for _, b := range o.Blocks {
			raw = append(raw, b.Reason)
		}
		for _, l := range o.Lines {
			raw = append(raw, l.Item, l.Description, l.Carrier, l.Tracking)
		}
	}
	ord(a.Order)
	for _, o := range a.List.Orders {
		ord(o)
	}
	for _, it := range a.Items {
		raw = append(raw, it.Number)
		ord(it.Order)
	}
	for _, p := range a.Parts {
		raw = append(raw, dataOf(p)...)
	}
	for _, p := range a.People {
		raw = append(raw, p.Name)
	}
	raw = append(raw, a.Subject.Person.Name, a.Subject.Reason, a.Subject.ReasonMissed)
	raw = append(raw, a.Subject.Query, a.Subject.Customer.Name, a.Subject.Customer.Code)
	for _, c := range a.Candidates {
		raw = append(raw, c.Name, c.Code)
	}
	raw = append(raw, a.Suggestions...)
	var out []string
	for _, d := range raw {
		if strings.TrimSpace(d) == "" {
			continue
		}
		line := strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return ' '
			}
			return r
		}, d)
		forms := []string{d, line, render.Escape(line)}
		for _, n := range []int{80, 200} {
			if r := []rune(line); len(r) > n {
				cut := string(r[:n-1]) + "…"
				forms = append(forms, cut, render.Escape(cut))
			}
		}
		out = append(out, forms...)
	}
	// Longest first, so that a name is removed before a word of it.
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if len(out[j]) > len(out[i]) {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
