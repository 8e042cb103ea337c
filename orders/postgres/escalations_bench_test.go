package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/benchdata"
)

// BenchmarkUnclaimed: the blocked orders nobody claimed for two days, over
// the full-scale portfolio, as the managers' summary lists them, and the
// managers to escalate to, as the escalation job looks for them every few
// minutes. At most 30 runs are measured.
func BenchmarkUnclaimed(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	ctx := context.Background()
	now := d.Config.Now.Add(8 * time.Hour)
	cutoff := now.Add(-48 * time.Hour)
	run := func() {
		if _, _, err := d.Store.Unclaimed(ctx, cutoff, now, 5); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Store.EscalationManagers(ctx, cutoff, now); err != nil {
			b.Fatal(err)
		}
	}
	run() // warm up
	lat := make([]time.Duration, 0, 30)
	b.ResetTimer()
	for range min(b.N, 30) {
		start := time.Now()
		run()
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	benchdata.ReportPercentiles(b, lat)
}
