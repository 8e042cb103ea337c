// Package orderapi is the HTTP API through which an ERP pushes order
// changes instead of exporting files: POST /api/v1/orders applies a JSON
// array (or NDJSON) of orders, in orderbot's own field names, as an
// incremental import (same validation, history, alert events, all or
// nothing), GET /api/v1/orders/{number} returns one order, PUT
// /api/v1/orders/{number}/lines replaces an order's lines and PUT
// /api/v1/customers/{code}/credit sets a customer's credit position, each
// as an import of its kind. Every call
// needs a bearer token of the configuration, compared in constant time.
// Every error is a problem document (RFC 9457) naming the invalid fields.
// orders/orderapi/openapi.yaml documents it; the tests hold every request and response
// to it.
package orderapi

import (
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
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
	"github.com/orderbot/orderbot/orders/postgres"
)

// Store is what the API needs of the store.
type Store interface {
	ImportOrders(ctx context.Context, req postgres.ImportRequest, next func() (orders.Entry, error)) (postgres.ImportReport, error)
	OrderByNumber(ctx context.Context, number string) (orders.Order, error)
	ImportLines(ctx context.Context, req postgres.ImportRequest, src postgres.LineSource) (postgres.LinesReport, error)
	ImportCredit(ctx context.Context, req postgres.ImportRequest, next func() (postgres.CreditRow, error)) (postgres.CreditReport, error)
	CustomerByCode(ctx context.Context, code string) (orders.Customer, error)
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
	// Now, when set, dates each push (tests). Unset, a push is dated by
	// the database's clock once it holds the import lock, so pushes that
	// race apply in the order of their times.
	Now func() time.Time
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
	if a.opt.Observe == nil {
		a.opt.Observe = func(string, int) {}
	}
	return a, nil
}

// Routes adds the API's endpoints to mux.
func (a *API) Routes(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/orders", a.authorized(a.push))
	mux.Handle("GET /api/v1/orders/{number}", a.authorized(a.get))
	mux.Handle("PUT /api/v1/orders/{number}/lines", a.authorized(a.putLines))
	mux.Handle("PUT /api/v1/customers/{code}/credit", a.authorized(a.putCredit))
}

// authorized lets through requests with a valid bearer token; every token
// is compared, in constant time, whatever matches first. The scheme's name
// is case-insensitive (RFC 9110 section 11.1), and one or more spaces
// follow it.
func (a *API) authorized(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		token = strings.TrimSpace(token)
		sum := sha256.Sum256([]byte(token))
		match := 0
		for _, h := range a.hashes {
			match |= subtle.ConstantTimeCompare(sum[:], h)
		}
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="orderbot"`)
			writeProblem(w, blank(http.StatusUnauthorized, "A bearer token is required: send the header Authorization: Bearer <token>."))
			return
		}
		if match != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="orderbot", error="invalid_token"`)
			writeProblem(w, blank(http.StatusUnauthorized, "The bearer token is not one of api.tokens: it is wrong, or it was revoked."))
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

// Result is the answer to a push that was applied.
type Result struct {
	Applied   bool `json:"applied"`
	Received  int  `json:"received"`
	Created   int  `json:"created"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	Alerts    int  `json:"alerts_queued"`
	// Placeholders are the e-mail addresses the directory did not hold,
	// created as placeholder people until a people import completes them.
	Placeholders []string `json:"placeholders,omitempty"`
}

func (a *API) push(w http.ResponseWriter, r *http.Request) {
	reject := func(p Problem) {
		a.opt.Observe("rejected", 0)
		writeProblem(w, p)
	}
	body, problem := a.readBody(w, r, "orders")
	if problem != nil {
		reject(*problem)
		return
	}
	raws, problem := decode(body)
	if problem != nil {
		reject(*problem)
		return
	}
	entries := make([]orders.Entry, len(raws))
	var errs []InvalidField
	first := map[string]int{}
	for i, raw := range raws {
		it := readItem(raw, i)
		if n := it.entry.Number; n != "" && !it.failed("number") {
			if j, twice := first[n]; twice {
				it.bad(path("number"), "number %s is there twice (first at index %d); send each order once.", ingest.Clip(n), j)
			} else {
				first[n] = i
			}
		}
		errs = append(errs, it.invalid()...)
		entries[i] = it.entry
	}
	if len(errs) > 0 {
		p := invalidOrders(len(raws), errs)
		if len(p.Errors) > maxErrors {
			p.Errors = p.Errors[:maxErrors]
		}
		reject(p)
		return
	}
	i := 0
	rep, err := a.store.ImportOrders(r.Context(), postgres.ImportRequest{Source: "api", SHA256: hashBody(body),
		Profile: "api", AsOf: a.asOf(), PeopleBy: orders.ByEmail, NumberColumn: "number", MaxProblems: maxErrors},
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
		// The store's own checks (a number twice, under another spelling).
		for _, p := range input.Problems {
			index := max(0, min(p.Line-1, len(entries)-1))
			errs = append(errs, InvalidField{Index: &index, Line: raws[index].line, Number: entries[index].Number,
				Field: "number", Pointer: pointerTo(index, "number"), Reason: p.Text})
		}
		reject(invalidOrders(len(raws), errs))
		return
	case orders.ErrorCode(err) == orders.EInvalid:
		p := invalidOrders(len(raws), nil)
		p.Detail = orders.ErrorMessage(err)
		reject(p)
		return
	case err != nil:
		a.log.Error("push import failed", "err", err)
		a.opt.Observe("failed", 0)
		writeProblem(w, blank(http.StatusServiceUnavailable, "The orders could not be applied, and nothing was changed: try again later."))
		return
	}
	res := Result{Applied: true, Received: len(raws), Created: rep.Created, Updated: rep.Updated, Unchanged: rep.Unchanged,
		Alerts: rep.Alerts, Placeholders: rep.Placeholders}
	a.opt.Observe("applied", len(raws))
	a.log.Info("orders pushed", "received", len(raws), "created", rep.Created, "updated", rep.Updated, "alerts", rep.Alerts,
		"placeholders", len(rep.Placeholders))
	writeJSON(w, http.StatusOK, res)
}

// readBody reads a request's body, of at most api.max_body bytes; what
// names what the body holds, for the 413's advice.
func (a *API) readBody(w http.ResponseWriter, r *http.Request, what string) ([]byte, *Problem) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.opt.MaxBody))
	if err == nil {
		return body, nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &Problem{Type: typeBodyTooLarge, Title: "The body is too large", Status: http.StatusRequestEntityTooLarge,
			Detail: fmt.Sprintf("The body is larger than %d bytes (api.max_body): send fewer %s per request.", a.opt.MaxBody, what)}
	}
	return nil, &Problem{Type: typeUnreadableBody, Title: "The body is not JSON " + what, Status: http.StatusBadRequest,
		Detail: "The body could not be read to its end."}
}

func hashBody(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
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
	number := r.PathValue("number")
	if p := pathProblem("number", number, maxNumber, "an order number"); p != nil {
		writeProblem(w, *p)
		return
	}
	o, err := a.store.OrderByNumber(r.Context(), number)
	switch orders.ErrorCode(err) {
	case "":
	case orders.ENotFound, orders.EInvalid, orders.EConflict:
		writeProblem(w, blank(http.StatusNotFound, sentence(orders.ErrorMessage(err))))
		return
	default:
		a.log.Error("order not read", "err", err)
		writeProblem(w, blank(http.StatusServiceUnavailable, "The order data is unavailable right now: try again later."))
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

// pathProblem is the 400 problem of a path parameter (number, code) that
// cannot be what names an order or a customer: a NUL, not UTF-8, longer
// than max; nil when it can.
func pathProblem(param, v string, max int, what string) *Problem {
	reason := ""
	switch n := utf8.RuneCountInString(v); {
	case strings.IndexByte(v, 0) >= 0:
		reason = fmt.Sprintf("%s contains a NUL character (U+0000), which no %s holds.", param, strings.TrimPrefix(strings.TrimPrefix(what, "an "), "a "))
	case !utf8.ValidString(v):
		reason = param + " is not UTF-8: percent-encode its UTF-8 bytes (é is %C3%A9)."
	case n > max:
		reason = fmt.Sprintf("%s is %d characters long, more than the %d of %s.", param, n, max, what)
	}
	if reason == "" {
		return nil
	}
	title := "Not an order number"
	if param != "number" {
		title = "Not a customer code"
	}
	return &Problem{Type: typeInvalidNumber, Title: title, Status: http.StatusBadRequest,
		Detail: reason, Errors: []InvalidField{{Field: param, Reason: reason}}}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// asOf is the time a push is dated by: zero, for the database's clock
// read under the import lock, unless Options.Now is set.
func (a *API) asOf() time.Time {
	if a.opt.Now == nil {
		return time.Time{}
	}
	return a.opt.Now()
}
