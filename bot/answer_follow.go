package bot

import (
	"context"
	"time"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// Follow is one thing a person follows: an order (Number), or every order
// of a customer (Number empty).
type Follow struct {
	Number   string
	Status   orders.Status
	Customer orders.Customer
	// Auto says the follow came from asking about a blocked order.
	Auto  bool
	Since time.Time
}

// FollowStore is what following needs of the store.
type FollowStore interface {
	// Follow records that person follows an order (orderID) or a
	// customer (customerID), and reports whether it is new.
	Follow(ctx context.Context, personID, orderID, customerID int64, auto bool) (bool, error)
	// Unfollow ends it, and reports whether there was one.
	Unfollow(ctx context.Context, personID, orderID, customerID int64) (bool, error)
	// FollowsOrder reports whether person follows the order, itself or
	// through its customer.
	FollowsOrder(ctx context.Context, personID, orderID int64) (bool, error)
	// FollowList returns what person follows.
	FollowList(ctx context.Context, personID int64) ([]Follow, error)
}

// follow answers "suivre 11039", "unfollow Boulangerie Dupré": the order
// or the customer is found as a question about it would find it (the
// same access rules, the same choice among customers), then followed, or
// no longer. Anything else found (nothing, several customers to choose
// from) is the answer.
func (t *turn) follow(stop bool) error {
	q := t.ans.Question
	inner := q
	inner.Intent = understand.Customer
	if q.Number != "" || len(q.Numbers) > 0 {
		inner.Intent = understand.Order
		inner.Numbers = nil
	}
	inner.CustomerNames, inner.Refs = nil, nil
	t.ans.Question = inner
	err := t.run()
	t.ans.Question = q
	if err != nil || t.opt.Follows == nil {
		return err
	}
	var orderID, customerID int64
	switch {
	case t.ans.Kind == OrderFound:
		orderID = t.ans.Order.ID
	case t.ans.Kind == OrderList && t.ans.Subject.What == "customer" && t.ans.Subject.Customer.ID != 0:
		customerID = t.ans.Subject.Customer.ID
	default:
		return nil // not found, or which customer?
	}
	t.ans.Kind = Followed
	if stop {
		t.ans.Kind = Unfollowed
		done, err := t.opt.Follows.Unfollow(t.ctx, t.person.ID, orderID, customerID)
		t.ans.Already = !done
		return err
	}
	if orderID != 0 && t.ans.Order.Closed() {
		t.ans.Already = true // nothing will change it: nothing to follow
		return nil
	}
	done, err := t.opt.Follows.Follow(t.ctx, t.person.ID, orderID, customerID, false)
	t.ans.Already = !done
	return err
}

// followList answers "mes suivis".
func (t *turn) followList() error {
	t.ans.Kind = FollowList
	if t.opt.Follows == nil {
		return nil
	}
	var err error
	t.ans.Follows, err = t.opt.Follows.FollowList(t.ctx, t.person.ID)
	return err
}

// followState tells an answer about one open order whether the asker
// follows it, and has them follow a blocked one (Options.AutoFollow).
func (t *turn) followState() error {
	o := t.ans.Order
	if t.opt.Follows == nil || o.Closed() {
		return nil
	}
	t.ans.Followable = true
	following, err := t.opt.Follows.FollowsOrder(t.ctx, t.person.ID, o.ID)
	if err != nil || following {
		t.ans.Following = following
		return err
	}
	if t.opt.AutoFollow && o.Blocked() {
		added, err := t.opt.Follows.Follow(t.ctx, t.person.ID, o.ID, 0, true)
		if err != nil {
			return err
		}
		t.ans.Following, t.ans.AutoFollowed = true, added
	}
	return nil
}
