package main

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkBusyChannel sends 40 mentions to one channel through Socket
// Mode from the fake Slack, then a direct message, and reports how long
// the direct message waits for its answer while the channel's answers
// go at Slack's pace of one post a second (dm-ms, the worst of the b.N
// rounds; target < 1000 ms), with how many of the channel's answers were
// posted before it (channel-posts-before-dm). Each round has a channel of
// its own. Run with
//
//	go test -run '^$' -bench BusyChannel -benchtime 3x ./cmd/orderbot/
//
// Answers still waiting for their channel's pace when the benchmark ends
// are cut short by serve's shutdown.
func BenchmarkBusyChannel(b *testing.B) {
	s := startServe(b, nil)
	s.slack.WaitConnected(b, 1, 10*time.Second)
	var lat []time.Duration
	var before []int
	b.ResetTimer()
	for i := range b.N {
		busy, quiet := fmt.Sprintf("C0BUSY%03d", i), fmt.Sprintf("D0QUIET%03d", i)
		for j := range 40 {
			s.slack.SendEvent(fmt.Sprintf("EvBB%03d%02d", i, j), mention("U0REP0001", busy, fmt.Sprintf("1700004%03d.%06d", i, j),
				"où en est la 4500012345 ?"))
		}
		sent := time.Now()
		s.slack.SendEvent(fmt.Sprintf("EvBQ%03d", i), dm("U0REP0002", quiet, fmt.Sprintf("1700005%03d.000100", i),
			"commandes de boulangerie dupre"))
		deadline := time.Now().Add(2 * time.Minute)
		for len(postsTo(s.slack, quiet)) == 0 {
			if time.Now().After(deadline) {
				b.Fatalf("round %d: the DM got no answer in 2 minutes", i)
			}
			time.Sleep(5 * time.Millisecond)
		}
		answer := postsTo(s.slack, quiet)[0]
		lat = append(lat, answer.At.Sub(sent))
		n := 0
		for _, p := range postsTo(s.slack, busy) {
			if p.At.Before(answer.At) {
				n++
			}
		}
		before = append(before, n)
	}
	b.StopTimer()
	b.ReportMetric(float64(slices.Max(lat).Microseconds())/1000, "dm-ms")
	b.ReportMetric(float64(slices.Max(before)), "channel-posts-before-dm")
}
