package orderapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
	"github.com/orderbot/orderbot/orders/postgres"
)

// The longest texts of a pushed line or credit position, in characters, as
// orders/orderapi/openapi.yaml says.
const (
	maxItem        = 64
	maxDescription = 255
	maxCarrier     = 64
	maxTracking    = 128
	// maxLines is the most lines an order may have in one push.
	maxLines = 10000
)

// The kinds of problem of pushed lines and credit positions.
const (
	typeInvalidLines  = "urn:orderbot:problem:invalid-lines"
	typeInvalidCredit = "urn:orderbot:problem:invalid-credit"
)

// lineFields are the fields of a pushed line, in the order in which their
// problems are reported.
func lineFields() []string {
	return []string{"line", "item", "description", "quantity", "available", "restock_on", "shipped", "carrier", "tracking"}
}

// creditFields are the fields of a pushed credit position.
func creditFields() []string {
	return []string{"credit_limit", "exposure", "overdue", "overdue_since", "currency", "account_hold"}
}

// LinesResult is the answer to a push of an order's lines.
type LinesResult struct {
	Applied   bool   `json:"applied"`
	Order     string `json:"order"`
	Received  int    `json:"received"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Removed   int    `json:"removed"`
}

// CreditResult is the answer to a push of a customer's credit position.
type CreditResult struct {
	Applied  bool   `json:"applied"`
	Customer string `json:"customer"`
	// Changed tells whether the position differs from the one the customer
	// had.
	Changed bool `json:"changed"`
}

// putLines replaces the lines of the order in the path by the JSON array
// of lines of the body.
func (a *API) putLines(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	if p := pathProblem("number", number, maxNumber, "an order number"); p != nil {
		writeProblem(w, *p)
		return
	}
	body, problem := a.readBody(w, r, "lines")
	if problem != nil {
		writeProblem(w, *problem)
		return
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil || raws == nil {
		writeProblem(w, Problem{Type: typeUnreadableBody, Title: "The body is not JSON lines", Status: http.StatusBadRequest,
			Detail: "The body is not a JSON array of lines: " + bodyError(body, err)})
		return
	}
	o, ok := a.order(w, r, number)
	if !ok {
		return
	}
	rows, errs := readLines(raws, o.Number)
	if len(errs) > 0 {
		writeProblem(w, invalidItems(typeInvalidLines, "Some lines are invalid", len(raws), errs))
		return
	}
	rep, err := a.store.ImportLines(r.Context(), postgres.ImportRequest{Source: "api", SHA256: hashBody(body), Profile: "api",
		AsOf: a.asOf(), MaxProblems: maxErrors}, postgres.LineSource{Next: postgres.Lines(rows).Next})
	if err != nil {
		a.unavailable(w, "lines", err)
		return
	}
	a.opt.Observe("applied", len(rows))
	a.log.Info("lines pushed", "order", o.Number, "received", len(rows), "created", rep.Created, "updated", rep.Updated, "removed", rep.Removed)
	writeJSON(w, http.StatusOK, LinesResult{Applied: true, Order: o.Number, Received: len(rows), Created: rep.Created,
		Updated: rep.Updated, Unchanged: rep.Unchanged, Removed: rep.Removed})
}

// bodyError says why a body is not the JSON it should be.
func bodyError(body []byte, err error) string {
	if err == nil {
		return "it is null."
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("it is %s.", jsonKind(json.RawMessage(strings.TrimSpace(string(body)))))
	}
	return jsonError(body, err)
}

// order finds the order numbered number, or answers 404 (or 503).
func (a *API) order(w http.ResponseWriter, r *http.Request, number string) (orders.Order, bool) {
	o, err := a.store.OrderByNumber(r.Context(), number)
	switch orders.ErrorCode(err) {
	case "":
		return o, true
	case orders.ENotFound, orders.EInvalid, orders.EConflict:
		writeProblem(w, blank(http.StatusNotFound, sentence(orders.ErrorMessage(err))))
	default:
		a.log.Error("order not read", "err", err)
		writeProblem(w, blank(http.StatusServiceUnavailable, "The order data is unavailable right now: try again later."))
	}
	return o, false
}

// unavailable answers 503 for what could not be applied.
func (a *API) unavailable(w http.ResponseWriter, what string, err error) {
	a.log.Error("push failed", "what", what, "err", err)
	a.opt.Observe("failed", 0)
	writeProblem(w, blank(http.StatusServiceUnavailable, fmt.Sprintf("The %s could not be applied, and nothing was changed: try again later.", what)))
}

// invalidItems is the 422 problem of a push whose lines (or position)
// hold errs, each already naming where and what.
func invalidItems(kind, title string, received int, errs []InvalidField) Problem {
	if len(errs) > maxErrors {
		errs = errs[:maxErrors]
	}
	p := Problem{Type: kind, Title: title, Status: http.StatusUnprocessableEntity, Received: &received, Errors: errs,
		Detail: errs[0].Reason}
	if len(errs) > 1 {
		p.Detail = fmt.Sprintf("%d problems, nothing applied; the first: %s", len(errs), errs[0].Reason)
	}
	return p
}

// readLines reads the pushed lines of the order numbered number, with
// every problem of their fields.
func readLines(raws []json.RawMessage, number string) ([]postgres.LineRow, []InvalidField) {
	var errs []InvalidField
	if len(raws) == 0 {
		errs = append(errs, InvalidField{Number: number, Pointer: "", Reason: "The array of lines is empty: send every line of the order."})
	}
	if len(raws) > maxLines {
		errs = append(errs, InvalidField{Number: number, Reason: fmt.Sprintf("%d lines are more than the %d an order may have.", len(raws), maxLines)})
		return nil, errs
	}
	rows := make([]postgres.LineRow, len(raws))
	first := map[int]int{}
	for i, raw := range raws {
		it := &item{index: i}
		it.entry.Number = number
		l := it.orderLine(raw)
		if j, twice := first[l.Number]; twice && !it.failed("line") {
			it.bad(path("line"), "line %d is there twice (first at index %d); send each line once.", l.Number, j)
		} else if !it.failed("line") {
			first[l.Number] = i
		}
		for _, e := range it.invalid() {
			e.Reason = fmt.Sprintf("Line at index %d: %s", i, e.Reason)
			errs = append(errs, e)
		}
		rows[i] = postgres.LineRow{Row: i + 1, Order: number, Line: l}
	}
	return rows, errs
}

// orderLine reads one pushed line.
func (it *item) orderLine(raw json.RawMessage) orders.Line {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		it.bad(nil, "the line is %s, not a JSON object of fields.", jsonKind(raw))
		return orders.Line{}
	}
	unknown(it, fields, nil, lineFields(), "a line")
	var l orders.Line
	n := it.quantity(fields, "line", true)
	if raw, ok := fields["line"]; !ok || string(raw) == "null" {
		it.bad(path("line"), "line is missing: the line's number, from 1.")
	}
	l.Number = int(n)
	l.Item = it.text(fields, path("item"), maxItem)
	l.Description = it.text(fields, path("description"), maxDescription)
	if _, ok := fields["quantity"]; !ok {
		it.bad(path("quantity"), "quantity is missing: the quantity ordered.")
	}
	l.Quantity = it.quantity(fields, "quantity", false)
	l.Available = it.quantity(fields, "available", false)
	l.Shipped = it.quantity(fields, "shipped", false)
	l.RestockOn = it.date(fields, path("restock_on"))
	l.Carrier = it.text(fields, path("carrier"), maxCarrier)
	l.Tracking = it.text(fields, path("tracking"), maxTracking)
	return l
}

// How a quantity and a line number may be written in a string, as the
// API's description says.
var (
	quantityText = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,3})?$`)
	lineText     = regexp.MustCompile(`^[0-9]{1,10}$`)
)

// maxQuantity is the largest quantity the store holds (numeric(15, 3)).
const maxQuantity = 999_999_999_999.999

// quantity reads a quantity (or, whole, a line number from 1): a JSON
// number or a string holding one, not negative, at most 3 decimals.
func (it *item) quantity(fields map[string]json.RawMessage, field string, whole bool) float64 {
	raw, ok := fields[field]
	if !ok || string(raw) == "null" {
		return 0
	}
	want := "want a number from 0, of at most 3 decimals, such as 12.5"
	if whole {
		want = "want a whole number from 1, such as 10"
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		s = strings.TrimSpace(s)
		pattern := quantityText
		if whole {
			pattern = lineText
		}
		if s == "" && !whole {
			return 0
		}
		if !pattern.MatchString(s) {
			it.bad(path(field), "%s %q is not a number (%s).", field, ingest.Clip(s), want)
			return 0
		}
		raw = json.RawMessage(s)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		it.bad(path(field), "%s is %s; %s.", field, jsonKind(raw), want)
		return 0
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	_, frac, _ := strings.Cut(strings.ToLower(n.String()), ".")
	switch {
	case err != nil || math.IsNaN(f) || f < 0 || f > maxQuantity:
		it.bad(path(field), "%s %s is out of range (%s).", field, ingest.Clip(n.String()), want)
	case whole && (f != math.Trunc(f) || f < 1 || f > math.MaxInt32):
		it.bad(path(field), "%s %s is not a line number (%s).", field, ingest.Clip(n.String()), want)
	case !strings.Contains(frac, "e") && len(frac) > 3:
		it.bad(path(field), "%s %s has more than 3 decimals (%s).", field, ingest.Clip(n.String()), want)
	default:
		return f
	}
	return 0
}

// putCredit gives the customer in the path the credit position of the
// body.
func (a *API) putCredit(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if p := pathProblem("code", code, maxCustomerCode, "a customer code"); p != nil {
		writeProblem(w, *p)
		return
	}
	body, problem := a.readBody(w, r, "credit positions")
	if problem != nil {
		writeProblem(w, *problem)
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		writeProblem(w, Problem{Type: typeUnreadableBody, Title: "The body is not a JSON credit position", Status: http.StatusBadRequest,
			Detail: "The body is not a JSON object: " + bodyError(body, err)})
		return
	}
	c, err := a.store.CustomerByCode(r.Context(), code)
	switch orders.ErrorCode(err) {
	case "":
	case orders.ENotFound, orders.EInvalid:
		writeProblem(w, blank(http.StatusNotFound, sentence(orders.ErrorMessage(err))))
		return
	default:
		a.unavailable(w, "credit position", err)
		return
	}
	it := &item{}
	credit := it.credit(fields)
	if errs := it.invalid(); len(errs) > 0 {
		for i := range errs {
			errs[i].Index, errs[i].Pointer = nil, strings.TrimPrefix(errs[i].Pointer, "/0")
		}
		writeProblem(w, invalidItems(typeInvalidCredit, "The credit position is invalid", 1, errs))
		return
	}
	done := false
	rep, err := a.store.ImportCredit(r.Context(), postgres.ImportRequest{Source: "api", SHA256: hashBody(body), Profile: "api",
		AsOf: a.asOf(), MaxProblems: maxErrors}, func() (postgres.CreditRow, error) {
		if done {
			return postgres.CreditRow{}, io.EOF
		}
		done = true
		return postgres.CreditRow{Row: 1, CustomerCode: c.Code, Credit: credit}, nil
	})
	if err != nil {
		a.unavailable(w, "credit position", err)
		return
	}
	a.opt.Observe("applied", 1)
	a.log.Info("credit pushed", "customer", c.Code, "changed", rep.Created+rep.Updated > 0)
	writeJSON(w, http.StatusOK, CreditResult{Applied: true, Customer: c.Code, Changed: rep.Created+rep.Updated > 0})
}

// credit reads a pushed credit position.
func (it *item) credit(fields map[string]json.RawMessage) orders.Credit {
	unknown(it, fields, nil, creditFields(), "a credit position")
	var c orders.Credit
	for _, f := range []string{"credit_limit", "exposure"} {
		if raw, ok := fields[f]; !ok || string(raw) == "null" {
			it.bad(path(f), "%s is missing.", f)
		}
	}
	c.LimitCents = it.amount(fields, "credit_limit", false)
	c.ExposureCents = it.amount(fields, "exposure", true)
	c.OverdueCents = it.amount(fields, "overdue", false)
	c.OverdueSince = it.date(fields, path("overdue_since"))
	c.Currency = "EUR"
	if s := it.text(fields, path("currency"), 64); s != "" {
		if code := strings.ToUpper(s); len(code) == 3 && strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
			c.Currency = code
		} else {
			it.bad(path("currency"), "currency %q is not a currency code (three letters, like EUR).", ingest.Clip(s))
		}
	}
	if raw, ok := fields["account_hold"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &c.AccountHold); err != nil {
			it.bad(path("account_hold"), "account_hold is %s; want true or false.", jsonKind(raw))
		}
	}
	return c
}
