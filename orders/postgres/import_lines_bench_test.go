package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders/ingest"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

// BenchmarkImportLines measures a lines import as `orderbot import lines`
// runs it (the French export read through its profile, then applied),
// beside PostgreSQL's own COPY of the same file into an unlogged table:
// the re-import of 2.5 lines per order of a generated portfolio with 5% of
// the lines changed (then back, alternately: every import changes 5%). It reports
// x-copy (the target is at most 4) and the Go heap's peak while importing.
//
// ORDERBOT_BENCH_LINE_ORDERS sets the portfolio's size (2,000,000 orders,
// so 5,000,000 lines, by default); the portfolio is generated once into the
// database orderbot_lines_bench and kept while its size matches.
func BenchmarkImportLines(b *testing.B) {
	ctx := context.Background()
	lb := &linesBenchSetup
	lb.once.Do(func() { lb.prepare(ctx, b) })
	if lb.st == nil {
		b.Fatal("the benchmark's portfolio could not be prepared")
	}
	st, base, changed, rows, n, copyTook, first, profile := lb.st, lb.base, lb.changed, lb.rows, lb.orders, lb.copyTook, lb.first, lb.profile

	var peak atomic.Uint64
	stop := sampleHeap(&peak)
	b.ResetTimer()
	var took time.Duration
	var rep postgres.LinesReport
	for range b.N {
		// Each import is of the other export than the last: 5% of the
		// lines change every time.
		file := changed
		if lb.last == changed {
			file = base
		}
		lb.last = file
		var d time.Duration
		d, rep = importLinesFile(ctx, b, st, file, profile)
		took += d
	}
	b.StopTimer()
	stop()
	perRun := took / time.Duration(b.N)
	b.ReportMetric(float64(rows)/perRun.Seconds(), "lines/s")
	b.ReportMetric(copyTook.Seconds(), "copy-s")
	b.ReportMetric(perRun.Seconds()/copyTook.Seconds(), "x-copy")
	b.ReportMetric(first.Seconds()/copyTook.Seconds(), "first-x-copy")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.Logf("%d lines of %d orders: COPY %.2fs; first load %.2fs (%.2f × COPY); re-import with 5%% changed %.2fs (%.2f × COPY): %+v",
		rows, n, copyTook.Seconds(), first.Seconds(), first.Seconds()/copyTook.Seconds(), perRun.Seconds(), perRun.Seconds()/copyTook.Seconds(), rep.Phases)
}

// linesBench is what the rounds of BenchmarkImportLines share: the
// portfolio, the two exports, the time of their COPY and of the first
// load, prepared once per test binary.
type linesBench struct {
	once            sync.Once
	st              *postgres.Store
	base, changed   string
	rows, orders    int
	copyTook, first time.Duration
	profile         ingest.Profile
	last            string // the export imported last
}

var linesBenchSetup linesBench

// prepare generates the portfolio and the exports, times COPY, and loads
// the first export into a store without lines.
func (lb *linesBench) prepare(ctx context.Context, b *testing.B) {
	lb.orders = 2_000_000
	if v, err := strconv.Atoi(os.Getenv("ORDERBOT_BENCH_LINE_ORDERS")); err == nil && v > 0 {
		lb.orders = v
	}
	st, url := linesBenchPortfolio(ctx, b, lb.orders)
	// One folder, written over by each run: the exports are large, and
	// the rounds of the benchmark share them.
	dir := filepath.Join(os.TempDir(), "orderbot-lines-bench")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	lb.base, lb.changed = filepath.Join(dir, "lignes.csv"), filepath.Join(dir, "lignes-5pc.csv")
	lb.rows = writeLinesExport(ctx, b, st, lb.base, false)
	writeLinesExport(ctx, b, st, lb.changed, true)
	lb.copyTook = copyLinesFile(ctx, b, url, lb.changed)
	lb.profile = ingest.Profile{Kind: "lines", Separator: ";", Decimal: ",", DateFormat: "dd/mm/yyyy", Columns: map[string]string{
		"number": "N° commande", "line": "N° ligne", "item": "Article", "description": "Désignation",
		"quantity": "Qté commandée", "available": "Qté dispo", "restock_on": "Date réappro", "carrier": "Transporteur"}}
	if _, err := st.Pool().Exec(ctx, `TRUNCATE order_lines, line_history`); err != nil {
		b.Fatal(err)
	}
	var rep postgres.LinesReport
	lb.first, rep = importLinesFile(ctx, b, st, lb.base, lb.profile)
	b.Logf("first load of %d lines: %.2fs: %+v", lb.rows, lb.first.Seconds(), rep.Phases)
	// As autovacuum would between the first load and the daily re-imports.
	if _, err := st.Pool().Exec(ctx, `VACUUM ANALYZE order_lines, line_digests`); err != nil {
		b.Fatal(err)
	}
	lb.st, lb.last = st, lb.base
}

// linesBenchPortfolio returns a store holding a generated portfolio of n
// orders, generated the first time.
func linesBenchPortfolio(ctx context.Context, b *testing.B, n int) (*postgres.Store, string) {
	url, err := server.Database(ctx, "orderbot_lines_bench")
	if err != nil {
		b.Fatal(err)
	}
	st, err := postgres.Open(ctx, url, 4)
	if err != nil {
		b.Fatal(err)
	}
	var have int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have != n {
		cfg := sample.DefaultGenConfig()
		cfg.Orders, cfg.Customers = n, max(100, n/20)
		cfg.Now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		gen, err := sample.NewGenerator(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Truncate(ctx); err != nil {
			b.Fatal(err)
		}
		if err := gen.Load(ctx, st, 20000); err != nil {
			b.Fatal(err)
		}
		if _, err := st.Pool().Exec(ctx, `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	return st, url
}

// writeLinesExport writes a French line export of 2.5 lines per order of
// the store, as PostgreSQL's COPY writes it (so that generating it costs
// little): one line in twelve short, with a restock date; changed changes
// one line in twenty (its carrier, and when short its restock date). It
// returns the lines written.
func writeLinesExport(ctx context.Context, b *testing.B, st *postgres.Store, path string, changed bool) int {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	conn, err := st.Pool().Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	shift := 0
	if changed {
		shift = 1
	}
	tag, err := conn.Conn().PgConn().CopyTo(ctx, f, fmt.Sprintf(`COPY (
		SELECT o.number AS "N° commande", g.n AS "N° ligne", 'ART-' || (o.id * 7 + g.n) %% 5000 AS "Article",
			'Article ' || (o.id * 7 + g.n) %% 5000 || ' carton de 12' AS "Désignation",
			replace((1 + (o.id + g.n) %% 40)::text || '.5', '.', ',') AS "Qté commandée",
			CASE WHEN (o.id + g.n) %% 12 = 0 THEN ((o.id * 3 + g.n) %% 15)::text
				ELSE replace((1 + (o.id + g.n) %% 40)::text || '.5', '.', ',') END AS "Qté dispo",
			CASE WHEN (o.id + g.n) %% 12 = 0 THEN to_char(date '2026-12-01' + ((o.id + g.n) %% 30)::int
				+ CASE WHEN (o.id * 31 + g.n) %% 20 = 0 THEN %[1]d * 7 ELSE 0 END, 'DD/MM/YYYY') ELSE '' END AS "Date réappro",
			CASE WHEN (o.id * 31 + g.n) %% 20 = 0 THEN 'Modifié ' || %[1]d ELSE '' END AS "Transporteur"
		FROM orders o CROSS JOIN LATERAL generate_series(1, 2 + (o.id %% 2)::int) g(n)
		ORDER BY o.id, g.n) TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER)`, shift))
	if err != nil {
		b.Fatal(err)
	}
	return int(tag.RowsAffected())
}

// copyLinesFile times PostgreSQL's own COPY of the file into an unlogged
// table of text columns.
func copyLinesFile(ctx context.Context, b *testing.B, url, path string) time.Duration {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS bench_lines_copy; CREATE UNLOGGED TABLE bench_lines_copy (
		number text, line_no text, item text, description text, quantity text, available text, restock_on text,
		carrier text)`); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	if _, err := conn.PgConn().CopyFrom(ctx, f, `COPY bench_lines_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER)`); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	if _, err := conn.Exec(ctx, `DROP TABLE bench_lines_copy`); err != nil {
		b.Fatal(err)
	}
	return took
}

// importLinesFile imports the lines export at path as the command does.
func importLinesFile(ctx context.Context, b *testing.B, st *postgres.Store, path string, p ingest.Profile) (time.Duration, postgres.LinesReport) {
	start := time.Now()
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			_ = c.Close()
		}
	}()
	open := func() (func() (postgres.LineRow, error), error) {
		r, err := ingest.OpenLines(ctx, path, p, ingest.Limits{})
		if err != nil {
			return nil, err
		}
		closers = append(closers, r)
		return func() (postgres.LineRow, error) {
			l, err := r.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					b.Errorf("read: %v", err)
				}
				return postgres.LineRow{}, err
			}
			return postgres.LineRow{Row: l.Row, Order: l.Order, Line: l.Line}, nil
		}, nil
	}
	next, err := open()
	if err != nil {
		b.Fatal(err)
	}
	rep, err := st.ImportLines(ctx, postgres.ImportRequest{Source: path, Profile: "bench"}, postgres.LineSource{Next: next, Reopen: open})
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start), rep
}

// sampleHeap records the Go heap's peak in peak until stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-finished }
}
