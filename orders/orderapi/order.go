package orderapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// The longest texts accepted, in characters, as orders/orderapi/openapi.yaml says (a
// test holds the two together). Whatever their characters (4 bytes at
// most each), the indexed ones fit in a PostgreSQL btree entry (2,704
// bytes) and in a tsvector; every one fits in a Slack message.
const (
	maxNumber       = 64
	maxCustomerCode = 64
	maxCustomerName = 255
	maxCustomerRef  = 128
	maxEmail        = 254 // RFC 5321's longest address
	maxReason       = 1000
	// maxBlocks is one block of each kind.
	maxBlocks = 5
	// maxErrors bounds the fields a 422 lists; its detail counts them all.
	maxErrors = 100
)

// orderFields are the fields of a pushed order, in the order in which
// their problems are reported.
func orderFields() []string {
	return []string{"number", "customer_code", "customer_name", "customer_ref", "rep", "assistant", "status",
		"block_reason", "blocks", "amount", "currency", "ordered_on", "requested_on", "promised_on", "expected_release"}
}

// blockFields are the fields of one of an order's blocks.
func blockFields() []string { return []string{"kind", "reason", "expected_release"} }

// rawOrder is one order of a request, not yet read.
type rawOrder struct {
	json json.RawMessage
	line int // in an NDJSON request; 0 in a JSON array
}

// decode splits a body into orders: a JSON array, one JSON order, or one
// JSON order a line (NDJSON, blank lines skipped). A body that is none of
// them is a 400 problem.
func decode(body []byte) ([]rawOrder, *Problem) {
	unreadable := func(detail string, errs ...InvalidField) *Problem {
		return &Problem{Type: typeUnreadableBody, Title: "The body is not JSON orders", Status: 400, Detail: detail, Errors: errs}
	}
	if !utf8.Valid(body) {
		at := 0
		for at < len(body) {
			r, size := utf8.DecodeRune(body[at:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			at += size
		}
		return nil, unreadable(fmt.Sprintf("The body is not UTF-8 (byte %d, line %d, is not a character): send JSON in UTF-8.",
			at+1, bytes.Count(body[:at], []byte("\n"))+1))
	}
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return nil, unreadable("The body is empty: send a JSON array of orders, or one JSON order a line (NDJSON).")
	case trimmed[0] == '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, unreadable("The body is not a JSON array of orders: " + jsonError(trimmed, err) + ".")
		}
		out := make([]rawOrder, len(raw))
		for i, r := range raw {
			out[i] = rawOrder{json: r}
		}
		return out, nil
	case json.Valid(trimmed):
		// One order, however it is laid out.
		return []rawOrder{{json: trimmed}}, nil
	}
	var out []rawOrder
	sc := bufio.NewScanner(bytes.NewReader(trimmed))
	sc.Buffer(make([]byte, 64*1024), len(trimmed)+1)
	for line := 1; sc.Scan(); line++ {
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) == 0 {
			continue
		}
		if err := json.Unmarshal(l, new(json.RawMessage)); err != nil {
			reason := fmt.Sprintf("Line %d is not a JSON order: %s.", line, err)
			return nil, unreadable(reason, InvalidField{Line: line, Reason: reason})
		}
		out = append(out, rawOrder{json: append(json.RawMessage(nil), l...), line: line})
	}
	return out, nil
}

// jsonError says where a JSON syntax error is, by line, rather than by
// byte offset.
func jsonError(doc []byte, err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) && syntax.Offset > 0 && int(syntax.Offset) <= len(doc) {
		return fmt.Sprintf("%s (line %d)", syntax.Error(), bytes.Count(doc[:syntax.Offset], []byte("\n"))+1)
	}
	return err.Error()
}

// fieldProblem is one invalid value of a pushed order.
type fieldProblem struct {
	path   []string // from the order: ["blocks", "1", "kind"]
	reason string
}

// item is one pushed order, read and checked field by field so that each
// wrong field is reported by name.
type item struct {
	index, line int
	entry       orders.Entry
	problems    []fieldProblem
}

// bad records that the value at path is wrong; reasons are one sentence.
func (it *item) bad(path []string, format string, args ...any) {
	it.problems = append(it.problems, fieldProblem{path: path, reason: fmt.Sprintf(format, args...)})
}

// invalid returns the item's problems as the 422's entries, in the order
// of the fields.
func (it *item) invalid() []InvalidField {
	rank := func(p fieldProblem) int {
		if len(p.path) == 0 {
			return -1
		}
		if i := slices.Index(orderFields(), p.path[0]); i >= 0 {
			return i
		}
		return len(orderFields())
	}
	slices.SortStableFunc(it.problems, func(a, b fieldProblem) int { return rank(a) - rank(b) })
	out := make([]InvalidField, len(it.problems))
	for i, p := range it.problems {
		index := it.index
		out[i] = InvalidField{Index: &index, Line: it.line, Number: it.entry.Number, Field: fieldName(p.path),
			Pointer: pointerTo(it.index, p.path...), Reason: p.reason}
	}
	return out
}

// fieldName writes a path as a person reads it: blocks[1].kind.
func fieldName(path []string) string {
	var sb strings.Builder
	for i, p := range path {
		switch {
		case p != "" && strings.Trim(p, "0123456789") == "":
			sb.WriteString("[" + p + "]")
		case i > 0:
			sb.WriteString("." + p)
		default:
			sb.WriteString(p)
		}
	}
	// A name an ERP made up may hold anything: messages stay one line.
	return ingest.Clip(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return utf8.RuneError
		}
		return r
	}, sb.String()))
}

// path makes a path from its tokens.
func path(tokens ...string) []string { return tokens }

// readItem reads the order at index (and line, in NDJSON) into an import
// entry, with every problem of its fields.
func readItem(raw rawOrder, index int) *item {
	it := &item{index: index, line: raw.line}
	it.entry.Line = index + 1
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw.json, &fields); err != nil || fields == nil {
		it.bad(nil, "the order is %s, not a JSON object of fields.", jsonKind(raw.json))
		return it
	}
	unknown(it, fields, nil, orderFields(), "an order")

	e := &it.entry
	if raw, ok := fields["number"]; ok && jsonKind(raw) == "a JSON number" {
		it.bad(path("number"), "number is a JSON number; send it as a string, %q, as the ERP writes it.", ingest.Clip(string(raw)))
	} else if e.Number = it.text(fields, path("number"), maxNumber); !it.failed("number") {
		switch {
		case e.Number == "":
			it.bad(path("number"), "number is required: the order number as the ERP writes it.")
		case orders.NumberKey(e.Number) == "":
			it.bad(path("number"), "number %q has no letter or digit.", ingest.Clip(e.Number))
		}
	}
	e.CustomerCode = it.text(fields, path("customer_code"), maxCustomerCode)
	if e.CustomerCode == "" && !it.failed("customer_code") {
		it.bad(path("customer_code"), "customer_code is required: the ERP's customer code.")
	}
	e.CustomerName = it.text(fields, path("customer_name"), maxCustomerName)
	e.CustomerRef = it.text(fields, path("customer_ref"), maxCustomerRef)
	e.Rep = it.email(fields, "rep")
	e.Assistant = it.email(fields, "assistant")
	e.BlockReason = it.text(fields, path("block_reason"), maxReason)

	status, given := it.str(fields, path("status"))
	st, err := orders.ParseStatus(status)
	switch {
	case it.failed("status"):
	case !given:
		it.bad(path("status"), "status is required: one of %s.", list(orders.Statuses()))
	case err != nil:
		it.bad(path("status"), "status %q is not a status (want one of %s).", ingest.Clip(status), list(orders.Statuses()))
	}
	e.Status = st

	e.AmountCents = it.amount(fields, "amount", false)
	e.Currency = "EUR"
	if c, _ := it.str(fields, path("currency")); !it.failed("currency") {
		switch c = strings.TrimSpace(c); {
		case c == "":
		case len(c) != 3 || strings.IndexFunc(c, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') }) >= 0:
			it.bad(path("currency"), "currency %q is not a currency code (want three letters, like EUR).", ingest.Clip(c))
		default:
			e.Currency = strings.ToUpper(c)
		}
	}
	e.OrderedOn = it.date(fields, path("ordered_on"))
	e.RequestedOn = it.date(fields, path("requested_on"))
	e.PromisedOn = it.date(fields, path("promised_on"))
	e.ExpectedRelease = it.date(fields, path("expected_release"))
	e.Blocks = it.blocks(fields)

	switch {
	case len(e.Blocks) == 0 && st.Blocked():
		e.Blocks = []orders.Block{{Kind: st, Reason: e.BlockReason, ExpectedRelease: e.ExpectedRelease}}
	case len(e.Blocks) > 0 && st.Valid() && !st.Closed() && !slices.ContainsFunc(e.Blocks, func(b orders.Block) bool { return b.Kind == st }):
		kinds := make([]orders.Status, len(e.Blocks))
		for i, b := range e.Blocks {
			kinds[i] = b.Kind
		}
		it.bad(path("status"), "status %s is none of the blocks' kinds (%s): an open order's status is its most urgent block.", st, list(kinds))
	}
	if len(it.problems) == 0 {
		// The domain's own check, after the field by field ones.
		o := orders.Order{Number: e.Number, Status: e.Status, Customer: orders.Customer{Code: e.CustomerCode},
			Currency: e.Currency, Blocks: e.Blocks}
		if err := o.Validate(); err != nil {
			it.bad(nil, "%s.", strings.TrimSuffix(orders.ErrorMessage(err), "."))
		}
	}
	return it
}

// failed reports whether field already has a problem.
func (it *item) failed(field string) bool {
	return slices.ContainsFunc(it.problems, func(p fieldProblem) bool { return len(p.path) > 0 && p.path[0] == field })
}

// unknown reports the fields of an object (an order, or a block at at)
// that are none of known.
func unknown(it *item, fields map[string]json.RawMessage, at []string, known []string, what string) {
	names := make([]string, 0, len(fields))
	for name := range fields {
		if !slices.Contains(known, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		it.bad(append(slices.Clone(at), name), "%s is not a field of %s (want %s).", fieldName(append(slices.Clone(at), name)), what, strings.Join(known, ", "))
	}
}

// str reads the string at path (its last token, in fields): absent and
// null are "", any other JSON type a problem.
func (it *item) str(fields map[string]json.RawMessage, at []string) (string, bool) {
	raw, ok := fields[at[len(at)-1]]
	if !ok || string(raw) == "null" {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		it.bad(at, "%s is %s; want a string.", fieldName(at), jsonKind(raw))
		return "", false
	}
	return s, true
}

// text reads a free text of at most max characters, cleaned as a file
// import cleans a cell: control characters become spaces and surrounding
// spaces go. A NUL cannot be stored, and is refused.
func (it *item) text(fields map[string]json.RawMessage, at []string, max int) string {
	s, ok := it.str(fields, at)
	if !ok {
		return ""
	}
	if err := ingest.CheckNUL(s); err != nil {
		it.bad(at, "%s %v.", fieldName(at), err)
		return ""
	}
	if n := utf8.RuneCountInString(s); n > max {
		it.bad(at, "%s is %d characters long, more than the %d accepted.", fieldName(at), n, max)
		return ""
	}
	return ingest.Clean(s)
}

// email reads a person's e-mail address, the way the directory names
// them: a bare address, whatever its case (kept in lower case, as file
// imports do).
func (it *item) email(fields map[string]json.RawMessage, field string) string {
	at := path(field)
	s := it.text(fields, at, maxEmail)
	if s == "" || it.failed(field) {
		return ""
	}
	if !isEmail(s) {
		it.bad(at, "%s %q is not an e-mail address (want one such as claire.martin@example.fr, as in the directory).", field, ingest.Clip(s))
		return ""
	}
	return strings.ToLower(s)
}

// isEmail reports whether s is a bare e-mail address: one @, something on
// each side, no space, quote, bracket or separator (as the API's
// description says), and an address to net/mail.
func isEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(s[len(local)+1:], "@") ||
		strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("\"<>()[],;:\\", r) }) {
		return false
	}
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Name == "" && addr.Address == s
}

// date reads a day, YYYY-MM-DD, of a year from 0001 to 9999; absent, null
// and "" are no date.
func (it *item) date(fields map[string]json.RawMessage, at []string) *time.Time {
	s, _ := it.str(fields, at)
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, s)
	switch {
	case err != nil:
		it.bad(at, "%s %q is not a date (want YYYY-MM-DD, such as 2026-12-02).", fieldName(at), ingest.Clip(s))
		return nil
	case d.Year() < 1:
		// Go reads the year 0; PostgreSQL's calendar has none.
		it.bad(at, "%s %q is in the year 0, which no calendar has (want a year from 0001 to 9999).", fieldName(at), ingest.Clip(s))
		return nil
	}
	return &d
}

// amount reads the amount field into cents, exactly: a JSON number or a
// string with a decimal point, at most 13 digits and 2 decimals (the
// database's numeric(15, 2)), not negative unless negative.
func (it *item) amount(fields map[string]json.RawMessage, field string, negative bool) int64 {
	raw, ok := fields[field]
	if !ok || string(raw) == "null" {
		return 0
	}
	want := "want a number of at most 13 digits and 2 decimals, not negative, such as 18250.50"
	if negative {
		want = "want a number of at most 13 digits and 2 decimals, such as 18250.50 or -120"
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		s = strings.TrimSpace(s)
		if s == "" {
			return 0
		}
		if !isDecimal(strings.TrimPrefix(s, "-")) || (!negative && strings.HasPrefix(s, "-")) {
			it.bad(path(field), "%s %q is not an amount (%s).", field, ingest.Clip(s), want)
			return 0
		}
		raw = json.RawMessage(s)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		it.bad(path(field), "%s is %s; %s.", field, jsonKind(raw), want)
		return 0
	}
	// An exponent such as 1e400000000 would take big.Rat a long time to
	// expand: no amount needs more than a few digits of it.
	if _, exp, ok := strings.Cut(strings.ToLower(n.String()), "e"); ok {
		if e, err := strconv.Atoi(exp); err != nil || e < -20 || e > 20 {
			it.bad(path(field), "%s %s is not an amount (%s).", field, ingest.Clip(n.String()), want)
			return 0
		}
	}
	r, ok := new(big.Rat).SetString(n.String())
	if !ok {
		it.bad(path(field), "%s %s is not an amount (%s).", field, ingest.Clip(n.String()), want)
		return 0
	}
	cents := new(big.Rat).Mul(r, big.NewRat(100, 1))
	switch {
	case r.Sign() < 0 && !negative:
		it.bad(path(field), "%s %s is negative (%s).", field, ingest.Clip(n.String()), want)
	case !cents.IsInt():
		it.bad(path(field), "%s %s has more than 2 decimals (%s).", field, ingest.Clip(n.String()), want)
	case new(big.Int).Abs(cents.Num()).Cmp(big.NewInt(1e15)) >= 0:
		it.bad(path(field), "%s %s is too large (%s).", field, ingest.Clip(n.String()), want)
	default:
		return cents.Num().Int64()
	}
	return 0
}

// isDecimal reports whether s is 1 to 13 digits, then maybe a point and 1
// or 2 digits.
func isDecimal(s string) bool {
	whole, frac, point := strings.Cut(s, ".")
	digits := func(d string, most int) bool {
		return len(d) >= 1 && len(d) <= most && strings.Trim(d, "0123456789") == ""
	}
	return digits(whole, 13) && (!point || digits(frac, 2))
}

// blocks reads the order's blocks: each kind once.
func (it *item) blocks(fields map[string]json.RawMessage) []orders.Block {
	raw, ok := fields["blocks"]
	if !ok || string(raw) == "null" {
		return nil
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		it.bad(path("blocks"), "blocks is %s; want a list of {kind, reason, expected_release}.", jsonKind(raw))
		return nil
	}
	if len(entries) > maxBlocks {
		it.bad(path("blocks"), "blocks has %d entries; an order has at most %d, one of each kind.", len(entries), maxBlocks)
		return nil
	}
	var out []orders.Block
	for j, r := range entries {
		at := path("blocks", strconv.Itoa(j))
		var bf map[string]json.RawMessage
		if err := json.Unmarshal(r, &bf); err != nil || bf == nil {
			it.bad(at, "%s is %s; want {kind, reason, expected_release}.", fieldName(at), jsonKind(r))
			continue
		}
		unknown(it, bf, at, blockFields(), "a block")
		kindAt := append(slices.Clone(at), "kind")
		kind, given := it.str(bf, kindAt)
		b := orders.Block{Kind: orders.Status(kind), Reason: it.text(bf, append(slices.Clone(at), "reason"), maxReason),
			ExpectedRelease: it.date(bf, append(slices.Clone(at), "expected_release"))}
		switch {
		case !given:
			it.bad(kindAt, "%s is required: one of %s.", fieldName(kindAt), list(orders.BlockedStatuses()))
			continue
		case !b.Kind.Blocked():
			it.bad(kindAt, "%s %q is not a kind of block (want one of %s).", fieldName(kindAt), ingest.Clip(kind), list(orders.BlockedStatuses()))
			continue
		}
		if first := slices.IndexFunc(out, func(o orders.Block) bool { return o.Kind == b.Kind }); first >= 0 {
			it.bad(kindAt, "%s %s is there twice (first in blocks[%d]); each kind once.", fieldName(kindAt), b.Kind, first)
			continue
		}
		out = append(out, b)
	}
	return out
}

// jsonKind names the JSON type of raw for a message: "a number".
func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '"':
		return "a string"
	case '{':
		return "a JSON object"
	case '[':
		return "a list"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a JSON number"
}

// list writes statuses as "open, picking, ...".
func list(ss []orders.Status) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}
