package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// More people of the sample directory.
const (
	repIDF    = "U0REP0004" // Jérôme Benoît: Bénard Frères, followed by Claire
	advAmelie = "U0ADV0002" // Amélie Roussel: Camille's customers, and one of Jérôme's
)

// wide returns an answerer whose lists hold the whole sample portfolio, and
// which knows its vocabulary (people's names, block reasons).
func (b *bundle) wide(t *testing.T, access bot.Access) *bot.Answerer {
	t.Helper()
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	a := bot.New(b.st, p, b.log, bot.Options{Access: access, Language: orders.French, StaleAfter: 26 * time.Hour, ListLimit: bot.MaxListLimit})
	if err := a.LoadVocabulary(b.ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

// open returns the numbers of the sample's open orders that keep selects,
// sorted.
func (b *bundle) open(keep func(o orders.Order) bool) []string {
	var out []string
	for _, tr := range b.data.Orders {
		if o := tr.Order; !o.Closed() && keep(o) {
			out = append(out, o.Number)
		}
	}
	slices.Sort(out)
	return out
}

func listed(a bot.Answer) []string {
	var out []string
	for _, o := range a.List.Orders {
		out = append(out, o.Number)
	}
	slices.Sort(out)
	return out
}

func repOf(ids ...string) func(orders.Order) bool {
	return func(o orders.Order) bool { return o.Rep != nil && slices.Contains(ids, o.Rep.SlackUserID) }
}

func advOf(id string) func(orders.Order) bool {
	return func(o orders.Order) bool { return o.Assistant != nil && o.Assistant.SlackUserID == id }
}

func both(fs ...func(orders.Order) bool) func(orders.Order) bool {
	return func(o orders.Order) bool {
		for _, f := range fs {
			if !f(o) {
				return false
			}
		}
		return true
	}
}

func isBlocked(o orders.Order) bool { return o.Blocked() }
func anyOrder(orders.Order) bool    { return true }
func noOrder(orders.Order) bool     { return false }

func customerCode(code string) func(orders.Order) bool {
	return func(o orders.Order) bool { return o.Customer.Code == code }
}

// TestSeveralOrders: several numbers in one message are each looked up; an
// order the asker may not see reads exactly like a number that does not
// exist, in the compact list and in the full answers of two numbers.
func TestSeveralOrders(t *testing.T) {
	b := setup(t)
	own := b.wide(t, bot.AccessOwn)

	// 4500012345 is Dupré's, François's customer; 4500012401 is Camille's.
	got := ask(t, own, repNord, "où en sont les cdes 4500012345, 4500012401 et 4500077777 ?")
	if got.Kind != bot.OrderSet || len(got.Items) != 3 {
		t.Fatalf("Camille asks for three orders: %s, %d items", got, len(got.Items))
	}
	for i, want := range []struct {
		number string
		found  bool
	}{{"4500012345", false}, {"4500012401", true}, {"4500077777", false}} {
		it := got.Items[i]
		if it.Number != want.number || it.Found != want.found || (it.Found && it.Order.Number != want.number) || (!it.Found && it.Order.Number != "") {
			t.Errorf("item %d: %+v, want %s found %v", i, it, want.number, want.found)
		}
	}
	text := console.Console(got)
	var hidden, missing string
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.Contains(line, "4500012345"):
			hidden = strings.ReplaceAll(line, "4500012345", "N")
		case strings.Contains(line, "4500077777"):
			missing = strings.ReplaceAll(line, "4500077777", "N")
		}
	}
	if hidden == "" || hidden != missing {
		t.Errorf("another rep's order reads %q, a missing one %q:\n%s", hidden, missing, text)
	}
	if strings.Contains(text, "Boulangerie") {
		t.Errorf("Camille learns whose order 4500012345 is:\n%s", text)
	}
	if all := ask(t, b.wide(t, bot.AccessAll), repNord, "4500012345 4500012401 4500077777"); all.Kind != bot.OrderSet ||
		!all.Items[0].Found || !all.Items[1].Found || all.Items[2].Found {
		t.Errorf("Camille with access to all: %+v", all.Items)
	}

	// Two numbers are shown in full, one after the other.
	two := ask(t, own, repNord, "4500012401 et 4500012345 ?")
	twoMissing := ask(t, own, repNord, "4500012401 et 4500077777 ?")
	if two.Kind != bot.Several || len(two.Parts) != 2 || two.Parts[0].Kind != bot.OrderFound || two.Parts[1].Kind != bot.NotFound {
		t.Fatalf("Camille asks for two orders, one not hers: %s with %d parts", two, len(two.Parts))
	}
	h := strings.ReplaceAll(console.Console(two), "4500012345", "N")
	m := strings.ReplaceAll(console.Console(twoMissing), "4500077777", "N")
	if h != m {
		t.Errorf("two orders, one of another rep's, read\n%s\nunlike one missing\n%s", h, m)
	}

	en := ask(t, own, repExport, "status of SO-001234 and SO-001301")
	if en.Lang != orders.English || en.Kind != bot.Several || en.Parts[0].Order.Number != "SO-001234" || en.Parts[1].Order.Number != "SO-001301" {
		t.Errorf("Emma asks for two of her orders: %s in %s", en, en.Lang)
	}
	if text := console.Console(en); !strings.Contains(text, "Order SO-001234") || !strings.Contains(text, "Order SO-001301") {
		t.Errorf("Emma's two orders read:\n%s", text)
	}
}

// TestScopes: whose orders a question asks for, resolved against the
// directory, under each access setting. A rep's team is the reps sharing
// their assistants; an assistant's, the reps whose orders they follow; a
// manager's, everyone. Asking for more than one may see gives one's own
// portfolio, and says so.
func TestScopes(t *testing.T) {
	b := setup(t)
	answerers := map[bot.Access]*bot.Answerer{bot.AccessOwn: b.wide(t, bot.AccessOwn), bot.AccessAll: b.wide(t, bot.AccessAll)}
	dupre := customerCode("C001234")
	cases := []struct {
		who     string
		access  bot.Access
		text    string
		want    func(orders.Order) bool
		ownOnly bool
	}{
		// The team.
		{repSud, bot.AccessAll, "les commandes de l'équipe", repOf(repSud, repIDF), false},
		{repSud, bot.AccessOwn, "les commandes de l'équipe", repOf(repSud), true},
		{repNord, bot.AccessAll, "les cdes bloquées de l'équipe", both(isBlocked, repOf(repNord, repIDF)), false},
		{repExport, bot.AccessAll, "my team's blocked orders", both(isBlocked, repOf(repExport, repIDF)), false},
		{advClaire, bot.AccessAll, "les commandes de l'équipe", repOf(repSud, repIDF), false},
		{advClaire, bot.AccessOwn, "les commandes de l'équipe", advOf(advClaire), true},
		{manager, bot.AccessOwn, "les commandes de l'équipe", anyOrder, false},
		// Everything one may see.
		{repSud, bot.AccessAll, "toutes les commandes bloquées", isBlocked, false},
		{repSud, bot.AccessOwn, "toutes les commandes bloquées", both(isBlocked, repOf(repSud)), true},
		{advAmelie, bot.AccessOwn, "toutes les commandes bloquées", both(isBlocked, advOf(advAmelie)), true},
		{manager, bot.AccessOwn, "toutes les commandes bloquées", isBlocked, false},
		// One person's portfolio.
		{repSud, bot.AccessAll, "les commandes de Camille", repOf(repNord), false},
		{repSud, bot.AccessOwn, "les commandes de Camille", noOrder, true},
		{manager, bot.AccessOwn, "orders of Camille Rousseau", repOf(repNord), false},
		{advClaire, bot.AccessOwn, "portefeuille de François", both(repOf(repSud), advOf(advClaire)), true},
		{repSud, bot.AccessAll, "les commandes de mon assistante", advOf(advClaire), false},
		{repSud, bot.AccessOwn, "les commandes de mon assistante", both(repOf(repSud), advOf(advClaire)), true},
		{repSud, bot.AccessOwn, "portefeuille de François Dubœuf", repOf(repSud), false},
		// Mine, at a customer's.
		{repSud, bot.AccessAll, "mes cdes chez dupré", both(dupre, repOf(repSud)), false},
		{advClaire, bot.AccessAll, "mes cdes chez dupré", both(dupre, advOf(advClaire)), false},
		{repNord, bot.AccessAll, "mes cdes chez dupré", noOrder, false},
		{manager, bot.AccessAll, "les commandes de l'équipe chez dupré", dupre, false},
	}
	for _, c := range cases {
		got := ask(t, answerers[c.access], c.who, c.text)
		want := b.open(c.want)
		if got.Kind != bot.OrderList || !slices.Equal(listed(got), want) || got.List.Total != len(want) || got.Subject.OwnOnly != c.ownOnly {
			t.Errorf("%s (%s) asks %q: %s, orders %v (total %d), own only %v; want %v, own only %v",
				c.who, c.access, c.text, got, listed(got), got.List.Total, got.Subject.OwnOnly, want, c.ownOnly)
		}
	}

	// The asker's own portfolio, when they asked for more, says so.
	restricted := ask(t, answerers[bot.AccessOwn], repSud, "toutes les commandes bloquées")
	if text := console.Console(restricted); !strings.Contains(text, "votre propre portefeuille") {
		t.Errorf("François sees only his portfolio and is not told:\n%s", text)
	}
	// Nothing of Camille's portfolio reaches François, not even a count.
	hers := ask(t, answerers[bot.AccessOwn], repSud, "les commandes de Camille")
	if text := console.Console(hers); strings.Contains(text, "Müller") || hers.List.Total != 0 {
		t.Errorf("François asks for Camille's orders:\n%s", text)
	}

	// Claire follows the orders of two reps: which one?
	which := ask(t, answerers[bot.AccessOwn], advClaire, "les cdes de mon commercial")
	var names []string
	for _, p := range which.People {
		names = append(names, p.Name)
	}
	if which.Kind != bot.ChoosePerson || !slices.Equal(names, []string{"François Dubœuf", "Jérôme Benoît"}) {
		t.Fatalf("Claire asks for her rep's orders: %s, %q", which, names)
	}
	q := which.Question
	q.Person, q.PersonRole = which.People[1].Name, which.People[1].Role
	chosen, err := answerers[bot.AccessOwn].Act(b.ctx, bot.Asker{SlackUserID: advClaire}, bot.Action{Question: q})
	if want := b.open(both(repOf(repIDF), advOf(advClaire))); err != nil || !slices.Equal(listed(chosen), want) {
		t.Errorf("Claire chooses Jérôme: %s %v, %v; want %v", chosen, listed(chosen), err, want)
	}
	if got := ask(t, answerers[bot.AccessAll], repSud, "portefeuille de Marc Dubois"); got.Kind != bot.NotFound || got.Subject.What != "person" {
		t.Errorf("someone the directory does not know: %s (%s)", got, got.Subject.What)
	}
	// A button naming another rep's portfolio, as a forged value would.
	forged, err := bot.ParseAction(bot.Action{Question: understand.Question{Intent: understand.Mine, Scope: understand.ScopePerson,
		Person: "François Dubœuf"}}.Value())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := answerers[bot.AccessOwn].Act(b.ctx, bot.Asker{SlackUserID: repNord}, forged); err != nil || got.List.Total != 0 {
		t.Errorf("Camille presses a button for François's portfolio: %s, %d orders, %v", got, got.List.Total, err)
	}
}

// TestReasons: a block reason in the portfolio's words lists the orders
// held for it (their other blocks aside), each line showing the reason of
// that block; a reason no order has gives the kind's orders, and says so.
func TestReasons(t *testing.T) {
	b := setup(t)
	a := b.wide(t, bot.AccessAll)
	heldFor := func(kind orders.Status, words ...string) func(orders.Order) bool {
		return func(o orders.Order) bool {
			for _, bl := range o.Blocks {
				r := understand.Fold(bl.Reason)
				ok := bl.Kind == kind
				for _, w := range words {
					ok = ok && slices.Contains(strings.Fields(r), w)
				}
				if ok {
					return true
				}
			}
			return false
		}
	}
	credit := ask(t, a, manager, "commandes avec encours dépassé")
	want := b.open(heldFor(orders.StatusCreditLimit, "encours", "depasse"))
	if !slices.Equal(listed(credit), want) || len(want) < 3 || credit.Subject.Reason == "" {
		t.Errorf("orders held for an exceeded credit: %v (reason %q), want %v", listed(credit), credit.Subject.Reason, want)
	}
	if all := b.open(heldFor(orders.StatusCreditLimit)); len(all) <= len(want) {
		t.Fatalf("the sample holds no credit block of another reason: the test proves nothing")
	}

	address := ask(t, a, manager, "adresse de livraison incomplète ?")
	want = b.open(heldFor(orders.StatusDeliveryBlock, "adresse", "livraison", "incomplete"))
	if !slices.Contains(want, "0004500099") || !slices.Equal(listed(address), want) {
		t.Fatalf("orders with an incomplete address: %v, want %v", listed(address), want)
	}
	for _, lang := range []orders.Language{orders.French, orders.English} {
		address.Lang = lang
		for _, line := range strings.Split(console.Console(address), "\n") {
			// Held for an exceeded credit first, and for its address.
			if strings.Contains(line, "0004500099") && (!strings.Contains(line, "adresse de livraison incomplète") || strings.Contains(line, "encours")) {
				t.Errorf("%s: the line of an order held for its address shows another reason: %q", lang, line)
			}
		}
	}

	// François has anomalies, none of them for a missing bank account.
	missed, err := a.Act(b.ctx, bot.Asker{SlackUserID: repSud}, bot.Action{Question: understand.Question{Intent: understand.Reason,
		Blocked: true, Status: orders.StatusAnomaly, Reason: "RIB manquant"}})
	want = b.open(both(repOf(repSud), heldFor(orders.StatusAnomaly)))
	if err != nil || len(want) == 0 || !slices.Equal(listed(missed), want) || missed.Subject.ReasonMissed != "RIB manquant" {
		t.Errorf("a reason none of François's orders has: %s %v (missed %q), %v; want %v", missed, listed(missed), missed.Subject.ReasonMissed, err, want)
	}
	if text := console.Console(missed); !strings.Contains(text, "RIB manquant") {
		t.Errorf("the answer does not say no order is held for the reason asked:\n%s", text)
	}
}

// TestSeveralCustomers: two customers (or references) in one message are
// each answered, with the same filters, and the same access rules.
func TestSeveralCustomers(t *testing.T) {
	b := setup(t)
	all, own := b.wide(t, bot.AccessAll), b.wide(t, bot.AccessOwn)
	got := ask(t, all, manager, "commandes bloquées de dupré et carrefour")
	if got.Kind != bot.Several || len(got.Parts) != 2 {
		t.Fatalf("the manager asks for two customers: %s", got)
	}
	for i, code := range []string{"C001234", "C001238"} {
		p := got.Parts[i]
		if want := b.open(both(isBlocked, customerCode(code))); p.Kind != bot.OrderList || p.Subject.Customer.Code != code ||
			!p.Subject.Blocked || !slices.Equal(listed(p), want) {
			t.Errorf("part %d: %s %s %v, want %s's blocked orders %v", i, p, p.Subject.Customer.Code, listed(p), code, want)
		}
	}
	// Camille may not see Dupré's orders: not found, as asked alone.
	mixed := ask(t, own, repNord, "commandes de dupré et müller")
	if mixed.Kind != bot.Several || mixed.Parts[0].Kind != bot.NotFound || mixed.Parts[1].Subject.Customer.Code != "C001235" {
		t.Errorf("Camille asks for Dupré's and Müller's orders: %s", mixed)
	}
	if alone := ask(t, own, repNord, "commandes de dupré"); console.Console(alone) != console.Console(mixed.Parts[0]) {
		t.Errorf("a customer asked among two reads\n%s\nunlike alone\n%s", console.Console(mixed.Parts[0]), console.Console(alone))
	}
	refs := ask(t, all, repSud, "réf client PO-7781 et PO-7790")
	if refs.Kind != bot.Several || refs.Parts[0].Order.Number != "4500012345" || refs.Parts[1].Order.Number != "4500012388" {
		t.Errorf("François asks for two references: %s", refs)
	}
	if got := ask(t, all, repExport, "orders for Dupré and Müller"); got.Lang != orders.English || len(got.Parts) != 2 {
		t.Errorf("Emma asks for two customers: %s in %s", got, got.Lang)
	}
}

// TestFollowUps: a conversation remembers its previous question; another
// conversation does not.
func TestFollowUps(t *testing.T) {
	b := setup(t)
	a := b.wide(t, bot.AccessOwn)
	say := func(prev bot.Memory, who, text string) bot.Answer {
		t.Helper()
		ans, err := a.AskAfter(b.ctx, bot.Asker{SlackUserID: who, Transport: "test"}, prev, text)
		if err != nil {
			t.Fatalf("%s says %q: %v", who, text, err)
		}
		return ans
	}
	first := say(bot.Memory{}, repSud, "commandes de dupré")
	blockedThere := say(first.Memory(), repSud, "et les bloquées ?")
	if want := b.open(both(isBlocked, customerCode("C001234"))); blockedThere.Subject.Customer.Code != "C001234" ||
		!slices.Equal(listed(blockedThere), want) {
		t.Errorf("\"et les bloquées ?\" after Dupré's orders: %s %v, want %v", blockedThere, listed(blockedThere), want)
	}
	carrefour := say(blockedThere.Memory(), repSud, "et pour carrefour ?")
	if want := b.open(both(isBlocked, customerCode("C001238"))); carrefour.Subject.Customer.Code != "C001238" ||
		!slices.Equal(listed(carrefour), want) {
		t.Errorf("\"et pour carrefour ?\" after Dupré's blocked orders: %s %v, want %v", carrefour, listed(carrefour), want)
	}
	// Another conversation: the same words ask for François's own blocked orders.
	fresh := say(bot.Memory{}, repSud, "et les bloquées ?")
	if want := b.open(both(isBlocked, repOf(repSud))); fresh.Subject.Customer.Code != "" || !slices.Equal(listed(fresh), want) {
		t.Errorf("\"et les bloquées ?\" in a new conversation: %s %v, want %v", fresh, listed(fresh), want)
	}

	// The next order, among those the asker may see.
	one := say(bot.Memory{}, repNord, "où en est la 4500012401 ?")
	next := say(one.Memory(), repNord, "et la suivante ?")
	then := say(next.Memory(), repNord, "la suivante")
	if next.Kind != bot.OrderFound || next.Order.Number != "4500012402" || then.Order.Number != "4500012455" {
		t.Errorf("Camille's orders after 4500012401: %s then %s, want 4500012402 then 4500012455 (4500012500 is Jérôme's)", next, then)
	}
	if lost := say(bot.Memory{}, repNord, "et la suivante ?"); lost.Kind == bot.OrderFound || lost.Kind == bot.OrderList {
		t.Errorf("\"et la suivante ?\" with nothing before: %s", lost)
	}

	// The next order of a list shows the order after those listed.
	p, _ := understand.New("")
	short := bot.New(b.st, p, nil, bot.Options{Access: bot.AccessOwn, ListLimit: 2})
	list, err := short.AskAfter(b.ctx, bot.Asker{SlackUserID: repSud}, bot.Memory{}, "commandes de dupré")
	if err != nil || list.List.Total != 4 || len(list.List.Orders) != 2 {
		t.Fatalf("Dupré's orders two at a time: %s, %d of %d, %v", list, len(list.List.Orders), list.List.Total, err)
	}
	whole, err := short.Act(b.ctx, bot.Asker{SlackUserID: repSud}, bot.Action{Question: list.Question, Limit: bot.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	mem := list.Memory()
	for i := 2; i <= 4; i++ {
		ans, err := short.AskAfter(b.ctx, bot.Asker{SlackUserID: repSud}, mem, "et la suivante ?")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case i < 4 && (ans.Kind != bot.OrderFound || ans.Order.Number != whole.List.Orders[i].Number):
			t.Errorf("next after %d orders of Dupré's: %s %s, want %s", i, ans, ans.Order.Number, whole.List.Orders[i].Number)
		case i == 4 && ans.Kind != bot.NoNext:
			t.Errorf("next after the last of Dupré's orders: %s", ans)
		}
		mem = ans.Memory()
	}
}

// TestAnswerLanguage: an answer is in the language of the question when
// its words tell, else in the asker's.
func TestAnswerLanguage(t *testing.T) {
	b := setup(t)
	a := b.wide(t, bot.AccessAll)
	en := ask(t, a, repSud, "my blocked orders")
	if en.Lang != orders.English || !strings.Contains(console.Console(en), "Blocked orders") {
		t.Errorf("François asks in English: answered in %s:\n%s", en.Lang, console.Console(en))
	}
	if got := ask(t, a, repSud, "4500012345"); got.Lang != orders.French {
		t.Errorf("François gives a number: answered in %s, want his French", got.Lang)
	}
	if got := ask(t, a, repExport, "où en est la SO-001234 ?"); got.Lang != orders.French {
		t.Errorf("Emma asks in French: answered in %s", got.Lang)
	}
	// A follow-up whose words do not tell keeps the conversation's.
	first, err := a.AskAfter(b.ctx, bot.Asker{SlackUserID: repSud}, bot.Memory{}, "orders for Dupré")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.AskAfter(b.ctx, bot.Asker{SlackUserID: repSud}, first.Memory(), "Müller ?"); err != nil || got.Lang != orders.English {
		t.Errorf("\"Müller ?\" after an English question: %s in %s, %v", got, got.Lang, err)
	}

	// The model's reading takes the language the rules read.
	p, _ := understand.New("")
	model := bot.New(b.st, p, nil, bot.Options{Access: bot.AccessAll, Model: fixedModel{understand.Question{Intent: understand.Order, Number: "4500012345"}}})
	got := ask(t, model, repSud, "hey so the bakery people are still waiting, what's the story")
	if got.Kind != bot.OrderFound || got.Lang != orders.English {
		t.Errorf("a question the model reads, in English from François: %s in %s", got, got.Lang)
	}
	// A follow-up is read before the model is asked: it needs no model.
	broken := bot.New(b.st, p, nil, bot.Options{Access: bot.AccessAll, Model: failingModel{t}})
	first, err = broken.AskAfter(b.ctx, bot.Asker{SlackUserID: repSud}, bot.Memory{}, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	if next, err := broken.AskAfter(b.ctx, bot.Asker{SlackUserID: repSud}, first.Memory(), "et la suivante ?"); err != nil || next.Order.Number != "4500012346" {
		t.Errorf("\"et la suivante ?\" after 4500012345: %s, %v", next, err)
	}
	if _, asks := broken.LookingAfter(b.ctx, bot.Asker{SlackUserID: repSud}, first.Memory(), "et la suivante ?"); asks {
		t.Error("orderbot says it asks the model about a follow-up")
	}
}

type fixedModel struct{ q understand.Question }

func (m fixedModel) Read(context.Context, string) (understand.Question, error) { return m.q, nil }

type failingModel struct{ t *testing.T }

func (m failingModel) Read(_ context.Context, text string) (understand.Question, error) {
	m.t.Errorf("the model is asked about %q", text)
	return understand.Question{}, errors.New("no model")
}

// TestButtonValues: a button's value stays within Slack's 2,000
// characters however long the question's lists, and a value naming a
// scope, a language or a role orderbot does not know is refused.
func TestButtonValues(t *testing.T) {
	var numbers, names []string
	for i := range 300 {
		numbers = append(numbers, fmt.Sprintf("SO-%09d", 777000+i))
		names = append(names, "Établissements Müller & Fils "+strings.Repeat("é", 40))
	}
	for _, q := range []understand.Question{
		{Intent: understand.Order, Number: numbers[0], Numbers: numbers, Lang: orders.French},
		{Intent: understand.Customer, CustomerName: names[0], CustomerNames: names, Scope: understand.ScopeTeam, Blocked: true},
		{Intent: understand.CustomerRef, Ref: numbers[0], Refs: numbers, Lang: orders.English},
	} {
		v := bot.Action{Question: q, Limit: bot.MaxListLimit}.Value()
		if len(v) > 2000 {
			t.Errorf("%s: a button value of %d characters", q.Intent, len(v))
		}
		got, err := bot.ParseAction(v)
		if err != nil {
			t.Errorf("%s: orderbot's own value is refused: %v", q.Intent, err)
			continue
		}
		kept := len(got.Question.Numbers) + len(got.Question.CustomerNames) + len(got.Question.Refs)
		if kept < 10 || got.Question.Scope != q.Scope || got.Question.Lang != q.Lang {
			t.Errorf("%s: the value keeps %d of the list, scope %q, lang %q", q.Intent, kept, got.Question.Scope, got.Question.Lang)
		}
		first := got.Question.Number + got.Question.CustomerName + got.Question.Ref
		if first != numbers[0] && first != names[0] {
			t.Errorf("%s: the first subject is lost: %q", q.Intent, first)
		}
	}
	for _, forged := range []string{
		`{"q":{"intent":"mine","scope":"everyone"}}`,
		`{"q":{"intent":"mine","lang":"de"}}`,
		`{"q":{"intent":"mine","scope":"person","person":"X","person_role":"boss"}}`,
		`{"q":{"intent":"order","number":"4500012345","follow_up":"next"}}`,
	} {
		if _, err := bot.ParseAction(forged); err == nil {
			t.Errorf("a forged value is accepted: %s", forged)
		}
	}
	if _, err := bot.ParseAction(`{"q":{"intent":"mine","scope":"person","person":"Claire","person_role":"assistant","lang":"en"}}`); err != nil {
		t.Errorf("a person's portfolio in English is refused: %v", err)
	}
}

// TestVocabularyFollowsImports: the reading learns the portfolio's words
// without a question waiting for it, and again after an import.
func TestVocabularyFollowsImports(t *testing.T) {
	b := setup(t)
	clock := b.now
	p, _ := understand.New("")
	a := bot.New(b.st, p, nil, bot.Options{Access: bot.AccessAll, Now: func() time.Time { return clock }})
	if got := p.Parse("les cdes avec litige facture"); got.Reason != "" {
		t.Fatalf("a new parser knows the portfolio's reasons: %s", got)
	}
	ask(t, a, manager, "4500012345")
	bot.WaitVocabulary(a)
	if got := p.Parse("les cdes avec litige facture"); got.Reason != "litige facture" {
		t.Errorf("after the first question, the reading does not know the sample's reasons: %s", got)
	}

	dupre, err := b.st.CustomerByCode(b.ctx, "C001234")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.SaveOrder(b.ctx, orders.Order{Number: "4500099001", Customer: dupre, Status: orders.StatusDeliveryBlock,
		BlockReason: "palette endommagée au déchargement", Currency: "EUR", AmountCents: 100,
		Blocks: []orders.Block{{Kind: orders.StatusDeliveryBlock, Reason: "palette endommagée au déchargement"}}},
		postgres.Change{At: b.now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := b.st.RecordLoad(b.ctx, "later", b.now, 1); err != nil {
		t.Fatal(err)
	}
	ask(t, a, manager, "4500012345") // within the moment the data's age is reused: nothing seen yet
	bot.WaitVocabulary(a)
	if got := p.Parse("commandes avec palette endommagée"); got.Reason != "" {
		t.Errorf("the import is seen before the data's age is read again: %s", got)
	}
	clock = clock.Add(2 * time.Minute)
	ask(t, a, manager, "4500012345")
	bot.WaitVocabulary(a)
	got := ask(t, a, manager, "commandes avec palette endommagée")
	if got.Question.Reason != "palette endommagée" || len(got.List.Orders) != 1 || got.List.Orders[0].Number != "4500099001" {
		t.Errorf("after an import, a reason it brought: %s, %v", got, listed(got))
	}
}
