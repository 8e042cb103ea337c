package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// FuzzCSVLimiter checks csvLimiter against encoding/csv, whose records it
// follows: with the longest cell encoding/csv returns as the limit (plus
// the CRs it may count of CRLF line ends) it stops nothing, and one byte
// under that it stops the stream, on a line of the file.
func FuzzCSVLimiter(f *testing.F) {
	for _, s := range []string{
		"a;b;c\nd;e;f\n",
		"\"Dupont; fils\";x\r\n\"Boulangerie\r\n\"\"Le Fournil\"\"\";y\r\n",
		"Café \"Le Zinc\" 12\";z\n\"a\"b;\"c\"\"\";\"unterminated\n",
		"\n\n;;;\n\"\"\r\n\"x\"\r\"y\"\n",
		"a,\"b\",\"c\"d,\"\"\"\",\n",
	} {
		f.Add([]byte(s), byte(';'))
		f.Add([]byte(s), byte(','))
	}
	f.Fuzz(func(t *testing.T, data []byte, sep byte) {
		if sep != ';' && sep != ',' && sep != '\t' && sep != '|' {
			sep = ';'
		}
		if !utf8.Valid(data) || bytes.ContainsAny(data, "\x00") {
			return // what reaches the limiter is decoded text
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = rune(sep), -1, true
		longest := int64(-1)
		for {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			for _, v := range rec {
				longest = max(longest, int64(len(v)))
			}
		}
		if longest < 0 {
			return
		}
		crs := int64(bytes.Count(data, []byte{'\r'}))
		lines := bytes.Count(data, []byte{'\n'}) + 1
		run := func(maxField int64) error {
			l := newCSVLimiter(bytes.NewReader(data), sep, Limits{MaxFieldBytes: maxField, MaxRowBytes: 1 << 40}, 1)
			_, err := io.Copy(io.Discard, l)
			return err
		}
		if err := run(longest + crs); err != nil {
			t.Fatalf("the longest cell is %d bytes (and %d CRs), yet %v", longest, crs, err)
		}
		if longest > 0 {
			var le *limitError
			if err := run(longest - 1); !errors.As(err, &le) {
				t.Fatalf("the longest cell is %d bytes, yet a limit of %d stops nothing: %v", longest, longest-1, err)
			} else if le.line < 1 || le.line > lines {
				t.Fatalf("stopped on line %d of %d", le.line, lines)
			}
		}
	})
}

// FuzzXMLScanner checks xmlScanner against encoding/xml: on what
// encoding/xml reads, the same elements in the same order; on anything,
// an end, and sizes that the input holds.
func FuzzXMLScanner(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0"?><sst xmlns="x"><si><t>Dupré &amp; fils</t></si><si><r><rPr><b/></rPr><t xml:space="preserve"> a </t></r></si></sst>`,
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>x&gt;y</t></is></c></row></sheetData></worksheet>`,
		`<a b='>' c="'"><!-- <x> --><![CDATA[<y>]]]]><?pi ?></a>`,
		`<x:a xmlns:x="u"><x:b/></x:a>`,
		`<a><!DOCTYPE x><b>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newXMLScanner(bytes.NewReader(data))
		var tok xmlToken
		var names []string
		var size int64
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("%d tokens from %d bytes", i, len(data))
			}
			err := s.next(&tok)
			if err != nil {
				break
			}
			size += tok.size
			if tok.kind != xmlText {
				prefix := "<"
				if tok.kind == xmlEnd {
					prefix = "</"
				}
				names = append(names, prefix+string(tok.name))
				if tok.empty {
					names = append(names, "</"+string(tok.name))
				}
			}
		}
		if size > int64(len(data)) {
			t.Fatalf("tokens of %d bytes from %d", size, len(data))
		}
		d := xml.NewDecoder(bytes.NewReader(data))
		d.Strict = true
		var want []string
		for {
			tok, err := d.RawToken()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return // not XML: excelize refuses it
			}
			switch e := tok.(type) {
			case xml.Directive:
				// encoding/xml skips a directive further than the
				// scanner (nesting, quotes): the scanner then reads
				// more, which only counts more. No workbook has one.
				return
			case xml.StartElement:
				want = append(want, "<"+e.Name.Local)
			case xml.EndElement:
				want = append(want, "</"+e.Name.Local)
			}
		}
		if len(names) != len(want) {
			t.Fatalf("elements %q, encoding/xml reads %q", names, want)
		}
		for i := range names {
			if names[i] != want[i] {
				t.Fatalf("elements %q, encoding/xml reads %q", names, want)
			}
		}
	})
}

// FuzzDecoder checks the decoder in every mode: what it gives is UTF-8,
// and the same whether the file comes whole or a byte at a time.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{"Dupré\r\nCrème", "Dupr\xe9\nCr\xe8me", "L’Atelier \xc9\xa0\xab", "x\x81y", "Dupr\xc3", "a\rb\rc"} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		m := decodeMode(mode % 4)
		head := data[:min(len(data), 64)]
		decode := func(r io.Reader) ([]byte, error) {
			d := newDecoder(m, mode&4 != 0, head, len(data) <= 64)
			return io.ReadAll(transform.NewReader(r, d))
		}
		whole, err1 := decode(bytes.NewReader(data))
		bytewise, err2 := decode(iotest.OneByteReader(bytes.NewReader(data)))
		if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Fatalf("whole: %v; a byte at a time: %v", err1, err2)
		}
		if err1 != nil {
			var de *decodeError
			if !errors.As(err1, &de) || de.Line < 1 {
				t.Fatalf("error %v", err1)
			}
			return
		}
		if !bytes.Equal(whole, bytewise) {
			t.Fatalf("whole %q, a byte at a time %q", whole, bytewise)
		}
		if !utf8.Valid(whole) || bytes.ContainsRune(whole, utf8.RuneError) && !bytes.Contains(data, []byte("\uFFFD")) {
			t.Fatalf("%q decodes to %q", data, whole)
		}
	})
}
