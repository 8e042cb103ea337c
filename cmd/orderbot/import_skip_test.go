package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/orderbot/orderbot/orders"
)

// TestReimportReadsAgainWhatItWouldReadOtherwise: a daily re-import leaves
// unread the rows that name an open order last imported from the same row,
// but only while the same row would read the same: a new profile (a word
// mapped to another status), a changed cell, or a row given twice are read.
func TestReimportReadsAgainWhatItWouldReadOtherwise(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	ctx := context.Background()
	file := filepath.Join(dir, "export.csv")
	rows := []string{
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;helene.lefevre@example.fr;En cours;;12 400,50;03/11/2026;;\n",
		"4500012346;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;Rupture;SKU 4711 manquant;1 860,00;04/11/2026;;\n",
		"4500012347;C000042;Établissements Müller SARL;;paul@example.fr;;En préparation;;980;05/11/2026;;\n",
	}
	imp := func(what, cfg, want string, rows ...string) string {
		t.Helper()
		write1252(t, file, sageHeader+strings.Join(rows, ""))
		out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
		if want != "" && (err != nil || !strings.Contains(out, want)) {
			t.Errorf("%s: %v\n%s", what, err, out)
		}
		if want == "" {
			if err == nil {
				t.Errorf("%s: imported:\n%s", what, out)
			}
			return err.Error()
		}
		return out
	}
	status := func(number string) orders.Status {
		t.Helper()
		o, err := st.OrderByNumber(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		return o.Status
	}
	imp("first load", cfg, "3 new", rows...)
	// The file's hash, computed while the import ran, is its run's.
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var recorded string
	if err := st.Pool().QueryRow(ctx, `SELECT sha256 FROM import_runs WHERE kind = 'orders' ORDER BY id DESC LIMIT 1`).
		Scan(&recorded); err != nil || recorded != fmt.Sprintf("%x", sha256.Sum256(raw)) {
		t.Errorf("recorded hash %q (%v), want the file's %x", recorded, err, sha256.Sum256(raw))
	}
	imp("the same export", cfg, "0 new, 0 updated, 3 unchanged", rows...)

	// "En cours" now means picking: the same rows read otherwise.
	picking := filepath.Join(dir, "picking.yaml")
	if err := os.WriteFile(picking, []byte(strings.Replace(sageProfile, `"En cours": open`, `"En cours": picking`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	imp("a new profile", picking, "0 new, 1 updated, 2 unchanged", rows...)
	if s := status("4500012345"); s != orders.StatusPicking {
		t.Errorf("4500012345 is %s after the new profile, want picking", s)
	}
	imp("the new profile again", picking, "0 new, 0 updated, 3 unchanged", rows...)

	// One cell changes.
	changed := append([]string(nil), rows...)
	changed[2] = strings.Replace(changed[2], "En préparation", "Rupture", 1)
	imp("a changed cell", picking, "0 new, 1 updated, 2 unchanged", changed...)
	if s := status("4500012347"); s != orders.StatusOutOfStock {
		t.Errorf("4500012347 is %s, want out of stock", s)
	}

	// An unchanged row given twice is a duplicate, as any other.
	msg := imp("a row given twice", picking, "", append(changed, changed[0])...)
	if !strings.Contains(msg, ":5: column \"N° commande\": order 4500012345 appears twice (first on line 2)") {
		t.Errorf("a row given twice: %s", msg)
	}
}

// A re-import whose header moved two columns (same cells, other meaning)
// must read the rows again: the rep and the assistant are swapped.
func TestReimportReadsAgainAMovedColumn(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	ctx := context.Background()
	file := filepath.Join(dir, "export.csv")
	row := "4500012345;C001234;Boulangerie;PO-7781;claire.martin@example.fr;helene.lefevre@example.fr;En cours;;12 400,50;03/11/2026;;\n"
	write1252(t, file, sageHeader+row)
	if out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	swapped := strings.Replace(sageHeader, "Commercial;ADV", "ADV;Commercial", 1)
	write1252(t, file, swapped+row)
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	o, err := st.OrderByNumber(ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	if o.Rep == nil || !strings.Contains(strings.ToLower(o.Rep.Email), "helene") {
		t.Errorf("rep %+v after the header named helene's column Commercial", o.Rep)
	}
}

// The same cells read from an XLSX sheet read otherwise than from a CSV
// file ("1.500" under decimal ",": 1 500,00 in CSV, 1,50 in a sheet): a
// re-import of the same cells as XLSX must read them again.
func TestReimportReadsAgainTheSameCellsFromASheet(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	ctx := context.Background()
	file := filepath.Join(dir, "export.csv")
	row := "4500012345;C001234;Boulangerie;PO-7781;a@example.fr;b@example.fr;En cours;x;1.500;03/11/2026;Bloquée crédit;Z1\n"
	write1252(t, file, sageHeader+row)
	if out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	o, err := st.OrderByNumber(ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	if o.AmountCents != 150000 {
		t.Fatalf("amount %d from the CSV file's 1.500, want 1 500,00", o.AmountCents)
	}
	book := excelize.NewFile()
	defer book.Close()
	var rows [][]any
	for _, line := range []string{strings.TrimSuffix(sageHeader, "\n"), strings.TrimSuffix(row, "\n")} {
		var r []any
		for _, c := range strings.Split(line, ";") {
			r = append(r, c)
		}
		rows = append(rows, r)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := book.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	xlsx := filepath.Join(dir, "export.xlsx")
	if err := book.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", xlsx, "--profile", "sage_fr")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	o, err = st.OrderByNumber(ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	if o.AmountCents != 150 {
		t.Errorf("amount %d after the sheet said 1.500 (read 1,50 from a sheet)", o.AmountCents)
	}
}

// An unmapped column that changes every day (the extraction date) changes
// nothing of the orders: a daily re-import must not rewrite them.
func TestReimportRewritesNothingForAnUnmappedColumn(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	ctx := context.Background()
	file := filepath.Join(dir, "export.csv")
	header := strings.TrimSuffix(sageHeader, "\n") + ";Date extraction\n"
	rows := func(day string) string {
		return "4500012345;C001234;Boulangerie;PO-7781;claire.martin@example.fr;;En cours;;12 400,50;03/11/2026;;;" + day + "\n" +
			"4500012346;C001234;Boulangerie;;claire.martin@example.fr;;Rupture;SKU;1 860,00;04/11/2026;;;" + day + "\n"
	}
	xmins := func() string {
		var s string
		if err := st.Pool().QueryRow(ctx, `SELECT string_agg(xmin::text, ',' ORDER BY id) FROM orders`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	write1252(t, file, header+rows("01/12/2026"))
	if out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Once more, so that the digests are the current scheme's.
	if out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	before := xmins()
	write1252(t, file, header+rows("02/12/2026"))
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if after := xmins(); after != before {
		t.Errorf("orders rewritten by a re-import changing only an unmapped column: xmin %s then %s", before, after)
	}
}

// A NUL byte in a column no field reads makes the row bad; a re-import of
// that row must say so, not skip it.
func TestReimportRefusesANULByteInAnUnmappedColumn(t *testing.T) {
	vars, cfg, dir, _ := importSetup(t)
	file := filepath.Join(dir, "export.csv")
	header := strings.TrimSuffix(sageHeader, "\n") + ";Note\n"
	row := func(note string) string {
		return "4500012345;C001234;Boulangerie;PO-7781;claire.martin@example.fr;;En cours;;12 400,50;03/11/2026;;;" + note + "\n"
	}
	write1252(t, file, header+row("ok"))
	for i := 0; i < 2; i++ {
		if out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	write1252(t, file, header+row("o\x00k"))
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	if err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("a NUL byte in the Note column: %v\n%s", err, out)
	}
}
