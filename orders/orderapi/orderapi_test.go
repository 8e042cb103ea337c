package orderapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/orderapi"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) {
	registerNDJSON()
	os.Exit(testdb.Run(m, &server))
}

const token = "s3cret-erp-token"

type bundle struct {
	st  *postgres.Store
	srv *httptest.Server
}

// setup serves the API on a fresh database, behind the spec's checks.
func setup(t *testing.T, maxBody int64) *bundle {
	t.Helper()
	t.Parallel()
	b := &bundle{st: server.Store(t)}
	if _, err := b.st.UpsertPerson(context.Background(), orders.Person{Email: "claire.martin@example.fr", Name: "Claire Martin",
		Role: orders.RoleAssistant}); err != nil {
		t.Fatal(err)
	}
	b.srv = serve(t, b.st, orderapi.Options{
		TokenHashes: []string{orderapi.HashToken(token), orderapi.HashToken("another-token")}, MaxBody: maxBody,
		Now: func() time.Time { return time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC) }})
	return b
}

// serve is the one way the tests reach the API: through the spec's checks
// of every request and response.
func serve(t *testing.T, st orderapi.Store, opt orderapi.Options) *httptest.Server {
	t.Helper()
	api, err := orderapi.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), opt)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Routes(mux)
	srv := httptest.NewServer(checked(t, loadSpec(t), mux))
	t.Cleanup(srv.Close)
	return srv
}

// reply is what the API answered.
type reply struct {
	code   int
	header http.Header
	body   map[string]any
	raw    string
}

// call sends a request as an ERP would: a JSON array is sent as
// application/json, anything else as NDJSON.
func call(t *testing.T, srv *httptest.Server, method, path, auth, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if method == "PUT" {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-ndjson")
		if t := strings.TrimSpace(body); strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{") && !strings.Contains(t, "\n") {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{code: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (b *bundle) call(t *testing.T, method, path, auth, body string) reply {
	t.Helper()
	return call(t, b.srv, method, path, auth, body)
}

// push sends orders with the good token.
func (b *bundle) push(t *testing.T, body string) reply {
	t.Helper()
	return b.call(t, "POST", "/api/v1/orders", "Bearer "+token, body)
}

// invalid is one entry of a problem document's errors.
type invalid struct {
	Index   *int   `json:"index"`
	Line    int    `json:"line"`
	Number  string `json:"number"`
	Field   string `json:"field"`
	Pointer string `json:"pointer"`
	Reason  string `json:"reason"`
}

// problem checks that r is an RFC 9457 problem document of status code and
// returns its errors.
func (r reply) problem(t *testing.T, code int) []invalid {
	t.Helper()
	if r.code != code {
		t.Errorf("status %d, want %d: %s", r.code, code, clipped(r.raw))
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	for _, k := range []string{"type", "title", "detail"} {
		if s, _ := r.body[k].(string); s == "" {
			t.Errorf("the problem has no %s: %s", k, clipped(r.raw))
		}
	}
	if r.body["status"] != float64(r.code) {
		t.Errorf("the problem's status %v is not the response's %d", r.body["status"], r.code)
	}
	var doc struct {
		Errors []invalid `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.raw), &doc); err != nil {
		t.Errorf("the problem does not decode: %v", err)
	}
	for _, e := range doc.Errors {
		if e.Reason == "" || strings.ContainsAny(e.Reason, "\n\x00") || len(e.Reason) > 400 {
			t.Errorf("%s: the reason %q is not one short sentence", e.Field, clipped(e.Reason))
		}
	}
	return doc.Errors
}

// fieldOf is the field that a pointer into a pushed array names, as the
// problem's errors write it: /0/blocks/1/kind is blocks[1].kind.
func fieldOf(pointer string) string {
	parts := strings.Split(pointer, "/")[2:]
	var sb strings.Builder
	for i, p := range parts {
		switch {
		case p != "" && strings.Trim(p, "0123456789") == "":
			sb.WriteString("[" + p + "]")
		case i > 0:
			sb.WriteString("." + p)
		default:
			sb.WriteString(p)
		}
	}
	return sb.String()
}

// names reports whether errs has an entry for field, at pointer unless
// pointer is "".
func names(errs []invalid, field, pointer string) bool {
	for _, e := range errs {
		if e.Field == field && (pointer == "" || e.Pointer == pointer) {
			return true
		}
	}
	return false
}

const twoOrders = `[
 {"number": "4500012345", "customer_code": "C001234", "customer_name": "Boulangerie Dupré & Fils", "customer_ref": "PO-7781",
  "assistant": "claire.martin@example.fr", "status": "credit_limit", "block_reason": "encours dépassé",
  "amount": 18250.5, "currency": "EUR", "ordered_on": "2026-11-20", "requested_on": "2026-12-02"},
 {"number": "4500012346", "customer_code": "C001234", "status": "open", "amount": "980"}
]`

func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPushAndGet(t *testing.T) {
	b := setup(t, 0)
	r := b.push(t, twoOrders)
	// The first load of an empty portfolio alerts nobody of old blocks.
	if r.code != 200 || r.body["applied"] != true || r.body["created"] != float64(2) || r.body["alerts_queued"] != float64(0) {
		t.Fatalf("push: %d %s", r.code, r.raw)
	}
	got := b.call(t, "GET", "/api/v1/orders/4500012345", "Bearer "+token, "")
	if g := got.body; got.code != 200 || g["status"] != "credit_limit" || g["amount"] != 18250.5 || g["assistant"] != "claire.martin@example.fr" ||
		g["customer_name"] != "Boulangerie Dupré & Fils" || g["requested_on"] != "2026-12-02" || g["status_since"] == nil {
		t.Errorf("get: %d %s", got.code, got.raw)
	}
	if blocks, _ := got.body["blocks"].([]any); len(blocks) != 1 || blocks[0].(map[string]any)["since"] == nil {
		t.Errorf("get: the block and its since: %s", got.raw)
	}
	// The same push again changes nothing and queues no alert; an update
	// (NDJSON) records its transition.
	if r := b.call(t, "POST", "/api/v1/orders", "Bearer another-token", twoOrders); r.code != 200 || r.body["unchanged"] != float64(2) {
		t.Errorf("the same push again: %d %s", r.code, r.raw)
	}
	ndjson := `{"number": "4500012346", "customer_code": "C001234", "status": "out_of_stock", "block_reason": "SKU 4711", "amount": 980}` + "\n" +
		`{"number": "4500012347", "customer_code": "C001234", "status": "open", "currency": null, "promised_on": null}` + "\n"
	if r := b.push(t, ndjson); r.code != 200 || r.body["updated"] != float64(1) || r.body["created"] != float64(1) {
		t.Errorf("an NDJSON update: %d %s", r.code, r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM alert_events`); n != 1 {
		t.Errorf("%d alert events, want the update's", n)
	}
	if r := b.call(t, "GET", "/api/v1/orders/9999999", "Bearer "+token, ""); r.problem(t, 404) != nil || !strings.Contains(r.raw, "9999999") {
		t.Errorf("an unknown order: %s", r.raw)
	}
}

func TestRejectedPushAppliesNothing(t *testing.T) {
	b := setup(t, 0)
	bad := `[
 {"number": "4500012345", "customer_code": "C001234", "status": "open", "amount": 10},
 {"number": "4500012346", "customer_code": "", "status": "blocked", "amount": "douze", "ordered_on": "20/11/2026"},
 {"number": "4500012347", "customer_code": "C1", "status": "open", "amount": 1, "colour": "red"}
]`
	r := b.push(t, bad)
	errs := r.problem(t, 422)
	for _, e := range errs {
		if e.Index != nil && *e.Index == 0 {
			t.Errorf("a good order is reported: %+v", e)
		}
	}
	for _, f := range []string{"customer_code", "status", "amount", "ordered_on"} {
		if !names(errs, f, "/1/"+f) {
			t.Errorf("item 1's %s is not reported: %s", f, r.raw)
		}
	}
	if !names(errs, "colour", "/2/colour") {
		t.Errorf("item 2's unknown field is not reported: %s", r.raw)
	}
	if len(errs) != 5 {
		t.Errorf("%d problems, want 4 for item 1 and 1 for item 2: %s", len(errs), r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written by a rejected push", n)
	}
	// Twice the same number: still nothing applied.
	twice := `[{"number": "4500012345", "customer_code": "C1", "status": "open", "amount": 1},
		{"number": "4500012345", "customer_code": "C1", "status": "picking", "amount": 1}]`
	if r := b.push(t, twice); !names(r.problem(t, 422), "number", "/1/number") {
		t.Errorf("a number twice: %s", r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written by a rejected push", n)
	}
	for _, amount := range []string{`1e13`, `-5`, `"1.005"`, `"0x1p4"`, `12345678901234`, `"18250,50"`, `true`} {
		body := `[{"number": "4500012345", "customer_code": "C1", "status": "open", "amount": ` + amount + `}]`
		if r := b.push(t, body); !names(r.problem(t, 422), "amount", "/0/amount") {
			t.Errorf("amount %s: %s", amount, r.raw)
		}
	}
	// A batch with the same mistake throughout: the first 100 are listed,
	// the detail counts them all.
	batch := make([]string, 150)
	for i := range batch {
		batch[i] = fmt.Sprintf(`{"number": "45%08d", "customer_code": "C1", "status": "open", "currency": "euro"}`, i)
	}
	r = b.push(t, "["+strings.Join(batch, ",\n")+"]")
	if errs := r.problem(t, 422); len(errs) != 100 || !strings.HasPrefix(r.body["detail"].(string), "150 problems in 150 of the 150 orders") {
		t.Errorf("a batch of 150 bad orders: %d errors, %v", len(errs), r.body["detail"])
	}
	for _, body := range []string{"", "not json", `{"number": `, "[1,", `{"number": "1"}` + "\n" + `{"number": `} {
		if r := b.push(t, body); r.code != 400 {
			t.Errorf("body %q: %d %s", body, r.code, r.raw)
		} else {
			r.problem(t, 400)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written by a rejected push", n)
	}
}

func TestUnauthorized(t *testing.T) {
	b := setup(t, 0)
	for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer wrong", "Basic " + token, "Bearer " + token + "x", "Token " + token} {
		for _, c := range []struct{ method, path, body string }{{"POST", "/api/v1/orders", twoOrders}, {"GET", "/api/v1/orders/4500012345", ""}} {
			r := b.call(t, c.method, c.path, auth, c.body)
			r.problem(t, 401)
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s with %q: no bearer challenge", c.method, c.path, auth)
			}
		}
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written without a valid token", n)
	}
	// The scheme's name is case-insensitive (RFC 9110 section 11.1).
	for _, auth := range []string{"bearer " + token, "BEARER " + token, "Bearer  " + token} {
		if r := b.call(t, "POST", "/api/v1/orders", auth, twoOrders); r.code != 200 {
			t.Errorf("%q: %d %s", auth, r.code, r.raw)
		}
	}
	// A token removed from the configuration (revoked) is refused.
	srv := serve(t, b.st, orderapi.Options{TokenHashes: []string{orderapi.HashToken("another-token")}})
	call(t, srv, "GET", "/api/v1/orders/1", "Bearer "+token, "").problem(t, 401)
	if _, err := orderapi.New(b.st, nil, orderapi.Options{TokenHashes: []string{"not-a-hash"}}); err == nil {
		t.Error("a token hash that is no hash is accepted")
	}
}

func TestOversizeBody(t *testing.T) {
	b := setup(t, 2048)
	big := "[" + strings.Repeat(`{"number": "4500012345", "customer_code": "C1", "status": "open", "amount": 1},`, 100) +
		`{"number": "4500012345", "customer_code": "C1", "status": "open"}]`
	r := b.push(t, big)
	r.problem(t, 413)
	if detail, _ := r.body["detail"].(string); !strings.Contains(detail, "2048") {
		t.Errorf("an oversize body: %s", r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written from an oversize body", n)
	}
}

// order is one valid order with field set to value (raw JSON).
func order(field, value string) string {
	fields := map[string]string{"number": `"4500012345"`, "customer_code": `"C001234"`, "status": `"credit_limit"`,
		"customer_name": `"Boulangerie Dupré"`, "amount": `12.5`, "block_reason": `"encours dépassé"`}
	fields[field] = value
	var parts []string
	for k, v := range fields {
		parts = append(parts, fmt.Sprintf("%q: %s", k, v))
	}
	return "[{" + strings.Join(parts, ", ") + "}]"
}

func TestClientErrorsNameTheField(t *testing.T) {
	b := setup(t, 0)
	quote := func(s string) string { j, _ := json.Marshal(s); return string(j) }
	cases := []struct {
		name, field, value, pointer string
	}{
		{"a customer name of 1 MB", "customer_name", quote(strings.Repeat("Boulangerie ", 1<<20/12)), ""},
		{"a NUL in the number", "number", `"45000\u000012345"`, ""},
		{"a NUL in the customer code", "customer_code", `"C00\u00001234"`, ""},
		{"a NUL in the customer name", "customer_name", `"Dupr\u0000é"`, ""},
		{"a NUL in the customer ref", "customer_ref", `"PO\u0000"`, ""},
		{"a NUL in the block reason", "block_reason", `"encours\u0000"`, ""},
		{"a NUL in the rep", "rep", `"jean\u0000@example.fr"`, ""},
		{"a NUL in the currency", "currency", `"EU\u0000"`, ""},
		{"a NUL in a date", "ordered_on", `"2026-11-20\u0000"`, ""},
		{"a NUL in a block", "blocks", `[{"kind": "credit_limit", "reason": "encours\u0000"}]`, "/0/blocks/0/reason"},
		{"a currency that is not one", "currency", `"EURO"`, ""},
		{"a currency in digits", "currency", `"978"`, ""},
		{"a rep by name", "rep", `"Jean Dupont"`, ""},
		{"a rep with a display name", "rep", `"Jean Dupont <jean.dupont@example.fr>"`, ""},
		{"an assistant without a domain", "assistant", `"claire.martin"`, ""},
		{"an assistant with two at signs", "assistant", `"claire@martin@example.fr"`, ""},
		{"an order number of 10,000 characters", "number", quote(strings.Repeat("4500012345", 1000)), ""},
		{"a customer code of 10,000 characters", "customer_code", quote(strings.Repeat("C001234567", 1000)), ""},
		{"a block reason of 100,000 characters", "block_reason", quote(strings.Repeat("encours dépassé ", 100000/16)), ""},
		{"the zero date of some ERPs", "promised_on", `"0000-00-00"`, ""},
		{"a date past 9999", "promised_on", `"10000-01-01"`, ""},
		{"the year zero, which PostgreSQL has not", "requested_on", `"0000-01-01"`, ""},
		{"the year zero in a block", "blocks", `[{"kind": "credit_limit", "expected_release": "0000-12-31"}]`, "/0/blocks/0/expected_release"},
		{"a day that does not exist", "promised_on", `"2026-02-30"`, ""},
		{"a date as the French write it", "requested_on", `"02/12/2026"`, ""},
		{"a status in capitals", "status", `"OPEN"`, ""},
		{"a block of an unknown kind", "blocks", `[{"kind": "late", "reason": "x"}]`, "/0/blocks/0/kind"},
		{"a block twice", "blocks", `[{"kind": "credit_limit"}, {"kind": "credit_limit"}]`, "/0/blocks/1/kind"},
		{"a misspelt field of a block", "blocks", `[{"kind": "credit_limit", "expected_relase": "2026-12-01"}]`, "/0/blocks/0/expected_relase"},
		{"a number given as a number", "number", `4500012345`, ""},
	}
	for _, c := range cases {
		r := b.push(t, order(c.field, c.value))
		errs := r.problem(t, 422)
		pointer := c.pointer
		if pointer == "" {
			pointer = "/0/" + c.field
		}
		if !names(errs, fieldOf(pointer), pointer) {
			t.Errorf("%s: no error names %s: %s", c.name, pointer, clipped(r.raw))
		}
		if detail, _ := r.body["detail"].(string); !strings.Contains(detail, c.field) {
			t.Errorf("%s: the detail %q does not name %s", c.name, clipped(detail), c.field)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written by rejected pushes", n)
	}
	// A field name holding a NUL: its pointer is exact, its name readable.
	errs := b.push(t, `[{"number": "4500012345", "customer_code": "C1", "status": "open", "colo\u0000ur": "red"}]`).problem(t, 422)
	if len(errs) != 1 || errs[0].Pointer != "/0/colo\x00ur" || strings.ContainsRune(errs[0].Field, 0) {
		t.Errorf("a field name holding a NUL: %+v", errs)
	}
	// NDJSON: the line is named too.
	body := `{"number": "4500012345", "customer_code": "C1", "status": "open"}` + "\n\n" + `{"number": "4500012346", "customer_code": "C1", "status": "open", "currency": "€"}` + "\n"
	errs = b.push(t, body).problem(t, 422)
	if len(errs) != 1 || errs[0].Line != 3 || errs[0].Pointer != "/1/currency" || errs[0].Number != "4500012346" {
		t.Errorf("an NDJSON order's problem: %+v", errs)
	}
}

func TestBodyNotUTF8(t *testing.T) {
	b := setup(t, 0)
	// Windows-1252, as an ERP left to its defaults writes "Dupré".
	r := b.push(t, `[{"number": "4500012345", "customer_code": "C1", "status": "open", "customer_name": "Dupr`+"\xe9"+`"}]`)
	r.problem(t, 400)
	if detail, _ := r.body["detail"].(string); !strings.Contains(detail, "UTF-8") {
		t.Errorf("the detail does not say UTF-8: %s", r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("%d orders written from a body not in UTF-8", n)
	}
}

func TestGetRefusesWhatCannotBeANumber(t *testing.T) {
	b := setup(t, 0)
	// A NUL, Latin-1 (as a legacy client encodes "é"), a number too long to
	// be one.
	for _, path := range []string{"/api/v1/orders/X%00", "/api/v1/orders/4500012345%00", "/api/v1/orders/CMD-Dupr%E9",
		"/api/v1/orders/" + strings.Repeat("4", 5000)} {
		r := b.call(t, "GET", path, "Bearer "+token, "")
		if !names(r.problem(t, 400), "number", "") {
			t.Errorf("GET %s does not name the number: %s", clipped(path), r.raw)
		}
	}
	if r := b.call(t, "GET", "/api/v1/orders/%23%23", "Bearer "+token, ""); r.code != 404 {
		t.Errorf("a number without digits or letters: %d %s", r.code, r.raw)
	}
}

func TestUnknownPersonBecomesAPlaceholder(t *testing.T) {
	b := setup(t, 0)
	r := b.push(t, `[{"number": "4500012345", "customer_code": "C1", "status": "open",
		"rep": "Nouveau.Commercial@Example.fr", "assistant": "CLAIRE.MARTIN@example.fr"}]`)
	if r.code != 200 {
		t.Fatalf("%d %s", r.code, r.raw)
	}
	if ps, _ := r.body["placeholders"].([]any); len(ps) != 1 || ps[0] != "nouveau.commercial@example.fr" {
		t.Errorf("placeholders: %s", r.raw)
	}
	if n := b.count(t, `SELECT count(*) FROM people WHERE placeholder AND email = 'nouveau.commercial@example.fr' AND role = 'rep'`); n != 1 {
		t.Errorf("%d placeholders for the new rep", n)
	}
	if n := b.count(t, `SELECT count(*) FROM people`); n != 2 {
		t.Errorf("%d people, want Claire and the placeholder", n)
	}
	got := b.call(t, "GET", "/api/v1/orders/4500012345", "Bearer "+token, "")
	if got.body["rep"] != "nouveau.commercial@example.fr" || got.body["assistant"] != "claire.martin@example.fr" {
		t.Errorf("the order's people: %s", got.raw)
	}
}

// value returns a valid value of field with exactly n characters, of many
// bytes each where the field allows it.
func value(field string, n int) (string, bool) {
	text := func(n int) string {
		// Letters of 1 to 4 bytes that compress badly, as real text does
		// not: the database's indexes must hold the worst case.
		alphabet := []rune("aZ9éßøЖж日本語😀🚚-. ")
		var sb strings.Builder
		x := uint32(2166136261)
		for i := range n {
			x = x*16777619 ^ uint32(i)
			r := alphabet[x%uint32(len(alphabet))]
			if (i == 0 || i == n-1) && r == ' ' {
				r = 'x'
			}
			sb.WriteRune(r)
		}
		return sb.String()
	}
	switch field {
	case "number", "customer_code", "customer_name", "customer_ref", "block_reason", "reason":
		s := text(n)
		if field == "number" {
			_, size := utf8.DecodeRuneInString(s)
			s = "7" + s[size:]
		}
		return s, true
	case "rep", "assistant":
		// An address of exactly n characters: a 64-character local part
		// and a domain of labels of at most 63.
		local := strings.Repeat("r", 64)
		domain := ""
		for rest := n - len(local) - 1 - len(".fr"); rest > 0; {
			l := min(rest, 63)
			if rest-l == 1 {
				l-- // no label of length 0
			}
			domain += strings.Repeat("d", l)
			rest -= l
			if rest > 0 {
				domain += "."
				rest--
			}
		}
		return local + "@" + domain + ".fr", true
	}
	return "", false
}

// TestTheSpecsLimitsHold pushes every bounded text at its spec's maxLength,
// which must be stored and read back whole, and one character over it, which
// must be refused naming the field (the spec's checks refuse it too).
func TestTheSpecsLimitsHold(t *testing.T) {
	b := setup(t, 0)
	doc := loadSpec(t)
	type bounded struct {
		field, pointer string
		max            int
		body           func(v string) string
	}
	var all []bounded
	for name, p := range doc.Components.Schemas["Order"].Value.Properties {
		// Free texts and addresses; the other fields' patterns bound them.
		if p.Value.MaxLength != nil && (p.Value.Pattern == `^[^\x00]*$` || p.Value.Format == "email") {
			all = append(all, bounded{name, "/0/" + name, int(*p.Value.MaxLength), func(v string) string {
				j, _ := json.Marshal(v)
				return order(name, string(j))
			}})
		}
	}
	if p := doc.Components.Schemas["Block"].Value.Properties["reason"]; p != nil && p.Value.MaxLength != nil {
		all = append(all, bounded{"blocks[0].reason", "/0/blocks/0/reason", int(*p.Value.MaxLength), func(v string) string {
			j, _ := json.Marshal(v)
			return order("blocks", `[{"kind": "credit_limit", "reason": `+string(j)+`}]`)
		}})
	}
	// The first and last days a date may be, as .NET's DateTime.MinValue
	// and MaxValue write them.
	if r := b.push(t, order("promised_on", `"0001-01-01"`)); r.code != 200 {
		t.Errorf("the first day of year 1: %d %s", r.code, r.raw)
	}
	if r := b.push(t, order("blocks", `[{"kind": "credit_limit", "expected_release": "9999-12-31"}]`)); r.code != 200 {
		t.Errorf("the last day of 9999: %d %s", r.code, r.raw)
	}
	if len(all) < 7 {
		t.Fatalf("only %d bounded fields in the spec", len(all))
	}
	for i, f := range all {
		leaf := f.field[strings.LastIndex(f.field, ".")+1:]
		v, ok := value(leaf, f.max)
		if !ok {
			t.Errorf("no test value for %s", f.field)
			continue
		}
		body := f.body(v)
		if f.field != "number" {
			body = strings.Replace(body, `"4500012345"`, fmt.Sprintf(`"%d"`, 4500020000+i), 1)
		}
		if r := b.push(t, body); r.code != 200 {
			t.Errorf("%s of %d characters (the spec's maxLength) is refused: %s", f.field, f.max, clipped(r.raw))
			continue
		}
		over, _ := value(leaf, f.max+1)
		if r := b.push(t, f.body(over)); !names(r.problem(t, 422), f.field, f.pointer) {
			t.Errorf("%s of %d characters is not refused by name: %s", f.field, f.max+1, clipped(r.raw))
		}
		var stored bool
		if err := b.st.Pool().QueryRow(context.Background(), `SELECT EXISTS (SELECT FROM orders o
			JOIN customers c ON c.id = o.customer_id
			LEFT JOIN people r ON r.id = o.rep_id LEFT JOIN people a ON a.id = o.assistant_id
			LEFT JOIN order_blocks b ON b.order_id = o.id
			WHERE $1 IN (o.number, c.code, c.name, o.customer_ref, o.block_reason, r.email, a.email, b.reason))`, v).Scan(&stored); err != nil || !stored {
			t.Errorf("%s of %d characters is not stored whole (%v)", f.field, f.max, err)
		}
	}
}

// downStore is a store whose database is unreachable.
type downStore struct{}

var errDown = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (downStore) ImportOrders(context.Context, postgres.ImportRequest, func() (orders.Entry, error)) (postgres.ImportReport, error) {
	return postgres.ImportReport{}, errDown
}

func (downStore) OrderByNumber(context.Context, string) (orders.Order, error) {
	return orders.Order{}, errDown
}

func (downStore) ImportLines(context.Context, postgres.ImportRequest, postgres.LineSource) (postgres.LinesReport, error) {
	return postgres.LinesReport{}, errDown
}

func (downStore) ImportCredit(context.Context, postgres.ImportRequest, func() (postgres.CreditRow, error)) (postgres.CreditReport, error) {
	return postgres.CreditReport{}, errDown
}

func (downStore) CustomerByCode(context.Context, string) (orders.Customer, error) {
	return orders.Customer{}, errDown
}

func TestStoreDown(t *testing.T) {
	t.Parallel()
	srv := serve(t, downStore{}, orderapi.Options{TokenHashes: []string{orderapi.HashToken(token)}})
	for _, r := range []reply{
		call(t, srv, "POST", "/api/v1/orders", "Bearer "+token, twoOrders),
		call(t, srv, "GET", "/api/v1/orders/4500012345", "Bearer "+token, ""),
		call(t, srv, "PUT", "/api/v1/orders/4500012345/lines", "Bearer "+token, `[{"line": 1, "quantity": 2}]`),
		call(t, srv, "PUT", "/api/v1/customers/C001234/credit", "Bearer "+token, `{"credit_limit": 1000, "exposure": 0}`),
	} {
		r.problem(t, 503)
		if strings.Contains(r.raw, "127.0.0.1") {
			t.Errorf("the store's error reaches the client: %s", r.raw)
		}
	}
}

// TestNoValueReachesTheStoreUnchecked pushes values that ERPs and people
// really send, in every field: each push is applied or refused by name,
// never a store failure.
func TestNoValueReachesTheStoreUnchecked(t *testing.T) {
	b := setup(t, 0)
	values := []string{`""`, `"   "`, `"\u0000"`, `"\ud800"`, `"Dupr\u00e9\u202e\u200b"`, `"ligne 1\r\nligne 2\t"`, `"🚚📦"`,
		`-0`, `1e308`, `true`, `[]`, `{}`, `null`, `"0000-00-00"`, `"2026-13-01"`, `"99999999999999999999"`}
	fields := []string{"number", "customer_code", "customer_name", "customer_ref", "rep", "assistant", "status", "block_reason",
		"blocks", "amount", "currency", "ordered_on", "requested_on", "promised_on", "expected_release"}
	for i, field := range fields {
		for j, v := range values {
			body := order(field, v)
			if field != "number" {
				body = strings.Replace(body, `"4500012345"`, fmt.Sprintf(`"77%02d%02d"`, i, j), 1)
			}
			r := b.push(t, body)
			switch r.code {
			case 200:
			case 422:
				for _, e := range r.problem(t, 422) {
					if e.Field != field && !strings.HasPrefix(e.Field, field+"[") {
						t.Errorf("%s = %s: refused naming %q: %s", field, v, e.Field, clipped(r.raw))
					}
				}
			default:
				t.Errorf("%s = %s: %d %s", field, v, r.code, clipped(r.raw))
			}
		}
	}
}
