package bot_test

import (
	"context"
	"testing"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// askNothing is a release store on which asking fails the test: a request
// must come from the asker's own words or button, never from a model's
// guess.
type askNothing struct{ t *testing.T }

func (s askNothing) ReleaseOf(context.Context, orders.Order) (bot.Release, error) {
	return bot.Release{Offer: true}, nil
}

func (s askNothing) AskRelease(_ context.Context, _ orders.Person, number, _ string) (string, bool, error) {
	s.t.Errorf("a release of %s was asked on the model's reading", number)
	return "", true, nil
}

// TestModelNeverAsksForARelease: a message the rules cannot read, which
// the model reads as a release request, shows the order with its Ask for
// release button instead of posting a request in credit control's channel.
func TestModelNeverAsksForARelease(t *testing.T) {
	b := setup(t)
	p, _ := understand.New("")
	model := fixedModel{understand.Question{Intent: understand.AskRelease, Number: "4500012345", Note: "paid"}}
	a := bot.New(b.st, p, nil, bot.Options{Access: bot.AccessAll, Model: model, Releases: askNothing{t}})
	got := ask(t, a, repSud, "hey can u get the bakery thing moving, they paid")
	if got.Kind != bot.OrderFound || got.Order.Number != "4500012345" {
		t.Errorf("a release request read by the model: %s; want order 4500012345 shown", got)
	}
}
