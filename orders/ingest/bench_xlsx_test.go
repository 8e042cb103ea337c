package ingest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders/ingest"
	"github.com/xuri/excelize/v2"
)

// benchXLSX writes an export of n rows as a workbook in dir, as an ERP
// writes one with a streaming writer: text cells, amounts as numbers,
// dates as date cells, one row in ten held; the same orders as benchCSV.
func benchXLSX(b *testing.B, dir string, n int) string {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		b.Fatal(err)
	}
	header := []any{"N° commande", "Code client", "Raison sociale", "Commercial", "Statut", "Motif blocage", "Montant HT",
		"Date commande", "Blocage crédit", "Blocage livraison", "Motif livraison"}
	if err := sw.SetRow("A1", header); err != nil {
		b.Fatal(err)
	}
	statuses := []string{"En cours", "En cours", "En cours", "Rupture", "En cours", "Facturée", "En cours", "En cours", "En cours", "En cours"}
	row := make([]any, len(header))
	for i := range n {
		credit, delivery, reason := "", "", ""
		switch i % 10 {
		case 1:
			credit, reason = "Bloquée crédit", "encours dépassé de 12 400 €"
		case 7:
			delivery = "Z1"
		}
		row[0], row[1], row[2] = fmt.Sprintf("45%08d", i), fmt.Sprintf("C%05d", i%100000), fmt.Sprintf("Boulangerie Dupré %d", i%100000)
		row[3], row[4], row[5] = fmt.Sprintf("rep%d@exemple.fr", i%500), statuses[i%10], reason
		row[6] = float64(i%1000*1000+i%1000) + float64(i%100)/100
		row[7] = excelize.Cell{StyleID: dateStyle, Value: time.Date(2026, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)}
		row[8], row[9], row[10] = credit, delivery, ""
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "portefeuille.xlsx")
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReadXLSX reads a generated 1,000,000-row workbook end to end
// (ORDERBOT_BENCH_XLSX_ROWS for another size),
// from its file: the parts' checks, excelize's streamed rows and mapping
// to entries. It reports rows/s and the peak of the heap in use while
// reading, which must not grow with the sheet. Run it with
//
//	go test -run '^$' -bench ReadXLSX -benchtime 3x ./orders/ingest/
func BenchmarkReadXLSX(b *testing.B) {
	rows := 1_000_000
	if v := os.Getenv("ORDERBOT_BENCH_XLSX_ROWS"); v != "" { // a quick look
		var err error
		if rows, err = strconv.Atoi(v); err != nil || rows <= 0 {
			b.Fatalf("ORDERBOT_BENCH_XLSX_ROWS=%q: want a row count", v)
		}
	}
	path := benchXLSX(b, b.TempDir(), rows)
	p := validProfile()
	p.Format, p.Encoding, p.Separator = "", "", ""
	benchRead(b, rows, func() (*ingest.Reader, error) { return ingest.Open(path, p) })
}

// sampleHeap collects the garbage of what came before (generating the
// file), then samples the heap in use (runtime.MemStats.HeapInuse) every
// 20 ms until the function it returns is called, which returns the most
// it saw. start is the heap in use when sampling began: what the
// benchmark itself holds (the generated file, for BenchmarkReadCSV).
func sampleHeap() (peak func() uint64, start uint64) {
	runtime.GC()
	runtime.GC() // and what finalizers let go
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	var (
		most = m.HeapInuse
		mu   sync.Mutex
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		most = max(most, m.HeapInuse)
		mu.Unlock()
	}
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		sample()
		mu.Lock()
		defer mu.Unlock()
		return most
	}, m.HeapInuse
}
