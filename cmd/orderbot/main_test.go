package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

// orderbot runs the command line as main would, with only vars as the
// environment.
func orderbot(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errw bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	err = run(context.Background(), args, getenv, strings.NewReader(""), &out, &errw)
	return out.String(), errw.String(), err
}

func TestConfigPrintsTheEffectiveConfigurationRedacted(t *testing.T) {
	out, _, err := orderbot(t, map[string]string{
		"ORDERBOT_DATABASE_URL":    "postgres://orderbot:s3cr3tpw@db.example.com:5432/orderbot",
		"ORDERBOT_SLACK_BOT_TOKEN": "xoxb-1234-secret-token",
		"ORDERBOT_LLM_API_KEY":     "sk-secret-key",
		"ORDERBOT_BOT_LANGUAGE":    "en",
	}, "config")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cr3tpw", "xoxb-1234-secret-token", "sk-secret-key"} {
		if strings.Contains(out, secret) {
			t.Errorf("config prints the secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"db.example.com", "language: en", "[redacted]"} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q:\n%s", want, out)
		}
	}
}

func TestBadConfigurationIsOneLineNamingTheKey(t *testing.T) {
	cases := []struct {
		vars map[string]string
		key  string
	}{
		{map[string]string{"ORDERBOT_DATABASE_URL": "not a url"}, "database.url"},
		{map[string]string{"ORDERBOT_BOT_LANGUAGE": "de"}, "bot.language"},
		{map[string]string{"ORDERBOT_BOT_TIMEZONE": "Mars/Olympus"}, "bot.timezone"},
	}
	for _, c := range cases {
		_, _, err := orderbot(t, c.vars, "config")
		if err == nil {
			t.Errorf("%v accepted", c.vars)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, c.key) || strings.Contains(msg, "\n") {
			t.Errorf("%v: error %q should be one line naming %s", c.vars, msg, c.key)
		}
	}
	_, _, err := orderbot(t, nil, "config", "--config", "/nonexistent/orderbot.yaml")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/orderbot.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestMigrateNeedsADatabase(t *testing.T) {
	_, _, err := orderbot(t, nil, "migrate")
	if err == nil || !strings.Contains(err.Error(), "ORDERBOT_DATABASE_URL") {
		t.Errorf("migrate without a database: %v", err)
	}
	url := server.NewDatabase(t)
	out, _, err := orderbot(t, map[string]string{"ORDERBOT_DATABASE_URL": url}, "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Errorf("migrate: %q, %v", out, err)
	}
}

func TestDemoAnswersQuestionsOverTheSamplePortfolio(t *testing.T) {
	vars := map[string]string{"ORDERBOT_DATABASE_URL": server.NewDatabase(t)}
	var stdout, stderr bytes.Buffer
	in := strings.NewReader("orders for muller\nbenard\n\n")
	err := run(context.Background(), []string{"demo"}, func(k string) string { return vars[k] }, in, &stdout, &stderr)
	if err != nil {
		t.Fatal(err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"Sample portfolio loaded", "You are François Dubœuf", "Boulangerie Dupré & Fils", "Plusieurs clients correspondent",
		"Boucherie Lefèvre & Cie", "Limite de crédit", "Données du", "> orders for muller", "Établissements Müller SARL",
		"> benard", "Bénard Frères"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	// A second run refuses to load the sample over existing orders.
	if _, _, err := orderbot(t, vars, "demo"); err == nil || !strings.Contains(err.Error(), "already holds orders") {
		t.Errorf("second demo: %v", err)
	}
}

func TestGenLoadsADeterministicPortfolio(t *testing.T) {
	vars := map[string]string{"ORDERBOT_DATABASE_URL": server.NewDatabase(t)}
	args := []string{"dev", "gen", "--orders", "3000", "--customers", "400", "--reps", "6", "--assistants", "3"}
	out, _, err := orderbot(t, vars, args...)
	if err != nil || !strings.Contains(out, "generated 3000 orders, 400 customers") {
		t.Fatalf("gen: %q, %v", out, err)
	}
	st, err := postgres.Open(context.Background(), vars["ORDERBOT_DATABASE_URL"], 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM orders`).Scan(&n); err != nil || n != 3000 {
		t.Errorf("%d orders stored, want 3000 (%v)", n, err)
	}
	cfg := sample.DefaultGenConfig()
	cfg.Orders, cfg.Customers, cfg.Reps, cfg.Assistants = 3000, 400, 6, 3
	gen, err := sample.NewGenerator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := st.OrderByNumber(context.Background(), gen.OrderNumber(2999)); err != nil || o.Customer.Name == "" || o.Rep == nil {
		t.Errorf("the last generated order: %+v, %v", o, err)
	}
	if _, _, err := orderbot(t, vars, args...); err == nil || !strings.Contains(err.Error(), "--replace") {
		t.Errorf("gen over a filled database: %v", err)
	}
	if out, _, err := orderbot(t, vars, append(args, "--replace")...); err != nil || !strings.Contains(out, "generated") {
		t.Errorf("gen --replace: %q, %v", out, err)
	}
	if _, _, err := orderbot(t, vars, "dev", "gen", "--orders", "-5"); err == nil || !strings.Contains(err.Error(), "Orders") {
		t.Errorf("gen --orders -5: %v", err)
	}
}
