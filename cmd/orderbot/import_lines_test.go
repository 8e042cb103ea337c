package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// kindProfiles are the README's example profiles of a French ERP's line
// export and credit export, as its sections "Order lines" and "Credit
// position" give them (indented under import.profiles).
const kindProfiles = `
    sage_lignes:
      kind: lines
      format: csv
      separator: ";"
      encoding: windows-1252
      decimal: ","
      date_format: dd/mm/yyyy
      columns:
        number: "N° commande"
        line: "N° ligne"
        item: "Article"
        description: "Désignation"
        quantity: "Qté commandée"
        available: "Qté dispo"
        restock_on: "Date réappro"
        shipped: "Qté livrée"
        carrier: "Transporteur"
        tracking: "N° suivi"
    sage_encours:
      kind: credit
      format: csv
      separator: ";"
      encoding: windows-1252
      decimal: ","
      date_format: dd/mm/yyyy
      columns:
        customer_code: "Code client"
        credit_limit: "Encours autorisé"
        exposure: "Encours total"
        overdue: "Échu"
        overdue_since: "Échu depuis"
        currency: "Devise"
        account_hold: "Blocage compte"
      hold_values:
        "Bloqué": hold
        "Contentieux": hold
        "Libre": none
`

// kindSetup is importSetup with the lines and credit profiles too, and the
// portfolio of a French export imported (as of 26/11/2026 06:00).
func kindSetup(t *testing.T) (vars map[string]string, cfg, dir string, st *postgres.Store) {
	t.Helper()
	vars, cfg, dir, st = importSetup(t)
	if err := os.WriteFile(cfg, []byte(strings.Replace(sageProfile, "  profiles:\n", "  profiles:"+kindProfiles, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "commandes.csv")
	write1252(t, export, sageHeader+
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;;Rupture;Chai manquant;1 860,00;03/11/2026;;\n"+
		"4500012346;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;En cours;encours dépassé;12 400,50;04/11/2026;Bloquée crédit;\n"+
		"4500012347;C000042;Établissements Müller;;paul.girard@example.fr;;En préparation;;980,00;05/11/2026;;\n")
	if out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", export, "--profile", "sage_fr", "--as-of", "2026-11-26 06:00"); err != nil {
		t.Fatalf("import orders: %v\n%s", err, out)
	}
	return vars, cfg, dir, st
}

// frenchLinesHeader is the header of the README's line export.
const frenchLinesHeader = "N° commande;N° ligne;Article;Désignation;Qté commandée;Qté dispo;Date réappro;Qté livrée;Transporteur;N° suivi\r\n"

func TestImportFrenchLineExport(t *testing.T) {
	vars, cfg, dir, st := kindSetup(t)
	ctx := context.Background()
	file := filepath.Join(dir, "lignes_20261127.csv")
	write1252(t, file, frenchLinesHeader+
		"4500012345;1;CHAI-24;Chai 24 × 500 g;12;0;14/12/2026;0;;\r\n"+
		"4500012345;2;1234;Café moulu 1 kg;40;12,5;;0;;\r\n"+
		"4500012347;1;4711;Farine T65 sac 25 kg;8;0;;8;DHL;JD014600006281\r\n"+
		"4400000001;1;4711;Farine T65 sac 25 kg;3;0;;3;DHL;JD014600001111\r\n")
	importLines := func(args ...string) string {
		t.Helper()
		out, _, err := orderbot(t, vars, append([]string{"--config", cfg, "import", "lines", file, "--profile", "sage_lignes"}, args...)...)
		if err != nil {
			t.Fatalf("import lines %v: %v", args, err)
		}
		return out
	}

	out := importLines("--dry-run", "--as-of", "2026-11-27 06:00")
	if !strings.Contains(out, "Dry run, nothing written. 4 lines read") || !strings.Contains(out, "would be replaced: 3 new") {
		t.Errorf("dry run:\n%s", out)
	}
	if o, _ := st.OrderByNumber(ctx, "4500012345"); len(o.Lines) != 0 {
		t.Fatalf("a dry run wrote lines: %+v", o.Lines)
	}
	out = importLines("--as-of", "2026-11-27 06:00", "-v")
	for _, want := range []string{"Imported 4 lines", "Lines of 2 orders replaced: 3 new, 0 updated, 0 unchanged, 0 removed.",
		"1 line of an order the portfolio lacks (invoiced long ago, or not imported yet) was skipped: 4400000001.", "Steps: load "} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	o, err := st.OrderByNumber(ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Lines) != 2 || o.Lines[0].Description != "Chai 24 × 500 g" || o.Lines[0].Missing() != 12 ||
		o.Lines[0].RestockOn == nil || o.Lines[0].RestockOn.Format("02/01/2006") != "14/12/2026" || o.Lines[1].Available != 12.5 {
		t.Errorf("lines of 4500012345: %+v", o.Lines)
	}

	// The same file again changes nothing; an older one is refused, in one
	// line, unless forced.
	before := tablesDump(t, st, "order_lines", "line_history")
	if out := importLines("--as-of", "2026-11-27 06:00"); !strings.Contains(out, "0 new, 0 updated, 3 unchanged, 0 removed") {
		t.Errorf("again:\n%s", out)
	}
	if after := tablesDump(t, st, "order_lines", "line_history"); after != before {
		t.Errorf("the same file again changed the lines:\n%s\n%s", before, after)
	}
	_, _, err = orderbot(t, vars, "--config", cfg, "import", "lines", file, "--profile", "sage_lignes", "--as-of", "2026-11-26 18:00")
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "before the last import of profile sage_lignes") {
		t.Errorf("older file: %v", err)
	}
	if out := importLines("--as-of", "2026-11-26 18:00", "--force"); !strings.Contains(out, "Applied with --force: as of 2026-11-26 18:00:00") {
		t.Errorf("forced:\n%s", out)
	}
}

func TestImportLinesBadFileChangesNothing(t *testing.T) {
	vars, cfg, dir, st := kindSetup(t)
	file := filepath.Join(dir, "lignes.csv")
	write1252(t, file, frenchLinesHeader+
		"4500012345;1;CHAI-24;Chai;12;0;14/12/2026;0;;\r\n"+
		"4500012345;2;1234;Café;douze;0;;0;;\r\n"+
		"4500012345;1;CHAI-24;Chai;12;0;32/12/2026;0;;\r\n"+
		"4500012347;1;4711;Farine;8;0;;8;DHL;JD1\r\n"+
		"4500012347;1;4711;Farine;8;0;;8;DHL;JD1\r\n")
	before := tablesDump(t, st, "order_lines", "line_history", "import_runs")
	_, _, err := orderbot(t, vars, "--config", cfg, "import", "lines", file, "--profile", "sage_lignes")
	if err == nil {
		t.Fatal("a bad file was imported")
	}
	for _, want := range []string{
		"nothing was imported",
		`lignes.csv:3: column "Qté commandée": "douze" is not a number`,
		`lignes.csv:4: column "Date réappro": "32/12/2026" is not a date`,
		"lignes.csv:6: line 1 of order 4500012347 is given twice (first at line 5)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
	if after := tablesDump(t, st, "order_lines", "line_history", "import_runs"); after != before {
		t.Errorf("a refused file changed the store")
	}
	// A profile of another kind is refused, naming the command to use.
	_, _, err = orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_lignes")
	if err == nil || !strings.Contains(err.Error(), "import its file with orderbot import lines") {
		t.Errorf("lines profile for orders: %v", err)
	}
	_, _, err = orderbot(t, vars, "--config", cfg, "import", "lines", file, "--profile", "sage_fr")
	if err == nil || !strings.Contains(err.Error(), "the profile reads orders, not lines") {
		t.Errorf("orders profile for lines: %v", err)
	}
}

func TestImportFrenchCreditExport(t *testing.T) {
	vars, cfg, dir, st := kindSetup(t)
	ctx := context.Background()
	file := filepath.Join(dir, "encours.csv")
	write1252(t, file, "Code client;Raison sociale;Encours autorisé;Encours total;Échu;Échu depuis;Devise;Blocage compte\r\n"+
		"C001234;Boulangerie Dupré & Fils;50 000,00;62 300,00;2 300,00;15/10/2026;EUR;Libre\r\n"+
		"C000042;Établissements Müller;10 000,00;4 000,00;;;EUR;Contentieux\r\n"+
		"P000999;Prospect;1 000,00;0,00;;;EUR;\r\n")
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "credit", file, "--profile", "sage_encours", "--as-of", "2026-11-27 06:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Imported 3 credit positions", "2 new, 0 updated, 0 unchanged",
		"1 position of a customer the portfolio lacks was skipped: P000999."} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	o, err := st.OrderByNumber(ctx, "4500012346")
	if err != nil {
		t.Fatal(err)
	}
	c := o.Customer.Credit
	if c == nil || c.LimitCents != 5_000_000 || c.ExposureCents != 6_230_000 || c.OverdueCents != 230_000 || c.ReleasePaymentCents() != 1_230_000 ||
		c.OverdueSince == nil || c.OverdueSince.Format("02/01/2006") != "15/10/2026" || c.AccountHold || c.Currency != "EUR" {
		t.Fatalf("credit of Dupré: %+v", c)
	}
	if want := time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC); !c.AsOf.Equal(want) {
		t.Errorf("as of %v, want %v (06:00 in Paris)", c.AsOf, want)
	}
	if o, _ := st.OrderByNumber(ctx, "4500012347"); o.Customer.Credit == nil || !o.Customer.Credit.AccountHold {
		t.Errorf("Müller's account hold: %+v", o.Customer.Credit)
	}

	before := tablesDump(t, st, "customer_credit", "credit_history")
	out, _, err = orderbot(t, vars, "--config", cfg, "import", "credit", file, "--profile", "sage_encours", "--as-of", "2026-11-27 06:00")
	if err != nil || !strings.Contains(out, "0 new, 0 updated, 2 unchanged") {
		t.Errorf("again: %v\n%s", err, out)
	}
	if after := tablesDump(t, st, "customer_credit", "credit_history"); after != before {
		t.Errorf("the same file again changed the credit positions")
	}

	bad := filepath.Join(dir, "encours_faux.csv")
	write1252(t, bad, "Code client;Encours autorisé;Encours total;Échu;Échu depuis;Devise;Blocage compte\r\n"+
		"C001234;50 000,00;62 300,00;2 300,00;15/10/2026;EUR;Peut-être\r\n")
	_, _, err = orderbot(t, vars, "--config", cfg, "import", "credit", bad, "--profile", "sage_encours")
	if err == nil || !strings.Contains(err.Error(), `encours_faux.csv:2: column "Blocage compte": "Peut-être" is not a known word for an account hold (add it to hold_values as hold or none)`) {
		t.Errorf("unknown hold word: %v", err)
	}
	if after := tablesDump(t, st, "customer_credit", "credit_history"); after != before {
		t.Errorf("a refused file changed the credit positions")
	}
}

func TestImportLineLevelOrdersExport(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	profile := strings.Replace(sageProfile, `        ordered_on: "Date commande"
`, `        ordered_on: "Date commande"
        line: "N° ligne"
        item: "Article"
        description: "Désignation"
        quantity: "Qté commandée"
        available: "Qté dispo"
        restock_on: "Date réappro"
`, 1)
	if err := os.WriteFile(cfg, []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	header := strings.TrimSuffix(sageHeader, "\n") + ";N° ligne;Article;Désignation;Qté commandée;Qté dispo;Date réappro\n"
	file := filepath.Join(dir, "commandes_lignes.csv")
	write1252(t, file, header+
		"4500012345;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;Rupture;;1 860,00;03/11/2026;;;1;CHAI-24;Chai;12;0;14/12/2026\n"+
		"4500012347;C000042;Établissements Müller;;paul.girard@example.fr;;En cours;;980,00;05/11/2026;;;1;4711;Farine;8;8;\n"+
		"4500012345;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;Rupture;;1 860,00;03/11/2026;;;2;1234;Café;40;40;\n")
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Imported 2 rows (snapshot)") || !strings.Contains(out, "Lines of 2 orders replaced: 3 new") {
		t.Errorf("report:\n%s", out)
	}
	o, err := st.OrderByNumber(context.Background(), "4500012345")
	if err != nil || o.Status != orders.StatusOutOfStock || len(o.Lines) != 2 || o.Lines[0].Item != "CHAI-24" || !o.Lines[0].Short() {
		t.Errorf("4500012345: %+v %v", o, err)
	}
	lines := tablesDump(t, st, "order_lines", "line_history")
	out, _, err = orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	if err != nil || !strings.Contains(out, "Lines of 2 orders replaced: 0 new, 0 updated, 3 unchanged, 0 removed.") {
		t.Errorf("the same file again: %v\n%s", err, out)
	}
	if again := tablesDump(t, st, "order_lines", "line_history"); again != lines {
		t.Errorf("the same file again changed the lines")
	}

	// Rows of one order that disagree: refused, naming the column and both
	// lines; nothing changes.
	before := tablesDump(t, st, "orders", "order_lines", "import_runs")
	write1252(t, file, header+
		"4500012345;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;Rupture;;1 860,00;03/11/2026;;;1;CHAI-24;Chai;12;0;14/12/2026\n"+
		"4500012345;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;Rupture;;1 960,00;03/11/2026;;;2;1234;Café;40;40;\n")
	_, _, err = orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	if err == nil || !strings.Contains(err.Error(), `commandes_lignes.csv:3: column "Montant HT": order 4500012345 has another value at line 2`) {
		t.Errorf("disagreeing rows: %v", err)
	}
	if after := tablesDump(t, st, "orders", "order_lines", "import_runs"); after != before {
		t.Errorf("a refused file changed the store")
	}
}

func TestLinesProfileWithAnUnknownColumnIsRefusedAtLoad(t *testing.T) {
	vars, cfg, dir, _ := importSetup(t)
	bad := strings.Replace(kindProfiles, `        tracking: "N° suivi"`, `        tracking: "N° suivi"
        statut: "Statut"`, 1)
	if err := os.WriteFile(cfg, []byte(strings.Replace(sageProfile, "  profiles:\n", "  profiles:"+bad, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "lignes.csv")
	write1252(t, file, frenchLinesHeader+"4500012345;1;CHAI-24;Chai;12;0;14/12/2026;0;;\r\n")
	_, _, err := orderbot(t, vars, "--config", cfg, "import", "lines", file, "--profile", "sage_lignes")
	if err == nil || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), "import.profiles.sage_lignes.columns.statut: not a field of a lines export") {
		t.Errorf("unknown column of a lines profile: %v", err)
	}
}
