package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkSocketQuestions sends questions through Socket Mode from the
// fake Slack on loopback, at a steady 500 a second, each from its own DM
// channel (so that Slack's pacing of one message a second per channel does
// not count), and reports the answers' throughput and the question-to-reply
// latency (target ≥ 300 questions/s, p99 < 100 ms), with the envelopes'
// acknowledgement latency. Run with -benchtime 3000x;
// ORDERBOT_BENCH_RATE sets another rate.
func BenchmarkSocketQuestions(b *testing.B) {
	s := startServe(b, nil)
	s.slack.WaitConnected(b, 1, 10*time.Second)
	rate := envInt("ORDERBOT_BENCH_RATE", 500) // questions a second
	sent := make(map[string]time.Time, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		ch := fmt.Sprintf("D0B%07d", i)
		if d := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); d > 0 {
			time.Sleep(d)
		}
		sent[ch] = time.Now()
		s.slack.SendEvent(fmt.Sprintf("EvB%07d", i), dm("U0REP0001", ch, fmt.Sprintf("1700002000.%06d", i), "où en est la 4500012345 ?"))
	}
	// The answers, not the digests serve also posts as it starts.
	var lat []time.Duration
	var last time.Time
	deadline := time.Now().Add(120 * time.Second)
	for len(lat) < b.N && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		lat, last = lat[:0], time.Time{}
		for _, p := range s.slack.Posts() {
			if at, ok := sent[p.Channel]; ok {
				lat = append(lat, p.At.Sub(at))
				if p.At.After(last) {
					last = p.At
				}
			}
		}
	}
	b.StopTimer()
	if len(lat) != b.N {
		b.Fatalf("%d answers for %d questions", len(lat), b.N)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/last.Sub(start).Seconds(), "questions/s")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	var acks []time.Duration
	for _, a := range s.slack.Acks() {
		acks = append(acks, a.AckedAt.Sub(a.SentAt))
	}
	slices.Sort(acks)
	b.ReportMetric(ms(acks[len(acks)*99/100]), "ack-p99-ms")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
