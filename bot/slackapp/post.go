package slackapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"github.com/orderbot/orderbot/bot/render"
)

// Poster sends messages to Slack the way Slack wants them sent: at about
// one message a second per channel, waiting out a 429's Retry-After,
// retrying server and network errors with a growing pause, and giving up
// after a few tries. One retry policy serves Web API posts and
// response_url posts alike; response_url posts (slash commands, buttons)
// are not channel posts and are not paced. A post waits for its channel's
// pace on the limiter it is given: the app's per-channel queues (outbox)
// bring their own, notifications use the Poster's. An error meaning the
// token is no longer valid is fatal: it goes to onFatal, which stops the
// process.
type Poster struct {
	api     *slack.Client
	http    *http.Client
	tries   int
	pause   time.Duration // first pause after a server or network error
	every   rate.Limit    // posts a second to one channel
	onFatal func(error)

	mu       sync.Mutex
	channels map[string]*rate.Limiter
}

// NewPoster returns a Poster over api; httpClient posts to response URLs.
func NewPoster(api *slack.Client, httpClient *http.Client, onFatal func(error)) *Poster {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &Poster{api: api, http: httpClient, tries: 5, pause: 500 * time.Millisecond, every: perChannel, onFatal: onFatal,
		channels: map[string]*rate.Limiter{}}
}

// Once returns a Poster that tries each post once, with the same pacing
// policy: for callers that retry on their own schedule (notify's
// deliveries, whose retries survive restarts).
func (p *Poster) Once() *Poster {
	return &Poster{api: p.api, http: p.http, tries: 1, pause: p.pause, every: p.every, onFatal: p.onFatal,
		channels: map[string]*rate.Limiter{}}
}

// perChannel is how often orderbot posts to one channel: Slack allows about
// one message a second, with short bursts. A retry counts as a post.
const perChannel = rate.Limit(1)

func (p *Poster) limiter(channel string) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.channels[channel]
	if !ok {
		if len(p.channels) > 10000 {
			// Forget idle channels; a full limiter is a fresh one.
			for c, l := range p.channels {
				if l.Tokens() >= 1 {
					delete(p.channels, c)
				}
			}
		}
		l = rate.NewLimiter(p.every, 1)
		p.channels[channel] = l
	}
	return l
}

// post posts msg to channel (in the thread of threadTS, when set), with
// extra options (its metadata), each try paced by pace, and returns the
// message's ts.
func (p *Poster) post(ctx context.Context, pace *rate.Limiter, channel, threadTS string, msg render.Message,
	extra ...slack.MsgOption) (string, error) {
	return p.postHeld(ctx, pace, nil, channel, threadTS, msg, extra...)
}

// postHeld is post for a claim: held, when not nil, says before each try
// whether the claim still holds, and a try it refuses ends the post with
// errNotHeld.
func (p *Poster) postHeld(ctx context.Context, pace *rate.Limiter, held func() bool, channel, threadTS string,
	msg render.Message, extra ...slack.MsgOption) (string, error) {
	opts := append([]slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)}, extra...)
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var ts string
	err := p.try(ctx, pace, channel, "chat.postMessage", func() error {
		if held != nil && !held() {
			return errNotHeld
		}
		var err error
		_, ts, err = p.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ts, err
}

// errNotHeld is a post refused because its claim was taken over.
var errNotHeld = errors.New("the question's claim was taken over")

// update replaces the message ts of channel with msg, with extra options
// (its metadata), each try paced by pace.
func (p *Poster) update(ctx context.Context, pace *rate.Limiter, channel, ts string, msg render.Message, extra ...slack.MsgOption) error {
	return p.updateHeld(ctx, pace, nil, channel, ts, msg, extra...)
}

// updateHeld is update for a claim, held as for postHeld.
func (p *Poster) updateHeld(ctx context.Context, pace *rate.Limiter, held func() bool, channel, ts string, msg render.Message,
	extra ...slack.MsgOption) error {
	opts := append([]slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)}, extra...)
	return p.try(ctx, pace, channel, "chat.update", func() error {
		if held != nil && !held() {
			return errNotHeld
		}
		_, _, _, err := p.api.UpdateMessageContext(ctx, channel, ts, opts...)
		return err
	})
}

// Respond answers through a response_url (a slash command, a button):
// ephemeral shows the answer to the asker only, replace puts it in place
// of the message whose button was pressed. It is retried, not paced.
func (p *Poster) Respond(ctx context.Context, channel, responseURL string, msg render.Message, ephemeral, replace bool) error {
	wm := &slack.WebhookMessage{Text: msg.Text, Blocks: &slack.Blocks{BlockSet: msg.Blocks}, ReplaceOriginal: replace}
	if ephemeral {
		wm.ResponseType = slack.ResponseTypeEphemeral
	} else {
		wm.ResponseType = slack.ResponseTypeInChannel
	}
	return p.try(ctx, nil, channel, "response_url", func() error {
		return slack.PostWebhookCustomHTTPContext(ctx, responseURL, p.http, wm)
	})
}

// IsFatal reports whether err means the app's token no longer works: no
// retry cures it, the token is wrong, revoked, or its workspace gone.
func IsFatal(err error) bool {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return errors.Is(err, errFatal)
	}
	switch se.Err {
	case "invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired", "team_disabled":
		return true
	}
	return false
}

// errFatal marks a fatal error once reported.
var errFatal = errors.New("the token was refused by Slack")

// fatal reports a fatal error of method to onFatal.
func (p *Poster) fatal(method string, err error) {
	if p.onFatal != nil {
		p.onFatal(fmt.Errorf("%s: %w (%w)", method, errFatal, err))
	}
}

// send runs call, paced by the Poster's limiter of channel, with retries.
func (p *Poster) send(ctx context.Context, channel, method string, call func() error) error {
	return p.try(ctx, p.limiter(channel), channel, method, call)
}

// try runs call with retries, each try waiting for pace first (none when
// pace is nil).
func (p *Poster) try(ctx context.Context, pace *rate.Limiter, channel, method string, call func() error) error {
	pause := p.pause
	var err error
	for try := 1; try <= p.tries; try++ {
		if pace != nil {
			if err := pace.Wait(ctx); err != nil {
				return fmt.Errorf("%s to %s: %w", method, channel, err)
			}
		}
		err = call()
		if err == nil {
			return nil
		}
		var wait time.Duration
		var rl *slack.RateLimitedError
		var sc slack.StatusCodeError
		var ne net.Error
		switch {
		case IsFatal(err):
			p.fatal(method, err)
			return err
		case errors.As(err, &rl):
			wait = rl.RetryAfter
		case errors.As(err, &sc) && sc.Code >= 500, errors.As(err, &ne):
			wait, pause = pause, min(2*pause, 30*time.Second)
		default:
			return fmt.Errorf("%s to %s: %w", method, channel, err)
		}
		if try == p.tries {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s to %s: %w", method, channel, ctx.Err())
		case <-t.C:
		}
	}
	return fmt.Errorf("%s to %s: gave up after %d tries: %w", method, channel, p.tries, err)
}
