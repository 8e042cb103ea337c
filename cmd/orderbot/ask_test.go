package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sampleDatabase returns the URL of a fresh database holding the sample
// portfolio, imported an hour ago.
func sampleDatabase(t testing.TB) string { return server.SampleDatabase(t) }

// TestAskBinary builds orderbot and asks it questions the way a support
// script would, against a real database.
func TestAskBinary(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "orderbot")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	url := sampleDatabase(t)
	orderbotBin := func(vars []string, args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = t.TempDir() // no orderbot.yaml there
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, vars...)
		var out, errw bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errw
		err := cmd.Run()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errw.String(), code
	}
	db := []string{"ORDERBOT_DATABASE_URL=" + url}
	cases := []struct {
		as, question string
		want         []string
	}{
		{"francois.duboeuf@example.fr", "où en est la cde 4500012345 ?", []string{"Commande 4500012345", "Boulangerie Dupré & Fils", "1\u00a0240,50\u00a0€", "Prochaine étape"}},
		{"U0REP0003", "orders for muller", []string{"Open orders", "Établissements Müller SARL", "Data as of"}},
		{"U0REP0001", "lefevre", []string{"1. Boucherie Lefèvre (C001239)", "2. Boucherie Lefèvre & Cie"}},
		{"U0REP0001", "4500012354", []string{"Vouliez-vous dire 4500012345"}},
		{"nobody@example.fr", "4500012345", []string{"je ne réponds qu'aux membres"}},
		// A person's name is read as such only with the portfolio's
		// vocabulary, which ask learns before its one question.
		{"helene.lefevre@example.fr", "les commandes de Camille", []string{"Camille Rousseau"}},
	}
	for _, c := range cases {
		out, stderr, code := orderbotBin(db, "ask", "--as", c.as, c.question)
		if code != 0 {
			t.Errorf("ask --as %s %q exits %d: %s", c.as, c.question, code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("ask --as %s %q lacks %q:\n%s", c.as, c.question, w, out)
			}
		}
	}
	if out, _, _ := orderbotBin(db, "ask", "--as", "nobody@example.fr", "4500012345"); strings.Contains(out, "Dupré") {
		t.Errorf("a stranger learns about the order:\n%s", out)
	}

	// A failure of orderbot itself is an exit status, in one line.
	_, stderr, code := orderbotBin([]string{"ORDERBOT_DATABASE_URL=postgres://nobody@127.0.0.1:1/none?connect_timeout=2"},
		"ask", "--as", "francois.duboeuf@example.fr", "4500012345")
	if code == 0 || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("with the database unreachable, ask exits %d with %q; want non-zero and one line", code, stderr)
	}
	_, stderr, code = orderbotBin(db, "ask", "4500012345")
	if code == 0 || !strings.Contains(stderr, "--as") {
		t.Errorf("ask without --as exits %d with %q", code, stderr)
	}
}

func TestChatFollowsUp(t *testing.T) {
	t.Parallel()
	url := sampleDatabase(t)
	var out, errw bytes.Buffer
	getenv := func(k string) string { return map[string]string{"ORDERBOT_DATABASE_URL": url}[k] }
	in := strings.NewReader("lefevre\n2\ncommandes bloquées\nmerci\n\nnot read\n")
	if err := run(context.Background(), []string{"chat", "--as", "U0REP0002"}, getenv, in, &out, &errw); err != nil {
		t.Fatal(err, errw.String())
	}
	text := out.String()
	for _, w := range []string{"> lefevre", "1. Boucherie Lefèvre", "> 2", "Commandes ouvertes — Boucherie Lefèvre & Cie (C001240)",
		"Commandes bloquées — votre portefeuille", "Avec plaisir"} {
		if !strings.Contains(text, w) {
			t.Errorf("the chat lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "not read") {
		t.Errorf("the chat goes on after an empty line:\n%s", text)
	}
}
