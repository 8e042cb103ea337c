package slackapp

import (
	"context"
	"strings"
	"testing"

	"github.com/slack-go/slack"

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
