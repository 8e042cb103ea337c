package postgres_test

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestMigrationsRace: several processes starting together on a new
// database migrate it once, without error.
func TestMigrationsRace(t *testing.T) {
	t.Parallel()
	url := server.NewEmptyDatabase(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			st, err := postgres.Open(context.Background(), url, 2)
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			errs[i] = st.Migrate(context.Background())
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	st, err := postgres.Open(context.Background(), url, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ok, err := st.SchemaCurrent(context.Background()); err != nil || !ok {
		t.Errorf("schema current %v, %v", ok, err)
	}
	empty := server.NewEmptyDatabase(t)
	st2, err := postgres.Open(context.Background(), empty, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if ok, _ := st2.SchemaCurrent(context.Background()); ok {
		t.Error("a database never migrated is current")
	}
}

// TestImportKilledMidway: an import whose process dies (its context
// cancelled) halfway through its rows leaves the store as it was.
func TestImportKilledMidway(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	_, err := f.st.ImportOrders(ctx, postgres.ImportRequest{Source: "killed.csv", Profile: "test", AsOf: time.Now(),
		PeopleBy: orders.ByEmail, MaxProblems: 10}, func() (orders.Entry, error) {
		n++
		switch {
		case n == 500:
			cancel() // killed
		case n > 1000:
			return orders.Entry{}, io.EOF
		}
		return orders.Entry{Line: n, Number: fmt.Sprintf("45%08d", n), CustomerCode: "C001234", Status: orders.StatusOpen,
			Currency: "EUR", AmountCents: 100}, nil
	})
	// The error depends on where the cancellation lands (the context, or
	// the connection it closed); what counts is that nothing is applied.
	if err == nil {
		t.Fatal("a killed import succeeds")
	}
	var orders_, runs int
	if err := f.st.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM import_runs)`).
		Scan(&orders_, &runs); err != nil {
		t.Fatal(err)
	}
	if orders_ != 0 || runs != 0 {
		t.Errorf("after a killed import: %d orders, %d runs; want none", orders_, runs)
	}
}
