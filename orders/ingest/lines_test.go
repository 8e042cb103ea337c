package ingest_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// frenchLinesProfile reads a French ERP's line export, as the README shows.
func frenchLinesProfile() ingest.Profile {
	return ingest.Profile{
		Kind: "lines", Separator: ";", Encoding: "windows-1252", Decimal: ",", DateFormat: "dd/mm/yyyy",
		Columns: map[string]string{
			"number": "N° commande", "line": "N° ligne", "item": "Article", "description": "Désignation",
			"quantity": "Qté commandée", "available": "Qté dispo", "restock_on": "Date réappro",
			"shipped": "Qté livrée", "carrier": "Transporteur", "tracking": "N° suivi",
		},
	}
}

// readLines reads the lines export at path to its end: the lines, and the
// messages of the bad rows.
func readLines(t *testing.T, path string, p ingest.Profile, lim ingest.Limits) ([]ingest.LineEntry, []string) {
	t.Helper()
	r, err := ingest.OpenLines(context.Background(), path, p, lim)
	if err != nil {
		t.Fatalf("OpenLines: %v", err)
	}
	defer r.Close()
	var lines []ingest.LineEntry
	var bad []string
	for {
		l, err := r.Next()
		var rowErr *ingest.RowError
		switch {
		case errors.Is(err, io.EOF):
			return lines, bad
		case errors.As(err, &rowErr):
			bad = append(bad, strings.TrimPrefix(rowErr.Error(), filepath.Dir(path)+string(filepath.Separator)))
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			lines = append(lines, l)
		}
	}
}

const frenchLinesHeader = "N° commande;N° ligne;Article;Désignation;Qté commandée;Qté dispo;Date réappro;Qté livrée;Transporteur;N° suivi\r\n"

func TestLinesFromAFrenchExport(t *testing.T) {
	text := frenchLinesHeader +
		"11077;1;CHAI-24;Chai 24 × 500 g;12;0;14/12/2026;0;;\r\n" +
		"11077;2;1234;Café moulu 1 kg;40;12,5;;0;;\r\n" +
		"\r\n" +
		"11078;10;4711;Farine T65 sac 25 kg;8;0;;8;DHL;JD014600006281\r\n"
	path := writeFile(t, "lignes.csv", encode1252(t, text))
	lines, bad := readLines(t, path, frenchLinesProfile(), ingest.Limits{})
	if len(bad) > 0 {
		t.Fatalf("bad rows: %v", bad)
	}
	want := []ingest.LineEntry{
		{Row: 2, Order: "11077", Line: orders.Line{Number: 1, Item: "CHAI-24", Description: "Chai 24 × 500 g", Quantity: 12, RestockOn: date(2026, 12, 14)}},
		{Row: 3, Order: "11077", Line: orders.Line{Number: 2, Item: "1234", Description: "Café moulu 1 kg", Quantity: 40, Available: 12.5}},
		{Row: 5, Order: "11078", Line: orders.Line{Number: 10, Item: "4711", Description: "Farine T65 sac 25 kg", Quantity: 8, Shipped: 8, Carrier: "DHL", Tracking: "JD014600006281"}},
	}
	if len(lines) != len(want) {
		t.Fatalf("read %d lines, want %d: %+v", len(lines), len(want), lines)
	}
	for i, w := range want {
		g := lines[i]
		if !sameDate(g.Line.RestockOn, w.Line.RestockOn) {
			t.Errorf("line %d: restock %v, want %v", i, g.Line.RestockOn, w.Line.RestockOn)
		}
		g.Line.RestockOn, w.Line.RestockOn = nil, nil
		if g != w {
			t.Errorf("line %d = %+v, want %+v", i, g, w)
		}
	}
	if !lines[0].Line.Short() || lines[0].Line.Missing() != 12 || lines[2].Line.Short() {
		t.Errorf("short lines wrong: %+v", lines)
	}
}

func TestLinesBadRowsNameTheLineAndTheColumn(t *testing.T) {
	text := frenchLinesHeader +
		"11077;1;CHAI-24;Chai;12,4,5;0;;;;\r\n" +
		"11077;;CHAI-24;Chai;12;0;;;;\r\n" +
		";3;CHAI-24;Chai;12;0;;;;\r\n" +
		"11077;4;CHAI-24;Chai;-2;0;31/02/2026;;;\r\n" +
		"11077;5;CHAI-24;Ch\x00ai;2;0;;;;\r\n" +
		"11077;1,5;CHAI-24;Chai;2;0;;;;\r\n" +
		"11077;7;CHAI-24;Chai;2;0;;;;;x;y\r\n" +
		"11077;8;CHAI-24;Chai;2;0;;;;\r\n"
	path := writeFile(t, "lignes.csv", encode1252(t, text))
	lines, bad := readLines(t, path, frenchLinesProfile(), ingest.Limits{})
	want := []string{
		`lignes.csv:2: column "Qté commandée": "12,4,5" is not a number`,
		`lignes.csv:3: column "N° ligne": the line number is missing`,
		`lignes.csv:4: column "N° commande": the order number is missing`,
		`lignes.csv:5: column "Qté commandée": "-2" is negative: the quantity ordered cannot be; column "Date réappro": "31/02/2026" is not a date`,
		`lignes.csv:6: column "Désignation": the cell holds a NUL byte (\0), which no text may hold`,
		`lignes.csv:7: column "N° ligne": "1,5" is not a line number (a whole number from 1)`,
		`lignes.csv:8: the row has 12 fields, but the header has 10`,
	}
	if len(bad) != len(want) {
		t.Fatalf("bad rows:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(bad[i], want[i]) {
			t.Errorf("bad row %d:\n got %s\nwant %s", i, bad[i], want[i])
		}
	}
	if len(lines) != 1 || lines[0].Line.Number != 8 {
		t.Errorf("good lines = %+v, want line 8 only", lines)
	}
}

func TestLinesFileProblems(t *testing.T) {
	p := frenchLinesProfile()
	missing := writeFile(t, "lignes.csv", encode1252(t, "N° commande;N° ligne;Article;Désignation;Qté commandée;Qté dispo\r\n11077;1;A;B;1;1\r\n"))
	if _, err := ingest.OpenLines(context.Background(), missing, p, ingest.Limits{}); err == nil ||
		!strings.Contains(err.Error(), `lignes.csv: no columns "Date réappro", "Qté livrée", "Transporteur", "N° suivi"`) {
		t.Errorf("missing columns: %v", err)
	}
	many := writeFile(t, "lignes.csv", encode1252(t, frenchLinesHeader+strings.Repeat("11077;1;A;B;1;1;;;;\r\n", 3)))
	r, err := ingest.OpenLines(context.Background(), many, p, ingest.Limits{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var last error
	for last == nil {
		_, last = r.Next()
	}
	if !strings.Contains(last.Error(), "lignes.csv:4: more than import.max_rows, 2 rows after the header") {
		t.Errorf("rows past the limit: %v", last)
	}
	// An orders profile does not read lines, nor a lines profile orders.
	if _, err := ingest.OpenLines(context.Background(), many, simpleProfile(), ingest.Limits{}); err == nil || !strings.Contains(err.Error(), "the profile reads orders, not lines") {
		t.Errorf("orders profile read as lines: %v", err)
	}
	if _, err := ingest.OpenContext(context.Background(), many, p, ingest.Limits{}); err == nil || !strings.Contains(err.Error(), "kind: a lines profile reads no orders: import its file with orderbot import lines") {
		t.Errorf("lines profile read as orders: %v", err)
	}
}

func TestLinesFromAWorkbook(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"N° commande", "N° ligne", "Article", "Désignation", "Qté commandée", "Qté dispo", "Date réappro"},
		{11077, 1, "CHAI-24", "Chai", 12, 0.5, time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)},
		{"11078", "2", 1234, "Café", "3,5", "0", "14/12/2026"},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	path := writeFile(t, "lignes.xlsx", nil)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	p := ingest.Profile{Kind: "lines", Decimal: ",", DateFormat: "dd/mm/yyyy", Columns: map[string]string{
		"number": "N° commande", "line": "N° ligne", "item": "Article", "description": "Désignation",
		"quantity": "Qté commandée", "available": "Qté dispo", "restock_on": "Date réappro"}}
	lines, bad := readLines(t, path, p, ingest.Limits{})
	if len(bad) > 0 || len(lines) != 2 {
		t.Fatalf("lines %+v, bad %v", lines, bad)
	}
	if l := lines[0]; l.Order != "11077" || l.Line.Quantity != 12 || l.Line.Available != 0.5 || !sameDate(l.Line.RestockOn, date(2026, 12, 14)) {
		t.Errorf("typed cells: %+v", l)
	}
	if l := lines[1]; l.Line.Number != 2 || l.Line.Item != "1234" || l.Line.Quantity != 3.5 || !sameDate(l.Line.RestockOn, date(2026, 12, 14)) {
		t.Errorf("text cells: %+v", l)
	}
}

func TestLineLevelOrdersExport(t *testing.T) {
	p := simpleProfile()
	p.Columns["line"] = "N° ligne"
	p.Columns["item"] = "Article"
	p.Columns["description"] = "Désignation"
	p.Columns["quantity"] = "Qté commandée"
	p.Columns["available"] = "Qté dispo"
	p.Columns["restock_on"] = "Date réappro"
	if !p.LineLevel() || simpleProfile().LineLevel() {
		t.Fatal("LineLevel wrong")
	}
	text := "N° commande;Code client;Raison sociale;Statut;Montant HT;Date commande;N° ligne;Article;Désignation;Qté commandée;Qté dispo;Date réappro\r\n" +
		"11077;C001;Boulangerie Dupré;En cours;1 200,00;27/11/2026;1;CHAI-24;Chai;12;0;14/12/2026\r\n" +
		"11077;C001;Boulangerie Dupré;En cours;1 200,00;27/11/2026;2;1234;Café;4;4;\r\n" +
		"11078;C002;Müller;Perdue;abc;27/11/2026;1;1234;Café;x;0;\r\n"
	path := writeFile(t, "cmd.csv", encode1252(t, text))
	r, err := ingest.OpenContext(context.Background(), path, p, ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e, l, err := r.NextWithLine()
	if err != nil || e.Number != "11077" || e.AmountCents != 120000 || l.Number != 1 || l.Item != "CHAI-24" || l.Quantity != 12 || !sameDate(l.RestockOn, date(2026, 12, 14)) {
		t.Errorf("first row: %+v %+v %v", e, l, err)
	}
	if _, l, err = r.NextWithLine(); err != nil || l.Number != 2 || l.Available != 4 {
		t.Errorf("second row: %+v %v", l, err)
	}
	_, _, err = r.NextWithLine()
	want := filepath.Join(filepath.Dir(path), "cmd.csv") + `:4: column "Statut": "Perdue" is not a known status (add it to statuses, or set default_status); column "Montant HT": "abc" is not a number; column "Qté commandée": "x" is not a number`
	if err == nil || err.Error() != want {
		t.Errorf("bad row:\n got %v\nwant %s", err, want)
	}
	if _, _, err = r.NextWithLine(); !errors.Is(err, io.EOF) {
		t.Errorf("end: %v", err)
	}
}

func TestKindProfilesValidate(t *testing.T) {
	tests := []struct {
		name string
		p    ingest.Profile
		want string
	}{
		{"lines valid", frenchLinesProfile(), ""},
		{"credit valid", frenchCreditProfile(), ""},
		{"unknown column of lines", func() ingest.Profile {
			p := frenchLinesProfile()
			p.Columns["status"] = "Statut"
			return p
		}(), "columns.status: not a field of a lines export (number, line, item, description, quantity, available, restock_on, shipped, carrier, tracking)"},
		{"unknown column of credit", func() ingest.Profile {
			p := frenchCreditProfile()
			p.Columns["limite"] = "Plafond"
			return p
		}(), "columns.limite: not a field of a credit export (customer_code, credit_limit, exposure, overdue, overdue_since, currency, account_hold)"},
		{"required", func() ingest.Profile {
			p := frenchLinesProfile()
			delete(p.Columns, "restock_on")
			return p
		}(), "columns.restock_on: required: the header of the column holding the restock date"},
		{"orders settings in lines", func() ingest.Profile {
			p := frenchLinesProfile()
			p.Statuses = map[string]string{"En cours": "open"}
			return p
		}(), "statuses: a lines profile has none: it belongs to an orders profile"},
		{"hold word", func() ingest.Profile {
			p := frenchCreditProfile()
			p.HoldValues["Gelé"] = "maybe"
			return p
		}(), `hold_values["Gelé"]: "maybe" is neither hold nor none`},
		{"credit constant", func() ingest.Profile {
			p := frenchCreditProfile()
			p.Constants = map[string]string{"currency": "euro"}
			return p
		}(), `constants.currency: "euro" is not a currency code (three letters, like EUR)`},
		{"kind", func() ingest.Profile {
			p := frenchLinesProfile()
			p.Kind = "stock"
			return p
		}(), `kind: "stock" is not a kind of export (orders, lines or credit)`},
		{"line-level orders lacking line columns", func() ingest.Profile {
			p := simpleProfile()
			p.Columns["quantity"] = "Qté"
			return p
		}(), "columns.line: required when the rows are order lines: the header of the column holding the line number"},
		{"orders unknown column", func() ingest.Profile {
			p := simpleProfile()
			p.Columns["qty"] = "Qté"
			return p
		}(), "columns.qty: not an order field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Errorf("Validate:\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestLineLevelOrdersGroupByNumber(t *testing.T) {
	p := simpleProfile()
	for k, v := range map[string]string{"line": "N° ligne", "item": "Article", "description": "Désignation",
		"quantity": "Qté commandée", "available": "Qté dispo", "restock_on": "Date réappro"} {
		p.Columns[k] = v
	}
	text := "N° commande;Code client;Raison sociale;Statut;Montant HT;Date commande;N° ligne;Article;Désignation;Qté commandée;Qté dispo;Date réappro\r\n" +
		"11077;C001;Boulangerie Dupré;En cours;1 200,00;27/11/2026;1;CHAI-24;Chai;12;0;14/12/2026\r\n" +
		"11078;C002;Müller;En cours;300,00;27/11/2026;1;1234;Café;4;4;\r\n" +
		"11077;C001;Boulangerie Dupré;En cours;1 200,00;27/11/2026;2;1234;Café;4;4;\r\n" +
		"11078;C002;Müller;Bloquée crédit;300,00;27/11/2026;2;4711;Farine;1;1;\r\n" +
		"11079;C002;Müller;En cours;5,00;27/11/2026;1;4711;Farine;x;1;\r\n"
	path := writeFile(t, "cmd.csv", encode1252(t, text))
	r, err := ingest.OpenContext(context.Background(), path, p, ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	g := r.Groups()
	var numbers, bad []string
	for {
		e, err := g.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr *ingest.RowError
		if errors.As(err, &rowErr) {
			bad = append(bad, strings.TrimPrefix(err.Error(), filepath.Dir(path)+string(filepath.Separator)))
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, e.Number)
	}
	if strings.Join(numbers, ",") != "11077,11078" {
		t.Errorf("orders = %v, want each once", numbers)
	}
	want := []string{
		`cmd.csv:5: column "Statut": order 11078 has another value at line 3; every row of an order must give the same order fields`,
		`cmd.csv:6: column "Qté commandée": "x" is not a number`,
	}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad rows:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
}
