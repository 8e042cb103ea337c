package bot_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

// The people of the sample directory.
const (
	manager   = "U0MGR0001" // Hélène Lefèvre
	repSud    = "U0REP0001" // François Dubœuf: Boulangerie Dupré & Fils
	repNord   = "U0REP0002" // Camille Rousseau: Établissements Müller
	repExport = "U0REP0003" // Emma Collins, who reads English
	advClaire = "U0ADV0001" // Claire Martin, assistant on Dupré's orders
	stranger  = "U0NOBODY1"
)

// memoryLog keeps the questions recorded, for the tests to read.
type memoryLog struct {
	mu sync.Mutex
	qs []orders.AskedQuestion
}

func (l *memoryLog) Record(q orders.AskedQuestion) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.qs = append(l.qs, q)
}

func (l *memoryLog) all() []orders.AskedQuestion {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]orders.AskedQuestion(nil), l.qs...)
}

type bundle struct {
	st   *postgres.Store
	data sample.Data
	now  time.Time
	log  *memoryLog
	ctx  context.Context
}

// setup loads the sample portfolio into a fresh database, recorded as
// imported an hour ago.
func setup(t *testing.T) *bundle {
	t.Helper()
	t.Parallel()
	return load(t)
}

// load is setup for a test that needs a second portfolio.
func load(t testing.TB) *bundle {
	t.Helper()
	b := &bundle{st: server.Store(t), now: time.Now(), log: &memoryLog{}, ctx: context.Background()}
	b.data = sample.Portfolio(b.now)
	if err := b.data.Load(b.ctx, b.st); err != nil {
		t.Fatal(err)
	}
	if err := b.st.RecordLoad(b.ctx, "sample", b.now.Add(-time.Hour), len(b.data.Orders)); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *bundle) answerer(t testing.TB, access bot.Access) *bot.Answerer {
	t.Helper()
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	a := bot.New(b.st, p, b.log, bot.Options{Access: access, Language: orders.French, StaleAfter: 26 * time.Hour, ListLimit: 15})
	// The portfolio's words from the first question on, as at start.
	if err := a.LoadVocabulary(b.ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

func ask(t *testing.T, a *bot.Answerer, who, text string) bot.Answer {
	t.Helper()
	ans, err := a.Ask(context.Background(), bot.Asker{SlackUserID: who, Transport: "test"}, text)
	if err != nil {
		t.Fatalf("%s asks %q: %v", who, text, err)
	}
	return ans
}

var console = render.New(render.Options{Location: time.UTC})

func TestStrangerLearnsNothing(t *testing.T) {
	b := setup(t)
	a := b.answerer(t, bot.AccessAll)
	refusal := ""
	for _, text := range []string{"4500012345", "4500099999", "commandes de boulangerie dupre", "PO-7781", "mes commandes bloquées", "aide"} {
		ans := ask(t, a, stranger, text)
		if ans.Kind != bot.Refused {
			t.Errorf("a stranger asking %q gets %s, want a refusal", text, ans.Kind)
		}
		got := console.Console(ans)
		if refusal == "" {
			refusal = got
		}
		if got != refusal {
			t.Errorf("a stranger asking %q gets %q, unlike %q: the answer tells questions apart", text, got, refusal)
		}
		if strings.Contains(got, "Dupré") || strings.Contains(got, "4500012345") {
			t.Errorf("the refusal shows data: %q", got)
		}
	}
	for _, q := range b.log.all() {
		if q.Outcome != string(bot.Refused) || q.PersonID != 0 || q.Intent != "" || q.Asker != stranger {
			t.Errorf("a refused question logged as %+v", q)
		}
	}
}

func TestPlaceholderIsRefused(t *testing.T) {
	b := setup(t)
	if _, err := b.st.UpsertPerson(b.ctx, orders.Person{Name: "Inconnu Placeholder", Role: orders.RoleRep,
		SlackUserID: "U0PLACE01", Placeholder: true}); err != nil {
		t.Fatal(err)
	}
	if got := ask(t, b.answerer(t, bot.AccessAll), "U0PLACE01", "4500012345").Kind; got != bot.Refused {
		t.Errorf("someone known only as a placeholder gets %s, want a refusal", got)
	}
}

func TestOwnPortfolioAccess(t *testing.T) {
	b := setup(t)
	own := b.answerer(t, bot.AccessOwn)

	// Dupré's order is François's, not Camille's.
	if got := ask(t, own, repSud, "où en est la 4500012345 ?"); got.Kind != bot.OrderFound || got.Order.Number != "4500012345" {
		t.Fatalf("François asks for his own order: %s", got)
	}
	hidden := ask(t, own, repNord, "où en est la 4500012345 ?")
	missing := ask(t, own, repNord, "où en est la 4500077777 ?")
	if hidden.Kind != bot.NotFound || missing.Kind != bot.NotFound {
		t.Fatalf("Camille asks for another rep's order: %s; for a missing one: %s", hidden, missing)
	}
	if len(hidden.Suggestions) != 0 {
		t.Errorf("the not-found answer suggests %v, numbers outside Camille's portfolio", hidden.Suggestions)
	}
	h := strings.ReplaceAll(console.Console(hidden), "4500012345", "N")
	m := strings.ReplaceAll(console.Console(missing), "4500077777", "N")
	if h != m {
		t.Errorf("an order outside the portfolio reads\n%s\nunlike a missing one\n%s", h, m)
	}
	if got := ask(t, own, repNord, "commandes de boulangerie dupre"); got.Kind != bot.NotFound {
		t.Errorf("Camille asks for Dupré's orders: %s", got)
	}
	if got := ask(t, own, repNord, "ref client PO-7781"); got.Kind != bot.NotFound {
		t.Errorf("Camille asks for a reference of François's customer: %s", got)
	}

	// The assistant follows Dupré's orders: she sees them.
	if got := ask(t, own, advClaire, "4500012345"); got.Kind != bot.OrderFound {
		t.Errorf("Claire asks for an order she follows: %s", got)
	}
	// Managers see everything, whatever the setting.
	if got := ask(t, own, manager, "4500012401"); got.Kind != bot.OrderFound {
		t.Errorf("the manager asks for Müller's order: %s", got)
	}
	// With access to all, Camille sees François's order too.
	if got := ask(t, b.answerer(t, bot.AccessAll), repNord, "4500012345"); got.Kind != bot.OrderFound {
		t.Errorf("Camille with access to all: %s", got)
	}
}

func TestMineAndReasons(t *testing.T) {
	b := setup(t)
	a := b.answerer(t, bot.AccessAll)
	var francoisBlocked, allBlocked, francoisOOS int
	for _, tr := range b.data.Orders {
		o := tr.Order
		if o.Closed() || !o.Blocked() {
			continue
		}
		allBlocked++
		if o.Rep.SlackUserID == repSud {
			francoisBlocked++
			for _, bl := range o.Blocks {
				if bl.Kind == orders.StatusOutOfStock {
					francoisOOS++
				}
			}
		}
	}
	if got := ask(t, a, repSud, "mes commandes bloquées"); got.Kind != bot.OrderList || got.List.Total != francoisBlocked || !got.Subject.Mine {
		t.Errorf("François's blocked orders: %s, %d orders, want %d", got, got.List.Total, francoisBlocked)
	}
	if got := ask(t, a, repSud, "commandes en rupture"); got.List.Total != francoisOOS || got.Subject.Status != orders.StatusOutOfStock {
		t.Errorf("François's out-of-stock orders: %s, %d orders, want %d", got, got.List.Total, francoisOOS)
	}
	if got := ask(t, a, manager, "commandes bloquées"); got.List.Total != allBlocked || !got.Subject.Everyone {
		t.Errorf("the manager's blocked orders: %s, %d orders, want all %d", got, got.List.Total, allBlocked)
	}
	en := ask(t, a, repExport, "my open orders")
	if en.Lang != orders.English || en.Kind != bot.OrderList {
		t.Errorf("Emma's orders: %s in %q, want a list in English", en, en.Lang)
	}
}

func TestLookups(t *testing.T) {
	b := setup(t)
	a := b.answerer(t, bot.AccessAll)
	cases := []struct {
		text   string
		kind   bot.Kind
		number string // the order shown
		what   string // the list's or not-found's subject
	}{
		{"où en est la cde n°4500012345 ?", bot.OrderFound, "4500012345", ""},
		{"PO-7781", bot.OrderFound, "4500012345", ""},                        // the customer's reference
		{"leur réf 4500012345", bot.OrderFound, "4500012345", ""},            // our number, called their reference
		{"client C001234", bot.OrderList, "", "customer"},                    // a customer code
		{"C001235", bot.OrderList, "", "customer"},                           // a bare code, read as a number first
		{"commandes de etablissements muler", bot.OrderList, "", "customer"}, // a typo
		{"lefevre", bot.ChooseCustomer, "", "customer"},
		{"commandes de zzyzx qwv", bot.NotFound, "", "customer"},
		{"4500011020", bot.OrderFound, "4500011020", ""}, // invoiced
		{"4500012354", bot.NotFound, "", "order"},
		{"la météo demain ?", bot.NotUnderstood, "", ""},
		{"merci !", bot.Thanks, "", ""},
	}
	for _, c := range cases {
		got := ask(t, a, repSud, c.text)
		if got.Kind != c.kind || (c.number != "" && got.Order.Number != c.number) || (c.what != "" && got.Subject.What != c.what) {
			t.Errorf("%q: %s (order %q, subject %q), want %s %q %q", c.text, got, got.Order.Number, got.Subject.What, c.kind, c.number, c.what)
		}
	}
	closed := ask(t, a, repSud, "4500011020")
	if !closed.Order.Closed() || !strings.Contains(console.Console(closed), "Facturée le") {
		t.Errorf("an invoiced order reads:\n%s", console.Console(closed))
	}
	typo := ask(t, a, repSud, "4500012354")
	if len(typo.Suggestions) == 0 || typo.Suggestions[0] != "4500012345" {
		t.Errorf("4500012354 suggests %v, want 4500012345 first", typo.Suggestions)
	}
	short := ask(t, a, repSud, "la 12345 ?")
	if len(short.Suggestions) != 1 || short.Suggestions[0] != "4500012345" {
		t.Errorf("12345 suggests %v, want 4500012345", short.Suggestions)
	}

	// Choosing a candidate, as a Slack button or the console's number does.
	choice := ask(t, a, repSud, "lefevre")
	q := choice.Question
	q.CustomerID = choice.Candidates[1].ID
	got, err := a.Act(b.ctx, bot.Asker{SlackUserID: repSud}, bot.Action{Question: q})
	if err != nil || got.Kind != bot.OrderList || got.Subject.Customer.ID != choice.Candidates[1].ID {
		t.Errorf("choosing %s: %s, %v", choice.Candidates[1].Name, got, err)
	}
}

func TestShowMore(t *testing.T) {
	b := setup(t)
	p, _ := understand.New("")
	a := bot.New(b.st, p, nil, bot.Options{ListLimit: 2})
	first := ask(t, a, manager, "commandes bloquées")
	if len(first.List.Orders) != 2 || first.List.Total <= 2 {
		t.Fatalf("a list limited to 2: %d of %d", len(first.List.Orders), first.List.Total)
	}
	more, err := a.Act(b.ctx, bot.Asker{SlackUserID: manager}, bot.Action{Question: first.Question, Limit: bot.MaxListLimit})
	if err != nil || len(more.List.Orders) != first.List.Total {
		t.Errorf("show more: %d orders of %d, %v", len(more.List.Orders), first.List.Total, err)
	}
	if _, err := bot.ParseAction(`{"q":{"intent":"drop_table"}}`); err == nil {
		t.Error("a button value naming no intent orderbot answers is accepted")
	}
	if _, err := bot.ParseAction(bot.Action{Question: first.Question, Limit: 5}.Value()); err != nil {
		t.Errorf("orderbot's own button value is refused: %v", err)
	}
}

func TestFreshness(t *testing.T) {
	b := setup(t)
	a := b.answerer(t, bot.AccessAll)
	if got := ask(t, a, repSud, "4500012345").Data; !got.Known || got.Stale {
		t.Errorf("data imported an hour ago: %+v, want fresh", got)
	}

	stale := load(t)
	if err := stale.st.RecordLoad(stale.ctx, "old", stale.now.Add(-72*time.Hour), 1); err != nil {
		t.Fatal(err)
	}
	// The newest import counts: an older one recorded later changes nothing.
	if got := ask(t, stale.answerer(t, bot.AccessAll), repSud, "4500012345").Data; got.Stale {
		t.Errorf("an old import recorded after a recent one makes the data stale: %+v", got)
	}

	never := &bundle{st: server.Store(t), now: time.Now(), log: &memoryLog{}, ctx: context.Background()}
	never.data = sample.Portfolio(never.now)
	if err := never.data.Load(never.ctx, never.st); err != nil {
		t.Fatal(err)
	}
	a = never.answerer(t, bot.AccessAll)
	if got := ask(t, a, repSud, "4500012345").Data; got.Known || !got.Stale {
		t.Errorf("data never imported: %+v, want unknown", got)
	}
	if err := never.st.RecordLoad(never.ctx, "old", never.now.Add(-50*time.Hour), 1); err != nil {
		t.Fatal(err)
	}
	a = never.answerer(t, bot.AccessAll) // a new answerer: no remembered freshness
	got := ask(t, a, repSud, "4500012345")
	if !got.Data.Known || !got.Data.Stale {
		t.Errorf("data imported 50 hours ago with a 26-hour limit: %+v, want stale", got.Data)
	}
	if text := console.Console(got); !strings.Contains(text, "Attention") {
		t.Errorf("a stale answer does not warn:\n%s", text)
	}
}

func TestQuestionsAreLogged(t *testing.T) {
	b := setup(t)
	log := postgres.NewQuestionLog(b.st, func(err error) { t.Error(err) })
	p, _ := understand.New("")
	a := bot.New(b.st, p, log, bot.Options{})
	start := time.Now()
	for _, q := range []string{"4500012345", "commandes de dupre", "aide"} {
		ask(t, a, repSud, q)
	}
	ask(t, a, stranger, "4500012345")
	ask(t, a, "U\xe6\x00bad", "4500012345") // an identity no directory holds, nor any text column
	log.Close()
	got, err := b.st.Questions(b.ctx, start.Add(-time.Second), time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ intent, outcome string }{
		{"order", "order"}, {"customer", "list"}, {"help", "help"}, {"", "refused"}, {"", "refused"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d questions logged, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Intent != w.intent || got[i].Outcome != w.outcome || got[i].Transport != "test" {
			t.Errorf("question %d logged as %+v, want intent %q outcome %q", i, got[i], w.intent, w.outcome)
		}
	}
	if got[0].PersonID == 0 || got[0].Results != 1 || got[0].Text != "4500012345" {
		t.Errorf("the first question logged as %+v", got[0])
	}
}

func TestStoreDownIsUnavailable(t *testing.T) {
	b := setup(t)
	a := b.answerer(t, bot.AccessAll)
	b.st.Close()
	got, err := a.Ask(b.ctx, bot.Asker{SlackUserID: repSud}, "4500012345")
	if err == nil || got.Kind != bot.Unavailable {
		t.Errorf("with the store closed: %s, %v; want unavailable and an error", got, err)
	}
}

func TestOwnPortfolioHidesCustomers(t *testing.T) {
	b := setup(t)
	own := b.answerer(t, bot.AccessOwn)
	// Camille follows Boucherie Lefèvre, not Boucherie Lefèvre & Cie: no
	// choice to make, and the other one is not named.
	got := ask(t, own, repNord, "lefevre")
	if got.Kind != bot.OrderList || got.Subject.Customer.Code != "C001239" {
		t.Errorf("Camille asks for lefevre: %s (%s), want Boucherie Lefèvre's orders", got, got.Subject.Customer.Name)
	}
	if text := console.Console(got); strings.Contains(text, "C001240") {
		t.Errorf("Camille learns of another rep's customer:\n%s", text)
	}
	if got := ask(t, own, repNord, "client C001234"); got.Kind != bot.NotFound || got.Subject.What != "code" {
		t.Errorf("Camille asks for another rep's customer by code: %s", got)
	}
	if got := ask(t, own, repNord, "commandes de boulangerie dupre"); got.Kind != bot.NotFound {
		t.Errorf("Camille asks for another rep's customer by name: %s", got)
	}
	// A button naming another rep's customer, as a forged value would.
	dupre, err := b.st.CustomerByCode(b.ctx, "C001234")
	if err != nil {
		t.Fatal(err)
	}
	forged, err := bot.ParseAction(bot.Action{Question: understand.Question{Intent: understand.Customer, CustomerID: dupre.ID}}.Value())
	if err != nil {
		t.Fatal(err)
	}
	got, err = own.Act(b.ctx, bot.Asker{SlackUserID: repNord}, forged)
	if err != nil || got.Kind != bot.NotFound || strings.Contains(console.Console(got), "Dupré") {
		t.Errorf("Camille presses a button for Dupré: %s, %v:\n%s", got, err, console.Console(got))
	}
	// A manager still chooses among every customer.
	if got := ask(t, own, manager, "lefevre"); got.Kind != bot.ChooseCustomer || len(got.Candidates) < 2 {
		t.Errorf("the manager asks for lefevre: %s", got)
	}
}

func TestUnknownAccessFailsClosed(t *testing.T) {
	b := setup(t)
	if got := ask(t, b.answerer(t, bot.Access("everything")), repNord, "4500012345"); got.Kind != bot.NotFound {
		t.Errorf("with an unknown access setting, Camille sees another rep's order: %s", got)
	}
}

func TestQuestionLogAfterClose(t *testing.T) {
	b := setup(t)
	var lost []error
	log := postgres.NewQuestionLog(b.st, func(err error) { lost = append(lost, err) })
	log.Record(orders.AskedQuestion{At: time.Now(), Intent: "help", Outcome: "help", Text: "nul \x00 and \xff bad"})
	log.Close()
	log.Close()
	log.Record(orders.AskedQuestion{At: time.Now(), Asker: "U1", Intent: "help", Outcome: "help"})
	if len(lost) != 1 {
		t.Errorf("a question recorded after Close: %v, want one error", lost)
	}
	got, err := b.st.Questions(b.ctx, time.Now().Add(-time.Minute), time.Now().Add(time.Minute))
	if err != nil || len(got) != 1 || got[0].Text != "nul  and \uFFFD bad" {
		t.Errorf("the log holds %+v, %v; want the first question, its text made valid", got, err)
	}
}
