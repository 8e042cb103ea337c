package follow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/orderbot/orderbot/orders/postgres"
)

// PlanArgs is the periodic job planning the imports finished without a
// plan.
type PlanArgs struct{}

// Kind names the job in River's table.
func (PlanArgs) Kind() string { return "follow_plan" }

// NoticeArgs is the job telling one follower what one import changed.
type NoticeArgs struct {
	ImportID int64 `json:"import_id" river:"unique"`
	PersonID int64 `json:"person_id" river:"unique"`
}

// Kind names the job in River's table.
func (NoticeArgs) Kind() string { return "follow_notice" }

// InsertOpts makes a notice unique by import and person, whatever its
// state: one message per person and import, ever.
func (NoticeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateDiscarded,
			rivertype.JobStateCancelled}}}
}

// Key is the notice's mark in its direct message's metadata.
func (a NoticeArgs) Key() string { return fmt.Sprintf("follow:%d:%d", a.ImportID, a.PersonID) }

// Followers works the followers' jobs. Register it with AddWorkers, give
// it the queue with Use, and list Periodic in the queue's periodic jobs.
type Followers struct {
	cfg  Config
	jobs *postgres.Jobs
}

// New returns the followers' jobs of cfg.
func New(cfg Config) *Followers {
	if cfg.PlanEvery <= 0 {
		cfg.PlanEvery = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Followers{cfg: cfg}
}

// AddWorkers registers the followers' workers.
func (f *Followers) AddWorkers(workers *river.Workers) {
	river.AddWorker(workers, &planWorker{f: f})
	river.AddWorker(workers, &noticeWorker{f: f})
}

// Periodic returns the periodic job that plans the imports finished
// without a plan.
func (f *Followers) Periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{postgres.Every(f.cfg.PlanEvery, func() river.JobArgs { return PlanArgs{} })}
}

// Use gives the followers the queue their jobs are inserted in: set it
// before the queue starts.
func (f *Followers) Use(jobs *postgres.Jobs) { f.jobs = jobs }

// PlanImport plans what import changed of followed orders for each of
// their followers (only those who may see them, when ownOnly), and
// inserts one notice job each, in tx: an import's
// transaction (ImportRequest.Then), or one of the periodic planner's. It
// returns how many people will be told: none when it was planned before.
func PlanImport(ctx context.Context, jobs *postgres.Jobs, tx *postgres.Store, importID int64, ownOnly bool) (int, error) {
	people, err := tx.PlanFollows(ctx, importID, ownOnly)
	if err != nil || len(people) == 0 {
		return 0, err
	}
	params := make([]river.InsertManyParams, len(people))
	for i, p := range people {
		params[i] = river.InsertManyParams{Args: NoticeArgs{ImportID: importID, PersonID: p}}
	}
	if _, err := jobs.EnqueueMany(ctx, tx, params); err != nil {
		return 0, err
	}
	return len(people), nil
}

// maxPlanned bounds the imports one run of the planner plans.
const maxPlanned = 20

// planLookBack is how far back the planner looks for imports without a
// plan: older changes are not news.
const planLookBack = 24 * time.Hour

type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	f *Followers
}

// Work plans the imports finished without a plan, each in a transaction
// of its own, and forgets the changes planned a week ago.
func (w *planWorker) Work(ctx context.Context, _ *river.Job[PlanArgs]) error {
	if w.f.jobs == nil {
		return errors.New("follow: no job queue (Use was not called)")
	}
	st := w.f.cfg.Store
	ids, err := st.UnplannedImports(ctx, w.f.cfg.Now().Add(-planLookBack), maxPlanned)
	if err != nil {
		return err
	}
	for _, id := range ids {
		var n int
		if err := st.InTx(ctx, func(tx *postgres.Store) error {
			n, err = PlanImport(ctx, w.f.jobs, tx, id, w.f.cfg.OwnOnly)
			return err
		}); err != nil {
			return err
		}
		if n > 0 && w.f.cfg.Log != nil {
			w.f.cfg.Log.Info("follow: import planned", "import", id, "people", n)
		}
	}
	return st.ForgetFollowChanges(ctx, w.f.cfg.Now().Add(-7*24*time.Hour))
}
