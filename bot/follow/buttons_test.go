package follow_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/follow"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/internal/slackfake"
)

// startSlack runs a Slack app over Socket Mode on w's store, with the
// follow buttons, until the test ends.
func (w *world) startSlack(fake *slackfake.Server, a *bot.Answerer) {
	w.t.Helper()
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken("xapp-test"))
	renderer := render.New(render.Options{})
	actions := slackapp.NewActions()
	actions.Handle(follow.ButtonPrefix, follow.Buttons(a, renderer, w.st))
	log := slog.New(slog.NewTextHandler(w.t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := slackapp.New(a, renderer, slackapp.NewPoster(api, nil, func(err error) { w.t.Errorf("fatal: %v", err) }), api, w.st,
		log, "U0BOT0001", slackapp.Options{Actions: actions})
	app.Start(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	var run sync.WaitGroup
	run.Go(func() { _ = app.RunSocket(ctx, socketmode.New(api), nil) })
	w.t.Cleanup(func() { cancel(); run.Wait(); app.Stop() })
	fake.WaitConnected(w.t, 1, 10*time.Second)
}

// TestFollowButtons: Claire presses Follow on her order's answer and
// follows it, then Unfollow; John, who may not see her orders, presses
// Follow on it and is refused privately, following nothing.
func TestFollowButtons(t *testing.T) {
	w := newWorld(t)
	fake := slackfake.New(t, slackfake.WithUsers(map[string]string{"U0REP0001": "claire.martin@example.fr",
		"U0REP0002": "john.smith@example.com"}))
	w.startSlack(fake, w.answerer(bot.AccessOwn))
	press := func(user, action string) slackfake.Call {
		n := len(fake.Calls("response_url"))
		fake.SendInteractive(fake.BlockActions(slackfake.Press{User: user, Channel: "D0FOLLOW1", MessageTS: "1764565200.000100",
			ActionID: action + "_0", Value: "4500011040"}))
		waitFor(t, "the answer to "+user+"'s press", func() bool { return len(fake.Calls("response_url")) == n+1 })
		return fake.Calls("response_url")[n]
	}
	id := orderID(t, w, "4500011040")
	r := press("U0REP0001", render.ActionFollow)
	if ok, _ := w.st.FollowsOrder(w.ctx, w.claire.ID, id); !ok || r.JSON["response_type"] != "ephemeral" || !strings.Contains(r.Text, "Vous suivez la commande 4500011040") {
		t.Errorf("Follow: following %v, answered %v", ok, r.JSON)
	}
	// The answer the button was on is the one to update in place.
	if got, err := w.st.FollowAnswers(w.ctx, w.claire.ID, []int64{id}); err != nil || len(got) != 1 ||
		got[0].Channel != "D0FOLLOW1" || got[0].TS != "1764565200.000100" {
		t.Errorf("the answer remembered: %+v, %v", got, err)
	}
	r = press("U0REP0002", render.ActionFollow)
	if ok, _ := w.st.FollowsOrder(w.ctx, w.john.ID, id); ok || r.JSON["response_type"] != "ephemeral" || strings.Contains(r.Text, "follow order") {
		t.Errorf("Follow by someone who may not see the order: following %v, answered %v", ok, r.JSON)
	}
	r = press("U0REP0001", render.ActionUnfollow)
	if ok, _ := w.st.FollowsOrder(w.ctx, w.claire.ID, id); ok || !strings.Contains(r.Text, "Vous ne suivez plus") {
		t.Errorf("Unfollow: following %v, answered %v", ok, r.JSON)
	}
}
