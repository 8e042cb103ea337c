package slackapp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/internal/slackfake"
)

// seenViews records what the views' handlers got.
type seenViews struct {
	mu     sync.Mutex
	subs   []Submission
	homes  []string
	askers []bot.Asker
}

func (s *seenViews) routing() *Views {
	v := NewViews()
	v.HandleSubmit("release_decline_reason", func(_ context.Context, sub Submission) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.subs = append(s.subs, sub)
		return nil
	})
	v.HandleHome(func(_ context.Context, user string, asker bot.Asker) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.homes, s.askers = append(s.homes, user), append(s.askers, asker)
		return nil
	})
	return v
}

func (s *seenViews) counts() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs), len(s.homes)
}

// TestModalSubmittedAndHomeOpenedOverSocket: a modal submitted reaches the
// handler of its callback id with what was typed, and the Home tab
// opened reaches the home handler with who opened it; the Messages tab
// opened does not.
func TestModalSubmittedAndHomeOpenedOverSocket(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	var seen seenViews
	startApp(t, fake, sampleDatabase(t), 100, Options{Views: seen.routing()})
	fake.WaitConnected(t, 1, 10*time.Second)
	fake.SendInteractive(fake.ViewSubmission("U0REP0001", "release_decline_reason", "42",
		map[string]map[string]string{"release_reason": {"reason": "Impayés de 4 200 € depuis le 12/10"}}))
	fake.SendEvent("Ev0HOME001", slackfake.AppHomeOpened("U0REP0002"))
	messages := slackfake.AppHomeOpened("U0REP0002")
	messages["tab"] = "messages"
	fake.SendEvent("Ev0HOME002", messages)
	waitFor(t, "the submission and the home", func() bool { s, h := seen.counts(); return s == 1 && h == 1 })
	fake.WaitAcks(t, 3, 10*time.Second)
	seen.mu.Lock()
	defer seen.mu.Unlock()
	sub := seen.subs[0]
	if sub.User != "U0REP0001" || sub.Asker.SlackUserID != "U0REP0001" || sub.View.PrivateMetadata != "42" ||
		sub.View.State.Values["release_reason"]["reason"].Value != "Impayés de 4 200 € depuis le 12/10" {
		t.Errorf("submission %+v", sub)
	}
	if seen.homes[0] != "U0REP0002" || seen.askers[0].SlackUserID != "U0REP0002" {
		t.Errorf("home opened by %q", seen.homes)
	}
}

// TestModalSubmittedOverSignedHTTP: the interactivity URL takes a signed
// submission, answers 200 with an empty body (which closes the modal)
// and has it handled.
func TestModalSubmittedOverSignedHTTP(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	var seen seenViews
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	app := newHTTPApp(t, fake, sampleDatabase(t), Options{Views: seen.routing()})
	mux := http.NewServeMux()
	app.Routes(mux, NewVerifier(secret, nil))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	code, err := slackfake.PostInteractive(srv.Client(), srv.URL+"/slack/interactivity", secret,
		fake.ViewSubmission("U0REP0001", "release_decline_reason", "7", map[string]map[string]string{"release_reason": {"reason": "non"}}))
	if err != nil || code != http.StatusOK {
		t.Fatalf("a signed submission: %d, %v", code, err)
	}
	waitFor(t, "the submission", func() bool { s, _ := seen.counts(); return s == 1 })
}
