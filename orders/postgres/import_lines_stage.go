package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/cespare/xxhash/v2"

	"github.com/orderbot/orderbot/orders"
)

// LineSource is what a lines import reads. Next yields the lines, then
// io.EOF. Reopen, when set, reads them again from the start: the import
// then skips, without sending them to the database, the orders whose lines
// are those a lines import gave them last (it keeps a digest of them), and
// reads the lines again only for the orders whose lines are not together
// (one after the other) in the export, should there be any.
type LineSource struct {
	Next   func() (LineRow, error)
	Reopen func() (func() (LineRow, error), error)
}

// Lines is the source of a list of lines, read again as often as asked.
func Lines(rows []LineRow) LineSource {
	feed := func() func() (LineRow, error) {
		i := 0
		return func() (LineRow, error) {
			if i == len(rows) {
				return LineRow{}, io.EOF
			}
			i++
			return rows[i-1], nil
		}
	}
	return LineSource{Next: feed(), Reopen: func() (func() (LineRow, error), error) { return feed(), nil }}
}

// stagedLine is a line to send to the staging table, with its order's
// number hash and digest when it is to be kept (nil otherwise), and its
// order's ID when the digests know it (nil otherwise).
type stagedLine struct {
	row     LineRow
	key     uint64
	digest  *int64
	orderID *int64
	first   bool // the first line of its group
}

// lineStager reads an export's lines order by order (the lines of an order
// one after the other), and queues for staging those of the orders whose
// digest differs from the one kept, or that have none.
type lineStager struct {
	next  func() (LineRow, error)
	known *keptDigests // nil stages everything
	// split names the orders with a digest whose lines are not together.
	// An order without one is staged whole however its lines are spread,
	// and the database forgets its digest when its lines came in several
	// groups (see applyLines).
	split map[string]bool
	// held is the lines of the groups read and not yet decided about
	// (groups, the last of them open while open is set).
	held   []LineRow
	groups []lineGroup
	open   bool
	queue  []stagedLine
	queued int // the next line of queue to stage
	// rows counts the lines read; unchangedRows and unchangedOrders those
	// skipped and their orders.
	rows, unchangedRows, unchangedOrders int
	readErr                              error
	eof                                  bool
	// digests says whether lines are grouped by order and digested.
	digests bool
	buf     []byte
	// twice says whether an order staged with its ID has a line number
	// twice in its group; unknown counts the lines staged without their
	// order's ID.
	twice   bool
	unknown int
}

// lineGroup is the lines of one order, one after the other in the export:
// held[from:to], whose number hashes to key, and the sum of their hashes;
// kept is what the last imports kept of their order.
type lineGroup struct {
	from, to int
	key, sum uint64
	kept     *keptDigest
}

// decideEvery is how many groups are read before their orders' digests
// are looked up, all at once: looked up one after the other without other
// work between them, they are found in a tenth of the time (the processor
// waits for several at once), where each lookup between the reading of
// two groups cost half a microsecond.
const decideEvery = 256

// lineHash is the hash of one line, all its fields, written into buf
// (returned, for the next line): one hash of the fields one after the
// other, as the streaming digest kept by earlier imports made it.
func lineHash(l orders.Line, buf []byte) (uint64, []byte) {
	b := buf[:0]
	text := func(s string) {
		b = append(b, s...)
		b = append(b, 0)
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(l.Number))
	text(l.Item)
	text(l.Description)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(l.Quantity))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(l.Available))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(l.Shipped))
	restock := int64(math.MinInt64)
	if l.RestockOn != nil {
		restock = l.RestockOn.Unix()
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(restock))
	text(l.Carrier)
	text(l.Tracking)
	return xxhash.Sum64(b), b
}

// groupDigest mixes the sum of an order's line hashes with their count: it
// does not depend on the lines' order.
func groupDigest(sum uint64, n int) uint64 { return sum ^ (uint64(n) * 0x9E3779B97F4A7C15) }

// take returns the next line to stage, or ok false at the end. What next
// ended with, other than io.EOF, is kept in readErr.
func (g *lineStager) take() (stagedLine, bool) {
	for g.queued == len(g.queue) && !g.eof {
		g.queue, g.queued = g.queue[:0], 0
		r, err := g.next()
		if err != nil {
			g.eof = true
			if !errors.Is(err, io.EOF) {
				g.readErr = err
			}
			g.closeGroup()
			g.decide()
			break
		}
		g.rows++
		if !g.digests {
			return stagedLine{row: r}, true
		}
		if g.open && r.Order != g.held[g.groups[len(g.groups)-1].from].Order {
			g.closeGroup()
			if len(g.groups) == decideEvery {
				g.decide()
			}
		}
		if !g.open {
			g.groups = append(g.groups, lineGroup{from: len(g.held), key: xxhash.Sum64String(r.Order)})
			g.open = true
		}
		g.held = append(g.held, r)
		var h uint64
		h, g.buf = lineHash(r.Line, g.buf)
		g.groups[len(g.groups)-1].sum += h
	}
	if g.queued == len(g.queue) {
		return stagedLine{}, false
	}
	g.queued++
	return g.queue[g.queued-1], true
}

// closeGroup ends the group of the order just read.
func (g *lineStager) closeGroup() {
	if g.open {
		g.groups[len(g.groups)-1].to = len(g.held)
		g.open = false
	}
}

// decide looks the digests of the groups read up, then decides about each
// in turn, and forgets them.
func (g *lineStager) decide() {
	g.known.findAll(g.groups)
	for _, gr := range g.groups {
		g.decideGroup(gr)
	}
	g.held, g.groups = g.held[:0], g.groups[:0]
}

// decideGroup decides about the lines of one order: skipped when their
// digest is the one kept, staged otherwise.
func (g *lineStager) decideGroup(gr lineGroup) {
	group, kept := g.held[gr.from:gr.to], gr.kept
	digest := groupDigest(gr.sum, len(group))
	stage := func(d *int64) {
		var id *int64
		if kept != nil {
			id = &kept.orderID
			// Only here can the lines of an order staged with its ID be
			// given twice (see lineProblems).
			g.twice = g.twice || twiceIn(group)
		}
		for i, r := range group {
			g.queue = append(g.queue, stagedLine{row: r, key: gr.key, digest: d, orderID: id, first: i == 0})
		}
	}
	switch {
	case kept != nil && kept.seen != 0:
		// The order's lines are not together: the file is read again for
		// them (see restageSplit).
		g.split[group[0].Order] = true
		if kept.seen > 0 {
			g.unchangedRows -= int(kept.seen)
			g.unchangedOrders--
			kept.seen = -1
		}
		stage(nil)
	case kept != nil && kept.digest == digest:
		kept.seen = int32(len(group))
		g.unchangedRows += len(group)
		g.unchangedOrders++
	default:
		if kept != nil {
			kept.seen = -1
		}
		d := int64(digest)
		stage(&d)
	}
}

// twiceIn says whether a line number is given twice in group.
func twiceIn(group []LineRow) bool {
	if len(group) <= 16 {
		for i := range group {
			for j := i + 1; j < len(group); j++ {
				if group[i].Line.Number == group[j].Line.Number {
					return true
				}
			}
		}
		return false
	}
	numbers := make([]int, len(group))
	for i, r := range group {
		numbers[i] = r.Line.Number
	}
	slices.Sort(numbers)
	for i := 1; i < len(numbers); i++ {
		if numbers[i] == numbers[i-1] {
			return true
		}
	}
	return false
}

// stageLines stages what src yields into import_lines, skipping the
// orders whose lines have not changed since the last lines import when src
// can be read again. It returns the stager (its counts) and the lines
// staged.
func (s *Store) stageLines(ctx context.Context, src LineSource) (*lineStager, int, error) {
	g := &lineStager{next: src.Next, split: map[string]bool{}, digests: src.Reopen != nil}
	if g.digests {
		var err error
		if g.known, err = s.lineDigests(ctx); err != nil {
			return g, 0, err
		}
	}
	n, unknown, err := s.copyLines(ctx, g.take)
	g.unknown = int(unknown)
	switch {
	case g.readErr != nil && !isInputErrors(g.readErr):
		return g, int(n), g.readErr
	case err != nil:
		return g, int(n), fmt.Errorf("import lines: load: %w", err)
	case len(g.split) == 0 || g.readErr != nil:
		return g, int(n), nil
	}
	m, err := s.restageSplit(ctx, src, g)
	return g, int(n) + m, err
}

// restageSplit stages again, from a second reading, every line of the
// orders whose lines are not together in the export (g.split), in place of
// those staged, without their order's ID.
func (s *Store) restageSplit(ctx context.Context, src LineSource, g *lineStager) (int, error) {
	split := g.split
	numbers := make([]string, 0, len(split))
	for n := range split {
		numbers = append(numbers, n)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM import_lines WHERE number = ANY($1)`, numbers)
	if err != nil {
		return 0, fmt.Errorf("import lines: %w", err)
	}
	next, err := src.Reopen()
	if err != nil {
		return 0, err
	}
	var readErr error
	n, unknown, err := s.copyLines(ctx, func() (stagedLine, bool) {
		for {
			r, err := next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				return stagedLine{}, false
			}
			if split[r.Order] {
				return stagedLine{row: r}, true
			}
		}
	})
	switch {
	case readErr != nil && !isInputErrors(readErr):
		return 0, readErr
	case err != nil:
		return 0, fmt.Errorf("import lines: load again: %w", err)
	}
	g.unknown += int(unknown)
	return int(n) - int(tag.RowsAffected()), nil
}
