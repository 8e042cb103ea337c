package ingest_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
	"github.com/xuri/excelize/v2"
)

// writeWorkbook builds orders.xlsx: a sheet Export with a blank first row,
// the header on row 2 and typed cells (numbers, a date, text), then a sheet
// Lisez-moi and an empty sheet Vide.
func writeWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Export"))
	rows := [][]any{
		nil,
		{"N° commande", "Code client", "Raison sociale", "Statut", "Montant HT", "Date commande", "Blocage livraison"},
		{"4500012345", "C001", "Boulangerie Dupré", "En cours", 12400.5, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), nil},
		{4500012346, 42, "Crème & Café", "Bloquée crédit", 0.125, time.Date(2026, 1, 3, 15, 30, 0, 0, time.UTC), "Z1"},
		nil,
		{"SO-7", "C003", "Texte", "En cours", "1 234,56", "27/11/2026", nil},
		{"SO-8", "C003", "Texte", "En cours", "12,4,5", nil, nil},
		{"SO-9", "C003", "Texte", "En cours", 1e-7, nil, nil},
	}
	for i, row := range rows {
		if row == nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		must(err)
		must(f.SetSheetRow("Export", cell, &row))
	}
	// As Excel writes it; excelize leaves "A1".
	must(f.SetSheetDimension("Export", "A1:G8"))
	_, err := f.NewSheet("Lisez-moi")
	must(err)
	must(f.SetCellValue("Lisez-moi", "A1", "Export du portefeuille"))
	_, err = f.NewSheet("Vide")
	must(err)
	path := writeFile(t, "orders.xlsx", nil)
	must(f.SaveAs(path))
	return path
}

func xlsxProfile() ingest.Profile {
	p := simpleProfile()
	p.Decimal = ","
	p.DateFormat = "dd/mm/yyyy"
	p.Blocks = []ingest.BlockColumn{{Column: "Blocage livraison", Values: map[string]string{"Z1": "delivery_block"}}}
	p.Priority = []string{"delivery_block", "credit_limit"}
	return p
}

func TestXLSX(t *testing.T) {
	path := writeWorkbook(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, sheet := range []string{"", "Export", "export"} {
		for _, open := range []string{"Open", "NewReader"} {
			p := xlsxProfile()
			p.Sheet = sheet
			var r *ingest.Reader
			if open == "Open" {
				r, err = ingest.Open(path, p)
			} else {
				r, err = ingest.NewReader("orders.xlsx", bytes.NewReader(data), p)
			}
			if err != nil {
				t.Fatalf("sheet %q, %s: %v", sheet, open, err)
			}
			got, bad := readAll(t, r)
			done, total := r.Progress()
			if err := r.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			name := "orders.xlsx"
			if open == "Open" {
				name = path
			}
			wantBad := []string{name + `:7: column "Montant HT": "12,4,5" is not a number`}
			if strings.Join(bad, "\n") != strings.Join(wantBad, "\n") {
				t.Errorf("sheet %q, %s: problems %q, want %q", sheet, open, bad, wantBad)
			}
			if done != 8 || total != 8 {
				t.Errorf("sheet %q, %s: Progress() = %d, %d; want 8, 8", sheet, open, done, total)
			}
			if len(got) != 4 {
				t.Fatalf("sheet %q, %s: %d entries: %+v", sheet, open, len(got), got)
			}
			if e := got[0]; e.Line != 3 || e.Number != "4500012345" || e.CustomerName != "Boulangerie Dupré" || e.Status != orders.StatusOpen ||
				e.AmountCents != 1240050 || !sameDate(e.OrderedOn, date(2026, 11, 27)) {
				t.Errorf("row 3: %+v", e)
			}
			if e := got[1]; e.Line != 4 || e.Number != "4500012346" || e.CustomerCode != "42" || e.Status != orders.StatusDeliveryBlock ||
				len(e.Blocks) != 2 || e.AmountCents != 13 || !sameDate(e.OrderedOn, date(2026, 1, 3)) {
				t.Errorf("row 4: %+v", e)
			}
			if e := got[2]; e.Line != 6 || e.AmountCents != 123456 || !sameDate(e.OrderedOn, date(2026, 11, 27)) {
				t.Errorf("row 6 (text cells): %+v", e)
			}
			if e := got[3]; e.Line != 8 || e.AmountCents != 0 || e.OrderedOn != nil {
				t.Errorf("row 8: %+v", e)
			}
		}
	}
}

func TestXLSXErrors(t *testing.T) {
	path := writeWorkbook(t)
	tests := []struct {
		sheet, format, want string
	}{
		{"Commandes", "", `: no sheet "Commandes" (sheets are: Export, Lisez-moi, Vide)`},
		{"Vide", "", `: the sheet "Vide" is empty`},
		{"Lisez-moi", "", `: no columns "N° commande", "Code client", "Raison sociale", "Statut", "Montant HT", "Date commande", "Blocage livraison" (columns are: Export du portefeuille)`},
		{"", "csv", `: an XLSX file, but the profile's format is csv`},
	}
	for _, tt := range tests {
		p := xlsxProfile()
		p.Sheet, p.Format = tt.sheet, tt.format
		r, err := ingest.Open(path, p)
		if err == nil {
			r.Close()
			t.Errorf("sheet %q: no error, want %q", tt.sheet, tt.want)
			continue
		}
		if msg := orders.ErrorMessage(err); msg != path+tt.want {
			t.Errorf("sheet %q: %q, want %q", tt.sheet, msg, path+tt.want)
		}
		var rowErr *ingest.RowError
		if errors.As(err, &rowErr) {
			t.Errorf("sheet %q: a file error is a *RowError", tt.sheet)
		}
	}
}
