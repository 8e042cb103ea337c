package orderapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders/ingest"
)

// The kinds of problem the API reports (the type member of a problem
// document), beside about:blank, whose status says it all (401, 404, 503).
const (
	typeInvalidOrders  = "urn:orderbot:problem:invalid-orders"
	typeUnreadableBody = "urn:orderbot:problem:unreadable-body"
	typeInvalidNumber  = "urn:orderbot:problem:invalid-number"
	typeBodyTooLarge   = "urn:orderbot:problem:body-too-large"
	typeBlank          = "about:blank"
)

// Problem is an error response: a problem document (RFC 9457), served as
// application/problem+json.
type Problem struct {
	// Type identifies the kind of problem: one of the urn:orderbot:problem:
	// URNs, or about:blank when the status says it all.
	Type string `json:"type"`
	// Title summarises the kind of problem; for about:blank, the status's
	// phrase.
	Title string `json:"title"`
	// Status is the response's HTTP status.
	Status int `json:"status"`
	// Detail is one sentence saying what is wrong with this request.
	Detail string `json:"detail"`
	// Received is how many orders the request held, for invalid orders.
	Received *int `json:"received,omitempty"`
	// Errors names each invalid field.
	Errors []InvalidField `json:"errors,omitempty"`
}

// InvalidField is one invalid field: of one pushed order, or the order
// number of a GET.
type InvalidField struct {
	// Index is the 0-based position of the order in the request.
	Index *int `json:"index,omitempty"`
	// Line is the order's line in an NDJSON request.
	Line int `json:"line,omitempty"`
	// Number is the order's number, when it has one.
	Number string `json:"number,omitempty"`
	// Field names the field as a person reads it: customer_name,
	// blocks[1].kind.
	Field string `json:"field,omitempty"`
	// Pointer is the JSON Pointer (RFC 6901) to the value in the request.
	Pointer string `json:"pointer,omitempty"`
	// Reason is one sentence saying what is wrong.
	Reason string `json:"reason"`
}

// blank is an about:blank problem: its title is the status's phrase.
func blank(status int, detail string) Problem {
	return Problem{Type: typeBlank, Title: http.StatusText(status), Status: status, Detail: detail}
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}

// invalidOrders is the 422 problem of a push whose orders hold errs.
func invalidOrders(received int, errs []InvalidField) Problem {
	p := Problem{Type: typeInvalidOrders, Title: "Some orders are invalid", Status: http.StatusUnprocessableEntity,
		Received: &received, Errors: errs}
	orders := map[int]bool{}
	for _, e := range errs {
		if e.Index != nil {
			orders[*e.Index] = true
		}
	}
	switch {
	case len(errs) == 0:
		p.Detail = "The orders are invalid; nothing was applied."
	case len(errs) == 1:
		p.Detail = where(errs[0]) + errs[0].Reason
	default:
		p.Detail = fmt.Sprintf("%d problems in %d of the %d orders, nothing applied; the first: %s%s",
			len(errs), len(orders), received, where(errs[0]), errs[0].Reason)
	}
	return p
}

// where names the order of e for a sentence: "Order 4500012345 (index 1): ".
func where(e InvalidField) string {
	var at []string
	if e.Index != nil {
		at = append(at, fmt.Sprintf("index %d", *e.Index))
	}
	if e.Line > 0 {
		at = append(at, fmt.Sprintf("line %d", e.Line))
	}
	name := "Order"
	if e.Number != "" {
		name += " " + ingest.Clip(e.Number)
	}
	if len(at) > 0 {
		name += " (" + strings.Join(at, ", ") + ")"
	}
	return name + ": "
}

// pointerTo is the JSON Pointer of a value inside the order at index:
// each of path's tokens escaped as RFC 6901 says.
func pointerTo(index int, path ...string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "/%d", index)
	for _, p := range path {
		sb.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return sb.String()
}

// sentence makes a message a sentence: a capital letter, a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + strings.TrimSuffix(s[size:], ".") + "."
}
