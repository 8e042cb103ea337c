package ingest

import (
	"fmt"
	"strings"

	"github.com/orderbot/orderbot/orders"
)

// RowError is one bad row of a file: reading goes on past it, so that an
// import can report every bad row at once, and its message says where and
// what, as in
//
//	export.csv:12: column "Montant HT": "12,4,5" is not a number
//
// A row with several problems is reported once: its first few problems
// (More holds the others shown) and how many more there are (Hidden).
type RowError struct {
	File string
	// Line is the file's line where the row starts (CSV), or the sheet's
	// row number (XLSX).
	Line int
	// Column is the header text of the column at fault; empty when the
	// problem is the row as a whole.
	Column string
	// Value is the cell's text as read, when a cell is at fault.
	Value string
	// Problem says what is wrong, in words a user can act on.
	Problem string
	// More are the row's next problems, up to two.
	More []CellProblem
	// Hidden counts the row's problems left out of the message.
	Hidden int
}

// CellProblem is one problem of a row: where (a column's header text, or
// "" for the row as a whole), the cell's text and what.
type CellProblem struct {
	Column  string
	Value   string
	Problem string
}

// text writes the problem as a message does.
func (p CellProblem) text() string {
	if p.Column == "" {
		return p.Problem
	}
	return fmt.Sprintf("column %q: %s", p.Column, p.Problem)
}

// Error returns FILE:LINE: column "HEADER": PROBLEM, then the row's other
// problems shown, then how many more there are.
func (e *RowError) Error() string {
	parts := []string{CellProblem{Column: e.Column, Problem: e.Problem}.text()}
	for _, p := range e.More {
		parts = append(parts, p.text())
	}
	if e.Hidden > 0 {
		parts = append(parts, fmt.Sprintf("and %s on this line", plural(e.Hidden, "more problem")))
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, strings.Join(parts, "; "))
}

// Unwrap presents the row error as an invalid-input orders.Error, so that
// orders.ErrorCode and orders.ErrorMessage treat it as a user's mistake.
func (e *RowError) Unwrap() error {
	return orders.Errorf(orders.EInvalid, "%s", e.Error())
}

// shownProblems is how many problems of a row its message shows.
const shownProblems = 3

// rowProblems collects a row's problems.
type rowProblems struct {
	shown  []CellProblem
	hidden int
}

// add records a problem.
func (p *rowProblems) add(column, value, format string, args ...any) {
	if len(p.shown) == shownProblems {
		p.hidden++
		return
	}
	p.shown = append(p.shown, CellProblem{Column: column, Value: value, Problem: fmt.Sprintf(format, args...)})
}

// err returns the row's *RowError, or nil when it has no problem.
func (p *rowProblems) err(file string, line int) error {
	if len(p.shown) == 0 {
		return nil
	}
	first := p.shown[0]
	e := &RowError{File: file, Line: line, Column: first.Column, Value: first.Value, Problem: first.Problem, Hidden: p.hidden}
	if len(p.shown) > 1 {
		e.More = p.shown[1:]
	}
	return e
}

// fileError is a problem with a file as a whole: one line naming it.
func fileError(name, format string, args ...any) error {
	return orders.Errorf(orders.EInvalid, "%s: %s", name, fmt.Sprintf(format, args...))
}

// lineError is a problem that stops reading a file at one of its lines:
// one line naming both.
func lineError(name string, line int, format string, args ...any) error {
	return orders.Errorf(orders.EInvalid, "%s:%d: %s", name, line, fmt.Sprintf(format, args...))
}
