package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// quickStartCommands are the orderbot command lines of the README's quick
// start, in order, each split into its arguments as a shell would (double
// quotes only: the README keeps to those).
func quickStartCommands(t *testing.T, readme string) [][]string {
	t.Helper()
	_, section, ok := strings.Cut(readme, "\n## Quick start\n")
	section, _, _ = strings.Cut(section, "\n## ")
	if !ok {
		t.Fatal("README.md has no quick start")
	}
	var cmds [][]string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "orderbot import ") && !strings.HasPrefix(line, "orderbot ask ") {
			continue
		}
		var args []string
		for i, part := range strings.Split(line, `"`) {
			switch {
			case strings.ContainsAny(part, `'$\`+"`"):
				t.Fatalf("the quick start's %q needs a shell to read it", line)
			case i%2 == 1:
				args = append(args, part)
			default:
				args = append(args, strings.Fields(part)...)
			}
		}
		cmds = append(cmds, args[1:])
	}
	return cmds
}

// TestQuickStartImport runs the README's quick start import on a fresh
// clone, word for word: the people file and the French export shipped in
// orders/sample/files, through orderbot.example.yaml itself, into an empty
// database; then a sales rep's question about an imported order is
// answered.
func TestQuickStartImport(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"ORDERBOT_DATABASE_URL": server.NewEmptyDatabase(t)}
	t.Chdir(root) // the quick start runs from the top of the checkout

	export, err := os.ReadFile(filepath.Join("orders", "sample", "files", "export_sage_fr.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(export) || !strings.Contains(string(export), ";2\xa0500,00;06/11/2026;") || !strings.Contains(string(export), "\r\n") {
		t.Error("export_sage_fr.csv is not a Windows-1252 export with ';', decimal commas, dd/mm/yyyy dates and CRLF")
	}

	cmds := quickStartCommands(t, string(readme))
	if len(cmds) != 3 || cmds[0][1] != "people" || cmds[1][1] != "orders" || cmds[2][0] != "ask" {
		t.Fatalf("the quick start's commands are %q, want import people, import orders, ask", cmds)
	}
	wants := [][]string{
		{"Imported 6 people: 6 new"},
		{"Imported 12 rows (snapshot)", "12 new, 0 updated, 0 unchanged, 0 closed", "credit_limit 1", "delivery_block 2"},
		{"Commande 4500012346 — Boulangerie Dupré & Fils (C001234)", "SKU 4711 manquant (farine T65)",
			"1\u00a0860,00\u00a0€", "Commandée le 04/11/2026", "Claire Martin", "Hélène Lefèvre"},
	}
	for i, args := range cmds {
		out, stderr, err := orderbot(t, vars, args...)
		if err != nil {
			t.Fatalf("orderbot %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		for _, w := range wants[i] {
			if !strings.Contains(out, w) {
				t.Errorf("orderbot %s: the output lacks %q:\n%s", strings.Join(args, " "), w, out)
			}
		}
	}

	// A name with "œ" (not in Latin-1) and a quoted name holding the
	// separator came through the encoding and the CSV whole.
	for q, want := range map[string]string{
		"commandes cœur de bœuf":    "Cœur de Bœuf SARL",
		"où en est la 4500012348 ?": "Établissements Müller; Fils",
	} {
		out, _, err := orderbot(t, vars, "ask", "--config", "orderbot.example.yaml", "--as", "paul.girard@example.fr", q)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("ask %q: %v, want %q in:\n%s", q, err, want, out)
		}
	}
}
