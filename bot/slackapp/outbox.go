package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// outbox holds the app's posts to channels until Slack's pace lets them
// go: a queue a channel, each drained in order by a goroutine of its own
// at the channel's pace (about one post a second), with the Poster's
// retries, so that a busy channel keeps only its own askers waiting and
// the workers never wait for a pace.
//
// Memory is bounded: at most perChannel posts wait for one channel, and at
// most total for all of them; a post past either bound is refused (the
// asker gets no answer, the log says so), since it would wait minutes. A
// queue lives while posts wait in it and for one pace interval after its
// last post, so that the channel's next queue cannot post sooner than the
// pace allows; then it goes away, with its limiter.
type outbox struct {
	every      rate.Limit
	perChannel int
	total      int
	log        *slog.Logger

	mu      sync.Mutex
	ctx     context.Context // the posts', from start
	queues  map[string]*channelQueue
	waiting int // posts in all queues
	closed  bool
	drains  sync.WaitGroup
}

// channelQueue is the posts waiting for one channel.
type channelQueue struct {
	posts []outgoing
	wake  chan struct{} // a post was added
	pace  *rate.Limiter
}

// outgoing is one post: it makes its calls to Slack waiting for pace
// before each, and reports its own failure.
type outgoing func(ctx context.Context, pace *rate.Limiter)

// Why a post is refused.
var (
	errStopped     = errors.New("the app is stopping")
	errChannelBusy = errors.New("too many answers already wait for this channel")
	errBusy        = errors.New("too many answers already wait for Slack")
)

func newOutbox(every rate.Limit, perChannel, total int, log *slog.Logger) *outbox {
	return &outbox{every: every, perChannel: perChannel, total: total, log: log, ctx: context.Background(),
		queues: map[string]*channelQueue{}}
}

// start sets the context of the posts: cancelling it cuts them short.
func (o *outbox) start(ctx context.Context) {
	o.mu.Lock()
	o.ctx = ctx
	o.mu.Unlock()
}

// add queues post for channel, or says why it cannot.
func (o *outbox) add(channel string, post outgoing) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return errStopped
	}
	if o.waiting >= o.total {
		return fmt.Errorf("%w (%d)", errBusy, o.waiting)
	}
	q := o.queues[channel]
	if q == nil {
		q = &channelQueue{wake: make(chan struct{}, 1), pace: rate.NewLimiter(o.every, 1)}
		o.queues[channel] = q
		o.drains.Add(1)
		go o.drain(channel, q)
	} else if len(q.posts) >= o.perChannel {
		return fmt.Errorf("%w (%d)", errChannelBusy, len(q.posts))
	}
	q.posts = append(q.posts, post)
	o.waiting++
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// drain posts q's posts in order, then lingers a pace interval and goes
// away if no post came.
func (o *outbox) drain(channel string, q *channelQueue) {
	defer o.drains.Done()
	interval := time.Duration(float64(time.Second) / float64(o.every))
	idle := time.NewTimer(interval)
	defer idle.Stop()
	lingered := false
	for {
		o.mu.Lock()
		ctx := o.ctx
		if n := len(q.posts); n > 0 && ctx.Err() != nil {
			q.posts = nil
			o.waiting -= n
			o.log.Error("slack answers not posted: stopped before the channel's pace let them go", "channel", channel, "count", n)
		}
		if len(q.posts) > 0 {
			post := q.posts[0]
			q.posts[0] = nil
			q.posts = q.posts[1:]
			o.waiting--
			o.mu.Unlock()
			post(ctx, q.pace)
			lingered = false
			continue
		}
		if o.closed || lingered {
			delete(o.queues, channel)
			o.mu.Unlock()
			return
		}
		o.mu.Unlock()
		idle.Reset(interval)
		select {
		case <-q.wake:
		case <-idle.C:
			lingered = true
		}
	}
}

// stop refuses new posts and lets each queue go once it is empty, without
// lingering.
func (o *outbox) stop() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	for _, q := range o.queues {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
}

// wait waits for every queue to be gone.
func (o *outbox) wait() { o.drains.Wait() }
