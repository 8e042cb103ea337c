package follow_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/follow"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// benchOrders is the size of the import BenchmarkImportPlansFollows
// measures: every order changes, and each has two followers.
const benchOrders = 10000

// benchExport is a day's export of benchOrders orders, all blocked on
// odd days and all released on even ones.
func benchExport(day int) func() (orders.Entry, error) {
	i := 0
	return func() (orders.Entry, error) {
		if i == benchOrders {
			return orders.Entry{}, io.EOF
		}
		i++
		e := orders.Entry{Line: i + 1, Number: fmt.Sprintf("45%08d", i), CustomerCode: fmt.Sprintf("C%04d", i%500),
			CustomerName: fmt.Sprintf("Client %04d", i%500), Status: orders.StatusOpen, AmountCents: int64(i) * 100, Currency: "EUR"}
		if day%2 == 1 {
			e.Status, e.BlockReason = orders.StatusCreditLimit, "Encours dépassé"
			e.Blocks = []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "Encours dépassé"}}
		}
		return e, nil
	}
}

// BenchmarkImportPlansFollows: an import changing benchOrders followed
// orders (two followers each, 200 people) plans every follower's message
// in its own transaction (follow.PlanImport as its Then), beside the same
// import of a store nobody follows. It reports x-unfollowed, the ratio of
// the two imports' times (the target is at most 2). Run it with
// `go test -run '^$' -bench ImportPlansFollows -benchtime 3x ./bot/follow/`.
func BenchmarkImportPlansFollows(b *testing.B) {
	ctx := context.Background()
	plain, followed := server.Store(b), server.Store(b)
	jobs, err := postgres.NewJobs(followed, postgres.JobsConfig{})
	if err != nil {
		b.Fatal(err)
	}
	asOf := time.Now().AddDate(0, 0, -30) // each round a day later
	imp := func(st *postgres.Store, day int, then func(context.Context, *postgres.Store, *postgres.ImportReport) error) time.Duration {
		start := time.Now()
		if _, err := st.ImportOrders(ctx, postgres.ImportRequest{Source: "export.csv", AsOf: asOf.AddDate(0, 0, day),
			MaxCloseShare: 0.5, PeopleBy: orders.ByEmail, NumberColumn: "N° commande", Then: then}, benchExport(day)); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	imp(plain, 0, nil)
	imp(followed, 0, nil)
	if _, err := followed.Pool().Exec(ctx, `INSERT INTO people (email, name, role, slack_user_id)
			SELECT 'rep' || i || '@example.fr', 'Rep ' || i, 'rep', 'U0BENCH' || i FROM generate_series(1, 200) i;
		INSERT INTO follows (person_id, order_id)
			SELECT p.id, o.id FROM orders o JOIN people p
				ON p.email IN ('rep' || (o.id % 100 + 1) || '@example.fr', 'rep' || (o.id % 100 + 101) || '@example.fr')`); err != nil {
		b.Fatal(err)
	}
	plan := func(ctx context.Context, tx *postgres.Store, rep *postgres.ImportReport) error {
		n, err := follow.PlanImport(ctx, jobs, tx, rep.RunID, false)
		if err == nil && n != 200 {
			err = fmt.Errorf("%d people to tell, want 200", n)
		}
		return err
	}
	b.ResetTimer()
	var without, with time.Duration
	for i := range b.N {
		without += imp(plain, i+1, nil)
		with += imp(followed, i+1, plan)
	}
	b.StopTimer()
	var planned int
	if err := followed.Pool().QueryRow(ctx, `SELECT count(*) FROM follow_changes`).Scan(&planned); err != nil {
		b.Fatal(err)
	}
	if planned != 2*benchOrders*b.N {
		b.Fatalf("%d changes planned, want %d", planned, 2*benchOrders*b.N)
	}
	b.ReportMetric(without.Seconds()/float64(b.N), "unfollowed-s")
	b.ReportMetric(with.Seconds()/float64(b.N), "followed-s")
	b.ReportMetric(with.Seconds()/without.Seconds(), "x-unfollowed")
}
