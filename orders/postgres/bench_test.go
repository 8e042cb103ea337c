package postgres_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/internal/benchdata"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// The store's benchmarks (make bench): see package benchdata for the
// portfolio they run over.

var benchPortfolio benchdata.Loader

// BenchmarkOrderByNumber: one order with its customer, rep, assistant,
// blocks and lines (target p99 ≤ 1 ms).
func BenchmarkOrderByNumber(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	ctx := context.Background()
	b.Run("orderbot", func(b *testing.B) {
		benchdata.Measure(b, d.Numbers, func(n string) error {
			_, err := d.Store.OrderByNumber(ctx, n)
			return err
		})
	})
	b.Run("pgbench", func(b *testing.B) { pgbenchOrderByNumber(b, d) })
}

// BenchmarkCustomersByName: the name search people use, over customers
// whose names share common French words (target p99 ≤ 15 ms).
func BenchmarkCustomersByName(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	ctx := context.Background()
	search := func(name string) error {
		_, err := d.Store.CustomersByName(ctx, name, 8)
		return err
	}
	b.Run("orderbot", func(b *testing.B) {
		benchdata.Measure(b, d.Names, search)
		// How often the customer meant is among the candidates, and first.
		var among, first int
		for i, typed := range d.Names {
			got, err := d.Store.CustomersByName(ctx, typed, 8)
			if err != nil {
				b.Fatal(err)
			}
			for j, m := range got {
				if m.Name == d.Meant[i] {
					among++
					if j == 0 || got[0].Name == m.Name {
						first++
					}
					break
				}
			}
		}
		b.ReportMetric(100*float64(among)/float64(len(d.Names)), "found-%")
		b.ReportMetric(100*float64(first)/float64(len(d.Names)), "first-%")
	})
	b.Run("orderbot-no-open-orders", func(b *testing.B) { benchdata.Measure(b, d.Asleep, search) })
	b.Run("pgbench", func(b *testing.B) {
		ctx := context.Background()
		if _, err := d.Store.Pool().Exec(ctx, `DROP TABLE IF EXISTS bench_names;
			CREATE TABLE bench_names (i int PRIMARY KEY, name text NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Store.Pool().Exec(ctx, `INSERT INTO bench_names SELECT i, n FROM unnest($1::text[]) WITH ORDINALITY AS t(n, i)`, d.Names); err != nil {
			b.Fatal(err)
		}
		script := fmt.Sprintf("\\set i random(1, %d)\nSELECT name AS query FROM bench_names WHERE i = :i \\gset\n", len(d.Names)) +
			strings.NewReplacer("$1", ":query", "$2", fmt.Sprint(orders.MinMatchScore), "$3", "8").Replace(postgres.OpenCustomerSearchSQL) + ";\n"
		benchdata.Pgbench(b, d.URL, script)
	})
}

// BenchmarkOpenOrdersOfRep: a rep's portfolio, blocked first, with totals.
func BenchmarkOpenOrdersOfRep(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	ctx := context.Background()
	ids := make([]string, len(d.Reps))
	for i, p := range d.Reps {
		ids[i] = fmt.Sprint(p.ID)
	}
	benchdata.Measure(b, ids, func(id string) error {
		n, _ := strconv.ParseInt(id, 10, 64)
		_, err := d.Store.OpenOrders(ctx, orders.OrderFilter{RepID: n, Limit: 15})
		return err
	})
}
