package ingest

import (
	"fmt"

	"github.com/orderbot/orderbot/orders"
)

// RowError is one bad row of a file: reading goes on past it, so that an
// import can report every bad row at once, and its message says where and
// what, as in
//
//	export.csv:12: column "Montant HT": "12,4,5" is not a number
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
}

// Error returns FILE:LINE: column "HEADER": PROBLEM.
func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Problem)
	}
	return fmt.Sprintf("%s:%d: column %q: %s", e.File, e.Line, e.Column, e.Problem)
}

// Unwrap presents the row error as an invalid-input orders.Error, so that
// orders.ErrorCode and orders.ErrorMessage treat it as a user's mistake.
func (e *RowError) Unwrap() error {
	return orders.Errorf(orders.EInvalid, "%s", e.Error())
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
