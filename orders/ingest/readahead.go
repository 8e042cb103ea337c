package ingest

import (
	"errors"
	"io"
)

// readAhead reads a source's rows in a goroutine of its own, a few batches
// ahead of the Reader, which maps the rows it has meanwhile: decoding and
// splitting the file on one core, checking and mapping on the other. Rows
// come in the file's order, each with its error, and reading stops at the
// first final error (or the end), as the source's next does. Batches are
// reused, so that reading ahead makes no garbage of its own.
type readAhead struct {
	full, free chan *rowBatch
	stop       chan struct{} // closed by close
	finished   chan struct{} // closed when the goroutine has returned
	cur        *rowBatch
	i          int // the next row of cur
}

// rowBatch is rows read ahead, their cells one after the other.
type rowBatch struct {
	rows  []aheadRow
	cells []string
}

// aheadRow is one row read ahead: cells[from:to] of its batch, and what
// the source's next said with them.
type aheadRow struct {
	from, to, line int
	err            error
}

// Reading ahead: rows a batch, and batches in all (one being mapped, the
// others read or waiting).
const (
	aheadRows    = 256
	aheadBatches = 4
)

// startReadAhead starts reading src ahead; the caller reads it through next
// only, and calls close before closing src.
func startReadAhead(src rowSource) *readAhead {
	a := &readAhead{full: make(chan *rowBatch, aheadBatches), free: make(chan *rowBatch, aheadBatches),
		stop: make(chan struct{}), finished: make(chan struct{})}
	for range aheadBatches {
		a.free <- &rowBatch{}
	}
	go a.run(src)
	return a
}

// run fills batches until a final error, or until close.
func (a *readAhead) run(src rowSource) {
	defer close(a.finished)
	for {
		var b *rowBatch
		select {
		case b = <-a.free:
		case <-a.stop:
			return
		}
		b.rows, b.cells = b.rows[:0], b.cells[:0]
		final := false
		for len(b.rows) < aheadRows && !final {
			cells, line, err := src.next()
			from := len(b.cells)
			b.cells = append(b.cells, cells...)
			b.rows = append(b.rows, aheadRow{from: from, to: len(b.cells), line: line, err: err})
			final = err != nil && !isRowError(err)
		}
		a.full <- b // never blocks: full holds every batch
		if final {
			return
		}
	}
}

// isRowError reports whether err is about one row, after which reading
// goes on.
func isRowError(err error) bool {
	var bad *RowError
	return errors.As(err, &bad)
}

// next implements rowSource's next: the cells are valid until the next
// call.
func (a *readAhead) next() ([]string, int, error) {
	if a.cur == nil || a.i == len(a.cur.rows) {
		if a.cur != nil {
			a.free <- a.cur // never blocks: free holds every batch
		}
		select {
		case a.cur = <-a.full:
		case <-a.finished:
			// The goroutine ended after its final error, which the
			// caller has had: only a caller that reads on gets here.
			select {
			case a.cur = <-a.full:
			default:
				a.cur = nil
				return nil, 0, io.EOF
			}
		}
		a.i = 0
	}
	row := a.cur.rows[a.i]
	a.i++
	return a.cur.cells[row.from:row.to:row.to], row.line, row.err
}

// close stops reading ahead and waits for the goroutine to return.
func (a *readAhead) close() {
	close(a.stop)
	<-a.finished
}
