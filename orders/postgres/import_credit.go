package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// CreditRow is one customer's credit position as an export (or a push)
// states it: what ImportCredit applies. Its Credit.AsOf is not read: the
// import dates it.
type CreditRow struct {
	// Row is where the position was read (file line, or sheet row), for
	// messages.
	Row          int
	CustomerCode string
	Credit       orders.Credit
}

// CreditReport tells what a credit import did (or, dry, would do).
type CreditReport struct {
	RunID int64
	Rows  int
	// Created counts the customers given a position for the first time,
	// Updated those whose position changed, Unchanged the others.
	Created, Updated, Unchanged int
	// Skipped counts the rows naming a customer the portfolio lacks (one
	// without orders): left out, not an error. SkippedCustomers names the
	// first few, by their first row.
	Skipped          int
	SkippedCustomers []string
	// AsOf, Forced and Previous are as in ImportReport.
	AsOf     time.Time
	Forced   []string
	Previous ImportRun
	Phases   []Phase
}

// kindRun is the run of a lines or credit import, as import_runs records
// it.
type kindRun struct {
	RunID                                               int64
	AsOf                                                time.Time
	Forced                                              []string
	Previous                                            ImportRun
	Rows, Created, Updated, Unchanged, Removed, Skipped int
}

// startRun takes the lock that queues imports (orders, lines and credit
// alike: lines name orders, and one import's reading of the portfolio must
// not interleave with another's writing), checks the request's time as an
// orders import does against the last run of kind and profile, and records
// the run.
func (s *Store) startRun(ctx context.Context, kind string, req *ImportRequest) (kindRun, error) {
	var run kindRun
	if _, err := s.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('orderbot import orders', 0));
		SET LOCAL work_mem = '256MB'; SET LOCAL jit = off`); err != nil {
		return run, fmt.Errorf("import %s: %w", kind, err)
	}
	var rep ImportReport
	err := s.checkAsOf(ctx, kind, req, &rep)
	run.AsOf, run.Forced, run.Previous = rep.AsOf, rep.Forced, rep.Previous
	if err != nil {
		return run, err
	}
	if err := s.db.QueryRow(ctx, `INSERT INTO import_runs (kind, source, sha256, profile, as_of)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, kind, req.Source, req.SHA256, req.Profile, req.AsOf).
		Scan(&run.RunID); err != nil {
		return run, fmt.Errorf("import %s: record the run: %w", kind, err)
	}
	return run, nil
}

// finishKindRun records what the run did.
func (s *Store) finishKindRun(ctx context.Context, run kindRun) error {
	_, err := s.db.Exec(ctx, `UPDATE import_runs SET finished_at = clock_timestamp(), rows_read = $2, created = $3,
		updated = $4, unchanged = $5, removed = $6, skipped = $7, forced = $8 WHERE id = $1`,
		run.RunID, run.Rows, run.Created, run.Updated, run.Unchanged, run.Removed, run.Skipped, append([]string{}, run.Forced...))
	if err != nil {
		return fmt.Errorf("import: record the run: %w", err)
	}
	return nil
}

// ImportCredit applies a credit export to the customers in one
// transaction: each customer the export names gets its position, dated by
// the import's time. Rows naming a customer the portfolio lacks are counted
// and left out; customers the export does not name keep theirs. next
// yields the export's positions and io.EOF at the end; any other error (an
// *orders.InputErrors for bad rows) aborts the import, as does a customer
// given twice.
//
// Of req, Source, SHA256, Profile, AsOf, RefuseOlder, Zone, Force, DryRun
// and MaxProblems are read, as ImportLines reads them. Every position a
// customer is given, the first one included, gets a row of credit_history;
// a position the same as the customer's changes nothing but its as-of time
// (and nothing at all when that is the same): importing the same export
// twice changes nothing.
func (s *Store) ImportCredit(ctx context.Context, req ImportRequest, next func() (CreditRow, error)) (CreditReport, error) {
	return inImportTx(ctx, s, req.DryRun, func(tx *Store) (CreditReport, error) {
		var rep CreditReport
		clock := newPhases(&rep.Phases)
		run, err := tx.startRun(ctx, "credit", &req)
		rep.RunID, rep.AsOf, rep.Forced, rep.Previous = run.RunID, run.AsOf, run.Forced, run.Previous
		if err != nil {
			return rep, err
		}
		if err := tx.stageCredit(ctx, req, next, &rep); err != nil {
			return rep, err
		}
		clock("load")
		if err := tx.applyCredit(ctx, Change{At: req.AsOf, Source: "import:" + req.Profile, ImportID: run.RunID}, &rep); err != nil {
			return rep, err
		}
		clock("apply")
		run.Rows, run.Created, run.Updated, run.Unchanged, run.Skipped = rep.Rows, rep.Created, rep.Updated, rep.Unchanged, rep.Skipped
		err = tx.finishKindRun(ctx, run)
		clock("report")
		return rep, err
	})
}

// stageCredit loads the positions next yields into import_credit_known
// (those of known customers, with their IDs), checks them, and counts and
// names the skipped ones.
func (s *Store) stageCredit(ctx context.Context, req ImportRequest, next func() (CreditRow, error), rep *CreditReport) error {
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_credit (
			row_no integer, code text, credit_limit bigint, exposure bigint, overdue bigint, overdue_since date,
			currency text, account_hold boolean
		) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("import credit: %w", err)
	}
	var readErr error
	row := make([]any, 8)
	n, err := s.db.CopyFrom(ctx, pgx.Identifier{"import_credit"}, []string{"row_no", "code", "credit_limit", "exposure",
		"overdue", "overdue_since", "currency", "account_hold"}, pgx.CopyFromFunc(func() ([]any, error) {
		r, err := next()
		switch {
		case errors.Is(err, io.EOF):
			return nil, nil
		case err != nil:
			// Bad rows end the load as the end of the file does, so that
			// the problems the staged rows show are reported with them.
			readErr = err
			if isInputErrors(err) {
				return nil, nil
			}
			return nil, err
		}
		c := r.Credit
		row[0], row[1], row[2], row[3], row[4] = r.Row, r.CustomerCode, c.LimitCents, c.ExposureCents, c.OverdueCents
		row[5], row[6], row[7] = c.OverdueSince, c.Currency, c.AccountHold
		return row, nil
	}))
	rep.Rows = int(n)
	switch {
	case readErr != nil && !isInputErrors(readErr):
		return readErr
	case err != nil && readErr == nil:
		return fmt.Errorf("import credit: load: %w", err)
	}
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_credit_known ON COMMIT DROP AS
		SELECT c.id AS customer_id, s.row_no, s.code, s.credit_limit / 100.0 AS credit_limit, s.exposure / 100.0 AS exposure,
			s.overdue / 100.0 AS overdue, s.overdue_since, s.currency, s.account_hold
		FROM import_credit s JOIN customers c ON c.code = s.code`); err != nil {
		return fmt.Errorf("import credit: %w", err)
	}
	if err := s.creditProblems(ctx, req, readErr); err != nil {
		return err
	}
	var known int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM import_credit_known`).Scan(&known); err != nil {
		return fmt.Errorf("import credit: %w", err)
	}
	if rep.Skipped = rep.Rows - known; rep.Skipped == 0 {
		return nil
	}
	rows, err := s.db.Query(ctx, `SELECT code FROM import_credit s
		WHERE NOT EXISTS (SELECT FROM customers c WHERE c.code = s.code)
		GROUP BY code ORDER BY min(row_no) LIMIT $1`, maxSkippedNamed)
	if err != nil {
		return fmt.Errorf("import credit: %w", err)
	}
	if rep.SkippedCustomers, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return fmt.Errorf("import credit: %w", err)
	}
	return nil
}

// creditProblems gathers the export's problems: its bad rows, and the
// customers given twice, as lineProblems does.
func (s *Store) creditProblems(ctx context.Context, req ImportRequest, readErr error) error {
	max := req.MaxProblems
	if max <= 0 {
		max = 100
	}
	rows, err := s.db.Query(ctx, `SELECT rows[2], rows[1], code FROM (
			SELECT code, (array_agg(row_no ORDER BY row_no))[1:2] AS rows
			FROM import_credit_known GROUP BY code HAVING count(*) > 1) d
		ORDER BY rows[2] LIMIT $1`, max+1)
	if err != nil {
		return fmt.Errorf("import credit: %w", err)
	}
	var problems []orders.InputProblem
	for rows.Next() {
		var line, first int
		var code string
		if err := rows.Scan(&line, &first, &code); err != nil {
			return fmt.Errorf("import credit: %w", err)
		}
		problems = append(problems, orders.InputProblem{Line: line,
			Text: fmt.Sprintf("%s:%d: customer %s is given twice (first at line %d)", req.Source, line, code, first)})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("import credit: %w", err)
	}
	return inputProblems(readErr, problems, max)
}

// applyCredit writes the positions of known customers and their history,
// and counts what changed.
func (s *Store) applyCredit(ctx context.Context, ch Change, rep *CreditReport) error {
	if err := s.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE cr.customer_id IS NULL),
			count(*) FILTER (WHERE cr.customer_id IS NOT NULL AND (cr.credit_limit, cr.exposure, cr.overdue,
				cr.overdue_since, cr.currency, cr.account_hold) IS DISTINCT FROM
				(k.credit_limit, k.exposure, k.overdue, k.overdue_since, k.currency, k.account_hold))
		FROM import_credit_known k LEFT JOIN customer_credit cr ON cr.customer_id = k.customer_id`).
		Scan(&rep.Created, &rep.Updated); err != nil {
		return fmt.Errorf("import credit: compare: %w", err)
	}
	rep.Unchanged = rep.Rows - rep.Skipped - rep.Created - rep.Updated
	if _, err := s.db.Exec(ctx, `INSERT INTO credit_history (customer_id, at, source, import_id, credit_limit, exposure,
			overdue, overdue_since, currency, account_hold)
		SELECT k.customer_id, $1, $2, $3, k.credit_limit, k.exposure, k.overdue, k.overdue_since, k.currency, k.account_hold
		FROM import_credit_known k LEFT JOIN customer_credit cr ON cr.customer_id = k.customer_id
		WHERE (cr.credit_limit, cr.exposure, cr.overdue, cr.overdue_since, cr.currency, cr.account_hold) IS DISTINCT FROM
			(k.credit_limit, k.exposure, k.overdue, k.overdue_since, k.currency, k.account_hold)`,
		ch.At, ch.Source, nullIfZero(ch.ImportID)); err != nil {
		return fmt.Errorf("import credit: history: %w", err)
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO customer_credit AS cr (customer_id, credit_limit, exposure, overdue,
			overdue_since, currency, account_hold, as_of, import_id)
		SELECT customer_id, credit_limit, exposure, overdue, overdue_since, currency, account_hold, $1, $2
		FROM import_credit_known
		ON CONFLICT (customer_id) DO UPDATE SET credit_limit = excluded.credit_limit, exposure = excluded.exposure,
			overdue = excluded.overdue, overdue_since = excluded.overdue_since, currency = excluded.currency,
			account_hold = excluded.account_hold, as_of = excluded.as_of, import_id = excluded.import_id
		WHERE (cr.credit_limit, cr.exposure, cr.overdue, cr.overdue_since, cr.currency, cr.account_hold, cr.as_of)
			IS DISTINCT FROM (excluded.credit_limit, excluded.exposure, excluded.overdue, excluded.overdue_since,
				excluded.currency, excluded.account_hold, excluded.as_of)`, ch.At, nullIfZero(ch.ImportID)); err != nil {
		return fmt.Errorf("import credit: write: %w", err)
	}
	return nil
}
