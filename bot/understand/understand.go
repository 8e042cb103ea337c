// Package understand reads what a sales rep writes in chat, in French or
// English, and finds what they ask: an order by its number, a customer's
// orders, their own portfolio, the orders held for one reason, or help. It
// is deterministic and needs no network: a model, when one is configured,
// is only asked about what this package cannot read.
package understand

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

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
)

// Intents returns every intent, in the order reports list them.
func Intents() []Intent {
	return []Intent{Order, Customer, CustomerRef, Mine, Reason, Help, Thanks, Unknown}
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
	// Weak says the reading is a guess: no word of the message confirms
	// it. A model, when configured, may read such a message better.
	Weak bool `json:"weak,omitempty"`
}

// String describes q for logs and test failures.
func (q Question) String() string {
	var b strings.Builder
	b.WriteString(string(q.Intent))
	add := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
	}
	add("number", q.Number)
	add("name", q.CustomerName)
	add("code", q.CustomerCode)
	add("ref", q.Ref)
	if q.CustomerID != 0 {
		fmt.Fprintf(&b, " customer_id=%d", q.CustomerID)
	}
	if q.Blocked {
		b.WriteString(" blocked")
	}
	add("status", string(q.Status))
	if q.Weak {
		b.WriteString(" (weak)")
	}
	return b.String()
}

// Parser reads questions. It holds the configured order-number pattern and
// nothing that changes, so one Parser serves every goroutine.
type Parser struct {
	number *regexp.Regexp // finds an order number in a message
	whole  *regexp.Regexp // matches a whole order number
}

// DefaultNumberPattern is what an order number looks like unless configured:
// up to four letters, an optional separator, and 4 to 12 digits
// ("4500012345", "SO-001234", "SO 1234").
const DefaultNumberPattern = `[A-Za-z]{0,4}[-/ ]?\d{4,12}`

// New returns a Parser for order numbers matching pattern (a Go regular
// expression; empty means DefaultNumberPattern).
func New(pattern string) (*Parser, error) {
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
	return &Parser{number: number, whole: whole}, nil
}

// token is one word of the cleaned message.
type token struct {
	fold       string // folded (see Fold)
	start, end int    // byte offsets in the cleaned text
}

func tokenize(text string) []token {
	var out []token
	start := -1
	for i, r := range text {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			out = append(out, token{fold: Fold(text[start:i]), start: start, end: i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, token{fold: Fold(text[start:]), start: start, end: len(text)})
	}
	return out
}

// Parse reads one message.
func (p *Parser) Parse(msg string) Question {
	text := Clean(msg)
	q := Question{Text: text}
	toks := tokenize(text)
	if p.parseNumber(&q, text, toks) {
		return q
	}
	p.parseWords(&q, text, toks, emoji.MatchString(msg))
	return q
}

// parseNumber reads a message holding an order number, a customer's
// reference or a customer code.
func (p *Parser) parseNumber(q *Question, text string, toks []token) bool {
	cands := p.candidates(text)
	if len(cands) == 0 {
		if ref := refAfterCue(text, toks); ref != "" {
			q.Intent, q.Ref = CustomerRef, ref
			return true
		}
		return false
	}
	var order, ref, code *candidate
	orderCued := false
	for i := range cands {
		c := &cands[i]
		before := tokensBefore(toks, c.start, 7)
		switch kindOf(*c, before) {
		case Order:
			cued := len(before) > 0 && (orderWords[before[len(before)-1]] || statusWords[before[len(before)-1]])
			if order == nil || (cued && !orderCued) {
				order, orderCued = c, cued
			}
		case CustomerRef:
			if ref == nil {
				ref = c
			}
		case Customer:
			if code == nil {
				code = c
			}
		}
	}
	switch {
	case order != nil:
		q.Intent, q.Number = Order, strings.TrimSpace(order.text)
	case ref != nil:
		q.Intent, q.Ref = CustomerRef, strings.TrimSpace(ref.asRef(text))
	default:
		q.Intent, q.CustomerCode = Customer, strings.TrimSpace(code.text)
		r := readWords(text, toks)
		q.Blocked, q.Status = r.blocked || r.status != "", r.status
	}
	return true
}

// identifier is a reference as customers write them: letters and digits,
// joined by dashes, slashes or dots, with at least one digit.
var identifier = regexp.MustCompile(`^[\pL\pN]+(?:[-/.][\pL\pN]+)*`)

// refAfterCue finds a customer's reference the order-number pattern does
// not match ("customer ref 88-AX-301") right after the words that announce
// one.
func refAfterCue(text string, toks []token) string {
	for i, t := range toks {
		if t.fold != "ref" && t.fold != "reference" && t.fold != "po" && t.fold != "bc" {
			continue
		}
		for j := i + 1; j < len(toks) && j <= i+4; j++ {
			w := toks[j].fold
			if customerWords[w] || w == "est" || w == "is" || w == "c" || w == "le" || w == "la" || w == "no" || w == "n" || w == "number" || w == "numero" {
				continue
			}
			id := identifier.FindString(text[toks[j].start:])
			if strings.IndexFunc(id, unicode.IsDigit) >= 0 {
				return id
			}
			break
		}
	}
	return ""
}

// kindOf tells what a number-like candidate is from the words before it,
// nearest last: an order number unless they say it is the customer's
// reference ("réf client", "PO", "leur n° de commande", "their PO") or a
// customer code ("client C001234").
func kindOf(c candidate, before []string) Intent {
	if refWords[c.prefix] {
		return CustomerRef
	}
	n := len(before)
	if n == 0 {
		return Order
	}
	owner := false
	for i, w := range before {
		switch {
		case w == "po" || w == "bc" || w == "purchase" || w == "ref" || w == "reference" || w == "refs" || w == "references":
			return CustomerRef
		case w == "bon" && i+2 < n && before[i+2] == "commande":
			return CustomerRef
		case w == "leur" || w == "leurs" || w == "their" || w == "sa" || w == "son":
			owner = true
		case owner && (w == "n" || w == "no" || w == "numero" || w == "num" || w == "number") && i+1 < n:
			// "leur n° de commande 2026-0043": the customer's own number;
			// "sa commande 4500019876" is our order.
			return CustomerRef
		case orderWords[w] && i+1 < n && (before[i+1] == "client" || before[i+1] == "customer"):
			// "n° de commande client 7781"
			return CustomerRef
		}
	}
	last := before[n-1]
	if customerWords[last] && !(n >= 2 && orderWords[before[n-2]]) {
		return Customer
	}
	if last == "code" && n >= 2 && customerWords[before[n-2]] {
		return Customer
	}
	return Order
}

// tokensBefore returns the folded words, at most n, that end before offset,
// nearest last.
func tokensBefore(toks []token, offset, n int) []string {
	var out []string
	for i := len(toks) - 1; i >= 0 && len(out) < n; i-- {
		if toks[i].end <= offset {
			out = append([]string{toks[i].fold}, out...)
		}
	}
	return out
}

// signals are what the words of a message say, whatever its intent.
type signals struct {
	blocked   bool          // "bloquées", "stuck", "on hold"
	mine      bool          // "mes", "my", "j'ai", "chez moi"
	portfolio bool          // "commandes", "portefeuille", "backlog"
	cue       bool          // a word of orders: "commande", "status", "client"
	outside   bool          // a subject out of orderbot's scope
	action    bool          // an action orderbot cannot take
	sentence  bool          // a pronoun or a question word
	status    orders.Status // a kind of block named
	reason    map[int]bool  // the tokens naming it
	help      bool
	folded    []string
}

func readWords(text string, toks []token) signals {
	r := signals{folded: make([]string, len(toks))}
	for i, t := range toks {
		r.folded[i] = t.fold
	}
	joined := " " + strings.Join(r.folded, " ") + " "
	for _, w := range r.folded {
		r.blocked = r.blocked || isBlockedWord(w)
		r.mine = r.mine || mineWords[w]
		r.portfolio = r.portfolio || portfolioWords[w]
		r.cue = r.cue || orderWords[w] || statusWords[w] || customerWords[w] || portfolioWords[w]
		r.outside = r.outside || outOfScope[w]
		r.action = r.action || actions[w]
		r.sentence = r.sentence || sentenceWords[w]
	}
	for _, ph := range []string{" j ai ", " i have ", " i ve ", " ive ", " i got ", " my side ", " mon cote "} {
		r.mine = r.mine || strings.Contains(joined, ph)
	}
	var strong bool
	r.status, strong, r.reason = reasonIn(r.folded)
	if r.status != "" && !strong && !r.blocked {
		r.status = ""
	}
	r.help = helpAsked(joined, r.folded)
	return r
}

// parseWords reads a message without any number: a customer's name, the
// asker's portfolio, a kind of block, help, thanks.
func (p *Parser) parseWords(q *Question, text string, toks []token, emojis bool) {
	r := readWords(text, toks)
	if len(toks) == 0 {
		// Nothing but punctuation ("?") or a mention: what can I do? A
		// lone emoji says nothing orderbot can answer.
		q.Intent = Help
		if emojis && !strings.Contains(text, "?") {
			q.Intent, q.Weak = Unknown, true
		}
		return
	}
	if thanked(r.folded) {
		q.Intent = Thanks
		return
	}
	name, introduced := customerName(text, toks, r.reason)
	switch {
	case r.action, r.outside && r.status == "" && !r.blocked:
		q.Intent, q.Weak = Unknown, true
	case name != "" && introduced:
		q.Intent, q.CustomerName = Customer, name
		q.Blocked, q.Status = r.blocked || r.status != "", r.status
	case r.status != "":
		q.Intent, q.Status, q.Blocked = Reason, r.status, true
	case r.mine || (r.portfolio && name == "") || (r.blocked && name == ""):
		q.Intent, q.Blocked = Mine, r.blocked
	case name != "" && r.cue:
		q.Intent, q.CustomerName, q.Blocked = Customer, name, r.blocked
	case name != "" && !r.sentence && len(toks) <= 6:
		// A bare name, the way people paste it: "boulangerie dupre".
		q.Intent, q.CustomerName = Customer, name
		q.Weak = len(strings.Fields(Fold(name))) > 4
	case r.help:
		q.Intent = Help
	case onlyGreetings(r.folded):
		q.Intent = Help
	default:
		q.Intent, q.Weak = Unknown, true
	}
}

func isBlockedWord(w string) bool {
	for _, s := range blockedStems {
		if strings.HasPrefix(w, s) {
			return true
		}
	}
	switch w {
	case "probleme", "problemes", "souci", "soucis", "issue", "issues", "coince", "attente":
		return true
	}
	return false
}

// reasonIn finds a kind of block named in the folded words; strong says
// the words name it alone; at lists the words that name it.
func reasonIn(folded []string) (kind orders.Status, strong bool, at map[int]bool) {
	at = map[int]bool{}
	for i := 0; i < len(folded); i++ {
		for n := reasonPhraseMax; n >= 1; n-- {
			if i+n > len(folded) {
				continue
			}
			r, ok := reasonPhrases[strings.Join(folded[i:i+n], " ")]
			if !ok {
				continue
			}
			for j := i; j < i+n; j++ {
				at[j] = true
			}
			if r.strong && !strong {
				kind, strong = r.kind, true
			} else if kind == "" {
				kind = r.kind
			}
			i += n - 1
			break
		}
	}
	return kind, strong, at
}

func helpAsked(joined string, folded []string) bool {
	for _, w := range folded {
		if helpWords[w] {
			return true
		}
	}
	for _, ph := range helpPhrases {
		if strings.Contains(joined, " "+ph+" ") {
			return true
		}
	}
	return false
}

func thanked(folded []string) bool {
	said := false
	for _, w := range folded {
		switch {
		case thanksWords[w]:
			said = true
		case thanksFillers[w], greetings[w], politeness[w]:
		default:
			return false
		}
	}
	return said
}

func onlyGreetings(folded []string) bool {
	for _, w := range folded {
		if !greetings[w] && !politeness[w] {
			return false
		}
	}
	return true
}

// nameInside are the fillers a customer's name may hold between its words:
// "Spécialités du Monde", "Restaurant Le Relais d'Alsace".
var nameInside = words(`de du des d le la les l et en sur sous a au aux of the and y st saint sainte`)

func isApostrophe(s string) bool { return s == "'" || s == "’" }

// legalForms end company names and are always part of them.
var legalForms = words(`sa sas sarl sasu eurl snc gmbh ag ltd inc co cie fils freres llc plc bv spa srl`)

// cutMarks end a customer's name: people do not type them inside one.
const cutMarks = "?,:;!()[]{}\"«»"

// customerName finds the customer's name in a message: the run of words
// that are not fillers, preferring the one after a word that introduces a
// customer ("chez", "pour", "client", "de" after "commandes"). cued tells
// that such a word was there.
func customerName(text string, toks []token, skip map[int]bool) (string, bool) {
	type span struct{ first, last int }
	content := func(i int) bool {
		if skip[i] {
			return false
		}
		if isContent(toks[i].fold) || legalForms[toks[i].fold] {
			return true
		}
		// "O'Sullivan's": a letter joined by an apostrophe to a name.
		switch toks[i].fold {
		case "o":
			return i+1 < len(toks) && isApostrophe(text[toks[i].end:toks[i+1].start]) && isContent(toks[i+1].fold)
		case "s":
			return i > 0 && isApostrophe(text[toks[i-1].end:toks[i].start]) && isContent(toks[i-1].fold)
		}
		return false
	}
	var spans []span
	for i := 0; i < len(toks); {
		if !content(i) {
			i++
			continue
		}
		s := span{i, i}
		j := i + 1
		for j < len(toks) && !strings.ContainsAny(text[toks[j-1].end:toks[j].start], cutMarks) &&
			(content(j) || nameInside[toks[j].fold]) {
			if content(j) {
				s.last = j
			}
			j++
		}
		spans = append(spans, s)
		i = s.last + 1
	}
	if len(spans) == 0 {
		return "", false
	}
	best, cued := spans[0], false
	for _, s := range spans {
		if introduced(toks, s.first) {
			best, cued = s, true
			break
		}
	}
	if first := spans[0]; !cued && onlyArticlesBefore(toks, first.first) && first.last+1 < len(toks) {
		// The customer first, then the question: "lambert : des ruptures ?",
		// "Bénard frères anomalies ?"
		best, cued = first, true
	}
	if !cued {
		// Without a word introducing it, the longest run is the name.
		for _, s := range spans {
			if s.last-s.first > best.last-best.first {
				best = s
			}
		}
	}
	// Keep the articles that start a name ("Les Halles de Nîmes", "L'Atelier").
	first := best.first
	if first > 0 && (toks[first-1].fold == "les" || toks[first-1].fold == "l" || toks[first-1].fold == "le" || toks[first-1].fold == "la") &&
		first-1 > 0 && introducerBefore(toks[first-2].fold) {
		first--
	}
	last := best.last
	if last > first && toks[last].fold == "s" {
		last-- // "Dupré's orders": the possessive is not part of the name
	}
	name := text[toks[first].start:toks[last].end]
	return strings.TrimSpace(name), cued
}

func onlyArticlesBefore(toks []token, i int) bool {
	for j := 0; j < i; j++ {
		switch toks[j].fold {
		case "le", "la", "les", "l", "the":
		default:
			return false
		}
	}
	return true
}

// introduced reports whether a word introducing a customer comes right
// before toks[i] (articles aside).
func introduced(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		w := toks[j].fold
		if introducerBefore(w) {
			return true
		}
		if w != "le" && w != "la" && w != "les" && w != "l" && w != "the" && w != "d" {
			return false
		}
	}
	return false
}

func introducerBefore(w string) bool {
	return customerPrepositions[w] || customerWords[w]
}

// isContent reports whether a folded word may be part of a name.
func isContent(w string) bool {
	if w == "" || fillers[w] || politeness[w] || greetings[w] || thanksWords[w] || mineWords[w] ||
		statusWords[w] || orderWords[w] || portfolioWords[w] || customerWords[w] || helpWords[w] ||
		isBlockedWord(w) || sentenceWords[w] {
		return false
	}
	if _, ok := reasonPhrases[w]; ok {
		return false
	}
	if utf8.RuneCountInString(w) == 1 && !unicode.IsDigit([]rune(w)[0]) {
		return false
	}
	return true
}
