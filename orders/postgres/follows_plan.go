package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// followChangesSQL writes, for import $1, one row per follower and
// followed order it changed: its status (status_history, written by the
// import) and its promised date (follow_promises, stamped with the
// import's transaction start), old and new. The followers of an order are
// those who follow it, and those who follow its customer; when $2 (own
// access), only those who may see it: its rep, its assistant, a manager.
// The followed orders among the changed ones are found first (follows are
// few, an import's changes many), so that only their history is read, and
// the changed orders' customers only when someone follows a customer.
const followChangesSQL = `WITH changed AS (
		SELECT h.order_id FROM status_history h WHERE h.import_id = $1 AND h.from_status IS NOT NULL
		UNION
		SELECT p.order_id FROM follow_promises p JOIN import_runs r ON r.id = $1 AND p.changed_at = r.started_at),
	fo AS (
		SELECT f.person_id, f.order_id FROM follows f JOIN changed c ON c.order_id = f.order_id
		UNION
		SELECT f.person_id, o.id FROM changed c JOIN orders o ON o.id = c.order_id
			JOIN follows f ON f.customer_id = o.customer_id
		WHERE EXISTS (SELECT FROM follows WHERE customer_id IS NOT NULL)),
	st AS (
		SELECT DISTINCT ON (h.order_id) h.order_id, h.from_status, h.to_status, h.reason AS to_reason,
			coalesce((SELECT p.reason FROM status_history p WHERE p.order_id = h.order_id AND p.id < h.id
				ORDER BY p.id DESC LIMIT 1), '') AS from_reason
		FROM status_history h WHERE h.import_id = $1 AND h.from_status IS NOT NULL
			AND h.order_id IN (SELECT order_id FROM fo)
		ORDER BY h.order_id, h.id DESC),
	pr AS (
		SELECT DISTINCT ON (p.order_id) p.order_id, p.from_promised, p.to_promised
		FROM follow_promises p JOIN import_runs r ON r.id = $1 AND p.changed_at = r.started_at
		WHERE p.order_id IN (SELECT order_id FROM fo)
		ORDER BY p.order_id),
	ch AS (
		SELECT coalesce(st.order_id, pr.order_id) AS order_id, st.from_status, st.to_status, st.from_reason,
			st.to_reason, pr.from_promised, pr.to_promised, pr.order_id IS NOT NULL AS moved
		FROM st FULL JOIN pr ON pr.order_id = st.order_id),
	seen AS (
		SELECT fo.person_id, fo.order_id FROM fo JOIN orders o ON o.id = fo.order_id
			JOIN people p ON p.id = fo.person_id
		WHERE NOT $2 OR p.role = 'manager' OR o.rep_id = fo.person_id OR o.assistant_id = fo.person_id)
	INSERT INTO follow_changes (import_id, person_id, order_id, from_status, to_status, from_reason, to_reason,
		from_promised, to_promised)
	SELECT $1, fo.person_id, o.id, coalesce(ch.from_status, o.status), coalesce(ch.to_status, o.status),
		coalesce(ch.from_reason, o.block_reason), coalesce(ch.to_reason, o.block_reason),
		CASE WHEN ch.moved THEN ch.from_promised ELSE o.promised_on END,
		CASE WHEN ch.moved THEN ch.to_promised ELSE o.promised_on END
	FROM seen fo JOIN ch ON ch.order_id = fo.order_id JOIN orders o ON o.id = fo.order_id
	ON CONFLICT DO NOTHING`

// PlanFollows plans, once per import, what import changed of followed
// orders for each of their followers (see FollowChanges), ends every
// follow of the orders it invoiced or cancelled, and returns the people
// to tell, in order: none when it was planned before. ownOnly (bot.access
// own) tells a follower only of the orders they may see: theirs as rep or
// assistant, or any for a manager, so that following a customer, or an
// order since given to another rep, shows no one else's orders. Run it in
// a transaction (InTx), with the jobs that tell them.
func (s *Store) PlanFollows(ctx context.Context, importID int64, ownOnly bool) ([]int64, error) {
	tag, err := s.db.Exec(ctx, `INSERT INTO follow_plans (import_id, changes, people) VALUES ($1, 0, 0)
		ON CONFLICT DO NOTHING`, importID)
	if err != nil {
		return nil, fmt.Errorf("plan follows of import %d: %w", importID, err)
	}
	if tag.RowsAffected() == 0 {
		return nil, nil
	}
	// Nobody follows anything: nothing to plan (and the import's history
	// is not read).
	var anyone bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT FROM follows)`).Scan(&anyone); err != nil {
		return nil, fmt.Errorf("plan follows of import %d: %w", importID, err)
	}
	if !anyone {
		return nil, nil
	}
	tag, err = s.db.Exec(ctx, followChangesSQL, importID, ownOnly)
	if err != nil {
		return nil, fmt.Errorf("plan follows of import %d: %w", importID, err)
	}
	changes := tag.RowsAffected()
	if _, err := s.db.Exec(ctx, `DELETE FROM follows f USING follow_changes c
		WHERE c.import_id = $1 AND f.order_id = c.order_id AND c.to_status = ANY($2)`,
		importID, statusStrings(orders.ClosedStatuses())); err != nil {
		return nil, fmt.Errorf("plan follows of import %d: end follows: %w", importID, err)
	}
	rows, err := s.db.Query(ctx, `SELECT DISTINCT person_id FROM follow_changes WHERE import_id = $1 ORDER BY person_id`, importID)
	if err != nil {
		return nil, fmt.Errorf("plan follows of import %d: %w", importID, err)
	}
	var people []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("plan follows of import %d: %w", importID, err)
		}
		people = append(people, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("plan follows of import %d: %w", importID, err)
	}
	if _, err := s.db.Exec(ctx, `UPDATE follow_plans SET changes = $2, people = $3 WHERE import_id = $1`,
		importID, changes, len(people)); err != nil {
		return nil, fmt.Errorf("plan follows of import %d: %w", importID, err)
	}
	return people, nil
}

// UnplannedImports returns the orders imports finished since since whose
// changes were not planned for their followers yet, oldest first, at most
// limit.
func (s *Store) UnplannedImports(ctx context.Context, since time.Time, limit int) ([]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT r.id FROM import_runs r
		WHERE r.kind = 'orders' AND r.finished_at >= $1
			AND NOT EXISTS (SELECT FROM follow_plans p WHERE p.import_id = r.id)
		ORDER BY r.id LIMIT $2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("imports to plan: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("imports to plan: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// FollowChange is one change of a followed order an import made, as
// planned for one follower.
type FollowChange struct {
	OrderID                  int64
	Number                   string
	CustomerName             string
	From, To                 orders.Status
	FromReason, ToReason     string
	FromPromised, ToPromised *time.Time
}

// Closed reports whether the change closed the order (invoiced,
// cancelled): the last the follower hears of it.
func (c FollowChange) Closed() bool { return c.To.Closed() }

// PromiseMoved reports whether the change moved the promised date.
func (c FollowChange) PromiseMoved() bool {
	switch {
	case c.FromPromised == nil || c.ToPromised == nil:
		return c.FromPromised != c.ToPromised
	default:
		return !c.FromPromised.Equal(*c.ToPromised)
	}
}

// FollowChanges returns the changes import made for person, by order
// number.
func (s *Store) FollowChanges(ctx context.Context, importID, personID int64) ([]FollowChange, error) {
	rows, err := s.db.Query(ctx, `SELECT c.order_id, o.number, cu.name, c.from_status, c.to_status, c.from_reason,
			c.to_reason, c.from_promised, c.to_promised
		FROM follow_changes c JOIN orders o ON o.id = c.order_id JOIN customers cu ON cu.id = o.customer_id
		WHERE c.import_id = $1 AND c.person_id = $2 ORDER BY o.number_key, o.id`, importID, personID)
	if err != nil {
		return nil, fmt.Errorf("follow changes: %w", err)
	}
	defer rows.Close()
	var out []FollowChange
	for rows.Next() {
		var c FollowChange
		var from, to string
		if err := rows.Scan(&c.OrderID, &c.Number, &c.CustomerName, &from, &to, &c.FromReason, &c.ToReason,
			&c.FromPromised, &c.ToPromised); err != nil {
			return nil, fmt.Errorf("follow changes: %w", err)
		}
		c.From, c.To = orders.Status(from), orders.Status(to)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ForgetFollowChanges removes the changes planned before before, and the
// promised dates' changes recorded before it: their messages went long
// ago.
func (s *Store) ForgetFollowChanges(ctx context.Context, before time.Time) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM follow_changes WHERE created_at < $1`, before); err != nil {
		return fmt.Errorf("forget follow changes: %w", err)
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM follow_promises WHERE changed_at < $1`, before); err != nil {
		return fmt.Errorf("forget follow changes: %w", err)
	}
	return nil
}
