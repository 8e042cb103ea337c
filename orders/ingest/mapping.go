package ingest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// entry maps one row to an entry, or says what is wrong with the row: its
// problems, field by field, each column's once.
func (r *Reader) entry(cells []string, line int) (orders.Entry, error) {
	w := entryRow{r: r, cells: cells}
	w.findNUL()
	e := orders.Entry{Line: line}
	w.parties(&e)
	reason, _ := r.value(cells, fBlockReason)
	e.Status, e.Blocks, e.BlockReason = w.statusAndBlocks(reason)
	w.money(&e)
	w.dates(&e)
	if err := w.ps.err(r.name, line); err != nil {
		return orders.Entry{}, err
	}
	// The entry passes orders.Order.Validate by construction: a number with
	// a letter or digit, a customer, a valid status, a currency code, blocks
	// of blocked kinds each once, the status one of them unless closed. The
	// fuzz test checks it on every entry; per row it would cost allocations.
	return e, nil
}

// entryRow is a row being read into an entry: its cells, those holding a
// NUL byte, and its problems so far.
type entryRow struct {
	r     *Reader
	cells []string
	nul   []bool // nil when no cell holds a NUL byte
	ps    rowProblems
}

// findNUL finds the cells holding a NUL byte: wherever it is, it is the
// cell's problem, whatever field the cell feeds.
func (w *entryRow) findNUL() {
	for i, v := range w.cells[:min(len(w.cells), len(w.r.header))] {
		if CheckNUL(v) != nil {
			if w.nul == nil {
				w.nul = make([]bool, len(w.cells))
			}
			w.nul[i] = true
			w.ps.add(w.r.headerName(i), "", `the cell holds a NUL byte (\0), which no text may hold`)
		}
	}
}

// hasNUL reports whether the cell at i holds a NUL byte.
func (w *entryRow) hasNUL(i int) bool { return i >= 0 && i < len(w.nul) && w.nul[i] }

// bad records a problem of the field f, unless its cell's NUL byte is
// already one.
func (w *entryRow) bad(f field, value, format string, args ...any) {
	if !w.hasNUL(w.r.col[f]) {
		w.ps.add(w.r.columnName(f), value, format, args...)
	}
}

// parties reads the order number, the customer and the people of the row.
func (w *entryRow) parties(e *orders.Entry) {
	r, cells := w.r, w.cells
	e.Number, _ = r.value(cells, fNumber)
	switch {
	case e.Number == "":
		w.bad(fNumber, "", "the order number is missing")
	case !hasDigit(e.Number) && orders.NumberKey(e.Number) == "":
		w.bad(fNumber, e.Number, "%q is not an order number (it has no letter or digit)", Clip(e.Number))
	case tooLong(e.Number, "an order number") != "":
		w.bad(fNumber, e.Number, "%s", tooLong(e.Number, "an order number"))
	}
	e.CustomerCode, _ = r.value(cells, fCustomerCode)
	switch {
	case e.CustomerCode == "":
		w.bad(fCustomerCode, "", "the customer code is missing")
	case tooLong(e.CustomerCode, "a customer code") != "":
		w.bad(fCustomerCode, e.CustomerCode, "%s", tooLong(e.CustomerCode, "a customer code"))
	}
	e.CustomerName, _ = r.value(cells, fCustomerName)
	e.CustomerRef, _ = r.value(cells, fCustomerRef)
	e.Rep, _ = r.value(cells, fRep)
	e.Assistant, _ = r.value(cells, fAssistant)
	for _, t := range [...]struct {
		f    field
		v    string
		what string
	}{{fCustomerName, e.CustomerName, "a customer name"}, {fCustomerRef, e.CustomerRef, "a customer's reference"},
		{fRep, e.Rep, "a person's "}, {fAssistant, e.Assistant, "a person's "}} {
		if len(t.v) > MaxKeyBytes {
			what := t.what
			if t.f == fRep || t.f == fAssistant {
				what += string(r.c.peopleBy)
			}
			w.bad(t.f, t.v, "%s", tooLong(t.v, what))
		}
	}
	if r.c.peopleBy == orders.ByEmail {
		e.Rep, e.Assistant = strings.ToLower(e.Rep), strings.ToLower(e.Assistant)
	}
}

// statusAndBlocks reads the status column's word, then each block column,
// into the order's status, its blocks in priority order and its block
// reason (reason, or the first block's).
func (w *entryRow) statusAndBlocks(reason string) (orders.Status, []orders.Block, string) {
	r, cells := w.r, w.cells
	var blocks []orders.Block
	addBlock := func(kind orders.Status, why string) {
		for i := range blocks {
			if blocks[i].Kind == kind {
				if blocks[i].Reason == "" {
					blocks[i].Reason = why
				}
				return
			}
		}
		blocks = append(blocks, orders.Block{Kind: kind, Reason: why})
	}
	// A blank status cell takes the default too; with neither, the block
	// columns must say.
	unsure := false // a status or block word is unknown: the status is
	word, _ := r.value(cells, fStatus)
	status := r.c.defaultStatus
	if word != "" {
		switch hit := r.lookupStatus(word); {
		case hit.ok:
			status = hit.status
		case r.c.defaultStatus == "":
			w.bad(fStatus, word, "%q is not a known status (add it to statuses, or set default_status)", Clip(word))
			unsure = true
		}
	}
	if status.Blocked() {
		addBlock(status, reason)
	}
	for i := range r.blocks {
		b := &r.blocks[i]
		v := cell(cells, b.col)
		if v == "" {
			continue
		}
		hit := b.lookup(v)
		if !hit.ok {
			if !w.hasNUL(b.col) {
				w.ps.add(r.header[b.col], v, "%q is not a known block (add it to %s.values, or set %s.default)", Clip(v), b.key, b.key)
			}
			unsure = true
			continue
		}
		if hit.kind == "" {
			continue
		}
		why := reason
		if b.reason >= 0 {
			why = cell(cells, b.reason)
		}
		addBlock(hit.kind, why)
	}
	switch {
	case status.Closed():
		// A closed order is held by nothing, whatever the block columns say.
		blocks = nil
	case status == "" && len(blocks) == 0 && !unsure:
		w.bad(fStatus, "", "the status is missing (set default_status to accept blank cells)")
	}
	if len(blocks) > 0 {
		prio := r.c.priority
		slices.SortStableFunc(blocks, func(a, b orders.Block) int {
			switch {
			case prio.Less(a.Kind, b.Kind):
				return -1
			case prio.Less(b.Kind, a.Kind):
				return 1
			}
			return 0
		})
		status = prio.StatusOf(blocks, status)
		if reason == "" {
			reason = blocks[0].Reason
		}
	}
	return status, blocks, reason
}

// money reads the row's amount and currency (EUR when none is given).
func (w *entryRow) money(e *orders.Entry) {
	r, cells := w.r, w.cells
	if v, fromCell := r.value(cells, fAmount); v != "" {
		var err error
		if fromCell && r.xlsx {
			e.AmountCents, err = parseSheetAmount(v, r.c.decimal)
		} else {
			e.AmountCents, err = ParseAmount(v, r.c.decimal)
		}
		switch {
		case err != nil:
			w.bad(fAmount, v, "%s", orders.ErrorMessage(err))
		case amountTooLarge(v, e.AmountCents) != "":
			w.bad(fAmount, v, "%s", amountTooLarge(v, e.AmountCents))
		}
	}
	e.Currency = "EUR"
	if v, _ := r.value(cells, fCurrency); v != "" {
		code, ok := currencyCode(v)
		if ok {
			e.Currency = code
		} else {
			w.bad(fCurrency, v, "%q is not a currency code (three letters, like EUR)", Clip(v))
		}
	}
}

// dates reads the row's dates.
func (w *entryRow) dates(e *orders.Entry) {
	for _, d := range []struct {
		f  field
		to **time.Time
	}{{fOrderedOn, &e.OrderedOn}, {fRequestedOn, &e.RequestedOn}, {fPromisedOn, &e.PromisedOn}, {fExpectedRelease, &e.ExpectedRelease}} {
		v, _ := w.r.value(w.cells, d.f)
		if v == "" {
			continue
		}
		t, err := ParseDate(v, w.r.c.dateFormat)
		if err != nil {
			w.bad(d.f, v, "%s", orders.ErrorMessage(err))
			continue
		}
		if !t.IsZero() {
			*d.to = &t
		}
	}
}

// headerName names the column at index i for messages: its header text,
// or its position when the header leaves it blank.
func (r *Reader) headerName(i int) string {
	if i < len(r.header) && r.header[i] != "" {
		return r.header[i]
	}
	return fmt.Sprintf("#%d", i+1)
}

// hasDigit reports whether s holds an ASCII digit, which makes its
// orders.NumberKey non-empty.
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// cell returns the cleaned text of cells[i], "" when the row is shorter.
func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return Clean(cells[i])
}

// value returns what feeds f in this row: the cell, or the profile's
// constant when there is no column or the cell is blank. fromCell tells
// which.
func (r *Reader) value(cells []string, f field) (v string, fromCell bool) {
	if v := cell(cells, r.col[f]); v != "" {
		return v, true
	}
	return r.c.constants[f], false
}

// columnName names the column feeding f in messages: its header text, or
// the constant's key.
func (r *Reader) columnName(f field) string {
	if i := r.col[f]; i >= 0 {
		return r.header[i]
	}
	return "constants." + f.String()
}

// lookupStatus maps a status column's word to a status.
func (r *Reader) lookupStatus(word string) statusHit {
	if hit, ok := r.statusCache[word]; ok {
		return hit
	}
	s, ok := r.c.statuses[fold(word)]
	hit := statusHit{status: s, ok: ok}
	if len(r.statusCache) < maxCache {
		r.statusCache[word] = hit
	}
	return hit
}

// lookup maps a block column's word to a block kind ("" for none).
func (b *blockIndex) lookup(word string) blockHit {
	if hit, ok := b.cache[word]; ok {
		return hit
	}
	kind, ok := b.values[fold(word)]
	var hit blockHit
	switch {
	case ok:
		hit = blockHit{kind: kind, ok: true}
	case b.defNone:
		hit = blockHit{ok: true}
	case b.def != "":
		hit = blockHit{kind: b.def, ok: true}
	}
	if len(b.cache) < maxCache {
		b.cache[word] = hit
	}
	return hit
}
