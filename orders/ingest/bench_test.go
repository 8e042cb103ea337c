package ingest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders/ingest"
	"golang.org/x/text/encoding/charmap"
)

// benchCSV generates an export of n rows as French Excel writes it
// (Windows-1252, ';', decimal commas, dd/mm/yyyy), one in ten held.
func benchCSV(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	buf.WriteString("N° commande;Code client;Raison sociale;Commercial;Statut;Motif blocage;Montant HT;Date commande;Blocage crédit;Blocage livraison;Motif livraison\r\n")
	statuses := []string{"En cours", "En cours", "En cours", "Rupture", "En cours", "Facturée", "En cours", "En cours", "En cours", "En cours"}
	for i := range n {
		credit, delivery, reason := "", "", ""
		switch i % 10 {
		case 1:
			credit, reason = "Bloquée crédit", "encours dépassé de 12 400 €"
		case 7:
			delivery = "Z1"
		}
		fmt.Fprintf(&buf, "45%08d;C%05d;Boulangerie Dupré %d;rep%d@exemple.fr;%s;%s;%d %03d,%02d;%02d/%02d/2026;%s;%s;%s\r\n",
			i, i%100000, i%100000, i%500, statuses[i%10], reason, i%1000, i%1000, i%100, 1+i%28, 1+i%12, credit, delivery, "")
	}
	data, err := charmap.Windows1252.NewEncoder().Bytes(buf.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkReadCSV reads a generated 100,000-row export end to end:
// decoding, CSV parsing and mapping to entries. Run it with
//
//	go test -run '^$' -bench ReadCSV -benchmem ./orders/ingest/
func BenchmarkReadCSV(b *testing.B) {
	const rows = 100_000
	data := benchCSV(b, rows)
	p := validProfile()
	p.Encoding, p.Separator = "", "" // detect them, as a profile may
	b.SetBytes(int64(len(data)))
	benchRead(b, rows, func() (*ingest.Reader, error) {
		return ingest.NewReader("bench.csv", bytes.NewReader(data), p)
	})
}

// benchRead reads, b.N times, the rows of the Reader open returns to the
// end, and reports rows/s, the CPU time a row, and the heap in use at the
// start and at its peak.
func benchRead(b *testing.B, rows int, open func() (*ingest.Reader, error)) {
	b.Helper()
	b.ReportAllocs()
	peak, start := sampleHeap()
	cpu := cpuTime(b)
	b.ResetTimer()
	for b.Loop() {
		r, err := open()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
		r.Close()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(rows*b.N), "cpu-ns/row")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(start)/(1<<20), "start-heap-MB")
}

// cpuTime returns the CPU time the process has used so far, all its
// threads (the garbage collector's included): on a shared machine it says
// what reading costs better than the elapsed time does.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
