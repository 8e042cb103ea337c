package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleLinesAndCreditProfiles imports the French sample exports of
// orders/sample/files through orderbot.example.yaml's profiles, as its
// comments say to (people, orders, then the lines and the credit
// positions), and asks as a rep about the order short of flour and the
// order held for credit: the answers name the short item with its restock
// date, and the customer's limit and exposure with the payment that would
// release it.
func TestExampleLinesAndCreditProfiles(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"ORDERBOT_DATABASE_URL": server.NewEmptyDatabase(t)}
	t.Chdir(root)
	const cfg = "orderbot.example.yaml"
	steps := []struct {
		args  []string
		wants []string
	}{
		{[]string{"import", "people", "orders/sample/files/people.csv", "--config", cfg}, []string{"Imported 6 people"}},
		{[]string{"import", "orders", "orders/sample/files/export_sage_fr.csv", "--profile", "sage_fr", "--config", cfg}, []string{"Imported 12 rows"}},
		{[]string{"import", "lines", "orders/sample/files/lines_sage_fr.csv", "--profile", "sage_lignes", "--config", cfg},
			[]string{"Imported 7 lines", "4500099999"}},
		{[]string{"import", "credit", "orders/sample/files/credit_sage_fr.csv", "--profile", "sage_encours", "--config", cfg},
			[]string{"Imported 3 credit positions", "3 new"}},
		{[]string{"ask", "--config", cfg, "--as", "claire.martin@example.fr", "où en est la 4500012346 ?"},
			[]string{"28 × 4711 – Farine de blé T65, sac 25 kg", "18/12/2026"}},
		{[]string{"ask", "--config", cfg, "--as", "paul.girard@example.fr", "où en est la 4500012348 ?"},
			[]string{"Plafond : 20 000,00 €", "Encours : 24 200,00 €", "Dépassement : 4 200,00 €",
				"Un règlement de 4 200,00 €"}},
		{[]string{"ask", "--config", cfg, "--as", "paul.girard@example.fr", "status of 4500012348"},
			[]string{"Limit: €20,000.00", "Exposure: €24,200.00"}},
	}
	for _, s := range steps {
		out, stderr, err := orderbot(t, vars, s.args...)
		if err != nil {
			t.Fatalf("orderbot %s: %v\n%s", strings.Join(s.args, " "), err, stderr)
		}
		// French groups thousands with a narrow no-break space and puts a
		// no-break space before "€" and ":": compared as plain spaces.
		plain := strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(out)
		for _, w := range s.wants {
			if !strings.Contains(plain, w) {
				t.Errorf("orderbot %s: the output lacks %q:\n%s", strings.Join(s.args, " "), w, out)
			}
		}
	}
}
