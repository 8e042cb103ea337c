package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

// BenchmarkImportSnapshot re-imports a generated snapshot of the open
// portfolio (1,000,000 rows; ORDERBOT_BENCH_IMPORT_ROWS scales it) into a
// store already holding it, with 5% of the statuses changed, through the
// orderbot binary as an operator runs it: parse, load, detect changes, write
// history and alert events, commit. It reports rows/s and the process's peak
// memory, beside PostgreSQL's own COPY of the same file into an unlogged
// table, and the ratio of the two times. Run by `make bench`.
func BenchmarkImportSnapshot(b *testing.B) {
	ctx := context.Background()
	rows := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("ORDERBOT_BENCH_IMPORT_ROWS")); err == nil && v > 0 {
		rows = v
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "orderbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build orderbot: %v\n%s", err, out)
	}
	url, err := server.Database(ctx, "orderbot_import_bench")
	if err != nil {
		b.Fatal(err)
	}
	st, err := postgres.Open(ctx, url, 1)
	if err != nil {
		b.Fatal(err)
	}
	err = st.Truncate(ctx)
	st.Close()
	if err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	cfgFile := filepath.Join(dir, "orderbot.yaml")
	if err := os.WriteFile(cfgFile, []byte(benchProfile), 0o644); err != nil {
		b.Fatal(err)
	}
	base, changed := filepath.Join(dir, "base.csv"), filepath.Join(dir, "changed.csv")
	if err := writeBenchExport(base, changed, rows); err != nil {
		b.Fatal(err)
	}
	run := func(file string) (time.Duration, int64) {
		b.Helper()
		cmd := exec.Command(bin, "--config", cfgFile, "import", "orders", file, "--profile", "bench", "--force", "-v")
		cmd.Env = append(os.Environ(), "ORDERBOT_DATABASE_URL="+url)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		took := time.Since(start)
		if err != nil {
			b.Fatalf("import %s: %v\n%s", file, err, out)
		}
		b.Logf("%s", strings.TrimSpace(string(out)))
		return took, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss / 1024
	}
	run(base) // the portfolio, as it stood yesterday

	b.ResetTimer()
	var took time.Duration
	var peakMB int64
	for i := range b.N {
		file := changed
		if i%2 == 1 {
			file = base
		}
		d, mb := run(file)
		took += d
		peakMB = max(peakMB, mb)
	}
	b.StopTimer()
	perRun := took / time.Duration(b.N)
	b.ReportMetric(float64(rows)/perRun.Seconds(), "rows/s")
	b.ReportMetric(float64(peakMB), "peak-MB")

	// PostgreSQL's own COPY of the same file into an unlogged table.
	if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS bench_copy; CREATE UNLOGGED TABLE bench_copy (
		number text, customer_code text, customer_name text, customer_ref text, rep text, assistant text,
		status text, reason text, amount text, ordered_on text, requested_on text, promised_on text,
		credit text, delivery text)`); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(changed)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	if _, err := conn.PgConn().CopyFrom(ctx, f, `COPY bench_copy FROM STDIN (FORMAT csv, HEADER true, DELIMITER ';')`); err != nil {
		b.Fatal(err)
	}
	copyTook := time.Since(start)
	b.ReportMetric(float64(rows)/copyTook.Seconds(), "copy-rows/s")
	b.ReportMetric(perRun.Seconds()/copyTook.Seconds(), "x-copy")
	if _, err := conn.Exec(ctx, `DROP TABLE bench_copy`); err != nil {
		b.Fatal(err)
	}
}

// benchProfile reads the generated export.
const benchProfile = `import:
  profiles:
    bench:
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
// ERP export (base), and the same with one order in twenty changing status
// (changed).
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
	wb, wc := bufio.NewWriter(fb), bufio.NewWriter(fc)
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
	if err := wb.Flush(); err != nil {
		return err
	}
	return wc.Flush()
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
