package ingest_test

import (
	"io"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// TestWhatTheStoreCannotHold: a value that PostgreSQL would refuse at the
// end of the import (an amount past numeric(15, 2), text too long for an
// index) is a bad row naming its column.
func TestWhatTheStoreCannotHold(t *testing.T) {
	p := validProfile()
	p.Columns["customer_ref"] = "Réf. client"
	p.Columns["assistant"] = "ADV"
	header := "N° commande;Code client;Raison sociale;Réf. client;Commercial;ADV;Statut;Motif blocage;Montant HT;Date commande;Blocage crédit;Blocage livraison;Motif livraison\r\n"
	bigName := strings.Repeat("Boulangerie Dupré ", 5500) // 100 KB, as an ERP that pasted a document writes it
	rows := []string{
		"4500000001;C001;Martin;;;;En cours;;9 999 999 999 999,99;;;;",
		"4500000002;C001;Martin;;;;En cours;;-9 999 999 999 999,99;;;;",
		"4500000003;C001;Martin;;;;En cours;;99999999999999,99;;;;",
		"4500000004;C001;Martin;;;;En cours;;-10 000 000 000 000;;;;",
		"4500000005;C001;" + bigName + ";;;;En cours;;1;;;;",
		"4500000006;C001;Martin;" + strings.Repeat("PO-", 200) + ";;;En cours;;1;;;;",
		"4500000007;" + strings.Repeat("C", 501) + ";Martin;;;;En cours;;1;;;;",
		"4500000008;C001;Martin;;" + strings.Repeat("x", 490) + "@exemple.fr;;En cours;;1;;;;",
		strings.Repeat("4", 501) + ";C001;Martin;;;;En cours;;1;;;;",
		"4500000010;C001;" + strings.Repeat("é", 250) + ";;;;En cours;" + strings.Repeat("encours dépassé ", 1000) + ";1;;;;",
	}
	got, bad := read(t, "export.csv", encode1252(t, header+strings.Join(rows, "\r\n")+"\r\n"), p)
	wantBad := []string{
		`export.csv:4: column "Montant HT": "99999999999999,99" is too large an amount (at most 9 999 999 999 999,99 either way)`,
		`export.csv:5: column "Montant HT": "-10 000 000 000 000" is too large an amount (at most 9 999 999 999 999,99 either way)`,
		`export.csv:6: column "Raison sociale": the text is 104499 bytes long, more than a customer name may be (500)`,
		`export.csv:7: column "Réf. client": the text is 600 bytes long, more than a customer's reference may be (500)`,
		`export.csv:8: column "Code client": the text is 501 bytes long, more than a customer code may be (500)`,
		`export.csv:9: column "Commercial": the text is 501 bytes long, more than a person's email may be (500)`,
		`export.csv:10: column "N° commande": the text is 501 bytes long, more than an order number may be (500)`,
	}
	if strings.Join(bad, "\n") != strings.Join(wantBad, "\n") {
		t.Errorf("bad rows:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(wantBad, "\n"))
	}
	// A 1 MB name is past what a cell may hold at all: reading stops there.
	megaName := strings.Repeat("Boulangerie Dupré ", 60_000)
	_, _, err := readErr("export.csv", encode1252(t, header+"4500000001;C001;"+megaName+";;;;En cours;;1;;;;\r\n"), p)
	if want := `export.csv:2: column "Raison sociale": the cell is longer than import.max_field_bytes, 131072 bytes`; orders.ErrorMessage(err) != want {
		t.Errorf("a 1 MB name: %v, want %q", err, want)
	}
	// The largest amounts either way, a 500-byte name and a long block
	// reason (no index holds it) are fine.
	if len(got) != 3 || got[0].AmountCents != ingest.MaxAmountCents || got[1].AmountCents != -ingest.MaxAmountCents ||
		len(got[2].CustomerName) != 500 || len(got[2].BlockReason) < 16000 {
		t.Errorf("entries: %d", len(got))
	}
}

// TestLineReportedOnce: a row with many problems (here a line of garbage
// pasted into the export) is one message: its first problems and how many
// more.
func TestLineReportedOnce(t *testing.T) {
	p := validProfile()
	p.DateFormat = "dd/mm/yyyy"
	header := "N° commande;Code client;Raison sociale;Commercial;Statut;Motif blocage;Montant HT;Date commande;Blocage crédit;Blocage livraison;Motif livraison\r\n"
	garbage := "---;;x;y;Perdue;z;douze;le 3 mars;Oui;Z9;" + strings.Repeat("w", 12000)
	got, bad := read(t, "export.csv", encode1252(t, header+garbage+"\r\n"+"4500000001;C001;Martin;;En cours;;1;;;;\r\n"), p)
	want := []string{`export.csv:2: column "N° commande": "---" is not an order number (it has no letter or digit); ` +
		`column "Code client": the customer code is missing; ` +
		`column "Statut": "Perdue" is not a known status (add it to statuses, or set default_status); and 3 more problems on this line`}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") || len(got) != 1 {
		t.Errorf("%d entries, bad rows:\n%s\nwant:\n%s", len(got), strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
}

// TestNULEverywhere: one rule for a NUL byte, wherever it is: the row is
// bad, at its line, in its column: in a CSV file's first 64 KiB or after,
// and in an XLSX cell (where it is written _x0000_).
func TestNULEverywhere(t *testing.T) {
	const rule = `the cell holds a NUL byte (\0), which no text may hold`
	far := asciiRows(3000)
	csv := []byte(frenchHeader + "4500000001;C001;Mar\x00tin;En cours;1\r\n" + far + "4500099999;C002;Martin;En cours;1\x00\r\n")
	_, bad, err := readErr("orders.csv", csv, asciiProfile(""))
	want := []string{`orders.csv:2: column "Nom": ` + rule, `orders.csv:3003: column "Montant": ` + rule}
	if err != nil || strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("CSV: %v, bad rows:\n%s\nwant:\n%s", err, strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}

	// Excel writes a NUL as _x0000_ in a shared string.
	data := zipBomb(t, func(w io.Writer) {
		io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>4500000001</t></is></c><c r="B2" t="inlineStr"><is><t>C001</t></is></c><c r="C2" t="s"><v>0</v></c><c r="D2" t="inlineStr"><is><t>En cours</t></is></c><c r="E2"><v>12.5</v></c></row>`)
	}, func(w io.Writer) { io.WriteString(w, `<si><t>Mar_x0000_tin</t></si>`) }, nil)
	_, bad, err = readErr("orders.xlsx", data, limitProfile())
	want = []string{`orders.xlsx:2: column "Raison sociale": ` + rule}
	if err != nil || strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("XLSX: %v, bad rows:\n%s\nwant:\n%s", err, strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}

	if ingest.CheckNUL("Martin") != nil || ingest.CheckNUL("Mar\x00tin") == nil {
		t.Error("CheckNUL")
	}
}

// failing is a file whose reads fail, as a disk's do, after its first
// bytes.
type failing struct {
	head io.Reader
	err  error
}

func (f *failing) Read(p []byte) (int, error) {
	if n, _ := f.head.Read(p); n > 0 {
		return n, nil
	}
	return 0, f.err
}

// TestReadErrorNamesThePathOnce: what the system says about a file names
// it once.
func TestReadErrorNamesThePathOnce(t *testing.T) {
	src := &failing{head: strings.NewReader(limitHeader + asciiRows(3000)), err: &fs.PathError{Op: "read", Path: "orders.csv", Err: syscall.EIO}}
	r, err := ingest.NewReaderContext(t.Context(), "orders.csv", src, limitProfile(), ingest.Limits{})
	if err == nil {
		defer r.Close()
		_, _, err = readAllErr(r)
	}
	if want := "orders.csv: cannot be read: input/output error"; err == nil || orders.ErrorMessage(err) != want {
		t.Errorf("%v, want %q", err, want)
	}
}
