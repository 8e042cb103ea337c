package render_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/golden"
	"github.com/orderbot/orderbot/orders"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the renderer produces")

var (
	paris, _ = time.LoadLocation("Europe/Paris")
	now      = time.Date(2026, 11, 27, 9, 30, 0, 0, paris)
	fresh    = bot.Freshness{AsOf: time.Date(2026, 11, 27, 6, 0, 0, 0, paris), Known: true}
	stale    = bot.Freshness{AsOf: time.Date(2026, 11, 24, 6, 0, 0, 0, paris), Known: true, Stale: true}
	rep      = &orders.Person{ID: 2, Name: "François Dubœuf", Role: orders.RoleRep}
	adv      = &orders.Person{ID: 3, Name: "Claire Martin", Role: orders.RoleAssistant}
	dupre    = orders.Customer{ID: 10, Code: "C001234", Name: "Boulangerie Dupré & Fils"}
	nasty    = orders.Customer{ID: 11, Code: "C001241", Name: "O'Brien \"<!channel>\" & Co <@U123> *Gras* _it_ @here\n• fake line\x1b[31m"}
)

func day(m time.Month, d int) *time.Time {
	t := time.Date(2026, m, d, 0, 0, 0, 0, paris)
	return &t
}

// order returns a sample order in status st, held for the blocks given.
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

func block(kind orders.Status, reason string, daysAgo int, release *time.Time) orders.Block {
	return orders.Block{Kind: kind, Reason: reason, Since: now.Add(-time.Duration(daysAgo) * 24 * time.Hour), ExpectedRelease: release}
}

func list(os ...orders.Order) orders.OrderList {
	l := orders.OrderList{Orders: os, Total: len(os), TotalCents: map[string]int64{}, BlockedCents: map[string]int64{}}
	for _, o := range os {
		l.TotalCents[o.Currency] += o.AmountCents
		if o.Blocked() {
			l.Blocked++
			l.BlockedCents[o.Currency] += o.AmountCents
		}
	}
	return l
}

func goldenAnswers() map[string]bot.Answer {
	credit := block(orders.StatusCreditLimit, "encours dépassé de 12 400 €", 3, day(11, 30))
	delivery := block(orders.StatusDeliveryBlock, "adresse de livraison incomplète", 1, nil)
	byStatus := map[orders.Status]orders.Order{
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
	several := list(byStatus[orders.StatusCreditLimit], byStatus[orders.StatusOutOfStock], byStatus[orders.StatusOpen])
	several.Total, several.TotalCents["EUR"] = 8, several.TotalCents["EUR"]+4200000
	withCHF := list(byStatus[orders.StatusAnomaly], order("4500012360", orders.StatusPicking))
	withCHF.Orders[1].Currency, withCHF.Orders[1].Customer = "CHF", nasty
	withCHF.TotalCents = map[string]int64{"EUR": 1825000, "CHF": 1825000}

	out := map[string]bot.Answer{}
	for _, lang := range []orders.Language{orders.French, orders.English} {
		add := func(name string, a bot.Answer) {
			a.Lang, a.At = lang, now
			if a.Data == (bot.Freshness{}) {
				a.Data = fresh
			}
			out[name+"_"+string(lang)] = a
		}
		for st, o := range byStatus {
			add("order_"+string(st), bot.Answer{Kind: bot.OrderFound, Order: o})
		}
		add("order_stale", bot.Answer{Kind: bot.OrderFound, Order: byStatus[orders.StatusOutOfStock], Data: stale})
		add("order_never_imported", bot.Answer{Kind: bot.OrderFound, Order: byStatus[orders.StatusOpen], Data: bot.Freshness{}})
		nastyOrder := byStatus[orders.StatusAnomaly]
		nastyOrder.Customer, nastyOrder.CustomerRef = nasty, "<https://evil.example|click>"
		nastyOrder.Blocks[0].Reason = "<!here> & <!everyone>"
		add("order_escaped", bot.Answer{Kind: bot.OrderFound, Order: nastyOrder})
		add("list_customer_more", bot.Answer{Kind: bot.OrderList, List: several, Limit: 3,
			Question: understand.Question{Intent: understand.Customer, CustomerName: "dupre"},
			Subject:  bot.Subject{What: "customer", Customer: dupre}})
		add("list_mine_blocked", bot.Answer{Kind: bot.OrderList, List: list(byStatus[orders.StatusCreditLimit], byStatus[orders.StatusOutOfStock]),
			Limit: 15, Subject: bot.Subject{Mine: true, Blocked: true}})
		add("list_reason", bot.Answer{Kind: bot.OrderList, List: list(byStatus[orders.StatusOutOfStock]), Limit: 15,
			Subject: bot.Subject{Mine: true, Blocked: true, Status: orders.StatusOutOfStock}})
		add("list_manager_currencies", bot.Answer{Kind: bot.OrderList, List: withCHF, Limit: 15,
			Subject: bot.Subject{Mine: true, Everyone: true}})
		add("list_ref", bot.Answer{Kind: bot.OrderList, List: list(byStatus[orders.StatusOpen], byStatus[orders.StatusInvoiced]), Limit: 15,
			Subject: bot.Subject{What: "ref", Query: "PO-7781"}})
		add("list_mine_empty", bot.Answer{Kind: bot.OrderList, List: list(), Limit: 15, Subject: bot.Subject{Mine: true, Blocked: true}})
		add("list_customer_empty_own", bot.Answer{Kind: bot.OrderList, List: list(), Limit: 15,
			Subject: bot.Subject{What: "customer", Customer: dupre, Mine: true}})
		add("choose", bot.Answer{Kind: bot.ChooseCustomer, Subject: bot.Subject{What: "customer", Query: "lefevre"},
			Question: understand.Question{Intent: understand.Customer, CustomerName: "lefevre", Blocked: true},
			Candidates: []orders.CustomerMatch{
				{Customer: orders.Customer{ID: 20, Code: "C001239", Name: "Boucherie Lefèvre"}, Score: 0.8, ExactWords: true, OpenOrders: 3},
				{Customer: orders.Customer{ID: 21, Code: "C001240", Name: "Boucherie Lefèvre & Cie"}, Score: 0.7, ExactWords: true, OpenOrders: 1},
				{Customer: nasty, Score: 0.4, OpenOrders: 0},
			}})
		add("not_found_order_suggestions", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "order", Query: "4500012354"},
			Suggestions: []string{"4500012345", "4500012364"}})
		add("not_found_order", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "order", Query: "9999999"}})
		add("not_found_customer", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "customer", Query: "<!channel> zzz"}})
		add("not_found_ref", bot.Answer{Kind: bot.NotFound, Subject: bot.Subject{What: "ref", Query: "PO-0000"}})
		add("refused", bot.Answer{Kind: bot.Refused})
		add("help", bot.Answer{Kind: bot.Help})
		add("thanks", bot.Answer{Kind: bot.Thanks})
		add("not_understood", bot.Answer{Kind: bot.NotUnderstood})
		add("unavailable", bot.Answer{Kind: bot.Unavailable})
	}
	return out
}

func TestGolden(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	for name, a := range goldenAnswers() {
		t.Run(name, func(t *testing.T) {
			msg := r.Slack(a)
			checkSlackLimits(t, msg)
			var js bytes.Buffer
			enc := json.NewEncoder(&js)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(msg); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name+".json", js.Bytes())
			checkGolden(t, name+".txt", []byte(r.Console(a)))
		})
	}
}

// checkSlackLimits checks what Slack would refuse or what would ping
// someone, whatever the golden files say.
func checkSlackLimits(t *testing.T, msg render.Message) {
	t.Helper()
	if len(msg.Blocks) > render.MaxBlocks {
		t.Errorf("%d blocks, Slack takes %d", len(msg.Blocks), render.MaxBlocks)
	}
	texts := []string{msg.Text}
	for _, b := range msg.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > render.MaxSectionText {
				t.Errorf("a section of %d characters, Slack takes %d", n, render.MaxSectionText)
			}
			texts = append(texts, b.Text.Text)
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if o, ok := e.(*slack.TextBlockObject); ok {
					texts = append(texts, o.Text)
				}
			}
		}
	}
	for _, s := range texts {
		if strings.ContainsAny(s, "<>") {
			t.Errorf("unescaped markup reaches Slack: %q", s)
		}
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden"), name, got, *update)
}

func TestSplitLongList(t *testing.T) {
	var os []orders.Order
	for i := 0; i < bot.MaxListLimit; i++ {
		o := order("45000"+strings.Repeat("1", 5), orders.StatusOutOfStock,
			block(orders.StatusOutOfStock, strings.Repeat("très longue raison de blocage ", 10), 2, nil))
		os = append(os, o)
	}
	a := bot.Answer{Kind: bot.OrderList, Lang: orders.French, At: now, List: list(os...), Limit: bot.MaxListLimit,
		Subject: bot.Subject{Mine: true, Blocked: true}, Data: fresh}
	msg := render.New(render.Options{Location: paris}).Slack(a)
	checkSlackLimits(t, msg)
	if len(msg.Blocks) < 3 {
		t.Errorf("a list of %d long lines fits in %d blocks: it was not split", len(os), len(msg.Blocks))
	}
}

func TestConfiguredNextStep(t *testing.T) {
	r := render.New(render.Options{Location: paris, NextSteps: map[orders.Language]map[orders.Status]string{
		orders.French: {orders.StatusCreditLimit: "appeler le credit manager (poste 4412)"},
	}})
	a := bot.Answer{Kind: bot.OrderFound, Lang: orders.French, At: now, Data: fresh,
		Order: order("4500012349", orders.StatusCreditLimit, block(orders.StatusCreditLimit, "encours dépassé", 3, nil))}
	if got := r.Console(a); !strings.Contains(got, "Prochaine étape\u00a0: appeler le credit manager (poste 4412)") {
		t.Errorf("the configured next step is not used:\n%s", got)
	}
	a.Lang = orders.English
	if got := r.Console(a); !strings.Contains(got, "Next step: finance / the credit manager") {
		t.Errorf("a language without a configured wording loses the default:\n%s", got)
	}
}

func TestCalendarDatesKeepTheirDay(t *testing.T) {
	montreal, err := time.LoadLocation("America/Montreal")
	if err != nil {
		t.Fatal(err)
	}
	o := order("4500012345", orders.StatusOpen)
	ordered := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) // a date column, read as UTC midnight
	o.OrderedOn = &ordered
	a := bot.Answer{Kind: bot.OrderFound, Lang: orders.French, At: now, Data: fresh, Order: o}
	if got := render.New(render.Options{Location: montreal}).Console(a); !strings.Contains(got, "Commandée le 27/11/2026") {
		t.Errorf("an order date of 27/11 shown west of UTC:\n%s", got)
	}
}

func TestDataCannotAddLines(t *testing.T) {
	a := bot.Answer{Kind: bot.OrderFound, Lang: orders.French, At: now, Data: fresh, Order: order("4500012345", orders.StatusOpen)}
	a.Order.Customer = nasty
	r := render.New(render.Options{Location: paris})
	for name, text := range map[string]string{"console": r.Console(a), "slack": r.Slack(a).Blocks[0].(*slack.SectionBlock).Text.Text} {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "• fake line") || strings.Contains(line, "\x1b") {
				t.Errorf("%s: the customer's name adds a line or an escape sequence: %q", name, line)
			}
		}
	}
}
