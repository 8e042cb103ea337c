package render_test

import (
	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// newAnswers adds the answers to several subjects, scopes, block reasons
// and follow-ups.
func newAnswers(lang orders.Language, add func(string, bot.Answer, bot.Freshness), orderOf map[orders.Status]orders.Order) {
	camille := orders.Person{ID: 4, Name: "Camille Rousseau", Role: orders.RoleRep}
	claire := *adv
	other := orders.Person{ID: 5, Name: "Claire Dubois-Lefèvre", Role: orders.RoleRep}

	// Several order numbers: two in full, more in a compact list.
	twoParts := []bot.Answer{
		{Kind: bot.OrderFound, Order: orderOf[orders.StatusOutOfStock], Lang: lang, At: now, Data: fresh,
			Question: understand.Question{Intent: understand.Order, Number: "4500012347"}},
		{Kind: bot.NotFound, Subject: bot.Subject{What: "order", Query: "4500077777"}, Lang: lang, At: now, Data: fresh,
			Question: understand.Question{Intent: understand.Order, Number: "4500077777"}},
	}
	add("several_orders", bot.Answer{Kind: bot.Several, Parts: twoParts, Limit: 15,
		Question: understand.Question{Intent: understand.Order, Number: "4500012347", Numbers: []string{"4500012347", "4500077777"}}}, fresh)
	items := []bot.Item{
		{Number: "4500012349", Found: true, Order: orderOf[orders.StatusCreditLimit]},
		{Number: "4500012399", Found: false},
		{Number: "4500012345", Found: true, Order: orderOf[orders.StatusOpen]},
		{Number: "<!channel>4500", Found: false},
	}
	add("set_orders", bot.Answer{Kind: bot.OrderSet, Items: items, Limit: 15,
		Question: understand.Question{Intent: understand.Order, Number: "4500012349"}}, fresh)
	add("set_more", bot.Answer{Kind: bot.OrderSet, Items: items[:3], More: 4, Limit: 3,
		Question: understand.Question{Intent: understand.Order, Number: "4500012349",
			Numbers: []string{"4500012349", "4500012399", "4500012345", "4500012350", "4500012351", "4500012352", "4500012353"}}}, stale)

	// Several customers: each as asked alone, and how many were left.
	dupreList := list(orderOf[orders.StatusCreditLimit], orderOf[orders.StatusOutOfStock])
	add("several_customers", bot.Answer{Kind: bot.Several, More: 2, Limit: 15, Parts: []bot.Answer{
		{Kind: bot.OrderList, List: dupreList, Limit: 15, Lang: lang, At: now, Data: fresh,
			Question: understand.Question{Intent: understand.Customer, CustomerName: "dupre", Blocked: true},
			Subject:  bot.Subject{What: "customer", Customer: dupre, Blocked: true}},
		{Kind: bot.NotFound, Subject: bot.Subject{What: "customer", Query: "zzyzx"}, Lang: lang, At: now, Data: fresh},
	}}, fresh)

	// Whose portfolio.
	teamList := list(orderOf[orders.StatusFinancialBlock], orderOf[orders.StatusDeliveryBlock])
	teamList.Orders[1].Rep = &camille
	add("list_team_blocked", bot.Answer{Kind: bot.OrderList, List: teamList, Limit: 15,
		Question: understand.Question{Intent: understand.Mine, Blocked: true, Scope: understand.ScopeTeam},
		Subject:  bot.Subject{Team: true, Blocked: true}}, fresh)
	add("list_all_own_only", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusAnomaly]), Limit: 15,
		Question: understand.Question{Intent: understand.Mine, Blocked: true, Scope: understand.ScopeAll},
		Subject:  bot.Subject{Mine: true, OwnOnly: true, Blocked: true}}, fresh)
	add("list_person", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusOpen], orderOf[orders.StatusPicking]), Limit: 15,
		Question: understand.Question{Intent: understand.Mine, Scope: understand.ScopePerson, Person: "Claire"},
		Subject:  bot.Subject{Person: claire}}, fresh)
	add("list_person_own_only_empty", bot.Answer{Kind: bot.OrderList, List: list(), Limit: 15,
		Question: understand.Question{Intent: understand.Mine, Blocked: true, Scope: understand.ScopePerson, Person: "Camille"},
		Subject:  bot.Subject{Person: camille, OwnOnly: true, Blocked: true}}, fresh)
	add("list_customer_mine", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusOpen]), Limit: 15,
		Question: understand.Question{Intent: understand.Customer, CustomerName: "dupre", Scope: understand.ScopeMine},
		Subject:  bot.Subject{What: "customer", Customer: dupre, Mine: true}}, fresh)
	add("list_customer_team", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusOpen]), Limit: 15,
		Question: understand.Question{Intent: understand.Customer, CustomerName: "dupre", Scope: understand.ScopeTeam},
		Subject:  bot.Subject{What: "customer", Customer: dupre, Team: true}}, fresh)

	// Block reasons in the portfolio's words: each order's own reason for
	// the kind asked, whatever holds it first.
	address := "adresse de livraison incomplète (code porte manquant)"
	both := order("4500012361", orders.StatusCreditLimit, block(orders.StatusCreditLimit, "encours dépassé de 12 400 €", 3, nil),
		block(orders.StatusDeliveryBlock, address, 1, nil))
	only := order("4500012362", orders.StatusDeliveryBlock, block(orders.StatusDeliveryBlock, "adresse de livraison incomplète", 2, nil))
	only.Customer = muller
	add("list_reason_phrase", bot.Answer{Kind: bot.OrderList, List: list(both, only), Limit: 15,
		Question: understand.Question{Intent: understand.Reason, Blocked: true, Status: orders.StatusDeliveryBlock,
			Reason: "adresse de livraison incomplète"},
		Subject: bot.Subject{Mine: true, Everyone: true, Blocked: true, Status: orders.StatusDeliveryBlock,
			Reason: "adresse de livraison incomplète"}}, fresh)
	add("list_reason_missed", bot.Answer{Kind: bot.OrderList, List: list(orderOf[orders.StatusAnomaly]), Limit: 15,
		Question: understand.Question{Intent: understand.Reason, Blocked: true, Status: orders.StatusAnomaly, Reason: "RIB manquant"},
		Subject:  bot.Subject{Mine: true, Blocked: true, Status: orders.StatusAnomaly, ReasonMissed: "RIB manquant"}}, fresh)

	// Which person?
	add("choose_person", bot.Answer{Kind: bot.ChoosePerson, People: []orders.Person{claire, other},
		Question: understand.Question{Intent: understand.Mine, Blocked: true, Scope: understand.ScopePerson, Person: "Claire"},
		Subject:  bot.Subject{What: "person", Query: "Claire"}}, fresh)
	add("choose_person_my_rep", bot.Answer{Kind: bot.ChoosePerson, People: []orders.Person{*rep, camille},
		Question: understand.Question{Intent: understand.Mine, Scope: understand.ScopePerson, PersonRole: orders.RoleRep},
		Subject:  bot.Subject{What: "my_rep"}}, fresh)
	add("not_found_person", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "person", Query: "Marc Dubois"}}, fresh)
	add("not_found_my_assistant", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "my_assistant"}}, fresh)

	// The next one.
	add("next_in_list", bot.Answer{Kind: bot.OrderFound, Order: orderOf[orders.StatusPicking], Position: 3,
		List:     orders.OrderList{Total: 4},
		Question: understand.Question{Intent: understand.Customer, CustomerName: "dupre"},
		Subject:  bot.Subject{What: "customer", Customer: dupre}}, fresh)
	add("no_next_order", bot.Answer{Kind: bot.NoNext, Subject: bot.Subject{What: "order", Query: "4500012399"},
		Question: understand.Question{Intent: understand.Order, Number: "4500012399"}}, fresh)
	add("no_next_list", bot.Answer{Kind: bot.NoNext, Position: 4, List: orders.OrderList{Total: 4},
		Question: understand.Question{Intent: understand.Mine, Blocked: true},
		Subject:  bot.Subject{Mine: true, Blocked: true}}, stale)
}
