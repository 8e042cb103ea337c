package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// The states of a release request.
const (
	ReleaseOpen     = "open"
	ReleaseApproved = "approved"
	ReleaseDeclined = "declined"
)

// ReleaseRequest is a request to lift one block of an order, and its
// decision once taken.
type ReleaseRequest struct {
	ID      int64
	OrderID int64
	Number  string
	// Block is the blocked status the request asks to lift, and
	// BlockSince when the order entered it.
	Block      orders.Status
	BlockSince time.Time
	Requester  orders.Person
	Reason     string
	// RequestedAt is when it was asked for; Channel and TS name its
	// message (TS empty until posted).
	RequestedAt time.Time
	Channel, TS string
	// State is ReleaseOpen, ReleaseApproved or ReleaseDeclined; Decider,
	// DecidedAt and DecisionReason are set once decided.
	State          string
	Decider        orders.Person
	DecidedAt      *time.Time
	DecisionReason string
	// ReleasedAt is when an import first showed the approved block lifted;
	// StaleToldAt when the requester and decider were told it was not yet.
	ReleasedAt, StaleToldAt *time.Time
}

// NewReleaseRequest is a request about to be made.
type NewReleaseRequest struct {
	Number      string
	Block       orders.Status
	RequesterID int64
	Reason      string
	Channel     string
	At          time.Time
}

// releaseColumns reads a release_requests row r joined to its order o.
const releaseColumns = `r.id, r.order_id, o.number, r.block, r.block_since, r.requester_id, r.reason, r.requested_at,
	r.channel, coalesce(r.ts, ''), r.state, coalesce(r.decider_id, 0), r.decided_at, r.decision_reason,
	r.released_at, r.stale_told_at`

// scanRelease reads a row of releaseColumns; the people are left to
// fillReleasePeople.
func scanRelease(row interface{ Scan(...any) error }) (ReleaseRequest, error) {
	var r ReleaseRequest
	err := row.Scan(&r.ID, &r.OrderID, &r.Number, &r.Block, &r.BlockSince, &r.Requester.ID, &r.Reason, &r.RequestedAt,
		&r.Channel, &r.TS, &r.State, &r.Decider.ID, &r.DecidedAt, &r.DecisionReason, &r.ReleasedAt, &r.StaleToldAt)
	return r, err
}

// fillReleasePeople reads the requesters and deciders of rs.
func (s *Store) fillReleasePeople(ctx context.Context, rs []ReleaseRequest) error {
	ids := map[int64]bool{}
	for _, r := range rs {
		ids[r.Requester.ID], ids[r.Decider.ID] = true, true
	}
	delete(ids, 0)
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	rows, err := s.db.Query(ctx, `SELECT `+personColumns+` FROM people WHERE id = ANY($1)`, list)
	if err != nil {
		return fmt.Errorf("release requests' people: %w", err)
	}
	people, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Person, error) { return scanPerson(r) })
	if err != nil {
		return fmt.Errorf("release requests' people: %w", err)
	}
	byID := map[int64]orders.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	for i := range rs {
		if p, ok := byID[rs[i].Requester.ID]; ok {
			rs[i].Requester = p
		}
		if p, ok := byID[rs[i].Decider.ID]; ok {
			rs[i].Decider = p
		}
	}
	return nil
}

// releases reads the requests a query of releaseColumns returns.
func (s *Store) releases(ctx context.Context, sql string, args ...any) ([]ReleaseRequest, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("release requests: %w", err)
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReleaseRequest, error) { return scanRelease(r) })
	if err != nil {
		return nil, fmt.Errorf("release requests: %w", err)
	}
	return rs, s.fillReleasePeople(ctx, rs)
}

// AskRelease records a request to lift block of order n.Number, unless
// one is open for the order and block: then it returns that one and
// created false. The order must be in that block now. then, when not nil,
// runs in the same transaction with the request made (to enqueue its
// posting): both are written, or neither.
func (s *Store) AskRelease(ctx context.Context, n NewReleaseRequest, then func(tx *Store, r ReleaseRequest) error) (ReleaseRequest, bool, error) {
	var out ReleaseRequest
	var created bool
	err := s.InTx(ctx, func(tx *Store) error {
		var orderID int64
		var since *time.Time
		err := tx.db.QueryRow(ctx, `SELECT o.id, coalesce(b.since, CASE WHEN o.status = $2 THEN o.status_since END)
			FROM orders o LEFT JOIN order_blocks b ON b.order_id = o.id AND b.kind = $2
			WHERE o.number = $1 FOR UPDATE OF o`, n.Number, string(n.Block)).Scan(&orderID, &since)
		if err != nil {
			return notFound(err, "no order %s", n.Number)
		}
		if since == nil {
			return orders.Errorf(orders.EInvalid, "order %s is not in %s", n.Number, n.Block)
		}
		var id int64
		err = tx.db.QueryRow(ctx, `INSERT INTO release_requests (order_id, block, block_since, requester_id, reason, requested_at, channel)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_id, block) WHERE state = 'open' DO NOTHING RETURNING id`,
			orderID, string(n.Block), *since, n.RequesterID, n.Reason, n.At, n.Channel).Scan(&id)
		created = err == nil
		if errors.Is(err, pgx.ErrNoRows) {
			err = tx.db.QueryRow(ctx, `SELECT id FROM release_requests WHERE order_id = $1 AND block = $2 AND state = 'open'`,
				orderID, string(n.Block)).Scan(&id)
		}
		if err != nil {
			return fmt.Errorf("release request of %s: %w", n.Number, err)
		}
		if out, err = tx.ReleaseRequest(ctx, id); err != nil {
			return err
		}
		if created && then != nil {
			return then(tx, out)
		}
		return nil
	})
	return out, created, err
}

// ReleaseRequest returns the request id.
func (s *Store) ReleaseRequest(ctx context.Context, id int64) (ReleaseRequest, error) {
	rs, err := s.releases(ctx, `SELECT `+releaseColumns+` FROM release_requests r JOIN orders o ON o.id = r.order_id
		WHERE r.id = $1`, id)
	if err != nil {
		return ReleaseRequest{}, err
	}
	if len(rs) == 0 {
		return ReleaseRequest{}, orders.Errorf(orders.ENotFound, "no release request %d", id)
	}
	return rs[0], nil
}

// SetReleaseMessage records the message a request was posted as.
func (s *Store) SetReleaseMessage(ctx context.Context, id int64, channel, ts string) error {
	_, err := s.db.Exec(ctx, `UPDATE release_requests SET channel = $2, ts = $3 WHERE id = $1`, id, channel, ts)
	if err != nil {
		return fmt.Errorf("release request %d: message: %w", id, err)
	}
	return nil
}

// DecideRelease approves or declines open request id as decider, and
// reports whether this call decided it: a request decided before (by
// another click, on another replica) is returned as it was, with false.
// then, when not nil, runs in the same transaction once decided (to
// enqueue what the decision sets off).
func (s *Store) DecideRelease(ctx context.Context, id, deciderID int64, approve bool, reason string, at time.Time,
	then func(tx *Store, r ReleaseRequest) error) (ReleaseRequest, bool, error) {
	state := ReleaseDeclined
	if approve {
		state = ReleaseApproved
	}
	var out ReleaseRequest
	var decided bool
	err := s.InTx(ctx, func(tx *Store) error {
		tag, err := tx.db.Exec(ctx, `UPDATE release_requests SET state = $2, decider_id = $3, decided_at = $4, decision_reason = $5
			WHERE id = $1 AND state = 'open'`, id, state, deciderID, at, reason)
		if err != nil {
			return fmt.Errorf("release request %d: decide: %w", id, err)
		}
		decided = tag.RowsAffected() == 1
		if out, err = tx.ReleaseRequest(ctx, id); err != nil {
			return err
		}
		if decided && then != nil {
			return then(tx, out)
		}
		return nil
	})
	return out, decided, err
}

// ReleaseFilter selects release requests: every field set must match.
type ReleaseFilter struct {
	OrderIDs    []int64
	RequesterID int64
	States      []string
	// Blocks are the blocks asked to lift.
	Blocks []orders.Status
}

// ReleaseRequests returns the requests f selects, oldest first.
func (s *Store) ReleaseRequests(ctx context.Context, f ReleaseFilter) ([]ReleaseRequest, error) {
	blocks := make([]string, len(f.Blocks))
	for i, b := range f.Blocks {
		blocks[i] = string(b)
	}
	return s.releases(ctx, `SELECT `+releaseColumns+` FROM release_requests r JOIN orders o ON o.id = r.order_id
		WHERE (cardinality($1::bigint[]) = 0 OR r.order_id = ANY($1))
		  AND ($2 = 0 OR r.requester_id = $2)
		  AND (cardinality($3::text[]) = 0 OR r.state = ANY($3))
		  AND (cardinality($4::text[]) = 0 OR r.block = ANY($4))
		ORDER BY r.requested_at, r.id`, nonNil(f.OrderIDs), f.RequesterID, nonNil(f.States), blocks)
}

// nonNil returns s, or an empty slice for nil (an empty array for
// PostgreSQL, not NULL).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// StaleReleases first marks released the approved requests whose block an
// import has lifted, then returns those approved before before whose
// order is still in the block and whose people were not told yet.
func (s *Store) StaleReleases(ctx context.Context, before time.Time) ([]ReleaseRequest, error) {
	_, err := s.db.Exec(ctx, `UPDATE release_requests r SET released_at = now()
		FROM orders o WHERE o.id = r.order_id AND r.state = 'approved' AND r.released_at IS NULL
		  AND o.status <> r.block AND NOT EXISTS (SELECT 1 FROM order_blocks b WHERE b.order_id = r.order_id AND b.kind = r.block)`)
	if err != nil {
		return nil, fmt.Errorf("released requests: %w", err)
	}
	return s.releases(ctx, `SELECT `+releaseColumns+` FROM release_requests r JOIN orders o ON o.id = r.order_id
		WHERE r.state = 'approved' AND r.released_at IS NULL AND r.stale_told_at IS NULL AND r.decided_at < $1
		ORDER BY r.decided_at, r.id`, before)
}

// MarkReleaseStaleTold records that the people of request id were told it
// is still waiting for the ERP, and reports whether this call did: they
// are told once.
func (s *Store) MarkReleaseStaleTold(ctx context.Context, id int64, at time.Time) (bool, error) {
	tag, err := s.db.Exec(ctx, `UPDATE release_requests SET stale_told_at = $2 WHERE id = $1 AND stale_told_at IS NULL`, id, at)
	if err != nil {
		return false, fmt.Errorf("release request %d: stale: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// ReleasePeople returns the IDs of the people a decision of request id is
// told to, once each: its requester, the order's rep and assistant, and
// whoever follows the order or its customer.
func (s *Store) ReleasePeople(ctx context.Context, id int64) ([]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT p FROM release_requests r JOIN orders o ON o.id = r.order_id,
		LATERAL (SELECT r.requester_id UNION ALL SELECT o.rep_id UNION ALL SELECT o.assistant_id
			UNION ALL SELECT f.person_id FROM follows f WHERE f.order_id = o.id OR f.customer_id = o.customer_id) x(p)
		WHERE r.id = $1 AND p IS NOT NULL ORDER BY p`, id)
	if err != nil {
		return nil, fmt.Errorf("release request %d: people: %w", id, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("release request %d: people: %w", id, err)
	}
	return ids, nil
}
