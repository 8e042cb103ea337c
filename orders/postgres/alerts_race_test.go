package postgres_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestAlertBatchNotSplitBetweenReplicas has two replicas claim alerts at
// the same moment, round after round: the transitions of one import for one
// assistant are one batch, claimed whole by one of them, never split in two
// messages.
func TestAlertBatchNotSplitBetweenReplicas(t *testing.T) {
	f := setup(t)
	db := f.st.Pool()
	for round := range 15 {
		var importID int64
		if err := db.QueryRow(f.ctx, `INSERT INTO import_runs (kind, source, sha256, as_of) VALUES ('orders', 'race', '', $1)
			RETURNING id`, f.now).Scan(&importID); err != nil {
			t.Fatal(err)
		}
		for i := range 6 {
			res := f.order(fmt.Sprintf("R%02d-%d", round, i), f.dupre, orders.StatusCreditLimit, 1000)
			if _, err := db.Exec(f.ctx, `INSERT INTO alert_events (order_id, import_id, from_status, to_status, reason, at)
				VALUES ($1, $2, 'open', 'credit_limit', 'encours dépassé', $3)`, res.OrderID, importID, f.now); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(f.ctx, `UPDATE alert_events SET state = 'sent' WHERE import_id IS DISTINCT FROM $1`, importID); err != nil {
			t.Fatal(err)
		}
		// The earlier rounds' batches are done: nothing left to take up.
		if _, err := db.Exec(f.ctx, `UPDATE deliveries SET state = 'sent'`); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		batches := make([]postgres.AlertBatch, 2)
		releases := make([]func(), 2)
		start := make(chan struct{})
		for r := range 2 {
			wg.Go(func() {
				<-start
				b, release, _, err := f.st.ClaimAlerts(f.ctx, f.now)
				if err != nil {
					t.Error(err)
				}
				batches[r], releases[r] = b, release
			})
		}
		close(start)
		wg.Wait()
		for _, release := range releases {
			if release != nil {
				release()
			}
		}
		sizes := []int{len(batches[0].Alerts), len(batches[1].Alerts)}
		if !(sizes[0] == 6 && sizes[1] == 0) && !(sizes[0] == 0 && sizes[1] == 6) {
			t.Fatalf("round %d: the two replicas claimed batches of %v alerts, want one batch of 6", round, sizes)
		}
	}
}
