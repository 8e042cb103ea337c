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
	Source string // the file's name, for the run and for messages
	SHA256 string // the file's hash, recorded with the run
	// SHA256Of, when set, gives the file's hash instead of SHA256, once
	// the import is written: the hash is computed while the import runs.
	SHA256Of func() (string, error)
	Profile  string
	// Snapshot makes the file the whole open portfolio: open orders absent
	// from it are closed as invoiced. Otherwise the import only inserts and
	// updates.
	Snapshot bool
	// AsOf is when the ERP extracted the data: the time of every change.
	// Zero is the database's clock once the import holds the lock that
	// queues imports, so that imports queued together apply in the order
	// of their times. More than a day ahead of that clock is refused.
	AsOf time.Time
	// RefuseOlder refuses an import whose AsOf is before the as-of time of
	// the last applied import of the same Profile, unless Force.
	RefuseOlder bool
	// Zone is the time zone of the times in messages; UTC when nil.
	Zone *time.Location
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
	// Then, when set, runs in the import's transaction once the orders are
	// written, before the run is recorded as finished: an export whose rows
	// are order lines writes the lines there, so that orders and lines land
	// together or not at all. Its error aborts the import.
	Then func(ctx context.Context, tx *Store, rep *ImportReport) error
	// SkipRows, when set, is how the import tells the export's reader
	// which rows it need not read (see ingest.Reader.SkipWhen): before
	// reading, it is called with a function saying, from a row's order
	// number, line and digest, that the row names an open order last
	// imported from the same row; then with nil once reading is over. The
	// digests are the reader's (orders.Entry.RowDigest). Only for an
	// export whose rows are orders (not lines).
	SkipRows func(skip func(number string, line int, digest uint64) bool)
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
	// AsOf is the time of the import's changes: the request's, or the
	// database's clock.
	AsOf time.Time
	// Forced names the guards Force overrode: "older" (AsOf was before the
	// Previous import's), "close_share" (the snapshot closed more than
	// MaxCloseShare of the open orders). The run records them.
	Forced []string
	// Previous is the last applied import of the same profile before this
	// one (ID 0 when there is none).
	Previous ImportRun
	// FirstLoad tells that the portfolio was empty before: no alert is
	// queued for orders that were blocked before orderbot knew them.
	FirstLoad bool
	// Phases are the steps of the import and how long each took, for
	// operators tuning imports of large exports.
	Phases []Phase
}

// Phase is one timed step of an import.
type Phase struct {
	Name string
	Took time.Duration
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
//
// Imports queue one behind the other on an advisory lock. Once an import
// holds it, its time is checked (see AsOf and RefuseOlder): an export
// older than the last one applied through its profile would roll the
// portfolio back.
func (s *Store) ImportOrders(ctx context.Context, req ImportRequest, next func() (orders.Entry, error)) (ImportReport, error) {
	rep := ImportReport{Transitions: map[orders.Status]int{}}
	if req.MaxProblems <= 0 {
		req.MaxProblems = 100
	}
	err := s.inImportSession(ctx, func(tx *Store) error {
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

// inImportSession runs fn in one transaction (see InTx), on a session of
// its own when the store is not in a transaction already: one whose
// temporary tables, where the export is staged and compared, are held in
// memory (temp_buffers) rather than spilled through PostgreSQL's 8 MB
// default. The session is closed afterwards, so that the pool keeps no
// backend holding that memory.
func (s *Store) inImportSession(ctx context.Context, fn func(tx *Store) error) error {
	if s.pool == nil || s.db != s.pool {
		return s.InTx(ctx, fn)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer conn.Release()
	// temp_buffers can only be set before the session's first temporary
	// table: a session that already had one keeps its size.
	if _, err := conn.Exec(ctx, `SET temp_buffers = '512MB'`); err == nil {
		defer func() { _ = conn.Conn().Close(context.Background()) }()
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		return fn(&Store{pool: s.pool, db: tx})
	})
}

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

func (s *Store) importOrders(ctx context.Context, req ImportRequest, next func() (orders.Entry, error)) (ImportReport, error) {
	rep := ImportReport{Transitions: map[orders.Status]int{}}
	last := time.Now()
	phase := func(name string) {
		now := time.Now()
		rep.Phases = append(rep.Phases, Phase{Name: name, Took: now.Sub(last)})
		last = now
	}
	if err := s.startImport(ctx, &req, &rep); err != nil {
		return rep, err
	}
	st, err := s.stageExport(ctx, req, next)
	rep.Rows = st.load.rows
	if err != nil {
		return rep, err
	}
	if err := s.loadProblems(ctx, req, st); err != nil {
		return rep, err
	}
	absent, err := s.absentOrders(ctx, req, st.known)
	if err != nil {
		return rep, err
	}
	// A small sample is enough for the planner to see the staged rows' size.
	if _, err := s.db.Exec(ctx, `SET LOCAL default_statistics_target = 10; ANALYZE import_rows`); err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	if rep.FirstLoad, err = s.Empty(ctx); err != nil {
		return rep, err
	}
	// A first load builds the derived indexes once its rows are in.
	var derived []derivedIndex
	if rep.FirstLoad {
		if derived, err = s.dropDerivedIndexes(ctx); err != nil {
			return rep, err
		}
	}
	phase("load")
	// A daily export changes a few orders among many: those are reached
	// through their keys rather than by reading every order (see
	// planByKey, and findChanges).
	few := st.open > 0 && (st.load.rows-st.load.unchanged)*4 < st.open
	if err := s.stageAbsent(ctx, absent); err != nil {
		return rep, err
	}
	if err := s.importCustomers(ctx); err != nil {
		return rep, err
	}
	if rep.Placeholders, err = s.importPeopleKeys(ctx, req.PeopleBy); err != nil {
		return rep, err
	}
	if err := s.findChanges(ctx, rep.FirstLoad, few); err != nil {
		return rep, err
	}
	phase("compare")
	absentN, closing, err := s.checkCloseShare(ctx, req, &rep, st.open)
	if err != nil {
		return rep, err
	}
	if err := s.applyChanges(ctx, req, rep.RunID, rep.FirstLoad, few); err != nil {
		return rep, err
	}
	phase("apply")
	if err := s.buildDerivedIndexes(ctx, derived); err != nil {
		return rep, err
	}
	phase("derived")
	if err := s.importCounts(ctx, &rep, absentN, closing); err != nil {
		return rep, err
	}
	if req.Then != nil {
		if err := req.Then(ctx, s, &rep); err != nil {
			return rep, err
		}
	}
	if req.SHA256Of != nil {
		if req.SHA256, err = req.SHA256Of(); err != nil {
			return rep, err
		}
	}
	if err := s.finishRun(ctx, rep, st.directory, req.SHA256); err != nil {
		return rep, err
	}
	phase("report")
	return rep, nil
}

// startImport takes the lock that queues imports, checks the request's
// time, records the run and creates the staging table.
func (s *Store) startImport(ctx context.Context, req *ImportRequest, rep *ImportReport) error {
	mode := "incremental"
	if req.Snapshot {
		mode = "snapshot"
	}
	// Imports of orders queue one behind the other: two at once would each
	// see the other's orders as absent. Joins and sorts over the whole
	// export get the memory to run in one pass, and the changed orders are
	// reached through their primary key rather than by reading them all
	// (the data is in memory or on SSD, where a random read is cheap).
	if _, err := s.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('orderbot import orders', 0));
		SET LOCAL work_mem = '256MB'; SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1`); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := s.checkAsOf(ctx, "orders", req, rep); err != nil {
		return err
	}
	if err := s.db.QueryRow(ctx, `INSERT INTO import_runs (kind, source, sha256, profile, mode, as_of)
		VALUES ('orders', $1, $2, $3, $4, $5) RETURNING id`, req.Source, req.SHA256, req.Profile, mode, req.AsOf).
		Scan(&rep.RunID); err != nil {
		return fmt.Errorf("import: record the run: %w", err)
	}
	// Staging is text, as COPY's text format carries it: casting costs
	// nothing for the rows that did not change, and they are most.
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_rows (
			line integer, row_key text, number text, number_key text, customer_code text, customer_code_key text,
			customer_name text, customer_ref text, customer_ref_key text, rep text, assistant text, status text,
			bk_kinds text, bk_reasons text, bk_releases text, block_kinds text, blocks_key text, block_reason text,
			amount text, currency text, ordered_on text, requested_on text, promised_on text, expected_release text
		) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// staged is what stageExport found: the open portfolio's size and digests,
// the directory the import reads names through, and what loading the export
// gave.
type staged struct {
	open      int
	known     *openOrders
	directory string
	load      loadResult
}

// comparedUnder reports whether every open order was compared under
// directory (how people are named, and the directory's state): true when a
// finished snapshot import read names through it, and no finished import
// since read them otherwise. Only then do unchanged digests prove unchanged
// orders: after a people import, or an import naming people another way,
// every row is compared once more, and only the orders that change are
// written.
func (s *Store) comparedUnder(ctx context.Context, directory string) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `WITH last AS (SELECT max(id) AS id FROM import_runs
			WHERE kind = 'orders' AND mode = 'snapshot' AND finished_at IS NOT NULL AND directory = $1)
		SELECT last.id IS NOT NULL AND NOT EXISTS (SELECT FROM import_runs r WHERE r.kind = 'orders'
			AND r.finished_at IS NOT NULL AND r.id > last.id AND r.directory IS DISTINCT FROM $1) FROM last`,
		directory).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("import: %w", err)
	}
	return ok, nil
}

// stageExport reads what the open orders were last imported with, then
// streams the export into the staging table, all but the rows that change
// nothing. What next ended with, other than io.EOF, is kept in
// load.readErr for loadProblems, unless the load itself failed.
func (s *Store) stageExport(ctx context.Context, req ImportRequest, next func() (orders.Entry, error)) (staged, error) {
	var st staged
	// The customers' counts of open orders, kept exact by triggers, add up
	// to the open portfolio without reading it.
	if err := s.db.QueryRow(ctx, `SELECT coalesce(sum(open_orders), 0) FROM customers`).Scan(&st.open); err != nil {
		return st, fmt.Errorf("import: %w", err)
	}
	var err error
	if st.known, err = s.openOrderDigests(ctx, st.open); err != nil {
		return st, err
	}
	// How people are named and the state of the directory: after a people
	// import every row is compared once more, so that orders follow the
	// people their names now resolve to.
	var directory string
	if err := s.db.QueryRow(ctx, `SELECT coalesce(max(updated_at)::text, '') || '/' || count(*)
		FROM people WHERE NOT placeholder`).Scan(&directory); err != nil {
		return st, fmt.Errorf("import: %w", err)
	}
	st.directory = string(req.PeopleBy) + "|" + directory
	if st.known != nil {
		if st.known.trusted, err = s.comparedUnder(ctx, st.directory); err != nil {
			return st, err
		}
	}
	st.load, err = s.copyEntries(ctx, "import_rows", st.known, req.SkipRows, next)
	if err != nil {
		if st.load.readErr != nil {
			return st, st.load.readErr
		}
		return st, err
	}
	return st, nil
}

// loadProblems gathers the export's problems: its bad rows, and the order
// numbers and people named twice, in line order and at most
// req.MaxProblems of them, as one *orders.InputErrors. A read error that is
// not about rows is returned as it is.
func (s *Store) loadProblems(ctx context.Context, req ImportRequest, st staged) error {
	problems, err := s.twiceNamed(ctx, req, st.load.twice)
	if err != nil {
		return err
	}
	dup, err := s.duplicateNumbers(ctx, req)
	if err != nil {
		return err
	}
	problems = append(problems, dup...)
	if st.load.readErr == nil && len(problems) == 0 {
		return nil
	}
	var bad *orders.InputErrors
	if st.load.readErr != nil && !errors.As(st.load.readErr, &bad) {
		return st.load.readErr
	}
	more := 0
	if bad != nil {
		problems = append(problems, bad.Problems...)
		more = bad.More
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	if len(problems) > req.MaxProblems {
		more += len(problems) - req.MaxProblems
		problems = problems[:req.MaxProblems]
	}
	return &orders.InputErrors{Problems: problems, More: more}
}

// absentOrders are the IDs of the open orders a snapshot lacks (none for an
// incremental import): from the digests read before the load when there
// were any, else from the database.
func (s *Store) absentOrders(ctx context.Context, req ImportRequest, known *openOrders) ([]int64, error) {
	var absent []int64
	switch {
	case req.Snapshot && known != nil:
		for i, k := range known.keys {
			if !known.isSeen(i) {
				absent = append(absent, k.id)
			}
		}
	case req.Snapshot:
		rows, err := s.db.Query(ctx, `SELECT id FROM orders o WHERE closed_at IS NULL
			AND NOT EXISTS (SELECT FROM import_rows r WHERE r.number = o.number)`)
		if err != nil {
			return nil, fmt.Errorf("import: absent orders: %w", err)
		}
		if absent, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return nil, fmt.Errorf("import: absent orders: %w", err)
		}
	}
	return absent, nil
}

// checkCloseShare counts what the import closes (the open orders a
// snapshot lacks, and those the export itself says are invoiced or
// cancelled) into rep.Closed, and refuses a snapshot that closes more than
// req.MaxCloseShare of the open orders unless forced.
func (s *Store) checkCloseShare(ctx context.Context, req ImportRequest, rep *ImportReport, open int) (absentN, closing int, err error) {
	// With no open order (a first load), no row closes one.
	if err := s.db.QueryRow(ctx, `SELECT (SELECT count(*) FROM import_absent),
			CASE WHEN $2 THEN (SELECT count(*) FROM import_changes WHERE changed AND NOT is_new
				AND NOT old_status = ANY($1) AND status = ANY($1)) ELSE 0 END`,
		statusStrings(orders.ClosedStatuses()), open > 0).Scan(&absentN, &closing); err != nil {
		return 0, 0, fmt.Errorf("import: %w", err)
	}
	rep.Closed = absentN + closing
	if req.Snapshot && open > 0 && float64(rep.Closed) > req.MaxCloseShare*float64(open) {
		if !req.Force {
			return 0, 0, orders.Errorf(orders.EInvalid,
				"%s would close %d of the %d open orders (%.0f%%), more than import.max_close_share (%.0f%%): is the export complete? Use --force to import it anyway",
				req.Source, rep.Closed, open, 100*float64(rep.Closed)/float64(open), 100*req.MaxCloseShare)
		}
		rep.Forced = append(rep.Forced, "close_share")
	}
	return absentN, closing, nil
}

// finishRun records what the import did with its run, and the directory
// it read names through.
func (s *Store) finishRun(ctx context.Context, rep ImportReport, directory, sha256 string) error {
	_, err := s.db.Exec(ctx, `UPDATE import_runs SET finished_at = clock_timestamp(), rows_read = $2, created = $3,
		updated = $4, unchanged = $5, closed = $6, placeholders = $7, alerts = $8, forced = $9, directory = $10,
		sha256 = $11 WHERE id = $1`,
		rep.RunID, rep.Rows, rep.Created, rep.Updated, rep.Unchanged, rep.Closed, len(rep.Placeholders), rep.Alerts,
		append([]string{}, rep.Forced...), directory, sha256)
	if err != nil {
		return fmt.Errorf("import: record the run: %w", err)
	}
	return nil
}

// checkAsOf runs once the import holds the lock. It takes the import's
// time from the database's clock when the request has none, refuses one
// more than a day ahead of that clock (a typo in the year would make every
// later export look older), and, when the request asks, one before the
// last applied import of the same profile: that older export would roll
// the portfolio back (reopen the orders invoiced since, queue their alerts
// again), unless forced. kind is the import_runs kind whose runs it is
// checked against.
func (s *Store) checkAsOf(ctx context.Context, kind string, req *ImportRequest, rep *ImportReport) error {
	// clock_timestamp, not now(): now() is when the transaction began,
	// before it waited for the lock.
	var now time.Time
	if err := s.db.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&now); err != nil {
		return fmt.Errorf("import: read the clock: %w", err)
	}
	if req.AsOf.IsZero() {
		req.AsOf = now
	}
	rep.AsOf = req.AsOf
	if req.AsOf.After(now.Add(24 * time.Hour)) {
		return orders.Errorf(orders.EInvalid, "%s is as of %s, more than a day ahead of the database's clock (%s): is the as-of time right?",
			req.Source, req.clock(req.AsOf), req.clock(now))
	}
	prev := &rep.Previous
	err := s.db.QueryRow(ctx, `SELECT id, source, profile, mode, as_of, finished_at FROM import_runs
		WHERE kind = $2 AND profile = $1 AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`, req.Profile, kind).
		Scan(&prev.ID, &prev.Source, &prev.Profile, &prev.Mode, &prev.AsOf, &prev.FinishedAt)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("import: read the last import of profile %q: %w", req.Profile, err)
	}
	if !req.RefuseOlder || !req.AsOf.Before(prev.AsOf) {
		return nil
	}
	if !req.Force {
		return orders.Errorf(orders.EInvalid,
			"%s is as of %s, before the last import of profile %s (%s, as of %s): it would roll the portfolio back. Use --force to import it anyway",
			req.Source, req.clock(req.AsOf), req.Profile, prev.Source, req.clock(prev.AsOf))
	}
	rep.Forced = append(rep.Forced, "older")
	return nil
}

// clock writes t for a message, in the request's time zone.
func (req ImportRequest) clock(t time.Time) string {
	zone := req.Zone
	if zone == nil {
		zone = time.UTC
	}
	return t.In(zone).Format("2006-01-02 15:04:05 MST")
}

// duplicateNumbers reports the order numbers the staged rows hold twice.
// The numbers held twice are found by counting first: gathering the lines
// of every number of a million-row first load would build a million arrays.
func (s *Store) duplicateNumbers(ctx context.Context, req ImportRequest) ([]orders.InputProblem, error) {
	rows, err := s.db.Query(ctx, `SELECT number, lines[1], unnest(lines[2:]) FROM (
			SELECT number, array_agg(line ORDER BY line) AS lines FROM import_rows
			WHERE number IN (SELECT number FROM import_rows GROUP BY number HAVING count(*) > 1)
			GROUP BY number) d
		ORDER BY 3 LIMIT $1`, req.MaxProblems)
	if err != nil {
		return nil, fmt.Errorf("import: look for duplicates: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.InputProblem, error) {
		var number string
		var first, line int
		err := r.Scan(&number, &first, &line)
		return twiceProblem(req, line, number, first), err
	})
}

func twiceProblem(req ImportRequest, line int, number string, first int) orders.InputProblem {
	return orders.InputProblem{Line: line, Text: fmt.Sprintf("%s:%d: column %q: order %s appears twice (first on line %d)",
		req.Source, line, req.NumberColumn, number, first)}
}

// twiceNamed checks the entries that named an open order an earlier line
// named: a duplicate when the numbers are the same; otherwise two numbers
// that only share a hash, and the entry is staged after all.
func (s *Store) twiceNamed(ctx context.Context, req ImportRequest, twice []twiceEntry) ([]orders.InputProblem, error) {
	if len(twice) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(twice))
	for i, t := range twice {
		ids[i] = t.id
	}
	rows, err := s.db.Query(ctx, `SELECT id, number FROM orders WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("import: look for duplicates: %w", err)
	}
	numbers := map[int64]string{}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		numbers[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var problems []orders.InputProblem
	var collided []orders.Entry
	for _, t := range twice {
		if numbers[t.id] == t.entry.Number {
			problems = append(problems, twiceProblem(req, t.entry.Line, t.entry.Number, t.first))
		} else {
			collided = append(collided, t.entry)
		}
	}
	if len(collided) > 0 {
		i := 0
		if _, err := s.copyEntries(ctx, "import_rows", nil, nil, func() (orders.Entry, error) {
			if i == len(collided) {
				return orders.Entry{}, io.EOF
			}
			i++
			return collided[i-1], nil
		}); err != nil {
			return nil, err
		}
	}
	return problems, nil
}

// stageAbsent puts in import_absent the open orders a snapshot lacks,
// with their status.
func (s *Store) stageAbsent(ctx context.Context, absent []int64) error {
	if _, err := s.db.Exec(ctx, `CREATE TEMP TABLE import_absent ON COMMIT DROP AS
		SELECT id AS order_id, status AS old_status FROM orders WHERE id = ANY($1) AND closed_at IS NULL`, absent); err != nil {
		return fmt.Errorf("import: absent orders: %w", err)
	}
	return nil
}

// importCustomers creates the customers the export names that the store
// does not hold, and renames those whose name changed. Only changes are
// written.
func (s *Store) importCustomers(ctx context.Context) error {
	_, err := s.db.Exec(ctx, `
		CREATE TEMP TABLE import_customers ON COMMIT DROP AS
		SELECT customer_code AS code, min(customer_code_key) AS code_key,
			coalesce(nullif(max(customer_name), ''), customer_code) AS name, max(customer_name) <> '' AS named,
			NULL::bigint AS id
		FROM import_rows GROUP BY customer_code;
		INSERT INTO customers (code, code_key, name)
		SELECT i.code, i.code_key, i.name FROM import_customers i
		WHERE NOT EXISTS (SELECT FROM customers c WHERE c.code = i.code)
		ORDER BY i.code;
		UPDATE customers c SET name = i.name, updated_at = now()
		FROM import_customers i WHERE c.code = i.code AND i.named AND c.name <> i.name;
		UPDATE import_customers i SET id = c.id FROM customers c WHERE c.code = i.code;
		ANALYZE import_customers`)
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
			SELECT unnest(ARRAY[rep, assistant]) AS key, unnest(ARRAY['rep', 'assistant']) AS role,
				unnest(ARRAY[1, 2]) AS pref
			FROM (SELECT rep, assistant FROM import_rows GROUP BY rep, assistant) pairs
		) k WHERE key <> '' ORDER BY key, pref;
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

// findChanges resolves the staged rows (those that differ from what their
// order was last imported with, are new, or name a closed order) into
// import_changes: each with what its order holds now, its customer and
// people, typed, and whether it really changes its order (a row may differ
// from the last import in the export alone, e.g. a renamed customer; its
// order then only takes the new digest). A new order gets its id here, so
// that what is written with it needs no lookup of the ids the insert gave;
// the ids follow the staged rows, which is the export's order (no sort of
// a million rows for it). The words of the blocks' reasons
// (order_blocks.reason_words) are found once per distinct reason, in
// import_reasons: an ERP writes the same few on many blocks. On a first
// load no order holds anything; when
// the rows are few, each finds its order through the orders' number key,
// else all are joined with all orders at once.
func (s *Store) findChanges(ctx context.Context, firstLoad, few bool) error {
	held := `LEFT JOIN orders o ON o.number = r.number`
	switch {
	case firstLoad:
		held = `LEFT JOIN orders o ON false`
	case few:
		// OFFSET 0 keeps the planner from making the lookup a join
		// (which it would do by reading every order).
		held = `LEFT JOIN LATERAL (SELECT * FROM orders WHERE number = r.number OFFSET 0) o ON true`
	}
	_, err := s.db.Exec(ctx, `ANALYZE import_people;
		CREATE TEMP TABLE import_changes ON COMMIT DROP AS
		SELECT r.line, r.row_key, r.number, r.number_key, r.customer_ref, r.customer_ref_key, r.status,
			r.bk_kinds::text[] AS bk_kinds, r.bk_reasons::text[] AS bk_reasons, r.bk_releases::date[] AS bk_releases,
			r.block_kinds, r.blocks_key, r.block_reason, r.amount::numeric(15, 2) AS amount, r.currency,
			r.ordered_on::date AS ordered_on, r.requested_on::date AS requested_on, r.promised_on::date AS promised_on,
			r.expected_release::date AS expected_release,
			cu.id AS customer_id, rp.id AS rep_id, ap.id AS assistant_id,
			coalesce(o.id, nextval('orders_id_seq')) AS order_id, o.status AS old_status, (o.id IS NULL) AS is_new,
			(o.id IS NULL OR o.status <> r.status OR o.block_kinds <> r.block_kinds) AS status_changed,
			(o.id IS NULL OR (o.customer_id, o.customer_ref, o.rep_id, o.assistant_id, o.status,
				o.block_reason, o.amount, o.currency, o.ordered_on, o.requested_on, o.promised_on,
				o.expected_release, o.blocks_key)
			IS DISTINCT FROM
				(cu.id, r.customer_ref, rp.id, ap.id, r.status, r.block_reason, r.amount::numeric(15, 2),
				r.currency, r.ordered_on::date, r.requested_on::date, r.promised_on::date, r.expected_release::date,
				r.blocks_key)) AS changed
		FROM import_rows r
		`+held+`
		JOIN import_customers cu ON cu.code = r.customer_code
		LEFT JOIN import_people rp ON rp.key = r.rep
		LEFT JOIN import_people ap ON ap.key = r.assistant;
		ANALYZE import_changes;
		CREATE TEMP TABLE import_reasons (reason text PRIMARY KEY, words text[]) ON COMMIT DROP;
		INSERT INTO import_reasons (reason, words)
		SELECT reason, string_to_array(orderbot_normalize(reason), ' ')
		FROM (SELECT DISTINCT unnest(bk_reasons) AS reason FROM import_changes WHERE changed) r WHERE reason IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("import: find changes: %w", err)
	}
	return nil
}

// applyChanges writes the new and changed orders, their blocks, the closing
// of absent ones (snapshots), the history of every change of status or
// blocks, and (unless on a first load) an alert event for every transition
// into a blocked status.
func (s *Store) applyChanges(ctx context.Context, req ImportRequest, runID int64, firstLoad, few bool) error {
	closed := statusStrings(orders.ClosedStatuses())
	source := "import"
	if req.Profile != "" {
		source += ":" + req.Profile
	}
	batch := &pgx.Batch{}
	if few {
		batch.Queue(planByKey)
	}
	// New orders, with the ids findChanges drew for them.
	batch.Queue(`INSERT INTO orders (id, number, number_key, customer_id, customer_ref, customer_ref_key, rep_id,
			assistant_id, status, block_reason, status_since, expected_release, amount, currency, ordered_on,
			requested_on, promised_on, closed_at, block_kinds, blocks_key, import_key)
		SELECT order_id, number, number_key, customer_id, customer_ref, customer_ref_key, rep_id, assistant_id,
			status, block_reason, $1, expected_release, amount, currency, ordered_on, requested_on, promised_on,
			CASE WHEN status = ANY($2) THEN $1::timestamptz END, block_kinds, blocks_key, row_key
		FROM import_changes WHERE is_new`,
		req.AsOf, closed)
	// A new order's id is new: its blocks are inserted without looking for
	// ones to update.
	batch.Queue(`INSERT INTO order_blocks (order_id, kind, reason, since, expected_release, reason_words)
		SELECT c.order_id, k.kind, k.reason, $1, k.release, w.words
		FROM import_changes c CROSS JOIN LATERAL unnest(c.bk_kinds, c.bk_reasons, c.bk_releases) AS k(kind, reason, release)
			LEFT JOIN import_reasons w ON w.reason = k.reason
		WHERE c.is_new`, req.AsOf)
	if !firstLoad { // on a first load no order was there to change
		queueChangedOrders(batch, req.AsOf, closed)
	}
	// History of new and changed orders whose status or blocks changed.
	batch.Queue(`INSERT INTO status_history (order_id, from_status, to_status, reason, at, source, import_id)
		SELECT order_id, old_status, status, block_reason, $1, $2, $3
		FROM import_changes WHERE changed AND status_changed`, req.AsOf, source, runID)
	if !firstLoad {
		batch.Queue(`INSERT INTO alert_events (order_id, import_id, from_status, to_status, reason, at)
			SELECT order_id, $3, old_status, status, block_reason, $1 FROM import_changes
			WHERE changed AND status = ANY($2) AND old_status IS DISTINCT FROM status ORDER BY line`,
			req.AsOf, statusStrings(orders.BlockedStatuses()), runID)
	}
	if req.Snapshot {
		batch.Queue(`UPDATE orders o SET status = 'invoiced', status_since = $1, closed_at = $1, block_kinds = '',
			blocks_key = '', import_key = '', updated_at = now() FROM import_absent a WHERE o.id = a.order_id`, req.AsOf)
		batch.Queue(`DELETE FROM order_blocks b USING import_absent a WHERE b.order_id = a.order_id`)
		batch.Queue(`INSERT INTO status_history (order_id, from_status, to_status, reason, at, source, import_id)
			SELECT order_id, old_status, 'invoiced', '', $1, $2, $3 FROM import_absent ORDER BY order_id`,
			req.AsOf, source, runID)
	}
	if few {
		batch.Queue(planAsUsual)
	}
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("import: apply changes: %w", err)
	}
	return nil
}

// queueChangedOrders queues the writing of the changed orders (never the
// unchanged ones) and of their blocks.
func queueChangedOrders(batch *pgx.Batch, asOf time.Time, closed []string) {
	// Changed orders: only those, never the unchanged ones.
	batch.Queue(`UPDATE orders o SET customer_id = c.customer_id, customer_ref = c.customer_ref,
			customer_ref_key = c.customer_ref_key, rep_id = c.rep_id, assistant_id = c.assistant_id,
			status = c.status, block_reason = c.block_reason,
			status_since = CASE WHEN o.status <> c.status THEN $1 ELSE o.status_since END,
			expected_release = c.expected_release, amount = c.amount, currency = c.currency,
			ordered_on = c.ordered_on, requested_on = c.requested_on, promised_on = c.promised_on,
			closed_at = CASE WHEN c.status = ANY($2) THEN coalesce(o.closed_at, $1) END,
			block_kinds = c.block_kinds, blocks_key = c.blocks_key, import_key = c.row_key, updated_at = now()
		FROM import_changes c WHERE c.changed AND NOT c.is_new AND o.id = c.order_id`, asOf, closed)
	// Orders the export states as before are not written, unless their row
	// says something new that is not the order's (a customer's new name):
	// then only their digest, so that the next import skips the row.
	batch.Queue(`UPDATE orders o SET import_key = c.row_key FROM import_changes c
		WHERE NOT c.changed AND o.id = c.order_id AND o.import_key <> c.row_key`)
	// Blocks of changed orders: those still active keep their start, and
	// their reason and release are updated where they changed; the others
	// are new. Imports queue one behind the other, and writes through the
	// API wait for them: no other writer inserts blocks
	// meanwhile (see lockOrder), so that a plain insert of the missing ones needs no
	// ON CONFLICT (whose speculative insertion costs about half as much
	// again).
	batch.Queue(`DELETE FROM order_blocks b USING import_changes c
		WHERE c.changed AND NOT c.is_new AND b.order_id = c.order_id AND NOT (b.kind = ANY(c.bk_kinds))`)
	batch.Queue(`UPDATE order_blocks b SET reason = k.reason, expected_release = k.release, reason_words = w.words
		FROM import_changes c CROSS JOIN LATERAL unnest(c.bk_kinds, c.bk_reasons, c.bk_releases) AS k(kind, reason, release)
			LEFT JOIN import_reasons w ON w.reason = k.reason
		WHERE c.changed AND NOT c.is_new AND b.order_id = c.order_id AND b.kind = k.kind
			AND (b.reason, b.expected_release) IS DISTINCT FROM (k.reason, k.release)`)
	batch.Queue(`INSERT INTO order_blocks (order_id, kind, reason, since, expected_release, reason_words)
		SELECT c.order_id, k.kind, k.reason, $1, k.release, w.words
		FROM import_changes c CROSS JOIN LATERAL unnest(c.bk_kinds, c.bk_reasons, c.bk_releases) AS k(kind, reason, release)
			LEFT JOIN import_reasons w ON w.reason = k.reason
		WHERE c.changed AND NOT c.is_new
			AND NOT EXISTS (SELECT FROM order_blocks b WHERE b.order_id = c.order_id AND b.kind = k.kind)`,
		asOf)
}

// planByKey turns hash and merge joins off for the apply of a daily
// export's few changes, planAsUsual on again: joins of the changes with
// orders and blocks then go through the tables' keys (nested loops), not
// by reading the whole tables (hash joins). An export that changes a few
// orders among a million then reads only their pages, where a sequential
// scan read every page through PostgreSQL's buffers (about 0.4 s for a
// million orders in 128 MB of shared_buffers, half of it evicting the
// pages it dirtied).
const (
	planByKey   = `SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`
	planAsUsual = `SELECT set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)`
)

// importCounts fills the report's counts from the changes found: absent
// orders a snapshot closed, and closing the rows that closed their order.
func (s *Store) importCounts(ctx context.Context, rep *ImportReport, absent, closing int) error {
	rows, err := s.db.Query(ctx, `SELECT status, count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new),
			count(*) FILTER (WHERE old_status IS DISTINCT FROM status)
		FROM import_changes WHERE changed GROUP BY status`)
	if err != nil {
		return fmt.Errorf("import: count changes: %w", err)
	}
	defer rows.Close()
	changed := 0
	for rows.Next() {
		var st string
		var created, updated, moved int
		if err := rows.Scan(&st, &created, &updated, &moved); err != nil {
			return err
		}
		rep.Created += created
		changed += updated
		if moved > 0 {
			rep.Transitions[orders.Status(st)] += moved
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rep.Unchanged = rep.Rows - rep.Created - changed
	rep.Updated = changed - closing
	if absent > 0 {
		rep.Transitions[orders.StatusInvoiced] += absent
	}
	if !rep.FirstLoad {
		if err := s.db.QueryRow(ctx, `SELECT count(*) FROM alert_events WHERE import_id = $1`, rep.RunID).Scan(&rep.Alerts); err != nil {
			return fmt.Errorf("import: count alerts: %w", err)
		}
	}
	return nil
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
