package orderapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orderapi"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

const token = "s3cret-erp-token"

type bundle struct {
	st   *postgres.Store
	srv  *httptest.Server
	seen []string
}

func setup(t *testing.T, maxBody int64) *bundle {
	t.Helper()
	t.Parallel()
	b := &bundle{st: server.Store(t)}
	if _, err := b.st.UpsertPerson(context.Background(), orders.Person{Email: "claire.martin@example.fr", Name: "Claire Martin",
		Role: orders.RoleAssistant}); err != nil {
		t.Fatal(err)
	}
	api, err := orderapi.New(b.st, slog.New(slog.NewTextHandler(io.Discard, nil)), orderapi.Options{
		TokenHashes: []string{orderapi.HashToken(token), orderapi.HashToken("another-token")}, MaxBody: maxBody,
		Observe: func(outcome string, rows int) { b.seen = append(b.seen, outcome) },
		Now:     func() time.Time { return time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Routes(mux)
	b.srv = httptest.NewServer(mux)
	t.Cleanup(b.srv.Close)
	return b
}

func (b *bundle) call(t *testing.T, method, path, auth, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

const twoOrders = `[
 {"number": "4500012345", "customer_code": "C001234", "customer_name": "Boulangerie Dupré & Fils", "customer_ref": "PO-7781",
  "assistant": "claire.martin@example.fr", "status": "credit_limit", "block_reason": "encours dépassé",
  "amount": 18250.5, "currency": "EUR", "ordered_on": "2026-11-20", "requested_on": "2026-12-02"},
 {"number": "4500012346", "customer_code": "C001234", "status": "open", "amount": "980"}
]`

func (b *bundle) count(t *testing.T, sql string) int {
	t.Helper()
	var n int
	if err := b.st.Pool().QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPushAndGet(t *testing.T) {
	b := setup(t, 0)
	code, out := b.call(t, "POST", "/api/v1/orders", "Bearer "+token, twoOrders)
	// The first load of an empty portfolio alerts nobody of old blocks.
	if code != 200 || out["applied"] != true || out["created"] != float64(2) || out["alerts_queued"] != float64(0) {
		t.Fatalf("push: %d %v", code, out)
	}
	code, got := b.call(t, "GET", "/api/v1/orders/4500012345", "Bearer "+token, "")
	if code != 200 || got["status"] != "credit_limit" || got["amount"] != 18250.5 || got["assistant"] != "claire.martin@example.fr" ||
		got["customer_name"] != "Boulangerie Dupré & Fils" || got["requested_on"] != "2026-12-02" {
		t.Errorf("get: %d %v", code, got)
	}
	// The same push again changes nothing and queues no alert; an update
	// (NDJSON) records its transition.
	if code, out := b.call(t, "POST", "/api/v1/orders", "Bearer another-token", twoOrders); code != 200 || out["unchanged"] != float64(2) {
		t.Errorf("the same push again: %d %v", code, out)
	}
	ndjson := `{"number": "4500012346", "customer_code": "C001234", "status": "out_of_stock", "block_reason": "SKU 4711", "amount": 980}` + "\n"
	if code, out := b.call(t, "POST", "/api/v1/orders", "Bearer "+token, ndjson); code != 200 || out["updated"] != float64(1) {
		t.Errorf("an NDJSON update: %d %v", code, out)
	}
	if n := b.count(t, `SELECT count(*) FROM alert_events`); n != 1 {
		t.Errorf("%d alert events, want the update's", n)
	}
	if code, _ := b.call(t, "GET", "/api/v1/orders/9999999", "Bearer "+token, ""); code != 404 {
		t.Errorf("an unknown order: %d", code)
	}
}

func TestRejectedPushAppliesNothing(t *testing.T) {
	b := setup(t, 0)
	bad := `[
 {"number": "4500012345", "customer_code": "C001234", "status": "open", "amount": 10},
 {"number": "4500012346", "customer_code": "", "status": "blocked", "amount": "douze", "ordered_on": "20/11/2026"},
 {"number": "4500012347", "customer_code": "C1", "status": "open", "amount": 1, "colour": "red"}
]`
	code, out := b.call(t, "POST", "/api/v1/orders", "Bearer "+token, bad)
	if code != 422 || out["applied"] == true {
		t.Fatalf("a bad push: %d %v", code, out)
	}
	problems, _ := out["problems"].([]any)
	fields := map[string]bool{}
	for _, p := range problems {
		pm := p.(map[string]any)
		if pm["index"] == float64(1) {
			fields[pm["field"].(string)] = true
		}
		if pm["index"] == float64(0) {
			t.Errorf("a good order is reported: %v", pm)
		}
		if pm["reason"] == "" {
			t.Errorf("a problem without a reason: %v", pm)
		}
	}
	for _, f := range []string{"customer_code", "status", "amount", "ordered_on"} {
		if !fields[f] {
			t.Errorf("item 1's %s is not reported: %v", f, problems)
		}
	}
	if len(problems) != 5 {
		t.Errorf("%d problems, want 4 for item 1 and 1 for item 2: %v", len(problems), problems)
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written by a rejected push", n)
	}
	// Twice the same number: the store's check, still nothing applied.
	twice := `[{"number": "4500012345", "customer_code": "C1", "status": "open", "amount": 1},
		{"number": "4500012345", "customer_code": "C1", "status": "picking", "amount": 1}]`
	if code, out := b.call(t, "POST", "/api/v1/orders", "Bearer "+token, twice); code != 422 || out["problems"] == nil {
		t.Errorf("a number twice: %d %v", code, out)
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written by a rejected push", n)
	}
	for _, amount := range []string{`1e13`, `-5`, `"1.005"`, `"0x1p4"`, `12345678901234`} {
		body := `[{"number": "4500012345", "customer_code": "C1", "status": "open", "amount": ` + amount + `}]`
		code, out := b.call(t, "POST", "/api/v1/orders", "Bearer "+token, body)
		if code != 422 || !strings.Contains(fmt.Sprint(out["problems"]), "amount") {
			t.Errorf("amount %s: %d %v", amount, code, out)
		}
	}
	for _, body := range []string{"", "not json", `{"number": `} {
		if code, _ := b.call(t, "POST", "/api/v1/orders", "Bearer "+token, body); code != 400 && code != 422 {
			t.Errorf("body %q: %d", body, code)
		}
	}
}

func TestUnauthorized(t *testing.T) {
	b := setup(t, 0)
	for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer wrong", "Basic " + token, "bearer " + token, "Bearer " + token + "x"} {
		for _, c := range []struct{ method, path, body string }{{"POST", "/api/v1/orders", twoOrders}, {"GET", "/api/v1/orders/4500012345", ""}} {
			code, out := b.call(t, c.method, c.path, auth, c.body)
			if code != 401 || len(out) != 1 {
				t.Errorf("%s %s with %q: %d %v", c.method, c.path, auth, code, out)
			}
		}
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written without a valid token", n)
	}
	// A token removed from the configuration (revoked) is refused.
	api, err := orderapi.New(b.st, slog.New(slog.NewTextHandler(io.Discard, nil)), orderapi.Options{TokenHashes: []string{orderapi.HashToken("another-token")}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Routes(mux)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/orders/1", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	mux.ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Errorf("a revoked token: %d", rec.Code)
	}
	if _, err := orderapi.New(b.st, nil, orderapi.Options{TokenHashes: []string{"not-a-hash"}}); err == nil {
		t.Error("a token hash that is no hash is accepted")
	}
}

func TestOversizeBody(t *testing.T) {
	b := setup(t, 2048)
	big := "[" + strings.Repeat(`{"number": "4500012345", "customer_code": "C1", "status": "open", "amount": 1},`, 100) + "{}]"
	code, out := b.call(t, "POST", "/api/v1/orders", "Bearer "+token, big)
	if code != 413 || !strings.Contains(out["error"].(string), "2048") {
		t.Errorf("an oversize body: %d %v", code, out)
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written from an oversize body", n)
	}
}
