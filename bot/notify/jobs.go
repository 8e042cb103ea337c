package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// PlanArgs is the periodic job, on River's leader, that finds what is due
// (alert batches, digests, the summary) and inserts one DeliveryArgs job
// for each.
type PlanArgs struct{}

// Kind names the job in River's tables.
func (PlanArgs) Kind() string { return "notify_plan" }

// DeliveryArgs is the job of one delivery, unique by its key
// (alert:<person>:<first transition>, digest:<rep>:<day>,
// summary:<channel>:<day>): however many leaders plan it, it is inserted
// once.
type DeliveryArgs struct {
	What string `json:"what"` // alert, digest, summary
	Key  string `json:"key" river:"unique"`
	Rep  int64  `json:"rep,omitempty"`
}

// Kind names the job in River's tables.
func (DeliveryArgs) Kind() string { return "notify_delivery" }

// InsertOpts makes a delivery's job unique by its key.
func (DeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Jobs is the notifications' work on River's queue, as serve runs it: the
// leader plans what is due every period, each delivery is a job worked by
// one replica at a time (and worked again when its replica dies), under
// the lock of its key; escalations run on the leader too. Register it with
// AddWorkers, list Periodic in the queue's periodic jobs and give it the
// queue with Use.
type Jobs struct {
	n        *Notifier
	st       *postgres.Store
	jobs     *postgres.Jobs
	every    time.Duration
	escalate time.Duration
	periodic []*river.PeriodicJob
}

// Jobs returns n's work on the queue of st: what is due is planned every
// period, escalations looked for every escalate.
func (n *Notifier) Jobs(st *postgres.Store, every, escalate time.Duration) *Jobs {
	return &Jobs{n: n, st: st, every: every, escalate: escalate}
}

// AddWorkers registers the planner's, the deliveries' and the
// escalations' workers.
func (j *Jobs) AddWorkers(workers *river.Workers) {
	river.AddWorker(workers, &planWorker{j: j})
	river.AddWorker(workers, &deliveryWorker{n: j.n})
	j.periodic = []*river.PeriodicJob{postgres.Every(j.every, func() river.JobArgs { return PlanArgs{} }),
		j.n.EscalationJob(workers, j.escalate)}
}

// Periodic returns the planner and the escalations (after AddWorkers).
func (j *Jobs) Periodic() []*river.PeriodicJob { return j.periodic }

// Use gives the planner the queue it inserts deliveries in: set it before
// the queue starts.
func (j *Jobs) Use(jobs *postgres.Jobs) { j.jobs = jobs }

// Plan inserts a job for each delivery due now and not settled; a
// delivery planned before is not inserted again.
func (j *Jobs) Plan(ctx context.Context) (int, error) {
	if j.jobs == nil {
		return 0, errors.New("notify: no job queue (Use was not called)")
	}
	due, err := j.n.due(ctx)
	if err != nil && len(due) == 0 {
		return 0, err
	}
	params := make([]river.InsertManyParams, len(due))
	for i, a := range due {
		params[i] = river.InsertManyParams{Args: a}
	}
	n, ierr := j.jobs.EnqueueMany(ctx, j.st, params)
	return n, errors.Join(err, ierr)
}

// due returns what is due now: the batches of alerts made and not
// settled, new batches of the alerts waiting (up to maxBatches), the
// digests and the summary of the latest scheduled day not settled yet.
func (n *Notifier) due(ctx context.Context) ([]DeliveryArgs, error) {
	var due []DeliveryArgs
	keys, err := n.store.OpenAlerts(ctx, n.opt.Clock())
	if err != nil {
		return nil, err
	}
	for range maxBatches {
		key, made, err := n.store.NewAlertBatch(ctx)
		if err != nil {
			return nil, err
		}
		if !made {
			break
		}
		keys = append(keys, key)
	}
	for _, k := range keys {
		due = append(due, DeliveryArgs{What: "alert", Key: k})
	}
	digests, err := n.dueDigests(ctx)
	if err != nil {
		return due, err
	}
	for i, rep := range digests.reps {
		due = append(due, DeliveryArgs{What: "digest", Key: digests.keys[i], Rep: rep.ID})
	}
	if _, key, ok, err := n.dueSummary(ctx, n.opt.Now()); err != nil {
		return due, err
	} else if ok {
		due = append(due, DeliveryArgs{What: "summary", Key: key})
	}
	return due, nil
}

type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	j *Jobs
}

// Work plans what is due.
func (w *planWorker) Work(ctx context.Context, _ *river.Job[PlanArgs]) error {
	n, err := w.j.Plan(ctx)
	if n > 0 {
		w.j.n.log.Info("notifications planned", "deliveries", n)
	}
	return err
}

type deliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	n *Notifier
}

// heldPause is how long a delivery's job waits when someone else holds
// the delivery (a manual run, the same job rescued while it still runs).
const heldPause = 30 * time.Second

// maxSnoozes bounds how often a delivery's job waits for its delivery;
// its retries are counted by the delivery itself (Options.MaxTries).
const maxSnoozes = 200

// Work makes one try of the delivery, then looks at where it stands:
// settled, the job is done; put back after a failure, the job waits for
// the delivery's next try (River's backoff is not used: the delivery
// counts its tries and parks itself); held by someone else, or not
// reached, the job waits a little and looks again.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[DeliveryArgs]) error {
	tried := w.n.work(ctx, job.Args)
	d, ok, err := w.n.store.DeliveryByKey(ctx, job.Args.Key)
	switch {
	case err != nil:
		return errors.Join(tried, err)
	case !ok && tried == nil, ok && d.Settled():
		return nil
	case job.Attempt >= maxSnoozes:
		return river.JobCancel(fmt.Errorf("delivery %s still %s after %d looks: %w", job.Args.Key, d.State, job.Attempt, tried))
	case ok && d.State == "retry" && d.NextTry != nil:
		return river.JobSnooze(max(d.NextTry.Sub(w.n.opt.Clock()), time.Second))
	}
	if tried != nil {
		w.n.log.Warn("delivery to look at again", "delivery", job.Args.Key, "in", heldPause, "err", tried)
	}
	return river.JobSnooze(heldPause)
}

// work makes one try of the delivery a job names, if it is still due.
func (n *Notifier) work(ctx context.Context, a DeliveryArgs) error {
	switch a.What {
	case "alert":
		b, release, ok, err := n.store.ClaimAlertBatch(ctx, a.Key, n.opt.Clock())
		if err != nil || !ok {
			return err
		}
		defer release()
		return n.sendAlerts(ctx, b)
	case "digest":
		due, err := n.dueDigests(ctx)
		if err != nil {
			return err
		}
		var reps []orders.Person
		for i, rep := range due.reps {
			if rep.ID == a.Rep && due.keys[i] == a.Key {
				reps = append(reps, rep)
			}
		}
		return n.sendDigests(ctx, due, reps)
	case "summary":
		if _, key, ok, err := n.dueSummary(ctx, n.opt.Now()); err != nil || !ok || key != a.Key {
			return err
		}
		return n.SendSummary(ctx)
	}
	return river.JobCancel(fmt.Errorf("notify: no delivery of kind %q", a.What))
}
