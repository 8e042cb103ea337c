package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// The actions taken on a block alert, as alert_actions records them.
const (
	ActionClaim    = "claim"
	ActionSnooze   = "snooze"
	ActionRelease  = "release"
	ActionEscalate = "escalate"
)

// AlertOwner is who owns the alert of a blocked order, for the block it is
// in: the person on it and since when, how long it is snoozed, who a "not
// mine" handed it to. A new block of the order starts with none of these.
type AlertOwner struct {
	OrderID int64
	Number  string
	// Since is when the order's block started (its status_since).
	Since     time.Time
	ClaimedBy *orders.Person
	ClaimedAt *time.Time
	// SnoozedUntil is the last day the order is kept from escalation, as
	// SnoozedBy asked.
	SnoozedUntil *time.Time
	SnoozedBy    *orders.Person
	// HandedBy said "not mine" last, and the alert went to HandedTo (nil:
	// nobody else follows the order).
	HandedBy, HandedTo *orders.Person
}

// AlertAction is one entry of an order's alert history: who did what when.
type AlertAction struct {
	ID      int64
	OrderID int64
	Action  string // claim, snooze, release, escalate
	// By is who acted (ID 0: orderbot itself); To who a release handed the
	// alert to, or the manager an escalation went to.
	By, To orders.Person
	Until  *time.Time // snooze: the last day
	At     time.Time
}

// alertTarget is the order an action is about, locked until the action's
// transaction ends.
type alertTarget struct {
	id, repID, assistantID int64
	status                 orders.Status
	since                  time.Time
}

// lockAlert locks the order of number and its owner row, and returns them;
// an order that is not blocked (released, invoiced) has no alert to act on.
func (s *Store) lockAlert(ctx context.Context, number string) (alertTarget, error) {
	var t alertTarget
	err := s.db.QueryRow(ctx, `SELECT id, coalesce(rep_id, 0), coalesce(assistant_id, 0), status, status_since
		FROM orders WHERE number = $1 FOR UPDATE`, number).Scan(&t.id, &t.repID, &t.assistantID, &t.status, &t.since)
	if err != nil {
		return t, notFound(err, "no order %s", number)
	}
	if !t.status.Blocked() {
		return t, orders.Errorf(orders.EInvalid, "order %s is no longer blocked (%s)", number, t.status)
	}
	// The owner row of an earlier block is the past: this block starts
	// unowned.
	_, err = s.db.Exec(ctx, `INSERT INTO alert_owners (order_id, since, updated_at) VALUES ($1, $2, now())
		ON CONFLICT (order_id) DO UPDATE SET since = excluded.since, claimed_by = NULL, claimed_at = NULL,
			snoozed_until = NULL, snoozed_by = NULL, handed_by = NULL, handed_to = NULL,
			updated_at = now()
		WHERE alert_owners.since <> excluded.since`, t.id, t.since)
	if err != nil {
		return t, fmt.Errorf("alert of order %s: %w", number, err)
	}
	return t, nil
}

// record writes an entry of the order's alert history, and reports
// false when the same person's same action at the same moment (one click
// handled twice) is there already.
func (s *Store) record(ctx context.Context, orderID int64, action string, by, to int64, until *time.Time, at time.Time) (bool, error) {
	tag, err := s.db.Exec(ctx, `INSERT INTO alert_actions (order_id, action, by_id, to_id, until, at)
		VALUES ($1, $2, nullif($3, 0), nullif($4, 0), $5, $6) ON CONFLICT DO NOTHING`, orderID, action, by, to, until, at)
	if err != nil {
		return false, fmt.Errorf("record the %s of order %d: %w", action, orderID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// onAlert runs act on the alert of order number, locked, in a
// transaction, and returns the alert's owner after it. An EConflict from
// act leaves the owner as it was and is returned with it.
func (s *Store) onAlert(ctx context.Context, number string, act func(tx *Store, t alertTarget) error) (AlertOwner, error) {
	var owner AlertOwner
	var refused error
	err := s.InTx(ctx, func(tx *Store) error {
		t, err := tx.lockAlert(ctx, number)
		if err != nil {
			return err
		}
		if refused = act(tx, t); refused != nil && orders.ErrorCode(refused) != orders.EConflict {
			return refused
		}
		owner, err = tx.alertOwner(ctx, t.id)
		return err
	})
	if err == nil {
		err = refused
	}
	return owner, err
}

// ClaimAlert records that by is on the alert of order number from now. A
// claim holds for the block the order is in; claiming again is a no-op,
// and an alert someone else claimed stays theirs: the error is EConflict,
// and the owner returned says who has it since when.
func (s *Store) ClaimAlert(ctx context.Context, number string, by int64, now time.Time) (AlertOwner, error) {
	return s.onAlert(ctx, number, func(tx *Store, t alertTarget) error {
		var holder int64
		if err := tx.db.QueryRow(ctx, `SELECT coalesce(claimed_by, 0) FROM alert_owners WHERE order_id = $1`, t.id).
			Scan(&holder); err != nil {
			return fmt.Errorf("claim of order %s: %w", number, err)
		}
		switch {
		case holder == by:
			return nil
		case holder != 0:
			return orders.Errorf(orders.EConflict, "order %s is handled by someone else already", number)
		}
		if _, err := tx.db.Exec(ctx, `UPDATE alert_owners SET claimed_by = $2, claimed_at = $3, updated_at = now()
			WHERE order_id = $1`, t.id, by, now); err != nil {
			return fmt.Errorf("claim of order %s: %w", number, err)
		}
		_, err := tx.record(ctx, t.id, ActionClaim, by, 0, nil, now)
		return err
	})
}

// SnoozeAlert keeps the alert of order number from escalation through the
// day until, as by asked now.
func (s *Store) SnoozeAlert(ctx context.Context, number string, by int64, until, now time.Time) (AlertOwner, error) {
	day := time.Date(until.Year(), until.Month(), until.Day(), 0, 0, 0, 0, time.UTC)
	return s.onAlert(ctx, number, func(tx *Store, t alertTarget) error {
		if fresh, err := tx.record(ctx, t.id, ActionSnooze, by, 0, &day, now); err != nil || !fresh {
			return err
		}
		if _, err := tx.db.Exec(ctx, `UPDATE alert_owners SET snoozed_until = $2, snoozed_by = $3, updated_at = now()
			WHERE order_id = $1`, t.id, day, by); err != nil {
			return fmt.Errorf("snooze of order %s: %w", number, err)
		}
		return nil
	})
}

// ReleaseAlert records that the alert of order number is not by's ("not
// mine") and hands it on: to the rep's assistant pool, which is the
// assistant who assists the order's rep on most of the rep's open orders,
// as the directory and the portfolio say, leaving out by and whoever said
// "not mine" to this block already; else to the rep, unless by is the
// rep; else to nobody (the order then goes to the rep's manager when it is
// escalated). A claim by by ends. The owner returned names who it was
// handed to (HandedTo nil: nobody).
func (s *Store) ReleaseAlert(ctx context.Context, number string, by int64, now time.Time) (AlertOwner, error) {
	return s.onAlert(ctx, number, func(tx *Store, t alertTarget) error {
		var to int64
		err := tx.db.QueryRow(ctx, `SELECT p.id FROM orders o JOIN people p ON p.id = o.assistant_id
			WHERE o.rep_id = $1 AND o.closed_at IS NULL AND p.id <> $2 AND p.role = 'assistant'
				AND NOT p.placeholder AND p.slack_user_id IS NOT NULL
				AND p.id NOT IN (SELECT a.by_id FROM alert_actions a WHERE a.order_id = $3 AND a.action = 'release'
					AND a.at >= $4 AND a.by_id IS NOT NULL)
			GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1`, t.repID, by, t.id, t.since).Scan(&to)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("release of order %s: %w", number, err)
		}
		if to == 0 && t.repID != by {
			to = t.repID
		}
		if fresh, err := tx.record(ctx, t.id, ActionRelease, by, to, nil, now); err != nil || !fresh {
			return err
		}
		if _, err := tx.db.Exec(ctx, `UPDATE alert_owners SET handed_to = nullif($2, 0), handed_by = $3,
				claimed_by = CASE WHEN claimed_by = $3 THEN NULL ELSE claimed_by END,
				claimed_at = CASE WHEN claimed_by = $3 THEN NULL ELSE claimed_at END, updated_at = now()
			WHERE order_id = $1`, t.id, to, by); err != nil {
			return fmt.Errorf("release of order %s: %w", number, err)
		}
		return nil
	})
}

// AlertOwnerOf returns who owns the alert of order number for the block it
// is in; false when nobody acted on it (or the order is not blocked).
func (s *Store) AlertOwnerOf(ctx context.Context, number string) (AlertOwner, bool, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT o.id FROM orders o JOIN alert_owners w ON w.order_id = o.id AND w.since = o.status_since
		WHERE o.number = $1 AND o.status = ANY($2)`, number, statusStrings(orders.BlockedStatuses())).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return AlertOwner{}, false, nil
	}
	if err != nil {
		return AlertOwner{}, false, fmt.Errorf("owner of the alert of order %s: %w", number, err)
	}
	o, err := s.alertOwner(ctx, id)
	return o, err == nil, err
}

// alertOwner reads the owner row of an order.
func (s *Store) alertOwner(ctx context.Context, orderID int64) (AlertOwner, error) {
	var o AlertOwner
	var claimed, snoozer, handedBy, handed int64
	err := s.db.QueryRow(ctx, `SELECT w.order_id, o.number, w.since, coalesce(w.claimed_by, 0), w.claimed_at, w.snoozed_until,
			coalesce(w.snoozed_by, 0), coalesce(w.handed_by, 0), coalesce(w.handed_to, 0)
		FROM alert_owners w JOIN orders o ON o.id = w.order_id WHERE w.order_id = $1`, orderID).
		Scan(&o.OrderID, &o.Number, &o.Since, &claimed, &o.ClaimedAt, &o.SnoozedUntil, &snoozer, &handedBy, &handed)
	if err != nil {
		return o, notFound(err, "no alert owner for order %d", orderID)
	}
	for _, p := range []struct {
		id  int64
		out **orders.Person
	}{{claimed, &o.ClaimedBy}, {snoozer, &o.SnoozedBy}, {handedBy, &o.HandedBy}, {handed, &o.HandedTo}} {
		if p.id == 0 {
			continue
		}
		person, err := s.PersonByID(ctx, p.id)
		if err != nil {
			return o, err
		}
		*p.out = &person
	}
	return o, nil
}

// AlertOwners returns who owns the alerts of the orders of numbers, for
// the blocks they are in, by number; orders nobody acted on are left out.
func (s *Store) AlertOwners(ctx context.Context, numbers []string) (map[string]AlertOwner, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id FROM orders o
		JOIN alert_owners w ON w.order_id = o.id AND w.since = o.status_since
		WHERE o.number = ANY($1) AND o.status = ANY($2) ORDER BY o.id`, numbers, statusStrings(orders.BlockedStatuses()))
	if err != nil {
		return nil, fmt.Errorf("owners of alerts: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("owners of alerts: %w", err)
	}
	out := make(map[string]AlertOwner, len(ids))
	for _, id := range ids {
		o, err := s.alertOwner(ctx, id)
		if err != nil {
			return nil, err
		}
		out[o.Number] = o
	}
	return out, nil
}

// AlertActions returns the alert history of order number, oldest first:
// every claim, snooze, hand-back and escalation, with who and when.
func (s *Store) AlertActions(ctx context.Context, number string) ([]AlertAction, error) {
	rows, err := s.db.Query(ctx, `SELECT a.id, a.order_id, a.action, coalesce(a.by_id, 0), coalesce(b.name, ''),
			coalesce(a.to_id, 0), coalesce(t.name, ''), a.until, a.at
		FROM alert_actions a JOIN orders o ON o.id = a.order_id
		LEFT JOIN people b ON b.id = a.by_id LEFT JOIN people t ON t.id = a.to_id
		WHERE o.number = $1 ORDER BY a.at, a.id`, number)
	if err != nil {
		return nil, fmt.Errorf("alert history of order %s: %w", number, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AlertAction, error) {
		var a AlertAction
		err := r.Scan(&a.ID, &a.OrderID, &a.Action, &a.By.ID, &a.By.Name, &a.To.ID, &a.To.Name, &a.Until, &a.At)
		return a, err
	})
}

// AlertMessageAt returns the alerts of the message orderbot posted as ts
// in channel (Slack's channel ID): an alert batch, or an alert handed on
// by "not mine"; false when orderbot posted no alert there.
func (s *Store) AlertMessageAt(ctx context.Context, channel, ts string) (AlertBatch, bool, error) {
	d, err := scanDelivery(s.db.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE kind IN ('alert', 'handback') AND ts = $2 AND (channel_id = $1 OR channel = $1) ORDER BY id DESC LIMIT 1`, channel, ts))
	if errors.Is(err, pgx.ErrNoRows) {
		return AlertBatch{}, false, nil
	}
	if err != nil {
		return AlertBatch{}, false, fmt.Errorf("alert message %s in %s: %w", ts, channel, err)
	}
	b := AlertBatch{Delivery: d}
	if d.Kind == "alert" {
		return b, true, s.fillAlerts(ctx, &b)
	}
	number, _, _ := strings.Cut(strings.TrimPrefix(d.Key, "handback:"), ":")
	b.Alerts, err = s.CurrentAlerts(ctx, []string{number})
	return b, true, err
}

// HandbackKey names the delivery of the alert of order number handed on
// by the click click (unique per click): the same click handled again
// posts it once.
func HandbackKey(number, click string) string { return "handback:" + number + ":" + click }

// CurrentAlerts returns the orders of numbers as an alert shows them, in
// the block they are in now, the biggest first.
func (s *Store) CurrentAlerts(ctx context.Context, numbers []string) ([]Alert, error) {
	rows, err := s.db.Query(ctx, `SELECT 0, o.number, c.name, o.status, o.block_reason, (o.amount * 100)::bigint, o.currency,
			o.status_since, ''
		FROM orders o JOIN customers c ON c.id = o.customer_id
		WHERE o.number = ANY($1) ORDER BY o.amount DESC, o.number`, numbers)
	if err != nil {
		return nil, fmt.Errorf("alerts of %v: %w", numbers, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Alert, error) {
		var a Alert
		err := r.Scan(&a.EventID, &a.Number, &a.Customer, &a.Status, &a.Reason, &a.AmountCents, &a.Currency, &a.At, &a.From)
		return a, err
	})
}
