package ingest

import (
	"bytes"
	"fmt"
	"io"
)

// csvLimiter stands between the decoded text and encoding/csv, which holds
// a whole record in memory before it returns it: it follows the records as
// encoding/csv splits them (LazyQuotes, no comments, leading spaces kept)
// and stops the stream, with a *limitError naming the record's line and
// the cell's index, as soon as a cell or a record grows past its limit. A
// 100 MB quoted field is refused after max bytes of it, not read whole.
//
// Lengths are those encoding/csv will return, give or take the CR of a
// CRLF: a cell's text without its quotes and with "" counted once; a
// record counts its cells and one byte per separator.
type csvLimiter struct {
	r        io.Reader
	sep      byte
	maxField int64
	maxRow   int64
	line     int // the line of the next byte, from 1
	recLine  int // the line the current record started on
	state    limitState
	field    int // the current cell's index in its record
	fieldLen int64
	rowLen   int64
	err      error
}

// limitState is where csvLimiter is in a record.
type limitState int

const (
	atFieldStart  limitState = iota // before a cell's first byte
	inUnquoted                      // in a cell that does not start with a quote
	inQuoted                        // in a quoted cell
	afterQuote                      // a quote in a quoted cell: its end, "" or a stray one
	afterQuoteCR                    // a quote then a CR: the end of a CRLF line, or a stray quote
	atRecordStart                   // before a record's first byte
)

// newCSVLimiter follows r, whose first line is line.
func newCSVLimiter(r io.Reader, sep byte, lim Limits, line int) *csvLimiter {
	return &csvLimiter{r: r, sep: sep, maxField: lim.MaxFieldBytes, maxRow: lim.MaxRowBytes, line: line, state: atRecordStart}
}

// Read implements io.Reader.
func (l *csvLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	if i := l.follow(p[:n]); i < n {
		return i, l.err
	}
	return n, err
}

// follow advances through b and returns how much of it is within the
// limits: len(b), or where l.err was set.
func (l *csvLimiter) follow(b []byte) int {
	i := 0
	nl := -1 // the next line end at or after i, once looked for
	for i < len(b) && l.err == nil {
		c := b[i]
		switch l.state {
		case atRecordStart:
			if c == '\n' { // a blank line: encoding/csv skips it
				l.line++
				i++
				continue
			}
			if n := l.plainLine(b[i:]); n > 0 {
				l.line++
				i += n
				continue
			}
			l.recLine = l.line
			l.field, l.fieldLen, l.rowLen = 0, 0, 0
			l.state = atFieldStart
			fallthrough
		case atFieldStart:
			if c == '"' {
				l.state = inQuoted
				i++
				continue
			}
			l.state = inUnquoted
			fallthrough
		case inUnquoted:
			j, ok := l.unquoted(b, i, &nl)
			if !ok {
				return i
			}
			i = j
		case inQuoted:
			j := bytes.IndexByte(b[i:], '"')
			if j < 0 {
				j = len(b) - i
			}
			l.line += bytes.Count(b[i:i+j], []byte{'\n'})
			if !l.grow(int64(j)) {
				return i
			}
			i += j
			if i < len(b) {
				l.state = afterQuote
				i++
			}
		case afterQuote, afterQuoteCR:
			n, ok := l.quoteEnd(c)
			if !ok {
				return i
			}
			i += n
		}
	}
	if l.err != nil {
		return i
	}
	return len(b)
}

// plainLine is the common case of a record: a whole line at the start of
// b, without quotes, no longer than a cell may be. Such a line is within
// every limit (a record counts its cells and separators: the line's bytes
// before its LF; it has fewer cells than bytes), so nothing in it needs
// following. plainLine returns the line's length with its LF, or 0 when
// the line is not such a one.
func (l *csvLimiter) plainLine(b []byte) int {
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 || int64(nl) > l.maxField || int64(nl) > l.maxRow || nl >= maxCells || bytes.IndexByte(b[:nl], '"') >= 0 {
		return 0
	}
	return nl + 1
}

// unquoted follows an unquoted cell from b[i] to the next separator or
// line end (*nl caches the next line end at or after i) and returns where
// it stopped: past the separator or line end that ended the cell, or at
// len(b). It returns false when the cell or its row is past its limit.
func (l *csvLimiter) unquoted(b []byte, i int, nl *int) (int, bool) {
	if *nl < i {
		if *nl = bytes.IndexByte(b[i:], '\n'); *nl < 0 {
			*nl = len(b)
		} else {
			*nl += i
		}
	}
	j := bytes.IndexByte(b[i:*nl], l.sep)
	if j < 0 {
		j = *nl
	} else {
		j += i
	}
	if !l.grow(int64(j - i)) {
		return i, false
	}
	if j == len(b) {
		return j, true
	}
	if b[j] == '\n' {
		l.endRecord()
	} else {
		l.nextField()
	}
	return j + 1, true
}

// quoteEnd follows c, the byte after a quote in a quoted cell (or after
// such a quote and a CR), and returns how many bytes it took: 0 when c is
// to be read again, as part of the quoted cell. It returns false when the
// cell is past its limit.
func (l *csvLimiter) quoteEnd(c byte) (int, bool) {
	if l.state == afterQuoteCR {
		if c == '\n' {
			l.endRecord()
			return 1, true
		}
		l.state = inQuoted
		return 0, l.grow(2) // the stray quote and the CR
	}
	switch c {
	case '"': // "" is one quote
		l.state = inQuoted
		if !l.grow(1) {
			return 0, false
		}
	case l.sep:
		l.nextField()
	case '\n':
		l.endRecord()
	case '\r':
		l.state = afterQuoteCR
	default: // a stray quote, kept as written
		l.state = inQuoted
		return 0, l.grow(1)
	}
	return 1, true
}

// grow adds n bytes to the current cell and record, and reports whether
// they stay within the limits; if not, it sets l.err.
func (l *csvLimiter) grow(n int64) bool {
	l.fieldLen += n
	l.rowLen += n
	switch {
	case l.fieldLen > l.maxField:
		l.err = &limitError{line: l.recLine, field: l.field, msg: "the cell is longer than " + limitText(keyMaxFieldBytes, l.maxField, "bytes")}
	case l.rowLen > l.maxRow:
		l.err = &limitError{line: l.recLine, field: -1, msg: "the row is longer than " + limitText(keyMaxRowBytes, l.maxRow, "bytes")}
	default:
		return true
	}
	return false
}

// maxCells is the most cells a row may have: Excel's limit, 16,384
// columns. encoding/csv keeps an index and a position per cell, so a line
// of a million separators would cost far more than its bytes.
const maxCells = 16384

// nextField starts the record's next cell; the separator counts in the
// record's length.
func (l *csvLimiter) nextField() {
	l.field++
	l.fieldLen = 0
	l.state = atFieldStart
	if l.field >= maxCells {
		l.err = &limitError{line: l.recLine, field: -1, msg: fmt.Sprintf("the row has more than %d cells, the most a spreadsheet holds", maxCells)}
		return
	}
	// The separator is the record's, not the cell's.
	if l.rowLen++; l.rowLen > l.maxRow {
		l.err = &limitError{line: l.recLine, field: -1, msg: "the row is longer than " + limitText(keyMaxRowBytes, l.maxRow, "bytes")}
	}
}

// endRecord ends the record at a line end.
func (l *csvLimiter) endRecord() {
	l.line++
	l.state = atRecordStart
}
