package postgres

import (
	"context"
	"errors"
	"fmt"
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
func (s *Store) ImportLines(ctx context.Context, req ImportRequest, src LineSource) (LinesReport, error) {
	return inImportTx(ctx, s, req.DryRun, func(tx *Store) (LinesReport, error) {
		var rep LinesReport
		clock := newPhases(&rep.Phases)
		run, err := tx.startRun(ctx, "lines", &req)
		rep.RunID, rep.AsOf, rep.Forced, rep.Previous = run.RunID, run.AsOf, run.Forced, run.Previous
		if err != nil {
			return rep, err
		}
		c, err := tx.replaceLines(ctx, req, Change{At: req.AsOf, Source: "import:" + req.Profile, ImportID: run.RunID}, src, clock)
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
func (s *Store) ReplaceOrderLines(ctx context.Context, req ImportRequest, rep *ImportReport, src LineSource) (LinesReport, error) {
	var lr LinesReport
	c, err := s.replaceLines(ctx, req, Change{At: rep.AsOf, Source: "import:" + req.Profile, ImportID: rep.RunID}, src, newPhases(&rep.Phases))
	lr.RunID, lr.AsOf, lr.Forced, lr.Previous = rep.RunID, rep.AsOf, rep.Forced, rep.Previous
	lr.Rows, lr.Orders, lr.Created, lr.Updated, lr.Unchanged = c.rows, c.orders, c.created, c.updated, c.unchanged
	lr.Removed, lr.Skipped, lr.SkippedOrders = c.removed, c.skipped, c.skippedOrders
	return lr, err
}

// inImportTx runs fn in a transaction of an import session (see
// inImportSession), rolled back when dry.
func inImportTx[R any](ctx context.Context, s *Store, dry bool, fn func(tx *Store) (R, error)) (R, error) {
	var rep R
	err := s.inImportSession(ctx, func(tx *Store) error {
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

// replaceLines stages the lines src yields, checks them, and replaces the
// lines of the orders they name.
func (s *Store) replaceLines(ctx context.Context, req ImportRequest, ch Change, src LineSource, clock func(string)) (lineCounts, error) {
	var c lineCounts
	// The comparison's statements join hundreds of thousands of lines:
	// hash joins in memory rather than in batches spilled to disk (the 4 MB
	// default split them in eight), and no JIT compilation, which cost a
	// quarter of a second a statement for plans run once.
	if _, err := s.db.Exec(ctx, `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`); err != nil {
		return c, fmt.Errorf("import lines: %w", err)
	}
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_lines (
			row_no integer, number text, line_no integer, item text, description text, quantity numeric(15, 3),
			available numeric(15, 3), restock_on date, shipped numeric(15, 3), carrier text, tracking text,
			number_hash bigint, digest bigint, order_id bigint, number_key text, first_line boolean
		) ON COMMIT DROP`); err != nil {
		return c, fmt.Errorf("import lines: %w", err)
	}
	g, staged, err := s.stageLines(ctx, src)
	c.rows = g.rows
	if err != nil {
		return c, err
	}
	clock("load")
	if err := s.knownLines(ctx, g.unknown); err != nil {
		return c, err
	}
	m, err := s.restageOtherSpellings(ctx, src, g)
	if err != nil {
		return c, err
	}
	staged += m
	// The lines of an order staged with its ID are together, and each
	// order is staged at most once so (see lineStager): their line numbers
	// were checked as they were read. An order whose lines are apart is
	// staged with its ID once for each group when bad rows kept the file
	// from being read again (see stageLines): its groups are compared here.
	if err := s.lineProblems(ctx, req, g.readErr, g.unknown > 0 || g.twice || len(g.split) > 0); err != nil {
		return c, err
	}
	if err := s.skippedLines(ctx, staged, g.unknown, &c); err != nil {
		return c, err
	}
	c.orders += g.unchangedOrders
	clock("check")
	if err := s.applyLines(ctx, ch, &c); err != nil {
		return c, err
	}
	clock("apply")
	return c, nil
}

// isInputErrors reports whether err is a file's bad rows.
func isInputErrors(err error) bool {
	var bad *orders.InputErrors
	return errors.As(err, &bad)
}

// knownLines makes import_lines_known: the staged lines of orders the
// portfolio has, with their order's ID (found by the digests, or else by
// the order's number as the ERP writes it, or else by the number as people
// type it, orders.NumberKey, when one order has that key: "SO1234" for
// SO-001234). unknown is how many lines were staged without their order's
// ID: none, and the staged lines are those, as they are.
func (s *Store) knownLines(ctx context.Context, unknown int) error {
	if unknown == 0 {
		// A small sample is enough for the planner to see the lines' size.
		if _, err := s.db.Exec(ctx, `ALTER TABLE import_lines RENAME TO import_lines_known;
			SET LOCAL default_statistics_target = 10; ANALYZE import_lines_known`); err != nil {
			return fmt.Errorf("import lines: %w", err)
		}
		return nil
	}
	const columns = `s.row_no, s.number, s.line_no, s.item, s.description, s.quantity, s.available, s.restock_on,
		s.shipped, s.carrier, s.tracking, s.number_hash, s.digest`
	const into = `INSERT INTO import_lines_known (order_id, row_no, number, line_no, item, description, quantity, available,
		restock_on, shipped, carrier, tracking, number_hash, digest)`
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_lines_known ON COMMIT DROP AS
			SELECT * FROM import_lines s WHERE s.order_id IS NOT NULL;
		CREATE TEMP TABLE import_lines_new ON COMMIT DROP AS SELECT * FROM import_lines WHERE order_id IS NULL;
		ANALYZE import_lines_new;
		`+into+` SELECT o.id, `+columns+`
			FROM import_lines_new s JOIN orders o ON o.number = s.number;
		`+into+` SELECT o.id, `+columns+`
			FROM import_lines_new s JOIN orders o ON o.number_key = s.number_key
			WHERE NOT EXISTS (SELECT FROM orders x WHERE x.number = s.number)
				AND NOT EXISTS (SELECT FROM orders y WHERE y.number_key = s.number_key AND y.id <> o.id);
		ANALYZE import_lines_known`); err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	return nil
}

// lineProblems gathers the export's problems: its bad rows, and (when
// twice) the lines of one order given twice, in line order and at most
// req.MaxProblems of them, as one *orders.InputErrors.
func (s *Store) lineProblems(ctx context.Context, req ImportRequest, readErr error, twice bool) error {
	max := req.MaxProblems
	if max <= 0 {
		max = 100
	}
	if !twice {
		return inputProblems(readErr, nil, max)
	}
	// The lines given twice are found by hashing, and only theirs are
	// sorted: an ordered aggregate over every line sorts each of them.
	rows, err := s.db.Query(ctx, `WITH twice AS (
			SELECT order_id, line_no FROM import_lines_known GROUP BY order_id, line_no HAVING count(*) > 1)
		SELECT rows[2], rows[1], number, line_no FROM (
			SELECT (array_agg(k.number ORDER BY k.row_no))[1] AS number, k.line_no, (array_agg(k.row_no ORDER BY k.row_no))[1:2] AS rows
			FROM import_lines_known k JOIN twice t ON t.order_id = k.order_id AND t.line_no = k.line_no
			GROUP BY k.order_id, k.line_no) d
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

// skippedLines lists the orders staged (import_line_orders: their ID, and
// the digest of their lines when they came in one group), counts the
// staged lines of orders the portfolio lacks (staged is how many lines
// were staged, unknown how many without their order's ID), and names the
// first few of those orders.
func (s *Store) skippedLines(ctx context.Context, staged, unknown int, c *lineCounts) error {
	// Every order staged with its ID is staged in one group, whose first
	// line is marked: no grouping. Otherwise the orders are grouped by
	// hashing (count(DISTINCT) sorts every line).
	list := `SELECT order_id, number_hash, digest FROM import_lines_known WHERE first_line`
	if unknown > 0 {
		list = `SELECT order_id, min(number_hash) AS number_hash,
				CASE WHEN count(digest) = count(*) AND min(digest) = max(digest) THEN min(digest) END AS digest
			FROM import_lines_known GROUP BY order_id`
	}
	tag, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_line_orders ON COMMIT DROP AS `+list)
	if err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	c.orders = int(tag.RowsAffected())
	if _, err := s.db.Exec(ctx, `ANALYZE import_line_orders`); err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	// Every line staged with its order's ID is known.
	known := staged
	if unknown > 0 {
		if err := s.db.QueryRow(ctx, `SELECT count(*) FROM import_lines_known`).Scan(&known); err != nil {
			return fmt.Errorf("import lines: %w", err)
		}
	}
	c.skipped = staged - known
	if c.skipped == 0 {
		return nil
	}
	rows, err := s.db.Query(ctx, `SELECT number FROM import_lines_new s
		WHERE NOT EXISTS (SELECT FROM import_lines_known k WHERE k.row_no = s.row_no)
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
// date is recorded in line_history. Only the lines of the orders staged
// are read.
func (s *Store) applyLines(ctx context.Context, ch Change, c *lineCounts) error {
	// What changes: the lines new, changed or removed, with what the store
	// had and where (ctid), reading only the lines of the orders staged
	// (import_line_orders, made by skippedLines) through the primary key,
	// in its order: the lines are written in order of their order (see
	// writeLineChanges), so that the lookups read the index and the table
	// forward, each page once. Looked up in no order, 250,000 orders'
	// lines in a table larger than shared_buffers took eight times as
	// long; a hash join over a sequential scan of the table, twice as long.
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE line_changes ON COMMIT DROP AS
		SELECT coalesce(k.order_id, l.order_id) AS order_id, coalesce(k.line_no, l.line_no) AS line_no, l.ctid AS line_ctid,
			k.item, k.description, k.quantity, k.available, k.restock_on, k.shipped, k.carrier, k.tracking,
			CASE WHEN l.order_id IS NULL THEN 'added' WHEN k.order_id IS NULL THEN 'removed' ELSE 'changed' END AS change,
			l.quantity AS quantity_before, l.shipped AS shipped_before, l.available AS available_before,
			l.restock_on AS restock_on_before
		FROM import_lines_known k
		FULL JOIN (SELECT l.* FROM (SELECT order_id FROM import_line_orders ORDER BY order_id) n
			CROSS JOIN LATERAL (SELECT l.ctid, l.* FROM order_lines l WHERE l.order_id = n.order_id OFFSET 0) l) l
		ON l.order_id = k.order_id AND l.line_no = k.line_no
		WHERE k.order_id IS NULL OR l.order_id IS NULL
			OR (l.item, l.description, l.quantity, l.available, l.restock_on, l.shipped, l.carrier, l.tracking)
			IS DISTINCT FROM (k.item, k.description, k.quantity, k.available, k.restock_on, k.shipped, k.carrier, k.tracking)`); err != nil {
		return fmt.Errorf("import lines: compare: %w", err)
	}
	if err := s.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE change = 'added'), count(*) FILTER (WHERE change = 'changed'),
			count(*) FILTER (WHERE change = 'removed') FROM line_changes`).Scan(&c.created, &c.updated, &c.removed); err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	c.unchanged = c.rows - c.skipped - c.created - c.updated
	// The import keeps the digests itself (see line_digests' triggers).
	if _, err := s.db.Exec(ctx, `SET LOCAL orderbot.lines_import = 'on'`); err != nil {
		return fmt.Errorf("import lines: %w", err)
	}
	if c.created+c.updated+c.removed > 0 {
		if err := s.writeLineChanges(ctx, ch); err != nil {
			return err
		}
	}
	// The digests of the orders staged whole, in one group, become theirs;
	// those of the orders staged otherwise (their lines apart, or pushed)
	// are forgotten.
	// One upsert through line_digests' primary key: an anti-join against
	// the table being written could be planned as a nested loop scanning
	// it whole for each order (quadratic in a first load, whose digests
	// table was empty when last analyzed).
	if _, err := s.db.Exec(ctx, `INSERT INTO line_digests AS d (order_id, number_hash, digest)
			SELECT order_id, number_hash, digest FROM import_line_orders n WHERE n.digest IS NOT NULL ORDER BY order_id
			ON CONFLICT (order_id) DO UPDATE SET number_hash = excluded.number_hash, digest = excluded.digest
			WHERE (d.number_hash, d.digest) IS DISTINCT FROM (excluded.number_hash, excluded.digest);
		DELETE FROM line_digests d WHERE d.order_id = ANY (ARRAY(SELECT order_id FROM import_line_orders WHERE digest IS NULL));
		SET LOCAL orderbot.lines_import = 'off'`); err != nil {
		return fmt.Errorf("import lines: digests: %w", err)
	}
	return nil
}

// writeLineChanges writes line_changes, and the history of the lines
// whose quantities or restock date changed. A changed line is updated in
// place, its order being the same.
func (s *Store) writeLineChanges(ctx context.Context, ch Change) error {
	if _, err := s.db.Exec(ctx, `INSERT INTO line_history (order_id, line_no, item, at, source, import_id,
			quantity_before, quantity, shipped_before, shipped, available_before, available, restock_on_before, restock_on)
		SELECT order_id, line_no, item, $1, $2, $3, quantity_before, quantity, shipped_before, shipped,
			available_before, available, restock_on_before, restock_on
		FROM line_changes
		WHERE change = 'changed' AND (quantity_before, shipped_before, available_before, restock_on_before)
			IS DISTINCT FROM (quantity, shipped, available, restock_on)`, ch.At, ch.Source, nullIfZero(ch.ImportID)); err != nil {
		return fmt.Errorf("import lines: history: %w", err)
	}
	// The stored lines are reached by where they are (their ctid, which
	// no one else changes meanwhile: every other writer of lines queues
	// behind the import's lock), in the table's order: a TID scan of a
	// sorted list, not a lookup through the primary key each.
	_, err := s.db.Exec(ctx, `DELETE FROM order_lines
			WHERE ctid = ANY (ARRAY(SELECT line_ctid FROM line_changes WHERE change = 'removed'));
		UPDATE order_lines l SET item = c.item, description = c.description, quantity = c.quantity, available = c.available,
			restock_on = c.restock_on, shipped = c.shipped, carrier = c.carrier, tracking = c.tracking
		FROM line_changes c
		WHERE l.ctid = ANY (ARRAY(SELECT line_ctid FROM line_changes WHERE change = 'changed'))
			AND c.change = 'changed' AND l.ctid = c.line_ctid;
		INSERT INTO order_lines (order_id, line_no, item, description, quantity, available, restock_on, shipped, carrier, tracking)
		SELECT order_id, line_no, item, description, quantity, available, restock_on, shipped, carrier, tracking
		FROM line_changes WHERE change = 'added' ORDER BY order_id, line_no`)
	if err != nil {
		return fmt.Errorf("import lines: write: %w", err)
	}
	return nil
}
