package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/benchdata"
)

// BenchmarkPortfolioAt: the managers' summary figures over the full-scale
// portfolio, the 30-day blocked series rebuilt from the status history
// included. The summary runs once a day: at most 30 runs are measured,
// whatever -benchtime asks (make bench asks 2000 of every benchmark).
func BenchmarkPortfolioAt(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	now := d.Config.Now.Add(8 * time.Hour)
	run := func() {
		if _, err := d.Store.PortfolioAt(ctx, now.Add(-24*time.Hour), now, paris, 5); err != nil {
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
