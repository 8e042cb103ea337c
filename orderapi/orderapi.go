// Package orderapi is the HTTP API through which an ERP pushes order
// changes instead of exporting files: POST /api/v1/orders applies a JSON
// array (or NDJSON) of orders, in orderbot's own field names, as an
// incremental import (same validation, history, alert events, all or
// nothing), and GET /api/v1/orders/{number} returns one order. Every call
// needs a bearer token of the configuration, compared in constant time.
// api/openapi.yaml documents it.
package orderapi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// Store is what the API needs of the store.
type Store interface {
	ImportOrders(ctx context.Context, req postgres.ImportRequest, next func() (orders.Entry, error)) (postgres.ImportReport, error)
	OrderByNumber(ctx context.Context, number string) (orders.Order, error)
}

// Options are the API's settings.
type Options struct {
	// TokenHashes are the SHA-256 (hex) of the bearer tokens accepted.
	TokenHashes []string
	// MaxBody is the largest request body accepted, in bytes.
	MaxBody int64
	// Observe hears each push: "applied", "rejected" or "failed", and the
	// orders applied.
	Observe func(outcome string, rows int)
	Now     func() time.Time
}

// API serves the push API.
type API struct {
	store  Store
	log    *slog.Logger
	opt    Options
	hashes [][]byte
}

// HashToken returns what the configuration stores of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// New returns the API; it refuses every call when no token is configured.
func New(store Store, log *slog.Logger, opt Options) (*API, error) {
	a := &API{store: store, log: log, opt: opt}
	for _, h := range opt.TokenHashes {
		b, err := hex.DecodeString(strings.TrimSpace(h))
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("api token hash %q is not a SHA-256 in hex", h)
		}
		a.hashes = append(a.hashes, b)
	}
	if a.opt.MaxBody <= 0 {
		a.opt.MaxBody = 10 << 20
	}
	if a.opt.Now == nil {
		a.opt.Now = time.Now
	}
	if a.opt.Observe == nil {
		a.opt.Observe = func(string, int) {}
	}
	return a, nil
}

// Routes adds the API's endpoints to mux.
func (a *API) Routes(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/orders", a.authorized(a.push))
	mux.Handle("GET /api/v1/orders/{number}", a.authorized(a.get))
}

// authorized lets through requests with a valid bearer token; every token
// is compared, in constant time, whatever matches first.
func (a *API) authorized(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
		match := 0
		for _, h := range a.hashes {
			match |= subtle.ConstantTimeCompare(sum[:], h)
		}
		if !ok || token == "" || match != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="orderbot"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "a valid bearer token is required"})
			return
		}
		next(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// Problem is one rejected field of one pushed order.
type Problem struct {
	Index  int    `json:"index"` // 0-based position in the request
	Number string `json:"number,omitempty"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Result is the answer to a push.
type Result struct {
	Applied   bool      `json:"applied"`
	Received  int       `json:"received"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Unchanged int       `json:"unchanged"`
	Alerts    int       `json:"alerts_queued"`
	Problems  []Problem `json:"problems,omitempty"`
	Error     string    `json:"error,omitempty"`
}

func (a *API) push(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.opt.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.opt.Observe("rejected", 0)
			writeJSON(w, http.StatusRequestEntityTooLarge, Result{Error: fmt.Sprintf("the body is larger than %d bytes: send fewer orders per request", a.opt.MaxBody)})
			return
		}
		writeJSON(w, http.StatusBadRequest, Result{Error: "the body could not be read"})
		return
	}
	items, err := decode(body)
	if err != nil {
		a.opt.Observe("rejected", 0)
		writeJSON(w, http.StatusBadRequest, Result{Error: err.Error()})
		return
	}
	entries := make([]orders.Entry, 0, len(items))
	var problems []Problem
	for i, it := range items {
		e, ps := it.entry(i)
		problems = append(problems, ps...)
		entries = append(entries, e)
	}
	res := Result{Received: len(items)}
	if len(problems) > 0 {
		res.Problems = problems
		a.opt.Observe("rejected", 0)
		writeJSON(w, http.StatusUnprocessableEntity, res)
		return
	}
	i := 0
	rep, err := a.store.ImportOrders(r.Context(), postgres.ImportRequest{Source: "api", SHA256: hashBody(body),
		Profile: "api", AsOf: a.opt.Now(), PeopleBy: orders.ByEmail, NumberColumn: "number", MaxProblems: 100},
		func() (orders.Entry, error) {
			if i == len(entries) {
				return orders.Entry{}, io.EOF
			}
			i++
			return entries[i-1], nil
		})
	var input *orders.InputErrors
	switch {
	case errors.As(err, &input):
		for _, p := range input.Problems {
			res.Problems = append(res.Problems, Problem{Index: p.Line - 1, Field: "number", Reason: p.Text})
		}
		a.opt.Observe("rejected", 0)
		writeJSON(w, http.StatusUnprocessableEntity, res)
		return
	case orders.ErrorCode(err) == orders.EInvalid:
		a.opt.Observe("rejected", 0)
		res.Error = orders.ErrorMessage(err)
		writeJSON(w, http.StatusUnprocessableEntity, res)
		return
	case err != nil:
		a.log.Error("push import failed", "err", err)
		a.opt.Observe("failed", 0)
		res.Error = "the orders could not be applied; nothing was changed"
		writeJSON(w, http.StatusServiceUnavailable, res)
		return
	}
	res.Applied, res.Created, res.Updated, res.Unchanged, res.Alerts = true, rep.Created, rep.Updated, rep.Unchanged, rep.Alerts
	a.opt.Observe("applied", len(items))
	a.log.Info("orders pushed", "received", len(items), "created", rep.Created, "updated", rep.Updated, "alerts", rep.Alerts)
	writeJSON(w, http.StatusOK, res)
}

func hashBody(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// decode reads a JSON array of orders, or one JSON object a line.
func decode(body []byte) ([]item, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, errors.New("the body is empty: send a JSON array of orders, or one JSON order a line")
	}
	if trimmed[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, fmt.Errorf("the body is not a JSON array of orders: %v", err)
		}
		return parseItems(raw)
	}
	var raw []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(trimmed))
	sc.Buffer(make([]byte, 64*1024), len(trimmed)+1)
	for line := 1; sc.Scan(); line++ {
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) == 0 {
			continue
		}
		if !json.Valid(l) {
			return nil, fmt.Errorf("line %d is not a JSON order", line)
		}
		raw = append(raw, append(json.RawMessage(nil), l...))
	}
	return parseItems(raw)
}

func parseItems(raw []json.RawMessage) ([]item, error) {
	out := make([]item, len(raw))
	for i, r := range raw {
		out[i] = parseItem(r)
	}
	return out, nil
}

// fieldNames are the fields of a pushed order.
var fieldNames = []string{"number", "customer_code", "customer_name", "customer_ref", "rep", "assistant", "status",
	"block_reason", "blocks", "amount", "currency", "ordered_on", "requested_on", "promised_on", "expected_release"}

// parseItem reads one pushed order field by field, so that each wrong
// field is reported by name.
func parseItem(r json.RawMessage) item {
	var it item
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(r, &fields); err != nil {
		it.problems = append(it.problems, fieldProblem{"", "not a JSON object"})
		return it
	}
	str := func(name string, dst *string) {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			return
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			it.problems = append(it.problems, fieldProblem{name, "want a string"})
		}
	}
	for name := range fields {
		known := false
		for _, f := range fieldNames {
			known = known || f == name
		}
		if !known {
			it.problems = append(it.problems, fieldProblem{name, fmt.Sprintf("not a field of an order (want %s)", strings.Join(fieldNames, ", "))})
		}
	}
	str("number", &it.Number)
	str("customer_code", &it.CustomerCode)
	str("customer_name", &it.CustomerName)
	str("customer_ref", &it.CustomerRef)
	str("rep", &it.Rep)
	str("assistant", &it.Assistant)
	str("status", &it.Status)
	str("block_reason", &it.BlockReason)
	str("currency", &it.Currency)
	str("ordered_on", &it.OrderedOn)
	str("requested_on", &it.RequestedOn)
	str("promised_on", &it.PromisedOn)
	str("expected_release", &it.ExpectedRelease)
	if raw, ok := fields["amount"]; ok && string(raw) != "null" {
		var n json.Number
		var s string
		switch {
		case json.Unmarshal(raw, &n) == nil:
			it.Amount = string(n)
		case json.Unmarshal(raw, &s) == nil:
			it.Amount = s
		default:
			it.problems = append(it.problems, fieldProblem{"amount", "want a number"})
		}
	}
	if raw, ok := fields["blocks"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &it.Blocks); err != nil {
			it.problems = append(it.problems, fieldProblem{"blocks", "want a list of {kind, reason, expected_release}"})
		}
	}
	sort.Slice(it.problems, func(i, j int) bool { return it.problems[i].field < it.problems[j].field })
	return it
}

type fieldProblem struct{ field, reason string }

// item is one order as an ERP pushes it.
type item struct {
	Number, CustomerCode, CustomerName, CustomerRef string
	Rep, Assistant                                  string // e-mail addresses
	Status, BlockReason                             string
	Blocks                                          []itemBlock
	Amount                                          string
	Currency                                        string
	OrderedOn, RequestedOn, PromisedOn              string
	ExpectedRelease                                 string

	problems []fieldProblem
}

type itemBlock struct {
	Kind            string `json:"kind"`
	Reason          string `json:"reason"`
	ExpectedRelease string `json:"expected_release"`
}

// entry checks an item and turns it into an import entry; the problems
// name the item's index and field.
func (it item) entry(i int) (orders.Entry, []Problem) {
	var ps []Problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, Problem{Index: i, Number: it.Number, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	for _, p := range it.problems {
		bad(p.field, "%s", p.reason)
	}
	e := orders.Entry{Line: i + 1, Number: strings.TrimSpace(it.Number), CustomerCode: strings.TrimSpace(it.CustomerCode),
		CustomerName: strings.TrimSpace(it.CustomerName), CustomerRef: strings.TrimSpace(it.CustomerRef),
		Rep: strings.TrimSpace(it.Rep), Assistant: strings.TrimSpace(it.Assistant), BlockReason: it.BlockReason,
		Currency: strings.ToUpper(strings.TrimSpace(it.Currency))}
	if orders.NumberKey(e.Number) == "" {
		bad("number", "required: the order number as the ERP writes it")
	}
	if e.CustomerCode == "" {
		bad("customer_code", "required: the ERP's customer code")
	}
	st, err := orders.ParseStatus(it.Status)
	if err != nil {
		bad("status", "%q is not a status (want one of %v)", it.Status, orders.Statuses())
	}
	e.Status = st
	if e.Currency == "" {
		e.Currency = "EUR"
	}
	if cents, err := parseAmount(it.Amount); err != nil {
		bad("amount", "%s", err)
	} else {
		e.AmountCents = cents
	}
	date := func(field, s string) *time.Time {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
		if err != nil {
			bad(field, "%q is not a date (want YYYY-MM-DD)", s)
			return nil
		}
		return &d
	}
	e.OrderedOn, e.RequestedOn, e.PromisedOn = date("ordered_on", it.OrderedOn), date("requested_on", it.RequestedOn), date("promised_on", it.PromisedOn)
	e.ExpectedRelease = date("expected_release", it.ExpectedRelease)
	for j, b := range it.Blocks {
		kind, err := orders.ParseStatus(b.Kind)
		if err != nil || !kind.Blocked() {
			bad(fmt.Sprintf("blocks[%d].kind", j), "%q is not a kind of block (want one of %v)", b.Kind, orders.BlockedStatuses())
			continue
		}
		e.Blocks = append(e.Blocks, orders.Block{Kind: kind, Reason: b.Reason, ExpectedRelease: date(fmt.Sprintf("blocks[%d].expected_release", j), b.ExpectedRelease)})
	}
	if len(e.Blocks) == 0 && st.Blocked() {
		e.Blocks = []orders.Block{{Kind: st, Reason: e.BlockReason, ExpectedRelease: e.ExpectedRelease}}
	}
	if len(ps) == 0 {
		o := orders.Order{Number: e.Number, Status: e.Status, Customer: orders.Customer{Code: e.CustomerCode},
			Currency: e.Currency, Blocks: e.Blocks}
		if err := o.Validate(); err != nil {
			bad("status", "%s", orders.ErrorMessage(err))
		}
	}
	return e, ps
}

// amountPattern is an amount as the API takes it: digits with at most
// two decimals, a dot for the decimals.
var amountPattern = regexp.MustCompile(`^\d{1,13}(?:\.\d{1,2})?$`)

// parseAmount reads an amount excluding tax (a JSON number or string,
// dot for decimals, at most two of them, not negative) into cents,
// exactly.
func parseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if !amountPattern.MatchString(s) {
		return 0, fmt.Errorf("%q is not an amount (want a number of at most 13 digits and 2 decimals, such as 18250.50)", s)
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

// apiOrder is an order as the API returns it.
type apiOrder struct {
	Number          string      `json:"number"`
	CustomerCode    string      `json:"customer_code"`
	CustomerName    string      `json:"customer_name"`
	CustomerRef     string      `json:"customer_ref,omitempty"`
	Rep             string      `json:"rep,omitempty"`
	Assistant       string      `json:"assistant,omitempty"`
	Status          string      `json:"status"`
	StatusSince     time.Time   `json:"status_since"`
	BlockReason     string      `json:"block_reason,omitempty"`
	Blocks          []apiBlock  `json:"blocks,omitempty"`
	Amount          json.Number `json:"amount"`
	Currency        string      `json:"currency"`
	OrderedOn       string      `json:"ordered_on,omitempty"`
	RequestedOn     string      `json:"requested_on,omitempty"`
	PromisedOn      string      `json:"promised_on,omitempty"`
	ExpectedRelease string      `json:"expected_release,omitempty"`
	ClosedAt        *time.Time  `json:"closed_at,omitempty"`
}

type apiBlock struct {
	Kind            string    `json:"kind"`
	Reason          string    `json:"reason,omitempty"`
	Since           time.Time `json:"since"`
	ExpectedRelease string    `json:"expected_release,omitempty"`
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	o, err := a.store.OrderByNumber(r.Context(), r.PathValue("number"))
	switch orders.ErrorCode(err) {
	case "":
	case orders.ENotFound, orders.EInvalid, orders.EConflict:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": orders.ErrorMessage(err)})
		return
	default:
		a.log.Error("order not read", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the order data is unavailable right now"})
		return
	}
	out := apiOrder{Number: o.Number, CustomerCode: o.Customer.Code, CustomerName: o.Customer.Name, CustomerRef: o.CustomerRef,
		Status: string(o.Status), StatusSince: o.StatusSince, BlockReason: o.BlockReason,
		Amount: json.Number(fmt.Sprintf("%d.%02d", o.AmountCents/100, abs(o.AmountCents%100))), Currency: o.Currency,
		OrderedOn: day(o.OrderedOn), RequestedOn: day(o.RequestedOn), PromisedOn: day(o.PromisedOn),
		ExpectedRelease: day(o.ExpectedRelease), ClosedAt: o.ClosedAt}
	if o.AmountCents < 0 && o.AmountCents > -100 {
		out.Amount = json.Number("-" + string(out.Amount))
	}
	if o.Rep != nil {
		out.Rep = o.Rep.Email
	}
	if o.Assistant != nil {
		out.Assistant = o.Assistant.Email
	}
	for _, b := range o.Blocks {
		out.Blocks = append(out.Blocks, apiBlock{Kind: string(b.Kind), Reason: b.Reason, Since: b.Since, ExpectedRelease: day(b.ExpectedRelease)})
	}
	writeJSON(w, http.StatusOK, out)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
