package ingest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orderbot/orderbot/orders"
)

// field is an order field a column (or a constant) may feed.
type field int

// The fields, in the order a row's problems are looked for.
const (
	fNumber field = iota
	fCustomerCode
	fCustomerName
	fCustomerRef
	fRep
	fAssistant
	fStatus
	fBlockReason
	fAmount
	fCurrency
	fOrderedOn
	fRequestedOn
	fPromisedOn
	fExpectedRelease
	numFields
)

// String returns the field's name in the configuration.
func (f field) String() string {
	switch f {
	case fNumber:
		return "number"
	case fCustomerCode:
		return "customer_code"
	case fCustomerName:
		return "customer_name"
	case fCustomerRef:
		return "customer_ref"
	case fRep:
		return "rep"
	case fAssistant:
		return "assistant"
	case fStatus:
		return "status"
	case fBlockReason:
		return "block_reason"
	case fAmount:
		return "amount"
	case fCurrency:
		return "currency"
	case fOrderedOn:
		return "ordered_on"
	case fRequestedOn:
		return "requested_on"
	case fPromisedOn:
		return "promised_on"
	case fExpectedRelease:
		return "expected_release"
	}
	return fmt.Sprintf("field(%d)", int(f))
}

// isDate reports whether the field holds a date.
func (f field) isDate() bool {
	return f == fOrderedOn || f == fRequestedOn || f == fPromisedOn || f == fExpectedRelease
}

// Fields returns the names of the order fields that columns and constants
// may feed, as the configuration spells them.
func Fields() []string {
	out := make([]string, numFields)
	for f := range numFields {
		out[f] = f.String()
	}
	return out
}

// fieldByName returns the field a configuration key names.
func fieldByName(name string) (field, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for f := range numFields {
		if f.String() == name {
			return f, true
		}
	}
	return 0, false
}

// Problem is one thing wrong with a profile: Key is where, in configuration
// terms relative to the profile (columns.amount, statuses["Bloquée crédit"],
// blocks[1].values["Z1"], with 0-based indexes and Go-quoted map keys), and
// Message what.
type Problem struct {
	Key     string
	Message string
}

// Error returns "key: message".
func (p Problem) Error() string { return p.Key + ": " + p.Message }

// ProfileError lists everything wrong with a profile. Its message is one
// line, "key: message; key: message"; a caller that knows the profile's own
// key (import.profiles.<name>) prefixes each problem's key with it, the
// problems coming one by one from Unwrap as errors.Join's do.
type ProfileError struct {
	Problems []Problem
}

// Error returns every problem on one line.
func (e *ProfileError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns each problem as an error.
func (e *ProfileError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// The kinds of export a profile reads (Profile.Kind).
const (
	KindOrders = "orders"
	KindLines  = "lines"
	KindCredit = "credit"
)

// KindOf returns the kind of export p reads, as its Kind names it: orders
// when it names none.
func (p Profile) KindOf() string {
	if k := strings.ToLower(strings.TrimSpace(p.Kind)); k != "" {
		return k
	}
	return KindOrders
}

// LineLevel reports whether p, an orders profile, reads one row per order
// line: it maps line columns besides the order's.
func (p Profile) LineLevel() bool {
	if p.KindOf() != KindOrders {
		return false
	}
	for k := range p.Columns {
		if _, ok := fieldByName(k); !ok && kindFieldIndex(lineFields, k) > 0 {
			return true
		}
	}
	return false
}

// Validate checks everything a configuration author can get wrong in a
// profile, whatever its kind, and returns a *ProfileError naming each
// problem by its key, or nil. Open, NewReader, OpenLines and OpenCredit
// validate their profile too.
func (p Profile) Validate() error {
	if _, ps := p.compileAs(p.KindOf()); len(ps) > 0 {
		return &ProfileError{Problems: ps}
	}
	return nil
}

// compiled is a validated profile in the form reading needs: normalised
// options and folded lookup tables.
type compiled struct {
	format     string // "", "csv" or "xlsx"
	sheet      string
	sep        rune   // 0: detect
	encoding   string // "", "utf-8", "windows-1252" or "utf-16"
	decimal    byte   // 0: guess per value
	dateFormat string
	peopleBy   orders.PeopleKey
	columns    [numFields]string // header text; "" when no column feeds the field
	constants  [numFields]string
	// statuses maps folded words (the profile's, then orderbot's own codes
	// and labels) to statuses.
	statuses      map[string]orders.Status
	defaultStatus orders.Status
	blocks        []compiledBlock
	priority      orders.Priority
	kind          string
	// extraConst are the constants of the extra fields, as extra.
	extraConst []string
	// holds maps the folded words of the account_hold column to whether
	// they mean the account is on hold.
	holds map[string]bool
	// extra are the header texts of the columns beyond the order fields
	// (a line's or a credit position's), "" for one the profile leaves
	// out; the Reader finds each in the header.
	extra []string
}

// compiledBlock is a validated BlockColumn.
type compiledBlock struct {
	key          string // "blocks[0]", for messages
	column       string
	reasonColumn string
	// values maps folded words to a blocked status, or to "" for no block.
	values map[string]orders.Status
	// def is the kind of an unmapped value; defNone ignores such values;
	// neither makes them an error.
	def     orders.Status
	defNone bool
}

// statusList is the hint that follows a wrong status in messages.
func statusList(blockedOnly bool) string {
	var names []string
	for _, s := range orders.Statuses() {
		if !blockedOnly || s.Blocked() {
			names = append(names, string(s))
		}
	}
	if blockedOnly {
		return strings.Join(names, ", ") + " or none"
	}
	return strings.Join(names, ", ")
}

// sortedKeys returns m's keys in order, so that problems come in a stable
// order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// builtinStatuses maps the folded codes and labels of statuses (all, or
// only blocked ones) to them: a profile need not map what orderbot already
// understands.
func builtinStatuses(blockedOnly bool) map[string]orders.Status {
	m := map[string]orders.Status{}
	for _, s := range orders.Statuses() {
		if blockedOnly && !s.Blocked() {
			continue
		}
		m[fold(string(s))] = s
		m[fold(s.Label(orders.French))] = s
		m[fold(s.Label(orders.English))] = s
	}
	return m
}

// compile validates p, an orders profile, and, when it is valid, returns
// it ready for reading orders. A profile of another kind is refused, naming
// the command that reads it.
func (p Profile) compile() (*compiled, []Problem) {
	if k := p.KindOf(); k == KindLines || k == KindCredit {
		return nil, []Problem{{Key: "kind", Message: fmt.Sprintf("a %s profile reads no orders: import its file with orderbot import %s", k, k)}}
	}
	return p.compileAs(KindOrders)
}

// compileAs validates p as a profile of kind and, when it is valid,
// returns it ready for reading.
func (p Profile) compileAs(kind string) (*compiled, []Problem) {
	var ps []Problem
	add := func(key, format string, args ...any) {
		ps = append(ps, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	c := &compiled{sheet: strings.TrimSpace(p.Sheet), kind: kind}
	p.compileFile(c, add)
	switch kind {
	case KindOrders:
		p.compileFields(c, add)
		p.compilePeopleBy(c, add)
		p.compileStatuses(c, add)
		p.compileBlocks(c, add)
		p.compilePriority(c, add)
		c.checkConstants(add)
		if len(p.HoldValues) > 0 {
			add("hold_values", "only a credit profile has an account_hold column")
		}
	case KindLines:
		p.compileKind(c, lineFields, add)
		c.checkKindConstants(lineFields, add)
	case KindCredit:
		p.compileKind(c, creditFields, add)
		p.compileHolds(c, add)
	default:
		add("kind", "%q is not a kind of export (orders, lines or credit)", p.Kind)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return c, nil
}

// addProblem records a problem of the profile at key.
type addProblem func(key, format string, args ...any)

// compileFile reads how the file is written: its format, separator,
// encoding, decimal separator and date format.
func (p Profile) compileFile(c *compiled, add addProblem) {
	switch f := strings.ToLower(strings.TrimSpace(p.Format)); f {
	case "", "csv", "xlsx":
		c.format = f
	default:
		add("format", "%q is not a file format (csv or xlsx, or leave it out to go by the file)", p.Format)
	}
	switch p.Separator {
	case "":
	case ",", ";", "|":
		c.sep = rune(p.Separator[0])
	case "\t", "tab", `\t`:
		c.sep = '\t'
	default:
		add("separator", "%q is not a separator (\",\", \";\", \"\\t\" or \"|\", or leave it out to detect it)", p.Separator)
	}
	switch e := strings.ToLower(strings.TrimSpace(p.Encoding)); e {
	case "":
	case "utf-8", "utf8":
		c.encoding = "utf-8"
	case "windows-1252", "cp1252", "latin1", "latin-1", "iso-8859-1", "ansi":
		c.encoding = "windows-1252"
	case "utf-16", "utf16":
		c.encoding = "utf-16"
	default:
		add("encoding", "%q is not a supported encoding (utf-8, windows-1252 or utf-16, or leave it out to detect it)", p.Encoding)
	}
	switch d := strings.TrimSpace(p.Decimal); d {
	case "":
	case ",", ".":
		c.decimal = d[0]
	default:
		add("decimal", "%q is not a decimal separator (\",\" or \".\")", p.Decimal)
	}
	c.dateFormat = strings.ToLower(strings.TrimSpace(p.DateFormat))
	if c.dateFormat != "" && !slices.Contains(DateFormats(), c.dateFormat) {
		add("date_format", "%q is not a date format (%s, or leave it out to accept the first three)", p.DateFormat, strings.Join(DateFormats(), ", "))
	}
}

// compileFields reads which column, or which constant, feeds each order
// field, and checks the required ones are fed.
func (p Profile) compileFields(c *compiled, add addProblem) {
	for _, k := range sortedKeys(p.Columns) {
		key := subKey("columns", k)
		f, ok := fieldByName(k)
		if i := kindFieldIndex(lineFields, k); !ok && i > 0 {
			c.mapLineColumn(i, key, p.Columns[k], add)
			continue
		}
		switch {
		case !ok:
			add(key, "not an order field (%s), nor a line's (%s)", strings.Join(Fields(), ", "), strings.Join(kindFieldNames(lineFields[1:]), ", "))
		case c.columns[f] != "":
			add(key, "the field is mapped twice")
		case strings.TrimSpace(p.Columns[k]) == "":
			add(key, "the header text is empty")
		default:
			c.columns[f] = strings.TrimSpace(p.Columns[k])
		}
	}
	for _, k := range sortedKeys(p.Constants) {
		key := subKey("constants", k)
		f, ok := fieldByName(k)
		switch {
		case !ok:
			add(key, "not an order field (%s)", strings.Join(Fields(), ", "))
		case f == fNumber:
			add(key, "the order number cannot be a constant")
		case c.constants[f] != "":
			add(key, "the field is given twice")
		case strings.TrimSpace(p.Constants[k]) == "":
			add(key, "the value is empty")
		default:
			c.constants[f] = strings.TrimSpace(p.Constants[k])
		}
	}
	if c.columns[fNumber] == "" {
		add("columns.number", "required: the header of the column holding the order number")
	}
	c.checkLineColumns(add)
	if c.columns[fCustomerCode] == "" && c.constants[fCustomerCode] == "" {
		add("columns.customer_code", "required: the header of the column holding the customer code")
	}
	if c.columns[fStatus] == "" && c.constants[fStatus] == "" && strings.TrimSpace(p.DefaultStatus) == "" {
		add("columns.status", "required unless default_status is set")
	}
}

// compilePeopleBy reads how the rep and assistant columns name people.
func (p Profile) compilePeopleBy(c *compiled, add addProblem) {
	switch k := orders.PeopleKey(strings.ToLower(strings.TrimSpace(string(p.PeopleBy)))); k {
	case orders.ByEmail, orders.ByCode, orders.ByName:
		c.peopleBy = k
	case "":
		if c.columns[fRep] != "" || c.columns[fAssistant] != "" || c.constants[fRep] != "" || c.constants[fAssistant] != "" {
			add("people_by", "required when a rep or assistant column is mapped: email, code or name")
		}
	default:
		add("people_by", "%q is not a way to name people (email, code or name)", p.PeopleBy)
	}
}

// compileStatuses reads the status column's words and the default status.
func (p Profile) compileStatuses(c *compiled, add addProblem) {
	c.statuses = builtinStatuses(false)
	user := map[string]string{} // folded word -> the profile's spelling
	for _, k := range sortedKeys(p.Statuses) {
		key := fmt.Sprintf("statuses[%q]", k)
		s, err := orders.ParseStatus(strings.ToLower(strings.TrimSpace(p.Statuses[k])))
		w := fold(k)
		switch {
		case w == "":
			add(key, "the ERP's word is empty")
		case err != nil:
			add(key, "%q is not an order status (%s)", p.Statuses[k], statusList(false))
		case user[w] != "" && c.statuses[w] != s:
			add(key, "the same word as %q, with another status", user[w])
		default:
			user[w] = k
			c.statuses[w] = s
		}
	}
	if d := strings.TrimSpace(p.DefaultStatus); d != "" {
		s, err := orders.ParseStatus(strings.ToLower(d))
		if err != nil {
			add("default_status", "%q is not an order status (%s)", p.DefaultStatus, statusList(false))
		}
		c.defaultStatus = s
	}
}

// compileBlocks reads the further columns that may hold a block, with
// their words.
func (p Profile) compileBlocks(c *compiled, add addProblem) {
	for i, b := range p.Blocks {
		cb := compiledBlock{
			key:          fmt.Sprintf("blocks[%d]", i),
			column:       strings.TrimSpace(b.Column),
			reasonColumn: strings.TrimSpace(b.ReasonColumn),
			values:       builtinStatuses(true),
		}
		if cb.column == "" {
			add(cb.key+".column", "required: the header of the column holding the block")
		}
		user := map[string]string{}
		for _, k := range sortedKeys(b.Values) {
			key := fmt.Sprintf("%s.values[%q]", cb.key, k)
			s, ok := parseBlockKind(b.Values[k])
			w := fold(k)
			switch {
			case w == "":
				add(key, "the ERP's word is empty")
			case !ok:
				add(key, "%q is not a blocked status (%s)", b.Values[k], statusList(true))
			case user[w] != "" && cb.values[w] != s:
				add(key, "the same word as %q, with another block", user[w])
			default:
				user[w] = k
				cb.values[w] = s
			}
		}
		switch d := strings.TrimSpace(b.Default); {
		case d == "":
		case strings.EqualFold(d, "none"):
			cb.defNone = true
		default:
			s, ok := parseBlockKind(d)
			if !ok {
				add(cb.key+".default", "%q is not a blocked status (%s)", b.Default, statusList(true))
			}
			cb.def = s
		}
		c.blocks = append(c.blocks, cb)
	}
}

// compilePriority reads which block an order held for several takes.
func (p Profile) compilePriority(c *compiled, add addProblem) {
	seen := map[orders.Status]bool{}
	for _, w := range p.Priority {
		s, err := orders.ParseStatus(strings.ToLower(strings.TrimSpace(w)))
		switch {
		case err != nil || !s.Blocked():
			add("priority", "%q is not a blocked status (%s)", w, strings.TrimSuffix(statusList(true), " or none"))
		case seen[s]:
			add("priority", "%q appears twice", w)
		default:
			seen[s] = true
			c.priority = append(c.priority, s)
		}
	}
	// Complete it as orders.Priority ranks statuses it does not name (after
	// the named ones, in the default order), once rather than per row.
	for _, s := range orders.DefaultPriority() {
		if !seen[s] {
			c.priority = append(c.priority, s)
		}
	}
}

// checkConstants checks that the constants read as cells would: a constant
// is refused when the profile is, not on every row.
func (c *compiled) checkConstants(add addProblem) {
	if v := c.constants[fAmount]; v != "" {
		if _, err := ParseAmount(v, c.decimal); err != nil {
			add("constants.amount", "%s", orders.ErrorMessage(err))
		}
	}
	for f := range numFields {
		if v := c.constants[f]; v != "" && f.isDate() {
			if _, err := ParseDate(v, c.dateFormat); err != nil {
				add("constants."+f.String(), "%s", orders.ErrorMessage(err))
			}
		}
	}
	if v := c.constants[fCurrency]; v != "" {
		if _, ok := currencyCode(v); !ok {
			add("constants.currency", "%q is not a currency code (three letters, like EUR)", v)
		}
	}
	if v := c.constants[fStatus]; v != "" {
		if _, ok := c.statuses[fold(v)]; !ok {
			add("constants.status", "%q is not an order status nor a word of statuses", v)
		}
	}
}

// subKey returns the key of k inside the map at prefix: prefix.k for a
// plain lower-case name, prefix["k"] for anything else.
func subKey(prefix, k string) string {
	plain := k != ""
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			plain = false
		}
	}
	if plain {
		return prefix + "." + k
	}
	return fmt.Sprintf("%s[%q]", prefix, k)
}

// parseBlockKind reads a block value of the configuration: a blocked
// status, or "none" (returned as "") for no block.
func parseBlockKind(v string) (orders.Status, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "none" {
		return "", true
	}
	s, err := orders.ParseStatus(v)
	return s, err == nil && s.Blocked()
}

// currencyCode returns the ISO code of a currency as exports write it:
// upper-cased, and the common symbols replaced by their codes.
func currencyCode(v string) (string, bool) {
	v = strings.ToUpper(strings.TrimSpace(v))
	switch v {
	case "€":
		v = "EUR"
	case "$", "US$":
		v = "USD"
	case "£":
		v = "GBP"
	}
	if len(v) != 3 {
		return v, false
	}
	for i := 0; i < 3; i++ {
		if v[i] < 'A' || v[i] > 'Z' {
			return v, false
		}
	}
	return v, true
}
