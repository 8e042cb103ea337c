package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// ClaimedBy returns the blocked open orders whose alert person claimed,
// for the block they are in now, oldest block first, at most limit.
func (s *Store) ClaimedBy(ctx context.Context, personID int64, limit int) ([]Unowned, error) {
	return s.held(ctx, "alerts claimed", `SELECT `+heldColumns+`, 0::bigint
		FROM alert_owners w JOIN orders o ON o.id = w.order_id AND o.status_since = w.since
		JOIN customers c ON c.id = o.customer_id LEFT JOIN people r ON r.id = o.rep_id
		WHERE w.claimed_by = $1 AND o.closed_at IS NULL AND o.status = ANY($2)
		ORDER BY o.status_since, o.id LIMIT $3`, personID, statusStrings(orders.BlockedStatuses()), listLimit(limit))
}

// Team returns the people whose manager is the person of e-mail email, by
// name.
func (s *Store) Team(ctx context.Context, email string) ([]orders.Person, error) {
	rows, err := s.db.Query(ctx, `SELECT `+personColumns+` FROM people
		WHERE $1 <> '' AND lower(manager_email) = lower($1) AND NOT placeholder ORDER BY name, id`, email)
	if err != nil {
		return nil, fmt.Errorf("team of %s: %w", email, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Person, error) { return scanPerson(r) })
}

// EscalatedTo returns the orders escalated to manager since since that are
// still in the block they were escalated for, oldest block first, at most
// limit.
func (s *Store) EscalatedTo(ctx context.Context, managerID int64, since time.Time, limit int) ([]Unowned, error) {
	return s.held(ctx, "escalations", `SELECT `+heldColumns+`, e.manager_id
		FROM escalations e JOIN orders o ON o.id = e.order_id AND o.status_since = e.since
		JOIN customers c ON c.id = o.customer_id LEFT JOIN people r ON r.id = o.rep_id
		WHERE e.manager_id = $1 AND e.at >= $2 AND o.closed_at IS NULL AND o.status = ANY($3)
		ORDER BY o.status_since, o.id LIMIT $4`, managerID, since, statusStrings(orders.BlockedStatuses()), listLimit(limit))
}

// heldColumns are the columns of a blocked order read as an Unowned (less
// its last, the manager): o the order, c its customer, r its rep.
const heldColumns = `o.id, o.number, c.name, o.status, o.block_reason, (o.amount * 100)::bigint, o.currency,
	o.status_since, coalesce(r.name, '')`

// held reads the blocked orders of query (what names them in errors).
func (s *Store) held(ctx context.Context, what, query string, args ...any) ([]Unowned, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out, err := pgx.CollectRows(rows, scanUnowned)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
