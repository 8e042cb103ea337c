package understand

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders"
)

// token is one word of the cleaned message.
type token struct {
	fold       string // folded (see Fold)
	key        string // fold, or the keyword it mistypes ("comandes": "commandes")
	start, end int    // byte offsets in the cleaned text
}

func tokenize(text string) []token {
	var out []token
	start := -1
	add := func(end int) {
		f := Fold(text[start:end])
		out = append(out, token{fold: f, key: correct(f), start: start, end: end})
	}
	for i, r := range text {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			add(i)
			start = -1
		}
	}
	if start >= 0 {
		add(len(text))
	}
	return out
}

// maxRead is how much of a message is read, in bytes: a question fits in
// it many times over, and a pasted e-mail costs no more than that.
const maxRead = 2000

// Parse reads one message.
func (p *Parser) Parse(msg string) Question {
	text := Clean(msg)
	q := Question{Text: text}
	if len(text) > maxRead {
		cut := maxRead
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	if f, ok := p.following(text); ok {
		return f
	}
	if f, ok := p.releaseRequest(text); ok {
		return f
	}
	r := newReading(p, text)
	r.read(&q, emoji.MatchString(msg))
	q.Lang = r.language(&q)
	return q
}

// reading is one message being read: its words, and what each of them has
// been found to be.
type reading struct {
	p       *Parser
	v       *Vocabulary
	text    string
	toks    []token
	keys    []string // each token's key
	inKnown []bool   // part of a customer's name the vocabulary knows
	known   []span   // those names
	taken   []bool   // read as something else than a customer's name
	opening []bool   // the words that open a follow-up ("et pour", "what about")
	numeric []bool   // part of a number, whatever it is

	follow     FollowUp
	next       bool // the message asks for the next item, if it asks nothing else
	scope      Scope
	person     string
	role       orders.Role
	roleAt     map[int]orders.Role // role words ("commercial", "ADV") by token
	sig        signals
	names      []span // the customers' names read, in order
	nameCued   bool   // a word introduced them, or their place did
	nameIntro  bool   // a word introduced them, or the vocabulary knows them
	personSpan span   // the person's name, when written
	itemSpan   span   // the item's name, when asked who waits for it
}

func newReading(p *Parser, text string) *reading {
	r := &reading{p: p, v: p.vocab.Load(), text: text, toks: tokenize(text)}
	n := len(r.toks)
	r.keys = make([]string, n)
	for i, t := range r.toks {
		r.keys[i] = t.key
	}
	r.inKnown, r.taken, r.numeric, r.opening = make([]bool, n), make([]bool, n), make([]bool, n), make([]bool, n)
	r.roleAt = map[int]orders.Role{}
	r.personSpan, r.itemSpan = span{-1, -1}, span{-1, -1}
	r.known = r.v.knownCustomers(r.toks, r.taken)
	for _, s := range r.known {
		for i := s.first; i <= s.last; i++ {
			r.inKnown[i] = true
		}
	}
	return r
}

// read fills q with what the message asks.
func (r *reading) read(q *Question, emojis bool) {
	if len(r.toks) == 0 {
		// Nothing but punctuation ("?") or a mention: what can I do? A
		// lone emoji says nothing orderbot can answer.
		q.Intent = Help
		if emojis && !strings.Contains(r.text, "?") {
			q.Intent, q.Weak = Unknown, true
		}
		return
	}
	r.followUp()
	r.scopes()
	r.sig = r.signals()
	if r.item(q) {
		r.setScope(q)
		return
	}
	found := r.numbers(q)
	if q.Intent == Order {
		q.Lines = r.asksLines()
	}
	r.readNames()
	if r.follow != "" {
		q.FollowUp = r.follow
	}
	if found {
		r.setScope(q)
		return
	}
	r.words(q)
	r.setScope(q)
}

// setScope gives q the scope read, when its intent has one: an order
// number or a reference is its own subject.
func (r *reading) setScope(q *Question) {
	switch q.Intent {
	case Customer, Mine, Reason, Item:
		q.Scope, q.Person, q.PersonRole = r.scope, r.person, r.role
	}
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
	reason    string        // the portfolio's words for it
	help      bool
}

// signals reads the words of the message, those of a known customer's
// name aside ("Victuailles en stock" holds no block).
func (r *reading) signals() signals {
	var s signals
	words := make([]string, len(r.toks))
	for i, w := range r.keys {
		if r.inKnown[i] {
			continue
		}
		words[i] = w
		s.blocked = s.blocked || isBlockedWord(w)
		s.mine = s.mine || mineWords[w]
		s.portfolio = s.portfolio || portfolioWords[w]
		s.cue = s.cue || orderWords[w] || statusWords[w] || customerWords[w] || portfolioWords[w]
		s.outside = s.outside || outOfScope[w]
		s.action = s.action || actions[w]
		s.sentence = s.sentence || (sentenceWords[w] && !r.taken[i])
	}
	joined := " " + strings.Join(words, " ") + " "
	for _, ph := range []string{" j ai ", " i have ", " i ve ", " ive ", " i got ", " my side ", " mon cote ", " my end "} {
		s.mine = s.mine || strings.Contains(joined, ph)
	}
	s.mine = s.mine || r.scope == ScopeMine
	kind, strong, at := reasonIn(words)
	if kind != "" && !strong && !s.blocked {
		kind, at = "", nil
	}
	if m, ok := r.v.reasonIndex().find(r.toks, r.unavailable()); ok {
		// The portfolio's own words say more than the trade's: "conditions
		// de paiement à valider" is an anomaly, not a payment block.
		kind, s.reason = m.kind, m.phrase
		for i := range m.at {
			r.taken[i] = true
		}
	}
	s.status = kind
	for i := range at {
		r.taken[i] = true
	}
	s.help = helpAsked(joined, words)
	return s
}

// unavailable returns which tokens cannot name a block reason: customers'
// names, scopes, follow-up words.
func (r *reading) unavailable() []bool {
	out := make([]bool, len(r.toks))
	for i := range out {
		out[i] = r.inKnown[i] || r.taken[i]
	}
	return out
}

func (v *Vocabulary) reasonIndex() *reasonIndex {
	if v == nil {
		return &reasonIndex{}
	}
	return &v.reasons
}

// classified is a number-like candidate and what it was read as.
type classified struct {
	candidate
	kind       Intent
	cued       bool // order words right before it
	fit, known bool // the portfolio's shape
}

// numbers reads the order numbers, references and customer codes of the
// message; false when it holds none.
func (r *reading) numbers(q *Question) bool {
	cands := r.p.candidates(r.text)
	for _, c := range cands {
		r.markNumeric(c.start, c.end)
	}
	for i, t := range r.toks {
		if strings.IndexFunc(t.fold, unicode.IsDigit) >= 0 && strings.IndexFunc(t.fold, unicode.IsLetter) < 0 {
			r.numeric[i] = true
		}
	}
	if len(cands) == 0 {
		if ref := refAfterCue(r.text, r.toks); ref != "" {
			q.Intent, q.Ref, q.Refs = CustomerRef, ref, []string{ref}
			return true
		}
		return false
	}
	var cs []classified
	prevEnd, lastEnd := -1, 0
	var prev candidate
	for _, c := range cands {
		if c.start == prevEnd && strings.ContainsAny(c.full[:1], "-/.") && !r.listed(prev, c) {
			// The rest of the identifier before: "2026-0043", "F-2026-0042".
			prevEnd = c.end
			continue
		}
		prev = c
		prevEnd = c.end
		if elsewhere(c, r.text, r.toks) != "" {
			continue
		}
		x := classified{candidate: c, kind: kindOf(c, keysBetween(r.toks, lastEnd, c.start, 7)), cued: cued(c, r.text, r.toks)}
		x.fit, x.known = r.v.fits(c.text)
		lastEnd = c.end
		cs = append(cs, x)
	}
	var ords, refs []classified
	var code *classified
	for i := range cs {
		switch cs[i].kind {
		case Order:
			ords = append(ords, cs[i])
		case CustomerRef:
			refs = append(refs, cs[i])
		case Customer:
			if code == nil {
				code = &cs[i]
			}
		}
	}
	ords = r.plausible(ords)
	switch {
	case len(ords) > 0:
		if r.asksAction() {
			q.Intent, q.Weak = Unknown, true
			return true
		}
		q.Intent = Order
		seen := map[string]bool{}
		for _, o := range ords {
			n := strings.Trim(o.text, " -/")
			if k := orders.NumberKey(n); k != "" && !seen[k] {
				seen[k] = true
				q.Numbers = append(q.Numbers, n)
			}
		}
		if len(q.Numbers) == 0 {
			return false
		}
		q.Number = q.Numbers[0]
	case len(refs) > 0:
		q.Intent = CustomerRef
		for _, x := range refs {
			q.Refs = append(q.Refs, strings.TrimSpace(x.asRef(r.text)))
		}
		q.Ref = q.Refs[0]
	case code != nil:
		q.Intent, q.CustomerCode = Customer, strings.TrimSpace(code.text)
		q.Blocked, q.Status, q.Reason = r.sig.blocked || r.sig.status != "", r.sig.status, r.sig.reason
	default:
		return false
	}
	return true
}

// listed reports whether c, written right after prev with a slash, is a
// number of its own ("10560/10561") rather than the end of one ("CMD
// 2026/118"): both have the portfolio's shape, or the same many digits.
func (r *reading) listed(prev, c candidate) bool {
	if c.full[0] != '/' {
		return false
	}
	a, b := strings.Trim(prev.text, " -/"), strings.Trim(c.text, " -/")
	fa, known := r.v.fits(a)
	if fb, _ := r.v.fits(b); known {
		return fa && fb
	}
	return len(a) == len(b) && len(a) >= 5
}

func (r *reading) markNumeric(start, end int) {
	for i, t := range r.toks {
		if t.start < end && t.end > start {
			r.numeric[i] = true
		}
	}
}

// plausible keeps the order numbers that can be the portfolio's: a number
// of another shape than its numbers ("75008" among "10248"...), not
// introduced as an order, goes when something else in the message says
// what is asked; without a vocabulary, a postal code next to its town
// goes when another number stays.
func (r *reading) plausible(ords []classified) []classified {
	if len(ords) == 0 {
		return nil
	}
	good := 0
	for _, o := range ords {
		if o.cued || o.fit {
			good++
		}
	}
	// Another number, or a customer the vocabulary knows, says what is
	// asked; other words do not ("tu peux voir la 23904 ? c'est pour un
	// mariage").
	other := good > 0 || len(r.known) > 0
	var out []classified
	for _, o := range ords {
		switch {
		case o.known && !o.fit && !o.cued && other:
		case !o.cued && len(ords) > 1 && cityNext(o.candidate, r.text, r.toks):
		default:
			out = append(out, o)
		}
	}
	if len(out) == 0 && !r.hasContent() && len(r.known) == 0 {
		return ords
	}
	return out
}

// hasContent reports whether the message holds a word that may name
// something, numbers aside.
func (r *reading) hasContent() bool {
	for i, w := range r.keys {
		if !r.numeric[i] && !r.taken[i] && isContent(w) && !legalForms[w] {
			return true
		}
	}
	return r.sig.status != ""
}

// asksAction reports whether the message asks orderbot to do something to
// an order ("tu peux annuler la 10258 ?", "can you cancel 10259?"): it
// reads the portfolio, it changes nothing.
func (r *reading) asksAction() bool {
	for i, w := range r.keys {
		if !actions[w] {
			continue
		}
		if i == 0 {
			return true
		}
		for j := i - 1; j >= 0 && j >= i-3; j-- {
			if requestWords[r.keys[j]] {
				return true
			}
		}
	}
	return false
}

// keysBetween returns the keys of the tokens between from and to, at most
// n, nearest last.
func keysBetween(toks []token, from, to, n int) []string {
	var out []string
	for i := len(toks) - 1; i >= 0 && len(out) < n; i-- {
		if toks[i].end <= to && toks[i].start >= from {
			out = append([]string{toks[i].key}, out...)
		}
	}
	return out
}

// identifier is a reference as customers write them: letters and digits,
// joined by dashes, slashes or dots, with at least one digit.
var identifier = regexp.MustCompile(`^[\pL\pN]+(?:[-/.][\pL\pN]+)*`)

// refAfterCue finds a customer's reference the order-number pattern does
// not match ("customer ref 88-AX-301") right after the words that announce
// one.
func refAfterCue(text string, toks []token) string {
	for i, t := range toks {
		if t.key != "ref" && t.key != "reference" && t.key != "po" && t.key != "bc" {
			continue
		}
		for j := i + 1; j < len(toks) && j <= i+4; j++ {
			w := toks[j].key
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

// kindOf tells what a number-like candidate is from the words before it
// (since the previous number), nearest last: an order number unless they
// say it is the customer's reference ("réf client", "PO", "v/réf", "leur
// n° de commande", "their PO") or a customer code ("client C001234").
func kindOf(c candidate, before []string) Intent {
	n := len(before)
	if n == 0 {
		if refWords[c.prefix] {
			return CustomerRef // "PO-7781"
		}
		return Order
	}
	at := func(i int) string {
		if i >= 0 && i < n {
			return before[i]
		}
		return ""
	}
	isRef := func(w string) bool { return w == "ref" || w == "refs" || w == "reference" || w == "references" }
	isOrder := func(w string) bool { return orderWords[w] && w != "n" && w != "no" || w == "commande" }
	for i, w := range before {
		if (w == "n" || w == "notre" || w == "nos" || w == "our") && (isRef(at(i+1)) || isOrder(at(i+1))) {
			// Ours: "n/réf 10250", "notre réf", "n/cde", "our ref".
			return Order
		}
	}
	if refWords[c.prefix] {
		return CustomerRef
	}
	owner := false
	for i, w := range before {
		switch {
		case (w == "v" || w == "vos") && (isRef(at(i+1)) || isOrder(at(i+1))),
			(w == "votre" || w == "your") && isRef(at(i+1)):
			// Theirs, in a supplier's letter: "V/Réf", "v/cde", "your ref".
			return CustomerRef
		case (w == "votre" || w == "your") && isOrder(at(i+1)):
			// "Votre commande n° 10260", as our confirmations say.
			return Order
		case w == "po" && at(i+1) == "box":
		case w == "po" || w == "bc" || w == "purchase" || isRef(w):
			return CustomerRef
		case w == "p" && at(i+1) == "o":
			return CustomerRef // "P.O. 5194"
		case w == "bon" && at(i+1) == "de" && isOrder(at(i+2)):
			return CustomerRef // "bon de commande", "bon de cde"
		case w == "leur" || w == "leurs" || w == "their" || w == "sa" || w == "son":
			owner = true
		case owner && (w == "n" || w == "no" || w == "numero" || w == "num" || w == "number") && i+1 < n:
			// "leur n° de commande 2026-0043": the customer's own number;
			// "sa commande 4500019876" is our order.
			return CustomerRef
		case isOrder(w) && (customerWords[at(i+1)] || at(i+1) == "cli"):
			return CustomerRef // "n° de commande client 7781"
		case customerWords[w] && isOrder(at(i+1)) && (at(i+2) == "number" || at(i+2) == "no" || at(i+2) == "numero" || at(i+2) == "n"):
			return CustomerRef // "customer order number 5214"
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

// words reads a message without an order number: a customer's name, a
// portfolio, a kind of block, help, thanks.
func (r *reading) words(q *Question) {
	s := r.sig
	if r.nameIntro {
		// A word out of orderbot's subjects inside the customer's name
		// asked for is the name's: "orders for Split Rail Beer & Ale".
		s.outside = false
		for i, w := range r.keys {
			if outOfScope[w] && !r.inName(i) {
				s.outside = true
			}
		}
	}
	if thanked(r.keys) {
		q.Intent = Thanks
		return
	}
	names := r.nameTexts()
	name := ""
	if len(names) > 0 {
		name = names[0]
	}
	set := func(in Intent) {
		q.Intent = in
		if in == Customer {
			q.CustomerName, q.CustomerNames = name, names
		}
	}
	switch {
	case s.action, s.outside && s.status == "" && !s.blocked:
		q.Intent, q.Weak = Unknown, true
	case r.next && name == "" && r.scope == "" && s.status == "" && !s.blocked:
		q.Intent, q.FollowUp = Unknown, Next
	case name != "" && r.nameCued:
		set(Customer)
		q.Blocked, q.Status, q.Reason = s.blocked || s.status != "", s.status, s.reason
	case s.status != "":
		set(Reason)
		q.Status, q.Reason, q.Blocked = s.status, s.reason, true
	case r.scope != "" || s.mine || (s.portfolio && name == "") || (s.blocked && name == ""):
		set(Mine)
		q.Blocked = s.blocked
	case name != "" && s.cue:
		set(Customer)
		q.Blocked = s.blocked
	case len(r.toks) == 1 && mashed(r.keys[0]):
		q.Intent, q.Weak = Unknown, true // "qwerty", "azertyuiop"
	case name != "" && !s.sentence && len(r.toks) <= 6:
		// A bare name, the way people paste it: "boulangerie dupre".
		set(Customer)
		q.Weak = len(strings.Fields(Fold(name))) > 4 && len(r.known) == 0
	case s.help:
		q.Intent = Help
	case onlyGreetings(r.keys):
		q.Intent = Help
	case r.follow != "" && name == "":
		// "et ?", "and?": the previous question again.
		q.Intent = Unknown
	default:
		q.Intent, q.Weak = Unknown, true
	}
}

// keyboardRows are the rows of the keyboards people type on, French and
// English.
var keyboardRows = []string{"qwertyuiop", "azertyuiop", "asdfghjkl", "qsdfghjklm", "zxcvbnm", "wxcvbn"}

// mashed reports whether w is keys typed along a row of the keyboard, not
// a word.
func mashed(w string) bool {
	if len(w) < 4 {
		return false
	}
	for _, row := range keyboardRows {
		if strings.Contains(row, w) {
			return true
		}
	}
	return false
}

// inName reports whether token i is part of a customer's name read.
func (r *reading) inName(i int) bool {
	for _, s := range r.names {
		if i >= s.first && i <= s.last {
			return true
		}
	}
	return false
}

func isBlockedWord(w string) bool {
	for _, s := range blockedStems {
		if strings.HasPrefix(w, s) {
			return true
		}
	}
	switch w {
	case "probleme", "problemes", "souci", "soucis", "issue", "issues", "coince", "attente", "hold", "holds", "held":
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
