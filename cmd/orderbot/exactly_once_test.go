//go:build unix

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
)

// burstMessages is how many direct messages a burst holds: one per
// person.
const burstMessages = 300

// burstData writes, in a fresh database, burstMessages assistants each
// with an order of Boulangerie Dupré and an import run that changed them
// all: released for the followers (kind "follow": each follows their
// order), blocked for the alerts (kind "alert": each order's alert waits,
// for its assistant).
func burstData(t *testing.T, db, kind string) {
	t.Helper()
	ctx := context.Background()
	conn := connect(t, db)
	numbers, keys := make([]string, burstMessages), make([]string, burstMessages)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("45%08d", 11000+i)
		keys[i] = orders.NumberKey(numbers[i])
	}
	status, from, to := "open", "credit_limit", "open"
	if kind == "alert" {
		status, from, to = "credit_limit", "open", "credit_limit"
	}
	steps := []string{
		`INSERT INTO people (email, name, role, slack_user_id, language)
			SELECT 'adv' || i || '@example.fr', 'Assistante ' || i, 'assistant', 'U0ADV' || lpad(i::text, 4, '0'), 'fr'
			FROM generate_series(1, ` + fmt.Sprint(burstMessages) + `) i`,
		`INSERT INTO customers (code, code_key, name) VALUES ('C001234', 'c001234', 'Boulangerie Dupré & Fils')`,
		`INSERT INTO orders (number, number_key, customer_id, assistant_id, status, block_reason, status_since)
			SELECT n, k, (SELECT id FROM customers), (SELECT id FROM people WHERE email = 'adv' || i || '@example.fr'), '` + status + `',
				CASE WHEN '` + status + `' = 'credit_limit' THEN 'Encours dépassé' ELSE '' END, now() - interval '1 day'
			FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(n, k, i)`,
		`INSERT INTO import_runs (kind, source, sha256, as_of, finished_at) VALUES ('orders', 'export.csv', '', now(), now())`,
	}
	switch kind {
	case "follow":
		steps = append(steps, `INSERT INTO follows (person_id, order_id) SELECT assistant_id, id FROM orders`,
			`INSERT INTO status_history (order_id, from_status, to_status, reason, at, source, import_id)
				SELECT id, '`+from+`', '`+to+`', '', now(), 'import', (SELECT max(id) FROM import_runs) FROM orders`)
	case "alert":
		steps = append(steps, `INSERT INTO alert_events (order_id, import_id, from_status, to_status, reason, at)
			SELECT id, (SELECT max(id) FROM import_runs), '`+from+`', '`+to+`', 'Encours dépassé', now() FROM orders`)
	}
	for _, s := range steps {
		var args []any
		if strings.Contains(s, "$1") {
			args = []any{numbers, keys}
		}
		if _, err := conn.Exec(ctx, s, args...); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
}

// TestKilledReplicaSendsEachMessageOnce measures exactly-once delivery
// under the same fault for two kinds of River jobs that post: the
// followers' notices, and the block alerts (deliveries worked as jobs
// under their key's lock, recorded in the deliveries table). Two serve replicas share a burst of burstMessages direct
// messages, each answered by Slack 200 ms after it took it; one is
// killed with SIGKILL once a third of them are posted.
// Every message must be posted once: no duplicate, no loss. The figures
// (duplicates, losses, the last post after the kill) are logged.
func TestKilledReplicaSendsEachMessageOnce(t *testing.T) {
	t.Parallel()
	bin := buildOrderbot(t)
	for _, kind := range []string{"follow", "alert"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			// Each post is answered 200 ms after Slack took it: the
			// replica killed holds posts Slack has and it never learnt of.
			fake := slackfake.New(t, slackfake.WithDelay("chat.postMessage", 200*time.Millisecond))
			db := server.NewDatabase(t)
			burstData(t, db, kind)
			posted := func() (byKey map[string]int, total int) {
				byKey = map[string]int{}
				for _, c := range fake.Posts() {
					if k := keyOf(c); strings.HasPrefix(k, kind+":") {
						byKey[k]++
						total++
					}
				}
				return byKey, total
			}
			r0 := startReplica(t, bin, db, fake, nil)
			startReplica(t, bin, db, fake, nil)
			start := time.Now()
			deadline := start.Add(60 * time.Second)
			for {
				if _, n := posted(); n >= burstMessages/3 {
					break
				}
				if time.Now().After(deadline) {
					_, n := posted()
					t.Fatalf("%d messages posted in a minute, want %d before the kill", n, burstMessages/3)
				}
				time.Sleep(2 * time.Millisecond)
			}
			_ = r0.cmd.Process.Kill()
			killedAt := time.Now()
			_, atKill := posted()
			<-r0.done
			// Settled: every job completed (River), every delivery sent
			// (deliveries), so that a job worked again after the kill has
			// had its chance to post twice.
			unsettled := map[string]string{
				"follow": `SELECT count(*) FROM river_job WHERE kind = 'follow_notice' AND state <> 'completed'`,
				"alert":  `SELECT count(*) FROM deliveries WHERE kind = 'alert' AND state <> 'sent'`,
			}[kind]
			conn := connect(t, db)
			last, lastN := killedAt, atKill
			deadline = killedAt.Add(5 * time.Minute)
			for {
				byKey, n := posted()
				if n != lastN {
					last, lastN = time.Now(), n
				}
				if len(byKey) == burstMessages && count(t, conn, unsettled) == 0 || time.Now().After(deadline) {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			settled := time.Since(killedAt)
			time.Sleep(2 * time.Second)
			byKey, n := posted()
			dups := n - len(byKey)
			lost := burstMessages - len(byKey)
			t.Logf("%s: %d direct messages, replica killed after %d were posted: %d posted once, %d duplicates, %d lost; "+
				"the last %.1f s after the kill, all settled %.1f s after it", kind, burstMessages, atKill, len(byKey), dups, lost,
				last.Sub(killedAt).Seconds(), settled.Seconds())
			if dups != 0 || lost != 0 {
				t.Errorf("%s: %d duplicates, %d lost, want none", kind, dups, lost)
			}
		})
	}
}

// connect opens a connection to db, closed when the test ends.
func connect(t *testing.T, db string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// count runs a count query on conn.
func count(t *testing.T, conn *pgx.Conn, query string) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
