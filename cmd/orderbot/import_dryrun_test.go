package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportDryRunSaysWhatWouldHappen: a dry run writes nothing, so none
// of what it prints may read as done: every count says "would".
func TestImportDryRunSaysWhatWouldHappen(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	day1 := filepath.Join(dir, "day1.csv")
	write1252(t, day1, sageHeader+
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;;En cours;;12 400,50;03/11/2026;;\n"+
		"4500012346;C001234;Boulangerie Dupré & Fils;;claire.martin@example.fr;;Rupture;SKU 4711 manquant;1 860,00;04/11/2026;;\n"+
		"4500012347;C000042;Établissements Müller SARL;;paul@example.fr;;En préparation;;980;05/11/2026;;\n"+
		"4500012348;C000042;Établissements Müller SARL;;paul@example.fr;;En cours;;75,00;05/11/2026;;\n")
	day2 := filepath.Join(dir, "day2.csv")
	write1252(t, day2, sageHeader+
		"4500012345;C001234;Boulangerie Dupré & Fils;PO-7781;claire.martin@example.fr;;En cours;;12 400,50;03/11/2026;Bloquée crédit;\n"+
		"4500012347;C000042;Établissements Müller SARL;;paul@example.fr;;En préparation;;1 080,00;05/11/2026;;\n"+
		"4500012348;C000042;Établissements Müller SARL;;paul@example.fr;;En cours;;75,00;05/11/2026;;\n"+
		"4500012349;C000042;Établissements Müller SARL;;nouveau@example.fr;;En cours;;10,00;06/11/2026;;\n")

	dry := func(file string, wants ...string) {
		t.Helper()
		before := tablesDump(t, st)
		out, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", file, "--profile", "sage_fr", "--dry-run")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range append(wants, "Dry run, nothing written") {
			if !strings.Contains(out, want) {
				t.Errorf("the dry run lacks %q:\n%s", want, out)
			}
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.Contains(line, "would") || strings.Contains(line, " were ") || strings.Contains(line, "Imported") {
				t.Errorf("a dry run's line reads as done: %q", line)
			}
		}
		if after := tablesDump(t, st); after != before {
			t.Errorf("the dry run wrote:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	}
	dry(day1, "4 would be created, 0 would be updated, 0 would stay unchanged, 0 would be closed",
		"no alert would be queued", "would be created as placeholders")
	if _, _, err := orderbot(t, vars, "--config", cfg, "import", "orders", day1, "--profile", "sage_fr", "--as-of", "2026-11-26 06:00"); err != nil {
		t.Fatal(err)
	}
	dry(day2, "1 would be created, 2 would be updated, 1 would stay unchanged, 1 would be closed",
		"Orders that would enter each status: ", "credit_limit 1", "invoiced 1", "Alerts that would be queued: 1",
		"1 people the directory lacks would be created as placeholders")
}
