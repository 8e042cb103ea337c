package release_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/release"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

const creditChannel = "C0CREDIT01"

// clock is the tests' time, in nanoseconds since 1970, moved by hand.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// world is a store with a credit-blocked order, a fake Slack, the job
// queue working the releases' jobs, and a credit route.
type world struct {
	t     *testing.T
	ctx   context.Context
	st    *postgres.Store
	slack *slackfake.Server
	rel   *release.Releases
	jobs  *postgres.Jobs
	clock *clock
	// rep and adv own the order; rep2 does not; credit decides; fan
	// follows the order's customer.
	rep, rep2, adv, credit, fan orders.Person
	number                      string
}

func setup(t *testing.T, hook release.Webhook) *world {
	t.Helper()
	t.Parallel()
	paris, _ := time.LoadLocation("Europe/Paris")
	w := &world{t: t, ctx: context.Background(), st: server.Store(t), clock: &clock{}}
	w.clock.ns.Store(time.Date(2026, 11, 27, 9, 30, 0, 0, paris).UnixNano())
	w.slack = slackfake.New(t)
	api := slack.New("xoxb-test", slack.OptionAPIURL(w.slack.APIURL()))
	person := func(p orders.Person) orders.Person {
		p, err := w.st.UpsertPerson(w.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	w.rep = person(orders.Person{Email: "francois.duboeuf@negoce-durand.fr", Name: "François Dubœuf", Role: orders.RoleRep,
		SlackUserID: "U0REP0001", Language: orders.French})
	w.rep2 = person(orders.Person{Email: "emma.collins@negoce-durand.fr", Name: "Emma Collins", Role: orders.RoleRep,
		SlackUserID: "U0REP0002", Language: orders.English})
	w.adv = person(orders.Person{Email: "claire.martin@negoce-durand.fr", Name: "Claire Martin", Role: orders.RoleAssistant,
		SlackUserID: "U0ADV0001", Language: orders.French})
	w.credit = person(orders.Person{Email: "Credit.Control@negoce-durand.fr", Name: "Sophie Bernard", Role: orders.RoleManager,
		SlackUserID: "U0CRED001", Language: orders.English})
	w.fan = person(orders.Person{Email: "marc.petit@negoce-durand.fr", Name: "Marc Petit", Role: orders.RoleRep,
		SlackUserID: "U0REP0003", Language: orders.French})
	dupre, err := w.st.UpsertCustomer(w.ctx, orders.Customer{Code: "C001234", Name: "Boulangerie Dupré & Fils"})
	if err != nil {
		t.Fatal(err)
	}
	since := w.clock.now().Add(-50 * time.Hour)
	w.number = "4500011039"
	o := orders.Order{Number: w.number, Customer: dupre, Status: orders.StatusCreditLimit, BlockReason: "Encours dépassé",
		StatusSince: since, AmountCents: 1845000, Currency: "EUR", Rep: &w.rep, Assistant: &w.adv,
		Blocks: []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "Encours dépassé", Since: since}},
		Lines:  []orders.Line{{Number: 10, Item: "CHAI-24", Description: "Chai 24 × 500 g", Quantity: 40, Available: 40}}}
	if _, err := w.st.SaveOrder(w.ctx, o, postgres.Change{At: since, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.Follow(w.ctx, w.fan.ID, 0, dupre.ID, false); err != nil {
		t.Fatal(err)
	}
	w.rel = release.New(release.Config{Store: w.st, Slack: slackapp.NewNotifications(api, slackapp.NewPoster(api, nil, nil)),
		Routes:  map[orders.Status]release.Route{orders.StatusCreditLimit: {Channel: creditChannel, Deciders: []string{"credit.control@negoce-durand.fr"}}},
		OwnOnly: true, Language: orders.French, Location: paris, StaleAfter: 24 * time.Hour, Webhook: hook, Now: w.clock.now})
	workers := river.NewWorkers()
	w.rel.AddWorkers(workers)
	w.jobs, err = postgres.NewJobs(w.st, postgres.JobsConfig{Workers: workers, PollInterval: 200 * time.Millisecond, RescueAfter: time.Minute,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	w.rel.Use(w.jobs)
	if err := w.jobs.Start(w.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = w.jobs.Stop(ctx)
	})
	return w
}

// press presses a release button as p.
func (w *world) press(p orders.Person, action, value string) (string, *slack.ModalViewRequest, error) {
	return w.rel.Pressed(w.ctx, release.Press{By: p, ActionID: action, Value: value})
}

// posted waits for the request's post in the credit channel and returns it.
func (w *world) posted() slackfake.Call {
	w.t.Helper()
	for _, c := range w.slack.WaitPosts(w.t, 1, 10*time.Second) {
		if c.Channel == creditChannel {
			return c
		}
	}
	w.t.Fatal("no request posted in the credit channel")
	return slackfake.Call{}
}

// idle waits until no job of the releases is left to work.
func (w *world) idle() {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res, err := w.jobs.Client().JobList(w.ctx, river.NewJobListParams().States("available", "running", "retryable", "scheduled").First(100))
		if err != nil {
			w.t.Fatal(err)
		}
		if len(res.Jobs) == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.t.Fatal("the releases' jobs did not finish")
}

func blockText(c slackfake.Call) string { return release.SectionText(c.Blocks) }

func actionIDs(c slackfake.Call) []string {
	var out []string
	for _, bl := range c.Blocks {
		els, _ := bl["elements"].([]any)
		for _, e := range els {
			if m, ok := e.(map[string]any); ok && m["action_id"] != nil {
				out = append(out, m["action_id"].(string)+"="+m["value"].(string))
			}
		}
	}
	return out
}

func TestAskPostsOneRequestInTheRoutesChannel(t *testing.T) {
	w := setup(t, release.Webhook{})
	text, modal, err := w.press(w.rep, release.ActionAsk+"_0", w.number)
	if err != nil || modal != nil {
		t.Fatal(err, modal)
	}
	if want := "Demande de déblocage de la commande 4500011039 (Limite de crédit) envoyée dans <#C0CREDIT01>."; text != want {
		t.Errorf("asker told %q, want %q", text, want)
	}
	// The assistant asks too, in words with a reason: the open request
	// stands, nothing else is posted.
	out, err := w.rel.Ask(w.ctx, w.adv, w.number, "le client a viré 20 000 € ce matin")
	if err != nil || out.Created {
		t.Fatalf("second ask: %+v %v", out, err)
	}
	if !strings.Contains(out.Text, "François Dubœuf a déjà demandé le déblocage de la commande 4500011039") {
		t.Errorf("second asker told %q", out.Text)
	}
	post := w.posted()
	w.idle()
	if n := len(w.slack.Posts()); n != 1 {
		t.Errorf("%d posts, want the request only", n)
	}
	got := blockText(post)
	for _, want := range []string{"Demande de déblocage — commande 4500011039", "Boulangerie Dupré &amp; Fils · 18", "450,00",
		"Limite de crédit depuis le 25/11/2026", "Encours dépassé", "CHAI-24 Chai 24 × 500 g — 40, manque 0",
		"Demandé par François Dubœuf le 27/11/2026"} {
		if !strings.Contains(got, want) {
			t.Errorf("request lacks %q:\n%s", want, got)
		}
	}
	id := out.Request.ID
	if ids := actionIDs(post); len(ids) != 2 || ids[0] != release.ActionApprove+"="+itoa(id) || ids[1] != release.ActionDecline+"="+itoa(id) {
		t.Errorf("buttons %q", ids)
	}
	req, err := w.st.ReleaseRequest(w.ctx, id)
	if err != nil || req.TS == "" || req.Channel != creditChannel {
		t.Errorf("request's message not recorded: %+v %v", req, err)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestOnlyWhoMaySeeTheOrderAsks(t *testing.T) {
	w := setup(t, release.Webhook{})
	_, _, err := w.press(w.rep2, release.ActionAsk+"_0", w.number)
	var refused *release.Refusal
	if !errors.As(err, &refused) || !strings.Contains(refused.Text, "not in your portfolio") {
		t.Fatalf("a rep of another portfolio asking: %v", err)
	}
	// Typed, an order outside the asker's portfolio reads as one that does
	// not exist: asking tells nothing of whether the number exists.
	if _, _, err := w.rel.AskRelease(w.ctx, w.rep2, w.number, ""); orders.ErrorCode(err) != orders.ENotFound {
		t.Errorf("a rep of another portfolio typing a request: %v; want not found", err)
	}
	_, err = w.rel.Ask(w.ctx, orders.Person{Email: "stranger@example.com"}, w.number, "")
	if !errors.As(err, &refused) || !strings.Contains(refused.Text, "annuaire") {
		t.Fatalf("someone outside the directory asking: %v", err)
	}
	w.idle()
	if rs, err := w.st.ReleaseRequests(w.ctx, postgres.ReleaseFilter{}); err != nil || len(rs) != 0 {
		t.Errorf("requests %+v, %v; want none", rs, err)
	}
	if n := len(w.slack.Posts()); n != 0 {
		t.Errorf("%d posts, want none", n)
	}
}

func TestOnlyADeciderDecides(t *testing.T) {
	w := setup(t, release.Webhook{})
	out, err := w.rel.Ask(w.ctx, w.rep, w.number, "paiement reçu")
	if err != nil {
		t.Fatal(err)
	}
	w.posted()
	id := itoa(out.Request.ID)
	for _, p := range []orders.Person{w.rep, w.adv, w.rep2} {
		for _, action := range []string{release.ActionApprove, release.ActionDecline} {
			_, modal, err := w.press(p, action, id)
			var refused *release.Refusal
			if !errors.As(err, &refused) || modal != nil {
				t.Errorf("%s pressing %s: %v %v, want a refusal", p.Name, action, err, modal)
			}
		}
	}
	w.idle()
	if req, _ := w.st.ReleaseRequest(w.ctx, out.Request.ID); req.State != postgres.ReleaseOpen {
		t.Fatalf("a non-decider's click changed the request: %+v", req)
	}
	if n := len(w.slack.Calls("chat.update")) + len(w.slack.Posts()); n != 1 {
		t.Fatalf("a non-decider's click reached Slack: %d calls", n)
	}

	w.clock.advance(10 * time.Minute)
	text, _, err := w.press(w.credit, release.ActionApprove, id)
	if err != nil || !strings.HasPrefix(text, "Release approved by Sophie Bernard on 27 Nov 2026") {
		t.Fatalf("decider told %q, %v", text, err)
	}
	again, _, err := w.press(w.credit, release.ActionDecline, id)
	if err != nil || !strings.HasPrefix(again, "Already decided: Release approved") {
		t.Errorf("second decision told %q, %v", again, err)
	}
	w.idle()
	updates := w.slack.Calls("chat.update")
	if len(updates) != 1 || !strings.Contains(blockText(updates[0]), "Déblocage approuvé par Sophie Bernard le 27/11/2026") ||
		len(actionIDs(updates[0])) != 0 {
		t.Fatalf("message updates %d: %+v", len(updates), updates)
	}
	// One direct message each: the requester and rep (the same person),
	// the assistant, the customer's follower; not the decider.
	dms := map[string]int{}
	var texts []string
	for _, c := range w.slack.Posts() {
		if strings.HasPrefix(c.Channel, "D") {
			dms[c.Channel]++
			texts = append(texts, c.Text)
		}
	}
	if len(dms) != 3 {
		t.Errorf("direct messages to %v, want 3 people once each", dms)
	}
	for ch, n := range dms {
		if n != 1 {
			t.Errorf("%s got %d direct messages", ch, n)
		}
	}
	for _, s := range texts {
		if !strings.Contains(s, "Le déblocage de la commande 4500011039 (Boulangerie Dupré &amp; Fils, Limite de crédit) est approuvé par Sophie Bernard") {
			t.Errorf("direct message %q", s)
		}
	}
	o, err := w.st.OrderByNumber(w.ctx, w.number)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := w.rel.ReleaseOf(w.ctx, o); err != nil || !st.Offer || st.ApprovedBy != "Sophie Bernard" {
		t.Errorf("the order's release: %+v, %v", st, err)
	}
}

func TestDeclineAsksWhy(t *testing.T) {
	w := setup(t, release.Webhook{})
	out, err := w.rel.Ask(w.ctx, w.adv, w.number, "")
	if err != nil {
		t.Fatal(err)
	}
	w.posted()
	_, modal, err := w.press(w.credit, release.ActionDecline+"", itoa(out.Request.ID))
	if err != nil || modal == nil || modal.CallbackID != release.DeclineCallback || modal.PrivateMetadata != itoa(out.Request.ID) ||
		modal.Title.Text != "Decline the release" {
		t.Fatalf("decline opened %+v, %v", modal, err)
	}
	// The modal submitted, as Slack sends its state.
	var view slack.View
	view.PrivateMetadata = modal.PrivateMetadata
	view.State = &slack.ViewState{Values: map[string]map[string]slack.BlockAction{"release_reason": {"reason": {Value: "Impayés de 4 200 € depuis le 12/10"}}}}
	id, reason, err := release.DeclineReason(view)
	if err != nil || id != out.Request.ID {
		t.Fatal(id, err)
	}
	if _, err := w.rel.Decide(w.ctx, w.credit, id, false, reason); err != nil {
		t.Fatal(err)
	}
	w.idle()
	updates := w.slack.Calls("chat.update")
	if len(updates) != 1 || !strings.Contains(blockText(updates[0]), "Déblocage refusé par Sophie Bernard le 27/11/2026 à 09:30\u00a0: «\u00a0Impayés de 4 200 € depuis le 12/10\u00a0»") {
		t.Fatalf("updates %+v", updates)
	}
	for _, c := range w.slack.Posts() {
		if strings.HasPrefix(c.Channel, "D") && !strings.Contains(c.Text, "est refusé par Sophie Bernard.\nMotif\u00a0: Impayés de 4 200 € depuis le 12/10") {
			t.Errorf("direct message %q", c.Text)
		}
	}
}

func TestStaleReleaseIsToldOnce(t *testing.T) {
	w := setup(t, release.Webhook{})
	out, err := w.rel.Ask(w.ctx, w.rep, w.number, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.rel.Decide(w.ctx, w.credit, out.Request.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	w.idle()
	before := len(w.slack.Posts())
	w.clock.advance(25 * time.Hour)
	for range 2 {
		if _, err := w.jobs.Enqueue(w.ctx, w.st, release.StaleArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		w.idle()
	}
	var stale []string
	for _, c := range w.slack.Posts()[before:] {
		stale = append(stale, c.Channel+": "+c.Text)
	}
	if len(stale) != 2 || !strings.Contains(strings.Join(stale, "\n"), "is still in Credit limit in the ERP, 1 day after the release Sophie Bernard approved") ||
		!strings.Contains(strings.Join(stale, "\n"), "est toujours en Limite de crédit dans l'ERP") {
		t.Errorf("stale notices:\n%s", strings.Join(stale, "\n"))
	}
}

func postgresChange(w *world) postgres.Change {
	return postgres.Change{At: w.clock.now(), Source: "test"}
}

// TestPostedOnceWhenSlackTookItButFailed: Slack keeps the request, then
// the direct message, but answers 500: the job tried again finds each by
// its key, and posts neither twice.
func TestPostedOnceWhenSlackTookItButFailed(t *testing.T) {
	w := setup(t, release.Webhook{})
	w.slack.FailNext("chat.postMessage", slackfake.Fault{Status: 500, Taken: true})
	out, err := w.rel.Ask(w.ctx, w.rep, w.number, "")
	if err != nil {
		t.Fatal(err)
	}
	w.idle()
	if n := len(w.slack.Posts()); n != 1 {
		t.Fatalf("%d posts of the request, want 1", n)
	}
	if req, _ := w.st.ReleaseRequest(w.ctx, out.Request.ID); req.TS == "" {
		t.Error("the request's message, found again, is not recorded")
	}
	w.slack.FailNext("chat.postMessage", slackfake.Fault{Status: 500, Taken: true})
	if _, err := w.rel.Decide(w.ctx, w.credit, out.Request.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	w.idle()
	dms := map[string]int{}
	for _, c := range w.slack.Posts() {
		if strings.HasPrefix(c.Channel, "D") {
			dms[c.Channel]++
		}
	}
	if len(dms) != 3 {
		t.Errorf("direct messages %v, want 3 people", dms)
	}
	for ch, n := range dms {
		if n != 1 {
			t.Errorf("%s got %d direct messages, want 1", ch, n)
		}
	}
}
