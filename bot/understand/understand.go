// Package understand reads what a sales rep writes in chat, in French or
// English, and finds what they ask: orders by their numbers, customers'
// orders, a portfolio (the asker's, their team's, everything they may see,
// one person's), the orders held for one reason, or help; whether the
// message follows the previous question; the language it is written in.
// It is deterministic and needs no network: a model, when one is
// configured, is only asked about what this package cannot read. What it
// knows of one portfolio (the shape of its order numbers, the words of its
// block reasons, its customers' and people's names) comes in a Vocabulary
// built from the store after each import; without one, it reads with the
// words of the trade alone.
package understand

import (
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/orderbot/orderbot/orders"
)

// Intent is what a question asks for.
type Intent string

// The intents orderbot answers.
const (
	// Unknown is a message orderbot cannot answer: out of its scope, or
	// not understood.
	Unknown Intent = "unknown"
	// Order asks where one order stands, by its number.
	Order Intent = "order"
	// Customer asks for a customer's open orders, by name or code.
	Customer Intent = "customer"
	// CustomerRef asks for the orders of a customer's own reference (PO).
	CustomerRef Intent = "customer_ref"
	// Mine asks for the asker's own portfolio.
	Mine Intent = "mine"
	// Reason asks for the orders held for one kind of block, in the
	// asker's scope.
	Reason Intent = "reason"
	// Help asks what orderbot does (and greetings, which deserve the same).
	Help Intent = "help"
	// Thanks closes a conversation.
	Thanks Intent = "thanks"
	// Item asks for the open orders short of one item, by its code or
	// its description ("qui attend du Chai ?", "orders waiting for item
	// 1234"), in the asker's scope.
	Item Intent = "item"
	// StartFollowing asks to hear of the changes of an order (Number) or
	// of every order of a customer (CustomerName, CustomerCode):
	// "suivre 11039", "follow Boulangerie Dupré".
	StartFollowing Intent = "follow"
	// StopFollowing asks to hear no more of them: "ne plus suivre
	// 11039", "unfollow 11039".
	StopFollowing Intent = "unfollow"
	// Following asks what the asker follows: "mes suivis", "what am I
	// following".
	Following Intent = "following"
	// AskRelease asks for the release of a blocked order (Number), with
	// an optional reason (Note): "demande de déblocage 11039 : payé ce
	// matin", "request release of 11039".
	AskRelease Intent = "release"
)

// Intents returns every intent, in the order reports list them.
func Intents() []Intent {
	return []Intent{Order, Customer, CustomerRef, Mine, Reason, Item, StartFollowing, StopFollowing, Following, AskRelease, Help, Thanks, Unknown}
}

// Question is what a message asks, with its arguments.
type Question struct {
	// Text is the message as cleaned of Slack's markup.
	Text   string `json:"text,omitempty"`
	Intent Intent `json:"intent"`
	// Number is the order number as written (Order).
	Number string `json:"number,omitempty"`
	// CustomerName and CustomerCode name the customer (Customer), one of
	// them; CustomerID is set instead when the asker chose a customer
	// from a list.
	CustomerName string `json:"name,omitempty"`
	CustomerCode string `json:"code,omitempty"`
	CustomerID   int64  `json:"customer_id,omitempty"`
	// Ref is the customer's own reference as written (CustomerRef).
	Ref string `json:"ref,omitempty"`
	// Blocked narrows Mine and Customer to blocked orders.
	Blocked bool `json:"blocked,omitempty"`
	// Status narrows Reason and Customer to one kind of block.
	Status orders.Status `json:"status,omitempty"`
	// Lines asks for every line of the order (Order): "détail de 11077",
	// "lines of 11077". Without it, an answer lists the short lines only.
	Lines bool `json:"lines,omitempty"`
	// Item is the item asked about as written, a code or words of its
	// description (Item).
	Item string `json:"item,omitempty"`
	// Weak says the reading is a guess: no word of the message confirms
	// it. A model, when configured, may read such a message better.
	Weak bool `json:"weak,omitempty"`

	// Numbers are every order number the message names, in the order
	// written ("11039 et 11040 ?"); Number is the first of them.
	Numbers []string `json:"numbers,omitempty"`
	// CustomerNames are every customer the message names ("Bon app et
	// Ernst Handel ?"); CustomerName is the first of them.
	CustomerNames []string `json:"names,omitempty"`
	// Refs are every customer's reference the message names; Ref is the
	// first of them.
	Refs []string `json:"refs,omitempty"`
	// Scope says whose orders are asked about, when the message says it:
	// the asker's, their team's, all they may see, or one person's.
	Scope Scope `json:"scope,omitempty"`
	// Person names the person of ScopePerson as written ("Julie", "Tom
	// Baker"); it is empty when the message names them by their relation
	// to the asker ("mon assistante", "my rep"), which PersonRole gives.
	Person     string      `json:"person,omitempty"`
	PersonRole orders.Role `json:"person_role,omitempty"`
	// Reason is the block reason asked about in the portfolio's own words
	// ("factures échues", "référence client manquante"): the part of a
	// reason present in the portfolio that the message names, numbers
	// left out. Status is its kind. Empty without a Vocabulary.
	Reason string `json:"reason,omitempty"`
	// Note is what the asker wrote after a colon to explain a release
	// they ask for (AskRelease).
	Note string `json:"note,omitempty"`
	// FollowUp says the message continues the previous question of the
	// conversation ("what about Ernst?", "et la suivante ?"); see Follow.
	FollowUp FollowUp `json:"follow_up,omitempty"`
	// Lang is the language the message is written in, when its words say
	// it clearly; empty when they do not ("10250 ?", "Ernst Handel").
	Lang orders.Language `json:"lang,omitempty"`
}

// Scope is whose orders a question is about.
type Scope string

// The scopes a message can name. An empty Scope says nothing: the
// intent's usual one applies (the asker's own portfolio for Mine and
// Reason, everything the asker may see for a customer).
const (
	// ScopeMine is the asker's own portfolio ("mes", "chez moi", "my side").
	ScopeMine Scope = "mine"
	// ScopeTeam is the asker's team ("l'équipe", "the team's", "our").
	ScopeTeam Scope = "team"
	// ScopeAll is everything the asker may see ("toutes les commandes
	// bloquées", "everyone's").
	ScopeAll Scope = "all"
	// ScopePerson is one person's portfolio: Person by name, or the
	// asker's own assistant or rep by PersonRole.
	ScopePerson Scope = "person"
)

// FollowUp is how a message continues the previous question.
type FollowUp string

// The follow-ups.
const (
	// Again asks the previous question again with what this message
	// changes: a new subject ("et pour Bon app ?", "what about Ernst?",
	// "and 10251?"), a new scope ("and for the team?") or a new filter
	// ("et les bloquées ?").
	Again FollowUp = "same"
	// Next asks for the next item of the previous answer ("et la
	// suivante ?", "next one?").
	Next FollowUp = "next"
)

// String describes q for logs and test failures.
func (q Question) String() string {
	var b strings.Builder
	b.WriteString(string(q.Intent))
	add := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
	}
	list := func(k string, vs []string) {
		if len(vs) > 1 {
			fmt.Fprintf(&b, " %s=%q", k, vs)
		}
	}
	add("number", q.Number)
	list("numbers", q.Numbers)
	add("name", q.CustomerName)
	list("names", q.CustomerNames)
	add("code", q.CustomerCode)
	add("ref", q.Ref)
	add("item", q.Item)
	if q.Lines {
		b.WriteString(" lines")
	}
	list("refs", q.Refs)
	if q.CustomerID != 0 {
		fmt.Fprintf(&b, " customer_id=%d", q.CustomerID)
	}
	if q.Blocked {
		b.WriteString(" blocked")
	}
	add("status", string(q.Status))
	add("reason", q.Reason)
	add("scope", string(q.Scope))
	add("person", q.Person)
	add("role", string(q.PersonRole))
	add("follow_up", string(q.FollowUp))
	add("lang", string(q.Lang))
	if q.Weak {
		b.WriteString(" (weak)")
	}
	return b.String()
}

// Parser reads questions. It holds the configured order-number pattern,
// which never changes, and the portfolio's Vocabulary, which is replaced
// whole after an import (SetVocabulary): one Parser serves every
// goroutine.
type Parser struct {
	number *regexp.Regexp // finds an order number in a message
	whole  *regexp.Regexp // matches a whole order number
	vocab  atomic.Pointer[Vocabulary]
}

// Options are the settings of a Parser.
type Options struct {
	// NumberPattern is what an order number looks like, a Go regular
	// expression; empty means DefaultNumberPattern.
	NumberPattern string
	// Vocabulary is what the reader knows of the portfolio (the shape of
	// its numbers, its block reasons, its customers and people); nil
	// reads with the words of the trade alone.
	Vocabulary *Vocabulary
}

// DefaultNumberPattern is what an order number looks like unless configured:
// up to four letters, an optional separator, and 4 to 12 digits
// ("4500012345", "SO-001234", "SO 1234").
const DefaultNumberPattern = `[A-Za-z]{0,4}[-/ ]?\d{4,12}`

// New returns a Parser for order numbers matching pattern (a Go regular
// expression; empty means DefaultNumberPattern), without a vocabulary.
func New(pattern string) (*Parser, error) {
	return NewWith(Options{NumberPattern: pattern})
}

// NewWith returns a Parser with the given options.
func NewWith(opt Options) (*Parser, error) {
	pattern := opt.NumberPattern
	if pattern == "" {
		pattern = DefaultNumberPattern
	}
	number, err := regexp.Compile(`\b(?:` + pattern + `)\b`)
	if err != nil {
		return nil, fmt.Errorf("the order number pattern %q is not a regular expression: %w", pattern, err)
	}
	for _, sample := range []string{"", "a b", "où en est la commande ?"} {
		for _, m := range number.FindAllStringIndex(sample, -1) {
			if m[0] == m[1] {
				return nil, fmt.Errorf("the order number pattern %q matches an empty text, so every message would hold an order number", pattern)
			}
		}
	}
	whole := regexp.MustCompile(`^(?:` + pattern + `)$`)
	p := &Parser{number: number, whole: whole}
	p.vocab.Store(opt.Vocabulary)
	return p, nil
}

// SetVocabulary replaces the portfolio's vocabulary (nil forgets it); the
// messages read from then on use it. Safe while other goroutines read.
func (p *Parser) SetVocabulary(v *Vocabulary) { p.vocab.Store(v) }

// Vocabulary returns the portfolio's vocabulary in use, or nil.
func (p *Parser) Vocabulary() *Vocabulary { return p.vocab.Load() }
