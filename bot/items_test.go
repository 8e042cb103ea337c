package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
)

// TestWhoWaitsForAnItem: the open orders short of an item, by its code or
// the words of its description, in French and English, within what the
// asker may see.
func TestWhoWaitsForAnItem(t *testing.T) {
	b := setup(t)
	all := b.answerer(t, bot.AccessAll)
	own := b.answerer(t, bot.AccessOwn)
	both := []string{"4500012346", "4500013200"} // Dupré's and Le Relais d'Alsace's, short of flour 4711
	cases := []struct {
		a        *bot.Answerer
		who      string
		text     string
		want     []string
		wantText string
	}{
		{all, manager, "qui attend l'article 4711 ?", both, "28 × 4711 – Farine de blé T65, sac 25 kg (disponible\u00a0: 12)"},
		{all, repSud, "quelles commandes attendent de la farine T65", both, "Commandes en attente de"},
		{all, repExport, "orders waiting for item 4711", both, "Orders waiting for “4711” — whole portfolio"},
		{own, repSud, "who is waiting for farine de ble", []string{"4500012346"}, "your portfolio"},
		{own, repNord, "qui attend la farine T65 ?", []string{"4500013200"}, "votre portefeuille"},
		{all, manager, "qui attend du Chai ?", nil, "Aucune commande ouverte n'attend Chai."},
		// 2093, the yeast, is on an order but not short.
		{all, manager, "who is waiting for item 2093", nil, "No open order is waiting for 2093."},
	}
	for _, c := range cases {
		ans := ask(t, c.a, c.who, c.text)
		if ans.Kind != bot.OrderList || ans.Subject.What != "item" {
			t.Errorf("%s asks %q: %s %+v, want a list of orders short of an item", c.who, c.text, ans.Kind, ans.Subject)
			continue
		}
		if got := listed(ans); !slices.Equal(got, c.want) || ans.List.Total != len(c.want) {
			t.Errorf("%s asks %q: orders %v (total %d), want %v", c.who, c.text, got, ans.List.Total, c.want)
		}
		if got := console.Console(ans); !strings.Contains(got, c.wantText) {
			t.Errorf("%s asks %q: want %q in\n%s", c.who, c.text, c.wantText, got)
		}
	}
}

// TestOrderLinesInAnswers: an order short of stock says which item is
// short, how many and when it comes back, not the lines fully available;
// its detail lists every line.
func TestOrderLinesInAnswers(t *testing.T) {
	b := setup(t)
	a := b.answerer(t, bot.AccessAll)
	where := console.Console(ask(t, a, repSud, "où en est la 4500012346 ?"))
	if !strings.Contains(where, "28 × 4711 – Farine de blé T65, sac 25 kg (disponible\u00a0: 12), retour le ") ||
		strings.Contains(where, "Levure") {
		t.Errorf("the answer does not list the short line alone:\n%s", where)
	}
	for _, text := range []string{"détail de 4500012346", "lines of 4500012346", "what's on order 4500012346?"} {
		ans := ask(t, a, repSud, text)
		if ans.Kind != bot.OrderFound || !ans.Question.Lines {
			t.Errorf("%q: %s (%s), want the order's lines", text, ans.Kind, ans.Question)
			continue
		}
		got := console.Console(ans)
		for _, want := range []string{"4711", "2093 – Levure fraîche 500 g", "3310 – Moule à cake inox 30 cm"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q: want %q in\n%s", text, want, got)
			}
		}
	}
}

// TestItemListButton: the button of a long list of orders waiting for an
// item asks the same question again, and is accepted back.
func TestItemListButton(t *testing.T) {
	act := bot.Action{Question: understand.Question{Intent: understand.Item, Item: "farine T65"}, Limit: bot.MaxListLimit}
	got, err := bot.ParseAction(act.Value())
	if err != nil || got.Question.Item != "farine T65" {
		t.Errorf("the button of an item list comes back as %+v, %v", got, err)
	}
}

// TestCreditPositionInAnswers: a credit-blocked order shows its
// customer's position as the store holds it, and the payment that would
// release it, in the reader's language; an order not held for credit does
// not.
func TestCreditPositionInAnswers(t *testing.T) {
	b := setup(t)
	// Boulangerie Dupré & Fils, 12 400 € over its limit, as its credit
	// export said this morning.
	if _, err := b.st.Pool().Exec(b.ctx, `INSERT INTO customer_credit
			(customer_id, credit_limit, exposure, overdue, overdue_since, currency, account_hold, as_of)
		SELECT id, 50000, 62400, 8300.50, DATE '2026-10-15', 'EUR', false, now() - interval '2 hours'
		FROM customers WHERE code = 'C001234'`); err != nil {
		t.Fatal(err)
	}
	a := b.answerer(t, bot.AccessAll)
	fr := console.Console(ask(t, a, repSud, "où en est la 0004500099 ?"))
	for _, want := range []string{"Plafond\u00a0: 50\u00a0000,00\u00a0€", "Encours\u00a0: 62\u00a0400,00\u00a0€",
		"Dépassement\u00a0: 12\u00a0400,00\u00a0€", "Échu\u00a0: 8\u00a0300,50\u00a0€, depuis le 15/10/2026",
		"Un règlement de 12\u00a0400,00\u00a0€ solde l'échu et ramène l'encours sous le plafond."} {
		if !strings.Contains(fr, want) {
			t.Errorf("want %q in\n%s", want, fr)
		}
	}
	en := console.Console(ask(t, a, repExport, "status of order 0004500099"))
	if !strings.Contains(en, "Limit: €50,000.00 · Exposure: €62,400.00") {
		t.Errorf("the English answer lacks the position:\n%s", en)
	}
	if open := console.Console(ask(t, a, repSud, "où en est la 4500012345 ?")); strings.Contains(open, "Plafond") {
		t.Errorf("an open order of the same customer shows its credit:\n%s", open)
	}
}

// TestItemListConversation: the orders waiting for an item are a list
// like any other: after it shows both, there is no next one, and the
// answer says of which list.
func TestItemListConversation(t *testing.T) {
	b := setup(t)
	a := b.answerer(t, bot.AccessAll)
	ans := ask(t, a, manager, "qui attend l'article 4711 ?")
	next, err := a.AskAfter(b.ctx, bot.Asker{SlackUserID: manager, Transport: "test"}, ans.Memory(), "et la suivante ?")
	if err != nil {
		t.Fatal(err)
	}
	if next.Kind != bot.NoNext || next.Position != 2 || next.Subject.What != "item" || next.Subject.Query != "4711" {
		t.Errorf("\"et la suivante ?\" after the two orders waiting for 4711: %s at %d of %+v", next.Kind, next.Position, next.Subject)
	}
	if got := console.Console(next); !strings.Contains(got, "Commandes en attente de «\u00a04711\u00a0»") {
		t.Errorf("the answer does not say of which list:\n%s", got)
	}
}

// TestItemWordsLearnt: after an import, the reading knows the items open
// orders are short of: "rupture de farine ?" asks who waits for it, while
// "commandes en rupture" still lists every order out of stock.
func TestItemWordsLearnt(t *testing.T) {
	b := setup(t)
	a := b.answerer(t, bot.AccessAll)
	ans := ask(t, a, manager, "rupture de farine ?")
	if ans.Kind != bot.OrderList || ans.Subject.What != "item" || !slices.Equal(listed(ans), []string{"4500012346", "4500013200"}) {
		t.Errorf("\"rupture de farine ?\": %s %+v %v, want the two orders short of flour", ans.Kind, ans.Subject, listed(ans))
	}
	if all := ask(t, a, manager, "commandes en rupture"); all.Subject.What == "item" || all.List.Total < 5 {
		t.Errorf("\"commandes en rupture\": %+v, %d orders; want every order out of stock", all.Subject, all.List.Total)
	}
}
