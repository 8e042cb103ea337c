package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders"
)

// TestImportRefusesWhatTheStoreCannotHold: an amount past numeric(15, 2)
// or a name too long for PostgreSQL's indexes is a line of the file, not a
// PostgreSQL error, and nothing is imported; the longest text allowed, of
// the characters that normalisation makes longest, is stored and found.
func TestImportRefusesWhatTheStoreCannotHold(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	ctx := context.Background()
	file := filepath.Join(dir, "export.csv")
	write1252(t, file, sageHeader+
		"4500012345;C001234;Boulangerie Dupré;;;;En cours;;99999999999999,99;03/11/2026;;\n"+
		"4500012346;C001234;"+strings.Repeat("Boulangerie Dupré & Fils ", 4000)+";;;;En cours;;1;03/11/2026;;\n"+
		"4500012347;C001234;Boulangerie Dupré;;;;En cours;;1;03/11/2026;;\n")
	_, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	want := "nothing was imported:\n" +
		file + `:2: column "Montant HT": "99999999999999,99" is too large an amount (at most 9 999 999 999 999,99 either way)` + "\n" +
		file + `:3: column "Raison sociale": the text is 103999 bytes long, more than a customer name may be (500)`
	if err == nil || err.Error() != want {
		t.Errorf("import: %v\nwant %s", err, want)
	}
	if _, err := st.OrderByNumber(ctx, "4500012347"); orders.ErrorCode(err) != orders.ENotFound {
		t.Errorf("an order of the refused file was imported: %v", err)
	}

	// ½ becomes " 1/2" once unaccented: 500 bytes of it are 1,000.
	name := strings.Repeat("½", 250)
	number := strings.Repeat("4", 500)
	write1252(t, file, sageHeader+number+";"+strings.Repeat("C", 500)+";"+name+";"+strings.Repeat("R", 500)+";;;En cours;;9 999 999 999 999,99;03/11/2026;;\n")
	if out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr"); err != nil {
		t.Fatalf("the longest values: %v\n%s", err, out)
	}
	o, err := st.OrderByNumber(ctx, number)
	if err != nil || o.Customer.Name != name || o.AmountCents != 999_999_999_999_999 {
		t.Errorf("the longest values: %+v, %v", o, err)
	}
}

// TestImportPeopleRefusesBadSlackIDs: a Slack ID given twice, or not in
// Slack's form, is a line of the file, not a database error.
func TestImportPeopleRefusesBadSlackIDs(t *testing.T) {
	vars, cfg, dir, _ := importSetup(t)
	people := filepath.Join(dir, "people.csv")
	write1252(t, people, "email;name;role;slack_user_id;digest_channel;language\r\n"+
		"claire.martin@example.fr;Claire Martin;assistant;U0ADV01;;fr\r\n"+
		"paul@example.fr;Paul Girard;rep;U0ADV01;#ventes-est;fr\r\n"+
		"lea.roux@example.fr;Léa Roux;rep;@lea;Ventes Est;fr\r\n")
	_, _, err := orderbot(t, vars, "--config", cfg, "import", "people", people)
	want := "nothing was imported:\n" +
		people + `:3: column "slack_user_id": U0ADV01 appears twice (first on line 2)` + "\n" +
		people + `:4: column "slack_user_id": "@lea" is not a Slack user ID (U or W then capital letters and digits, such as U012AB3CDE: in Slack, the person's profile, ⋮, Copy member ID); ` +
		`column "digest_channel": "Ventes Est" is not a Slack channel (its ID, C or G then capital letters and digits, such as C012AB3CDE, or its name, such as #ventes-est)`
	if err == nil || err.Error() != want {
		t.Errorf("import people: %v\nwant %s", err, want)
	}
}

// TestImportRefusesTheWrongEncoding: a profile that says windows-1252 and
// a file saved as UTF-8 (an accent-free header lets it through the header
// check) is refused, saying what to set, and nothing is imported.
func TestImportRefusesTheWrongEncoding(t *testing.T) {
	vars, _, dir, st := importSetup(t)
	cfg := filepath.Join(dir, "orderbot.yaml")
	profile := strings.Replace(sageProfile, "      decimal: \",\"\n", "      encoding: windows-1252\n      decimal: \",\"\n", 1)
	profile = strings.NewReplacer(`"N° commande"`, `"Numero"`, `"Réf. client"`, `"Ref client"`, `"En préparation"`, `"En preparation"`,
		`"Facturée"`, `"Facturee"`, `"Blocage crédit"`, `"Blocage credit"`, `"Bloquée crédit"`, `"Bloquee credit"`, `"Impayés"`, `"Impayes"`).Replace(profile)
	if err := os.WriteFile(cfg, []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(file, []byte("Numero;Code client;Raison sociale;Ref client;Commercial;ADV;Statut;Motif blocage;Montant HT;Date commande;Blocage credit;Blocage livraison\r\n"+
		"4500012345;C001234;Boulangerie Dupré;;;;En cours;;1;03/11/2026;;\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	want := file + `:2: the file looks like UTF-8 but the profile reads it as windows-1252 ("é" would read as "Ã©"); set encoding: utf-8`
	if err == nil || err.Error() != want {
		t.Errorf("import: %v\nwant %s", err, want)
	}
	if _, err := st.OrderByNumber(context.Background(), "4500012345"); orders.ErrorCode(err) != orders.ENotFound {
		t.Errorf("an order of the refused file was imported: %v", err)
	}
}

// TestImportLimitsFromTheConfiguration: a limit set in the configuration
// refuses a file past it, naming the line and the key, and nothing is
// imported; the people file is read under the same limits, and with
// people_by: name two people of the same name are refused.
func TestImportLimitsFromTheConfiguration(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	vars["ORDERBOT_IMPORT_MAX_ROWS"] = "2"
	file := filepath.Join(dir, "export.csv")
	write1252(t, file, sageHeader+
		"4500012345;C001234;Boulangerie Dupré;;;;En cours;;1;03/11/2026;;\n"+
		"4500012346;C001234;Boulangerie Dupré;;;;En cours;;1;03/11/2026;;\n"+
		"4500012347;C001234;Boulangerie Dupré;;;;En cours;;1;03/11/2026;;\n")
	_, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr")
	if want := file + ":4: more than import.max_rows, 2 rows after the header"; err == nil || err.Error() != want {
		t.Errorf("import: %v\nwant %s", err, want)
	}
	if _, err := st.OrderByNumber(context.Background(), "4500012345"); orders.ErrorCode(err) != orders.ENotFound {
		t.Errorf("an order of the refused file was imported: %v", err)
	}

	byName := filepath.Join(dir, "byname.yaml")
	if err := os.WriteFile(byName, []byte(strings.Replace(sageProfile, "people_by: email", "people_by: name", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	people := filepath.Join(dir, "people.csv")
	write1252(t, people, "email;name;role\r\nmarie.martin@example.fr;Marie Martin;rep\r\nm.martin@example.fr;Marie Martin;assistant\r\n")
	_, _, err = orderbot(t, vars, "--config", byName, "import", "people", people)
	want := "nothing was imported:\n" + people + `:3: column "name": "Marie Martin" appears twice (first on line 2): an export names people by name (people_by: name), so its orders could go to either`
	if err == nil || err.Error() != want {
		t.Errorf("import people: %v\nwant %s", err, want)
	}
}
