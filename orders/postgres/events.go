package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// A question from Slack (an event, a slash command) is stored with its
// claim before Slack's request is acknowledged, in slack_events under its
// key: what was asked, which replica holds it and until when. The holder
// renews its lease while it answers (RenewQuestions); a replica that dies
// or stalls leaves its questions to whoever finds their lease run out
// (TakeOverQuestions). Each claim has a generation, counted up at every
// takeover: only the holder of the current generation may mark the
// question posting (MarkQuestionPosting) or answered
// (MarkQuestionsAnswered), so a former holder that wakes up posts nothing. Leases run on the
// database's clock, the one clock all replicas share.

// HeldQuestion is a question held under a claim.
type HeldQuestion struct {
	// Key is the question's key: the event_id of an event, CommandKey of a
	// slash command.
	Key string
	// Payload is what was asked, as stored.
	Payload []byte
	// Generation counts the takeovers of the question: the claim it names.
	Generation int
	// PostingAt is when the answer first went out, or nil: from then on,
	// it may be in Slack, and must be looked for before it is posted again.
	PostingAt *time.Time
	// From is the holder the question was taken from.
	From string
	// ReceivedAt is when the question was stored: its answer, if any, is
	// not older.
	ReceivedAt time.Time
}

// ErrQuestionLost says a question's claim ran out and someone else may
// hold it now: its former holder must not post.
var ErrQuestionLost = errors.New("the question's lease ran out: someone else may hold it")

// HoldQuestions stores questions (payloads, JSON) under keys, held by
// holder for lease, in one statement: one commit for a burst. It returns
// the keys stored now; one stored before (Slack delivering it again, or to
// another replica first) must not be answered again.
//
// The commit does not wait for the disk (synchronous_commit off): Slack
// waits for the acknowledgement that follows, and a disk under load can
// take a tenth of a second. The questions are committed and seen by every
// replica at once; PostgreSQL writes them to disk within a few tenths of
// a second (wal_writer_delay), so only a crash of PostgreSQL itself in
// that moment loses them, not the death of a replica. Call it outside a
// transaction: inside one, it would make that transaction's commit
// asynchronous.
func (s *Store) HoldQuestions(ctx context.Context, keys, payloads []string, holder string, lease time.Duration) (map[string]bool, error) {
	// set_config(..., true) lasts until the end of the statement's own
	// transaction, whose commit it makes asynchronous: one round trip.
	rows, err := s.db.Query(ctx, `INSERT INTO slack_events (event_id, payload, holder, lease_until, state)
		SELECT k, p::jsonb, $3, now() + $4::interval, 'held'
		FROM unnest($1::text[], $2::text[]) AS q(k, p), (SELECT set_config('synchronous_commit', 'off', true)) AS async
		ON CONFLICT DO NOTHING RETURNING event_id`, keys, payloads, holder, lease)
	if err != nil {
		return nil, fmt.Errorf("hold Slack questions: %w", err)
	}
	stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("hold Slack questions: %w", err)
	}
	out := make(map[string]bool, len(stored))
	for _, k := range stored {
		out[k] = true
	}
	return out, nil
}

// RenewQuestions extends by lease from now the claims holder holds on
// questions not answered yet, and returns how many.
func (s *Store) RenewQuestions(ctx context.Context, holder string, lease time.Duration) (int64, error) {
	tag, err := s.db.Exec(ctx, `UPDATE slack_events SET lease_until = now() + $2::interval
		WHERE state <> 'done' AND holder = $1`, holder, lease)
	if err != nil {
		return 0, fmt.Errorf("renew Slack questions: %w", err)
	}
	return tag.RowsAffected(), nil
}

// TakeOverQuestions claims for holder, for lease, at most limit questions
// not answered whose lease ran out, oldest first; each replica takes
// different ones.
func (s *Store) TakeOverQuestions(ctx context.Context, holder string, lease time.Duration, limit int) ([]HeldQuestion, error) {
	rows, err := s.db.Query(ctx, `WITH due AS (
			SELECT event_id, holder FROM slack_events WHERE state <> 'done' AND lease_until < now()
			ORDER BY lease_until LIMIT $3 FOR UPDATE SKIP LOCKED)
		UPDATE slack_events e SET holder = $1, lease_until = now() + $2::interval, taken_over = e.taken_over + 1
		FROM due WHERE e.event_id = due.event_id
		RETURNING e.event_id, e.payload, e.taken_over, e.posting_at, due.holder, e.received_at`, holder, lease, limit)
	if err != nil {
		return nil, fmt.Errorf("take over Slack questions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (HeldQuestion, error) {
		var q HeldQuestion
		err := row.Scan(&q.Key, &q.Payload, &q.Generation, &q.PostingAt, &q.From, &q.ReceivedAt)
		return q, err
	})
	if err != nil {
		return nil, fmt.Errorf("take over Slack questions: %w", err)
	}
	return out, nil
}

// MarkQuestionPosting records that the answer of a question goes out now
// (the first time: a later try keeps the first moment), and renews the
// claim. It fails with ErrQuestionLost when holder no longer holds the
// claim of generation gen: then nothing may be posted.
func (s *Store) MarkQuestionPosting(ctx context.Context, key, holder string, gen int, lease time.Duration) error {
	return s.markQuestion(ctx, key, holder, gen, `state = 'posting', posting_at = coalesce(posting_at, now()),
		lease_until = now() + $4::interval`, `AND lease_until > now()`, lease)
}

// MarkQuestionsAnswered records questions answered (or given up, in the
// log), each of keys under the claim of the same index of gens, as far as
// holder still holds it: no one takes them over any more. It returns how
// many it marked.
func (s *Store) MarkQuestionsAnswered(ctx context.Context, holder string, keys []string, gens []int) (int64, error) {
	tag, err := s.db.Exec(ctx, `UPDATE slack_events e SET state = 'done'
		FROM unnest($2::text[], $3::int[]) AS a(key, gen)
		WHERE e.event_id = a.key AND e.holder = $1 AND e.taken_over = a.gen AND e.state <> 'done'`, holder, keys, gens)
	if err != nil {
		return 0, fmt.Errorf("mark Slack questions answered: %w", err)
	}
	return tag.RowsAffected(), nil
}

// markQuestion updates the question of key if holder holds its claim of
// generation gen ($1 key, $2 holder, $3 gen, then args).
func (s *Store) markQuestion(ctx context.Context, key, holder string, gen int, set, cond string, args ...any) error {
	tag, err := s.db.Exec(ctx, `UPDATE slack_events SET `+set+` WHERE event_id = $1 AND holder = $2 AND taken_over = $3
		AND state <> 'done' `+cond, append([]any{key, holder, gen}, args...)...)
	if err != nil {
		return fmt.Errorf("update Slack question %s: %w", key, err)
	}
	if tag.RowsAffected() != 1 {
		return ErrQuestionLost
	}
	return nil
}
