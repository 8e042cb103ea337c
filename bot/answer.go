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
	// for one reason, those of a customer reference.
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
}

// Subject is what a list or a not-found answer is about.
type Subject struct {
	// What was looked for: "order", "customer", "ref", "code".
	What string
	// Query is what was typed: a number, a name, a reference.
	Query string
	// Customer is the customer whose orders are listed.
	Customer orders.Customer
	// Mine says the list is the asker's portfolio; Everyone that the asker
	// sees the whole portfolio (managers).
	Mine, Everyone bool
	// Blocked and Status narrow the list.
	Blocked bool
	Status  orders.Status
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
	}
	return 0
}

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
func (a Action) Value() string {
	a.Question.Text = ""
	b, _ := json.Marshal(a) // only strings, numbers and booleans: cannot fail
	return string(b)
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
	case understand.Order, understand.Customer, understand.CustomerRef, understand.Mine, understand.Reason:
	default:
		return a, orders.Errorf(orders.EInvalid, "the button asks for %q, which is not a question orderbot answers", a.Question.Intent)
	}
	if a.Question.Status != "" && !a.Question.Status.Blocked() {
		return a, orders.Errorf(orders.EInvalid, "the button names %q, which is not a kind of block", a.Question.Status)
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
