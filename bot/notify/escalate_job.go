package notify

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/orderbot/orderbot/orders/postgres"
)

// EscalationArgs is the periodic job that escalates the block alerts
// nobody claimed (see SendEscalations).
type EscalationArgs struct{}

// Kind names the job in River's tables.
func (EscalationArgs) Kind() string { return "alert_escalations" }

// escalationWorker runs SendEscalations.
type escalationWorker struct {
	river.WorkerDefaults[EscalationArgs]
	n *Notifier
}

// Work escalates what is due; an error is retried by River, and posts
// nothing twice: each manager's day is a delivery claimed once.
func (w *escalationWorker) Work(ctx context.Context, _ *river.Job[EscalationArgs]) error {
	return w.n.SendEscalations(ctx)
}

// EscalationJob registers n's escalation worker on workers and returns
// the periodic job that runs it every period, on the leader replica only.
func (n *Notifier) EscalationJob(workers *river.Workers, every time.Duration) *river.PeriodicJob {
	river.AddWorker(workers, &escalationWorker{n: n})
	return postgres.Every(every, func() river.JobArgs { return EscalationArgs{} })
}
