package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// Transition is an order that entered a status in a period, with what the
// order is now.
type Transition struct {
	Number      string
	Customer    string
	Rep         string
	To          orders.Status // the status entered
	Reason      string
	At          time.Time
	AmountCents int64
	Currency    string
	Now         orders.Status // the order's status today
	Since       time.Time     // in it since
	// From is, for a block change, the block the order was under at the
	// start of the period (see BlockChanged).
	From orders.Status
}

func collectTransitions(rows pgx.Rows) ([]Transition, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Transition, error) {
		var t Transition
		err := r.Scan(&t.Number, &t.Customer, &t.Rep, &t.To, &t.Reason, &t.At, &t.AmountCents, &t.Currency, &t.Now, &t.Since)
		return t, err
	})
}

// NewlyBlocked returns the orders of a rep that became blocked in the
// period of the status changes recorded after fromID up to toID (insertion
// order, see HistoryWatermark): not blocked at its start and blocked at its
// end, or released and blocked again within it. Each comes once, under the
// block it is in at the end, dated when it became blocked; biggest first.
// An order that went from one block to another is not newly blocked (see
// BlockChanged); one blocked and released within the period is left out.
func (s *Store) NewlyBlocked(ctx context.Context, repID, fromID, toID int64) ([]Transition, error) {
	return s.blockMoves(ctx, "orders newly blocked", `m.blocked_at IS NOT NULL`, repID, fromID, toID)
}

// BlockChanged returns the orders of a rep that were blocked all through
// the period of the status changes recorded after fromID up to toID and
// end it under another block than the one they started it under (a
// financial block become a credit limit); From is the block at the start.
// Biggest first.
func (s *Store) BlockChanged(ctx context.Context, repID, fromID, toID int64) ([]Transition, error) {
	return s.blockMoves(ctx, "orders whose block changed",
		`m.blocked_at IS NULL AND m.first_from = ANY($4) AND m.first_from <> m.last_to`, repID, fromID, toID)
}

// blockMoves reads, per order of a rep with status changes in the period,
// its status at the start (the first change's from_status), at the end (the
// last change's to_status) and when it last went from not blocked (or
// nothing, for a new order) to blocked, and returns those blocked at the
// end that match cond.
func (s *Store) blockMoves(ctx context.Context, what, cond string, repID, fromID, toID int64) ([]Transition, error) {
	rows, err := s.db.Query(ctx, `WITH m AS (
			SELECT h.order_id,
				(array_agg(h.from_status ORDER BY h.id))[1] AS first_from,
				(array_agg(h.to_status ORDER BY h.id DESC))[1] AS last_to,
				(array_agg(h.reason ORDER BY h.id DESC))[1] AS reason,
				(array_agg(h.at ORDER BY h.id DESC))[1] AS last_at,
				(array_agg(h.at ORDER BY h.id DESC) FILTER (
					WHERE h.to_status = ANY($4) AND NOT coalesce(h.from_status = ANY($4), false)))[1] AS blocked_at
			FROM status_history h JOIN orders o ON o.id = h.order_id
			WHERE o.rep_id = $1 AND h.id > $2 AND h.id <= $3
			GROUP BY h.order_id)
		SELECT o.number, c.name, coalesce(p.name, ''), m.last_to, m.reason, coalesce(m.blocked_at, m.last_at),
			(o.amount * 100)::bigint AS amount_cents, o.currency, o.status, o.status_since, coalesce(m.first_from, '')
		FROM m JOIN orders o ON o.id = m.order_id JOIN customers c ON c.id = o.customer_id
			LEFT JOIN people p ON p.id = o.rep_id
		WHERE m.last_to = ANY($4) AND `+cond+`
		ORDER BY amount_cents DESC, o.number`, repID, fromID, toID, statusStrings(orders.BlockedStatuses()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Transition, error) {
		var t Transition
		err := r.Scan(&t.Number, &t.Customer, &t.Rep, &t.To, &t.Reason, &t.At, &t.AmountCents, &t.Currency, &t.Now, &t.Since, &t.From)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// FirstImport returns the first orders import applied (a load of the
// sample counts): where orderbot's knowledge of the portfolio starts, so
// that no digest covers days before it. False when nothing was imported.
func (s *Store) FirstImport(ctx context.Context) (ImportRun, bool, error) {
	var r ImportRun
	err := s.db.QueryRow(ctx, `SELECT id, source, profile, mode, as_of, finished_at FROM import_runs
		WHERE kind = 'orders' AND finished_at IS NOT NULL ORDER BY id LIMIT 1`).
		Scan(&r.ID, &r.Source, &r.Profile, &r.Mode, &r.AsOf, &r.FinishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("first import: %w", err)
	}
	return r, true, nil
}

// Stalled returns a rep's open orders (all reps' when repID is 0) blocked
// since before, longest blocked first, at most limit, and how many there
// are.
func (s *Store) Stalled(ctx context.Context, repID int64, before time.Time, limit int) ([]Transition, int, error) {
	where := `o.closed_at IS NULL AND o.status = ANY($1) AND o.status_since < $2 AND ($3 = 0 OR o.rep_id = $3)`
	args := []any{statusStrings(orders.BlockedStatuses()), before, repID}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM orders o WHERE `+where, args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("stalled orders: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT o.number, c.name, coalesce(p.name, ''), o.status, o.block_reason, o.status_since,
			(o.amount * 100)::bigint, o.currency, o.status, o.status_since
		FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN people p ON p.id = o.rep_id
		WHERE `+where+` ORDER BY o.status_since, o.id LIMIT $4`, append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("stalled orders: %w", err)
	}
	t, err := collectTransitions(rows)
	return t, n, err
}

// Amounts is a count of orders and their value per currency.
type Amounts struct {
	Count int              `json:"count"`
	Cents map[string]int64 `json:"cents"`
}

// Add counts n orders worth cents of cur.
func (a *Amounts) Add(n int, cur string, cents int64) {
	if a.Cents == nil {
		a.Cents = map[string]int64{}
	}
	a.Count += n
	a.Cents[cur] += cents
}

// scanAmounts reads rows of (bucket, currency, count, cents) into add.
func scanAmounts(add func(bucket int, cur string, n int, cents int64)) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		for rows.Next() {
			var i, n int
			var cur string
			var cents int64
			if err := rows.Scan(&i, &cur, &n, &cents); err != nil {
				return err
			}
			add(i, cur, n, cents)
		}
		return rows.Err()
	}
}

// RepFigures is one rep's line of the managers' summary.
type RepFigures struct {
	ID      int64   `json:"id,omitempty"` // 0: the orders without a rep
	Name    string  `json:"name"`
	Open    Amounts `json:"open"`
	Blocked Amounts `json:"blocked"`
}

// BlockedDay is the blocked value at the end of one day, by block kind (the
// blocked status an order is in) and currency.
type BlockedDay struct {
	End    time.Time
	ByKind map[orders.Status]Amounts
}

// SeriesDays is how many days the blocked series of a portfolio covers.
const SeriesDays = 30

// Portfolio is the managers' view of the open portfolio at one moment.
type Portfolio struct {
	ByStatus map[orders.Status]Amounts `json:"by_status"`
	Open     Amounts                   `json:"open"`
	Blocked  Amounts                   `json:"blocked"`
	// Aging of blocked orders: 0-2, 3-7, 8-30 and more than 30 days.
	Aging   [4]Amounts   `json:"aging"`
	Top     []Transition `json:"-"`
	Reps    []RepFigures `json:"reps"`
	Closed  Amounts      `json:"invoiced"` // invoiced in the period
	Weeks   [5]Amounts   `json:"expected"` // expected invoicing: overdue, then the coming four weeks
	Answers int          `json:"questions"`
	// Days is the blocked value at the end of each of the last SeriesDays
	// days, oldest first, the last one ending at the portfolio's moment.
	Days []BlockedDay `json:"-"`
}

// PortfolioAt returns the managers' figures at now, with what was invoiced
// and how many questions were answered in (from, now]; the expected
// invoicing counts open orders by promised (else requested) date, from the
// start of now's day in loc; the blocked series ends at midnight in loc of
// each of the SeriesDays-1 days before now's, then at now.
func (s *Store) PortfolioAt(ctx context.Context, from, now time.Time, loc *time.Location, top int) (Portfolio, error) {
	p := Portfolio{ByStatus: map[orders.Status]Amounts{}}
	blocked := statusStrings(orders.BlockedStatuses())
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // dates are stored as days
	var blockedNow []seriesMove
	batch := &pgx.Batch{}
	batch.Queue(`SELECT status, currency, count(*), (sum(amount) * 100)::bigint FROM orders
		WHERE closed_at IS NULL GROUP BY status, currency ORDER BY status, currency`).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var st orders.Status
			var cur string
			var n int
			var cents int64
			if err := rows.Scan(&st, &cur, &n, &cents); err != nil {
				return err
			}
			a := p.ByStatus[st]
			a.Add(n, cur, cents)
			p.ByStatus[st] = a
			p.Open.Add(n, cur, cents)
			if st.Blocked() {
				p.Blocked.Add(n, cur, cents)
				blockedNow = append(blockedNow, seriesMove{Kind: st, Currency: cur, Count: n, Cents: cents})
			}
		}
		return rows.Err()
	})
	batch.Queue(`SELECT CASE WHEN age < 3 THEN 0 WHEN age < 8 THEN 1 WHEN age <= 30 THEN 2 ELSE 3 END, currency, count(*),
			(sum(amount) * 100)::bigint
		FROM (SELECT extract(epoch FROM $2 - status_since) / 86400 AS age, currency, amount FROM orders
			WHERE closed_at IS NULL AND status = ANY($1)) b GROUP BY 1, 2`, blocked, now).
		Query(scanAmounts(func(i int, cur string, n int, cents int64) { p.Aging[i].Add(n, cur, cents) }))
	batch.Queue(`SELECT o.number, c.name, coalesce(p.name, ''), o.status, o.block_reason, o.status_since,
			(o.amount * 100)::bigint, o.currency, o.status, o.status_since
		FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN people p ON p.id = o.rep_id
		WHERE o.closed_at IS NULL AND o.status = ANY($1) ORDER BY o.amount DESC, o.id LIMIT $2`, blocked, top).
		Query(func(rows pgx.Rows) error {
			var err error
			p.Top, err = collectTransitions(rows)
			return err
		})
	// By rep, not by name: two reps may share one. The order of the lines
	// is the reader's to choose (names sort by their language's rules).
	batch.Queue(`SELECT coalesce(p.id, 0), coalesce(p.name, '—'), o.currency, count(*), (sum(o.amount) * 100)::bigint,
			count(*) FILTER (WHERE o.status = ANY($1)), coalesce((sum(o.amount) FILTER (WHERE o.status = ANY($1)) * 100)::bigint, 0)
		FROM orders o LEFT JOIN people p ON p.id = o.rep_id WHERE o.closed_at IS NULL
		GROUP BY p.id, o.currency ORDER BY p.id NULLS LAST, o.currency`, blocked).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var id int64
			var name, cur string
			var n, nb int
			var cents, bcents int64
			if err := rows.Scan(&id, &name, &cur, &n, &cents, &nb, &bcents); err != nil {
				return err
			}
			if len(p.Reps) == 0 || p.Reps[len(p.Reps)-1].ID != id {
				p.Reps = append(p.Reps, RepFigures{ID: id, Name: name})
			}
			r := &p.Reps[len(p.Reps)-1]
			r.Open.Add(n, cur, cents)
			if nb > 0 {
				r.Blocked.Add(nb, cur, bcents)
			}
		}
		return rows.Err()
	})
	batch.Queue(`SELECT 0, o.currency, count(*), (sum(o.amount) * 100)::bigint FROM orders o
		WHERE o.status = 'invoiced' AND o.closed_at > $1 AND o.closed_at <= $2 GROUP BY o.currency`, from, now).
		Query(scanAmounts(func(_ int, cur string, n int, cents int64) { p.Closed.Add(n, cur, cents) }))
	batch.Queue(`SELECT CASE WHEN due < $1 THEN 0 ELSE 1 + (due - $1) / 7 END, currency, count(*), (sum(amount) * 100)::bigint
		FROM (SELECT coalesce(promised_on, requested_on) AS due, currency, amount FROM orders WHERE closed_at IS NULL) o
		WHERE due < $1::date + 28 GROUP BY 1, 2`, today).
		Query(scanAmounts(func(i int, cur string, n int, cents int64) { p.Weeks[i].Add(n, cur, cents) }))
	batch.Queue(`SELECT count(*) FROM questions WHERE asked_at > $1 AND asked_at <= $2 AND outcome NOT IN ('refused', 'unavailable')`,
		from, now).QueryRow(func(row pgx.Row) error { return row.Scan(&p.Answers) })
	ends := seriesEnds(now, loc)
	var moves []seriesMove
	batch.Queue(blockedSeriesSQL, blocked, seriesThresholds(ends)).Query(func(rows pgx.Rows) error {
		var err error
		moves, err = pgx.CollectRows(rows, pgx.RowToStructByPos[seriesMove])
		return err
	})
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return p, fmt.Errorf("portfolio figures: %w", err)
	}
	p.Days = blockedSeries(ends, blockedNow, moves)
	return p, nil
}

// seriesEnds are the moments the blocked series is read at: midnight in
// loc ending each of the SeriesDays-1 days before now's day, then now.
func seriesEnds(now time.Time, loc *time.Location) []time.Time {
	y, m, d := now.In(loc).Date()
	ends := make([]time.Time, SeriesDays)
	for i := range SeriesDays - 1 {
		ends[i] = time.Date(y, m, d-(SeriesDays-2-i), 0, 0, 0, 0, loc)
	}
	ends[SeriesDays-1] = now
	return ends
}

// seriesThresholds are the lower bounds of width_bucket's buckets: a change
// at exactly an end belongs to the day it ends (a timestamptz has
// microseconds), so bucket i (1-based) holds the changes in (ends[i-1],
// ends[i]], and bucket len(ends) those after the last end.
func seriesThresholds(ends []time.Time) []time.Time {
	t := make([]time.Time, len(ends))
	for i, e := range ends {
		t[i] = e.Add(time.Microsecond)
	}
	return t
}

// seriesMove is what the status changes of one bucket did to one block
// kind in one currency: orders in (+) and out (-), and their value.
type seriesMove struct {
	Bucket   int
	Kind     orders.Status
	Currency string
	Count    int
	Cents    int64
}

// blockedSeriesSQL sums, by day, the status changes since the series' first
// end into and out of each blocked status: the blocked value at an end is
// today's minus what came in after it plus what went out after it. The
// changes of the last days are read through the history's index on at and
// netted per order, day and status first (an order in and out the same day
// moves nothing); each remaining order is then looked up by its key for
// the amount and currency it has now (the history keeps no amounts).
// OFFSET 0 keeps that lookup a loop over the primary key: flattened into a
// join, the planner hashes every order of the store (2,000,000) for a few
// tens of thousands of lookups, five times slower.
const blockedSeriesSQL = `WITH moves AS MATERIALIZED (
		SELECT h.order_id, width_bucket(h.at, $2::timestamptz[]) AS bucket, m.kind, sum(m.sign) AS n
		FROM status_history h
		CROSS JOIN LATERAL (VALUES (h.to_status, 1), (h.from_status, -1)) AS m(kind, sign)
		WHERE h.at >= ($2::timestamptz[])[1] AND h.to_status IS DISTINCT FROM h.from_status AND m.kind = ANY($1)
		GROUP BY 1, 2, 3 HAVING sum(m.sign) <> 0)
	SELECT mv.bucket, mv.kind, o.currency, sum(mv.n)::integer, (sum(mv.n * o.amount) * 100)::bigint
	FROM moves mv CROSS JOIN LATERAL (SELECT currency, amount FROM orders WHERE id = mv.order_id OFFSET 0) o
	GROUP BY 1, 2, 3`

// blockedSeries builds the series from today's blocked orders (now, one
// move per status and currency, bucket unused) and the moves after each end.
func blockedSeries(ends []time.Time, now, moves []seriesMove) []BlockedDay {
	type key struct {
		kind orders.Status
		cur  string
	}
	type value struct {
		n     int
		cents int64
	}
	// cur is the value at the moment being rebuilt, walking back from now.
	cur := map[key]value{}
	for _, m := range now {
		cur[key{m.Kind, m.Currency}] = value{m.Count, m.Cents}
	}
	byBucket := map[int][]seriesMove{}
	for _, m := range moves {
		byBucket[m.Bucket] = append(byBucket[m.Bucket], m)
	}
	days := make([]BlockedDay, len(ends))
	for i := len(ends) - 1; i >= 0; i-- {
		// Undo the changes made after ends[i]: bucket i+1.
		for _, m := range byBucket[i+1] {
			k := key{m.Kind, m.Currency}
			v := cur[k]
			cur[k] = value{v.n - m.Count, v.cents - m.Cents}
		}
		day := BlockedDay{End: ends[i], ByKind: map[orders.Status]Amounts{}}
		for k, v := range cur {
			// A history that does not chain (an import that lost a
			// change) cannot make a day's value negative.
			if v.n <= 0 || v.cents < 0 {
				continue
			}
			a := day.ByKind[k.kind]
			a.Add(v.n, k.cur, v.cents)
			day.ByKind[k.kind] = a
		}
		days[i] = day
	}
	return days
}
