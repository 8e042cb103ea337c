package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// LineRow is one order line as an export (or a push) states it: what
// ImportLines applies.
type LineRow struct {
	// Row is where the line was read (file line, or sheet row), for
	// messages.
	Row int
	// Order is the number of the line's order, as the ERP writes it.
	Order string
	Line  orders.Line
}

// LinesReport tells what a lines import did (or, dry, would do).
type LinesReport struct {
	RunID int64
	// Rows is how many lines the export gave; Orders, how many orders of
	// the portfolio they belong to.
	Rows   int
	Orders int
	// Created, Updated and Unchanged count the export's lines by what
	// they did to the portfolio; Removed counts the lines of the orders
	// named that the export no longer has, deleted.
	Created, Updated, Unchanged, Removed int
	// Skipped counts the rows naming an order the portfolio lacks (one
	// invoiced long ago, or not exported yet): left out, not an error.
	// SkippedOrders names the first few of those orders, by their first
	// row.
	Skipped       int
	SkippedOrders []string
	// AsOf, Forced and Previous are as in ImportReport.
	AsOf     time.Time
	Forced   []string
	Previous ImportRun
	Phases   []Phase
}

// lineCounts is what replacing lines did.
type lineCounts struct {
	rows, orders, created, updated, unchanged, removed, skipped int
	skippedOrders                                               []string
}

// maxSkippedNamed is how many skipped orders or customers a report names.
const maxSkippedNamed = 10

// ImportLines applies a lines export to the portfolio in one transaction:
// the lines of every order the export names are replaced by the export's,
// so that a line the ERP dropped is dropped here too. Rows naming an order
// the portfolio lacks are counted and left out. next yields the export's
// lines and io.EOF at the end; any other error (an *orders.InputErrors for
// bad rows) aborts the import, as does a line of an order given twice.
//
// Of req, Source, SHA256, Profile, AsOf, RefuseOlder, Zone, Force, DryRun
// and MaxProblems are read: the import queues behind other imports, is
// dated and checked against the last lines import of its profile as an
// orders import is, and is recorded as a run. Each line whose quantities or
// restock date changed gets a row of line_history. The lines stream
// through COPY and are compared by set-based SQL, so that only the lines
// that changed are written: importing the same export twice changes
// nothing.
func (s *Store) ImportLines(ctx context.Context, req ImportRequest, next func() (LineRow, error)) (LinesReport, error) {
	return inImportTx(ctx, s, req.DryRun, func(tx *Store) (LinesReport, error) {
		var rep LinesReport
		clock := newPhases(&rep.Phases)
		run, err := tx.startRun(ctx, "lines", &req)
		rep.RunID, rep.AsOf, rep.Forced, rep.Previous = run.RunID, run.AsOf, run.Forced, run.Previous
		if err != nil {
			return rep, err
		}
		c, err := tx.replaceLines(ctx, req, Change{At: req.AsOf, Source: "import:" + req.Profile, ImportID: run.RunID}, next, clock)
		rep.Rows, rep.Orders, rep.Created, rep.Updated, rep.Unchanged = c.rows, c.orders, c.created, c.updated, c.unchanged
		rep.Removed, rep.Skipped, rep.SkippedOrders = c.removed, c.skipped, c.skippedOrders
		if err != nil {
			return rep, err
		}
		run.Rows, run.Created, run.Updated, run.Unchanged, run.Removed, run.Skipped = c.rows, c.created, c.updated, c.unchanged, c.removed, c.skipped
		err = tx.finishKindRun(ctx, run)
		clock("report")
		return rep, err
	})
}

// ReplaceOrderLines replaces the lines of the orders lines names, as
// ImportLines does, within an orders import (in ImportRequest.Then): the
// history rows name the orders import's run.
func (s *Store) ReplaceOrderLines(ctx context.Context, req ImportRequest, rep *ImportReport, next func() (LineRow, error)) (LinesReport, error) {
	var lr LinesReport
	c, err := s.replaceLines(ctx, req, Change{At: rep.AsOf, Source: "import:" + req.Profile, ImportID: rep.RunID}, next, newPhases(&rep.Phases))
	lr.RunID, lr.AsOf, lr.Forced, lr.Previous = rep.RunID, rep.AsOf, rep.Forced, rep.Previous
	lr.Rows, lr.Orders, lr.Created, lr.Updated, lr.Unchanged = c.rows, c.orders, c.created, c.updated, c.unchanged
	lr.Removed, lr.Skipped, lr.SkippedOrders = c.removed, c.skipped, c.skippedOrders
	return lr, err
}

// inImportTx runs fn in a transaction, rolled back when dry.
func inImportTx[R any](ctx context.Context, s *Store, dry bool, fn func(tx *Store) (R, error)) (R, error) {
	var rep R
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		rep, err = fn(tx)
		if err == nil && dry {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return rep, err
}

// newPhases returns a function that records, under a name, the time since
// it was last called.
func newPhases(phases *[]Phase) func(name string) {
	last := time.Now()
	return func(name string) {
		now := time.Now()
		*phases = append(*phases, Phase{Name: name, Took: now.Sub(last)})
		last = now
	}
}

// replaceLines stages the lines next yields, checks them, and replaces the
// lines of the orders they name.
func (s *Store) replaceLines(ctx context.Context, req ImportRequest, ch Change, next func() (LineRow, error), clock func(string)) (lineCounts, error) {
	var c lineCounts
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_lines (
			row_no integer, number text, line_no integer, item text, description text, quantity float8,
			available float8, restock_on date, shipped float8, carrier text, tracking text
		) ON COMMIT DROP`); err != nil {
		return c, fmt.Errorf("import lines: %w", err)
	}
	var readErr error
	n, err := s.db.CopyFrom(ctx, pgx.Identifier{"import_lines"}, []string{"row_no", "number", "line_no", "item",
		"description", "quantity", "available", "restock_on", "shipped", "carrier", "tracking"}, lineSource(next, &readErr))
	c.rows = int(n)
	switch {
	case readErr != nil && !isInputErrors(readErr):
		return c, readErr
	case err != nil && readErr == nil:
		return c, fmt.Errorf("import lines: load: %w", err)
	}
	clock("load")
	// The lines of orders the portfolio has, with their order's ID and
	// their quantities as the store holds them.
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_lines_known ON COMMIT DROP AS
		SELECT o.id AS order_id, s.row_no, s.number, s.line_no, s.item, s.description,
			s.quantity::numeric(15, 3) AS quantity, s.available::numeric(15, 3) AS available, s.restock_on,
			s.shipped::numeric(15, 3) AS shipped, s.carrier, s.tracking
		FROM import_lines s JOIN orders o ON o.number = s.number;
		ANALYZE import_lines_known`); err != nil {
		return c, fmt.Errorf("import lines: %w", err)
	}
	if err := s.lineProblems(ctx, req, readErr); err != nil {
		return c, err
	}
	if err := s.skippedLines(ctx, &c); err != nil {
		return c, err
	}
	clock("check")
	if err := s.applyLines(ctx, ch, &c); err != nil {
		return c, err
	}
	clock("apply")
	return c, nil
}

// lineSource feeds COPY from next; what next ended with, other than
// io.EOF, is kept in readErr.
func lineSource(next func() (LineRow, error), readErr *error) pgx.CopyFromSource {
	row := make([]any, 11)
	return pgx.CopyFromFunc(func() ([]any, error) {
		r, err := next()
		switch {
		case errors.Is(err, io.EOF):
			return nil, nil
		case err != nil:
			// Bad rows end the load as the end of the file does, so that
			// the problems the staged rows show are reported with them.
			*readErr = err
			if isInputErrors(err) {
				return nil, nil
			}
			return nil, err
		}
		l := r.Line
		row[0], row[1], row[2], row[3], row[4] = r.Row, r.Order, l.Number, l.Item, l.Description
		row[5], row[6], row[7], row[8], row[9], row[10] = l.Quantity, l.Available, l.RestockOn, l.Shipped, l.Carrier, l.Tracking
		return row, nil
	})
}

// isInputErrors reports whether err is a file's bad rows.
func isInputErrors(err error) bool {
	var bad *orders.InputErrors
	return errors.As(err, &bad)
}

// lineProblems gathers the export's problems: its bad rows, and the lines
// of one order given twice, in line order and at most req.MaxProblems of
// them, as one *orders.InputErrors.
func (s *Store) lineProblems(ctx context.Context, req ImportRequest, readErr error) error {
	max := req.MaxProblems
	if max <= 0 {
		max = 100
	}
	rows, err := s.db.Query(ctx, `SELECT rows[2], rows[1], number, line_no FROM (
			SELECT number, line_no, (array_agg(row_no ORDER BY row_no))[1:2] AS rows
			FROM import_lines_known GROUP BY number, line_no HAVING count(*) > 1) d
		ORDER BY rows[2] LIMIT $1`, max+1)
	if err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	var problems []orders.InputProblem
	for rows.Next() {
		var line, first, no int
		var number string
		if err := rows.Scan(&line, &first, &number, &no); err != nil {
			return fmt.Errorf("import lines: %w", err)
		}
		problems = append(problems, orders.InputProblem{Line: line,
			Text: fmt.Sprintf("%s:%d: line %d of order %s is given twice (first at line %d)", req.Source, line, no, number, first)})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	return inputProblems(readErr, problems, max)
}

// inputProblems joins the bad rows of readErr (an *orders.InputErrors, or
// nil) and further problems, in line order, at most max of them; nil when
// there are none.
func inputProblems(readErr error, problems []orders.InputProblem, max int) error {
	var bad *orders.InputErrors
	more := 0
	if errors.As(readErr, &bad) {
		problems = append(problems, bad.Problems...)
		more = bad.More
	}
	if len(problems) == 0 {
		return nil
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	if len(problems) > max {
		more += len(problems) - max
		problems = problems[:max]
	}
	return &orders.InputErrors{Problems: problems, More: more}
}

// skippedLines counts the staged lines of orders the portfolio lacks, and
// names the first few of those orders.
func (s *Store) skippedLines(ctx context.Context, c *lineCounts) error {
	var known int
	if err := s.db.QueryRow(ctx, `SELECT count(*), count(DISTINCT order_id) FROM import_lines_known`).Scan(&known, &c.orders); err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	c.skipped = c.rows - known
	if c.skipped == 0 {
		return nil
	}
	rows, err := s.db.Query(ctx, `SELECT number FROM import_lines s
		WHERE NOT EXISTS (SELECT FROM orders o WHERE o.number = s.number)
		GROUP BY number ORDER BY min(row_no) LIMIT $1`, maxSkippedNamed)
	if err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	c.skippedOrders, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	return nil
}

// applyLines writes the staged lines of known orders: the new and changed
// ones replace what the store has, the lines of those orders the export
// lacks are deleted, and each change of a line's quantities or restock
// date is recorded in line_history.
func (s *Store) applyLines(ctx context.Context, ch Change, c *lineCounts) error {
	// The lines that are new or differ, with what the store had.
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE line_changes ON COMMIT DROP AS
		SELECT k.*, l.line_no IS NULL AS added, l.quantity AS quantity_before, l.shipped AS shipped_before,
			l.available AS available_before, l.restock_on AS restock_on_before
		FROM import_lines_known k
		LEFT JOIN order_lines l ON l.order_id = k.order_id AND l.line_no = k.line_no
		WHERE l.line_no IS NULL
			OR (l.item, l.description, l.quantity, l.available, l.restock_on, l.shipped, l.carrier, l.tracking)
			IS DISTINCT FROM (k.item, k.description, k.quantity, k.available, k.restock_on, k.shipped, k.carrier, k.tracking)`); err != nil {
		return fmt.Errorf("import lines: compare: %w", err)
	}
	tag, err := s.db.Exec(ctx, `DELETE FROM order_lines l
		USING (SELECT DISTINCT order_id FROM import_lines_known) n
		WHERE l.order_id = n.order_id
			AND NOT EXISTS (SELECT FROM import_lines_known k WHERE k.order_id = l.order_id AND k.line_no = l.line_no)`)
	if err != nil {
		return fmt.Errorf("import lines: remove: %w", err)
	}
	c.removed = int(tag.RowsAffected())
	if err := s.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM line_changes`).
		Scan(&c.created, &c.updated); err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	c.unchanged = c.rows - c.skipped - c.created - c.updated
	if c.created+c.updated == 0 {
		return nil
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO line_history (order_id, line_no, item, at, source, import_id,
			quantity_before, quantity, shipped_before, shipped, available_before, available, restock_on_before, restock_on)
		SELECT order_id, line_no, item, $1, $2, $3, quantity_before, quantity, shipped_before, shipped,
			available_before, available, restock_on_before, restock_on
		FROM line_changes
		WHERE NOT added AND (quantity_before, shipped_before, available_before, restock_on_before)
			IS DISTINCT FROM (quantity, shipped, available, restock_on)`, ch.At, ch.Source, nullIfZero(ch.ImportID)); err != nil {
		return fmt.Errorf("import lines: history: %w", err)
	}
	_, err = s.db.Exec(ctx, `DELETE FROM order_lines l USING line_changes c
			WHERE NOT c.added AND l.order_id = c.order_id AND l.line_no = c.line_no;
		INSERT INTO order_lines (order_id, line_no, item, description, quantity, available, restock_on, shipped, carrier, tracking)
		SELECT order_id, line_no, item, description, quantity, available, restock_on, shipped, carrier, tracking
		FROM line_changes`)
	if err != nil {
		return fmt.Errorf("import lines: write: %w", err)
	}
	return nil
}
