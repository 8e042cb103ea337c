package postgres_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/orderbot/orderbot/orders/postgres"
)

// TestRiverSchemaMigration: the goose migration holds River's migrations
// as the River in go.mod ships them, and River's migrator finds them all
// applied; a River upgrade with a new migration fails here until a
// migration of ours applies it.
func TestRiverSchemaMigration(t *testing.T) {
	t.Parallel()
	st := server.Store(t)
	ctx := context.Background()
	m, err := rivermigrate.New(riverpgxv5.New(st.Pool()), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK {
		t.Fatalf("River's migrations not all applied: %v", res.Messages)
	}
	file, err := os.ReadFile("migrations/00017_jobs_and_follows.sql")
	if err != nil {
		t.Fatal(err)
	}
	// The file splits River's migration 4 in two (see its head).
	body := strings.ReplaceAll(string(file), "-- +goose StatementEnd\n-- +goose StatementBegin\n", "")
	for _, v := range m.AllVersions() {
		up := strings.TrimSpace(strings.ReplaceAll(v.SQLUp, "/* TEMPLATE: schema */", ""))
		if !strings.Contains(body, up) {
			t.Errorf("River's migration %d (%s) is not in 00017_jobs_and_follows.sql as River ships it", v.Version, v.Name)
		}
	}
}

// noticeArgs is a job of the tests: a message to one person.
type noticeArgs struct {
	Key    string `json:"key" river:"unique"`
	Person string `json:"person"`
}

func (noticeArgs) Kind() string { return "test_notice" }

func (noticeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// noticeWorker counts the jobs it works, failing the first tries of each
// when fail says so.
type noticeWorker struct {
	river.WorkerDefaults[noticeArgs]
	done  chan string
	tries atomic.Int32
	fail  int32
}

func (w *noticeWorker) Work(_ context.Context, job *river.Job[noticeArgs]) error {
	if w.tries.Add(1) <= w.fail {
		return errors.New("Slack answered 503")
	}
	w.done <- job.Args.Key
	return nil
}

// NextRetry retries at once, so that the test does not wait for River's
// backoff.
func (w *noticeWorker) NextRetry(*river.Job[noticeArgs]) time.Time { return time.Now() }

func TestJobsInsertedWithTheirTransactionOnceByKey(t *testing.T) {
	t.Parallel()
	st := server.Store(t)
	ctx := context.Background()
	w := &noticeWorker{done: make(chan string, 10), fail: 1}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	jobs, err := postgres.NewJobs(st, postgres.JobsConfig{Workers: workers, PollInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// A transaction rolled back takes its job with it.
	rollback := errors.New("import refused")
	err = st.InTx(ctx, func(tx *postgres.Store) error {
		if _, err := jobs.Enqueue(ctx, tx, noticeArgs{Key: "import:7:person:3"}, nil); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("jobs after a rollback: %d, %v; want 0", n, err)
	}
	// The same key twice, in a transaction and out: one job.
	if err := st.InTx(ctx, func(tx *postgres.Store) error {
		ok, err := jobs.Enqueue(ctx, tx, noticeArgs{Key: "import:8:person:3"}, nil)
		if !ok && err == nil {
			err = errors.New("first insert skipped")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if ok, err := jobs.Enqueue(ctx, st, noticeArgs{Key: "import:8:person:3"}, nil); ok || err != nil {
		t.Fatalf("second insert of a key: %v, %v; want skipped", ok, err)
	}
	if n, err := jobs.EnqueueMany(ctx, st, []river.InsertManyParams{{Args: noticeArgs{Key: "import:8:person:3"}},
		{Args: noticeArgs{Key: "import:8:person:4"}}}); n != 1 || err != nil {
		t.Fatalf("many: %d inserted, %v; want 1", n, err)
	}
	if err := jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = jobs.Stop(ctx) }()
	got := map[string]int{}
	for range 2 {
		select {
		case k := <-w.done:
			got[k]++
		case <-time.After(30 * time.Second):
			t.Fatalf("jobs worked: %v; want both keys", got)
		}
	}
	if got["import:8:person:3"] != 1 || got["import:8:person:4"] != 1 {
		t.Fatalf("jobs worked: %v", got)
	}
	// The failed first try was retried.
	if w.tries.Load() != 3 {
		t.Fatalf("tries: %d; want 3 (one failed, retried)", w.tries.Load())
	}
}

// tickArgs is a periodic job of the tests.
type tickArgs struct{}

func (tickArgs) Kind() string { return "test_tick" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	ticks chan struct{}
}

func (w *tickWorker) Work(context.Context, *river.Job[tickArgs]) error {
	w.ticks <- struct{}{}
	return nil
}

func TestPeriodicJobRunsOnTheLeader(t *testing.T) {
	t.Parallel()
	st := server.Store(t)
	ctx := context.Background()
	w := &tickWorker{ticks: make(chan struct{}, 10)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	jobs, err := postgres.NewJobs(st, postgres.JobsConfig{Workers: workers, PollInterval: 200 * time.Millisecond,
		Periodic: []*river.PeriodicJob{postgres.Every(time.Hour, func() river.JobArgs { return tickArgs{} })}})
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = jobs.Stop(ctx) }()
	select {
	case <-w.ticks:
	case <-time.After(30 * time.Second):
		t.Fatal("the periodic job never ran")
	}
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'test_tick'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("periodic jobs inserted: %d, %v; want 1", n, err)
	}
}
