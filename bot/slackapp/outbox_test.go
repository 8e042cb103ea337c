package slackapp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"golang.org/x/time/rate"
)

// size returns how many channels have a queue and how many posts wait.
func (o *outbox) size() (channels, posts int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queues), o.waiting
}

// journal records the posts an outbox makes, in order.
type journal struct {
	mu   sync.Mutex
	done []string
}

// post returns a post that records name.
func (j *journal) post(name string) outgoing {
	return func(ctx context.Context, pace *rate.Limiter) {
		if pace.Wait(ctx) != nil {
			return
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		j.done = append(j.done, name)
	}
}

func (j *journal) names() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.done)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestOutboxBounds: a channel holds so many posts waiting, all channels
// together so many; past that a post is refused, and once stopped, every
// post. A queue emptied goes away.
func TestOutboxBounds(t *testing.T) {
	t.Parallel()
	o := newOutbox(1000, 3, 5, quietLog())
	o.start(context.Background())
	release := make(chan struct{})
	var j journal
	// The first post of C0BUSY holds its queue; three more wait.
	if err := o.add("C0BUSY001", func(ctx context.Context, pace *rate.Limiter) { <-release; j.post("held")(ctx, pace) }); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first post taken", func() bool { _, n := o.size(); return n == 0 })
	for _, name := range []string{"b1", "b2", "b3"} {
		if err := o.add("C0BUSY001", j.post(name)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := o.add("C0BUSY001", j.post("b4")); !errors.Is(err, errChannelBusy) {
		t.Errorf("a fourth post waiting for one channel: %v, want it refused", err)
	}
	for _, name := range []string{"o1", "o2"} {
		if err := o.add("C0OTHER01", j.post(name)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	waitFor(t, "C0OTHER01's posts", func() bool { return len(j.names()) == 2 })
	// C0OTHER01 is drained: its posts no longer count. C0THIRD01's first
	// post is taken and held; two more wait, five in all.
	held := func(name string) outgoing {
		return func(ctx context.Context, pace *rate.Limiter) { <-release; j.post(name)(ctx, pace) }
	}
	if err := o.add("C0THIRD01", held("p1")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "C0THIRD01's first post taken", func() bool { _, n := o.size(); return n == 3 })
	for _, name := range []string{"p2", "p3"} {
		if err := o.add("C0THIRD01", held(name)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := o.add("C0FOURTH1", j.post("f1")); !errors.Is(err, errBusy) {
		t.Errorf("a sixth post waiting for Slack: %v, want it refused", err)
	}
	close(release)
	waitFor(t, "every post", func() bool { return len(j.names()) == 9 })
	var busy []string
	for _, n := range j.names() {
		if n == "held" || n[0] == 'b' {
			busy = append(busy, n)
		}
	}
	if !slices.Equal(busy, []string{"held", "b1", "b2", "b3"}) {
		t.Errorf("C0BUSY001's posts went as %v, want them in order", busy)
	}
	waitFor(t, "the idle queues gone", func() bool { c, n := o.size(); return c == 0 && n == 0 })
	o.stop()
	if err := o.add("C0BUSY001", j.post("late")); !errors.Is(err, errStopped) {
		t.Errorf("a post after stop: %v, want it refused", err)
	}
	o.wait()
}

// TestOutboxPacesChannelsApart: a channel's posts go in order at its
// pace; another channel's post does not wait behind them.
func TestOutboxPacesChannelsApart(t *testing.T) {
	t.Parallel()
	o := newOutbox(4, 100, 100, quietLog())
	o.start(context.Background())
	var j journal
	for _, name := range []string{"a1", "a2", "a3", "a4", "a5", "a6"} {
		if err := o.add("C0BUSY001", j.post(name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.add("D0QUIET01", j.post("dm")); err != nil {
		t.Fatal(err)
	}
	o.stop()
	o.wait()
	got := j.names()
	var busy []string
	for _, n := range got {
		if n != "dm" {
			busy = append(busy, n)
		}
	}
	if !slices.Equal(busy, []string{"a1", "a2", "a3", "a4", "a5", "a6"}) {
		t.Errorf("the busy channel's posts went as %v", busy)
	}
	if i := slices.Index(got, "dm"); i < 0 || i > 2 {
		t.Errorf("the other channel's post went %dth, after %v; want it among the first", i+1, got[:max(i, 0)])
	}
}

// TestOutboxStop: stopping lets the posts waiting go at their pace; with
// their context cancelled, they are dropped at once.
func TestOutboxStop(t *testing.T) {
	t.Parallel()
	o := newOutbox(20, 100, 100, quietLog())
	ctx, cancel := context.WithCancel(context.Background())
	o.start(ctx)
	var j journal
	for _, name := range []string{"a1", "a2", "a3", "a4", "a5"} {
		if err := o.add("C0BUSY001", j.post(name)); err != nil {
			t.Fatal(err)
		}
	}
	o.stop()
	o.wait()
	if got := j.names(); len(got) != 5 {
		t.Errorf("stopping posted %v, want the five waiting", got)
	}

	o = newOutbox(0.01, 100, 100, quietLog()) // one post in 100 s
	o.start(ctx)
	var k journal
	for _, name := range []string{"b1", "b2", "b3"} {
		if err := o.add("C0BUSY001", k.post(name)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the first post", func() bool { return len(k.names()) == 1 })
	o.stop()
	cancel()
	o.wait()
	if c, n := o.size(); len(k.names()) != 1 || c != 0 || n != 0 {
		t.Errorf("cancelled: posted %v, %d queues and %d posts left", k.names(), c, n)
	}
}
