package slackfake_test

import (
	"context"
	"testing"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/internal/slackfake"
)

// TestViewsOfTheFake: views.open needs a trigger, views.publish a user
// and a Home view, as Slack's do.
func TestViewsOfTheFake(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(map[string]string{"U0REP0001": "francois@negoce-durand.fr"}))
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))
	ctx := context.Background()
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Refuser", false, false)}
	if _, err := api.OpenViewContext(ctx, "", modal); err == nil {
		t.Error("views.open without a trigger_id succeeded")
	}
	if _, err := api.OpenViewContext(ctx, "1234.5678.abcd", modal); err != nil {
		t.Errorf("views.open: %v", err)
	}
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0REP0001", View: home}); err != nil {
		t.Errorf("views.publish: %v", err)
	}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0NOBODY9", View: home}); err == nil {
		t.Error("views.publish to an unknown user succeeded")
	}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0REP0001", View: slack.HomeTabViewRequest{Type: slack.VTModal}}); err == nil {
		t.Error("views.publish of a modal succeeded")
	}
	if n := len(fake.Calls("views.publish")); n != 3 {
		t.Errorf("%d views.publish calls recorded", n)
	}
}
