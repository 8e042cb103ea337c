//go:build unix

package main

import "testing"

// BenchmarkTakeover runs two serve processes on one database, kills one
// with SIGKILL in the middle of a burst of 100 mentions, and reports the
// time from the kill to the last answer (every mention answered once, the
// ones the killed replica held taken over by the other when their lease
// ran out) and how many were taken over. Run with -benchtime 1x: each
// iteration takes about 25 s.
func BenchmarkTakeover(b *testing.B) {
	bin := buildOrderbot(b)
	var took, taken float64
	for range b.N {
		k := killMidBurst(b, bin, 2)
		took += k.took.Seconds()
		taken += float64(k.taken)
	}
	b.ReportMetric(took/float64(b.N), "takeover-s")
	b.ReportMetric(taken/float64(b.N), "taken-over")
	b.ReportMetric(0, "ns/op")
}
