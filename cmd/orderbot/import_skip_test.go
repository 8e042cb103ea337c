package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
