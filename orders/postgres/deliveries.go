package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// Delivery is one post orderbot makes on its own: an alert, a digest, a
// summary. It is claimed under its unique key with a lease before anything
// is posted, marked "posting" just before the post goes out and recorded
// with Slack's ts after; a delivery whose lease ran out is taken over by
// whoever comes next (another replica, the same process restarted).
type Delivery struct {
	ID        int64
	Kind      string // alert, digest, summary
	Key       string
	Channel   string
	State     string // claimed, posting, posted, sent, retry, failed, skipped
	Tries     int
	TS        string     // Slack's ts of the message, once posted
	PostingAt *time.Time // when the post last went out
	// PeriodFrom and PeriodTo are the period a digest or summary covers.
	PeriodFrom, PeriodTo *time.Time
	Figures              []byte // JSON
	LastError            string
}

const deliveryColumns = `id, kind, key, channel, state, tries, ts, posting_at, period_from, period_to, figures, last_error`

func scanDelivery(row pgx.Row) (Delivery, error) {
	var d Delivery
	err := row.Scan(&d.ID, &d.Kind, &d.Key, &d.Channel, &d.State, &d.Tries, &d.TS, &d.PostingAt, &d.PeriodFrom, &d.PeriodTo,
		&d.Figures, &d.LastError)
	return d, err
}

// takeable is the condition under which a delivery may be claimed by
// someone new: its holder's lease ran out before it was sent, or its retry
// is due ($1 is now).
const takeable = `((d.state IN ('claimed', 'posting', 'posted') AND d.lease_until < $1)
	OR (d.state = 'retry' AND d.next_try_at <= $1))`

// ClaimDelivery claims the delivery of key (creating it as d says) for
// lease from now. It returns false when someone else holds it, or it was
// sent, failed or skipped: then there is nothing to do. A delivery taken
// over keeps its state, so the new holder knows a post may have gone out.
func (s *Store) ClaimDelivery(ctx context.Context, d Delivery, now time.Time, lease time.Duration) (Delivery, bool, error) {
	row := s.db.QueryRow(ctx, `INSERT INTO deliveries AS d (kind, key, channel, state, lease_until, period_from, period_to)
		VALUES ($2, $3, $4, 'claimed', $5, $6, $7)
		ON CONFLICT (key) DO UPDATE SET lease_until = excluded.lease_until,
			state = CASE WHEN d.state = 'retry' THEN 'claimed' ELSE d.state END
		WHERE `+takeable+`
		RETURNING `+deliveryColumns,
		now, d.Kind, d.Key, d.Channel, now.Add(lease), d.PeriodFrom, d.PeriodTo)
	got, err := scanDelivery(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return Delivery{}, false, nil
	}
	if err != nil {
		return Delivery{}, false, fmt.Errorf("claim delivery %s: %w", d.Key, err)
	}
	return got, true, nil
}

// MarkPosting records that the post of a delivery goes out now: from here
// until MarkPosted or MarkSent, a crash leaves it unknown whether Slack
// got it, and whoever takes the delivery over must look before posting.
func (s *Store) MarkPosting(ctx context.Context, id int64, now time.Time) error {
	return s.markDelivery(ctx, id, `state = 'posting', posting_at = $2, tries = tries + 1`, now)
}

// MarkPosted records Slack's ts of a delivery's message when more remains
// to do (the summary's chart).
func (s *Store) MarkPosted(ctx context.Context, id int64, ts string) error {
	return s.markDelivery(ctx, id, `state = 'posted', ts = $2`, ts)
}

// MarkSent records a delivery as done, with Slack's ts and, for a summary,
// its figures; the alert events it carried are sent with it.
func (s *Store) MarkSent(ctx context.Context, id int64, ts string, figures []byte, now time.Time) error {
	return s.InTx(ctx, func(tx *Store) error {
		if err := tx.markDelivery(ctx, id, `state = 'sent', ts = $2, figures = coalesce($3, figures), sent_at = $4, last_error = ''`,
			ts, figures, now); err != nil {
			return err
		}
		_, err := tx.db.Exec(ctx, `UPDATE alert_events SET state = 'sent' WHERE delivery_id = $1`, id)
		return err
	})
}

// MarkRetry puts a delivery back, to be tried again at next.
func (s *Store) MarkRetry(ctx context.Context, id int64, cause error, next time.Time) error {
	return s.markDelivery(ctx, id, `state = 'retry', next_try_at = $2, lease_until = $2, last_error = $3`, next, cause.Error())
}

// MarkFailed parks a delivery after its last try; its alert events are
// failed with it.
func (s *Store) MarkFailed(ctx context.Context, id int64, cause error) error {
	return s.InTx(ctx, func(tx *Store) error {
		if err := tx.markDelivery(ctx, id, `state = 'failed', last_error = $2`, cause.Error()); err != nil {
			return err
		}
		_, err := tx.db.Exec(ctx, `UPDATE alert_events SET state = 'failed' WHERE delivery_id = $1`, id)
		return err
	})
}

// MarkSkipped records a missed digest or summary that is not posted late:
// its period rolls into the next one.
func (s *Store) MarkSkipped(ctx context.Context, id int64) error {
	return s.markDelivery(ctx, id, `state = 'skipped'`)
}

func (s *Store) markDelivery(ctx context.Context, id int64, set string, args ...any) error {
	tag, err := s.db.Exec(ctx, `UPDATE deliveries SET `+set+` WHERE id = $1`, append([]any{id}, args...)...)
	if err != nil {
		return fmt.Errorf("update delivery %d: %w", id, err)
	}
	if tag.RowsAffected() != 1 {
		return orders.Errorf(orders.ENotFound, "no delivery %d", id)
	}
	return nil
}

// LastSent returns the latest delivery of kind to channel that was sent:
// where the next digest's period starts, and the previous summary's figures.
func (s *Store) LastSent(ctx context.Context, kind, channel string) (Delivery, bool, error) {
	d, err := scanDelivery(s.db.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE kind = $1 AND channel = $2 AND state = 'sent' ORDER BY period_to DESC NULLS LAST, id DESC LIMIT 1`, kind, channel))
	if errors.Is(err, pgx.ErrNoRows) {
		return Delivery{}, false, nil
	}
	if err != nil {
		return Delivery{}, false, fmt.Errorf("last %s to %s: %w", kind, channel, err)
	}
	return d, true, nil
}

// SentFigures returns the figures of the summaries sent to channel since
// from, oldest first: the blocked value over time, for the chart.
func (s *Store) SentFigures(ctx context.Context, channel string, from time.Time) ([]Delivery, error) {
	rows, err := s.db.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE kind = 'summary' AND channel = $1 AND state = 'sent' AND period_to >= $2 ORDER BY period_to`, channel, from)
	if err != nil {
		return nil, fmt.Errorf("summaries since %s: %w", from, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delivery, error) { return scanDelivery(r) })
}
