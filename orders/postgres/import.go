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

// ImportRequest says what an orders import is and how to apply it.
type ImportRequest struct {
	Source  string // the file's name, for the run and for messages
	SHA256  string // the file's hash, recorded with the run
	Profile string
	// Snapshot makes the file the whole open portfolio: open orders absent
	// from it are closed as invoiced. Otherwise the import only inserts and
	// updates.
	Snapshot bool
	// AsOf is when the ERP extracted the data: the time of every change.
	AsOf time.Time
	// MaxCloseShare refuses a snapshot that would close more than this
	// share of the open portfolio, unless Force.
	MaxCloseShare float64
	Force         bool
	// DryRun works everything out and reports it, then writes nothing.
	DryRun   bool
	PeopleBy orders.PeopleKey
	// NumberColumn is the header of the order number column, for messages.
	NumberColumn string
	// MaxProblems bounds the problems reported.
	MaxProblems int
}

// ImportReport tells what an import did (or, dry, would do).
type ImportReport struct {
	RunID     int64
	Rows      int
	Created   int
	Updated   int
	Unchanged int
	Closed    int
	// Transitions counts the orders that entered each status.
	Transitions map[orders.Status]int
	// Placeholders are the people orders named that the directory did not
	// hold: created as placeholders, to be completed by a people import.
	Placeholders []string
	// Alerts is how many alert events were queued.
	Alerts int
	// FirstLoad tells that the portfolio was empty before: no alert is
	// queued for orders that were blocked before orderbot knew them.
	FirstLoad bool
}

// ImportOrders applies an ERP export to the portfolio in one transaction:
// everything or nothing. next yields the export's entries and io.EOF at the
// end; any other error (an *orders.InputErrors for bad rows) aborts the
// import, as do order numbers appearing twice in the export.
//
// The entries stream through COPY into a temporary table; changes are then
// found and written by set-based SQL, so that memory stays flat whatever the
// size of the export and only the orders that changed are written. Each
// order whose status or blocks changed gets a history row, and each
// transition into a blocked status an alert event, in the same transaction;
// importing the same export twice changes nothing.
func (s *Store) ImportOrders(ctx context.Context, req ImportRequest, next func() (orders.Entry, error)) (ImportReport, error) {
	rep := ImportReport{Transitions: map[orders.Status]int{}}
	if req.AsOf.IsZero() {
		req.AsOf = time.Now()
	}
	if req.MaxProblems <= 0 {
		req.MaxProblems = 100
	}
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		rep, err = tx.importOrders(ctx, req, next)
		if err == nil && req.DryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return rep, err
}

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

// importColumns are the staging table's columns, in COPY order.
var importColumns = []string{"line", "number", "number_key", "customer_code", "customer_code_key", "customer_name", "customer_ref",
	"customer_ref_key", "rep", "assistant", "status", "block_kinds", "block_reasons", "block_releases", "block_reason",
	"amount", "currency", "ordered_on", "requested_on", "promised_on", "expected_release"}

func (s *Store) importOrders(ctx context.Context, req ImportRequest, next func() (orders.Entry, error)) (ImportReport, error) {
	rep := ImportReport{Transitions: map[orders.Status]int{}}
	mode := "incremental"
	if req.Snapshot {
		mode = "snapshot"
	}
	// Imports of orders queue one behind the other: two at once would each
	// see the other's orders as absent.
	if _, err := s.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('orderbot import orders', 0))`); err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	if err := s.db.QueryRow(ctx, `INSERT INTO import_runs (kind, source, sha256, profile, mode, as_of)
		VALUES ('orders', $1, $2, $3, $4, $5) RETURNING id`, req.Source, req.SHA256, req.Profile, mode, req.AsOf).
		Scan(&rep.RunID); err != nil {
		return rep, fmt.Errorf("import: record the run: %w", err)
	}
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_rows (
			line integer, number text, number_key text, customer_code text, customer_code_key text, customer_name text,
			customer_ref text, customer_ref_key text, rep text, assistant text, status text,
			block_kinds text[], block_reasons text[], block_releases date[], block_reason text,
			amount numeric(15, 2), currency text, ordered_on date, requested_on date, promised_on date,
			expected_release date
		) ON COMMIT DROP`); err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}

	// Stream the export into the staging table.
	var readErr error
	src := pgx.CopyFromFunc(func() ([]any, error) {
		e, err := next()
		if err != nil {
			readErr = err
			return nil, nil
		}
		rep.Rows++
		return entryRow(e), nil
	})
	if _, err := s.db.CopyFrom(ctx, pgx.Identifier{"import_rows"}, importColumns, src); err != nil {
		return rep, fmt.Errorf("import: load the export: %w", err)
	}
	problems, err := s.duplicateNumbers(ctx, req)
	if err != nil {
		return rep, err
	}
	if readErr != nil && !errors.Is(readErr, io.EOF) {
		var bad *orders.InputErrors
		if !errors.As(readErr, &bad) {
			return rep, readErr
		}
		problems = append(problems, bad.Problems...)
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		more := bad.More
		if len(problems) > req.MaxProblems {
			more += len(problems) - req.MaxProblems
			problems = problems[:req.MaxProblems]
		}
		return rep, &orders.InputErrors{Problems: problems, More: more}
	}
	if len(problems) > 0 {
		return rep, &orders.InputErrors{Problems: problems}
	}
	if _, err := s.db.Exec(ctx, `ANALYZE import_rows`); err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}

	var open int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM orders WHERE closed_at IS NULL`).Scan(&open); err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	empty, err := s.Empty(ctx)
	if err != nil {
		return rep, err
	}
	rep.FirstLoad = empty

	if err := s.importCustomers(ctx); err != nil {
		return rep, err
	}
	if rep.Placeholders, err = s.importPeopleKeys(ctx, req.PeopleBy); err != nil {
		return rep, err
	}
	if err := s.findChanges(ctx, req); err != nil {
		return rep, err
	}
	if req.Snapshot {
		if rep.Closed, err = s.countAbsent(ctx); err != nil {
			return rep, err
		}
		if open > 0 && !req.Force && float64(rep.Closed) > req.MaxCloseShare*float64(open) {
			return rep, orders.Errorf(orders.EInvalid,
				"%s would close %d of the %d open orders (%.0f%%), more than import.max_close_share (%.0f%%): is the export complete? Use --force to import it anyway",
				req.Source, rep.Closed, open, 100*float64(rep.Closed)/float64(open), 100*req.MaxCloseShare)
		}
	}
	if err := s.applyChanges(ctx, req, rep.RunID); err != nil {
		return rep, err
	}
	if err := s.importCounts(ctx, &rep); err != nil {
		return rep, err
	}
	if !rep.FirstLoad {
		tag, err := s.db.Exec(ctx, `INSERT INTO alert_events (order_id, import_id, from_status, to_status, reason, at)
			SELECT order_id, import_id, from_status, to_status, reason, at FROM status_history
			WHERE import_id = $1 AND to_status = ANY($2) AND from_status IS DISTINCT FROM to_status`,
			rep.RunID, statusStrings(orders.BlockedStatuses()))
		if err != nil {
			return rep, fmt.Errorf("import: queue alerts: %w", err)
		}
		rep.Alerts = int(tag.RowsAffected())
	}
	_, err = s.db.Exec(ctx, `UPDATE import_runs SET finished_at = clock_timestamp(), rows_read = $2, created = $3,
		updated = $4, unchanged = $5, closed = $6, placeholders = $7, alerts = $8 WHERE id = $1`,
		rep.RunID, rep.Rows, rep.Created, rep.Updated, rep.Unchanged, rep.Closed, len(rep.Placeholders), rep.Alerts)
	if err != nil {
		return rep, fmt.Errorf("import: record the run: %w", err)
	}
	return rep, nil
}

// entryRow is e as a row of the staging table. Blocks are sorted by kind, as
// the change detection compares them.
func entryRow(e orders.Entry) []any {
	blocks := append([]orders.Block(nil), e.Blocks...)
	sort.Slice(blocks, func(i, j int) bool { return blocks[i].Kind < blocks[j].Kind })
	kinds := make([]string, len(blocks))
	reasons := make([]string, len(blocks))
	releases := make([]*time.Time, len(blocks))
	for i, b := range blocks {
		kinds[i], reasons[i], releases[i] = string(b.Kind), b.Reason, b.ExpectedRelease
	}
	return []any{e.Line, e.Number, orders.NumberKey(e.Number), e.CustomerCode, orders.NumberKey(e.CustomerCode), e.CustomerName, e.CustomerRef,
		orders.NumberKey(e.CustomerRef), e.Rep, e.Assistant, string(e.Status), kinds, reasons, releases, e.BlockReason,
		centsToNumeric(e.AmountCents), e.Currency, e.OrderedOn, e.RequestedOn, e.PromisedOn, e.ExpectedRelease}
}

// duplicateNumbers reports the order numbers the export holds twice.
func (s *Store) duplicateNumbers(ctx context.Context, req ImportRequest) ([]orders.InputProblem, error) {
	rows, err := s.db.Query(ctx, `SELECT number, lines[1], unnest(lines[2:]) FROM (
			SELECT number, array_agg(line ORDER BY line) AS lines FROM import_rows
			GROUP BY number HAVING count(*) > 1) d
		ORDER BY 3 LIMIT $1`, req.MaxProblems)
	if err != nil {
		return nil, fmt.Errorf("import: look for duplicates: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.InputProblem, error) {
		var number string
		var first, line int
		err := r.Scan(&number, &first, &line)
		return orders.InputProblem{Line: line, Text: fmt.Sprintf("%s:%d: column %q: order %s appears twice (first on line %d)",
			req.Source, line, req.NumberColumn, number, first)}, err
	})
}

// importCustomers creates the customers the export names that the store
// does not hold, and renames those whose name changed. Only changes are
// written.
func (s *Store) importCustomers(ctx context.Context) error {
	_, err := s.db.Exec(ctx, `
		CREATE TEMP TABLE import_customers ON COMMIT DROP AS
		SELECT customer_code AS code, min(customer_code_key) AS code_key,
			coalesce(nullif(max(customer_name), ''), customer_code) AS name, max(customer_name) <> '' AS named
		FROM import_rows GROUP BY customer_code;
		INSERT INTO customers (code, code_key, name)
		SELECT i.code, i.code_key, i.name FROM import_customers i
		WHERE NOT EXISTS (SELECT FROM customers c WHERE c.code = i.code)
		ORDER BY i.code;
		UPDATE customers c SET name = i.name, updated_at = now()
		FROM import_customers i WHERE c.code = i.code AND i.named AND c.name <> i.name`)
	if err != nil {
		return fmt.Errorf("import: customers: %w", err)
	}
	return nil
}

// importPeopleKeys maps every person the export names (by e-mail, code or
// name) to the directory, creating placeholders for those it does not hold.
// It returns the placeholders' keys.
func (s *Store) importPeopleKeys(ctx context.Context, by orders.PeopleKey) ([]string, error) {
	match := map[orders.PeopleKey]string{
		orders.ByEmail: "lower(p.email) = lower(k.key)",
		orders.ByCode:  "p.code = k.key",
		orders.ByName:  "lower(p.name) = lower(k.key)",
	}[by]
	if match == "" {
		return nil, orders.Errorf(orders.EInvalid, "%q is not a way to name people (email, code, name)", by)
	}
	_, err := s.db.Exec(ctx, `
		CREATE TEMP TABLE import_people ON COMMIT DROP AS
		SELECT DISTINCT ON (key) key, role, NULL::bigint AS id FROM (
			SELECT rep AS key, 'rep' AS role, 1 AS pref FROM import_rows WHERE rep <> '' GROUP BY rep
			UNION ALL
			SELECT assistant, 'assistant', 2 FROM import_rows WHERE assistant <> '' GROUP BY assistant
		) k ORDER BY key, pref;
		UPDATE import_people k SET id = (SELECT p.id FROM people p WHERE `+match+`
			ORDER BY p.placeholder, p.id LIMIT 1)`)
	if err != nil {
		return nil, fmt.Errorf("import: people: %w", err)
	}
	var email, code string
	switch by {
	case orders.ByEmail:
		email = "k.key"
	case orders.ByCode:
		code = "k.key"
	}
	insert := `WITH created AS (
			INSERT INTO people (email, name, role, code, placeholder)
			SELECT ` + orNull(email) + `, k.key, k.role, ` + orEmpty(code) + `, true
			FROM import_people k WHERE k.id IS NULL ORDER BY k.key
			RETURNING id, ` + personKeyExpr(by) + ` AS key)
		UPDATE import_people k SET id = c.id FROM created c WHERE k.key = c.key RETURNING k.key`
	rows, err := s.db.Query(ctx, insert)
	if err != nil {
		return nil, fmt.Errorf("import: placeholders: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("import: placeholders: %w", err)
	}
	sort.Strings(keys)
	return keys, nil
}

func orNull(expr string) string {
	if expr == "" {
		return "NULL"
	}
	return expr
}

func orEmpty(expr string) string {
	if expr == "" {
		return "''"
	}
	return expr
}

func personKeyExpr(by orders.PeopleKey) string {
	switch by {
	case orders.ByEmail:
		return "email"
	case orders.ByCode:
		return "code"
	}
	return "name"
}

// findChanges writes into import_changes the rows of the export that are new
// orders or differ from the stored ones, with what they resolve to.
func (s *Store) findChanges(ctx context.Context, req ImportRequest) error {
	_, err := s.db.Exec(ctx, `
		CREATE TEMP TABLE import_blocks ON COMMIT DROP AS
		SELECT b.order_id, array_agg(b.kind ORDER BY b.kind) AS kinds,
			array_agg(b.reason ORDER BY b.kind) AS reasons,
			array_agg(b.expected_release ORDER BY b.kind) AS releases
		FROM order_blocks b GROUP BY b.order_id;
		CREATE UNIQUE INDEX ON import_blocks (order_id);
		CREATE TEMP TABLE import_changes ON COMMIT DROP AS
		SELECT r.*, c.id AS customer_id, rp.id AS rep_id, ap.id AS assistant_id,
			o.id AS order_id, o.status AS old_status,
			(o.id IS NULL) AS is_new,
			(o.id IS NULL OR o.status <> r.status OR coalesce(ob.kinds, '{}') <> r.block_kinds) AS status_changed
		FROM import_rows r
		JOIN customers c ON c.code = r.customer_code
		LEFT JOIN import_people rp ON rp.key = r.rep AND r.rep <> ''
		LEFT JOIN import_people ap ON ap.key = r.assistant AND r.assistant <> ''
		LEFT JOIN orders o ON o.number = r.number
		LEFT JOIN import_blocks ob ON ob.order_id = o.id
		WHERE o.id IS NULL
			OR (o.customer_id, o.customer_ref, o.rep_id, o.assistant_id, o.status, o.block_reason, o.amount,
				o.currency, o.ordered_on, o.requested_on, o.promised_on, o.expected_release)
			IS DISTINCT FROM
				(c.id, r.customer_ref, rp.id, ap.id, r.status, r.block_reason, r.amount,
				r.currency, r.ordered_on, r.requested_on, r.promised_on, r.expected_release)
			OR (coalesce(ob.kinds, '{}'), coalesce(ob.reasons, '{}'), coalesce(ob.releases, '{}'))
				IS DISTINCT FROM (r.block_kinds, r.block_reasons, r.block_releases)`)
	if err != nil {
		return fmt.Errorf("import: find changes: %w", err)
	}
	return nil
}

// countAbsent counts the open orders a snapshot does not hold.
func (s *Store) countAbsent(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM orders o WHERE o.closed_at IS NULL
		AND NOT EXISTS (SELECT FROM import_rows r WHERE r.number = o.number)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("import: count absent orders: %w", err)
	}
	return n, nil
}

// applyChanges writes the new and changed orders, their blocks, the closing
// of absent ones (snapshots), and the history of every change of status or
// blocks.
func (s *Store) applyChanges(ctx context.Context, req ImportRequest, runID int64) error {
	closed := statusStrings(orders.ClosedStatuses())
	source := "import"
	if req.Profile != "" {
		source += ":" + req.Profile
	}
	batch := &pgx.Batch{}
	// New orders.
	batch.Queue(`WITH created AS (
			INSERT INTO orders (number, number_key, customer_id, customer_ref, customer_ref_key, rep_id, assistant_id,
				status, block_reason, status_since, expected_release, amount, currency, ordered_on, requested_on,
				promised_on, closed_at)
			SELECT number, number_key, customer_id, customer_ref, customer_ref_key, rep_id, assistant_id,
				status, block_reason, $1, expected_release, amount, currency, ordered_on, requested_on, promised_on,
				CASE WHEN status = ANY($2) THEN $1::timestamptz END
			FROM import_changes WHERE is_new ORDER BY line
			RETURNING id, number)
		UPDATE import_changes c SET order_id = created.id FROM created WHERE c.number = created.number`,
		req.AsOf, closed)
	// Changed orders: only those, never the unchanged ones.
	batch.Queue(`UPDATE orders o SET customer_id = c.customer_id, customer_ref = c.customer_ref,
			customer_ref_key = c.customer_ref_key, rep_id = c.rep_id, assistant_id = c.assistant_id,
			status = c.status, block_reason = c.block_reason,
			status_since = CASE WHEN o.status <> c.status THEN $1 ELSE o.status_since END,
			expected_release = c.expected_release, amount = c.amount, currency = c.currency,
			ordered_on = c.ordered_on, requested_on = c.requested_on, promised_on = c.promised_on,
			closed_at = CASE WHEN c.status = ANY($2) THEN coalesce(o.closed_at, $1) END, updated_at = now()
		FROM import_changes c WHERE NOT c.is_new AND o.id = c.order_id`, req.AsOf, closed)
	// Blocks of new and changed orders: those still active keep their start.
	batch.Queue(`DELETE FROM order_blocks b USING import_changes c
		WHERE b.order_id = c.order_id AND NOT (b.kind = ANY(c.block_kinds) AND NOT c.status = ANY($1))`, closed)
	batch.Queue(`INSERT INTO order_blocks (order_id, kind, reason, since, expected_release)
		SELECT c.order_id, k.kind, k.reason, $1, k.release
		FROM import_changes c, unnest(c.block_kinds, c.block_reasons, c.block_releases) AS k(kind, reason, release)
		WHERE NOT c.status = ANY($2)
		ON CONFLICT (order_id, kind) DO UPDATE SET reason = excluded.reason, expected_release = excluded.expected_release
		WHERE (order_blocks.reason, order_blocks.expected_release) IS DISTINCT FROM (excluded.reason, excluded.expected_release)`,
		req.AsOf, closed)
	// History of new and changed orders whose status or blocks changed.
	batch.Queue(`INSERT INTO status_history (order_id, from_status, to_status, reason, at, source, import_id)
		SELECT order_id, old_status, status, block_reason, $1, $2, $3
		FROM import_changes WHERE status_changed ORDER BY line`, req.AsOf, source, runID)
	if req.Snapshot {
		batch.Queue(`WITH absent AS (
				SELECT o.id, o.status FROM orders o
				WHERE o.closed_at IS NULL AND NOT EXISTS (SELECT FROM import_rows r WHERE r.number = o.number)
				FOR UPDATE),
			gone AS (
				UPDATE orders o SET status = 'invoiced', status_since = $1, closed_at = $1, updated_at = now()
				FROM absent a WHERE o.id = a.id RETURNING o.id, a.status AS old_status),
			unblocked AS (DELETE FROM order_blocks b USING gone WHERE b.order_id = gone.id)
			INSERT INTO status_history (order_id, from_status, to_status, reason, at, source, import_id)
			SELECT id, old_status, 'invoiced', '', $1, $2, $3 FROM gone ORDER BY id`, req.AsOf, source, runID)
	}
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("import: apply changes: %w", err)
	}
	return nil
}

// importCounts fills the report's counts from the changes found.
func (s *Store) importCounts(ctx context.Context, rep *ImportReport) error {
	var created, changed int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new)
		FROM import_changes`).Scan(&created, &changed); err != nil {
		return fmt.Errorf("import: count changes: %w", err)
	}
	rep.Created, rep.Updated = created, changed
	rep.Unchanged = rep.Rows - created - changed
	rows, err := s.db.Query(ctx, `SELECT to_status, count(*) FROM status_history
		WHERE import_id = $1 AND from_status IS DISTINCT FROM to_status GROUP BY to_status`, rep.RunID)
	if err != nil {
		return fmt.Errorf("import: count transitions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return err
		}
		rep.Transitions[orders.Status(st)] = n
	}
	return rows.Err()
}

// ImportRun is a recorded import.
type ImportRun struct {
	ID         int64
	Source     string
	Profile    string
	Mode       string
	AsOf       time.Time
	FinishedAt time.Time
}
