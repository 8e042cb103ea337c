package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// The fields of a lines export, in the order a row's problems are looked
// for; the first one names the row's order.
var lineFields = []kindField{
	{name: "number", column: true, value: true, kind: vNumber, what: "the order number"},
	{name: "line", column: true, value: true, kind: vLineNo, what: "the line number"},
	{name: "item", column: true, kind: vKey, what: "the item code"},
	{name: "description", column: true, kind: vText, what: "the item's description"},
	{name: "quantity", column: true, value: true, kind: vQuantity, what: "the quantity ordered"},
	{name: "available", column: true, kind: vQuantity, what: "the quantity available"},
	{name: "restock_on", column: true, kind: vDate, what: "the restock date"},
	{name: "shipped", kind: vQuantity, what: "the quantity shipped"},
	{name: "carrier", kind: vText, what: "the carrier"},
	{name: "tracking", kind: vText, what: "the tracking number"},
}

// Indexes of lineFields.
const (
	lNumber = iota
	lLine
	lItem
	lDescription
	lQuantity
	lAvailable
	lRestockOn
	lShipped
	lCarrier
	lTracking
)

// LineFields returns the fields a lines profile maps, as the configuration
// spells them: number, line, item, description, quantity, available and
// restock_on are required, shipped, carrier and tracking optional.
func LineFields() []string { return kindFieldNames(lineFields) }

// LineEntry is one order line as a line export states it.
type LineEntry struct {
	// Row is where the line was read (file line, or sheet row).
	Row int
	// Order is the number of the line's order, as the export writes it.
	Order string
	Line  orders.Line
}

// LineReader reads a lines export row by row, as Reader reads orders: in
// bounded memory, within its Limits, a bad row being a *RowError after
// which reading goes on.
type LineReader struct {
	kindReader
	vals []kindValue // the row's values, reused from row to row
}

// OpenLines opens the lines export at path, read through p (a profile of
// kind lines), and reads its header, as OpenContext opens an orders export.
func OpenLines(ctx context.Context, path string, p Profile, lim Limits) (*LineReader, error) {
	r, err := openKind(ctx, path, p, KindLines, lim)
	if err != nil {
		return nil, err
	}
	return &LineReader{kindReader: kindReader{r: r, fields: lineFields}}, nil
}

// Next returns the next row's line; io.EOF at the end. Errors are as
// Reader.Next's.
func (l *LineReader) Next() (LineEntry, error) {
	cells, line, err := l.r.nextRow()
	if err != nil {
		return LineEntry{}, err
	}
	w := entryRow{r: l.r, cells: cells}
	w.findNUL()
	l.vals = w.kindValuesInto(l.vals, lineFields)
	vals := l.vals
	if err := w.ps.err(l.r.name, line); err != nil {
		return LineEntry{}, err
	}
	return LineEntry{Row: line, Order: vals[lNumber].text, Line: lineOf(vals)}, nil
}

// NextWithLine returns the next row of a line-level orders export (see
// Profile.LineLevel): its order, and the line the row also holds. A row's
// problems, the order's and the line's, make one *RowError.
func (r *Reader) NextWithLine() (orders.Entry, orders.Line, error) {
	cells, line, err := r.nextRow()
	if err != nil {
		return orders.Entry{}, orders.Line{}, err
	}
	return r.entryWithLine(cells, line)
}

// entryWithLine maps a row of a line-level orders export to its order and
// its line, their problems making one *RowError.
func (r *Reader) entryWithLine(cells []string, line int) (orders.Entry, orders.Line, error) {
	e, err := r.entry(cells, line)
	w := entryRow{r: r, cells: cells}
	w.findNUL()
	nul := len(w.ps.shown)
	vals := w.kindValues(lineFields)
	if err == nil {
		return e, lineOf(vals), w.ps.err(r.name, line)
	}
	bad, ok := err.(*RowError)
	if !ok {
		return e, orders.Line{}, err
	}
	// The order's problems first (with the NUL bytes), then the line's.
	var all rowProblems
	for _, p := range append([]CellProblem{{Column: bad.Column, Value: bad.Value, Problem: bad.Problem}}, bad.More...) {
		all.add(p.Column, p.Value, "%s", p.Problem)
	}
	all.hidden += bad.Hidden
	for _, p := range w.ps.shown[nul:] {
		all.add(p.Column, p.Value, "%s", p.Problem)
	}
	all.hidden += w.ps.hidden
	return e, orders.Line{}, all.err(r.name, line)
}

// lineOf makes the line of a row's values.
func lineOf(vals []kindValue) orders.Line {
	l := orders.Line{Number: int(vals[lLine].num / 100), Item: vals[lItem].text, Description: vals[lDescription].text,
		Quantity: quantity(vals[lQuantity].num), Available: quantity(vals[lAvailable].num),
		RestockOn: vals[lRestockOn].date, Shipped: quantity(vals[lShipped].num),
		Carrier: vals[lCarrier].text, Tracking: vals[lTracking].text}
	return l
}

// quantity turns hundredths into a quantity.
func quantity(hundredths int64) float64 { return float64(hundredths) / 100 }

// mapLineColumn maps the line field at i of an orders profile whose rows
// are lines to its header text.
func (c *compiled) mapLineColumn(i int, key, header string, add addProblem) {
	if c.extra == nil {
		c.extra = make([]string, len(lineFields))
		c.extraConst = make([]string, len(lineFields))
	}
	switch h := strings.TrimSpace(header); {
	case h == "":
		add(key, "the header text is empty")
	case c.extra[i] != "":
		add(key, "the field is mapped twice")
	default:
		c.extra[i] = h
	}
}

// checkLineColumns checks that an orders profile mapping line columns maps
// every line column a lines profile requires.
func (c *compiled) checkLineColumns(add addProblem) {
	if c.extra == nil {
		return
	}
	for i, f := range lineFields[1:] {
		if f.column && c.extra[i+1] == "" {
			add("columns."+f.name, "required when the rows are order lines: the header of the column holding %s", f.what)
		}
	}
}

// valueKind is how a field of a lines or credit export reads its cell.
type valueKind int

// The kinds of values.
const (
	vText     valueKind = iota // free text
	vKey                       // text the store indexes: bounded
	vNumber                    // an order number
	vLineNo                    // a whole number from 1
	vQuantity                  // a quantity, not negative
	vAmount                    // an amount of money
	vDate                      // a date
	vCurrency                  // a currency code
	vHold                      // a word of hold_values
)

// kindField is one field of a lines or credit export.
type kindField struct {
	name string
	// column tells that a profile must map the field; value, that its
	// cell may not be blank.
	column, value bool
	kind          valueKind
	what          string // for messages: "the order number"
}

// kindValue is a field's value read from a cell or a constant.
type kindValue struct {
	text string
	num  int64 // hundredths, for numbers, quantities and amounts
	date *time.Time
	hold bool
}

// kindFieldIndex returns the index of the field named name in fields, or
// -1.
func kindFieldIndex(fields []kindField, name string) int {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, f := range fields {
		if f.name == name {
			return i
		}
	}
	return -1
}

// kindFieldNames returns the names of fields.
func kindFieldNames(fields []kindField) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// maxQuantity is the largest quantity the store holds, in hundredths.
const maxQuantity = 99_999_999_999_999

// parseValue reads v as the field f; sheet tells that v is an XLSX cell,
// where numbers come as the sheet stores them. problem is "" when v reads.
func (c *compiled) parseValue(f kindField, v string, sheet bool) (val kindValue, problem string) {
	number := func() (int64, error) {
		if sheet {
			return parseSheetAmount(v, c.decimal)
		}
		return ParseAmount(v, c.decimal)
	}
	switch f.kind {
	case vText:
		return kindValue{text: v}, ""
	case vKey:
		return kindValue{text: v}, tooLong(v, "this column")
	case vNumber:
		if !hasDigit(v) && orders.NumberKey(v) == "" {
			return val, fmt.Sprintf("%q is not an order number (it has no letter or digit)", Clip(v))
		}
		return kindValue{text: v}, tooLong(v, "an order number")
	case vLineNo, vQuantity, vAmount:
		n, err := number()
		switch {
		case err != nil:
			return val, orders.ErrorMessage(err)
		case f.kind == vAmount:
			return kindValue{num: n}, amountTooLarge(v, n)
		case f.kind == vLineNo && (n%100 != 0 || n < 100 || n > 2_000_000_000*100):
			return val, fmt.Sprintf("%q is not a line number (a whole number from 1)", Clip(v))
		case n < 0:
			return val, fmt.Sprintf("%q is negative: %s cannot be", Clip(v), f.what)
		case n > maxQuantity:
			return val, fmt.Sprintf("%q is too large a quantity (at most 999 999 999 999,99)", Clip(v))
		}
		return kindValue{num: n}, ""
	case vDate:
		t, err := ParseDate(v, c.dateFormat)
		if err != nil {
			return val, orders.ErrorMessage(err)
		}
		if !t.IsZero() {
			val.date = &t
		}
		return val, ""
	case vCurrency:
		code, ok := currencyCode(v)
		if !ok {
			return val, fmt.Sprintf("%q is not a currency code (three letters, like EUR)", Clip(v))
		}
		return kindValue{text: code}, ""
	case vHold:
		hold, ok := c.holds[fold(v)]
		if !ok {
			return val, fmt.Sprintf("%q is not a known word for an account hold (add it to hold_values as hold or none)", Clip(v))
		}
		return kindValue{hold: hold}, ""
	}
	return val, fmt.Sprintf("field %s: unknown kind", f.name)
}

// kindValues reads the row's values of fields (c.extra's), recording the
// problems of their cells.
func (w *entryRow) kindValues(fields []kindField) []kindValue {
	return w.kindValuesInto(nil, fields)
}

// kindValuesInto is kindValues into vals, reused when it is long enough.
func (w *entryRow) kindValuesInto(vals []kindValue, fields []kindField) []kindValue {
	r := w.r
	if cap(vals) < len(fields) {
		vals = make([]kindValue, len(fields))
	}
	vals = vals[:len(fields)]
	clear(vals)
	if r.c.extra == nil {
		return vals
	}
	for i, f := range fields {
		col := r.extra[i]
		v := cell(w.cells, col)
		fromCell := v != ""
		if !fromCell {
			v = r.c.extraConst[i]
		}
		if v == "" {
			if f.value && (col >= 0 || (r.c.kind != KindOrders)) && !w.hasNUL(col) {
				w.ps.add(r.extraName(i, fields), "", "%s is missing", f.what)
			}
			continue
		}
		val, problem := r.c.parseValue(f, v, fromCell && r.xlsx)
		if problem != "" && !w.hasNUL(col) {
			w.ps.add(r.extraName(i, fields), v, "%s", problem)
		}
		vals[i] = val
	}
	return vals
}

// compileKind reads the columns and constants of a lines or credit
// profile, and refuses the settings that only orders have.
func (p Profile) compileKind(c *compiled, fields []kindField, add addProblem) {
	c.extra = make([]string, len(fields))
	c.extraConst = make([]string, len(fields))
	names := strings.Join(kindFieldNames(fields), ", ")
	for _, k := range sortedKeys(p.Columns) {
		key := subKey("columns", k)
		i := kindFieldIndex(fields, k)
		switch {
		case i < 0:
			add(key, "not a field of a %s export (%s)", c.kind, names)
		case c.extra[i] != "":
			add(key, "the field is mapped twice")
		case strings.TrimSpace(p.Columns[k]) == "":
			add(key, "the header text is empty")
		default:
			c.extra[i] = strings.TrimSpace(p.Columns[k])
		}
	}
	for _, k := range sortedKeys(p.Constants) {
		key := subKey("constants", k)
		i := kindFieldIndex(fields, k)
		v := strings.TrimSpace(p.Constants[k])
		switch {
		case i < 0:
			add(key, "not a field of a %s export (%s)", c.kind, names)
		case i == 0:
			add(key, "%s cannot be a constant", fields[0].what)
		case c.extraConst[i] != "":
			add(key, "the field is given twice")
		case v == "":
			add(key, "the value is empty")
		default:
			c.extraConst[i] = v
		}
	}
	for i, f := range fields {
		if f.column && c.extra[i] == "" && (i == 0 || c.extraConst[i] == "") {
			add("columns."+f.name, "required: the header of the column holding %s", f.what)
		}
	}
	for _, o := range []struct {
		key string
		set bool
	}{{"people_by", p.PeopleBy != ""}, {"statuses", len(p.Statuses) > 0}, {"default_status", p.DefaultStatus != ""},
		{"blocks", len(p.Blocks) > 0}, {"priority", len(p.Priority) > 0}, {"hold_values", len(p.HoldValues) > 0 && c.kind != KindCredit}} {
		if o.set {
			add(o.key, "a %s profile has none: it belongs to an orders profile", c.kind)
		}
	}
}

// checkKindConstants checks that the constants of a lines or credit
// profile read as cells would, once the hold words are known.
func (c *compiled) checkKindConstants(fields []kindField, add addProblem) {
	for i, f := range fields {
		if v := c.extraConst[i]; v != "" {
			if _, problem := c.parseValue(f, v, false); problem != "" {
				add("constants."+f.name, "%s", problem)
			}
		}
	}
}

// kindReader is what the readers of lines and credit exports share.
type kindReader struct {
	r      *Reader
	fields []kindField
}

// openKind opens the export at path through p, a profile of kind.
func openKind(ctx context.Context, path string, p Profile, kind string, lim Limits) (*Reader, error) {
	if k := p.KindOf(); k != kind {
		return nil, fileError(path, "the profile reads %s, not %s", k, kind)
	}
	c, ps := p.compileAs(kind)
	return openCompiled(ctx, path, c, ps, lim)
}

// Progress says how far reading is, as Reader.Progress does.
func (k *kindReader) Progress() (done, total int64) { return k.r.Progress() }

// Close releases the file.
func (k *kindReader) Close() error { return k.r.Close() }

// Name returns the file's name as messages write it.
func (k *kindReader) Name() string { return k.r.Name() }

// Column returns the header text, as the file writes it, of the column
// feeding field, or "" when no column does.
func (k *kindReader) Column(field string) string {
	i := kindFieldIndex(k.fields, field)
	if i < 0 || k.r.extra[i] < 0 {
		return ""
	}
	return k.r.header[k.r.extra[i]]
}

// extraName names the column feeding the field at i of fields in
// messages: its header text, or the constant's key.
func (r *Reader) extraName(i int, fields []kindField) string {
	if col := r.extra[i]; col >= 0 {
		return r.header[col]
	}
	return "constants." + fields[i].name
}
