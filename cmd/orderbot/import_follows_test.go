package main

import (
	"context"
	"path/filepath"
	"testing"
)

// TestImportPlansFollowersInItsTransaction: `orderbot import orders` plans
// what it changed of followed orders in its own transaction: once it
// returns, the follower's notice job is queued (River), one per person and
// import; a dry run queues nothing.
func TestImportPlansFollowersInItsTransaction(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	ctx := context.Background()
	file := filepath.Join(dir, "export.csv")
	write1252(t, file, sageHeader+
		"4500011041;C000042;Établissements Müller SARL;;paul@example.fr;;En préparation;;980;05/11/2026;;\n"+
		"4500011042;C000042;Établissements Müller SARL;;paul@example.fr;;En cours;;120;05/11/2026;;\n"+
		"4500011039;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;;En cours;encours dépassé;12 400,50;03/11/2026;Bloquée crédit;\n"+
		"4500011040;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;En cours;;1 860,00;04/11/2026;;\n")
	if _, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr", "--as-of", "2026-11-27 06:00"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE people SET slack_user_id = 'U0CLAIRE1', placeholder = false
		WHERE email = 'claire.martin@example.fr';
		INSERT INTO follows (person_id, customer_id) SELECT p.id, c.id FROM people p, customers c
		WHERE p.email = 'claire.martin@example.fr' AND c.code = 'C001234'`); err != nil {
		t.Fatal(err)
	}
	// The next day: the credit block is released, the other order is
	// invoiced; Müller's, which nobody follows, stay as they were.
	write1252(t, file, sageHeader+
		"4500011041;C000042;Établissements Müller SARL;;paul@example.fr;;En préparation;;980;05/11/2026;;\n"+
		"4500011042;C000042;Établissements Müller SARL;;paul@example.fr;;En cours;;120;05/11/2026;;\n"+
		"4500011039;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;;En cours;;12 400,50;03/11/2026;;\n"+
		"4500011040;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;Facturée;;1 860,00;04/11/2026;;\n")
	jobs := func() int {
		var n int
		if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'follow_notice'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr", "--as-of", "2026-11-28 06:00",
		"--dry-run"); err != nil {
		t.Fatal(err)
	}
	if n := jobs(); n != 0 {
		t.Errorf("a dry run queued %d notices", n)
	}
	if _, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr", "--as-of", "2026-11-28 06:00"); err != nil {
		t.Fatal(err)
	}
	var planned, changes int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*), coalesce(sum(changes), 0) FROM follow_plans p
		JOIN import_runs r ON r.id = p.import_id WHERE r.as_of = '2026-11-28 05:00+00'`).Scan(&planned, &changes); err != nil {
		t.Fatal(err)
	}
	if n := jobs(); n != 1 || planned != 1 || changes != 2 {
		t.Errorf("after the import: %d notices queued, %d plans, %d changes; want 1, 1, 2", n, planned, changes)
	}
}
