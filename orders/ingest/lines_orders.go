package ingest

import (
	"fmt"
	"hash/maphash"

	"github.com/orderbot/orderbot/orders"
)

// OrderGroups reads a line-level orders export (see Profile.LineLevel) as
// the orders it holds: each order once, from its first row, the rows of an
// order being wherever they are in the file. A row whose order fields
// disagree with its order's first row is a bad row naming the column and
// both lines. It keeps a few dozen bytes per order, whatever the rows.
type OrderGroups struct {
	r     *Reader
	cols  []int // the order's columns (see orderColumns)
	seed  maphash.Seed
	first map[string]orderSeen
}

// orderSeen is what OrderGroups keeps of an order's first row: its line,
// a hash of its order cells, and a short hash of each, to name the one
// that disagrees.
type orderSeen struct {
	line  int
	sum   uint64
	cells string // two bytes a cell
}

// Groups returns the orders of r, a Reader of a line-level orders export.
func (r *Reader) Groups() *OrderGroups {
	g := &OrderGroups{r: r, seed: maphash.MakeSeed(), first: map[string]orderSeen{}}
	g.cols = g.orderColumns()
	return g
}

// Next returns the next order of the export, at its first row; io.EOF at
// the end. Errors are as Reader.Next's; a row's bad line fields make it a
// bad row too.
func (g *OrderGroups) Next() (orders.Entry, error) {
	for {
		cells, line, err := g.r.nextRow()
		if err != nil {
			return orders.Entry{}, err
		}
		e, _, err := g.r.entryWithLine(cells, line)
		if err != nil {
			return orders.Entry{}, err
		}
		seen := g.orderCells(cells, line)
		first, again := g.first[e.Number]
		if !again {
			g.first[e.Number] = seen
			return e, nil
		}
		if first.sum == seen.sum {
			continue
		}
		column := "the order fields"
		for i, col := range g.cols {
			if first.cells[2*i:2*i+2] != seen.cells[2*i:2*i+2] {
				column = fmt.Sprintf("column %q", g.r.headerName(col))
				break
			}
		}
		return orders.Entry{}, &RowError{File: g.r.name, Line: line, Problem: fmt.Sprintf(
			"%s: order %s has another value at line %d; every row of an order must give the same order fields",
			column, Clip(e.Number), first.line)}
	}
}

// orderColumns are the columns of the order's own fields: those of order
// fields, of blocks and of their reasons.
func (g *OrderGroups) orderColumns() []int {
	var cols []int
	for _, c := range g.r.col {
		if c >= 0 {
			cols = append(cols, c)
		}
	}
	for _, b := range g.r.blocks {
		cols = append(cols, b.col)
		if b.reason >= 0 {
			cols = append(cols, b.reason)
		}
	}
	return cols
}

// orderCells hashes the order cells of a row.
func (g *OrderGroups) orderCells(cells []string, line int) orderSeen {
	var all maphash.Hash
	all.SetSeed(g.seed)
	short := make([]byte, 0, 2*len(g.cols))
	for _, col := range g.cols {
		v := cell(cells, col)
		_, _ = all.WriteString(v)
		_ = all.WriteByte(0)
		h := maphash.String(g.seed, v)
		short = append(short, byte(h), byte(h>>8))
	}
	return orderSeen{line: line, sum: all.Sum64(), cells: string(short)}
}
