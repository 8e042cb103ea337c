package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// sageProfile is a French export's profile: ";", Windows-1252, two block
// columns with a priority.
const sageProfile = `import:
  profiles:
    sage_fr:
      decimal: ","
      date_format: dd/mm/yyyy
      people_by: email
      columns:
        number: "N° commande"
        customer_code: "Code client"
        customer_name: "Raison sociale"
        customer_ref: "Réf. client"
        rep: "Commercial"
        assistant: "ADV"
        status: "Statut"
        block_reason: "Motif blocage"
        amount: "Montant HT"
        ordered_on: "Date commande"
      statuses:
        "En cours": open
        "En préparation": picking
        "Rupture": out_of_stock
        "Facturée": invoiced
      blocks:
        - column: "Blocage crédit"
          values: {"Bloquée crédit": credit_limit, "Impayés": financial_block}
        - column: "Blocage livraison"
          values: {"Z1": delivery_block}
      priority: [delivery_block, financial_block, credit_limit, anomaly, out_of_stock]
      constants:
        currency: EUR
`

const sageHeader = "N° commande;Code client;Raison sociale;Réf. client;Commercial;ADV;Statut;Motif blocage;Montant HT;Date commande;Blocage crédit;Blocage livraison\n"

// importSetup gives a test a fresh database, a configuration file with the
// profile, and a folder for its files.
func importSetup(t *testing.T) (vars map[string]string, cfg, dir string, st *postgres.Store) {
	t.Helper()
	dir = t.TempDir()
	cfg = filepath.Join(dir, "orderbot.yaml")
	if err := os.WriteFile(cfg, []byte(sageProfile), 0o644); err != nil {
		t.Fatal(err)
	}
	url := server.NewDatabase(t)
	st, err := postgres.Open(context.Background(), url, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return map[string]string{"ORDERBOT_DATABASE_URL": url}, cfg, dir, st
}

func write1252(t *testing.T, path, text string) {
	t.Helper()
	raw, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImportWindows1252ExportWithTwoBlockColumns(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	file := filepath.Join(dir, "export.csv")
	write1252(t, file, sageHeader+
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;helene.lefevre@example.fr;En cours;encours dépassé;12 400,50;03/11/2026;Bloquée crédit;Z1\n"+
		"4500012346;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;Rupture;SKU 4711 manquant;1 860,00;04/11/2026;;\n"+
		"4500012347;C000042;Établissements Müller SARL;;paul@example.fr;;En préparation;;980;05/11/2026;;\n")
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr", "--as-of", "2026-11-27 06:00")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Imported 3 rows (snapshot)") || !strings.Contains(out, "3 new") || !strings.Contains(out, "placeholders") {
		t.Errorf("report:\n%s", out)
	}
	ctx := context.Background()
	o, err := st.OrderByNumber(ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	// Delivery blocks come first in this profile's priority.
	if o.Status != orders.StatusDeliveryBlock || len(o.Blocks) != 2 || o.AmountCents != 1240050 ||
		o.Customer.Name != "Boulangerie Dupré & Fils" || o.CustomerRef != "PO-7781" || o.Currency != "EUR" {
		t.Errorf("order %+v", o)
	}
	if o.OrderedOn == nil || o.OrderedOn.Format("2006-01-02") != "2026-11-03" {
		t.Errorf("ordered on %v", o.OrderedOn)
	}
	if o.StatusSince.UTC().Format("2006-01-02 15:04") != "2026-11-27 05:00" {
		t.Errorf("status since %v, want the --as-of time (06:00 Paris)", o.StatusSince)
	}
	ms, err := st.CustomersByName(ctx, "etablissements muller", 3)
	if err != nil || len(ms) == 0 || ms[0].Name != "Établissements Müller SARL" {
		t.Errorf("customer by name: %v %v", ms, err)
	}
	p, err := st.PersonByEmail(ctx, "paul@example.fr")
	if err != nil || !p.Placeholder {
		t.Errorf("placeholder %+v %v", p, err)
	}

	// The same file again changes nothing.
	out, _, err = orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	if err != nil || !strings.Contains(out, "0 new, 0 updated, 3 unchanged, 0 closed") {
		t.Errorf("re-import: %v\n%s", err, out)
	}

	// The people directory completes the placeholder.
	people := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(people, []byte("email,name,role,slack_user_id,digest_channel,language\n"+
		"paul@example.fr,Paul Girard,rep,U0PAUL,#ventes-est,fr\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = orderbot(t, vars, "--config", cfg, "import", "people", people, "--dry-run")
	if err != nil || !strings.Contains(out, "Dry run, nothing written") || !strings.Contains(out, "1 placeholders would be completed") {
		t.Errorf("people dry run: %v\n%s", err, out)
	}
	if p, _ := st.PersonByEmail(ctx, "paul@example.fr"); !p.Placeholder {
		t.Errorf("the dry run completed %+v", p)
	}
	out, _, err = orderbot(t, vars, "--config", cfg, "import", "people", people)
	if err != nil || !strings.Contains(out, "1 placeholders completed") {
		t.Errorf("people: %v\n%s", err, out)
	}
	if p, _ := st.PersonBySlackID(ctx, "U0PAUL"); p.Name != "Paul Girard" || p.Placeholder {
		t.Errorf("completed person %+v", p)
	}
}

func TestImportXLSXAndBOMFiles(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	book := excelize.NewFile()
	defer book.Close()
	sheet := "Commandes"
	if err := book.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	var header []any
	for _, h := range strings.Split(strings.TrimSuffix(sageHeader, "\n"), ";") {
		header = append(header, h)
	}
	rows := [][]any{
		header,
		{"4500020001", "C000100", "Spécialités du Monde", "", "", "", "En cours", "", 18250.5, 46351},
		{"4500020002", "C000100", "Spécialités du Monde", "", "", "", "Facturée", "", 99, 46352},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := book.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	xlsx := filepath.Join(dir, "export.xlsx")
	if err := book.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	if out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", xlsx, "--profile", "sage_fr"); err != nil {
		t.Fatalf("xlsx: %v\n%s", err, out)
	}
	ctx := context.Background()
	o, err := st.OrderByNumber(ctx, "4500020001")
	if err != nil || o.AmountCents != 1825050 || o.OrderedOn == nil || o.OrderedOn.Format("02/01/2006") != "25/11/2026" {
		t.Errorf("xlsx order %+v %v", o, err)
	}
	if o, _ := st.OrderByNumber(ctx, "4500020002"); o.Status != orders.StatusInvoiced || o.ClosedAt == nil {
		t.Errorf("invoiced row %+v", o)
	}

	bom := filepath.Join(dir, "bom.csv")
	if err := os.WriteFile(bom, []byte("\xEF\xBB\xBF"+strings.ReplaceAll(sageHeader, ";", ",")+
		"4500020001,C000100,Spécialités du Monde,,,,Rupture,SKU 12 manquant,\"18 250,50\",25/11/2026,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", bom, "--profile", "sage_fr", "--mode", "incremental")
	if err != nil || !strings.Contains(out, "1 updated") || !strings.Contains(out, "out_of_stock 1") {
		t.Errorf("bom: %v\n%s", err, out)
	}
	if o, _ := st.OrderByNumber(ctx, "4500020001"); o.Status != orders.StatusOutOfStock || o.BlockReason != "SKU 12 manquant" {
		t.Errorf("bom order %+v", o)
	}
}

func TestImportBadFilesChangeNothing(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	good := filepath.Join(dir, "good.csv")
	write1252(t, good, sageHeader+"4500012345;C001;Client;;;;En cours;;10,00;01/11/2026;;\n")
	if _, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", good, "--profile", "sage_fr"); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	write1252(t, bad, sageHeader+
		"4500012345;C001;Client;;;;Rupture;;12,4,5;01/11/2026;;\n"+
		"4500012346;C001;Client;;;;Bloquée;;10,00;01/11/2026;;\n"+
		";C001;Client;;;;En cours;;10,00;01/11/2026;;\n"+
		"4500012348;C001;Client;;;;En cours;;10,00;31/02/2026;;\n"+
		"4500012347;C001;Client;;;;En cours;;10,00;01/11/2026;;\n"+
		"4500012347;C001;Client;;;;En cours;;10,00;01/11/2026;;\n")
	_, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", bad, "--profile", "sage_fr")
	if err == nil {
		t.Fatal("a bad file was imported")
	}
	for _, want := range []string{
		`bad.csv:2: column "Montant HT": "12,4,5" is not a number`,
		`bad.csv:3: column "Statut": "Bloquée" is not a known status`,
		`bad.csv:4: column "N° commande": the order number is missing`,
		`bad.csv:5: column "Date commande": "31/02/2026" is not a date`,
		`bad.csv:7: column "N° commande": order 4500012347 appears twice (first on line 6)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
	if o, _ := st.OrderByNumber(context.Background(), "4500012345"); o.Status != orders.StatusOpen {
		t.Errorf("a failed import changed the order: %s", o.Status)
	}

	for _, c := range []struct{ name, content, want string }{
		{"empty.csv", "", "empty.csv: the file is empty"},
		{"report.pdf", "%PDF-1.4\x00\x01\x02binary", "not a CSV or XLSX file"},
		{"nocolumn.csv", "N° commande;Code client;Statut\n1;C1;En cours\n", `"Montant HT"`},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", path, "--profile", "sage_fr")
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("%s: %v, want one line with %q", c.name, err, c.want)
		}
	}
	if _, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", good, "--profile", "nope"); err == nil ||
		!strings.Contains(err.Error(), `no import profile "nope"`) {
		t.Errorf("unknown profile: %v", err)
	}
}

func TestImportDryRunAndTheClosingGuard(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	full := filepath.Join(dir, "full.csv")
	var b strings.Builder
	b.WriteString(sageHeader)
	for i := range 10 {
		b.WriteString("45000000" + string(rune('0'+i/10)) + string(rune('0'+i%10)) + ";C001;Client;;;;En cours;;10,00;01/11/2026;;\n")
	}
	write1252(t, full, b.String())
	if _, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", full, "--profile", "sage_fr"); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(dir, "part.csv")
	lines := strings.SplitAfter(b.String(), "\n")
	write1252(t, part, strings.Join(lines[:4], "")) // header and three orders
	_, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", part, "--profile", "sage_fr")
	if err == nil || !strings.Contains(err.Error(), "would close 7 of the 10 open orders (70%)") {
		t.Errorf("guard: %v", err)
	}
	out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", part, "--profile", "sage_fr", "--force", "--dry-run")
	if err != nil || !strings.Contains(out, "Dry run, nothing written") || !strings.Contains(out, "7 would be closed") ||
		!strings.Contains(out, "invoiced 7") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	l, err := st.OpenOrders(context.Background(), orders.OrderFilter{})
	if err != nil || l.Total != 10 {
		t.Errorf("after the dry run: %d open orders, %v", l.Total, err)
	}
	out, _, err = orderbot(t, vars, "--config", cfg, "import", "orders", part, "--profile", "sage_fr", "--force")
	if err != nil || !strings.Contains(out, "7 closed") {
		t.Errorf("forced: %v\n%s", err, out)
	}
}
