package ingest_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
	"golang.org/x/text/encoding/charmap"
)

// readAll reads r to its end: the entries, and the messages of the bad rows.
func readAll(t *testing.T, r *ingest.Reader) ([]orders.Entry, []string) {
	t.Helper()
	var entries []orders.Entry
	var bad []string
	for {
		e, err := r.Next()
		var rowErr *ingest.RowError
		switch {
		case errors.Is(err, io.EOF):
			return entries, bad
		case errors.As(err, &rowErr):
			bad = append(bad, rowErr.Error())
			if orders.ErrorCode(err) != orders.EInvalid || orders.ErrorMessage(err) != rowErr.Error() {
				t.Errorf("%v: code %q, message %q", err, orders.ErrorCode(err), orders.ErrorMessage(err))
			}
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			entries = append(entries, e)
		}
	}
}

// read reads data, named name, through p.
func read(t *testing.T, name string, data []byte, p ingest.Profile) ([]orders.Entry, []string) {
	t.Helper()
	r, err := ingest.NewReader(name, bytes.NewReader(data), p)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	defer r.Close()
	return readAll(t, r)
}

// simpleProfile reads number, customer, status and amount columns, letting
// separator, encoding and decimal be detected.
func simpleProfile() ingest.Profile {
	return ingest.Profile{
		Columns: map[string]string{"number": "N° commande", "customer_code": "Code client",
			"customer_name": "Raison sociale", "status": "Statut", "amount": "Montant HT", "ordered_on": "Date commande"},
		Statuses: map[string]string{"En cours": "open", "Bloquée crédit": "credit_limit", "Facturée": "invoiced"},
	}
}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func sameDate(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

func encode1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWindows1252 reads a file as French Excel writes it: Windows-1252,
// ';', decimal commas, dd/mm/yyyy dates and CRLF line ends.
func TestWindows1252(t *testing.T) {
	text := "N° commande;Code client;Raison sociale;Commercial;Statut;Motif blocage;Montant HT;Date commande;Blocage crédit;Blocage livraison;Motif livraison\r\n" +
		"4500012345;C001;Boulangerie Dupré;Élodie.Martin@Exemple.fr;En cours;;12 400,50;27/11/2026;;;\r\n" +
		"4500012346;C002;Crème & Café;jean.roux@exemple.fr;Facturée;;1\u00a0234,5;03/01/2026;;;\r\n"
	data := encode1252(t, text)
	if bytes.Contains(data, []byte("é")) {
		t.Fatal("the test file is not Windows-1252")
	}
	for _, encoding := range []string{"", "windows-1252"} {
		p := validProfile()
		p.Encoding = encoding
		path := writeFile(t, "export.csv", data)
		r, err := ingest.Open(path, p)
		if err != nil {
			t.Fatalf("encoding %q: Open: %v", encoding, err)
		}
		got, bad := readAll(t, r)
		if done, total := r.Progress(); done != int64(len(data)) || total != int64(len(data)) {
			t.Errorf("Progress() = %d, %d at the end; want %d, %d", done, total, len(data), len(data))
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if len(bad) > 0 || len(got) != 2 {
			t.Fatalf("encoding %q: %d entries, problems %q", encoding, len(got), bad)
		}
		e := got[0]
		if e.Line != 2 || e.Number != "4500012345" || e.CustomerCode != "C001" || e.CustomerName != "Boulangerie Dupré" ||
			e.Rep != "élodie.martin@exemple.fr" || e.Status != orders.StatusOpen || e.AmountCents != 1240050 ||
			e.Currency != "EUR" || !sameDate(e.OrderedOn, date(2026, 11, 27)) || len(e.Blocks) != 0 {
			t.Errorf("encoding %q: first entry %+v", encoding, e)
		}
		e = got[1]
		if e.Line != 3 || e.CustomerName != "Crème & Café" || e.Status != orders.StatusInvoiced || e.AmountCents != 123450 {
			t.Errorf("encoding %q: second entry %+v", encoding, e)
		}
	}
}

// TestUTF8BOM reads a ',' file with a byte order mark, decimal points and
// ISO dates, its separator detected.
func TestUTF8BOM(t *testing.T) {
	data := []byte("\xEF\xBB\xBFN° commande,Code client,Raison sociale,Statut,Montant HT,Date commande\n" +
		"SO-1001,C001,\"Müller, GmbH\",En cours,\"12,400.50\",2026-11-27\n" +
		"SO-1002,C002,Zoë,credit_limit,99.999,2026-11-28T06:00:00\n")
	p := simpleProfile()
	p.Decimal = "."
	got, bad := read(t, "export.csv", data, p)
	if len(bad) > 0 || len(got) != 2 {
		t.Fatalf("%d entries, problems %q", len(got), bad)
	}
	if e := got[0]; e.Number != "SO-1001" || e.CustomerName != "Müller, GmbH" || e.AmountCents != 1240050 || !sameDate(e.OrderedOn, date(2026, 11, 27)) {
		t.Errorf("first entry %+v", e)
	}
	// orderbot's own status codes need no mapping.
	if e := got[1]; e.CustomerName != "Zoë" || e.Status != orders.StatusCreditLimit || e.AmountCents != 10000 ||
		len(e.Blocks) != 1 || e.Blocks[0].Kind != orders.StatusCreditLimit || !sameDate(e.OrderedOn, date(2026, 11, 28)) {
		t.Errorf("second entry %+v", e)
	}
}

// TestUTF8ThenInvalid reads a file valid UTF-8 at its start that turns to
// Windows-1252 further down.
func TestUTF8ThenInvalid(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("N° commande;Code client;Raison sociale;Statut;Montant HT;Date commande\n")
	for i := 0; i < 3000; i++ {
		b.WriteString("1;C;Dupré;En cours;1;\n")
	}
	b.Write(encode1252(t, "2;C;Crème;En cours;1;\n"))
	got, bad := read(t, "mixed.csv", b.Bytes(), simpleProfile())
	if len(bad) > 0 || len(got) != 3001 {
		t.Fatalf("%d entries, problems %q", len(got), bad)
	}
	if got[0].CustomerName != "Dupré" || got[3000].CustomerName != "Crème" || got[3000].Line != 3002 {
		t.Errorf("first %+v, last %+v", got[0], got[3000])
	}
}

func TestTabSeparated(t *testing.T) {
	data := []byte("N° commande\tCode client\tStatut\tMontant HT\n4500\tC1\tEn cours\t1 234,56\n4501\tC2\tEn cours\t-7\n")
	for _, sep := range []string{"", "\t", "tab"} {
		p := simpleProfile()
		delete(p.Columns, "customer_name")
		delete(p.Columns, "ordered_on")
		p.Separator = sep
		got, bad := read(t, "export.txt", data, p)
		if len(bad) > 0 || len(got) != 2 || got[0].AmountCents != 123456 || got[1].AmountCents != -700 || got[1].Line != 3 {
			t.Errorf("separator %q: %+v, problems %q", sep, got, bad)
		}
	}
}

// TestQuotedFields checks embedded separators, quotes and line breaks, and
// that line numbers stay the file's own after a field spanning lines.
func TestQuotedFields(t *testing.T) {
	data := []byte("N° commande;Code client;Raison sociale;Statut;Montant HT;Date commande\r\n" +
		"4500;C1;\"Dupont; fils\";En cours;1;\r\n" +
		"4501;C2;\"Boulangerie\r\n\"\"Le Fournil\"\"\r\nsuite\";En cours;2;\r\n" +
		"\r\n" +
		";;;;;\r\n" +
		"4502;C3;Café \"Le Zinc\";Bloquée crédit;3;\r\n" +
		"4503;C4;x;En cours;12,4,5;\r\n" +
		"4504;C5;y;En cours;5;\r\n")
	got, bad := read(t, "export.csv", data, simpleProfile())
	wantBad := []string{`export.csv:9: column "Montant HT": "12,4,5" is not a number`}
	if strings.Join(bad, "\n") != strings.Join(wantBad, "\n") {
		t.Errorf("problems %q, want %q", bad, wantBad)
	}
	want := []struct {
		line int
		name string
	}{{2, "Dupont; fils"}, {3, `Boulangerie "Le Fournil" suite`}, {8, `Café "Le Zinc"`}, {10, "y"}}
	if len(got) != len(want) {
		t.Fatalf("%d entries: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].Line != w.line || got[i].CustomerName != w.name {
			t.Errorf("entry %d: line %d name %q, want line %d name %q", i, got[i].Line, got[i].CustomerName, w.line, w.name)
		}
	}
}

// TestSeparatorDetection reads the same rows with each separator, quoted
// headers and leading blank lines, and Excel's "sep=" line.
func TestSeparatorDetection(t *testing.T) {
	tests := []struct {
		name, data string
		line       int // of the data row
	}{
		{"semicolon", "N° commande;Code client;Statut;Montant HT\n4500;C1;En cours;\"1,5\"\n", 2},
		{"comma with a comma in a quoted header", "\"N° commande\",\"Code client\",Statut,\"Montant HT\"\n4500,C1,En cours,\"1,5\"\n", 2},
		{"semicolon beats a quoted comma", "\"N° commande, SAP\";N° commande;Code client;Statut;Montant HT\nx;4500;C1;En cours;1,5\n", 2},
		{"tab", "N° commande\tCode client\tStatut\tMontant HT\n4500\tC1\tEn cours\t1,5\n", 2},
		{"pipe", "N° commande|Code client|Statut|Montant HT\n4500|C1|En cours|1,5\n", 2},
		{"blank lines first", "\n;;;\n\nN° commande;Code client;Statut;Montant HT\n4500;C1;En cours;1,5\n", 5},
		{"sep= line", "sep=,\nN° commande,Code client,Statut,Montant HT\n4500,C1,En cours,\"1,5\"\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := simpleProfile()
			delete(p.Columns, "customer_name")
			delete(p.Columns, "ordered_on")
			got, bad := read(t, "export.csv", []byte(tt.data), p)
			if len(bad) > 0 || len(got) != 1 || got[0].Number != "4500" || got[0].AmountCents != 150 || got[0].Line != tt.line {
				t.Errorf("%+v, problems %q", got, bad)
			}
		})
	}
}

// TestBlocks reads two block columns (credit, delivery) beside the status
// column, with a priority that puts delivery first.
func TestBlocks(t *testing.T) {
	header := "N° commande;Code client;Raison sociale;Commercial;Statut;Motif blocage;Montant HT;Date commande;Blocage crédit;Blocage livraison;Motif livraison\n"
	rows := []string{
		"1;C;n;;En cours;;1;;;;",                                       // 2: open, nothing held
		"2;C;n;;En cours;encours dépassé;1;;Bloquée crédit;;",          // 3: credit only
		"3;C;n;;En cours;encours dépassé;1;;Bloquée crédit;Z1;adresse", // 4: both: delivery first
		"4;C;n;;Rupture;SKU 4711;1;;OK;Z1;quai fermé",                  // 5: out_of_stock and delivery
		"5;C;n;;Facturée;;1;;Bloquée crédit;Z1;",                       // 6: closed: no block
		"6;C;n;;;;1;;Bloquée crédit;;",                                 // 7: blank status, held: fine
		"7;C;n;;En cours;;1;;;Z9;",                                     // 8: unknown delivery code, default none
		"8;C;n;;En cours;;1;;Bloqué;;",                                 // 9: unknown credit word: error
		"9;C;n;;;;1;;;;",                                               // 10: no status at all: error
		"10;C;n;;limite de crédit;motif;1;;Bloquée crédit;;",           // 11: the same block twice
		"11;C;n;;En cours;;1;;Anomalie;;",                              // 12: a label orderbot knows
	}
	data := encode1252(t, header+strings.Join(rows, "\n")+"\n")
	got, bad := read(t, "export.csv", data, validProfile())
	wantBad := []string{
		`export.csv:9: column "Blocage crédit": "Bloqué" is not a known block (add it to blocks[0].values, or set blocks[0].default)`,
		`export.csv:10: column "Statut": the status is missing (set default_status to accept blank cells)`,
	}
	if strings.Join(bad, "\n") != strings.Join(wantBad, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(wantBad, "\n"))
	}
	type block struct {
		kind   orders.Status
		reason string
	}
	want := []struct {
		line   int
		status orders.Status
		reason string
		blocks []block
	}{
		{2, orders.StatusOpen, "", nil},
		{3, orders.StatusCreditLimit, "encours dépassé", []block{{orders.StatusCreditLimit, "encours dépassé"}}},
		{4, orders.StatusDeliveryBlock, "encours dépassé", []block{{orders.StatusDeliveryBlock, "adresse"}, {orders.StatusCreditLimit, "encours dépassé"}}},
		{5, orders.StatusDeliveryBlock, "SKU 4711", []block{{orders.StatusDeliveryBlock, "quai fermé"}, {orders.StatusOutOfStock, "SKU 4711"}}},
		{6, orders.StatusInvoiced, "", nil},
		{7, orders.StatusCreditLimit, "", []block{{orders.StatusCreditLimit, ""}}},
		{8, orders.StatusOpen, "", nil},
		{11, orders.StatusCreditLimit, "motif", []block{{orders.StatusCreditLimit, "motif"}}},
		{12, orders.StatusAnomaly, "", []block{{orders.StatusAnomaly, ""}}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		e := got[i]
		var blocks []block
		for _, b := range e.Blocks {
			blocks = append(blocks, block{b.Kind, b.Reason})
			if !b.Since.IsZero() {
				t.Errorf("line %d: block %s has a Since", e.Line, b.Kind)
			}
		}
		if e.Line != w.line || e.Status != w.status || e.BlockReason != w.reason || !equalBlocks(blocks, w.blocks) {
			t.Errorf("line %d: status %s, reason %q, blocks %v; want line %d: %s, %q, %v", e.Line, e.Status, e.BlockReason, blocks, w.line, w.status, w.reason, w.blocks)
		}
	}
}

func equalBlocks[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDefaultPriority checks that without a priority the order of SPEC.md
// decides, and that default_status takes unknown words.
func TestDefaultPriority(t *testing.T) {
	p := validProfile()
	p.Priority = nil
	p.DefaultStatus = "anomaly"
	data := encode1252(t, "N° commande;Code client;Raison sociale;Commercial;Statut;Motif blocage;Montant HT;Date commande;Blocage crédit;Blocage livraison;Motif livraison\n"+
		"1;C;n;;En cours;;1;;Bloquée crédit;Z1;\n"+
		"2;C;n;;Inconnu;;1;;;;\n"+
		"3;C;n;;;;1;;;;\n")
	got, bad := read(t, "export.csv", data, p)
	if len(bad) > 0 || len(got) != 3 {
		t.Fatalf("%+v, problems %q", got, bad)
	}
	if got[0].Status != orders.StatusCreditLimit || len(got[0].Blocks) != 2 || got[0].Blocks[0].Kind != orders.StatusCreditLimit {
		t.Errorf("two blocks, default priority: %+v", got[0])
	}
	for _, e := range got[1:] {
		if e.Status != orders.StatusAnomaly || len(e.Blocks) != 1 || e.Blocks[0].Kind != orders.StatusAnomaly {
			t.Errorf("default status: %+v", e)
		}
	}
}

// TestRowErrors checks every row-level message and that reading goes on.
func TestRowErrors(t *testing.T) {
	p := simpleProfile()
	p.DateFormat = "dd/mm/yyyy"
	p.Decimal = ","
	p.Columns["currency"] = "Devise"
	p.Columns["rep"] = "Commercial"
	p.PeopleBy = "code"
	data := []byte("N° commande;Code client;Raison sociale;Statut;Montant HT;Date commande;Devise;Commercial\n" +
		";C1;n;En cours;1;;;\n" +
		"---;C1;n;En cours;1;;;\n" +
		"4500;;n;En cours;1;;;\n" +
		"4501;C1;n;Bloquée;1;;;\n" +
		"4502;C1;n;En cours;1;31/02/2026;;\n" +
		"4503;C1;n;En cours;12,4,5;;;\n" +
		"4504;C1;n;En cours;1;;euros;\n" +
		"4505;C1;n;En cours;1\n" +
		"4506;C1;n;En cours;1;;;;extra\n" +
		"4507;C1;n;En cours;1;;usd;JDU;;\n" +
		"4508;C1;n;En cours;1;;€; \n" +
		"4509;C1;\"n;En cours;1;;;\n" +
		"4510;C1;n;En cours;1;;;\n")
	got, bad := read(t, "export.csv", data, p)
	wantBad := []string{
		`export.csv:2: column "N° commande": the order number is missing`,
		`export.csv:3: column "N° commande": "---" is not an order number (it has no letter or digit)`,
		`export.csv:4: column "Code client": the customer code is missing`,
		`export.csv:5: column "Statut": "Bloquée" is not a known status (add it to statuses, or set default_status)`,
		`export.csv:6: column "Date commande": "31/02/2026" is not a date (dd/mm/yyyy)`,
		`export.csv:7: column "Montant HT": "12,4,5" is not a number`,
		`export.csv:8: column "Devise": "euros" is not a currency code (three letters, like EUR)`,
		`export.csv:9: the row has 5 fields, but the header has 8`,
		`export.csv:10: the row has 9 fields, but the header has 8`,
		`export.csv:13: the row has 3 fields, but the header has 8 (a quote (") opened on this line may not be closed)`,
	}
	if strings.Join(bad, "\n") != strings.Join(wantBad, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(wantBad, "\n"))
	}
	if len(got) != 2 || got[0].Line != 11 || got[0].Currency != "USD" || got[0].Rep != "JDU" || got[1].Currency != "EUR" {
		t.Errorf("entries after the errors: %+v", got)
	}

	// The fields of a RowError.
	r, err := ingest.NewReader("export.csv", bytes.NewReader(data), p)
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		_, _ = r.Next()
	}
	_, err = r.Next()
	var rowErr *ingest.RowError
	if !errors.As(err, &rowErr) || !reflect.DeepEqual(*rowErr, ingest.RowError{File: "export.csv", Line: 6, Column: "Date commande", Value: "31/02/2026",
		Problem: `"31/02/2026" is not a date (dd/mm/yyyy)`}) {
		t.Errorf("sixth row: %#v", err)
	}
}

// TestFileErrors checks the one-line messages for files that cannot be
// read as a table at all.
func TestFileErrors(t *testing.T) {
	zipNotXLSX := []byte("PK\x05\x06" + strings.Repeat("\x00", 18))
	tests := []struct {
		name string
		data []byte
		p    func(p *ingest.Profile)
		want string
	}{
		{"orders.xlsx", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), nil, "orders.xlsx: not a CSV or XLSX file"},
		{"export.csv", []byte("N° commande;Code\x00client\n"), nil, `export.csv:1: column 2: the header holds a NUL byte (\0), which no text may hold`},
		{"export.csv", bytes.Repeat([]byte("\x00\x01\x02garbage"), 100), nil, "export.csv: not a CSV or XLSX file"},
		{"export.csv", []byte("N\x00\xb0\x00 \x00c\x00o\x00m\x00;\x00C\x00o\x00d\x00e\x00\n\x00"), nil,
			"export.csv: UTF-16 text without a byte order mark: set encoding: utf-16 in the profile"},
		{"export.csv", []byte{0x7f, 'E', 'L', 'F', 2, 1, 1}, nil, "export.csv: not a CSV or XLSX file"},
		{"orders.xlsx", zipNotXLSX, nil, "orders.xlsx: not a CSV or XLSX file"},
		{"orders.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), nil,
			"orders.xls: an old Excel file (.xls) or a password-protected workbook, not a CSV or XLSX file: save it as .xlsx or .csv"},
		{"export.csv", nil, nil, "export.csv: the file is empty"},
		{"export.csv", []byte("\xEF\xBB\xBF"), nil, "export.csv: the file is empty"},
		{"export.csv", []byte("\r\n\r\n;;;\r\n  \r\n"), nil, "export.csv: the file is empty"},
		{"export.csv", []byte("N° commande;Code client;Statut\n1;C;En cours\n"), nil,
			`export.csv: no column "Montant HT" (columns are: N° commande, Code client, Statut)`},
		{"export.csv", []byte("N° commande;Code client;Statut;Montant HT\n"), func(p *ingest.Profile) { p.Encoding = "windows-1252" },
			`export.csv:1: the file looks like UTF-8 but the profile reads it as windows-1252 ("°" would read as "Â°"); set encoding: utf-8`},
		{"export.csv", []byte("N\xb0 commande;Code client;Statut;Montant HT\n"), func(p *ingest.Profile) { p.Encoding = "utf-8" },
			`export.csv:1: the file looks like windows-1252 but the profile reads it as utf-8 (byte 0xB0, "°" in windows-1252, is not UTF-8); set encoding: windows-1252`},
		{"export.csv", []byte("N° commande;Client\n1;C\n"), nil,
			`export.csv: no columns "Code client", "Statut", "Montant HT" (columns are: N° commande, Client)`},
		{"export.csv", []byte("N° commande;Code client;Statut;Montant HT;Statut\n1;C;En cours;1;x\n"), nil,
			`export.csv: the header has the column "Statut" twice, so which one to read is unclear`},
		{"export.csv", []byte("N° commande;Code client;Statut;Montant HT\n"), func(p *ingest.Profile) { p.Format = "xlsx" },
			`export.csv: a CSV file, but the profile's format is xlsx`},
		{"export.csv", []byte("x"), func(p *ingest.Profile) { p.Columns["number"] = "" },
			`export.csv: the profile is not valid: columns.number: the header text is empty; columns.number: required: the header of the column holding the order number`},
	}
	for _, tt := range tests {
		p := simpleProfile()
		delete(p.Columns, "customer_name")
		delete(p.Columns, "ordered_on")
		if tt.p != nil {
			tt.p(&p)
		}
		for _, open := range []string{"NewReader", "Open"} {
			var r *ingest.Reader
			var err error
			name := tt.name
			if open == "Open" {
				name = writeFile(t, tt.name, tt.data)
				r, err = ingest.Open(name, p)
			} else {
				r, err = ingest.NewReader(name, bytes.NewReader(tt.data), p)
			}
			want := strings.Replace(tt.want, tt.name, name, 1)
			if err == nil {
				r.Close()
				t.Errorf("%s(%s): no error, want %q", open, tt.name, want)
				continue
			}
			if msg := orders.ErrorMessage(err); msg != want || orders.ErrorCode(err) != orders.EInvalid {
				t.Errorf("%s(%s) = %q (%s), want %q", open, tt.name, msg, orders.ErrorCode(err), want)
			}
		}
	}

	if _, err := ingest.Open(filepath.Join(t.TempDir(), "missing.csv"), simpleProfile()); err == nil || !strings.HasSuffix(orders.ErrorMessage(err), "missing.csv: no such file or directory") {
		t.Errorf("Open of a missing file: %v", err)
	}
	if _, err := ingest.Open(t.TempDir(), simpleProfile()); err == nil || !strings.HasSuffix(orders.ErrorMessage(err), ": not a regular file (a directory)") {
		t.Errorf("Open of a folder: %v", err)
	}
}

// TestUTF16 reads Excel's "Unicode text": UTF-16 with a byte order mark,
// tab-separated.
func TestUTF16(t *testing.T) {
	text := "N° commande\tCode client\tRaison sociale\tStatut\tMontant HT\tDate commande\r\n4500\tC1\tDupré\tEn cours\t1,5\t27/11/2026\r\n"
	data := []byte{0xFF, 0xFE}
	for _, r := range text {
		data = append(data, byte(r), byte(r>>8))
	}
	got, bad := read(t, "export.txt", data, simpleProfile())
	if len(bad) > 0 || len(got) != 1 || got[0].CustomerName != "Dupré" || got[0].AmountCents != 150 || got[0].Line != 2 {
		t.Errorf("%+v, problems %q", got, bad)
	}
}

func TestAccessors(t *testing.T) {
	data := []byte("\xEF\xBB\xBF n° COMMANDE ;Code client;Statut;Montant HT;Autre\n")
	p := simpleProfile()
	delete(p.Columns, "customer_name")
	delete(p.Columns, "ordered_on")
	r, err := ingest.NewReader("export.csv", bytes.NewReader(data), p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Name() != "export.csv" || r.Column("number") != "n° COMMANDE" || r.Column("amount") != "Montant HT" || r.Column("rep") != "" || r.Column("nope") != "" {
		t.Errorf("Name %q, Column(number) %q, Column(amount) %q", r.Name(), r.Column("number"), r.Column("amount"))
	}
	if h := strings.Join(r.Header(), "|"); h != "n° COMMANDE|Code client|Statut|Montant HT|Autre" {
		t.Errorf("Header() = %q", h)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next on a header alone = %v, want io.EOF", err)
	}
	if fields := strings.Join(ingest.Fields(), ","); !strings.HasPrefix(fields, "number,customer_code,") || !strings.HasSuffix(fields, ",expected_release") {
		t.Errorf("Fields() = %s", fields)
	}
}
