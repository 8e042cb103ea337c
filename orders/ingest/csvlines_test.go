package ingest

import (
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// readAllLines reads every record of text as csvSource reads it, with each
// record's first line, and the error that ended reading (io.EOF at the
// end).
func readAllLines(read func() ([]string, int, error)) ([][]string, []int, error) {
	var recs [][]string
	var lines []int
	for {
		rec, line, err := read()
		if err != nil {
			return recs, lines, err
		}
		recs = append(recs, append([]string(nil), rec...))
		lines = append(lines, line)
	}
}

// stdlibRecords reads text through encoding/csv as csvSource did.
func stdlibRecords(text string, sep byte) ([][]string, []int, error) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = rune(sep)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return readAllLines(func() ([]string, int, error) {
		rec, err := cr.Read()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, &csv.ParseError{StartLine: pe.StartLine, Line: pe.Line, Column: pe.Column, Err: pe.Err}
		}
		if err != nil {
			return nil, 0, err
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil
	})
}

// ourRecords reads text through csvLines.
func ourRecords(text string, sep byte) ([][]string, []int, error) {
	c := newCSVLines(strings.NewReader(text), sep)
	return readAllLines(func() ([]string, int, error) {
		rec, err := c.Read()
		return rec, c.recLine, err
	})
}

func sameRecords(t *testing.T, text string, sep byte) {
	t.Helper()
	wantRecs, wantLines, wantErr := stdlibRecords(text, sep)
	recs, lines, err := ourRecords(text, sep)
	if !reflect.DeepEqual(recs, wantRecs) || !reflect.DeepEqual(lines, wantLines) {
		t.Fatalf("%q:\nrecords %q at lines %v,\nwant    %q at lines %v", text, recs, lines, wantRecs, wantLines)
	}
	var pe, wantPE *csv.ParseError
	if errors.As(wantErr, &wantPE) {
		if !errors.As(err, &pe) || *pe != *wantPE {
			t.Fatalf("%q: error %v, want %v", text, err, wantErr)
		}
	} else if err != wantErr {
		t.Fatalf("%q: error %v, want %v", text, err, wantErr)
	}
}

// TestCSVLinesReadsAsEncodingCSV: the records, their lines and the errors
// are encoding/csv's, for the files ERPs and people write.
func TestCSVLinesReadsAsEncodingCSV(t *testing.T) {
	for _, text := range []string{
		"",
		"\n\n",
		"N° commande;Client\r\n4500012345;Boulangerie Dupré\r\n",
		"a;b\n\n1;2\n\r\n3;4",
		"a;b\n1;2\r",
		"a;b\n1;2\r\r\n3\r4;5\n",
		"a;b\n1;\"Le Fournil; Dupré\"\n2;x\n",
		"a;b\n1;\"deux\nlignes\"\n2;x\n",
		"a;b\n1;Boulangerie \"Le Fournil\"\n2;x\n",
		"a;b\n1;\"non fermé\n2;x\n3;y\n",
		"a;b\n1;\"a\"\"b\";c\n;;\n",
		"\"a\";b\n" + strings.Repeat("x", 70000) + ";y\n\"" + strings.Repeat("z", 70000) + "\";w\n",
		";\n;;\n\"\"\n",
	} {
		for _, sep := range []byte{';', ','} {
			sameRecords(t, text, sep)
		}
	}
}

// FuzzCSVLines checks csvLines against encoding/csv on any input.
func FuzzCSVLines(f *testing.F) {
	for _, s := range []string{"a;b\n1;2\n", "a;\"b\nc\";d\r\n\n1", "\"x\"y;z\n", "a\r\rb;c\r\n\"\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sameRecords(t, text, ';')
	})
}

// TestCSVLinesStopsWithItsReader: an error of the input (a limit) ends
// reading with it, whichever kind of line it falls in.
func TestCSVLinesStopsWithItsReader(t *testing.T) {
	boom := errors.New("boom")
	for _, text := range []string{"a;b\n1;2\n3;4", "a;b\n1;\"2\n3;4"} {
		c := newCSVLines(io.MultiReader(strings.NewReader(text), errReader{boom}), ';')
		_, _, err := readAllLines(func() ([]string, int, error) {
			rec, err := c.Read()
			return rec, c.recLine, err
		})
		if !errors.Is(err, boom) {
			t.Errorf("%q: ended with %v, want the input's error", text, err)
		}
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
