package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// readmeProfile is the configuration README.md gives for a French Sage
// export, word for word: the first YAML block of its section on importing.
func readmeProfile(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Importing the ERP's export\n")
	if ok {
		section, _, _ = strings.Cut(section, "\n## ")
		_, section, ok = strings.Cut(section, "```yaml\n")
	}
	yaml, _, closed := strings.Cut(section, "```")
	if !ok || !closed || !strings.Contains(yaml, "sage_fr:") {
		t.Fatal("README.md's section on importing has no YAML block with the sage_fr profile")
	}
	return yaml
}

// tablesDump is the portfolio, its history, its alerts and the import runs
// as text, to tell that nothing changed.
func tablesDump(t *testing.T, st *postgres.Store, tables ...string) string {
	t.Helper()
	if len(tables) == 0 {
		tables = []string{"orders", "order_blocks", "customers", "people", "status_history", "alert_events", "import_runs"}
	}
	var b strings.Builder
	for _, table := range tables {
		var rows string
		if err := st.Pool().QueryRow(context.Background(),
			`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '') FROM `+table+` t`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		b.WriteString(table + ":\n" + rows + "\n")
	}
	return b.String()
}

// frenchHeader is the header line of a French Sage export with every
// column the README's profile names.
const frenchHeader = "N° commande;Code client;Raison sociale;Réf. client;Commercial;ADV;Statut;Motif blocage;Montant HT;" +
	"Date commande;Date livraison souhaitée;Date livraison confirmée;Blocage crédit;Blocage livraison\r\n"

// TestImportFrenchExportDayByDay imports a French ERP's exports
// (Windows-1252, ";", decimal commas, dd/mm/yyyy, CRLF, thousands grouped
// by no-break spaces) day after day through the README's profile: day 1,
// day 2, day 2 again, day 1 late (refused), a bad amount (refused), day 1
// forced.
func TestImportFrenchExportDayByDay(t *testing.T) {
	vars, _, dir, st := importSetup(t)
	cfg := filepath.Join(dir, "orderbot.yaml")
	if err := os.WriteFile(cfg, []byte(readmeProfile(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	importFile := func(file string, args ...string) (string, error) {
		t.Helper()
		out, _, err := orderbot(t, vars, append([]string{"--config", cfg, "import", "orders", file, "--profile", "sage_fr"}, args...)...)
		return out, err
	}
	wantOut := func(what, out string, err error, wants ...string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the report lacks %q:\n%s", what, w, out)
			}
		}
	}

	day1 := filepath.Join(dir, "export_20261126.csv")
	write1252(t, day1, frenchHeader+
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;helene.lefevre@example.fr;En cours;;12\u00a0400,50;03/11/2026;15/12/2026;;;\r\n"+
		"4500012346;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;helene.lefevre@example.fr;Rupture;SKU 4711 manquant;1 860,00;04/11/2026;;;;\r\n"+
		"4500012347;C000042;\"Établissements Müller; Fils\";;paul.girard@example.fr;;En préparation;;980,00;05/11/2026;01/12/2026;10/12/2026;;\r\n"+
		"4500012348;C000042;\"Établissements Müller; Fils\";;paul.girard@example.fr;;En cours;encours dépassé;2\u00a0500,00;06/11/2026;;;Bloquée crédit;\r\n"+
		"4500012349;C000777;Café de la Gare;CMD 2026/118;claire.martin@example.fr;;En cours;;350,75;06/11/2026;;;;\r\n")
	out, err := importFile(day1, "--as-of", "2026-11-26 06:00")
	wantOut("day 1", out, err, "Imported 5 rows (snapshot)", "5 new, 0 updated, 0 unchanged, 0 closed", "First load")
	o, err := st.OrderByNumber(ctx, "4500012348")
	if err != nil || o.Status != orders.StatusCreditLimit || o.AmountCents != 250000 || o.Customer.Name != "Établissements Müller; Fils" || o.Currency != "EUR" {
		t.Errorf("day 1: order %+v, %v", o, err)
	}
	if o, _ := st.OrderByNumber(ctx, "4500012347"); o.PromisedOn == nil || o.PromisedOn.Format("2006-01-02") != "2026-12-10" {
		t.Errorf("day 1: promised on %v, want 10/12/2026", o.PromisedOn)
	}

	// Day 2: 4500012345 held for delivery, 4500012346 invoiced (absent),
	// 4500012347 dearer, 4500012348's credit block lifted, 4500012350 new and
	// held for unpaid invoices.
	day2 := filepath.Join(dir, "export_20261127.csv")
	write1252(t, day2, frenchHeader+
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;helene.lefevre@example.fr;En cours;quai fermé;12\u00a0400,50;03/11/2026;15/12/2026;;;Z1\r\n"+
		"4500012347;C000042;\"Établissements Müller; Fils\";;paul.girard@example.fr;;En préparation;;1\u00a0080,00;05/11/2026;01/12/2026;10/12/2026;;\r\n"+
		"4500012348;C000042;\"Établissements Müller; Fils\";;paul.girard@example.fr;;En cours;;2\u00a0500,00;06/11/2026;;;;\r\n"+
		"4500012349;C000777;Café de la Gare;CMD 2026/118;claire.martin@example.fr;;En cours;;350,75;06/11/2026;;;;\r\n"+
		"4500012350;C000777;Café de la Gare;;claire.martin@example.fr;;En cours;relance 2;99,90;20/11/2026;;;Impayés;\r\n")
	out, err = importFile(day2, "--as-of", "2026-11-27 06:00")
	wantOut("day 2", out, err, "Imported 5 rows (snapshot)", "1 new, 3 updated, 1 unchanged, 1 closed", "Alerts queued: 2",
		"delivery_block 1", "financial_block 1", "invoiced 1")
	if o, _ := st.OrderByNumber(ctx, "4500012346"); o.Status != orders.StatusInvoiced || o.ClosedAt == nil {
		t.Errorf("day 2: 4500012346 is %s, want invoiced", o.Status)
	}

	// Day 2 again changes nothing but its run.
	portfolio := tablesDump(t, st, "orders", "order_blocks", "customers", "people", "status_history", "alert_events")
	out, err = importFile(day2, "--as-of", "2026-11-27 06:00")
	wantOut("day 2 again", out, err, "0 new, 0 updated, 5 unchanged, 0 closed")
	if again := tablesDump(t, st, "orders", "order_blocks", "customers", "people", "status_history", "alert_events"); again != portfolio {
		t.Errorf("day 2 again changed the portfolio:\nbefore:\n%s\nafter:\n%s", portfolio, again)
	}

	// Day 1, late: refused in one line naming both times; nothing changes.
	before := tablesDump(t, st)
	_, err = importFile(day1, "--as-of", "2026-11-26 06:00")
	if err == nil {
		t.Fatal("day 1 after day 2 is imported")
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "2026-11-26 06:00") ||
		!strings.Contains(msg, "2026-11-27 06:00") || !strings.Contains(msg, "--force") {
		t.Errorf("day 1 after day 2: %q, want one line naming both times", msg)
	}
	if after := tablesDump(t, st); after != before {
		t.Errorf("the refused import changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// Day 3 with an amount Excel could not compute: refused at its line.
	day3 := filepath.Join(dir, "export_20261128.csv")
	write1252(t, day3, frenchHeader+
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;helene.lefevre@example.fr;En cours;;12\u00a0400,50;03/11/2026;15/12/2026;;;\r\n"+
		"4500012347;C000042;\"Établissements Müller; Fils\";;paul.girard@example.fr;;En préparation;;#VALEUR!;05/11/2026;01/12/2026;10/12/2026;;\r\n"+
		"4500012348;C000042;\"Établissements Müller; Fils\";;paul.girard@example.fr;;En cours;;2\u00a0500,00;06/11/2026;;;;\r\n"+
		"4500012349;C000777;Café de la Gare;CMD 2026/118;claire.martin@example.fr;;En cours;;350,75;06/11/2026;;;;\r\n"+
		"4500012350;C000777;Café de la Gare;;claire.martin@example.fr;;En cours;relance 2;99,90;20/11/2026;;;Impayés;\r\n")
	_, err = importFile(day3, "--as-of", "2026-11-28 06:00")
	if err == nil || !strings.Contains(err.Error(), `export_20261128.csv:3: column "Montant HT": "#VALEUR!" is not a number`) {
		t.Errorf("a bad amount: %v", err)
	}
	if after := tablesDump(t, st); after != before {
		t.Errorf("the bad file changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// A mistyped year is refused, even forced.
	_, err = importFile(day2, "--as-of", "2999-11-28 06:00", "--force")
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "2999-11-28 06:00") {
		t.Errorf("as of 2999: %v, want one line naming the time", err)
	}
	if after := tablesDump(t, st); after != before {
		t.Errorf("the import as of 2999 changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// Day 1 forced: applied, and the report and the run say so.
	out, err = importFile(day1, "--as-of", "2026-11-26 06:00", "--force")
	wantOut("day 1 forced", out, err, "Applied with --force", "2026-11-26 06:00", "2026-11-27 06:00", "0 new, 4 updated, 1 unchanged, 1 closed")
	if o, _ := st.OrderByNumber(ctx, "4500012346"); o.Status != orders.StatusOutOfStock || o.ClosedAt != nil {
		t.Errorf("day 1 forced: 4500012346 is %s, want out_of_stock again", o.Status)
	}
	var forced int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM import_runs WHERE forced = '{older}' AND source LIKE '%export_20261126.csv'`).
		Scan(&forced); err != nil || forced != 1 {
		t.Errorf("forced runs: %d, %v", forced, err)
	}
}
