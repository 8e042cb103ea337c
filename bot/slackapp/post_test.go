package slackapp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/internal/slackfake"
)

func newTestPoster(t *testing.T) (*slackfake.Server, *Poster, *[]error) {
	fake := slackfake.New(t)
	var fatal []error
	p := NewPoster(slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL())), nil, func(err error) { fatal = append(fatal, err) })
	p.pause = 10 * time.Millisecond
	return fake, p, &fatal
}

// quick makes p's pacing fast, for tests about something else.
func quick(p *Poster) *Poster {
	p.every = 100
	return p
}

var hello = render.Message{Text: "hello"}

func TestPosterPacesEachChannel(t *testing.T) {
	t.Parallel()
	fake, p, _ := newTestPoster(t)
	ctx := context.Background()
	for range 3 {
		if _, err := p.post(ctx, p.limiter("C0PACED01"), "C0PACED01", "", hello); err != nil {
			t.Fatal(err)
		}
		if _, err := p.post(ctx, p.limiter("C0OTHER01"), "C0OTHER01", "", hello); err != nil {
			t.Fatal(err)
		}
	}
	var at []time.Time
	for _, c := range fake.Posts() {
		if c.Channel == "C0PACED01" {
			at = append(at, c.At)
		}
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < 900*time.Millisecond {
			t.Errorf("two posts to one channel %s apart, want about a second", gap)
		}
	}
}

func TestPosterRetries(t *testing.T) {
	t.Parallel()
	fake, p, fatal := newTestPoster(t)
	quick(p)
	ctx := context.Background()

	fake.FailNext("chat.postMessage", slackfake.Fault{Status: 500}, slackfake.Fault{Status: 503})
	if _, err := p.post(ctx, p.limiter("C0RETRY01"), "C0RETRY01", "", hello); err != nil {
		t.Errorf("two server errors then success: %v", err)
	}
	fake.FailNext("chat.postMessage", slackfake.Fault{Status: 500}, slackfake.Fault{Status: 500}, slackfake.Fault{Status: 500},
		slackfake.Fault{Status: 500}, slackfake.Fault{Status: 500})
	if _, err := p.post(ctx, p.limiter("C0RETRY02"), "C0RETRY02", "", hello); err == nil || !strings.Contains(err.Error(), "gave up after 5 tries") {
		t.Errorf("five server errors: %v", err)
	}
	fake.FailNext("chat.postMessage", slackfake.Fault{SlackError: "channel_not_found"})
	if _, err := p.post(ctx, p.limiter("C0RETRY03"), "C0RETRY03", "", hello); err == nil || len(fake.Calls("chat.postMessage")) != 3+5+1 {
		t.Errorf("an error no retry cures is retried: %v, %d calls", err, len(fake.Calls("chat.postMessage")))
	}
	if len(*fatal) != 0 {
		t.Errorf("fatal errors reported: %v", *fatal)
	}
	fake.FailNext("chat.postMessage", slackfake.Fault{SlackError: "invalid_auth"})
	if _, err := p.post(ctx, p.limiter("C0RETRY04"), "C0RETRY04", "", hello); !IsFatal(err) || len(*fatal) != 1 || !IsFatal((*fatal)[0]) {
		t.Errorf("a refused token: %v, reported %v", err, *fatal)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := p.post(cancelled, p.limiter("C0RETRY05"), "C0RETRY05", "", hello); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled post: %v", err)
	}
}

// TestRespondIsNotPaced: an answer to a response_url is not a channel post
// and waits for no channel's pace.
func TestRespondIsNotPaced(t *testing.T) {
	t.Parallel()
	fake, p, _ := newTestPoster(t)
	ctx := context.Background()
	for range 3 {
		if err := p.Respond(ctx, "C0SLASH01", fake.ResponseURL(), hello, true, false); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(fake.Calls("response_url")); n != 3 {
		t.Errorf("%d answers to response URLs, want 3", n)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, paced := p.channels["C0SLASH01"]; paced {
		t.Errorf("answers to response URLs wait for the channel's pace")
	}
}
