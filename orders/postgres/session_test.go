package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders/postgres"
)

// TestSessionsNameTheApplication: an operator looking at pg_stat_activity
// sees orderbot's sessions as orderbot's, unless the URL names them itself.
func TestSessionsNameTheApplication(t *testing.T) {
	t.Parallel()
	url := server.NewEmptyDatabase(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	for _, c := range []struct{ url, want string }{
		{url, "orderbot"},
		{url + sep + "application_name=orderbot-eu", "orderbot-eu"},
	} {
		st, err := postgres.Open(context.Background(), c.url, 1)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		err = st.Pool().QueryRow(context.Background(),
			`SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()`).Scan(&name)
		st.Close()
		if err != nil || name != c.want {
			t.Errorf("%s: application_name %q (%v), want %q", c.url, name, err, c.want)
		}
	}
}

// TestSchemaCurrentGoesByVersion: a database that lacks one migration is not
// current, even when it holds as many as orderbot knows (a hotfix applied
// out of order, a migration rolled back and a later one applied).
func TestSchemaCurrentGoesByVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		what   string
		change string
	}{
		// Version 3 gone, and a later version of another orderbot applied:
		// as many versions as this orderbot knows, but not the ones it needs.
		{"without migration 3", `DELETE FROM goose_db_version WHERE version_id = 3;
			INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`},
		// The legacy way of rolling back: a row marking the version not applied.
		{"whose migration 5 was rolled back", `INSERT INTO goose_db_version (version_id, is_applied) VALUES (5, false)`},
	} {
		st, err := postgres.Open(ctx, server.NewEmptyDatabase(t), 1)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if ok, err := st.SchemaCurrent(ctx); err != nil || !ok {
			t.Fatalf("a migrated database: current %v, %v", ok, err)
		}
		if _, err := st.Pool().Exec(ctx, c.change); err != nil {
			t.Fatal(err)
		}
		if ok, err := st.SchemaCurrent(ctx); err != nil || ok {
			t.Errorf("a database %s: current %v, %v; want not current", c.what, ok, err)
		}
	}
}
