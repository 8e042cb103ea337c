package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// Alert is one order's transition into a blocked status, as an alert shows it.
type Alert struct {
	EventID     int64
	Number      string
	Customer    string
	Status      orders.Status
	Reason      string
	AmountCents int64
	Currency    string
	At          time.Time
	// From is the status the order left; a blocked one makes the alert a
	// change of block, not a new block. Empty for an order new to orderbot.
	From orders.Status
}

// AlertBatch is one delivery of alerts: the transitions of one import (or
// one change) for one person, who follows the orders as assistant or, for
// orders without one, as rep.
type AlertBatch struct {
	Delivery  Delivery
	Recipient orders.Person // ID 0 when the orders have nobody to alert
	Alerts    []Alert
}

// ClaimAlerts claims the next batch of alerts to send (see ClaimDelivery),
// until release: first a batch made before that nobody works and that is
// due (a retry after now is not), else a new batch (NewAlertBatch). It
// returns false when there is nothing to send.
func (s *Store) ClaimAlerts(ctx context.Context, now time.Time) (AlertBatch, func(), bool, error) {
	for {
		keys, err := s.OpenAlerts(ctx, now)
		if err != nil {
			return AlertBatch{}, nil, false, err
		}
		for _, key := range keys {
			b, release, ok, err := s.ClaimAlertBatch(ctx, key, now)
			if err != nil || ok {
				return b, release, ok, err
			}
		}
		key, made, err := s.NewAlertBatch(ctx)
		if err != nil || !made {
			return AlertBatch{}, nil, false, err
		}
		b, release, ok, err := s.ClaimAlertBatch(ctx, key, now)
		if err != nil || ok {
			return b, release, ok, err
		}
	}
}

// ClaimAlertBatch claims the batch of alerts of key (see ClaimDelivery)
// with its alerts and recipient.
func (s *Store) ClaimAlertBatch(ctx context.Context, key string, now time.Time) (AlertBatch, func(), bool, error) {
	d, release, ok, err := s.ClaimDelivery(ctx, Delivery{Kind: "alert", Key: key}, now)
	if err != nil || !ok {
		return AlertBatch{}, release, false, err
	}
	b := AlertBatch{Delivery: d}
	if err := s.fillAlerts(ctx, &b); err != nil {
		release()
		return AlertBatch{}, func() {}, false, err
	}
	return b, release, true, nil
}

// OpenAlerts returns the keys of the batches of alerts made and not
// settled, the oldest first, less those waiting for a retry after now.
func (s *Store) OpenAlerts(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT key FROM deliveries WHERE kind = 'alert'
		AND (state IN ('claimed', 'posting', 'posted') OR (state = 'retry' AND next_try_at <= $1)) ORDER BY id LIMIT 1000`, now)
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	return keys, nil
}

// NewAlertBatch makes the next batch of alerts, a delivery of its own
// (alert:<recipient>:<first transition>): the oldest pending transition
// not yet in a batch, and those of the same import for the same person.
// It returns false when every transition is in a batch.
func (s *Store) NewAlertBatch(ctx context.Context) (string, bool, error) {
	var key string
	err := s.InTx(ctx, func(tx *Store) error {
		// Batches are made one at a time: with row locks alone, a second
		// maker would skip the first one's locked transition, start its
		// batch at the next one of the same import and person, and split
		// one import's alerts in two messages.
		if _, err := tx.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('orderbot alert batches', 0))`); err != nil {
			return fmt.Errorf("alert batch: %w", err)
		}
		var first int64
		var importID *int64
		var who *int64
		err := tx.db.QueryRow(ctx, `SELECT e.id, e.import_id, coalesce(o.assistant_id, o.rep_id)
			FROM alert_events e JOIN orders o ON o.id = e.order_id
			WHERE e.state = 'pending' AND e.delivery_id IS NULL
			ORDER BY e.id LIMIT 1 FOR UPDATE OF e SKIP LOCKED`).Scan(&first, &importID, &who)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNothing
		}
		if err != nil {
			return fmt.Errorf("alert batch: %w", err)
		}
		channel := ""
		var recipient int64
		if who != nil {
			recipient = *who
			_ = tx.db.QueryRow(ctx, `SELECT coalesce(slack_user_id, '') FROM people WHERE id = $1`, recipient).Scan(&channel)
		}
		key = fmt.Sprintf("alert:%d:%d", recipient, first)
		var id int64
		if err := tx.db.QueryRow(ctx, `INSERT INTO deliveries (kind, key, channel, state) VALUES ('alert', $1, $2, 'claimed')
			RETURNING id`, key, channel).Scan(&id); err != nil {
			return fmt.Errorf("alert batch: %w", err)
		}
		_, err = tx.db.Exec(ctx, `UPDATE alert_events SET delivery_id = $1 WHERE id IN (
			SELECT e.id FROM alert_events e JOIN orders o ON o.id = e.order_id
			WHERE e.state = 'pending' AND e.delivery_id IS NULL AND e.import_id IS NOT DISTINCT FROM $2
				AND coalesce(o.assistant_id, o.rep_id) IS NOT DISTINCT FROM $3
				AND (e.id = $4 OR e.import_id IS NOT NULL)
			FOR UPDATE OF e SKIP LOCKED)`, id, importID, who, first)
		if err != nil {
			return fmt.Errorf("alert batch: %w", err)
		}
		return nil
	})
	if errors.Is(err, errNothing) {
		return "", false, nil
	}
	return key, err == nil, err
}

// errNothing ends a claim with nothing to claim.
var errNothing = errors.New("nothing to claim")

// fillAlerts reads the transitions and the recipient of a batch.
func (s *Store) fillAlerts(ctx context.Context, b *AlertBatch) error {
	rows, err := s.db.Query(ctx, `SELECT e.id, o.number, c.name, e.to_status, e.reason, (o.amount * 100)::bigint, o.currency, e.at,
			coalesce(o.assistant_id, o.rep_id, 0), coalesce(e.from_status, '')
		FROM alert_events e JOIN orders o ON o.id = e.order_id JOIN customers c ON c.id = o.customer_id
		WHERE e.delivery_id = $1 ORDER BY o.amount DESC, e.id`, b.Delivery.ID)
	if err != nil {
		return fmt.Errorf("alerts of delivery %d: %w", b.Delivery.ID, err)
	}
	var who int64
	b.Alerts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Alert, error) {
		var a Alert
		err := r.Scan(&a.EventID, &a.Number, &a.Customer, &a.Status, &a.Reason, &a.AmountCents, &a.Currency, &a.At, &who, &a.From)
		return a, err
	})
	if err != nil {
		return fmt.Errorf("alerts of delivery %d: %w", b.Delivery.ID, err)
	}
	if who != 0 {
		p, err := s.PersonByID(ctx, who)
		if err != nil {
			return err
		}
		b.Recipient = p
	}
	return nil
}

// AlertStatus counts the alert transitions by state, and lists the failed
// deliveries with why.
type AlertStatus struct {
	Pending, Sending, Sent, Failed int // transitions
	FailedDeliveries               []Delivery
}

// AlertsStatus returns where the alerts stand.
func (s *Store) AlertsStatus(ctx context.Context) (AlertStatus, error) {
	var st AlertStatus
	err := s.db.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE state = 'pending' AND delivery_id IS NULL),
			count(*) FILTER (WHERE state = 'pending' AND delivery_id IS NOT NULL),
			count(*) FILTER (WHERE state = 'sent'),
			count(*) FILTER (WHERE state = 'failed')
		FROM alert_events`).Scan(&st.Pending, &st.Sending, &st.Sent, &st.Failed)
	if err != nil {
		return st, fmt.Errorf("alerts status: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE kind = 'alert' AND state = 'failed' ORDER BY id DESC LIMIT 20`)
	if err != nil {
		return st, fmt.Errorf("alerts status: %w", err)
	}
	st.FailedDeliveries, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delivery, error) { return scanDelivery(r) })
	return st, err
}

// PendingAlerts counts the transitions waiting to be alerted.
func (s *Store) PendingAlerts(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM alert_events WHERE state = 'pending'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("pending alerts: %w", err)
	}
	return n, nil
}
