package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// Unowned is a blocked order whose alert nobody claimed: what an
// escalation and the summary's section list.
type Unowned struct {
	OrderID     int64
	Number      string
	Customer    string
	Status      orders.Status
	Reason      string
	AmountCents int64
	Currency    string
	Since       time.Time // when the block started
	Rep         string    // the rep's name, empty when none
	ManagerID   int64     // the rep's manager, 0 when the directory names none
}

// dueFrom selects the blocked open orders since before $2 whose alert is
// neither claimed nor snoozed past day $3 ($1: the blocked statuses), from
// the orders and their owners alone: counting them reads nothing else.
const dueFrom = `FROM orders o LEFT JOIN alert_owners w ON w.order_id = o.id AND w.since = o.status_since
	WHERE o.closed_at IS NULL AND o.status = ANY($1) AND o.status_since <= $2
		AND w.claimed_by IS NULL AND (w.snoozed_until IS NULL OR w.snoozed_until < $3)`

// unownedFrom joins the orders of sub (selected through dueFrom) with
// their customer, rep and the rep's manager.
func unownedFrom(sub string) string {
	return `FROM (` + sub + `) o JOIN customers c ON c.id = o.customer_id
	LEFT JOIN people r ON r.id = o.rep_id
	LEFT JOIN people m ON r.manager_email <> '' AND lower(m.email) = lower(r.manager_email) AND NOT m.placeholder`
}

const unownedColumns = `o.id, o.number, c.name, o.status, o.block_reason, (o.amount * 100)::bigint, o.currency,
	o.status_since, coalesce(r.name, ''), coalesce(m.id, 0)`

func scanUnowned(r pgx.CollectableRow) (Unowned, error) {
	var u Unowned
	err := r.Scan(&u.OrderID, &u.Number, &u.Customer, &u.Status, &u.Reason, &u.AmountCents, &u.Currency, &u.Since, &u.Rep, &u.ManagerID)
	return u, err
}

// dayOnly is a calendar day as a date column takes it.
func dayOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Unclaimed returns the orders blocked since before cutoff whose alert
// nobody claimed nor snoozed past day, the biggest first, up to limit, and
// how many there are in all.
func (s *Store) Unclaimed(ctx context.Context, cutoff, day time.Time, limit int) ([]Unowned, int, error) {
	blocked := statusStrings(orders.BlockedStatuses())
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) `+dueFrom, blocked, cutoff, dayOnly(day)).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("unclaimed alerts: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+unownedColumns+` `+unownedFrom(`SELECT o.* `+dueFrom+`
		ORDER BY o.amount DESC, o.number LIMIT $4`)+` ORDER BY o.amount DESC, o.number`, blocked, cutoff, dayOnly(day), limit)
	if err != nil {
		return nil, 0, fmt.Errorf("unclaimed alerts: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanUnowned)
	if err != nil {
		return nil, 0, fmt.Errorf("unclaimed alerts: %w", err)
	}
	return out, n, nil
}

// EscalationManagers returns the managers with orders to escalate: blocked
// since before cutoff, unclaimed, not snoozed past day and not escalated
// yet for their block.
func (s *Store) EscalationManagers(ctx context.Context, cutoff, day time.Time) ([]orders.Person, error) {
	rows, err := s.db.Query(ctx, `SELECT `+personColumns+` FROM people WHERE lower(email) IN (
		SELECT DISTINCT lower(r.manager_email) FROM people r WHERE r.manager_email <> '' AND r.id IN (
			SELECT o.rep_id `+dueFrom+`
				AND NOT EXISTS (SELECT FROM escalations e WHERE e.order_id = o.id AND e.since = o.status_since)))
		AND NOT placeholder ORDER BY id`, statusStrings(orders.BlockedStatuses()), cutoff, dayOnly(day))
	if err != nil {
		return nil, fmt.Errorf("managers to escalate to: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Person, error) { return scanPerson(r) })
}

// Escalate gives delivery d, the escalation of day to manager, the orders
// of the manager's reps due for escalation that no escalation holds yet
// (while d is not posted: a message that may be out keeps what it listed),
// records each in its order's history, and returns all the orders d lists,
// the biggest first. Each order's block is escalated once: replicas racing
// on one manager's day hold one delivery, and an order is in one
// escalation only.
func (s *Store) Escalate(ctx context.Context, d Delivery, manager int64, cutoff, day, now time.Time) ([]Unowned, error) {
	err := s.InTx(ctx, func(tx *Store) error {
		if d.PostingAt != nil || d.TS != "" {
			return nil
		}
		rows, err := tx.db.Query(ctx, `INSERT INTO escalations (order_id, since, manager_id, delivery_id, day, blocked_days, at)
			SELECT o.id, o.status_since, m.id, $4, $3, ($3::date - (o.status_since AT TIME ZONE 'UTC')::date), $6
			`+unownedFrom(`SELECT o.* `+dueFrom)+` WHERE m.id = $5
			ORDER BY o.id
			ON CONFLICT (order_id, since) DO NOTHING
			RETURNING order_id`, statusStrings(orders.BlockedStatuses()), cutoff, dayOnly(day), d.ID, manager, now)
		if err != nil {
			return fmt.Errorf("escalate to person %d: %w", manager, err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("escalate to person %d: %w", manager, err)
		}
		for _, id := range ids {
			if _, err := tx.record(ctx, id, ActionEscalate, 0, manager, nil, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Escalated(ctx, d.ID)
}

// Escalated returns the orders delivery id escalates, the biggest first.
func (s *Store) Escalated(ctx context.Context, delivery int64) ([]Unowned, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.number, c.name, o.status, o.block_reason, (o.amount * 100)::bigint, o.currency,
			e.since, coalesce(r.name, ''), e.manager_id
		FROM escalations e JOIN orders o ON o.id = e.order_id JOIN customers c ON c.id = o.customer_id
		LEFT JOIN people r ON r.id = o.rep_id
		WHERE e.delivery_id = $1 ORDER BY o.amount DESC, o.number`, delivery)
	if err != nil {
		return nil, fmt.Errorf("escalations of delivery %d: %w", delivery, err)
	}
	out, err := pgx.CollectRows(rows, scanUnowned)
	if err != nil {
		return nil, fmt.Errorf("escalations of delivery %d: %w", delivery, err)
	}
	return out, nil
}
