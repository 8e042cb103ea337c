package notify_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
)

// TestDigestTakenInAChannelNotJoined: Monday's digest goes to a rep's
// public channel orderbot was never invited to; Slack takes the post but
// answers 503. The next run looks for it, finds it (joining the channel to
// read it) and records it sent: one digest in the channel, none lost.
func TestDigestTakenInAChannelNotJoined(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 30, 8, 31, 0, 0, paris)} // a Monday, just after the digest's time
	ctx := context.Background()
	st := server.Store(t)
	if err := st.RecordLoad(ctx, "test", time.Date(2026, 11, 20, 6, 0, 0, 0, paris), 0); err != nil {
		t.Fatal(err)
	}
	const channel = "C0VENTES01"
	if _, err := st.UpsertPerson(ctx, orders.Person{Email: "francois@example.fr", Name: "François Dubœuf", Role: orders.RoleRep,
		SlackUserID: "U0REP0001", DigestChannel: channel, Language: orders.French}); err != nil {
		t.Fatal(err)
	}
	fake := slackfake.New(t, slackfake.WithMembership(), slackfake.WithClock(clk.now))
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))
	n := slackapp.NewNotifications(api, slackapp.NewPoster(api, nil, nil))
	week := map[time.Weekday]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}
	notifier := notify.New(st, n, slog.New(slog.NewTextHandler(io.Discard, nil)), notify.Options{
		Digest: notify.Schedule{Days: week, Hour: 8, Minute: 30, Loc: paris}, StalledAfter: 7 * 24 * time.Hour,
		Now: clk.now, Clock: clk.now})

	fake.FailNext("chat.postMessage", slackfake.Fault{Status: 503, Taken: true})
	for range 6 { // the first try, then the next runs a few minutes apart
		if err := notifier.SendDigests(ctx); err != nil {
			t.Log(err)
		}
		clk.set(clk.now().Add(5 * time.Minute))
	}
	posts := fake.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d digests in the channel, want the one Slack took", len(posts))
	}
	last, ok, err := st.LastSent(ctx, "digest", channel)
	if err != nil || !ok {
		t.Fatalf("the digest is not recorded as sent (%v, %v): it would be posted again, or lost", ok, err)
	}
	h, err := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL())).GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: channel})
	if err != nil || len(h.Messages) == 0 || last.TS != h.Messages[len(h.Messages)-1].Timestamp {
		t.Errorf("the digest is recorded with ts %q; the channel holds %+v (%v)", last.TS, h, err)
	}
}
