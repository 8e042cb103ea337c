package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Delivery is one post orderbot makes on its own: an alert, a digest, a
// summary, an escalation. It is created under its unique key and worked by
// one process at a time, holding the lock on its key (ClaimDelivery): a
// River job on a replica, or a one-shot `digest run`. It is marked
// "posting" just before the post goes out and recorded with Slack's ts
// after; a process that dies loses its lock with its connection, and
// whoever works the delivery next looks in Slack before posting again.
type Delivery struct {
	ID      int64
	Kind    string // alert, digest, summary, escalation, handback
	Key     string
	Channel string
	State   string // claimed, posting, posted, sent, retry, failed, skipped
	Tries   int
	TS      string // Slack's ts of the message, once posted
	// ChannelID is the ID Slack gave the channel when the message was posted.
	ChannelID string
	// PostingAt is when the post last went out: from then until the ts is
	// recorded, it is unknown whether Slack got it.
	PostingAt *time.Time
	// NextTry is when a delivery put back after a failure is due again.
	NextTry *time.Time
	// PeriodFrom and PeriodTo are the period a digest or summary covers;
	// HistoryTo the last status change it covers, by insertion order.
	PeriodFrom, PeriodTo *time.Time
	HistoryTo            *int64
	Figures              []byte // JSON
	LastError            string
}

// Settled reports whether nothing remains to do for d: sent, failed or
// skipped.
func (d Delivery) Settled() bool {
	return d.State == "sent" || d.State == "failed" || d.State == "skipped"
}

// ErrSettled says a delivery was settled meanwhile: nothing may be posted.
var ErrSettled = errors.New("the delivery was settled meanwhile")

const deliveryColumns = `id, kind, key, channel, state, tries, ts, channel_id, posting_at, next_try_at, period_from, period_to,
	history_to, figures, last_error`

func scanDelivery(row pgx.Row) (Delivery, error) {
	var d Delivery
	err := row.Scan(&d.ID, &d.Kind, &d.Key, &d.Channel, &d.State, &d.Tries, &d.TS, &d.ChannelID, &d.PostingAt, &d.NextTry,
		&d.PeriodFrom, &d.PeriodTo, &d.HistoryTo, &d.Figures, &d.LastError)
	return d, err
}

// ClaimDelivery takes the delivery of key (creating it as d says) for the
// caller alone, until it calls release: it holds the lock of the key on a
// connection of its own, so that a process that dies lets it go at once.
// It returns false (and a release that does nothing) when someone else
// holds it, when it was sent, failed or skipped, or when it waits for a
// retry due after now. A delivery worked before keeps its state and what
// it covers, so the new worker knows a post may have gone out.
func (s *Store) ClaimDelivery(ctx context.Context, d Delivery, now time.Time) (Delivery, func(), bool, error) {
	release, ok, err := s.locks.lock(ctx, d.Key)
	if err != nil || !ok {
		return Delivery{}, func() {}, false, err
	}
	got, err := scanDelivery(s.db.QueryRow(ctx, `INSERT INTO deliveries AS d (kind, key, channel, state, period_from,
			period_to, history_to)
		VALUES ($1, $2, $3, 'claimed', $4, $5, $6)
		ON CONFLICT (key) DO UPDATE SET key = d.key
		RETURNING `+deliveryColumns, d.Kind, d.Key, d.Channel, d.PeriodFrom, d.PeriodTo, d.HistoryTo))
	if err != nil {
		release()
		return Delivery{}, func() {}, false, fmt.Errorf("claim delivery %s: %w", d.Key, err)
	}
	if got.Settled() || (got.State == "retry" && got.NextTry != nil && got.NextTry.After(now)) {
		release()
		return got, func() {}, false, nil
	}
	return got, release, true, nil
}

// DeliveryByKey returns the delivery of key; false when there is none.
func (s *Store) DeliveryByKey(ctx context.Context, key string) (Delivery, bool, error) {
	d, err := scanDelivery(s.db.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE key = $1`, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return Delivery{}, false, nil
	}
	if err != nil {
		return Delivery{}, false, fmt.Errorf("delivery %s: %w", key, err)
	}
	return d, true, nil
}

// Settled returns which of keys are settled (sent, failed or skipped):
// nothing to claim there, without taking a lock.
func (s *Store) Settled(ctx context.Context, keys []string) (map[string]bool, error) {
	rows, err := s.db.Query(ctx, `SELECT key FROM deliveries WHERE key = ANY($1) AND state IN ('sent', 'failed', 'skipped')`, keys)
	if err != nil {
		return nil, fmt.Errorf("settled deliveries: %w", err)
	}
	keysDone, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("settled deliveries: %w", err)
	}
	out := make(map[string]bool, len(keysDone))
	for _, k := range keysDone {
		out[k] = true
	}
	return out, nil
}

// MarkPosting records that the post of a delivery goes out now: from here
// until MarkPosted or MarkSent, a crash leaves it unknown whether Slack got
// it, and whoever works the delivery next must look before posting. It
// fails with ErrSettled when the delivery was settled meanwhile: then
// nothing may be posted.
func (s *Store) MarkPosting(ctx context.Context, d Delivery, now time.Time) error {
	return s.markHeld(ctx, d, `state = 'posting', posting_at = $2`, now)
}

// MarkPosted records Slack's ts of a delivery's message when more remains
// to do (the summary's chart).
func (s *Store) MarkPosted(ctx context.Context, d Delivery, ts, channelID string) error {
	return s.markHeld(ctx, d, `state = 'posted', ts = $2, channel_id = $3`, ts, channelID)
}

// MarkSent records a delivery as done, with Slack's ts and, for a summary,
// its figures; the alert events it carried are sent with it.
func (s *Store) MarkSent(ctx context.Context, d Delivery, ts, channelID string, figures []byte, now time.Time) error {
	return s.InTx(ctx, func(tx *Store) error {
		if err := tx.markHeld(ctx, d, `state = 'sent', ts = $2, channel_id = coalesce(nullif($3, ''), channel_id),
			figures = coalesce($4, figures), sent_at = $5, last_error = ''`, ts, channelID, figures, now); err != nil {
			return err
		}
		_, err := tx.db.Exec(ctx, `UPDATE alert_events SET state = 'sent' WHERE delivery_id = $1`, d.ID)
		return err
	})
}

// MarkRetry counts a failed try and puts the delivery back, to be tried
// again at next.
func (s *Store) MarkRetry(ctx context.Context, d Delivery, cause error, next time.Time) error {
	return s.markHeld(ctx, d, `state = 'retry', tries = tries + 1, next_try_at = $2, last_error = $3`, next, cause.Error())
}

// MarkFailed parks a delivery after its last try; its alert events are
// failed with it.
func (s *Store) MarkFailed(ctx context.Context, d Delivery, cause error) error {
	return s.InTx(ctx, func(tx *Store) error {
		if err := tx.markHeld(ctx, d, `state = 'failed', tries = tries + 1, last_error = $2`, cause.Error()); err != nil {
			return err
		}
		_, err := tx.db.Exec(ctx, `UPDATE alert_events SET state = 'failed' WHERE delivery_id = $1`, d.ID)
		return err
	})
}

// MarkSkipped records a missed digest or summary that is not posted late:
// its period rolls into the next one.
func (s *Store) MarkSkipped(ctx context.Context, d Delivery) error {
	return s.markHeld(ctx, d, `state = 'skipped'`)
}

// markHeld updates d, by its worker, unless it was settled meanwhile ($1
// is the id, then args).
func (s *Store) markHeld(ctx context.Context, d Delivery, set string, args ...any) error {
	tag, err := s.db.Exec(ctx, `UPDATE deliveries SET `+set+` WHERE id = $1 AND state NOT IN ('sent', 'failed', 'skipped')`,
		append([]any{d.ID}, args...)...)
	if err != nil {
		return fmt.Errorf("update delivery %s: %w", d.Key, err)
	}
	if tag.RowsAffected() != 1 {
		return ErrSettled
	}
	return nil
}

// Previous returns the latest delivery of kind whose key starts with
// prefix, other than key, that covers its period: sent, or still on its
// way (a delivery that failed or was skipped covers nothing, so its
// changes roll into the next one).
func (s *Store) Previous(ctx context.Context, kind, prefix, key string) (Delivery, bool, error) {
	d, err := scanDelivery(s.db.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE kind = $1 AND starts_with(key, $2) AND key <> $3 AND state NOT IN ('failed', 'skipped')
		ORDER BY period_to DESC NULLS LAST, id DESC LIMIT 1`, kind, prefix, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return Delivery{}, false, nil
	}
	if err != nil {
		return Delivery{}, false, fmt.Errorf("previous %s %s: %w", kind, prefix, err)
	}
	return d, true, nil
}

// LastSent returns the latest delivery of kind to channel that was sent:
// the previous summary's figures.
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

// ChannelID returns the ID Slack gave a channel orderbot posted to by
// name, or "" when it never did.
func (s *Store) ChannelID(ctx context.Context, channel string) (string, error) {
	var id string
	err := s.db.QueryRow(ctx, `SELECT channel_id FROM deliveries WHERE channel = $1 AND channel_id <> ''
		ORDER BY id DESC LIMIT 1`, channel).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("channel ID of %s: %w", channel, err)
	}
	return id, nil
}

// HistoryWatermark returns the last status change recorded, waiting for
// the imports in progress: every change after it will have a greater id,
// whatever time it is dated (an import as of 06:00 committed at 09:00).
func (s *Store) HistoryWatermark(ctx context.Context) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Store) error {
		// Imports hold this lock exclusively, single saves shared: with it,
		// no change is half-committed below the mark.
		if _, err := tx.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('orderbot import orders', 0))`); err != nil {
			return err
		}
		return tx.db.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM status_history`).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("history watermark: %w", err)
	}
	return id, nil
}

// HistoryBefore returns the last status change dated at or before t: where
// a first digest starts.
func (s *Store) HistoryBefore(ctx context.Context, t time.Time) (int64, error) {
	var id int64
	if err := s.db.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM status_history WHERE at <= $1`, t).Scan(&id); err != nil {
		return 0, fmt.Errorf("history before %s: %w", t, err)
	}
	return id, nil
}
