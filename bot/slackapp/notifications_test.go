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

// TestOpenDMWithoutAChannel: conversations.open answering ok but naming
// no channel is an error that says so, not a crash.
func TestOpenDMWithoutAChannel(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t)
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))
	n := NewNotifications(api, quick(NewPoster(api, nil, nil)))
	ctx := context.Background()
	for _, body := range []map[string]any{
		{"ok": true},
		{"ok": true, "no_op": true, "already_open": true, "channel": map[string]any{}},
		{"ok": true, "channel": nil},
	} {
		fake.FailNext("conversations.open", slackfake.Fault{Body: body})
		id, err := n.OpenDM(ctx, "U0REP0001")
		if err == nil || id != "" || !strings.Contains(err.Error(), "U0REP0001") || !strings.Contains(err.Error(), "no channel") {
			t.Errorf("conversations.open answering %v: %q, %v; want an error naming the user and the missing channel", body, id, err)
		}
	}
	if id, err := n.OpenDM(ctx, "U0REP0001"); err != nil || id == "" {
		t.Errorf("then a real answer: %q, %v", id, err)
	}
}

// memberNotifications are the notifications' Slack over a fake that keeps
// which channels orderbot is in, as Slack does.
func memberNotifications(t *testing.T, opts ...slackfake.Option) (*slackfake.Server, *Notifications) {
	t.Helper()
	fake := slackfake.New(t, append([]slackfake.Option{slackfake.WithMembership()}, opts...)...)
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))
	return fake, NewNotifications(api, quick(NewPoster(api, nil, nil)))
}

var digest = render.Message{Text: "Vos commandes bloquées depuis vendredi : aucune."}

// TestFindInAPublicChannelNotJoined: orderbot posts a digest in a rep's
// public channel it was never invited to (chat:write.public); looking for
// it there afterwards, it joins the channel, since Slack lets a bot read
// only the channels it is in, and finds it.
func TestFindInAPublicChannelNotJoined(t *testing.T) {
	t.Parallel()
	fake, n := memberNotifications(t)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	id, ts, err := n.Post(ctx, "C0VENTES01", "", digest, "digest:7:2026-11-30")
	if err != nil || id != "C0VENTES01" {
		t.Fatalf("post in a public channel orderbot is not in: %q, %v", id, err)
	}
	got, found, err := n.Find(ctx, "C0VENTES01", since, "digest:7:2026-11-30")
	if err != nil || !found || got != ts {
		t.Fatalf("Find = %q, %v, %v; want the digest's ts %s", got, found, err, ts)
	}
	if !fake.Member("C0VENTES01") || len(fake.Calls("conversations.join")) != 1 {
		t.Errorf("member %v after %d joins; want orderbot in the channel, joined once", fake.Member("C0VENTES01"), len(fake.Calls("conversations.join")))
	}
	// Another key, not there: not found, without joining again.
	if _, found, err := n.Find(ctx, "C0VENTES01", since, "digest:7:2026-12-01"); err != nil || found {
		t.Errorf("Find of another day's digest = %v, %v; want not found", found, err)
	}
	if got := len(fake.Calls("conversations.join")); got != 1 {
		t.Errorf("%d joins, want 1", got)
	}
}

// TestTableInAPublicChannelNotJoined: the summary's table goes in the
// thread of the summary, in a public channel orderbot was not invited to:
// Slack shares a file only where the bot is a member, so it joins first;
// then it finds the table there.
func TestTableInAPublicChannelNotJoined(t *testing.T) {
	t.Parallel()
	fake, n := memberNotifications(t)
	ctx := context.Background()
	id, ts, err := n.Post(ctx, "C0MANAGERS", "", digest, "summary:C0MANAGERS:2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Upload(ctx, id, ts, "reps.csv", "reps.csv", []byte("rep;blocked\n")); err != nil {
		t.Fatalf("upload in the thread of a public channel orderbot is not in: %v", err)
	}
	fake.Remove("C0MANAGERS") // someone removed orderbot since
	if done, err := n.Uploaded(ctx, id, ts, "reps.csv"); err != nil || !done {
		t.Errorf("Uploaded = %v, %v; want the table found", done, err)
	}
}

// TestPrivateChannelNotInvited: a private channel orderbot is not in can
// be neither posted in, read nor joined; the error says to invite it, and
// nothing is posted.
func TestPrivateChannelNotInvited(t *testing.T) {
	t.Parallel()
	fake, n := memberNotifications(t, slackfake.WithPrivateChannels("C0PRIVE001"))
	ctx := context.Background()
	for _, ch := range []string{"G0ADV00001", "C0PRIVE001"} {
		_, _, err := n.Post(ctx, ch, "", digest, "digest:7:2026-11-30")
		if err == nil || !strings.Contains(err.Error(), ch) || !strings.Contains(err.Error(), "/invite @orderbot") {
			t.Errorf("post in private %s orderbot is not in: %v; want an error naming it and saying to invite orderbot", ch, err)
		}
		_, found, err := n.Find(ctx, ch, time.Now().Add(-time.Minute), "digest:7:2026-11-30")
		if err == nil || found || !strings.Contains(err.Error(), ch) || !strings.Contains(err.Error(), "/invite @orderbot") {
			t.Errorf("Find in private %s orderbot is not in: %v, %v; want an error naming it and saying to invite orderbot", ch, found, err)
		}
		if _, err := n.Uploaded(ctx, ch, "1764487860.000100", "reps.csv"); err == nil || !strings.Contains(err.Error(), "/invite @orderbot") {
			t.Errorf("Uploaded in private %s orderbot is not in: %v; want an error saying to invite orderbot", ch, err)
		}
	}
	// Invited after an uncertain post, then removed: joining is refused.
	fake.Invite("G0ADV00001")
	if _, _, err := n.Post(ctx, "G0ADV00001", "", digest, "digest:7:2026-11-30"); err != nil {
		t.Fatal(err)
	}
	fake.Remove("G0ADV00001")
	fake.FailNext("conversations.history", slackfake.Fault{SlackError: "not_in_channel"})
	_, _, err := n.Find(ctx, "G0ADV00001", time.Now().Add(-time.Minute), "digest:7:2026-11-30")
	if err == nil || !strings.Contains(err.Error(), "G0ADV00001") || !strings.Contains(err.Error(), "/invite @orderbot") {
		t.Errorf("Find after orderbot was removed from a private channel: %v; want an error saying to invite it", err)
	}
	if got := len(fake.Posts()); got != 1 {
		t.Errorf("%d posts, want the one made while invited", got)
	}
}

// TestJoinWithoutTheScope: an installation made before orderbot asked for
// channels:join cannot join: the error says to reinstall the app, or to
// invite orderbot.
func TestJoinWithoutTheScope(t *testing.T) {
	t.Parallel()
	fake, n := memberNotifications(t)
	ctx := context.Background()
	if _, _, err := n.Post(ctx, "C0VENTES01", "", digest, "digest:7:2026-11-30"); err != nil {
		t.Fatal(err)
	}
	fake.FailNext("conversations.join", slackfake.Fault{SlackError: "missing_scope"})
	_, _, err := n.Find(ctx, "C0VENTES01", time.Now().Add(-time.Minute), "digest:7:2026-11-30")
	if err == nil || !strings.Contains(err.Error(), "channels:join") || !strings.Contains(err.Error(), "/invite @orderbot") {
		t.Errorf("Find without channels:join: %v; want an error naming the scope and saying to invite orderbot", err)
	}
	// A 429 on joining is a 429: notify waits its Retry-After.
	fake.FailNext("conversations.join", slackfake.Fault{Status: 429, RetryAfter: 20})
	_, _, err = n.Find(ctx, "C0VENTES01", time.Now().Add(-time.Minute), "digest:7:2026-11-30")
	var d interface{ Delay() time.Duration } // notify.Delay
	if !errors.As(err, &d) || d.Delay() != 20*time.Second {
		t.Errorf("Find when joining is rate-limited: %v; want a 20 s delay", err)
	}
}
