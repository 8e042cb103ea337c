package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Jobs is orderbot's queue of outbound work (messages to post or update,
// checks to run on a schedule), kept in PostgreSQL by River beside the
// data it comes from:
//
//   - a job is inserted in the transaction that makes it due (an import
//     plans its followers' messages in its own transaction): both land, or
//     neither;
//   - a job's args may carry a unique key (a field tagged
//     `river:"unique"`, with UniqueOpts{ByArgs: true}): the same key is
//     inserted once, however many replicas or retries try;
//   - a job is worked by one replica at a time; one that fails is retried
//     with River's growing backoff, up to its kind's attempts; one whose
//     replica died is rescued after RescueAfter and worked again, so a
//     worker that posts must find out whether its earlier attempt posted
//     (see bot/follow);
//   - periodic jobs run on the elected leader only, once per period.
//
// Build it with NewJobs, register workers and periodic jobs on the
// river.Workers and JobsConfig given to it, then Start it.
type Jobs struct {
	client *river.Client[pgx.Tx]
	log    *slog.Logger
}

// JobsConfig configures a Jobs queue.
type JobsConfig struct {
	// Workers holds the workers, registered with river.AddWorker; nil
	// makes a queue that only inserts (a CLI command).
	Workers *river.Workers
	// Periodic are the periodic jobs (see Every).
	Periodic []*river.PeriodicJob
	// MaxWorkers is how many jobs one replica works at once; default 10.
	MaxWorkers int
	// RescueAfter is how long a job may stay running before it is taken
	// for dead and worked again; default 30 s. It must exceed the longest
	// job: JobTimeout is set to two thirds of it.
	RescueAfter time.Duration
	// Replica names this process among River's clients; default River's.
	Replica string
	// Logger receives River's logs; default slog's.
	Logger *slog.Logger
	// PollInterval is how often a replica looks for due jobs besides the
	// notifications PostgreSQL sends at each insert; default 1 s.
	PollInterval time.Duration
}

// NewJobs returns the queue of store s.
func NewJobs(s *Store, cfg JobsConfig) (*Jobs, error) {
	if cfg.MaxWorkers <= 0 {
		cfg.MaxWorkers = 10
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	rc := &river.Config{
		ID:                   cfg.Replica,
		Logger:               cfg.Logger,
		PeriodicJobs:         cfg.Periodic,
		RescueStuckJobsAfter: cfg.RescueAfter,
		JobTimeout:           cfg.RescueAfter * 2 / 3,
		FetchPollInterval:    cfg.PollInterval,
		MaxAttempts:          10,
	}
	if cfg.Workers != nil {
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}}
	}
	c, err := river.NewClient(riverpgxv5.New(s.pool), rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Jobs{client: c, log: cfg.Logger}, nil
}

// Every returns a periodic job inserting args every period (the first at
// start), unique per period: two leaders in turn insert it once.
func Every(period time.Duration, args func() river.JobArgs) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(period), func() (river.JobArgs, *river.InsertOpts) {
		return args(), &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: period}}
	}, &river.PeriodicJobOpts{RunOnStart: true})
}

// Start starts working jobs until Stop; a queue without workers has
// nothing to start.
func (j *Jobs) Start(ctx context.Context) error {
	if err := j.client.Start(ctx); err != nil {
		return fmt.Errorf("job queue: start: %w", err)
	}
	return nil
}

// Stop lets the jobs in hand finish, for as long as ctx allows, then
// cancels them: a job cut short is worked again.
func (j *Jobs) Stop(ctx context.Context) error {
	err := j.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = j.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	if err != nil {
		return fmt.Errorf("job queue: stop: %w", err)
	}
	return nil
}

// Enqueue inserts a job, in st's transaction when st is one (InTx), and
// reports whether it was inserted: false when a job with the same unique
// key was inserted before.
func (j *Jobs) Enqueue(ctx context.Context, st *Store, args river.JobArgs, opts *river.InsertOpts) (bool, error) {
	var n int
	err := j.withTx(ctx, st, func(tx pgx.Tx) error {
		res, err := j.client.InsertTx(ctx, tx, args, opts)
		if err == nil && !res.UniqueSkippedAsDuplicate {
			n = 1
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return n == 1, nil
}

// EnqueueMany inserts jobs like Enqueue, in one statement, and returns how
// many were inserted (the others had a unique key inserted before).
func (j *Jobs) EnqueueMany(ctx context.Context, st *Store, jobs []river.InsertManyParams) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	var n int
	err := j.withTx(ctx, st, func(tx pgx.Tx) error {
		res, err := j.client.InsertManyTx(ctx, tx, jobs)
		for _, r := range res {
			if !r.UniqueSkippedAsDuplicate {
				n++
			}
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue %d %s jobs: %w", len(jobs), jobs[0].Args.Kind(), err)
	}
	return n, nil
}

// withTx runs fn in st's transaction, or in one of its own.
func (j *Jobs) withTx(ctx context.Context, st *Store, fn func(pgx.Tx) error) error {
	if tx, ok := st.db.(pgx.Tx); ok {
		return fn(tx)
	}
	return pgx.BeginFunc(ctx, st.pool, fn)
}

// Client returns the River client, for what Jobs does not cover (listing
// jobs, subscribing to their events in tests).
func (j *Jobs) Client() *river.Client[pgx.Tx] { return j.client }
