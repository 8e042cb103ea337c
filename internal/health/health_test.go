package health_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/orderbot/orderbot/internal/health"
	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

// ready asks /readyz and returns its status and what it says of each check.
func ready(t *testing.T, c health.Checks) (int, map[string]string) {
	t.Helper()
	rec := httptest.NewRecorder()
	health.Ready(c).ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("/readyz: %v: %s", err, rec.Body)
	}
	return rec.Code, body
}

// TestReadyFollowsTheSchema: a replica is ready on a database with every
// migration it knows; one migration missing in the middle (rolled back,
// skipped) makes it not ready, though as many versions are applied; a
// database down says so and leaves the schema unchecked.
func TestReadyFollowsTheSchema(t *testing.T) {
	ctx := context.Background()
	st, err := postgres.Open(ctx, server.NewDatabase(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checks := health.Checks{Ping: st.Ping, SchemaCurrent: st.SchemaCurrent}
	if code, body := ready(t, checks); code != http.StatusOK || body["database"] != "ok" || body["schema"] != "ok" {
		t.Errorf("a migrated database: %d %v", code, body)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE goose_db_version SET version_id = 99999 WHERE version_id = 2`); err != nil {
		t.Fatal(err)
	}
	if code, body := ready(t, checks); code != http.StatusServiceUnavailable || body["schema"] != "migrations pending" {
		t.Errorf("migration 2 missing: %d %v", code, body)
	}
	st.Close()
	code, body := ready(t, checks)
	if _, checked := body["schema"]; code != http.StatusServiceUnavailable || body["database"] != "unreachable" || checked {
		t.Errorf("the database down: %d %v", code, body)
	}
}

// TestReadyWaitsForSlack: in Socket Mode, not connected is not ready.
func TestReadyWaitsForSlack(t *testing.T) {
	connected := false
	checks := health.Checks{SlackConnected: func() bool { return connected }}
	if code, body := ready(t, checks); code != http.StatusServiceUnavailable || body["slack"] != "not connected" {
		t.Errorf("Slack not connected: %d %v", code, body)
	}
	connected = true
	if code, body := ready(t, checks); code != http.StatusOK || body["slack"] != "ok" {
		t.Errorf("Slack connected: %d %v", code, body)
	}
}
