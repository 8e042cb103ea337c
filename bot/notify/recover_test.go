package notify_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/internal/metrics"
	"github.com/orderbot/orderbot/orders"
)

// brokenSlack is Slack as seen through a client that panics on some
// answers: opening the DM of one user, posting to one channel.
type brokenSlack struct {
	notify.Slack
	user, channel string
}

func (b brokenSlack) OpenDM(ctx context.Context, user string) (string, error) {
	if user == b.user {
		var ch *struct{ ID string }
		return ch.ID, nil // the nil channel of an answer without one
	}
	return b.Slack.OpenDM(ctx, user)
}

func (b brokenSlack) Post(ctx context.Context, channel, threadTS string, msg render.Message, key string) (string, string, error) {
	if channel == b.channel {
		var parts []string
		return parts[0], "", nil
	}
	return b.Slack.Post(ctx, channel, threadTS, msg, key)
}

// TestOnePanicStopsOneDelivery: an alert and a digest whose sending
// panics are parked as failed, saying why, and counted; the other alert
// and the other digest of the same run go out.
func TestOnePanicStopsOneDelivery(t *testing.T) {
	w, n, m := panicking(t)
	for range 2 {
		_ = n.RunDue(w.ctx) // the panics are errors of this run
	}
	w.onePanicStoppedOneDelivery(m)
}

// TestOnePanicStopsOneJob: the same deliveries worked as River jobs: the
// panics are recovered in each job, parked and counted alike.
func TestOnePanicStopsOneJob(t *testing.T) {
	w, n, m := panicking(t)
	w.replica(n, "replica-a")
	waitFor(t, "the four deliveries settled", func() bool {
		return w.count(`SELECT count(*) FROM deliveries WHERE state IN ('sent', 'failed')`) == 4
	})
	w.onePanicStoppedOneDelivery(m)
}

// panicking is Monday 08:31 with an alert to Claire and a digest to
// François's channel whose sending panics, beside an alert and a digest
// for Emma that do not.
func panicking(t *testing.T) (*world, *notify.Notifier, *metrics.Metrics) {
	w := setup(t)
	m := metrics.New()
	w.clock.set(time.Date(2026, 11, 30, 8, 0, 0, 0, paris))
	w.order("4500000201", w.rep, true, orders.StatusCreditLimit, 100000, 11)  // alerts Claire: her DM panics
	w.order("4500000202", w.rep2, false, orders.StatusOutOfStock, 200000, 11) // alerts Emma
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	week := map[time.Weekday]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}
	n := notify.New(w.st, brokenSlack{Slack: w.notes, user: "U0ADV0001", channel: digestChannel},
		slog.New(slog.NewTextHandler(io.Discard, nil)), notify.Options{
			Digest: notify.Schedule{Days: week, Hour: 8, Minute: 30, Loc: paris}, Now: w.clock.now, Clock: w.clock.now,
			StalledAfter: 7 * 24 * time.Hour, Observe: m.Delivery})
	return w, n, m
}

// onePanicStoppedOneDelivery checks that the deliveries that panicked
// were parked with why, and counted, and the others went out.
func (w *world) onePanicStoppedOneDelivery(m *metrics.Metrics) {
	t := w.t
	t.Helper()
	if got := len(w.postsTo(w.dm("U0REP0002"))); got != 1 {
		t.Errorf("Emma got %d alerts, want 1", got)
	}
	if got := len(w.postsTo(digestChannel2)); got != 1 {
		t.Errorf("Emma's digest went out %d times, want 1", got)
	}
	if got := len(w.postsTo(digestChannel)); got != 0 {
		t.Errorf("François's digest went out %d times", got)
	}
	st, err := w.st.AlertsStatus(w.ctx)
	if err != nil || st.Sent != 1 || st.Failed != 1 || len(st.FailedDeliveries) != 1 ||
		!strings.Contains(st.FailedDeliveries[0].LastError, "panicked") {
		t.Errorf("alerts status %+v, %v; want Emma's sent, Claire's failed saying it panicked", st, err)
	}
	key := w.digestKey("2026-11-30")
	if settled, err := w.st.Settled(w.ctx, []string{key}); err != nil || !settled[key] {
		t.Errorf("François's digest is not parked: %v %v", settled, err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`orderbot_delivery_panics_total{kind="alert"} 1`, `orderbot_delivery_panics_total{kind="digest"} 1`,
		`orderbot_deliveries_total{kind="alert",outcome="failed"} 1`, `orderbot_deliveries_total{kind="digest",outcome="sent"} 1`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
