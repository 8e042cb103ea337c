package follow_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/follow"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

// world is a portfolio of a French distributor, two reps and an answerer
// that lets them follow orders.
type world struct {
	t          *testing.T
	ctx        context.Context
	st         *postgres.Store
	claire     orders.Person // rep, French, U0REP0001
	john       orders.Person // rep, English, U0REP0002
	asOf       time.Time
	autoFollow bool
}

// export is the ERP's export of a day, as the import reads it.
type export []orders.Entry

func day(d int) *time.Time {
	t := time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// firstDay is the portfolio on the first day: a credit-blocked order and
// an open one of Boulangerie Dupré (Claire's), an order of Müller in
// picking (John's).
func firstDay() export {
	return export{
		{Number: "4500011039", CustomerCode: "C001234", CustomerName: "Boulangerie Dupré & Fils", Rep: "claire.martin@example.fr",
			Status: orders.StatusCreditLimit, BlockReason: "Encours dépassé de 12 400 €",
			Blocks: []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "Encours dépassé de 12 400 €"}}, AmountCents: 1825000},
		{Number: "4500011040", CustomerCode: "C001234", CustomerName: "Boulangerie Dupré & Fils", Rep: "claire.martin@example.fr",
			Status: orders.StatusOpen, PromisedOn: day(10), AmountCents: 99000},
		{Number: "4500011041", CustomerCode: "CH-0042", CustomerName: "Établissements Müller SARL", Rep: "john.smith@example.com",
			Status: orders.StatusPicking, AmountCents: 450000},
	}
}

func newWorld(t *testing.T) *world {
	t.Helper()
	t.Parallel()
	w := &world{t: t, ctx: context.Background(), st: server.Store(t), asOf: time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC), autoFollow: true}
	var err error
	if w.claire, err = w.st.UpsertPerson(w.ctx, orders.Person{Email: "claire.martin@example.fr", Name: "Claire Martin",
		Role: orders.RoleRep, SlackUserID: "U0REP0001", Language: orders.French}); err != nil {
		t.Fatal(err)
	}
	if w.john, err = w.st.UpsertPerson(w.ctx, orders.Person{Email: "john.smith@example.com", Name: "John Smith",
		Role: orders.RoleRep, SlackUserID: "U0REP0002", Language: orders.English}); err != nil {
		t.Fatal(err)
	}
	w.load(firstDay())
	return w
}

// load imports e as the day's export, and returns its run.
func (w *world) load(e export) int64 {
	w.t.Helper()
	i := 0
	rep, err := w.st.ImportOrders(w.ctx, postgres.ImportRequest{Source: "export.csv", AsOf: w.asOf, MaxCloseShare: 0.5,
		PeopleBy: orders.ByEmail, NumberColumn: "N° commande"}, func() (orders.Entry, error) {
		if i == len(e) {
			return orders.Entry{}, io.EOF
		}
		i++
		x := e[i-1]
		x.Line, x.Currency = i+1, "EUR"
		return x, nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return rep.RunID
}

func (w *world) answerer(access bot.Access) *bot.Answerer {
	parser, err := understand.New("")
	if err != nil {
		w.t.Fatal(err)
	}
	return bot.New(w.st, parser, nil, bot.Options{Access: access, Language: orders.French, StaleAfter: 26 * time.Hour,
		Now: func() time.Time { return w.asOf.Add(time.Hour) }, Follows: follow.Store{Store: w.st}, AutoFollow: w.autoFollow})
}

func (w *world) ask(a *bot.Answerer, who orders.Person, text string) bot.Answer {
	w.t.Helper()
	ans, err := a.Ask(w.ctx, bot.Asker{SlackUserID: who.SlackUserID, Transport: "slack"}, text)
	if err != nil {
		w.t.Fatalf("%q: %v", text, err)
	}
	return ans
}

// TestAskingAboutABlockedOrderFollowsIt: a rep asking where a blocked order
// is follows it from then on, and the answer says so once; an open order
// is offered to follow; with notify.auto_follow off, nothing is followed.
func TestAskingAboutABlockedOrderFollowsIt(t *testing.T) {
	w := newWorld(t)
	a := w.answerer(bot.AccessOwn)
	first := w.ask(a, w.claire, "où en est la 4500011039 ?")
	if first.Kind != bot.OrderFound || !first.Followable || !first.Following || !first.AutoFollowed {
		t.Fatalf("first answer about a blocked order: %s followable %v following %v auto %v", first.Kind, first.Followable,
			first.Following, first.AutoFollowed)
	}
	if again := w.ask(a, w.claire, "et la 4500011039 ?"); !again.Following || again.AutoFollowed {
		t.Errorf("asked again: following %v, auto %v; want following, not said again", again.Following, again.AutoFollowed)
	}
	if open := w.ask(a, w.claire, "4500011040"); !open.Followable || open.Following {
		t.Errorf("an open order: followable %v following %v; want offered, not followed", open.Followable, open.Following)
	}
	list := w.ask(a, w.claire, "mes suivis")
	if list.Kind != bot.FollowList || len(list.Follows) != 1 || list.Follows[0].Number != "4500011039" || !list.Follows[0].Auto {
		t.Errorf("mes suivis: %s %+v", list.Kind, list.Follows)
	}

	w.autoFollow = false
	off := w.answerer(bot.AccessOwn)
	if ans := w.ask(off, w.john, "where is 4500011041?"); ans.Following || !ans.Followable {
		t.Errorf("with auto_follow off: following %v", ans.Following)
	}
	w.load(append(firstDay()[:2], orders.Entry{Number: "4500011041", CustomerCode: "CH-0042", CustomerName: "Établissements Müller SARL",
		Rep: "john.smith@example.com", Status: orders.StatusDeliveryBlock, BlockReason: "Adresse à confirmer",
		Blocks: []orders.Block{{Kind: orders.StatusDeliveryBlock, Reason: "Adresse à confirmer"}}}))
	if ans := w.ask(off, w.john, "where is 4500011041?"); ans.Following || ans.AutoFollowed {
		t.Errorf("a blocked order with auto_follow off: following %v", ans.Following)
	}
}

// TestFollowingInWords: following an order and a customer, in French and
// English, the list, and the end of a follow; an order the asker may not
// see is not found, and not followed.
func TestFollowingInWords(t *testing.T) {
	w := newWorld(t)
	a := w.answerer(bot.AccessOwn)
	steps := []struct {
		who     orders.Person
		text    string
		kind    bot.Kind
		already bool
	}{
		{w.claire, "suivre 4500011040", bot.Followed, false},
		{w.claire, "suivre la commande 4500011040", bot.Followed, true},
		{w.claire, "suivre Boulangerie Dupré", bot.Followed, false},
		{w.john, "follow 4500011041", bot.Followed, false},
		{w.claire, "suivre 4500011041", bot.NotFound, false}, // John's: not hers to see
		{w.claire, "ne plus suivre 4500011040", bot.Unfollowed, false},
		{w.claire, "ne plus suivre 4500011040", bot.Unfollowed, true},
		{w.john, "unfollow Müller", bot.Unfollowed, true},
	}
	for _, s := range steps {
		ans := w.ask(a, s.who, s.text)
		if ans.Kind != s.kind || ans.Already != s.already {
			t.Errorf("%s: %q answered %s (already %v), want %s (already %v)", s.who.Name, s.text, ans.Kind, ans.Already, s.kind, s.already)
		}
	}
	mine := w.ask(a, w.claire, "mes suivis")
	if len(mine.Follows) != 1 || mine.Follows[0].Number != "" || mine.Follows[0].Customer.Name != "Boulangerie Dupré & Fils" {
		t.Errorf("Claire follows %+v, want the customer only", mine.Follows)
	}
	his := w.ask(a, w.john, "what am I following?")
	if his.Lang != orders.English || len(his.Follows) != 1 || his.Follows[0].Number != "4500011041" {
		t.Errorf("John follows %+v (%s)", his.Follows, his.Lang)
	}
	// Following an order through its customer shows Unfollow on it.
	if ans := w.ask(a, w.claire, "4500011040"); !ans.Following {
		t.Errorf("an order of a followed customer: following %v", ans.Following)
	}
}

// jobsFor starts the followers' jobs on w's store, telling through fake,
// and returns the queue and the followers.
func (w *world) jobsFor(fake *slackfake.Server) (*postgres.Jobs, *follow.Followers) {
	w.t.Helper()
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))
	poster := slackapp.NewPoster(api, nil, func(err error) { w.t.Errorf("fatal: %v", err) })
	log := slog.New(slog.NewTextHandler(w.t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	f := follow.New(follow.Config{Store: w.st, Slack: slackapp.NewNotifications(api, poster), Renderer: render.New(render.Options{}),
		Language: orders.French, StaleAfter: 26 * time.Hour, PlanEvery: time.Second, Log: log,
		Now: func() time.Time { return w.asOf.Add(time.Hour) }})
	workers := river.NewWorkers()
	f.AddWorkers(workers)
	jobs, err := postgres.NewJobs(w.st, postgres.JobsConfig{Workers: workers, Periodic: f.Periodic(), Logger: log,
		PollInterval: 200 * time.Millisecond})
	if err != nil {
		w.t.Fatal(err)
	}
	f.Use(jobs)
	if err := jobs.Start(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	return jobs, f
}

// notices returns the notices posted so far to a person, by their key.
func notices(fake *slackfake.Server, run int64, person orders.Person) []slackfake.Call {
	key := follow.NoticeArgs{ImportID: run, PersonID: person.ID}.Key()
	var out []slackfake.Call
	for _, c := range fake.Calls("chat.postMessage") {
		if p, ok := c.Metadata["event_payload"].(map[string]any); ok && c.OK && p["key"] == key {
			out = append(out, c)
		}
	}
	return out
}

// TestFollowerToldOnceOfTheNextImport: the next day's import releases the
// blocked order Claire asked about, moves the promise of an order of a
// customer she follows and invoices John's order: each gets one direct
// message for all of it, naming the orders, customers and old and new
// statuses; Claire's earlier answer is updated in place; the invoiced
// order is followed no more. The same import planned again tells no one
// again.
func TestFollowerToldOnceOfTheNextImport(t *testing.T) {
	w := newWorld(t)
	fake := slackfake.New(t)
	a := w.answerer(bot.AccessOwn)
	w.ask(a, w.claire, "où en est la 4500011039 ?")
	w.ask(a, w.claire, "suivre Boulangerie Dupré")
	w.ask(a, w.john, "follow 4500011041")
	if ok, err := w.st.RememberAnswer(w.ctx, w.claire.SlackUserID, orderID(t, w, "4500011039"), "D0CLAIRE1", "1764565200.000100",
		orders.French); !ok || err != nil {
		t.Fatalf("remember the answer: %v, %v", ok, err)
	}
	jobs, _ := w.jobsFor(fake)

	w.asOf = w.asOf.Add(24 * time.Hour)
	next := firstDay()
	next[0].Status, next[0].BlockReason, next[0].Blocks = orders.StatusOpen, "", nil
	next[1].PromisedOn = day(17)
	next[2].Status = orders.StatusInvoiced
	run := w.load(next)

	waitFor(t, "both notices and the update", func() bool {
		return len(notices(fake, run, w.claire)) == 1 && len(notices(fake, run, w.john)) == 1 && len(fake.Calls("chat.update")) == 1
	})
	claire := notices(fake, run, w.claire)[0]
	for _, want := range []string{"4500011039", "Boulangerie Dupré", "Limite de crédit → *En cours*", "4500011040",
		"10/12/2026 → *17/12/2026*"} {
		if !strings.Contains(strings.Join(claire.BlockTexts(), "\n"), want) {
			t.Errorf("Claire's notice lacks %q:\n%s", want, strings.Join(claire.BlockTexts(), "\n"))
		}
	}
	john := strings.Join(notices(fake, run, w.john)[0].BlockTexts(), "\n")
	for _, want := range []string{"4500011041", "Müller", "Picking → *Invoiced*", "no longer follow"} {
		if !strings.Contains(john, want) {
			t.Errorf("John's notice lacks %q:\n%s", want, john)
		}
	}
	up := fake.Calls("chat.update")[0]
	if up.Channel != "D0CLAIRE1" || up.Form.Get("ts") != "1764565200.000100" || !strings.Contains(strings.Join(up.BlockTexts(), "\n"), "Mis à jour") ||
		!strings.Contains(strings.Join(up.BlockTexts(), "\n"), "En cours") {
		t.Errorf("the answer updated in place: %s %s %v", up.Channel, up.Form.Get("ts"), up.BlockTexts())
	}
	if ok, err := w.st.FollowsOrder(w.ctx, w.john.ID, orderID(t, w, "4500011041")); ok || err != nil {
		t.Errorf("John still follows the invoiced order: %v, %v", ok, err)
	}
	// Planned again (by the import's hook and the planner both): no one is
	// told twice.
	var n int
	if err := w.st.InTx(w.ctx, func(tx *postgres.Store) error {
		var err error
		n, err = follow.PlanImport(w.ctx, jobs, tx, run, false)
		return err
	}); err != nil || n != 0 {
		t.Errorf("planned again: %d people, %v", n, err)
	}
	if c := len(notices(fake, run, w.claire)) + len(notices(fake, run, w.john)); c != 2 {
		t.Errorf("%d notices, want 2", c)
	}
}

func orderID(t *testing.T, w *world, number string) int64 {
	t.Helper()
	o, err := w.st.OrderByNumber(w.ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// waitFor waits up to 60 s for cond: a notice goes within a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 60 s for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
