package follow

import (
	"context"
	"strings"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders/postgres"
)

// ButtonPrefix is the start of the follow buttons' action ids
// (render.ActionFollow, render.ActionUnfollow).
const ButtonPrefix = "follow"

// Buttons returns the handler of the Follow and Unfollow buttons of
// answers: the presser follows the button's order, or no longer, as if
// they had written it, under the same access rules, and the answer the
// button is on is remembered, to be updated in place. The answer is said
// to the presser only; someone who may not see the order is refused, as a
// stranger is.
func Buttons(answerer *bot.Answerer, renderer *render.Renderer, st *postgres.Store) slackapp.ClickHandler {
	return func(ctx context.Context, c slackapp.Click) error {
		q := understand.Question{Intent: understand.StartFollowing, Number: c.Value, Numbers: []string{c.Value}}
		if strings.HasPrefix(c.ActionID, render.ActionUnfollow) {
			q.Intent = understand.StopFollowing
		}
		ans, err := answerer.AnswerQuestion(ctx, c.Asker, q)
		if err != nil {
			return err
		}
		msg := renderer.Slack(ans)
		if ans.Kind != bot.Followed && ans.Kind != bot.Unfollowed {
			return &slackapp.Refusal{Message: msg}
		}
		if ans.Kind == bot.Followed && ans.Order.ID != 0 && c.MessageTS != "" {
			if _, err := st.RememberAnswer(ctx, c.User, ans.Order.ID, c.Channel, c.MessageTS, ans.Lang); err != nil {
				return err
			}
		}
		return c.Respond(ctx, msg, true, false)
	}
}
