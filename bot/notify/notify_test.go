package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

// clock is the tests' time, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) advance(d time.Duration) { c.set(c.now().Add(d)) }

// world is a store with a small portfolio, a fake Slack and a clock.
type world struct {
	t          *testing.T
	ctx        context.Context
	st         *postgres.Store
	slack      *slackfake.Server
	notes      *slackapp.Notifications
	clock      *clock
	rep, rep2  orders.Person // rep: has an assistant on his orders; rep2: none
	adv        orders.Person
	dupre, mul orders.Customer
}

const (
	digestChannel  = "C0DIGEST01"
	digestChannel2 = "C0DIGEST02"
	summaryChannel = "C0MANAGERS"
)

// setup is a world where orderbot was installed a week before the clock:
// the first import was on Friday 20 November.
func setup(t *testing.T) *world {
	t.Helper()
	w := setupBare(t)
	if err := w.st.RecordLoad(w.ctx, "test", time.Date(2026, 11, 20, 6, 0, 0, 0, paris), 0); err != nil {
		t.Fatal(err)
	}
	return w
}

// setupBare is a world where nothing was imported yet.
func setupBare(t *testing.T) *world {
	t.Helper()
	t.Parallel()
	w := &world{t: t, ctx: context.Background(), st: server.Store(t),
		clock: &clock{t: time.Date(2026, 11, 27, 7, 0, 0, 0, paris)}} // a Friday
	// Membership as Slack keeps it: orderbot reads only the channels it
	// is in, and joins a public one when it must look there.
	w.slack = slackfake.New(t, slackfake.WithClock(w.clock.now), slackfake.WithMembership())
	api := slack.New("xoxb-test", slack.OptionAPIURL(w.slack.APIURL()))
	w.notes = slackapp.NewNotifications(api, slackapp.NewPoster(api, nil, nil))
	person := func(p orders.Person) orders.Person {
		p, err := w.st.UpsertPerson(w.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	w.rep = person(orders.Person{Email: "francois@example.fr", Name: "François Dubœuf", Role: orders.RoleRep, SlackUserID: "U0REP0001",
		DigestChannel: digestChannel, Language: orders.French})
	w.rep2 = person(orders.Person{Email: "emma@example.fr", Name: "Emma Collins", Role: orders.RoleRep, SlackUserID: "U0REP0002",
		DigestChannel: digestChannel2, Language: orders.English})
	w.adv = person(orders.Person{Email: "claire@example.fr", Name: "Claire Martin", Role: orders.RoleAssistant, SlackUserID: "U0ADV0001"})
	for _, c := range []*orders.Customer{&w.dupre, &w.mul} {
		code, name := "C001234", "Boulangerie Dupré & Fils"
		if c == &w.mul {
			code, name = "C001235", "Établissements Müller"
		}
		got, err := w.st.UpsertCustomer(w.ctx, orders.Customer{Code: code, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		*c = got
	}
	return w
}

func (w *world) notifier(opt notify.Options) *notify.Notifier {
	week := map[time.Weekday]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}
	opt.Digest = notify.Schedule{Days: week, Hour: 8, Minute: 30, Loc: paris}
	opt.Summary = notify.Schedule{Days: week, Hour: 8, Minute: 0, Loc: paris}
	if opt.Now == nil { // else a run as of a past moment (digest run --date)
		opt.Now = w.clock.now
	}
	opt.Clock = w.clock.now
	opt.StalledAfter = 7 * 24 * time.Hour
	if opt.MaxTries == 0 {
		opt.MaxTries = 5
	}
	return notify.New(w.st, w.notes, slog.New(slog.NewTextHandler(io.Discard, nil)), opt)
}

// order saves an order of rep (with the assistant when adv) in status st
// at the clock's time, as import importID.
func (w *world) order(number string, rep orders.Person, adv bool, st orders.Status, cents int64, importID int64) {
	w.t.Helper()
	o := orders.Order{Number: number, Customer: w.dupre, Rep: &rep, Status: st, AmountCents: cents, Currency: "EUR",
		StatusSince: w.clock.now()}
	if adv {
		o.Assistant = &w.adv
	}
	if st.Blocked() {
		o.BlockReason = "raison " + number
		o.Blocks = []orders.Block{{Kind: st, Reason: o.BlockReason, Since: w.clock.now()}}
	}
	if _, err := w.st.SaveOrder(w.ctx, o, postgres.Change{At: w.clock.now(), Source: "test", ImportID: importID}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) digestKey(day string) string { return fmt.Sprintf("digest:%d:%s", w.rep.ID, day) }

// claimMondayDigest claims the rep's digest of Monday 30 November at the
// clock's time, as another process does; release is that process dying.
func (w *world) claimMondayDigest() (d postgres.Delivery, release func()) {
	w.t.Helper()
	now, mark := w.clock.now(), w.watermark()
	from := now.Add(-72 * time.Hour)
	d, release, ok, err := w.st.ClaimDelivery(w.ctx, postgres.Delivery{Kind: "digest", Key: w.digestKey("2026-11-30"), Channel: digestChannel,
		PeriodFrom: &from, PeriodTo: &now, HistoryTo: &mark}, now)
	if err != nil || !ok {
		w.t.Fatal(ok, err)
	}
	return d, release
}

// postAsHolder does what d's holder does up to the post: marks it posting
// and posts it; it returns the post's ts, which it records nowhere.
func (w *world) postAsHolder(n *notify.Notifier, d postgres.Delivery) string {
	w.t.Helper()
	if err := w.st.MarkPosting(w.ctx, d, w.clock.now()); err != nil {
		w.t.Fatal(err)
	}
	dg, err := n.Digest(w.ctx, w.rep, *d.PeriodFrom, *d.PeriodTo, 0, *d.HistoryTo)
	if err != nil {
		w.t.Fatal(err)
	}
	_, ts, err := w.notes.Post(w.ctx, digestChannel, "", dg.Slack(), d.Key)
	if err != nil {
		w.t.Fatal(err)
	}
	return ts
}

func (w *world) watermark() int64 {
	w.t.Helper()
	m, err := w.st.HistoryWatermark(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *world) postsTo(channel string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range w.slack.Posts() {
		if c.Channel == channel {
			out = append(out, c)
		}
	}
	return out
}

func (w *world) dm(user string) string {
	ch, err := w.notes.OpenDM(w.ctx, user)
	if err != nil {
		w.t.Fatal(err)
	}
	return ch
}

func TestAlertsGroupedAndSentOnce(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	// One import blocks three of Claire's orders and one of Emma's, who
	// has no assistant: Claire gets one message of three, Emma one.
	w.order("4500000001", w.rep, true, orders.StatusCreditLimit, 100000, 7)
	w.order("4500000002", w.rep, true, orders.StatusOutOfStock, 300000, 7)
	w.order("4500000003", w.rep, true, orders.StatusAnomaly, 200000, 7)
	w.order("4500000004", w.rep2, false, orders.StatusDeliveryBlock, 50000, 7)
	w.order("4500000005", w.rep, true, orders.StatusOpen, 50000, 7) // not blocked: no alert
	for range 2 {
		if err := n.SendAlerts(w.ctx); err != nil {
			t.Fatal(err)
		}
	}
	claire, emma := w.postsTo(w.dm("U0ADV0001")), w.postsTo(w.dm("U0REP0002"))
	if len(claire) != 1 || len(emma) != 1 {
		t.Fatalf("Claire got %d messages, Emma %d; want one each", len(claire), len(emma))
	}
	text := claire[0].Text
	if !strings.Contains(text, "3 commandes") {
		t.Errorf("Claire's alert: %s", text)
	}
	for _, num := range []string{"4500000001", "4500000002", "4500000003"} {
		if !strings.Contains(blocksText(claire[0]), num) {
			t.Errorf("Claire's alert lacks %s", num)
		}
	}
	if !strings.Contains(emma[0].Text, "4500000004") || !strings.Contains(emma[0].Text, "blocked") {
		t.Errorf("Emma's alert, in English: %s", emma[0].Text)
	}
	st, err := w.st.AlertsStatus(w.ctx)
	if err != nil || st.Sent != 4 || st.Pending+st.Sending+st.Failed != 0 {
		t.Errorf("alerts status %+v, %v; want 4 sent", st, err)
	}
}

func blocksText(c slackfake.Call) string {
	var b strings.Builder
	for _, bl := range c.Blocks {
		if txt, ok := bl["text"].(map[string]any); ok {
			b.WriteString(txt["text"].(string))
		}
	}
	return b.String()
}

func TestAlertAfterA429(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	w.order("4500000011", w.rep, true, orders.StatusCreditLimit, 100000, 8)
	w.slack.FailNext("chat.postMessage", slackfake.Fault{Status: 429, RetryAfter: 30})
	if err := n.SendAlerts(w.ctx); err != nil {
		t.Fatal(err)
	}
	if err := n.SendAlerts(w.ctx); err != nil { // too early: Retry-After holds
		t.Fatal(err)
	}
	w.clock.advance(31 * time.Second)
	if err := n.SendAlerts(w.ctx); err != nil {
		t.Fatal(err)
	}
	ch := w.dm("U0ADV0001")
	if got := len(w.postsTo(ch)); got != 1 || len(w.slack.Calls("chat.postMessage")) != 2 {
		t.Errorf("after a 429: %d posts of %d calls, want 1 of 2", got, len(w.slack.Calls("chat.postMessage")))
	}
}

func TestAlertParkedAfterFiveFailures(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{MaxTries: 5})
	w.order("4500000021", w.rep, true, orders.StatusCreditLimit, 100000, 9)
	for range 5 {
		w.slack.FailNext("chat.postMessage", slackfake.Fault{Status: 500})
	}
	for range 7 {
		if err := n.SendAlerts(w.ctx); err != nil {
			t.Fatal(err)
		}
		w.clock.advance(time.Hour)
	}
	if got := len(w.slack.Calls("chat.postMessage")); got != 5 {
		t.Errorf("%d tries, want 5", got)
	}
	if len(w.slack.Posts()) != 0 {
		t.Errorf("posted after five failures: %v", w.slack.Posts())
	}
	st, err := w.st.AlertsStatus(w.ctx)
	if err != nil || st.Failed != 1 || len(st.FailedDeliveries) != 1 || !strings.Contains(st.FailedDeliveries[0].LastError, "500") {
		t.Errorf("alerts status %+v, %v; want one failed, saying why", st, err)
	}
}

func TestTwoSchedulersPostOnce(t *testing.T) {
	w := setup(t)
	a, b := w.notifier(notify.Options{}), w.notifier(notify.Options{})
	w.order("4500000031", w.rep, true, orders.StatusCreditLimit, 100000, 0)
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris)) // Monday, just after 08:30
	var wg sync.WaitGroup
	for _, n := range []*notify.Notifier{a, b, a, b} {
		wg.Go(func() {
			if err := n.SendDigests(w.ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(w.postsTo(digestChannel)); got != 1 {
		t.Errorf("four runs racing posted %d digests, want 1", got)
	}
}

func TestCrashBetweenClaimAndPost(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	monday := time.Date(2026, 11, 30, 8, 31, 0, 0, paris)
	w.clock.set(monday)
	// A process claimed Monday's digest, then died before posting.
	_, die := w.claimMondayDigest()
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(w.postsTo(digestChannel)); got != 0 {
		t.Fatalf("%d digests posted while the claim holds", got)
	}
	die() // the dead process's connection closes, and its lock goes
	for range 2 {
		if err := n.SendDigests(w.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(w.postsTo(digestChannel)); got != 1 {
		t.Errorf("after the holder died: %d digests, want 1", got)
	}
}

func TestCrashAfterPostBeforeRecording(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	monday := time.Date(2026, 11, 30, 8, 31, 0, 0, paris)
	w.clock.set(monday)
	// A process claimed Monday's digest, marked it posting, posted it, and
	// died before recording Slack's ts.
	d, die := w.claimMondayDigest()
	ts := w.postAsHolder(n, d)
	die()
	w.clock.advance(3 * time.Minute)
	for range 2 {
		if err := n.SendDigests(w.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(w.postsTo(digestChannel)); got != 1 {
		t.Errorf("%d digests in the channel, want the one posted before the crash", got)
	}
	last, ok, err := w.st.LastSent(w.ctx, "digest", digestChannel)
	if err != nil || !ok || last.TS != ts {
		t.Errorf("the digest is recorded as %+v (%v, %v), want sent with ts %s", last, ok, err, ts)
	}
}

func TestMondayDigestCoversTheWeekend(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	w.clock.set(time.Date(2026, 11, 27, 8, 31, 0, 0, paris)) // Friday's digest
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.set(time.Date(2026, 11, 27, 15, 0, 0, 0, paris))
	w.order("4500000041", w.rep, true, orders.StatusCreditLimit, 100000, 0)
	w.clock.set(time.Date(2026, 11, 28, 11, 0, 0, 0, paris))
	w.order("4500000042", w.rep, true, orders.StatusOutOfStock, 200000, 0)
	w.clock.set(time.Date(2026, 11, 29, 23, 0, 0, 0, paris))
	w.order("4500000043", w.rep, true, orders.StatusAnomaly, 300000, 0)
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))            // Monday
	w.order("4500000044", w.rep, true, orders.StatusAnomaly, 300000, 0) // after 08:30: tomorrow's
	w.clock.set(time.Date(2026, 11, 30, 8, 32, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(digestChannel)
	if len(posts) != 2 {
		t.Fatalf("%d digests, want Friday's and Monday's", len(posts))
	}
	monday := blocksText(posts[1])
	for _, num := range []string{"4500000041", "4500000042", "4500000043"} {
		if !strings.Contains(monday, num) {
			t.Errorf("Monday's digest lacks %s, blocked since Friday's digest:\n%s", num, monday)
		}
	}
	if strings.Contains(blocksText(posts[0]), "4500000041") {
		t.Errorf("Friday's digest shows an order blocked after it")
	}
}

func TestMissedDayCaughtUp(t *testing.T) {
	for _, skip := range []bool{false, true} {
		t.Run(map[bool]string{false: "late", true: "skip"}[skip], func(t *testing.T) {
			w := setup(t)
			n := w.notifier(notify.Options{SkipMissed: skip})
			w.clock.set(time.Date(2026, 11, 27, 8, 31, 0, 0, paris)) // Friday's digest
			if err := n.SendDigests(w.ctx); err != nil {
				t.Fatal(err)
			}
			// Down from Friday noon to Monday 15:00; an order blocked on Monday.
			w.clock.set(time.Date(2026, 11, 30, 12, 0, 0, 0, paris))
			w.order("4500000051", w.rep, true, orders.StatusCreditLimit, 100000, 0)
			w.clock.set(time.Date(2026, 11, 30, 15, 0, 0, 0, paris))
			for range 2 {
				if err := n.SendDigests(w.ctx); err != nil {
					t.Fatal(err)
				}
			}
			posts := w.postsTo(digestChannel)
			wantMonday := 2
			if skip {
				wantMonday = 1
			}
			if len(posts) != wantMonday {
				t.Fatalf("after the outage: %d digests, want %d", len(posts), wantMonday)
			}
			// Tuesday: the order blocked on Monday is in a digest once.
			w.clock.set(time.Date(2026, 12, 1, 8, 31, 0, 0, paris))
			if err := n.SendDigests(w.ctx); err != nil {
				t.Fatal(err)
			}
			posts = w.postsTo(digestChannel)
			var shown int
			for _, p := range posts {
				if strings.Contains(blocksText(p), "4500000051") {
					shown++
				}
			}
			if shown != 1 {
				t.Errorf("the order blocked during the outage is in %d digests of %d, want 1", shown, len(posts))
			}
		})
	}
}

func isPNG(b []byte) bool { return len(b) > 8 && string(b[1:4]) == "PNG" }

// TestSlackDownForMinutes: with Slack answering 503 for a while, the
// alert and the digest wait, then go out once when it is back.
func TestSlackDownForMinutes(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{MaxTries: 10})
	w.clock.set(time.Date(2026, 11, 30, 8, 0, 0, 0, paris))
	w.order("4500000071", w.rep, true, orders.StatusCreditLimit, 100000, 0)
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	down := make([]slackfake.Fault, 6)
	for i := range down {
		down[i] = slackfake.Fault{Status: 503}
	}
	w.slack.FailNext("chat.postMessage", down...)
	w.slack.FailNext("conversations.open", down...)
	for range 12 { // twelve runs, five minutes apart: an hour
		if err := n.RunDue(w.ctx); err != nil {
			t.Log(err)
		}
		w.clock.advance(5 * time.Minute)
	}
	if got := len(w.postsTo(w.dm("U0ADV0001"))); got != 1 {
		t.Errorf("the alert went out %d times", got)
	}
	if got := len(w.postsTo(digestChannel)); got != 1 {
		t.Errorf("the digest went out %d times", got)
	}
}

// TestPostTakenBySlackThenRetried: Slack took the post but orderbot did
// not learn it (a timeout, a 5xx): the retry finds it instead of posting
// again.
func TestPostTakenBySlackThenRetried(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	monday := time.Date(2026, 11, 30, 8, 31, 0, 0, paris)
	w.clock.set(monday)
	d, release := w.claimMondayDigest()
	w.postAsHolder(n, d)
	if err := w.st.MarkRetry(w.ctx, d, errors.New("chat.postMessage: context deadline exceeded"), monday.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	release()
	w.clock.advance(2 * time.Minute)
	for range 2 {
		if err := n.SendDigests(w.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(w.postsTo(digestChannel)); got != 1 {
		t.Errorf("%d digests after a post Slack took and orderbot retried, want 1", got)
	}
}

// TestHeldDelivery: a delivery held by someone (a replica's job, a manual
// run), however long it stalls, is claimed by nobody else; when its holder
// dies it is taken up at once, and once sent nobody can post it again.
func TestHeldDelivery(t *testing.T) {
	w := setup(t)
	now := w.clock.now()
	mine, die, ok, err := w.st.ClaimDelivery(w.ctx, postgres.Delivery{Kind: "digest", Key: "digest:1:2026-11-27", Channel: digestChannel}, now)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, _, ok, _ := w.st.ClaimDelivery(w.ctx, postgres.Delivery{Kind: "digest", Key: "digest:1:2026-11-27"}, now.Add(time.Hour)); ok {
		t.Fatal("a held delivery is claimed again")
	}
	die()
	theirs, release, ok, err := w.st.ClaimDelivery(w.ctx, postgres.Delivery{Kind: "digest", Key: "digest:1:2026-11-27"}, now)
	if err != nil || !ok {
		t.Fatal("the delivery of a holder that died is not taken up", err)
	}
	defer release()
	if err := w.st.MarkSent(w.ctx, theirs, "1764488000.000100", "C0DIGEST1", nil, now); err != nil {
		t.Fatal(err)
	}
	if err := w.st.MarkPosting(w.ctx, mine, now); !errors.Is(err, postgres.ErrSettled) {
		t.Errorf("the former holder marks a sent delivery posting: %v", err)
	}
	if _, _, ok, err := w.st.ClaimDelivery(w.ctx, postgres.Delivery{Kind: "digest", Key: "digest:1:2026-11-27"}, now); ok || err != nil {
		t.Errorf("a sent delivery is claimed: %v %v", ok, err)
	}
}

// TestRepsSharingAChannel: two reps with one digest channel get a digest each.
func TestRepsSharingAChannel(t *testing.T) {
	w := setup(t)
	if _, err := w.st.UpsertPerson(w.ctx, orders.Person{Email: "emma@example.fr", Name: "Emma Collins", Role: orders.RoleRep,
		SlackUserID: "U0REP0002", DigestChannel: digestChannel, Language: orders.English}); err != nil {
		t.Fatal(err)
	}
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	if err := w.notifier(notify.Options{}).SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(w.postsTo(digestChannel)); got != 2 {
		t.Errorf("%d digests in a channel two reps share, want 2", got)
	}
}
