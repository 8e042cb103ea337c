package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/benchdata"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// benchItems are the words of the bench lines' descriptions.
var benchItems = []string{"Farine de blé T65, sac 25 kg", "Levure fraîche 500 g", "Chai épicé 24 × 500 g",
	"Thé vert Sencha, sac 1 kg", "Moule à cake inox 30 cm", "Chocolat de couverture 70 %, 5 kg",
	"Bacs gastronormes GN 1/1 inox", "Vitrine réfrigérée 1,5 m"}

// withLines gives the bench portfolio its lines, as a line export would:
// two or three per order (2.5 on average), one in twenty short of stock
// with its restock date, the closed orders' shipped with a carrier and a
// tracking number; 5,000 items; and a credit position for every customer.
// Done once: the lines stay in orderbot_bench with its orders.
func withLines(b *testing.B, d *benchdata.Data) {
	b.Helper()
	ctx := context.Background()
	var lines int
	if err := d.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM order_lines`).Scan(&lines); err != nil {
		b.Fatal(err)
	}
	if lines >= d.Config.Orders*2 {
		return
	}
	b.Logf("adding about %d lines to orderbot_bench...", d.Config.Orders*5/2)
	start := time.Now()
	for _, sql := range []string{
		`TRUNCATE order_lines, customer_credit`,
		`INSERT INTO order_lines (order_id, line_no, item, description, quantity, available, restock_on, shipped, carrier, tracking)
		SELECT o.id, 10 * g, 'SKU-' || lpad(((o.id * 7 + g * 13) % 5000)::text, 5, '0'),
			($1::text[])[1 + ((o.id * 7 + g * 13) % 5000) % 8] || ' réf. ' || ((o.id * 7 + g * 13) % 5000),
			q, CASE WHEN short THEN floor(q / 3) ELSE q END,
			CASE WHEN short THEN current_date + (o.id % 30)::int END,
			CASE WHEN o.closed_at IS NOT NULL THEN q ELSE 0 END,
			CASE WHEN o.closed_at IS NOT NULL THEN 'DHL' ELSE '' END,
			CASE WHEN o.closed_at IS NOT NULL THEN '00340434' || lpad(o.id::text, 12, '0') ELSE '' END
		FROM orders o, generate_series(1, 2 + (o.id % 2)::int) g,
			LATERAL (SELECT (1 + (o.id + g) % 40)::numeric AS q, o.closed_at IS NULL AND (o.id + g) % 20 = 0 AS short) x`,
		`INSERT INTO customer_credit (customer_id, credit_limit, exposure, overdue, overdue_since, currency, as_of)
		SELECT id, 50000, 40000 + (id % 30) * 1000, (id % 7) * 150, current_date - (id % 60)::int, 'EUR', now() FROM customers`,
		`VACUUM ANALYZE order_lines, customer_credit`,
	} {
		args := []any{}
		if strings.Contains(sql, "$1") {
			args = append(args, benchItems)
		}
		if _, err := d.Store.Pool().Exec(ctx, sql, args...); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("lines added in %s", time.Since(start).Round(time.Second))
}

// BenchmarkOrderWithLines: one order with its lines and its customer's
// credit position, as an answer asks for it (target p99 ≤ 2 ms); and the
// whole answer made of it, all its lines asked and rendered for Slack.
func BenchmarkOrderWithLines(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	withLines(b, d)
	ctx := context.Background()
	b.Run("lookup", func(b *testing.B) {
		benchdata.Measure(b, d.Numbers, func(n string) error {
			_, err := d.Store.OrderByNumber(ctx, n)
			return err
		})
	})
	b.Run("answer", func(b *testing.B) {
		r := render.New(render.Options{Location: time.UTC, TrackingURLs: map[string]string{"dhl": "https://www.dhl.com/fr-fr/home/suivi.html?tracking-id={tracking}"}})
		benchdata.Measure(b, d.Numbers, func(n string) error {
			o, err := d.Store.OrderByNumber(ctx, n)
			if err != nil {
				return err
			}
			a := bot.Answer{Kind: bot.OrderFound, Lang: orders.French, At: time.Now(), Order: o,
				Question: understand.Question{Intent: understand.Order, Number: n, Lines: true}}
			if len(r.Slack(a).Blocks) == 0 {
				return fmt.Errorf("order %s: an empty answer", n)
			}
			return nil
		})
	})
	b.Run("pgbench", func(b *testing.B) { pgbenchOrderByNumber(b, d) })
}

// pgbenchOrderByNumber runs the SQL of OrderByNumber through pgbench,
// over every order of the bench portfolio.
func pgbenchOrderByNumber(b *testing.B, d *benchdata.Data) {
	script := fmt.Sprintf("\\set num 4520000000 + random(0, %d)\n", d.Config.Orders-1) +
		strings.NewReplacer("$1", ":num", "$2", ":num").Replace(postgres.OrderByNumberSQL) + ";\n"
	benchdata.Pgbench(b, d.URL, script)
}

// BenchmarkOrdersShortOf: who waits for an item, by its code or by words
// of its description, over the whole portfolio, first 15 with totals.
func BenchmarkOrdersShortOf(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	withLines(b, d)
	ctx := context.Background()
	var codes, words []string
	for i := range 500 {
		codes = append(codes, fmt.Sprintf("sku-%05d", (i*37)%5000))
		words = append(words, strings.Fields(benchItems[i%len(benchItems)])[0]+" réf. "+fmt.Sprint((i*37)%5000))
	}
	for name, items := range map[string][]string{"code": codes, "words": words} {
		b.Run(name, func(b *testing.B) {
			benchdata.Measure(b, items, func(item string) error {
				_, err := d.Store.OpenOrders(ctx, orders.OrderFilter{ShortOf: item, Limit: 15})
				return err
			})
		})
	}
}
