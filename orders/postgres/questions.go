package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders"
)

// maxQuestionText is the most characters of a question the audit log keeps.
const maxQuestionText = 1000

// RecordQuestions adds answered questions to the audit log.
func (s *Store) RecordQuestions(ctx context.Context, qs []orders.AskedQuestion) error {
	if len(qs) == 0 {
		return nil
	}
	n := len(qs)
	at, person, asker, transport, intent, outcome := make([]time.Time, n), make([]*int64, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	results, latency, text := make([]int32, n), make([]int64, n), make([]string, n)
	for i, q := range qs {
		// Whatever a transport passed on is kept as valid text: one bad
		// value must not lose the batch.
		at[i], asker[i], transport[i], intent[i], outcome[i] = q.At, cleanText(q.Asker), cleanText(q.Transport), q.Intent, q.Outcome
		if q.PersonID != 0 {
			id := q.PersonID
			person[i] = &id
		}
		results[i], latency[i], text[i] = int32(q.Results), q.Latency.Microseconds(), cleanText(q.Text)
	}
	_, err := s.db.Exec(ctx, `INSERT INTO questions
		(asked_at, person_id, asker, transport, intent, outcome, results, latency_us, text)
		SELECT * FROM unnest($1::timestamptz[], $2::bigint[], $3::text[], $4::text[], $5::text[],
			$6::text[], $7::int[], $8::bigint[], $9::text[])`,
		at, person, asker, transport, intent, outcome, results, latency, text)
	if err != nil {
		return fmt.Errorf("record %d questions: %w", n, err)
	}
	return nil
}

// Questions returns the questions asked in [from, to), oldest first.
func (s *Store) Questions(ctx context.Context, from, to time.Time) ([]orders.AskedQuestion, error) {
	rows, err := s.db.Query(ctx, `SELECT asked_at, coalesce(person_id, 0), asker, transport, intent, outcome,
		results, latency_us, text FROM questions WHERE asked_at >= $1 AND asked_at < $2 ORDER BY asked_at, id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	defer rows.Close()
	var out []orders.AskedQuestion
	for rows.Next() {
		var q orders.AskedQuestion
		var us int64
		if err := rows.Scan(&q.At, &q.PersonID, &q.Asker, &q.Transport, &q.Intent, &q.Outcome, &q.Results, &us, &q.Text); err != nil {
			return nil, fmt.Errorf("questions: %w", err)
		}
		q.Latency = time.Duration(us) * time.Microsecond
		out = append(out, q)
	}
	return out, rows.Err()
}

// cleanText makes a question fit for a text column: valid UTF-8, no NUL
// (which PostgreSQL refuses, failing the whole batch), at most
// maxQuestionText characters.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if utf8.RuneCountInString(s) <= maxQuestionText {
		return s
	}
	return string([]rune(s)[:maxQuestionText])
}

// QuestionLog writes answered questions to the audit log in the
// background, in batches, so that an answer never waits on the log's
// commit. Close writes what is still queued.
type QuestionLog struct {
	store *Store
	onErr func(error)
	queue chan orders.AskedQuestion
	done  chan struct{}

	mu     sync.RWMutex // held for reading while queueing, for writing to close
	closed bool
}

// questionQueue is how many questions may wait for the log; past it, the
// asker waits, rather than the log losing them.
const questionQueue = 4096

// NewQuestionLog starts a log writing to s; onErr hears of batches that
// could not be written.
func NewQuestionLog(s *Store, onErr func(error)) *QuestionLog {
	l := &QuestionLog{store: s, onErr: onErr, queue: make(chan orders.AskedQuestion, questionQueue), done: make(chan struct{})}
	go l.run()
	return l
}

// Record queues q for the log. A question recorded after Close is not
// written, and onErr hears of it.
func (l *QuestionLog) Record(q orders.AskedQuestion) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		if l.onErr != nil {
			l.onErr(fmt.Errorf("question log closed: a question of %s at %s is not recorded", q.Asker, q.At.Format(time.RFC3339)))
		}
		return
	}
	l.queue <- q
}

func (l *QuestionLog) run() {
	defer close(l.done)
	for q := range l.queue {
		batch := []orders.AskedQuestion{q}
	more:
		for len(batch) < 500 {
			select {
			case q, ok := <-l.queue:
				if !ok {
					break more
				}
				batch = append(batch, q)
			default:
				break more
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := l.store.RecordQuestions(ctx, batch); err != nil && l.onErr != nil {
			l.onErr(err)
		}
		cancel()
	}
}

// Close writes the questions still queued and stops the log.
func (l *QuestionLog) Close() {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.queue)
	}
	l.mu.Unlock()
	<-l.done
}
