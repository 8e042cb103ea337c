package postgres_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// indexDefs lists the definitions of the schema's indexes.
func (f *fixture) indexDefs() []string {
	f.t.Helper()
	rows, err := f.st.Pool().Query(f.ctx, `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var defs []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			f.t.Fatal(err)
		}
		defs = append(defs, d)
	}
	return defs
}

// TestFirstLoadBuildsItsIndexesOnceItsRowsAreIn: a first load builds the
// search indexes of customers, orders, blocks and history once its rows
// are in, within its transaction: a first load that fails after that step,
// is cancelled, or whose session is killed, leaves every index as it was
// and nothing written; one that succeeds leaves the same indexes, through
// which the new customers and block reasons are found.
func TestFirstLoadBuildsItsIndexesOnceItsRowsAreIn(t *testing.T) {
	f := setup(t)
	before := f.indexDefs()
	es := portfolio(30)
	es[3] = entry("4500000903", "C777", orders.StatusCreditLimit, orders.StatusCreditLimit)
	es[3].CustomerName, es[3].BlockReason = "Fromagerie Lefèvre-Gaudin", "encours dépassé de 12 400 €"
	es[3].Blocks[0].Reason = es[3].BlockReason

	failed := errors.New("the next step failed")
	killed := 0
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	for i, then := range []func(context.Context, *postgres.Store, *postgres.ImportReport) error{
		func(context.Context, *postgres.Store, *postgres.ImportReport) error { return failed },
		func(context.Context, *postgres.Store, *postgres.ImportReport) error { cancel(); return ctx.Err() },
		// The import's session dies, as when its process is killed or
		// PostgreSQL stops it.
		func(context.Context, *postgres.Store, *postgres.ImportReport) error {
			killed = f.count(`SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND state = 'idle in transaction') k`)
			return nil
		},
	} {
		if i == 2 {
			ctx = f.ctx
		}
		_, err := f.st.ImportOrders(ctx, postgres.ImportRequest{Source: "export.csv", Snapshot: true, AsOf: f.now,
			PeopleBy: orders.ByEmail, MaxCloseShare: 0.3, Then: then}, entries(es...))
		if err == nil {
			t.Fatal("a first load whose last step failed succeeds")
		}
		if n := f.count(`SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM import_runs) + (SELECT count(*) FROM order_blocks)`); n != 0 {
			t.Errorf("after a failed first load (%v): %d rows written", err, n)
		}
		if after := f.indexDefs(); !slices.Equal(before, after) {
			t.Errorf("after a failed first load (%v) the indexes are\n%q\nwant\n%q", err, after, before)
		}
	}
	if killed != 1 {
		t.Errorf("%d import sessions killed, want 1", killed)
	}

	rep, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, es...)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.FirstLoad || rep.Created != len(es) {
		t.Fatalf("report %+v", rep)
	}
	if after := f.indexDefs(); !slices.Equal(before, after) {
		t.Errorf("after a first load the indexes are\n%q\nwant\n%q", after, before)
	}
	found, err := f.st.CustomersByName(f.ctx, "fromagerie lefevre", 5)
	if err != nil || len(found) == 0 || found[0].Customer.Code != "C777" {
		t.Errorf("customers by name after a first load: %+v, %v", found, err)
	}
	if n := f.count(`SELECT count(*) FROM order_blocks WHERE reason_words @> ARRAY['encours', 'depasse']`); n != 1 {
		t.Errorf("%d blocks found by their reason's words, want 1", n)
	}
	// The planner knows the tables' sizes: the first questions are not
	// planned for empty tables.
	if n := f.count(`SELECT reltuples::integer FROM pg_class WHERE oid = 'orders'::regclass`); n != len(es) {
		t.Errorf("the planner counts %d orders, want %d", n, len(es))
	}
}

// TestQuestionDuringAFirstLoadWaitsForIt: while a first load builds its
// indexes, a question about the orders waits for it to commit (the store
// held no order before), then sees the whole portfolio.
func TestQuestionDuringAFirstLoadWaitsForIt(t *testing.T) {
	f := setup(t)
	es := portfolio(20)
	type answer struct {
		o   orders.Order
		err error
	}
	answered := make(chan answer, 1)
	then := func(ctx context.Context, _ *postgres.Store, _ *postgres.ImportReport) error {
		go func() {
			o, err := f.st.OrderByNumber(context.Background(), es[5].Number)
			answered <- answer{o, err}
		}()
		// The question waits on the first load's locks.
		deadline := time.Now().Add(20 * time.Second)
		for f.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) == 0 {
			select {
			case a := <-answered:
				return errors.New("the question was answered during the first load: " + a.o.Number)
			default:
			}
			if time.Now().After(deadline) {
				return errors.New("no question waits for the first load")
			}
			time.Sleep(20 * time.Millisecond)
		}
		return nil
	}
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true, Then: then}, es...); err != nil {
		t.Fatal(err)
	}
	a := <-answered
	if a.err != nil || a.o.Number != es[5].Number {
		t.Errorf("the question asked during the first load got %+v, %v; want order %s", a.o, a.err, es[5].Number)
	}
}
