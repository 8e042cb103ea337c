package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// replica starts a replica's job queue working n's deliveries, planned
// every second by whichever replica leads.
func (w *world) replica(n *notify.Notifier, name string) {
	w.t.Helper()
	kinds := n.Jobs(w.st, time.Second, time.Hour)
	workers := river.NewWorkers()
	kinds.AddWorkers(workers)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	jobs, err := postgres.NewJobs(w.st, postgres.JobsConfig{Workers: workers, Periodic: kinds.Periodic(), Replica: name,
		Logger: log, PollInterval: 100 * time.Millisecond})
	if err != nil {
		w.t.Fatal(err)
	}
	kinds.Use(jobs)
	if err := jobs.Start(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
}

// count runs a count query.
func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.st.Pool().QueryRow(w.ctx, query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 90 s for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDeliveriesWorkedAsJobs: on Monday morning two replicas run the
// queue: the leader plans the alert batches, both reps' digests and the
// summary, one job each, and every message is posted once.
func TestDeliveriesWorkedAsJobs(t *testing.T) {
	w, _ := mondayWithTwoReplicas(t)
	w.allOnce()
	keys := []string{fmt.Sprintf("digest:%d:2026-11-30", w.rep.ID), fmt.Sprintf("digest:%d:2026-11-30", w.rep2.ID),
		"summary:" + summaryChannel + ":2026-11-30"}
	for _, key := range keys {
		if got := w.count(`SELECT count(*) FROM river_job WHERE kind = 'notify_delivery' AND args->>'key' = $1`, key); got != 1 {
			t.Errorf("%d jobs of %s, want 1", got, key)
		}
	}
}

// TestManualRunBesideReplicas: `digest run` by hand while two replicas
// work the same deliveries as jobs: each message is posted once, whoever
// gets to it first.
func TestManualRunBesideReplicas(t *testing.T) {
	w, opt := mondayWithTwoReplicas(t)
	for range 3 {
		if err := w.notifier(opt).RunDue(w.ctx); err != nil {
			t.Fatal(err)
		}
	}
	w.allOnce()
}

// mondayWithTwoReplicas is Monday 08:31 with two blocks for Claire and
// one for Emma waiting to be alerted, both digests and the summary due,
// and two replicas running the queue.
func mondayWithTwoReplicas(t *testing.T) (*world, notify.Options) {
	w := setup(t)
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	w.order("4500000001", w.rep, true, orders.StatusCreditLimit, 100000, 7)
	w.order("4500000002", w.rep, true, orders.StatusOutOfStock, 300000, 7)
	w.order("4500000004", w.rep2, false, orders.StatusDeliveryBlock, 50000, 7)
	opt := notify.Options{SummaryChannel: summaryChannel}
	w.replica(w.notifier(opt), "replica-a")
	w.replica(w.notifier(opt), "replica-b")
	return w, opt
}

// allOnce waits for the alerts of Claire and Emma, both digests and the
// summary to be sent and every job done, and checks each went out once.
func (w *world) allOnce() {
	t := w.t
	t.Helper()
	claire, emma := w.dm("U0ADV0001"), w.dm("U0REP0002")
	waitFor(t, "every delivery sent and every job done", func() bool {
		return w.count(`SELECT count(*) FROM deliveries WHERE state = 'sent'`) == 5 &&
			w.count(`SELECT count(*) FROM river_job WHERE kind = 'notify_delivery' AND state <> 'completed'`) == 0
	})
	for _, ch := range []string{claire, emma, digestChannel, digestChannel2, summaryChannel} {
		if got := len(w.postsTo(ch)); got != 1 {
			t.Errorf("%d messages to %s, want 1", got, ch)
		}
	}
}
