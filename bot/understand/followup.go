package understand

import "github.com/orderbot/orderbot/orders"

// Follow returns q read as the continuation of prev, the previous question
// of the same conversation, when q is a follow-up (q.FollowUp); q itself
// otherwise.
//
//   - Next: prev again, marked Next: the answer shows the item after the
//     one it showed ("et la suivante ?").
//   - Again with a subject of its own (an order number, a reference, a
//     customer): that subject, with prev's filters (blocked, kind of
//     block, reason) and scope when q says none ("blocked orders at Bon
//     app" then "what about Ernst?": Ernst's blocked orders).
//   - Again with only a scope or a filter: prev's subject with them ("mes
//     commandes bloquées" then "et pour l'équipe ?": the team's blocked
//     orders; "commandes de Folies gourmandes" then "et les bloquées ?").
//
// The language is q's, or prev's when q's words do not tell.
func (q Question) Follow(prev Question) Question {
	if q.FollowUp == "" || !asks(prev.Intent) {
		return q
	}
	lang := q.Lang
	if lang == "" {
		lang = prev.Lang
	}
	if q.FollowUp == Next {
		out := prev
		out.Text, out.FollowUp, out.Lang, out.Weak = q.Text, Next, lang, false
		return out
	}
	filtered := q.Blocked || q.Status != "" || q.Reason != ""
	switch {
	case q.Intent == Order || q.Intent == CustomerRef:
		// An order or a reference is its own question.
	case q.Intent == Customer:
		if !filtered && prev.Intent != Order && prev.Intent != CustomerRef {
			q.Blocked, q.Status, q.Reason = prev.Blocked, prev.Status, prev.Reason
		}
		if q.Scope == "" {
			q.Scope, q.Person, q.PersonRole = prev.Scope, prev.Person, prev.PersonRole
		}
	case q.Intent == Mine || q.Intent == Reason || q.Intent == Unknown:
		if prev.Intent == Order || prev.Intent == CustomerRef {
			if q.Intent == Unknown {
				return prev.again(q.Text, lang)
			}
			break // "la 10250 ?" then "et les bloquées ?": a question of its own
		}
		out := prev.again(q.Text, lang)
		if q.Scope != "" {
			out.Scope, out.Person, out.PersonRole = q.Scope, q.Person, q.PersonRole
		}
		if filtered {
			out.Blocked, out.Status, out.Reason = q.Blocked || q.Status != "", q.Status, q.Reason
			if out.Intent == Mine && q.Status != "" {
				out.Intent = Reason
			}
		}
		return out
	}
	q.Lang = lang
	return q
}

// again returns q asked again by the message text.
func (q Question) again(text string, lang orders.Language) Question {
	q.Text, q.FollowUp, q.Lang, q.Weak = text, Again, lang, false
	return q
}

// asks reports whether a question of intent in asks about orders, so that
// another can follow it.
func asks(in Intent) bool {
	switch in {
	case Order, Customer, CustomerRef, Mine, Reason, Item:
		return true
	}
	return false
}
