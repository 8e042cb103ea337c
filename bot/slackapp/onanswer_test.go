package slackapp

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/internal/slackfake"
)

// TestOnAnswerHearsThePostedAnswer: once an answer to a direct message is
// posted, OnAnswer hears who asked, where, the answer and Slack's ts of
// the post, which finds the message to update in place.
func TestOnAnswerHearsThePostedAnswer(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	type heard struct {
		user, channel, ts string
		ans               bot.Answer
	}
	var mu sync.Mutex
	var got []heard
	startApp(t, fake, sampleDatabase(t), 100, Options{OnAnswer: func(_ context.Context, user, channel, ts string, ans bot.Answer) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, heard{user, channel, ts, ans})
	}})
	fake.WaitConnected(t, 1, 10*time.Second)
	fake.SendEvent("EvOnAnswer1", dm("U0REP0001", "D0ONANS01", "1700001000.000100", "où en est la 4500012345 ?"))
	fake.WaitPosts(t, 1, 10*time.Second)
	waitFor(t, "OnAnswer", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 1 })
	h := got[0]
	if h.user != "U0REP0001" || h.channel != "D0ONANS01" || h.ans.Kind != bot.OrderFound || h.ans.Order.Number != "4500012345" || h.ts == "" {
		t.Fatalf("OnAnswer heard %s %s %q %s %s", h.user, h.channel, h.ts, h.ans.Kind, h.ans.Order.Number)
	}
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))
	hist, err := api.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "D0ONANS01"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Messages) != 1 || hist.Messages[0].Timestamp != h.ts {
		t.Errorf("the DM holds %d messages; the ts heard, %s, is not the answer's", len(hist.Messages), h.ts)
	}
}
