// Package benchdata holds the generated portfolio the full-scale benchmarks
// share, and the way they measure: latency percentiles of orderbot's own
// calls, and pgbench's for the same SQL, so that each figure stands beside
// PostgreSQL's raw one.
package benchdata

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

// The benchmarks run over a generated portfolio of the size SPEC.md §5 names,
// loaded once into the database "orderbot_bench" of the test server and kept
// there while its size matches (on a private cluster, for the run):
//
//	make bench
//
// ORDERBOT_BENCH_ORDERS and ORDERBOT_BENCH_CUSTOMERS scale it down for a
// quick look. Each benchmark reports its latency percentiles (p50-ms,
// p99-ms); the pgbench sub-benchmarks run the very SQL the store runs,
// through pgbench, for PostgreSQL's raw figure beside orderbot's.

// Data is the benchmarks' portfolio and what people type about it.
type Data struct {
	Store   *postgres.Store
	URL     string
	Gen     *sample.Generator
	Config  sample.GenConfig
	Numbers []string // order numbers as people type them
	Names   []string // customer names as people type them, of customers with open orders
	Meant   []string // the name each of Names was typed from
	Asleep  []string // names of customers without open orders
	Reps    []orders.Person
	err     error
}

// Loader loads the portfolio once per test binary.
type Loader struct {
	once sync.Once
	data Data
}

// Get returns the portfolio on srv, generating it the first time.
func (l *Loader) Get(b *testing.B, srv *testdb.Server) *Data {
	b.Helper()
	l.once.Do(func() { l.data.err = l.data.load(context.Background(), b, srv) })
	if l.data.err != nil {
		b.Fatal(l.data.err)
	}
	return &l.data
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func (d *Data) load(ctx context.Context, b *testing.B, server *testdb.Server) error {
	d.Config = sample.DefaultGenConfig()
	d.Config.Orders = envInt("ORDERBOT_BENCH_ORDERS", d.Config.Orders)
	d.Config.Customers = envInt("ORDERBOT_BENCH_CUSTOMERS", d.Config.Customers)
	gen, err := sample.NewGenerator(d.Config)
	if err != nil {
		return err
	}
	d.Gen = gen
	d.URL, err = server.Database(ctx, "orderbot_bench")
	if err != nil {
		return err
	}
	d.Store, err = postgres.Open(ctx, d.URL, 16)
	if err != nil {
		return err
	}
	var nOrders, nCustomers int
	if err := d.Store.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM customers)`).
		Scan(&nOrders, &nCustomers); err != nil {
		return err
	}
	if nOrders != d.Config.Orders || nCustomers != d.Config.Customers {
		b.Logf("generating %d orders, %d customers, %d reps into orderbot_bench...", d.Config.Orders, d.Config.Customers, d.Config.Reps)
		start := time.Now()
		if err := d.Store.Truncate(ctx); err != nil {
			return err
		}
		if err := gen.Load(ctx, d.Store, 20000); err != nil {
			return err
		}
		if _, err := d.Store.Pool().Exec(ctx, `VACUUM ANALYZE`); err != nil {
			return err
		}
		b.Logf("generated in %s", time.Since(start).Round(time.Second))
	}
	return d.queries(ctx)
}

// queries prepares what people type: order numbers over the whole store
// (closed orders are asked about too), and customer names with the ways
// people mangle them.
func (d *Data) queries(ctx context.Context) error {
	r := rand.New(rand.NewPCG(7, 11))
	for range 1000 {
		n := d.Gen.OrderNumber(r.IntN(d.Config.Orders))
		switch r.IntN(4) {
		case 0:
			n = "#" + n
		case 1:
			n = "n° " + n
		}
		d.Numbers = append(d.Numbers, n)
	}
	var open []string
	if err := d.Store.Pool().QueryRow(ctx, `SELECT array_agg(name ORDER BY id) FROM customers WHERE open_orders > 0`).Scan(&open); err != nil {
		return err
	}
	var asleep []string
	if err := d.Store.Pool().QueryRow(ctx, `SELECT array_agg(name ORDER BY id) FROM customers WHERE open_orders = 0`).Scan(&asleep); err != nil {
		return err
	}
	for range 1000 {
		meant := open[r.IntN(len(open))]
		d.Meant = append(d.Meant, meant)
		d.Names = append(d.Names, Mangle(r, meant))
		d.Asleep = append(d.Asleep, Mangle(r, asleep[r.IntN(len(asleep))]))
	}
	rows, err := d.Store.Pool().Query(ctx, `SELECT id FROM people WHERE role = 'rep' ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p orders.Person
		if err := rows.Scan(&p.ID); err != nil {
			return err
		}
		d.Reps = append(d.Reps, p)
	}
	return rows.Err()
}

// Mangle types a name as a hurried person would: lower case without
// accents, only some of its words, or with two letters swapped.
func Mangle(r *rand.Rand, name string) string {
	plain, _, _ := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), name)
	plain = strings.ToLower(plain)
	words := strings.Fields(plain)
	switch r.IntN(4) {
	case 0:
		return name
	case 1:
		return plain
	case 2:
		if len(words) > 2 {
			return strings.Join(words[:2], " ")
		}
		return plain
	default:
		longest := 0
		for i, w := range words {
			if len(w) > len(words[longest]) {
				longest = i
			}
		}
		w := []rune(words[longest])
		if len(w) > 3 {
			i := 1 + r.IntN(len(w)-2)
			w[i], w[i+1] = w[i+1], w[i]
		}
		words[longest] = string(w)
		return strings.Join(words, " ")
	}
}

// Measure runs op b.N times over the inputs and reports latency percentiles.
func Measure(b *testing.B, inputs []string, op func(string) error) {
	b.Helper()
	// Warm up: the steady state of a running orderbot, not the first
	// queries after a bulk load, is what people wait on.
	for _, in := range inputs[:min(len(inputs), 200)] {
		if err := op(in); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := op(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	ReportPercentiles(b, lat)
}

// ReportPercentiles reports the median and the 99th percentile of lat.
func ReportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// Pgbench runs script b.N times on one prepared connection and reports the
// same percentiles as measure, from pgbench's per-transaction log.
func Pgbench(b *testing.B, url, script string) {
	b.Helper()
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		b.Fatalf("pgbench is needed for PostgreSQL's raw figure: %v", err)
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "script.sql")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cmd := exec.Command(bin, "--no-vacuum", "--protocol=prepared", "--client=1", fmt.Sprintf("--transactions=%d", b.N),
		"--log", "--log-prefix="+filepath.Join(dir, "log"), "--file="+file, url)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("pgbench: %v\n%s", err, out)
	}
	b.StopTimer()
	logs, _ := filepath.Glob(filepath.Join(dir, "log*"))
	var lat []time.Duration
	for _, l := range logs {
		f, err := os.Open(l)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.Atoi(fields[2])
			if err != nil {
				b.Fatalf("pgbench log line %q: %v", sc.Text(), err)
			}
			lat = append(lat, time.Duration(us)*time.Microsecond)
		}
		f.Close()
	}
	if len(lat) == 0 {
		b.Fatal("pgbench logged no transaction")
	}
	ReportPercentiles(b, lat)
}
