package ingest_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// repeat is a stream of n bytes, s again and again, that never holds more
// than s: big inputs without big files.
type repeat struct {
	s   string
	n   int64
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	total := 0
	for total < len(p) {
		c := copy(p[total:], r.s[r.off:])
		total += c
		r.off = (r.off + c) % len(r.s)
	}
	r.n -= int64(total)
	return total, nil
}

// stream is an export made of pieces, some of them repeated.
func stream(parts ...io.Reader) io.Reader { return io.MultiReader(parts...) }

func text(s string) io.Reader { return strings.NewReader(s) }

// allocated runs f and returns the bytes it allocated, all of them: a
// bound on this says that memory did not grow with the input.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// readAllErr reads everything r gives and returns the final error, the
// entries and the bad rows.
func readAllErr(r *ingest.Reader) (int, []string, error) {
	n := 0
	var bad []string
	for {
		_, err := r.Next()
		var rowErr *ingest.RowError
		switch {
		case errors.Is(err, io.EOF):
			return n, bad, nil
		case errors.As(err, &rowErr):
			bad = append(bad, rowErr.Error())
		case err != nil:
			return n, bad, err
		default:
			n++
		}
	}
}

// refuse opens and reads the export in r under lim and returns the message
// that refused it, with the bytes allocated meanwhile.
func refuse(t *testing.T, name string, r io.Reader, p ingest.Profile, lim ingest.Limits) (string, uint64) {
	t.Helper()
	var err error
	var entries int
	alloc := allocated(func() {
		var rd *ingest.Reader
		rd, err = ingest.NewReaderContext(t.Context(), name, r, p, lim)
		if err != nil {
			return
		}
		defer rd.Close()
		entries, _, err = readAllErr(rd)
	})
	if err == nil {
		t.Fatalf("%s: read %d entries, no error", name, entries)
	}
	if orders.ErrorCode(err) != orders.EInvalid || strings.Contains(orders.ErrorMessage(err), "\n") {
		t.Errorf("%s: %v (%s): want one line of invalid input", name, err, orders.ErrorCode(err))
	}
	return orders.ErrorMessage(err), alloc
}

const limitHeader = "N° commande;Code client;Raison sociale;Statut;Montant HT\r\n"

func limitProfile() ingest.Profile {
	p := simpleProfile()
	delete(p.Columns, "ordered_on")
	p.Separator, p.Encoding = ";", "utf-8"
	return p
}

// TestHugeQuotedField: a 100 MB quoted field (an ERP that dumped a blob
// into a comment column) is refused after the limit, not read whole.
func TestHugeQuotedField(t *testing.T) {
	const size = 100 << 20
	for _, tt := range []struct {
		name string
		r    func() io.Reader
		want string
	}{
		{"quoted, with line breaks", func() io.Reader {
			return stream(text(limitHeader+"4500000001;C001;Martin;En cours;1\r\n4500000002;C002;\""), &repeat{s: "Boulangerie\r\n\"\"Le Fournil\"\"; ", n: size}, text("\";En cours;1\r\n"))
		}, `orders.csv:3: column "Raison sociale": the cell is longer than import.max_field_bytes, 131072 bytes`},
		{"unquoted", func() io.Reader {
			return stream(text(limitHeader+"4500000001;C001;"), &repeat{s: "x", n: size}, text(";En cours;1\r\n"))
		}, `orders.csv:2: column "Raison sociale": the cell is longer than import.max_field_bytes, 131072 bytes`},
		{"a line of separators", func() io.Reader {
			return stream(text(limitHeader+"4500000001;C001"), &repeat{s: ";", n: size}, text("\r\n"))
		}, `orders.csv:2: the row has more than 16384 cells, the most a spreadsheet holds`},
		{"in the header", func() io.Reader {
			return stream(text("N° commande;\""), &repeat{s: "x", n: size}, text("\"\r\n"))
		}, `orders.csv:1: column 2: the cell is longer than import.max_field_bytes, 131072 bytes`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			msg, alloc := refuse(t, "orders.csv", tt.r(), limitProfile(), ingest.Limits{})
			if msg != tt.want {
				t.Errorf("%q\nwant %q", msg, tt.want)
			}
			if alloc > 16<<20 {
				t.Errorf("refusing took %d MB", alloc>>20)
			}
		})
	}
}

// TestFieldWithinLimits: a long cell below the limit reads (here, in a
// column no field takes), and so does a row of cells quoted every way.
func TestFieldWithinLimits(t *testing.T) {
	long := strings.Repeat("é", 60<<10) // 120 KiB of UTF-8
	data := "N° commande;Code client;Raison sociale;Statut;Montant HT;Commentaire\r\n" +
		"4500000001;C001;Martin;En cours;1;\"" + long + "\"\r\n" +
		"4500000002;C001;\"Le \"\"Fournil\"\"\r\nde Paris\";En cours;1;\r\n" +
		"4500000003;C001;Café \"Le Zinc\" 12\";En cours;1;\"\"\r\n"
	got, bad := read(t, "orders.csv", []byte(data), limitProfile())
	if len(bad) > 0 || len(got) != 3 || got[1].CustomerName != `Le "Fournil" de Paris` || got[2].Line != 5 {
		t.Errorf("%d entries, bad rows %q", len(got), bad)
	}
}

// TestRowAndSizeLimits: each limit of the configuration refuses past it,
// with where and the key to change.
func TestRowAndSizeLimits(t *testing.T) {
	rows := func(n int) io.Reader {
		return stream(text(limitHeader), &repeat{s: "4500000001;C001;Martin;En cours;1\r\n", n: int64(n) * 35})
	}
	tests := []struct {
		name string
		r    io.Reader
		lim  ingest.Limits
		want string
	}{
		{"rows", rows(1001), ingest.Limits{MaxRows: 1000},
			`orders.csv:1002: more than import.max_rows, 1000 rows after the header`},
		{"file size of a stream", rows(100_000), ingest.Limits{MaxFileBytes: 1 << 20},
			`orders.csv: the file is longer than import.max_file_bytes, 1048576 bytes`},
		{"file size known", bytes.NewReader(make([]byte, 2<<20)), ingest.Limits{MaxFileBytes: 1 << 20},
			`orders.csv: the file is 2097152 bytes long, more than import.max_file_bytes, 1048576 bytes`},
		{"field", stream(text(limitHeader + "4500000001;C001;" + strings.Repeat("x", 2000) + ";En cours;1\r\n")), ingest.Limits{MaxFieldBytes: 1024},
			`orders.csv:2: column "Raison sociale": the cell is longer than import.max_field_bytes, 1024 bytes`},
		{"row", stream(text(limitHeader + "4500000001;C001;" + strings.Repeat("x;", 1000) + "\r\n")), ingest.Limits{MaxRowBytes: 1024},
			`orders.csv:2: the row is longer than import.max_row_bytes, 1024 bytes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, _ := refuse(t, "orders.csv", tt.r, limitProfile(), tt.lim)
			if msg != tt.want {
				t.Errorf("%q\nwant %q", msg, tt.want)
			}
		})
	}
	// At the limit, all is read.
	r, err := ingest.NewReaderContext(t.Context(), "orders.csv", rows(1000), limitProfile(), ingest.Limits{MaxRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if n, bad, err := readAllErr(r); n != 1000 || len(bad) > 0 || err != nil {
		t.Errorf("1000 rows under max_rows 1000: %d read, %q, %v", n, bad, err)
	}
}

// zipBomb builds an XLSX workbook by hand, as a zip bomb does: a sheet and
// a shared string table written by the functions given, compressed. extra
// adds parts of spaces, by size; a negative size -n instead makes the part
// (extra or not) declare n bytes unzipped, whatever it holds.
func zipBomb(t *testing.T, sheet, sst func(w io.Writer), extra map[string]int) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	add := func(name string, write func(w io.Writer)) {
		var body bytes.Buffer
		write(&body)
		if n := extra[name]; n < 0 {
			// Compressed as zip does, with the size it says a lie.
			var packed bytes.Buffer
			fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
			fw.Write(body.Bytes())
			fw.Close()
			w, err := z.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body.Bytes()),
				CompressedSize64: uint64(packed.Len()), UncompressedSize64: uint64(-n)})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(packed.Bytes())
			return
		}
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	str := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	add("[Content_Types].xml", str(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`))
	add("_rels/.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	add("xl/workbook.xml", str(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	add("xl/_rels/workbook.xml.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`))
	add("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>N° commande</t></is></c><c r="B1" t="inlineStr"><is><t>Code client</t></is></c><c r="C1" t="inlineStr"><is><t>Raison sociale</t></is></c><c r="D1" t="inlineStr"><is><t>Statut</t></is></c><c r="E1" t="inlineStr"><is><t>Montant HT</t></is></c></row>`)
		sheet(w)
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	add("xl/sharedStrings.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		sst(w)
		io.WriteString(w, `</sst>`)
	})
	for name, size := range extra {
		if name == "xl/worksheets/sheet1.xml" || name == "xl/sharedStrings.xml" {
			continue
		}
		add(name, func(w io.Writer) { io.Copy(w, &repeat{s: " ", n: int64(max(size, 0))}) })
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func times(w io.Writer, s string, n int) {
	for range n {
		io.WriteString(w, s)
	}
}

// TestXLSXBombs: workbooks of a few kilobytes made to unzip or expand into
// gigabytes are refused before they are, in bounded memory.
func TestXLSXBombs(t *testing.T) {
	order := func(w io.Writer) {
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>4500000001</t></is></c><c r="B2" t="inlineStr"><is><t>C001</t></is></c><c r="C2" t="s"><v>0</v></c><c r="D2" t="inlineStr"><is><t>En cours</t></is></c><c r="E2"><v>12.5</v></c></row>`)
	}
	oneString := func(w io.Writer) { io.WriteString(w, `<si><t>Boulangerie Martin</t></si>`) }
	tests := []struct {
		name       string
		sheet, sst func(w io.Writer)
		extra      map[string]int
		lim        ingest.Limits
		want       string
	}{
		{"millions of tiny shared strings", order, func(w io.Writer) { times(w, `<si><t>x</t></si>`, 2_000_000) }, nil, ingest.Limits{},
			`orders.xlsx: the shared string table holds more than import.max_shared_strings, 1000000 strings`},
		{"one huge shared string", order, func(w io.Writer) {
			io.WriteString(w, `<si><t>`)
			times(w, "Boulangerie ", 1<<20)
			io.WriteString(w, `</t></si>`)
		}, nil, ingest.Limits{}, `orders.xlsx: the shared string table holds a text longer than import.max_field_bytes, 131072 bytes`},
		{"a row of cells naming a long shared string", func(w io.Writer) {
			io.WriteString(w, `<row r="2">`)
			times(w, `<c t="s"><v>0</v></c>`, 2000)
			io.WriteString(w, `</row>`)
		}, func(w io.Writer) { io.WriteString(w, `<si><t>`+strings.Repeat("y", 64<<10)+`</t></si>`) }, nil, ingest.Limits{},
			`orders.xlsx:2: the row is longer than import.max_row_bytes, 1048576 bytes`},
		{"a huge inline string", func(w io.Writer) {
			io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>`)
			times(w, "z", 1<<20)
			io.WriteString(w, `</t></is></c></row>`)
		}, oneString, nil, ingest.Limits{}, `orders.xlsx:2: cell A2: the cell is longer than import.max_field_bytes, 131072 bytes`},
		{"gigabytes of rows", order, oneString, map[string]int{"xl/worksheets/sheet2.xml": -(2 << 30)}, ingest.Limits{},
			`orders.xlsx: the workbook is 2147486101 bytes once unzipped, more than import.max_xlsx_uncompressed_bytes, 1073741824 bytes`},
		{"a part that unzips to more than it says", func(w io.Writer) {
			times(w, `<row><c t="s"><v>0</v></c></row>`, 100_000)
		}, oneString, map[string]int{"xl/worksheets/sheet1.xml": -1000}, ingest.Limits{},
			`orders.xlsx: the workbook's part xl/worksheets/sheet1.xml unzips to more than the 1000 bytes it declares: the file is damaged or forged`},
		{"more rows than allowed", func(w io.Writer) {
			times(w, `<row><c t="s"><v>0</v></c></row>`, 2000)
		}, oneString, nil, ingest.Limits{MaxRows: 1000},
			`orders.xlsx:1002: the sheet has more than import.max_rows, 1000 rows after the header`},
		{"a bloated part besides the sheets", order, oneString, map[string]int{"xl/styles.xml": -(100 << 20)}, ingest.Limits{},
			`orders.xlsx: the workbook's part xl/styles.xml is 104857600 bytes once unzipped; a part that is not a sheet may hold at most 16777216`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := zipBomb(t, tt.sheet, tt.sst, tt.extra)
			if len(data) > 2<<20 {
				t.Fatalf("the bomb is %d bytes", len(data))
			}
			msg, alloc := refuse(t, "orders.xlsx", bytes.NewReader(data), limitProfile(), tt.lim)
			if msg != tt.want {
				t.Errorf("%q\nwant %q", msg, tt.want)
			}
			// The workbook itself is in memory, with excelize's copy of it.
			if alloc > uint64(3*len(data))+32<<20 {
				t.Errorf("refusing a %d KB workbook took %d MB", len(data)>>10, alloc>>20)
			}
		})
	}
	// A workbook like the bombs, but sane, reads.
	data := zipBomb(t, order, oneString, nil)
	got, bad := read(t, "orders.xlsx", data, limitProfile())
	if len(bad) > 0 || len(got) != 1 || got[0].CustomerName != "Boulangerie Martin" || got[0].AmountCents != 1250 {
		t.Errorf("a sane workbook: %+v, %q", got, bad)
	}
}

// TestLimitsDefaults keeps the documented defaults.
func TestLimitsDefaults(t *testing.T) {
	got := fmt.Sprintf("%+v", ingest.DefaultLimits())
	want := "{MaxFileBytes:1073741824 MaxRows:5000000 MaxFieldBytes:131072 MaxRowBytes:1048576 MaxXLSXUncompressedBytes:1073741824 MaxSharedStrings:1000000}"
	if got != want {
		t.Errorf("DefaultLimits() = %s\nwant %s", got, want)
	}
}
