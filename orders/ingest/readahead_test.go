package ingest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders/ingest"
)

// exportWithProblems writes a French export of n rows (from line 2) in
// windows-1252, with a bad amount on the lines in bad and, when final is
// not 0, a byte windows-1252 has no character for on line final.
func exportWithProblems(n int, bad map[int]bool, final int) []byte {
	var b bytes.Buffer
	b.WriteString("N\xb0 commande;Code client;Raison sociale;Commercial;Statut;Motif blocage;Montant HT;Date commande;Blocage cr\xe9dit;Blocage livraison;Motif livraison\r\n")
	for line := 2; line < n+2; line++ {
		amount := fmt.Sprintf("%d,50", line)
		if bad[line] {
			amount = "douze"
		}
		name := fmt.Sprintf("Boulangerie Dupr\xe9 %d", line)
		if line == final {
			name = "Caf\x81 du Port" // 0x81: no character in windows-1252
		}
		fmt.Fprintf(&b, "45%06d;C%05d;%s;rep%d@exemple.fr;En cours;;%s;27/11/2026;;;\r\n", line, line%997, name, line%7, amount)
	}
	return b.Bytes()
}

// TestNextKeepsTheFileOrderAcrossBatches reads an export long enough for
// several batches read ahead: every row comes once and in order, each bad
// row's error names its line, and the first final error ends the reading
// at its line, however far ahead the rows after it were read.
func TestNextKeepsTheFileOrderAcrossBatches(t *testing.T) {
	bad := map[int]bool{3: true, 257: true, 258: true, 700: true, 1025: true}
	data := exportWithProblems(1500, bad, 1200)
	r, err := ingest.NewReader("portefeuille.csv", bytes.NewReader(data), validProfile())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := 2
	for {
		e, err := r.Next()
		var re *ingest.RowError
		switch {
		case errors.As(err, &re):
			if !bad[want] || re.Line != want {
				t.Fatalf("row error %v, want line %d to be read (bad: %v)", err, want, bad[want])
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("portefeuille.csv:%d:", want)) {
				t.Fatalf("error %q does not say FILE:LINE", err)
			}
		case err != nil:
			if want != 1200 || !strings.Contains(err.Error(), "portefeuille.csv:1200:") || !strings.Contains(err.Error(), "0x81") {
				t.Fatalf("final error %v after line %d, want the byte 0x81 at line 1200", err, want-1)
			}
			if _, again := r.Next(); again == nil || again.Error() != err.Error() {
				t.Fatalf("after the final error, Next says %v", again)
			}
			return
		case bad[want] || e.Line != want || e.Number != fmt.Sprintf("45%06d", want):
			t.Fatalf("line %d: entry %d %q (bad: %v)", want, e.Line, e.Number, bad[want])
		case e.AmountCents != int64(want)*100+50:
			t.Fatalf("line %d: amount %d", want, e.AmountCents)
		}
		want++
	}
}

// TestCloseStopsReadingAhead closes a Reader in the middle of a long
// export: the rows read ahead are dropped and nothing keeps reading.
func TestCloseStopsReadingAhead(t *testing.T) {
	data := exportWithProblems(5000, nil, 0)
	before := runtime.NumGoroutine()
	r, err := ingest.NewReader("portefeuille.csv", bytes.NewReader(data), validProfile())
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if after := runtime.NumGoroutine(); after != before {
		t.Fatalf("%d goroutines before the Reader, %d after Close", before, after)
	}
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("Next after Close: %v", err)
	}
	// A Reader read to its end stops by itself.
	r, err = ingest.NewReader("portefeuille.csv", bytes.NewReader(data), validProfile())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for ; ; n++ {
		if _, err := r.Next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if n != 5000 {
		t.Fatalf("read %d rows, want 5000", n)
	}
	_ = r.Close()
	if after := runtime.NumGoroutine(); after != before {
		t.Fatalf("%d goroutines before the Reader, %d after reading it whole", before, after)
	}
}
