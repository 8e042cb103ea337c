// Package follow tells people of the changes of the orders they follow.
// Following itself is asked in conversation (bot, "suivre 11039") or with
// an answer's button (slackapp); this package works what comes after, as
// jobs of the store's queue (postgres.Jobs, River):
//
//   - Plan. Once per orders import, in one transaction: what it changed of
//     followed orders is written for each follower (postgres.PlanFollows),
//     the follows of orders it closed end, and one notice job per follower
//     is inserted, unique by import and person. An import run with a
//     Planner plans in its own transaction (ImportRequest.Then); a periodic
//     job plans every import finished without one (the push API, an import
//     of an older orderbot), so no import is missed and none is planned
//     twice.
//   - Notice. A follower's notice is one direct message for all the
//     import's changes to what they follow, marked with its key (import and
//     person) in the message's metadata. River works it on one replica at
//     a time and works it again when that replica died; a job worked again
//     looks in the direct message for its key before posting, so the
//     follower gets it once.
//   - Update. Orderbot's earlier answers about each changed order, in the
//     conversations where the follower asked, are updated in place
//     (chat.update, which may be repeated) to the order's new state, with a
//     short note; an order closed is forgotten.
package follow

import (
	"context"
	"log/slog"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// Store is the PostgreSQL store as following needs it: it is the
// answerer's bot.FollowStore.
type Store struct{ *postgres.Store }

// FollowList returns what person follows.
func (s Store) FollowList(ctx context.Context, personID int64) ([]bot.Follow, error) {
	fs, err := s.Follows(ctx, personID)
	if err != nil {
		return nil, err
	}
	out := make([]bot.Follow, len(fs))
	for i, f := range fs {
		out[i] = bot.Follow{Number: f.Number, Status: f.Status, Auto: f.Auto, Since: f.Since,
			Customer: orders.Customer{ID: f.CustomerID, Name: f.CustomerName, Code: f.CustomerCode}}
	}
	return out, nil
}

// Slack is what the notices need of Slack (slackapp.Notifications): a
// direct message, a post marked with its key, a look for that key, and
// the update of an earlier answer.
type Slack interface {
	OpenDM(ctx context.Context, userID string) (string, error)
	Post(ctx context.Context, channel, threadTS string, msg render.Message, key string) (string, string, error)
	Find(ctx context.Context, channel string, since time.Time, key string) (string, bool, error)
	Update(ctx context.Context, channel, ts string, msg render.Message) error
}

// Config is what the followers' jobs work with.
type Config struct {
	Store    *postgres.Store
	Slack    Slack
	Renderer *render.Renderer
	// Language is for people whose language the directory does not say.
	Language orders.Language
	// StaleAfter is the age past which the data is called stale in an
	// answer updated in place.
	StaleAfter time.Duration
	// OwnOnly (bot.access own) tells followers only of the orders they may
	// see.
	OwnOnly bool
	// PlanEvery is how often imports finished without a plan are looked
	// for; default 10 s.
	PlanEvery time.Duration
	Log       *slog.Logger
	// Now is the clock of the updated answers; default time.Now.
	Now func() time.Time
}
