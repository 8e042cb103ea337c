// Package bot decides the answer to a question: it identifies the asker,
// applies the access rules, looks the question up in the store, and says
// what was found in one model (Answer) that the render package turns into
// Slack blocks or console text. It knows nothing of Slack or of PostgreSQL.
package bot

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// Kind is the shape of an answer.
type Kind string

// The shapes of answers.
const (
	// OrderFound shows one order, open or closed.
	OrderFound Kind = "order"
	// OrderList lists open orders: a customer's, the asker's, those held
	// for one reason, those of a customer reference, those short of an
	// item.
	OrderList Kind = "list"
	// ChooseCustomer asks which of several customers was meant.
	ChooseCustomer Kind = "choose"
	// NotFound says nothing matched, with the closest numbers or names.
	NotFound Kind = "not_found"
	// Refused answers someone who is not in the directory, revealing nothing.
	Refused Kind = "refused"
	// Help says what orderbot answers.
	Help Kind = "help"
	// Thanks answers thanks.
	Thanks Kind = "thanks"
	// NotUnderstood says the question was not understood, with examples.
	NotUnderstood Kind = "not_understood"
	// Unavailable says the data cannot be reached right now.
	Unavailable Kind = "unavailable"
	// OrderSet answers more than two order numbers at once, in a compact
	// list: each number as written, the order found or not (an order the
	// asker may not see is not found, like a number that does not exist).
	OrderSet Kind = "orders"
	// Several answers a message with several subjects (two order numbers,
	// customers, references): one answer each, in Parts, in the order
	// written.
	Several Kind = "several"
	// ChoosePerson asks which of several people was meant: a first name
	// several people have, or "my rep" for an assistant who follows the
	// orders of more than one.
	ChoosePerson Kind = "choose_person"
	// NoNext says that the previous answer shows no order after the one
	// shown last ("et la suivante ?").
	NoNext Kind = "no_next"
	// Followed says the asker follows an order (Order) or a customer
	// (Subject.Customer) now; Already that they did before.
	Followed Kind = "followed"
	// Unfollowed says the asker follows it no more; Already that they
	// did not follow it.
	Unfollowed Kind = "unfollowed"
	// FollowList lists what the asker follows (Follows).
	FollowList Kind = "follow_list"
	// ReleaseAsked says what asking for a release did (Release.Text).
	ReleaseAsked Kind = "release_asked"
)

// Answer is what orderbot says to one question, before it is rendered.
type Answer struct {
	Kind Kind
	Lang orders.Language
	// At is when the answer was made: ages ("blocked for 3 days") count
	// from it.
	At       time.Time
	Question understand.Question
	// Order is the order found (OrderFound).
	Order orders.Order
	// List is the orders listed (OrderList), at most Limit of them.
	List  orders.OrderList
	Limit int
	// Subject is what a list or a not-found answer is about.
	Subject Subject
	// Candidates are the customers that may be meant (ChooseCustomer), or
	// the closest names (NotFound).
	Candidates []orders.CustomerMatch
	// Suggestions are the closest order numbers (NotFound).
	Suggestions []string
	// Data says how fresh the data is.
	Data Freshness
	// Parts are the answers to each subject of the message (Several).
	Parts []Answer
	// Items are the order numbers asked, at most Limit of them (OrderSet);
	// More is how many more the message named.
	Items []Item
	More  int
	// People are the people who may be meant (ChoosePerson).
	People []orders.Person
	// Position is how many orders of the question's list come before and
	// with the one shown, when it is shown as the next of a list
	// (OrderFound, NoNext).
	Position int
	// Followable says the asker may follow the order shown (OrderFound,
	// open): the answer offers to. Following says they follow it;
	// AutoFollowed that this answer made them follow it, a blocked order.
	Followable, Following, AutoFollowed bool
	// Already says a follow or an unfollow changed nothing (Followed,
	// Unfollowed).
	Already bool
	// Follows are what the asker follows (FollowList).
	Follows []Follow
	// Release is where the release of the order shown stands (OrderFound,
	// blocked), or what asking for it did (ReleaseAsked).
	Release Release
}

// Item is one order number of a message naming several.
type Item struct {
	// Number is the number as written.
	Number string
	// Found says whether the asker may see an order of that number: Order.
	Found bool
	Order orders.Order
}

// Subject is what a list or a not-found answer is about.
type Subject struct {
	// What was looked for: "order", "customer", "ref", "code", "item"
	// (the orders short of the item Query names).
	What string
	// Query is what was typed: a number, a name, a reference.
	Query string
	// Customer is the customer whose orders are listed.
	Customer orders.Customer
	// Mine says the list is the asker's portfolio; Everyone that it is the
	// whole portfolio (a manager's, or anyone's who asked for all of it
	// and may see it); Team that it is the asker's team's.
	Mine, Everyone, Team bool
	// Person is the person whose portfolio is listed (ID 0: none), or who
	// was not found (NotFound, What "person": Query is the name typed;
	// What "my_rep", "my_assistant": the asker's, and they have none).
	Person orders.Person
	// OwnOnly says the asker asked for more than the access setting lets
	// them see (their team's, everything, someone else's portfolio): the
	// list holds only what is in their own portfolio.
	OwnOnly bool
	// Blocked and Status narrow the list.
	Blocked bool
	Status  orders.Status
	// Reason narrows the list to the orders held for a block of this
	// reason, in the portfolio's words. ReasonMissed is a reason asked
	// for that none of the orders has: the list is of the kind of block
	// instead.
	Reason, ReasonMissed string
}

// Freshness says when the data was extracted from the ERP.
type Freshness struct {
	AsOf  time.Time
	Known bool // false until something was imported
	Stale bool // older than the configured age
}

// Shown returns how many orders the list shows and how many more it holds.
func (a Answer) Shown() (shown, more int) {
	return len(a.List.Orders), a.List.Total - len(a.List.Orders)
}

// Results is how many orders the answer shows, for the audit log.
func (a Answer) Results() int {
	switch a.Kind {
	case OrderFound:
		return 1
	case OrderList:
		return len(a.List.Orders)
	case OrderSet:
		n := 0
		for _, it := range a.Items {
			if it.Found {
				n++
			}
		}
		return n
	case Several:
		n := 0
		for _, p := range a.Parts {
			n += p.Results()
		}
		return n
	}
	return 0
}

// Memory is what a conversation keeps of its last answer, so that the
// next message can follow it: "et pour Ernst ?" asks the same again of
// another customer, "et la suivante ?" for the order after the one shown
// last. A transport keeps one per conversation (in Slack, per person,
// channel and thread) and passes it to AskAfter; the zero Memory is a
// conversation's start.
type Memory struct {
	// Question is the question answered last, as read.
	Question understand.Question
	// Lang is the language of the last answer: a message whose words do
	// not tell one is answered in it.
	Lang orders.Language
	// Shown is how many orders of the question's list were shown: the
	// next is the one after them.
	Shown int
	// Last is the number of the order shown last.
	Last string
}

// Memory returns what a conversation remembers of a, for its next message.
func (a Answer) Memory() Memory {
	m := Memory{Question: a.Question, Lang: a.Lang}
	m.Question.FollowUp, m.Question.Weak = "", false
	switch a.Kind {
	case Refused, Unavailable:
		return Memory{}
	case Several:
		if len(a.Parts) > 0 {
			last := a.Parts[len(a.Parts)-1].Memory()
			m.Shown, m.Last = last.Shown, last.Last
		}
	case OrderFound:
		m.Shown, m.Last = max(a.Position, 1), a.Order.Number
	case NoNext:
		m.Shown = a.Position
	case OrderList:
		m.Shown = len(a.List.Orders)
		if m.Shown > 0 {
			m.Last = a.List.Orders[m.Shown-1].Number
		}
	case OrderSet:
		if len(a.Items) > 0 {
			m.Last = a.Items[len(a.Items)-1].Number
		}
	case NotFound:
		if a.Subject.What == "order" {
			m.Last = a.Subject.Query
		}
	}
	return m
}

// Empty reports whether m remembers nothing: a conversation's start.
func (m Memory) Empty() bool { return m.Question.Intent == "" }

// Action is what a button of an answer asks for when pressed: the question
// to answer again, narrowed to one customer or with a longer list. Its
// Value travels through Slack and comes back as typed by no one, so it is
// parsed and checked like any input.
type Action struct {
	Question understand.Question `json:"q"`
	// Limit asks for more orders than the default list length.
	Limit int `json:"limit,omitempty"`
}

// Value encodes the action for a button. The message's text stays out:
// the question's arguments say all the button needs, in fewer characters.
// Lists of numbers, customers or references too long for Slack's 2,000
// characters are cut, their first items kept; a value that cannot be made
// short enough (a name of thousands of characters) is left long, and the
// renderer leaves its button out.
func (a Action) Value() string {
	q := &a.Question
	q.Text, q.FollowUp, q.Weak = "", "", false
	q.Numbers, q.CustomerNames, q.Refs = firstN(q.Numbers), firstN(q.CustomerNames), firstN(q.Refs)
	b, _ := json.Marshal(a) // only strings, numbers and booleans: cannot fail
	for len(b) > maxActionValue && (len(q.Numbers) > 1 || len(q.CustomerNames) > 1 || len(q.Refs) > 1) {
		// Cut the longest list by what is over, an item at least.
		over := len(b) - maxActionValue
		cut := func(l []string) []string {
			n := len(l)
			for size := 0; n > 1 && size < over; n-- {
				item, _ := json.Marshal(l[n-1])
				size += len(item) + 1 // and its comma
			}
			return l[:n]
		}
		switch {
		case len(q.Numbers) >= len(q.CustomerNames) && len(q.Numbers) >= len(q.Refs):
			q.Numbers = cut(q.Numbers)
		case len(q.CustomerNames) >= len(q.Refs):
			q.CustomerNames = cut(q.CustomerNames)
		default:
			q.Refs = cut(q.Refs)
		}
		b, _ = json.Marshal(a)
	}
	return string(b)
}

// firstN returns the first MaxListLimit items of l: a button asks for no
// more.
func firstN(l []string) []string {
	if len(l) > MaxListLimit {
		return l[:MaxListLimit]
	}
	return l
}

// maxActionValue is the longest value Slack accepts on a button.
const maxActionValue = 2000

// ParseAction decodes a button's value.
func ParseAction(value string) (Action, error) {
	var a Action
	if len(value) > maxActionValue {
		return a, orders.Errorf(orders.EInvalid, "the button value is longer than %d characters", maxActionValue)
	}
	if err := json.Unmarshal([]byte(value), &a); err != nil {
		return a, orders.Errorf(orders.EInvalid, "the button value is not an orderbot action")
	}
	switch a.Question.Intent {
	case understand.Order, understand.Customer, understand.CustomerRef, understand.Mine, understand.Reason, understand.Item:
	default:
		return a, orders.Errorf(orders.EInvalid, "the button asks for %q, which is not a question orderbot answers", a.Question.Intent)
	}
	q := a.Question
	if q.Status != "" && !q.Status.Blocked() {
		return a, orders.Errorf(orders.EInvalid, "the button names %q, which is not a kind of block", q.Status)
	}
	switch q.Scope {
	case "", understand.ScopeMine, understand.ScopeTeam, understand.ScopeAll, understand.ScopePerson:
	default:
		return a, orders.Errorf(orders.EInvalid, "the button asks for the scope %q, which is not one orderbot knows", q.Scope)
	}
	if _, err := orders.ParseRole(string(q.PersonRole)); q.PersonRole != "" && err != nil {
		return a, orders.Errorf(orders.EInvalid, "the button names the role %q, which is not one of the directory's", q.PersonRole)
	}
	switch q.Lang {
	case "", orders.French, orders.English:
	default:
		return a, orders.Errorf(orders.EInvalid, "the button asks for the language %q, which orderbot does not speak", q.Lang)
	}
	if q.FollowUp != "" {
		return a, orders.Errorf(orders.EInvalid, "the button follows up %q: a button asks a question of its own", q.FollowUp)
	}
	if n := max(len(q.Numbers), len(q.CustomerNames), len(q.Refs)); n > MaxListLimit {
		return a, orders.Errorf(orders.EInvalid, "the button names %d subjects (want at most %d)", n, MaxListLimit)
	}
	if a.Limit < 0 || a.Limit > MaxListLimit {
		return a, orders.Errorf(orders.EInvalid, "the button asks for %d orders (want 0 to %d)", a.Limit, MaxListLimit)
	}
	return a, nil
}

// MaxListLimit is the most orders one answer lists, "show more" included.
const MaxListLimit = 100

// String describes the answer for logs.
func (a Answer) String() string {
	return fmt.Sprintf("%s (%s)", a.Kind, a.Question)
}
