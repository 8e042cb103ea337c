// Package release brings the release of a blocked order into Slack: a rep
// or an assistant asks for it (a button on an answer, or words), the
// request is posted once in the channel of its block's route with Approve
// and Decline, a decider of that route decides, and the decision updates
// the request in place, reaches the people of the order by direct message
// and, when a webhook is set, the ERP. orderbot never changes an order's
// status itself: the ERP stays the truth, and an approved release waits
// for an import showing the order released.
//
// Everything a request or a decision sets off is a River job inserted in
// the transaction that records it, under a unique key: it happens once,
// whichever replica gets the click, however often Slack delivers it.
package release

import (
	"context"
	_ "embed"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

//go:embed messages.yaml
var messagesYAML []byte

// messages is the catalog of the release wordings, parsed on first use.
var messages = sync.OnceValue(func() *catalog.Catalog { return catalog.MustParse(messagesYAML) })

// Messages returns the catalog of the release wordings, for tests that
// check every message in both languages.
func Messages() *catalog.Catalog { return messages() }

// Action IDs of the release buttons; each starts with ActionPrefix, under
// which the interactivity routes them here.
const (
	ActionPrefix = "release"
	// ActionAsk asks for the release of the order whose number is the
	// button's value.
	ActionAsk = "release_ask"
	// ActionApprove and ActionDecline decide the request whose ID is the
	// button's value.
	ActionApprove = "release_approve"
	ActionDecline = "release_decline"
	// DeclineCallback is the callback ID of the modal asking why a
	// request is declined; its private metadata is the request's ID.
	DeclineCallback = "release_decline_reason"
)

// Route is where the requests of one blocked status go: a channel and the
// e-mails of the people who decide them.
type Route struct {
	Channel  string
	Deciders []string
}

// decides reports whether p is a decider of the route.
func (rt Route) decides(p orders.Person) bool {
	return p.Email != "" && slices.ContainsFunc(rt.Deciders, func(d string) bool { return strings.EqualFold(d, p.Email) })
}

// Slack is what releases need of Slack (slackapp.Notifications): a direct
// message, a post marked with its key, a look for that key, and the
// update of a message in place.
type Slack interface {
	OpenDM(ctx context.Context, userID string) (string, error)
	Post(ctx context.Context, channel, threadTS string, msg render.Message, key string) (string, string, error)
	Find(ctx context.Context, channel string, since time.Time, key string) (string, bool, error)
	Update(ctx context.Context, channel, ts string, msg render.Message) error
}

// Config is what releases work with.
type Config struct {
	Store *postgres.Store
	Slack Slack
	// Routes are the routes by blocked status; a status without one
	// offers no request.
	Routes map[orders.Status]Route
	// OwnOnly limits reps and assistants to the orders of their own
	// portfolio (bot.access own); managers see every order.
	OwnOnly bool
	// Language is for people and channels whose language is unknown.
	Language orders.Language
	// Location is the time zone dates are shown in; default UTC.
	Location *time.Location
	// StaleAfter is how long an approved release may wait for an import
	// showing the order released before its people are told; 0 tells no
	// one.
	StaleAfter time.Duration
	// Webhook sends the decisions to the ERP when its URL is set.
	Webhook Webhook
	Log     *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Releases asks for and decides releases. Register its workers with
// AddWorkers, give Periodic to the job queue, then Use the queue.
type Releases struct {
	cfg  Config
	jobs *postgres.Jobs
}

// New returns the releases of cfg.
func New(cfg Config) *Releases {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Language == "" {
		cfg.Language = orders.French
	}
	return &Releases{cfg: cfg}
}

// AddWorkers registers the workers of the releases' jobs.
func (r *Releases) AddWorkers(workers *river.Workers) {
	river.AddWorker(workers, &postWorker{r: r})
	river.AddWorker(workers, &updateWorker{r: r})
	river.AddWorker(workers, &noticeWorker{r: r})
	river.AddWorker(workers, &webhookWorker{r: r})
	river.AddWorker(workers, &staleWorker{r: r})
}

// Periodic returns the periodic job looking for approved releases the ERP
// has not applied after StaleAfter, when it is set.
func (r *Releases) Periodic() []*river.PeriodicJob {
	if r.cfg.StaleAfter <= 0 {
		return nil
	}
	return []*river.PeriodicJob{postgres.Every(min(r.cfg.StaleAfter/4, 15*time.Minute), func() river.JobArgs { return StaleArgs{} })}
}

// Use gives the releases the job queue their work is enqueued in.
func (r *Releases) Use(jobs *postgres.Jobs) { r.jobs = jobs }

// UseSlack gives the releases the Slack their jobs post to, when it was
// not known at New; call it before the job queue starts.
func (r *Releases) UseSlack(s Slack) { r.cfg.Slack = s }

// Refusal is a request or a decision refused: Text is said privately to
// whoever asked or clicked, and nothing changed.
type Refusal struct{ Text string }

func (e *Refusal) Error() string { return "release refused: " + e.Text }

// notYours is the refusal of an order the asker may not see. Pressed on a
// button, it says so; typed, the order reads as not found, as every answer
// reads an order outside the asker's portfolio, so that asking tells
// nothing of whether a number exists.
type notYours struct{ *Refusal }

func (e notYours) Unwrap() error { return e.Refusal }

// Outcome is what asking did: the request, made now or open before.
type Outcome struct {
	Request postgres.ReleaseRequest
	Created bool
	// Text tells the asker, in their language.
	Text string
}

// Ask asks, as person asker, for the release of order number, with an
// optional reason. The request lifts the most urgent block of the order
// that has a route. A refusal (an order the asker may not see, not
// blocked, without a route, or someone outside the directory) is a
// *Refusal; a request already open for the order and block is returned
// with Created false.
func (r *Releases) Ask(ctx context.Context, asker orders.Person, number, reason string) (Outcome, error) {
	lang := r.lang(asker)
	t := messages().In(lang)
	if asker.ID == 0 || asker.Placeholder {
		return Outcome{}, &Refusal{t.T("release.unknown_person", nil)}
	}
	o, err := r.cfg.Store.OrderByNumber(ctx, number)
	if err != nil {
		return Outcome{}, err
	}
	num := render.Escape(o.Number)
	if !r.maySee(asker, o) {
		return Outcome{}, notYours{&Refusal{t.T("release.not_yours", catalog.Args{"Number": num})}}
	}
	if !o.Blocked() {
		return Outcome{}, &Refusal{t.T("release.not_blocked", catalog.Args{"Number": num, "Status": o.Status.Label(lang)})}
	}
	block, rt, ok := r.routeOf(o)
	if !ok {
		return Outcome{}, &Refusal{t.T("release.no_route", catalog.Args{"Number": num, "Block": o.Status.Label(lang)})}
	}
	if r.jobs == nil || r.cfg.Slack == nil {
		return Outcome{}, &Refusal{t.T("release.slack_only", nil)} // orderbot ask, orderbot chat
	}
	req, created, err := r.cfg.Store.AskRelease(ctx, postgres.NewReleaseRequest{Number: o.Number, Block: block,
		RequesterID: asker.ID, Reason: strings.TrimSpace(reason), Channel: rt.Channel, At: r.cfg.Now()},
		func(tx *postgres.Store, req postgres.ReleaseRequest) error {
			_, err := r.jobs.Enqueue(ctx, tx, PostArgs{RequestID: req.ID}, nil)
			return err
		})
	if err != nil {
		return Outcome{}, err
	}
	args := catalog.Args{"Number": num, "Block": block.Label(lang), "Channel": "<#" + rt.Channel + ">"}
	if created {
		return Outcome{Request: req, Created: true, Text: t.T("release.asked", args)}, nil
	}
	args["Requester"] = render.Escape(req.Requester.Name)
	args["When"] = render.DateTime(req.RequestedAt.In(r.cfg.Location), lang)
	return Outcome{Request: req, Text: t.T("release.already", args)}, nil
}

// maySee reports whether p may see o: the answers' rule.
func (r *Releases) maySee(p orders.Person, o orders.Order) bool {
	if !r.cfg.OwnOnly || p.Role == orders.RoleManager {
		return true
	}
	switch p.Role {
	case orders.RoleRep:
		return o.Rep != nil && o.Rep.ID == p.ID
	case orders.RoleAssistant:
		return o.Assistant != nil && o.Assistant.ID == p.ID
	}
	return false
}

// routeOf returns the most urgent block of o that has a route.
func (r *Releases) routeOf(o orders.Order) (orders.Status, Route, bool) {
	kinds := []orders.Status{o.Status}
	for _, b := range o.Blocks {
		kinds = append(kinds, b.Kind)
	}
	for _, k := range kinds {
		if rt, ok := r.cfg.Routes[k]; ok && k.Blocked() {
			return k, rt, true
		}
	}
	return "", Route{}, false
}

// Offers reports whether answers about o offer to ask for its release:
// o is blocked in a status with a route.
func (r *Releases) Offers(o orders.Order) bool {
	_, _, ok := r.routeOf(o)
	return ok && o.Blocked()
}

// Decide approves or declines request id as decider, with an optional
// reason. Someone who is not a decider of the request's route gets a
// *Refusal and nothing changes; a request decided before is left as it
// was and its decision said in the returned text.
func (r *Releases) Decide(ctx context.Context, decider orders.Person, id int64, approve bool, reason string) (string, error) {
	t := messages().In(r.lang(decider))
	req, err := r.cfg.Store.ReleaseRequest(ctx, id)
	if err != nil {
		return "", err
	}
	if rt, ok := r.cfg.Routes[req.Block]; !ok || !rt.decides(decider) {
		return "", &Refusal{t.T("release.not_decider", nil)}
	}
	if r.jobs == nil {
		return "", errors.New("release: no job queue (Use was not called)")
	}
	req, decided, err := r.cfg.Store.DecideRelease(ctx, id, decider.ID, approve, strings.TrimSpace(reason), r.cfg.Now(),
		func(tx *postgres.Store, req postgres.ReleaseRequest) error { return r.planDecision(ctx, tx, req) })
	if err != nil {
		return "", err
	}
	text := r.decision(req, r.lang(decider))
	if !decided {
		return t.T("release.decided_before", catalog.Args{"Decision": text}), nil
	}
	return text, nil
}

// planDecision enqueues, in the decision's transaction, what it sets off:
// the request's message updated, a direct message to each person of the
// order, the ERP's webhook.
func (r *Releases) planDecision(ctx context.Context, tx *postgres.Store, req postgres.ReleaseRequest) error {
	people, err := tx.ReleasePeople(ctx, req.ID)
	if err != nil {
		return err
	}
	jobs := []river.InsertManyParams{{Args: UpdateArgs{RequestID: req.ID}}}
	for _, p := range people {
		jobs = append(jobs, river.InsertManyParams{Args: NoticeArgs{RequestID: req.ID, PersonID: p, About: noticeDecided}})
	}
	if r.cfg.Webhook.URL != "" {
		jobs = append(jobs, river.InsertManyParams{Args: WebhookArgs{RequestID: req.ID}})
	}
	_, err = r.jobs.EnqueueMany(ctx, tx, jobs)
	return err
}

// decision words the decision of req in lang: who, when, why.
func (r *Releases) decision(req postgres.ReleaseRequest, lang orders.Language) string {
	t := messages().In(lang)
	if req.DecidedAt == nil {
		return ""
	}
	id := "release.declined_by"
	if req.State == postgres.ReleaseApproved {
		id = "release.approved_by"
	}
	return t.T(id, catalog.Args{"Decider": render.Escape(req.Decider.Name),
		"When": render.DateTime(req.DecidedAt.In(r.cfg.Location), lang)}) + reasonOf(t, req.DecisionReason)
}

// reasonOf words a reason after what it explains, or nothing without one.
func reasonOf(t catalog.Texts, reason string) string {
	if strings.TrimSpace(reason) == "" {
		return ""
	}
	return t.T("release.reason", catalog.Args{"Reason": render.Escape(reason)})
}

// lang is p's language, or the default.
func (r *Releases) lang(p orders.Person) orders.Language {
	if p.Language != "" {
		return p.Language
	}
	return r.cfg.Language
}

// ReleaseOf tells where the release of blocked order o stands, for the
// answers about it: whether its block has a route, and the approved
// release the ERP has not applied yet, if any.
func (r *Releases) ReleaseOf(ctx context.Context, o orders.Order) (bot.Release, error) {
	out := bot.Release{Offer: r.Offers(o)}
	reqs, err := r.cfg.Store.ReleaseRequests(ctx, postgres.ReleaseFilter{OrderIDs: []int64{o.ID}, States: []string{postgres.ReleaseApproved}})
	if err != nil {
		return out, err
	}
	for _, req := range reqs {
		if req.ReleasedAt == nil && req.DecidedAt != nil && inBlock(o, req.Block) {
			out.ApprovedBy, out.ApprovedAt = req.Decider.Name, *req.DecidedAt
		}
	}
	return out, nil
}

// inBlock reports whether o is in block kind.
func inBlock(o orders.Order, kind orders.Status) bool {
	return o.Status == kind || slices.ContainsFunc(o.Blocks, func(b orders.Block) bool { return b.Kind == kind })
}

// AskRelease asks for a release in words ("demande de déblocage 11039 :
// payé ce matin"), as Ask does, and returns what to tell the asker;
// refused says nothing was asked.
func (r *Releases) AskRelease(ctx context.Context, asker orders.Person, number, reason string) (string, bool, error) {
	out, err := r.Ask(ctx, asker, number, reason)
	if errors.As(err, new(notYours)) {
		return "", true, orders.Errorf(orders.ENotFound, "order %s not found", number)
	}
	var refused *Refusal
	if errors.As(err, &refused) {
		return refused.Text, true, nil
	}
	return out.Text, false, err
}

// requestID reads a button's value as a request's ID.
func requestID(value string) (int64, error) {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || id <= 0 {
		return 0, orders.Errorf(orders.EInvalid, "%q is not a release request", value)
	}
	return id, nil
}

// Press is the press of a release button, by someone of the directory.
type Press struct {
	By orders.Person
	// ActionID and Value are the button's (ActionAsk and an order's
	// number; ActionApprove or ActionDecline and a request's ID).
	ActionID, Value string
}

// Pressed does what a release button asks and returns what to tell the
// presser privately. Decline returns the modal asking why instead, to
// open with the press's trigger; its submission is Decide's. A press
// refused is a *Refusal.
func (r *Releases) Pressed(ctx context.Context, p Press) (string, *slack.ModalViewRequest, error) {
	switch {
	case strings.HasPrefix(p.ActionID, ActionAsk):
		out, err := r.Ask(ctx, p.By, p.Value, "")
		return out.Text, nil, err
	case strings.HasPrefix(p.ActionID, ActionApprove):
		id, err := requestID(p.Value)
		if err != nil {
			return "", nil, err
		}
		text, err := r.Decide(ctx, p.By, id, true, "")
		return text, nil, err
	case strings.HasPrefix(p.ActionID, ActionDecline):
		id, err := requestID(p.Value)
		if err != nil {
			return "", nil, err
		}
		req, err := r.cfg.Store.ReleaseRequest(ctx, id)
		if err != nil {
			return "", nil, err
		}
		lang := r.lang(p.By)
		if rt, ok := r.cfg.Routes[req.Block]; !ok || !rt.decides(p.By) {
			return "", nil, &Refusal{messages().In(lang).T("release.not_decider", nil)}
		}
		if req.State != postgres.ReleaseOpen {
			return messages().In(lang).T("release.decided_before", catalog.Args{"Decision": r.decision(req, lang)}), nil, nil
		}
		m := DeclineModal(id, req.Number, lang)
		return "", &m, nil
	}
	return "", nil, orders.Errorf(orders.EInvalid, "%q is not a release button", p.ActionID)
}

// Person finds who a Slack user is in the directory: by Slack user ID,
// else by e-mail; found false is someone the directory does not know.
func (r *Releases) Person(ctx context.Context, who bot.Asker) (orders.Person, bool, error) {
	if who.SlackUserID != "" {
		p, err := r.cfg.Store.PersonBySlackID(ctx, who.SlackUserID)
		if err == nil || orders.ErrorCode(err) != orders.ENotFound {
			return p, err == nil, err
		}
	}
	if who.Email != "" {
		p, err := r.cfg.Store.PersonByEmail(ctx, who.Email)
		if err == nil || orders.ErrorCode(err) != orders.ENotFound {
			return p, err == nil, err
		}
	}
	return orders.Person{}, false, nil
}
