package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

// BenchmarkImportSnapshot measures the orders import through the orderbot
// binary as an operator runs it, for each size of ORDERBOT_BENCH_IMPORT_ROWS
// (a comma-separated list of row counts; 1,000,000 by default), beside
// PostgreSQL's own COPY of the same file into an unlogged table measured in
// the same run:
//
//   - the first load of a generated open portfolio into an empty store
//     (100,000 customers, their search words and indexes included);
//   - the snapshot re-import of the same portfolio with 5% of the statuses
//     changed (then back, alternately, for b.N > 1);
//   - each import's steps (load, compare, apply, derived indexes) as the
//     import's -v output gives them, and its process's peak memory;
//   - order lookups by number while a re-import applies, their p99 beside
//     the p99 of the same lookups with nothing else running.
//
// Run by `make bench`.
func BenchmarkImportSnapshot(b *testing.B) {
	sizes := []int{1_000_000}
	if v := os.Getenv("ORDERBOT_BENCH_IMPORT_ROWS"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("ORDERBOT_BENCH_IMPORT_ROWS=%q: want row counts separated by commas", v)
			}
			sizes = append(sizes, n)
		}
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "orderbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build orderbot: %v\n%s", err, out)
	}
	for _, rows := range sizes {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) { benchImport(b, bin, rows) })
	}
}

// importBench is one size's store, files and binary.
type importBench struct {
	b             *testing.B
	ctx           context.Context
	bin, url, cfg string
	base, changed string
	rows          int
}

// importRun is what one run of `orderbot import orders -v` took.
type importRun struct {
	took   time.Duration
	peakMB int64
	steps  map[string]time.Duration
}

func benchImport(b *testing.B, bin string, rows int) {
	ib := &importBench{b: b, ctx: context.Background(), bin: bin, rows: rows}
	dir := b.TempDir()
	var err error
	if ib.url, err = server.Database(ib.ctx, "orderbot_import_bench"); err != nil {
		b.Fatal(err)
	}
	st, err := postgres.Open(ib.ctx, ib.url, 1)
	if err != nil {
		b.Fatal(err)
	}
	err = st.Truncate(ib.ctx)
	st.Close()
	if err != nil {
		b.Fatal(err)
	}
	ib.cfg = filepath.Join(dir, "orderbot.yaml")
	if err := os.WriteFile(ib.cfg, []byte(benchProfile), 0o644); err != nil {
		b.Fatal(err)
	}
	ib.base, ib.changed = filepath.Join(dir, "base.csv"), filepath.Join(dir, "changed.csv")
	if err := writeBenchExport(ib.base, ib.changed, rows); err != nil {
		b.Fatal(err)
	}
	copyTook := ib.copyFile(ib.changed)
	first := ib.run(ib.base) // the portfolio, as it stood yesterday
	// The vacuum that autovacuum would run after a first load, before the
	// daily re-imports: not timed, and not left to run during them.
	ib.vacuum()

	b.ResetTimer()
	var re importRun
	for i := range b.N {
		file := ib.changed
		if i%2 == 1 {
			file = ib.base
		}
		r := ib.run(file)
		re.took += r.took
		re.peakMB = max(re.peakMB, r.peakMB)
		re.steps = r.steps
	}
	b.StopTimer()
	perRun := re.took / time.Duration(b.N)
	idle, busy := ib.lookupsDuringImport()

	b.ReportMetric(float64(rows)/perRun.Seconds(), "rows/s")
	b.ReportMetric(float64(re.peakMB), "peak-MB")
	b.ReportMetric(float64(rows)/copyTook.Seconds(), "copy-rows/s")
	b.ReportMetric(copyTook.Seconds(), "copy-s")
	b.ReportMetric(perRun.Seconds()/copyTook.Seconds(), "x-copy")
	b.ReportMetric(first.took.Seconds(), "first-s")
	b.ReportMetric(first.took.Seconds()/copyTook.Seconds(), "first-x-copy")
	b.ReportMetric(float64(first.peakMB), "first-peak-MB")
	for _, s := range importSteps {
		b.ReportMetric(first.steps[s].Seconds(), "first-"+s+"-s")
		b.ReportMetric(re.steps[s].Seconds(), "re-"+s+"-s")
	}
	b.ReportMetric(idle, "lookup-idle-p99-ms")
	b.ReportMetric(busy, "lookup-import-p99-ms")
	b.Logf("%d rows: COPY %.2fs; first load %.2fs (%.1f × COPY, peak %d MB): %s; re-import %.2fs (%.2f × COPY, peak %d MB): %s; "+
		"order lookup p99 %.2f ms idle, %.2f ms during a re-import",
		rows, copyTook.Seconds(), first.took.Seconds(), first.took.Seconds()/copyTook.Seconds(), first.peakMB,
		stepList(first.steps, copyTook), perRun.Seconds(), perRun.Seconds()/copyTook.Seconds(), re.peakMB,
		stepList(re.steps, copyTook), idle, busy)
}

// importSteps are the steps an import's -v output names, in order.
var importSteps = []string{"load", "compare", "apply", "derived", "report"}

// stepList writes each step's time and its ratio to COPY's.
func stepList(steps map[string]time.Duration, copyTook time.Duration) string {
	var parts []string
	for _, s := range importSteps {
		if d, ok := steps[s]; ok {
			parts = append(parts, fmt.Sprintf("%s %.2fs (%.2f × COPY)", s, d.Seconds(), d.Seconds()/copyTook.Seconds()))
		}
	}
	return strings.Join(parts, ", ")
}

// run imports file through the binary and reads its steps from -v.
func (ib *importBench) run(file string) importRun {
	b := ib.b
	b.Helper()
	cmd := exec.Command(ib.bin, "--config", ib.cfg, "import", "orders", file, "--profile", "bench", "--force", "-v")
	cmd.Env = append(os.Environ(), "ORDERBOT_DATABASE_URL="+ib.url)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r := importRun{took: time.Since(start), steps: map[string]time.Duration{}}
	if err != nil {
		b.Fatalf("import %s: %v\n%s", file, err, out)
	}
	r.peakMB = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss / 1024
	for _, l := range strings.Split(string(out), "\n") {
		list, ok := strings.CutPrefix(strings.TrimSpace(l), "Steps: ")
		if !ok {
			continue
		}
		for _, part := range strings.Split(strings.TrimSuffix(list, "."), ", ") {
			name, took, _ := strings.Cut(part, " ")
			if d, err := time.ParseDuration(took); err == nil {
				r.steps[name] += d
			}
		}
	}
	return r
}

// vacuum vacuums and analyzes the store's tables.
func (ib *importBench) vacuum() {
	conn, err := pgx.Connect(ib.ctx, ib.url)
	if err != nil {
		ib.b.Fatal(err)
	}
	defer conn.Close(ib.ctx)
	if _, err := conn.Exec(ib.ctx, `VACUUM (ANALYZE) orders, order_blocks, status_history, customers, customer_words`); err != nil {
		ib.b.Fatal(err)
	}
}

// copyFile times PostgreSQL's own COPY of file into an unlogged table.
func (ib *importBench) copyFile(file string) time.Duration {
	b := ib.b
	conn, err := pgx.Connect(ib.ctx, ib.url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ib.ctx)
	if _, err := conn.Exec(ib.ctx, `DROP TABLE IF EXISTS bench_copy; CREATE UNLOGGED TABLE bench_copy (
		number text, customer_code text, customer_name text, customer_ref text, rep text, assistant text,
		status text, reason text, amount text, ordered_on text, requested_on text, promised_on text,
		credit text, delivery text)`); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	if _, err := conn.PgConn().CopyFrom(ib.ctx, f, `COPY bench_copy FROM STDIN (FORMAT csv, HEADER true, DELIMITER ';', ENCODING 'WIN1252')`); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	if _, err := conn.Exec(ib.ctx, `DROP TABLE bench_copy`); err != nil {
		b.Fatal(err)
	}
	return took
}

// lookupsDuringImport looks orders up by number, one after the other,
// first with nothing else running, then while the binary re-imports the
// base export (5% of the statuses change back), and returns the p99 of
// each in milliseconds.
func (ib *importBench) lookupsDuringImport() (idle, busy float64) {
	b := ib.b
	st, err := postgres.Open(ib.ctx, ib.url, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	numbers, err := benchNumbers(ib.ctx, ib.url, 10_000)
	if err != nil {
		b.Fatal(err)
	}
	lookup := func(i int) time.Duration {
		start := time.Now()
		if _, err := st.OrderByNumber(ib.ctx, numbers[i%len(numbers)]); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var took []time.Duration
	for i := range 2000 {
		took = append(took, lookup(i))
	}
	idle = p99ms(took)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ib.run(ib.base)
	}()
	took = took[:0]
	for i := 0; ; i++ {
		select {
		case <-done:
			return idle, p99ms(took)
		default:
		}
		took = append(took, lookup(i))
	}
}

// benchNumbers picks n order numbers of the store, spread over it.
func benchNumbers(ctx context.Context, url string, n int) ([]string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT number FROM orders TABLESAMPLE SYSTEM (10) LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// p99ms is the 99th percentile of took, in milliseconds.
func p99ms(took []time.Duration) float64 {
	if len(took) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), took...)
	slices.Sort(s)
	return float64(s[len(s)*99/100]) / float64(time.Millisecond)
}

// benchProfile reads the generated export.
const benchProfile = `import:
  profiles:
    bench:
      encoding: windows-1252
      separator: ";"
      decimal: ","
      date_format: dd/mm/yyyy
      people_by: email
      columns:
        number: "N° commande"
        customer_code: "Code client"
        customer_name: "Raison sociale"
        customer_ref: "Réf. client"
        rep: "Commercial"
        assistant: "ADV"
        status: "Statut"
        block_reason: "Motif"
        amount: "Montant HT"
        ordered_on: "Date commande"
        requested_on: "Date livraison souhaitée"
        promised_on: "Date livraison confirmée"
      statuses:
        "En cours": open
        "En préparation": picking
        "Rupture": out_of_stock
        "Anomalie": anomaly
      blocks:
        - column: "Blocage crédit"
          values: {"Bloquée crédit": credit_limit, "Impayés": financial_block}
        - column: "Blocage livraison"
          values: {"Z1": delivery_block}
      constants:
        currency: EUR
`

// writeBenchExport writes a generated open portfolio of n orders as a French
// ERP export (base, Windows-1252), and the same with one order in twenty
// changing status (changed).
func writeBenchExport(base, changed string, n int) error {
	cfg := sample.DefaultGenConfig()
	cfg.Orders, cfg.OpenShare = n, 1
	gen, err := sample.NewGenerator(cfg)
	if err != nil {
		return err
	}
	fb, err := os.Create(base)
	if err != nil {
		return err
	}
	defer fb.Close()
	fc, err := os.Create(changed)
	if err != nil {
		return err
	}
	defer fc.Close()
	// As a French ERP writes it: Windows-1252.
	tb := transform.NewWriter(fb, encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder()))
	tc := transform.NewWriter(fc, encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder()))
	wb, wc := bufio.NewWriter(tb), bufio.NewWriter(tc)
	header := "N° commande;Code client;Raison sociale;Réf. client;Commercial;ADV;Statut;Motif;Montant HT;Date commande;" +
		"Date livraison souhaitée;Date livraison confirmée;Blocage crédit;Blocage livraison\n"
	wb.WriteString(header)
	wc.WriteString(header)
	i := 0
	err = gen.Orders(0, func(batch []orders.TrackedOrder) error {
		for _, t := range batch {
			o := t.Order
			wb.WriteString(exportLine(o, false))
			wc.WriteString(exportLine(o, i%20 == 0))
			i++
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, w := range []*bufio.Writer{wb, wc} {
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if err := tb.Close(); err != nil {
		return err
	}
	return tc.Close()
}

// exportLine writes o as the ERP would; flip changes its status.
func exportLine(o orders.Order, flip bool) string {
	status, credit, delivery := "En cours", "", ""
	switch o.Status {
	case orders.StatusPicking:
		status = "En préparation"
	case orders.StatusOutOfStock:
		status = "Rupture"
	case orders.StatusAnomaly:
		status = "Anomalie"
	case orders.StatusCreditLimit:
		credit = "Bloquée crédit"
	case orders.StatusFinancialBlock:
		credit = "Impayés"
	case orders.StatusDeliveryBlock:
		delivery = "Z1"
	}
	if flip {
		if o.Blocked() {
			status, credit, delivery = "En cours", "", ""
		} else {
			status = "Rupture"
		}
	}
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("02/01/2006")
	}
	rep, adv := "", ""
	if o.Rep != nil {
		rep = o.Rep.Email
	}
	if o.Assistant != nil {
		adv = o.Assistant.Email
	}
	amount := strings.Replace(fmt.Sprintf("%d.%02d", o.AmountCents/100, o.AmountCents%100), ".", ",", 1)
	return strings.Join([]string{o.Number, o.Customer.Code, csvField(o.Customer.Name), o.CustomerRef, rep, adv, status,
		csvField(o.BlockReason), amount, date(o.OrderedOn), date(o.RequestedOn), date(o.PromisedOn), credit, delivery}, ";") + "\n"
}

func csvField(s string) string {
	if strings.ContainsAny(s, ";\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
