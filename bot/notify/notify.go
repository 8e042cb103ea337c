// Package notify posts what people learn without asking: block alerts to
// sales assistants (or, for orders without one, to their rep), each rep's
// daily digest, and the managers' daily summary with its chart. Each post is
// a delivery claimed in PostgreSQL under a unique key before it goes out and
// recorded with Slack's ts after, so that restarts, replicas, manual runs
// and retries post it exactly once (see deliver). On serve, River's leader
// finds what is due and each delivery is a job of its own (see Jobs); a
// one-shot run (RunDue) works what is due itself. Time comes from an
// injected clock, so schedules are tested without waiting.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// Slack is what notify needs of Slack.
type Slack interface {
	// OpenDM returns the direct-message channel with a user.
	OpenDM(ctx context.Context, userID string) (string, error)
	// Post posts msg to channel (in a thread when threadTS is set), marked
	// with key so that it can be found again, and returns the channel's ID
	// and the message's ts.
	Post(ctx context.Context, channel, threadTS string, msg render.Message, key string) (channelID, ts string, err error)
	// Find looks in channel, since a moment, for a message marked with key.
	Find(ctx context.Context, channel string, since time.Time, key string) (ts string, found bool, err error)
	// Upload posts a file in the thread of threadTS.
	Upload(ctx context.Context, channel, threadTS, filename, title string, data []byte) error
	// Uploaded reports whether the thread of threadTS holds a file named filename.
	Uploaded(ctx context.Context, channel, threadTS, filename string) (bool, error)
	// UploadUnshared uploads an image shared in no channel, for a message
	// to show by its file ID, and returns the ID.
	UploadUnshared(ctx context.Context, filename, title, altText string, data []byte) (fileID string, err error)
}

// Delay is an error that says how long to wait before trying again (a
// 429's Retry-After).
type Delay interface {
	Delay() time.Duration
}

// Store is what notify needs of the store.
type Store interface {
	ClaimDelivery(ctx context.Context, d postgres.Delivery, now time.Time) (postgres.Delivery, func(), bool, error)
	ClaimAlerts(ctx context.Context, now time.Time) (postgres.AlertBatch, func(), bool, error)
	ClaimAlertBatch(ctx context.Context, key string, now time.Time) (postgres.AlertBatch, func(), bool, error)
	OpenAlerts(ctx context.Context, now time.Time) ([]string, error)
	NewAlertBatch(ctx context.Context) (string, bool, error)
	DeliveryByKey(ctx context.Context, key string) (postgres.Delivery, bool, error)
	PersonByID(ctx context.Context, id int64) (orders.Person, error)
	Settled(ctx context.Context, keys []string) (map[string]bool, error)
	MarkPosting(ctx context.Context, d postgres.Delivery, now time.Time) error
	MarkPosted(ctx context.Context, d postgres.Delivery, ts, channelID string) error
	MarkSent(ctx context.Context, d postgres.Delivery, ts, channelID string, figures []byte, now time.Time) error
	MarkRetry(ctx context.Context, d postgres.Delivery, cause error, next time.Time) error
	MarkFailed(ctx context.Context, d postgres.Delivery, cause error) error
	MarkSkipped(ctx context.Context, d postgres.Delivery) error
	Previous(ctx context.Context, kind, prefix, key string) (postgres.Delivery, bool, error)
	LastSent(ctx context.Context, kind, channel string) (postgres.Delivery, bool, error)
	ChannelID(ctx context.Context, channel string) (string, error)
	HistoryWatermark(ctx context.Context) (int64, error)
	HistoryBefore(ctx context.Context, t time.Time) (int64, error)
	DigestReps(ctx context.Context) ([]orders.Person, error)
	NewlyBlocked(ctx context.Context, repID, fromID, toID int64) ([]postgres.Transition, error)
	BlockChanged(ctx context.Context, repID, fromID, toID int64) ([]postgres.Transition, error)
	FirstImport(ctx context.Context) (postgres.ImportRun, bool, error)
	Stalled(ctx context.Context, repID int64, before time.Time, limit int) ([]postgres.Transition, int, error)
	OpenOrders(ctx context.Context, f orders.OrderFilter) (orders.OrderList, error)
	PortfolioAt(ctx context.Context, from, now time.Time, loc *time.Location, top int) (postgres.Portfolio, error)
	// Shortfalls returns what the orders of numbers lack: short items,
	// their customer's credit excess.
	Shortfalls(ctx context.Context, numbers []string) (map[string]postgres.Shortfall, error)
	EscalationManagers(ctx context.Context, cutoff, day time.Time) ([]orders.Person, error)
	Escalate(ctx context.Context, d postgres.Delivery, manager int64, cutoff, day, now time.Time) ([]postgres.Unowned, error)
	Unclaimed(ctx context.Context, cutoff, day time.Time, limit int) ([]postgres.Unowned, int, error)
}

// Options are the settings of notifications.
type Options struct {
	Digest         Schedule
	Summary        Schedule
	SummaryChannel string // empty: no summary
	StalledAfter   time.Duration
	SkipEmpty      bool // no digest when nothing became blocked
	SkipMissed     bool // a day missed while down is not posted late
	MaxTries       int
	Top            int // orders an alert lists
	// EscalateAfter is how many working days (Working) a block alert may
	// stay unclaimed before it goes to the rep's manager; 0: never.
	EscalateAfter int
	Working       WorkingDays
	Language      orders.Language // of the summary, and of people without one
	// Releasable are the blocked statuses with a release route: an order
	// alerted in one carries "Ask for release".
	Releasable Releasable
	// Now is the schedule's clock: which day's digest is due. Clock is the
	// real time of retries, which another replica shares; they differ only
	// for `digest run --date`.
	Now   func() time.Time
	Clock func() time.Time
	// Observe, when set, hears each delivery's outcome by kind: "sent",
	// "retry", "failed", "skipped"; and "panicked" for a delivery whose
	// rendering or posting panicked (it is also reported failed).
	Observe func(kind, outcome string)
}

// Notifier sends alerts, digests and summaries.
type Notifier struct {
	store Store
	slack Slack
	log   *slog.Logger
	opt   Options
}

// New returns a Notifier.
func New(store Store, slack Slack, log *slog.Logger, opt Options) *Notifier {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.MaxTries <= 0 {
		opt.MaxTries = 5
	}
	if opt.Top <= 0 {
		opt.Top = 10
	}
	if opt.Language == "" {
		opt.Language = orders.French
	}
	if opt.Observe == nil {
		opt.Observe = func(string, string) {}
	}
	if opt.Working.Loc == nil {
		opt.Working.Loc = time.UTC
	}
	return &Notifier{store: store, slack: slack, log: log, opt: opt}
}

// RunDue sends the alerts waiting, and the digests and summary due now,
// itself (a one-shot `digest run`); running it again, here, in another
// process or beside replicas working the same deliveries as jobs, posts
// nothing twice: a delivery is worked by the holder of its key's lock.
func (n *Notifier) RunDue(ctx context.Context) error {
	return errors.Join(n.SendAlerts(ctx), n.SendDigests(ctx), n.SendSummary(ctx))
}

// maxBatches bounds the alert batches one run sends, so that digests are
// not held up by a flood.
const maxBatches = 200

// SendAlerts sends the waiting alerts, one message per batch.
func (n *Notifier) SendAlerts(ctx context.Context) error {
	for range maxBatches {
		b, release, ok, err := n.store.ClaimAlerts(ctx, n.opt.Clock())
		if err != nil || !ok {
			return err
		}
		if err := n.sendAlerts(ctx, b); err != nil {
			n.log.Warn("alert not sent", "delivery", b.Delivery.Key, "err", err)
		}
		release()
	}
	return nil
}

func (n *Notifier) sendAlerts(ctx context.Context, b postgres.AlertBatch) (err error) {
	d := b.Delivery
	defer n.recovered(ctx, &d, &err)
	if b.Recipient.ID == 0 || b.Recipient.SlackUserID == "" {
		who := "nobody"
		if b.Recipient.ID != 0 {
			who = b.Recipient.Name + " has no Slack user"
		}
		err := fmt.Errorf("no one to alert: %s", who)
		n.log.Error("alert parked", "delivery", d.Key, "err", err)
		n.opt.Observe("alert", "failed")
		return n.store.MarkFailed(ctx, d, err)
	}
	channel, err := n.slack.OpenDM(ctx, b.Recipient.SlackUserID)
	if err != nil {
		return n.retry(ctx, d, err)
	}
	lang := b.Recipient.Language
	if lang == "" {
		lang = n.opt.Language
	}
	numbers := make([]string, len(b.Alerts))
	for i, a := range b.Alerts {
		numbers[i] = a.Number
	}
	short, err := n.store.Shortfalls(ctx, numbers)
	if err != nil {
		return n.retry(ctx, d, err)
	}
	msg := OwnedAlertMessage(b.Alerts, short, nil, n.opt.Releasable, n.opt.Top, lang, time.UTC)
	return n.deliver(ctx, d, channel, msg.Slack(), nil, nil)
}

// DigestReps are the reps who get a digest.
func (n *Notifier) digestReps(ctx context.Context) ([]orders.Person, error) {
	return n.store.DigestReps(ctx)
}

// SendDigests posts each rep's digest of the latest scheduled day, if it
// was not posted yet. A day whose digest time came before the first import
// has no digest: orderbot knew nothing of the portfolio then (a first
// start on a Sunday posts no digest of Friday).
func (n *Notifier) SendDigests(ctx context.Context) error {
	due, err := n.dueDigests(ctx)
	if err != nil {
		return err
	}
	return n.sendDigests(ctx, due, due.reps)
}

// digestsDue are the digests of the latest scheduled day not posted yet.
type digestsDue struct {
	slot, now, start time.Time // start: the first import
	reps             []orders.Person
	keys             []string
}

// dueDigests returns the digests due now and not settled; none before the
// first import.
func (n *Notifier) dueDigests(ctx context.Context) (digestsDue, error) {
	due := digestsDue{now: n.opt.Now()}
	slot, ok := n.opt.Digest.Latest(due.now)
	if !ok {
		return due, nil
	}
	first, imported, err := n.store.FirstImport(ctx)
	if err != nil || !imported || !slot.After(first.AsOf) {
		return due, err
	}
	due.slot, due.start = slot, first.AsOf
	reps, err := n.digestReps(ctx)
	if err != nil {
		return due, err
	}
	keys := make([]string, len(reps))
	for i, rep := range reps {
		keys[i] = digestKey(rep, slot)
	}
	settled, err := n.store.Settled(ctx, keys)
	if err != nil {
		return due, err
	}
	for i, rep := range reps {
		if !settled[keys[i]] {
			due.reps, due.keys = append(due.reps, rep), append(due.keys, keys[i])
		}
	}
	return due, nil
}

// sendDigests posts the digests of reps due.
func (n *Notifier) sendDigests(ctx context.Context, due digestsDue, reps []orders.Person) error {
	if len(reps) == 0 {
		return nil
	}
	// The status changes recorded so far, imports in progress included:
	// what these digests cover, whenever the changes are dated.
	mark, err := n.store.HistoryWatermark(ctx)
	if err != nil {
		return err
	}
	if n.past(due.now) {
		// A run as of a past day covers the changes dated up to it, not
		// those recorded since.
		if before, err := n.store.HistoryBefore(ctx, due.now); err != nil {
			return err
		} else if before < mark {
			mark = before
		}
	}
	var errs []error
	for _, rep := range reps {
		if err := n.sendDigest(ctx, rep, due.slot, due.now, mark, due.start); err != nil {
			errs = append(errs, fmt.Errorf("digest of %s: %w", rep.Name, err))
		}
	}
	return errors.Join(errs...)
}

// digestKey names a rep's digest of a day: by rep, since reps may share a
// channel.
func digestKey(rep orders.Person, slot time.Time) string {
	return fmt.Sprintf("digest:%d:%s", rep.ID, Day(slot))
}

// past reports whether now, the schedule's clock, is a moment of the past
// (`digest run --date`): Now and Clock are one clock otherwise.
func (n *Notifier) past(now time.Time) bool { return n.opt.Clock().Sub(now) > time.Minute }

// digestStart is where a digest of slot starts when no digest before it
// ended earlier: at the previous scheduled moment, and never before start,
// the first import (what it brought was there before orderbot, not news).
// fromID is the last status change dated by then.
func (n *Notifier) digestStart(ctx context.Context, slot, start time.Time) (from time.Time, fromID int64, err error) {
	from = slot.Add(-24 * time.Hour)
	if p, ok := n.opt.Digest.Previous(slot); ok {
		from = p
	}
	if from.Before(start) {
		from = start
	}
	fromID, err = n.store.HistoryBefore(ctx, from)
	return from, fromID, err
}

// sendDigest posts a rep's digest of slot, covering the changes up to mark
// and the time up to now, from where the previous digest ended (or
// digestStart, with start the first import).
func (n *Notifier) sendDigest(ctx context.Context, rep orders.Person, slot, now time.Time, mark int64, start time.Time) (err error) {
	claimed := postgres.Delivery{Kind: "digest"}
	defer n.recovered(ctx, &claimed, &err)
	key := digestKey(rep, slot)
	prefix := fmt.Sprintf("digest:%d:", rep.ID)
	// The period starts where the previous digest's ended, whenever that
	// was (after a weekend or an outage nothing is skipped). A digest run
	// for a past day, after later ones went out, starts as a first digest
	// does: a period never ends before it starts.
	prev, ok, err := n.store.Previous(ctx, "digest", prefix, key)
	if err != nil {
		return err
	}
	var from time.Time
	var fromID int64
	if ok && prev.PeriodTo != nil && prev.HistoryTo != nil && !prev.PeriodTo.After(now) && *prev.HistoryTo <= mark {
		from, fromID = *prev.PeriodTo, *prev.HistoryTo
	} else if from, fromID, err = n.digestStart(ctx, slot, start); err != nil {
		return err
	}
	d, release, ok, err := n.store.ClaimDelivery(ctx, postgres.Delivery{Kind: "digest", Key: key, Channel: rep.DigestChannel,
		PeriodFrom: &from, PeriodTo: &now, HistoryTo: &mark}, n.opt.Clock())
	if err != nil || !ok {
		return err
	}
	defer release()
	claimed = d
	if n.missed(slot, now) && d.State == "claimed" && d.PostingAt == nil {
		n.log.Info("missed digest skipped", "channel", rep.DigestChannel, "day", Day(slot))
		n.opt.Observe("digest", "skipped")
		return n.store.MarkSkipped(ctx, d)
	}
	dg, err := n.Digest(ctx, rep, *d.PeriodFrom, *d.PeriodTo, fromID, *d.HistoryTo)
	if err != nil {
		return n.retry(ctx, d, err)
	}
	dg.Day = slot
	if len(dg.New) == 0 && len(dg.Changed) == 0 && n.opt.SkipEmpty && d.PostingAt == nil {
		n.opt.Observe("digest", "skipped")
		return n.store.MarkSkipped(ctx, d)
	}
	return n.deliver(ctx, d, rep.DigestChannel, dg.Slack(), nil, nil)
}

// recovered, deferred by the sending of one delivery, turns a panic in it
// (a rendering bug, a Slack answer the client library chokes on) into the
// failure of that delivery alone: it is parked as failed with the panic as
// its reason, counted, logged with its stack, and the run goes on with the
// next delivery. A delivery not claimed yet (d.ID 0) has nothing to park.
// It must be deferred directly, for recover to see the panic.
func (n *Notifier) recovered(ctx context.Context, d *postgres.Delivery, err *error) {
	r := recover()
	if r == nil {
		return
	}
	cause := fmt.Errorf("%s %s panicked: %v", d.Kind, d.Key, r)
	n.log.Error("delivery panicked", "delivery", d.Key, "err", cause, "stack", string(debug.Stack()))
	n.opt.Observe(d.Kind, "panicked")
	*err = cause
	if d.ID == 0 {
		return
	}
	n.opt.Observe(d.Kind, "failed")
	if e := n.store.MarkFailed(ctx, *d, cause); e != nil && !errors.Is(e, postgres.ErrSettled) {
		*err = errors.Join(cause, fmt.Errorf("park %s after its panic: %w", d.Key, e))
	}
}

// missed reports whether a slot's post comes so late, and the setting
// says to skip it: more than a few hours after its time.
func (n *Notifier) missed(slot, now time.Time) bool {
	return n.opt.SkipMissed && now.Sub(slot) > lateAfter
}

// lateAfter is how late a post may still go out when missed days are
// skipped.
const lateAfter = 3 * time.Hour

// summaryStart is where the next summary's period starts: the end of the
// previous one, whenever that was, else the previous scheduled moment.
func (n *Notifier) summaryStart(ctx context.Context, channel, key string, slot time.Time) (time.Time, error) {
	prev, ok, err := n.store.Previous(ctx, "summary", "summary:"+channel+":", key)
	if err != nil {
		return time.Time{}, err
	}
	if ok && prev.PeriodTo != nil {
		return *prev.PeriodTo, nil
	}
	if p, ok := n.opt.Summary.Previous(slot); ok {
		return p, nil
	}
	return slot.Add(-24 * time.Hour), nil
}

// DigestOf gathers the digest a rep would get for the scheduled moment
// slot as a first digest, for previews: from the previous scheduled moment
// (never before the first import) to slot, over the changes dated by then.
func (n *Notifier) DigestOf(ctx context.Context, rep orders.Person, slot time.Time) (Digest, error) {
	first, _, err := n.store.FirstImport(ctx)
	if err != nil {
		return Digest{}, err
	}
	from, fromID, err := n.digestStart(ctx, slot, first.AsOf)
	if err != nil {
		return Digest{}, err
	}
	toID, err := n.store.HistoryBefore(ctx, slot)
	if err != nil {
		return Digest{}, err
	}
	dg, err := n.Digest(ctx, rep, from, slot, fromID, max(toID, fromID))
	dg.Day = slot
	return dg, err
}

// Digest gathers a rep's digest for the period (from, to]: the status
// changes recorded after fromID up to toID.
func (n *Notifier) Digest(ctx context.Context, rep orders.Person, from, to time.Time, fromID, toID int64) (Digest, error) {
	lang := rep.Language
	if lang == "" {
		lang = n.opt.Language
	}
	dg := Digest{Rep: rep, From: from, To: to, Lang: lang, StalledAfter: n.opt.StalledAfter, Loc: n.opt.Digest.Loc}
	var err error
	if dg.New, err = n.store.NewlyBlocked(ctx, rep.ID, fromID, toID); err != nil {
		return dg, err
	}
	if dg.Changed, err = n.store.BlockChanged(ctx, rep.ID, fromID, toID); err != nil {
		return dg, err
	}
	if dg.StillBlocked, err = n.store.OpenOrders(ctx, orders.OrderFilter{RepID: rep.ID, BlockedOnly: true, Limit: 1}); err != nil {
		return dg, err
	}
	if dg.Stalled, dg.StalledCount, err = n.store.Stalled(ctx, rep.ID, to.Add(-n.opt.StalledAfter), 10); err != nil {
		return dg, err
	}
	var numbers []string
	for _, list := range [][]postgres.Transition{dg.New, dg.Changed, dg.Stalled} {
		for _, tr := range list {
			numbers = append(numbers, tr.Number)
		}
	}
	dg.Shortfalls, err = n.store.Shortfalls(ctx, numbers)
	return dg, err
}

// SendSummary posts the managers' summary of the latest scheduled day, if
// it was not posted yet.
func (n *Notifier) SendSummary(ctx context.Context) (err error) {
	claimed := postgres.Delivery{Kind: "summary"}
	defer n.recovered(ctx, &claimed, &err)
	now := n.opt.Now()
	slot, key, ok, err := n.dueSummary(ctx, now)
	if err != nil || !ok {
		return err
	}
	channel := n.opt.SummaryChannel
	from, err := n.summaryStart(ctx, channel, key, slot)
	if err != nil {
		return err
	}
	d, release, ok, err := n.store.ClaimDelivery(ctx, postgres.Delivery{Kind: "summary", Key: key,
		Channel: channel, PeriodFrom: &from, PeriodTo: &now}, n.opt.Clock())
	if err != nil || !ok {
		return err
	}
	defer release()
	claimed = d
	if n.missed(slot, now) && d.State == "claimed" && d.PostingAt == nil {
		n.opt.Observe("summary", "skipped")
		return n.store.MarkSkipped(ctx, d)
	}
	sm, err := n.Summary(ctx, *d.PeriodFrom, *d.PeriodTo)
	if err != nil {
		return n.retry(ctx, d, err)
	}
	chart, err := sm.Chart()
	if err != nil {
		return n.retry(ctx, d, err)
	}
	figures, err := sm.Figures()
	if err != nil {
		return err
	}
	// The chart goes out in the summary's message (see withChart); the
	// full table of reps, when the message lists only some, follows in its
	// thread, looked for first when an earlier try got this far.
	var attach func(channelID, ts string, resumed bool) error
	if sm.HasTable() {
		table, err := sm.Table()
		if err != nil {
			return n.retry(ctx, d, err)
		}
		attach = func(channelID, ts string, resumed bool) error {
			name := sm.TableName()
			if resumed {
				if done, err := n.slack.Uploaded(ctx, channelID, ts, name); err != nil || done {
					return err
				}
			}
			return n.slack.Upload(ctx, channelID, ts, name, name, table)
		}
	}
	posting := *n
	posting.slack = withChart{Slack: n.slack, sm: sm, chart: chart, pauses: chartPauses()}
	return posting.deliver(ctx, d, channel, sm.Slack(), figures, attach)
}

// dueSummary returns the slot and key of the summary due at now, if it is
// not settled: none without a channel, and none before the first import.
func (n *Notifier) dueSummary(ctx context.Context, now time.Time) (slot time.Time, key string, ok bool, err error) {
	if n.opt.SummaryChannel == "" {
		return slot, "", false, nil
	}
	if slot, ok = n.opt.Summary.Latest(now); !ok {
		return slot, "", false, nil
	}
	// As for digests: nothing to sum up before the first import, and no
	// catch-up of days before orderbot had a portfolio.
	first, imported, err := n.store.FirstImport(ctx)
	if err != nil || !imported || !slot.After(first.AsOf) {
		return slot, "", false, err
	}
	key = "summary:" + n.opt.SummaryChannel + ":" + Day(slot)
	settled, err := n.store.Settled(ctx, []string{key})
	if err != nil || settled[key] {
		return slot, key, false, err
	}
	return slot, key, true, nil
}

// Summary gathers the managers' summary for the period (from, to].
func (n *Notifier) Summary(ctx context.Context, from, to time.Time) (Summary, error) {
	sm := Summary{From: from, To: to, Lang: n.opt.Language, Loc: n.opt.Summary.Loc}
	var err error
	if sm.Now, err = n.store.PortfolioAt(ctx, from, to, n.opt.Summary.Loc, 5); err != nil {
		return sm, err
	}
	if cutoff, ok := n.opt.Working.Cutoff(to, n.opt.EscalateAfter); ok {
		sm.UnclaimedAfter = n.opt.EscalateAfter
		if sm.Unclaimed, sm.UnclaimedCount, err = n.store.Unclaimed(ctx, cutoff, to.In(n.opt.Working.Loc), unclaimedTop); err != nil {
			return sm, err
		}
	}
	if last, ok, err := n.store.LastSent(ctx, "summary", n.opt.SummaryChannel); err != nil {
		return sm, err
	} else if ok {
		sm.Previous = decodeFigures(last.Figures)
	}
	return sm, nil
}
