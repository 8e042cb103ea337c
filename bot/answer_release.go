package bot

import (
	"context"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// Release is where the release of an answer's blocked order stands.
type Release struct {
	// Offer says the order's block has a route: the answer offers to ask
	// for its release.
	Offer bool
	// ApprovedBy approved a release of the order on ApprovedAt, which the
	// ERP has not applied yet; empty when none waits.
	ApprovedBy string
	ApprovedAt time.Time
	// Text is what asking for a release did, as said to the asker
	// (ReleaseAsked), escaped for Slack.
	Text string
}

// ReleaseStore is what asking for releases needs (bot/release).
type ReleaseStore interface {
	// ReleaseOf tells where the release of blocked order o stands.
	ReleaseOf(ctx context.Context, o orders.Order) (Release, error)
	// AskRelease asks, as person, for the release of order number with
	// an optional reason, and returns what to say to them; refused says
	// nothing was asked (an order they may not see, not blocked, without
	// a route).
	AskRelease(ctx context.Context, person orders.Person, number, reason string) (text string, refused bool, err error)
}

// releaseState tells an answer about one blocked order whether it offers
// to ask for its release, and of an approved release waiting for the ERP.
func (t *turn) releaseState() error {
	if t.opt.Releases == nil || !t.ans.Order.Blocked() {
		return nil
	}
	r, err := t.opt.Releases.ReleaseOf(t.ctx, t.ans.Order)
	if err != nil {
		return err
	}
	if !t.visible(t.ans.Order) {
		r.Offer = false
	}
	t.ans.Release = r
	return nil
}

// askRelease answers "demande de déblocage 11039 : le client a payé".
func (t *turn) askRelease() error {
	q := t.ans.Question
	if t.opt.Releases == nil {
		t.ans.Kind = NotUnderstood
		return nil
	}
	text, _, err := t.opt.Releases.AskRelease(t.ctx, t.person, firstOf(q.Number, firstItem(q.Numbers)), q.Note)
	if orders.ErrorCode(err) == orders.ENotFound {
		return t.order(firstOf(q.Number, firstItem(q.Numbers))) // says it is not found, with the closest numbers
	}
	if err != nil {
		return err
	}
	t.ans.Kind, t.ans.Release.Text = ReleaseAsked, text
	return nil
}
