package bot

import (
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// maxParts is how many subjects of one message (customers, references)
// are answered each in full; the answer says how many more it left.
const maxParts = 5

// several reports whether q names several subjects, each answered in
// full: two order numbers (more are a compact list), customers by name,
// references.
func (t *turn) several(q understand.Question) bool {
	switch q.Intent {
	case understand.Order:
		return len(q.Numbers) == 2
	case understand.CustomerRef:
		return len(q.Refs) > 1
	case understand.Customer:
		return q.CustomerID == 0 && q.CustomerCode == "" && len(q.CustomerNames) > 1
	}
	return false
}

// subjects returns q asked of each of its subjects, with its filters and
// scope: "commandes bloquées de Bon app et Ernst" is Bon app's blocked
// orders, then Ernst's.
func subjects(q understand.Question) []understand.Question {
	var list []string
	switch q.Intent {
	case understand.Order:
		list = q.Numbers
	case understand.CustomerRef:
		list = q.Refs
	default:
		list = q.CustomerNames
	}
	out := make([]understand.Question, 0, len(list))
	for _, s := range list {
		out = append(out, one(q, s))
	}
	return out
}

// one returns q asked of subject s alone.
func one(q understand.Question, s string) understand.Question {
	q.Numbers, q.CustomerNames, q.Refs = nil, nil, nil
	switch q.Intent {
	case understand.Order:
		q.Number, q.Numbers = s, []string{s}
	case understand.CustomerRef:
		q.Ref, q.Refs = s, []string{s}
	default:
		q.CustomerName, q.CustomerNames = s, []string{s}
	}
	return q
}

// last returns q asked of its last subject alone: what "the next one"
// continues.
func last(q understand.Question) understand.Question {
	subs := subjects(q)
	if len(subs) > 1 && (q.Intent != understand.Customer || q.CustomerID == 0 && q.CustomerCode == "") {
		return subs[len(subs)-1]
	}
	return q
}

// sub returns a turn answering q for the same asker, with at most limit
// orders in a list.
func (t *turn) sub(q understand.Question, limit int) *turn {
	return &turn{Answerer: t.Answerer, ctx: t.ctx, person: t.person,
		ans: Answer{Lang: t.ans.Lang, At: t.ans.At, Question: q, Limit: limit}}
}

// each answers each of qs in full, one after the other: each reads as it
// would asked alone.
func (t *turn) each(qs []understand.Question) error {
	if len(qs) > maxParts {
		t.ans.More = len(qs) - maxParts
		qs = qs[:maxParts]
	}
	for _, q := range qs {
		s := t.sub(q, t.ans.Limit)
		if err := s.run(); err != nil {
			return err
		}
		t.ans.Parts = append(t.ans.Parts, s.ans)
	}
	t.ans.Kind = Several
	return t.freshness()
}

// orderSet answers several order numbers in a compact list, at most Limit
// of them looked up. An order the asker may not see is not found, as a
// number that does not exist is.
func (t *turn) orderSet(numbers []string) error {
	if len(numbers) > t.ans.Limit {
		t.ans.More = len(numbers) - t.ans.Limit
		numbers = numbers[:t.ans.Limit]
	}
	for _, n := range numbers {
		o, found, err := t.lookup(n)
		if err != nil {
			return err
		}
		t.ans.Items = append(t.ans.Items, Item{Number: n, Found: found, Order: o})
	}
	t.ans.Kind = OrderSet
	return t.freshness()
}

// lookup finds the order numbered number that the asker may see. When two
// numbers share what was typed, the one the asker may see is it, if only
// one is.
func (t *turn) lookup(number string) (orders.Order, bool, error) {
	o, err := t.store.OrderByNumber(t.ctx, number)
	switch orders.ErrorCode(err) {
	case "":
		if t.visible(o) {
			return o, true, nil
		}
	case orders.EConflict:
		var seen []orders.Order
		for _, n := range conflictNumbers(orders.ErrorMessage(err)) {
			o, err := t.store.OrderByNumber(t.ctx, n)
			if err == nil && t.visible(o) {
				seen = append(seen, o)
			}
		}
		if len(seen) == 1 {
			return seen[0], true, nil
		}
	case orders.ENotFound, orders.EInvalid:
	default:
		return orders.Order{}, false, err
	}
	return orders.Order{}, false, nil
}

// maxNext bounds how far into a list "the next one" goes.
const maxNext = 1000

// next answers "et la suivante ?": after an order, the one whose number
// comes next among those the asker may see; after a list, its order
// after those shown.
func (t *turn) next() error {
	q, prev := t.ans.Question, t.prev
	q.FollowUp = ""
	if q.Intent == understand.Order {
		after := prev.Last
		if after == "" {
			after = firstOf(q.Number, firstItem(q.Numbers))
		}
		o, err := t.store.NextOrder(t.ctx, after, t.scope())
		switch {
		case orders.ErrorCode(err) == orders.ENotFound || orders.ErrorCode(err) == orders.EInvalid || err == nil && !t.visible(o):
			t.ans.Kind, t.ans.Subject = NoNext, Subject{What: "order", Query: after}
		case err != nil:
			return err
		default:
			t.ans.Kind, t.ans.Order = OrderFound, o
			t.ans.Question = one(q, o.Number)
		}
		return t.freshness()
	}
	q = last(q)
	shown := min(prev.Shown, maxNext)
	s := t.sub(q, shown+1)
	if err := s.run(); err != nil {
		return err
	}
	switch s.ans.Kind {
	case OrderList:
		if len(s.ans.List.Orders) > shown {
			t.ans.Kind, t.ans.Order = OrderFound, s.ans.List.Orders[shown]
		} else {
			t.ans.Kind = NoNext
		}
		t.ans.List.Total = s.ans.List.Total
	case OrderFound: // a reference of one order
		if shown > 0 {
			t.ans.Kind = NoNext
		} else {
			t.ans.Kind, t.ans.Order = OrderFound, s.ans.Order
		}
		t.ans.List.Total = 1
	default:
		// Which customer? Nobody of that name? As asked anew.
		t.ans = s.ans
		return nil
	}
	t.ans.Question, t.ans.Subject, t.ans.Position = q, s.ans.Subject, min(shown+1, t.ans.List.Total)
	if t.ans.Kind == NoNext {
		t.ans.Position = t.ans.List.Total
	}
	return t.freshness()
}
