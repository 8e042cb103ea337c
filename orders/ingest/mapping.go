package ingest

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders"
)

// entry maps one row to an entry, or says what is wrong with the row: its
// problems, field by field, each column's once.
func (r *Reader) entry(cells []string, line int) (orders.Entry, error) {
	w := entryRow{r: r, cells: cells, plain: noControls(cells)}
	if !w.plain {
		w.findNUL()
	}
	e := orders.Entry{Line: line}
	w.parties(&e)
	reason, _ := w.value(fBlockReason)
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
	// plain says no cell holds a control character (a NUL byte, a line
	// break): most rows, whose cells need no cleaning.
	plain bool
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
	r := w.r
	e.Number, _ = w.value(fNumber)
	switch {
	case e.Number == "":
		w.bad(fNumber, "", "the order number is missing")
	case !hasDigit(e.Number) && orders.NumberKey(e.Number) == "":
		w.bad(fNumber, e.Number, "%q is not an order number (it has no letter or digit)", Clip(e.Number))
	case tooLong(e.Number, "an order number") != "":
		w.bad(fNumber, e.Number, "%s", tooLong(e.Number, "an order number"))
	}
	e.CustomerCode, _ = w.value(fCustomerCode)
	switch {
	case e.CustomerCode == "":
		w.bad(fCustomerCode, "", "the customer code is missing")
	case tooLong(e.CustomerCode, "a customer code") != "":
		w.bad(fCustomerCode, e.CustomerCode, "%s", tooLong(e.CustomerCode, "a customer code"))
	}
	e.CustomerName, _ = w.value(fCustomerName)
	e.CustomerRef, _ = w.value(fCustomerRef)
	e.Rep, _ = w.value(fRep)
	e.Assistant, _ = w.value(fAssistant)
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
	r := w.r
	var held [4]orders.Block // rows rarely name more blocks than this
	blocks := held[:0]
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
	word, _ := w.value(fStatus)
	st := r.defaultHit
	if word != "" {
		switch hit := r.lookupStatus(word); {
		case hit.ok:
			st = hit
		case r.c.defaultStatus == "":
			w.bad(fStatus, word, "%q is not a known status (add it to statuses, or set default_status)", Clip(word))
			unsure = true
		}
	}
	status := st.status
	if st.blocked {
		addBlock(status, reason)
	}
	for i := range r.blocks {
		b := &r.blocks[i]
		v := w.cell(b.col)
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
			why = w.cell(b.reason)
		}
		addBlock(hit.kind, why)
	}
	switch {
	case st.closed:
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
	return status, r.keepBlocks(blocks), reason
}

// blockSlab is how many blocks keepBlocks allocates at once.
const blockSlab = 64

// keepBlocks copies an entry's blocks out of the row's scratch into a block
// of them allocated for many rows (nil for none). The copy's capacity is
// its length: appending to it reallocates, never writes over another
// entry's blocks.
func (r *Reader) keepBlocks(blocks []orders.Block) []orders.Block {
	n := len(blocks)
	if n == 0 {
		return nil
	}
	if cap(r.blockSlab)-len(r.blockSlab) < n {
		r.blockSlab = make([]orders.Block, 0, max(blockSlab, n))
	}
	start := len(r.blockSlab)
	r.blockSlab = append(r.blockSlab, blocks...)
	return r.blockSlab[start : start+n : start+n]
}

// money reads the row's amount and currency (EUR when none is given).
func (w *entryRow) money(e *orders.Entry) {
	r := w.r
	if v, fromCell := w.value(fAmount); v != "" {
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
	if v, _ := w.value(fCurrency); v != "" {
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
	for _, d := range [...]struct {
		f  field
		to **time.Time
	}{{fOrderedOn, &e.OrderedOn}, {fRequestedOn, &e.RequestedOn}, {fPromisedOn, &e.PromisedOn}, {fExpectedRelease, &e.ExpectedRelease}} {
		v, _ := w.value(d.f)
		if v == "" {
			continue
		}
		t, err := ParseDate(v, w.r.c.dateFormat)
		if err != nil {
			w.bad(d.f, v, "%s", orders.ErrorMessage(err))
			continue
		}
		if !t.IsZero() {
			*d.to = w.r.newDate(t)
		}
	}
}

// dateSlab is how many dates newDate allocates at once.
const dateSlab = 128

// newDate returns a pointer to a copy of t for an entry, taken from a
// block of dates allocated for many rows rather than one a date.
func (r *Reader) newDate(t time.Time) *time.Time {
	if len(r.dates) == cap(r.dates) {
		r.dates = make([]time.Time, 0, dateSlab)
	}
	r.dates = append(r.dates, t)
	return &r.dates[len(r.dates)-1]
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

// cell returns the cleaned text of the row's cell at i, "" when the row
// is shorter: cell's, without looking for control characters in a plain
// row.
func (w *entryRow) cell(i int) string {
	if i < 0 || i >= len(w.cells) {
		return ""
	}
	v := w.cells[i]
	if w.plain && (v == "" || (v[0] > ' ' && v[0] < utf8.RuneSelf && v[len(v)-1] > ' ' && v[len(v)-1] < utf8.RuneSelf)) {
		return v // what Clean would return
	}
	return Clean(v)
}

// value returns what feeds f in this row: the cell, or the profile's
// constant when there is no column or the cell is blank. fromCell tells
// which.
func (w *entryRow) value(f field) (v string, fromCell bool) {
	if v := w.cell(w.r.col[f]); v != "" {
		return v, true
	}
	return w.r.c.constants[f], false
}

// noControls reports whether no cell holds a control character (below
// U+0020, or DEL), eight bytes at a time where it can.
func noControls(cells []string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for _, v := range cells {
		i := 0
		for ; i+8 <= len(v); i += 8 {
			x := uint64(v[i]) | uint64(v[i+1])<<8 | uint64(v[i+2])<<16 | uint64(v[i+3])<<24 |
				uint64(v[i+4])<<32 | uint64(v[i+5])<<40 | uint64(v[i+6])<<48 | uint64(v[i+7])<<56
			// A byte below 0x20, or equal to 0x7F, sets its high bit in
			// one of these (the zero-byte test of x and of x^0x7F..).
			del := x ^ 0x7f*ones
			if (x-0x20*ones)&^x&highs != 0 || (del-ones)&^del&highs != 0 {
				return false
			}
		}
		for ; i < len(v); i++ {
			if c := v[i]; c < 0x20 || c == 0x7f {
				return false
			}
		}
	}
	return true
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
	if word == r.lastStatus.word {
		return r.lastStatus.hit // most rows say what the row before said
	}
	if hit, ok := r.statusCache[word]; ok {
		r.lastStatus.word, r.lastStatus.hit = word, hit
		return hit
	}
	s, ok := r.c.statuses[fold(word)]
	hit := newStatusHit(s, ok)
	if len(r.statusCache) < maxCache {
		r.statusCache[word] = hit
	}
	return hit
}

// newStatusHit is the hit of status s; ok says it was found. What the
// status says of the order is looked up once, not at every row.
func newStatusHit(s orders.Status, ok bool) statusHit {
	return statusHit{status: s, ok: ok, blocked: s.Blocked(), closed: s.Closed()}
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
