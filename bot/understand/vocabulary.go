package understand

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/orderbot/orderbot/orders"
)

// VocabularySource is what a portfolio tells the reader about itself,
// read from the store after each import: the shape of its order numbers,
// the block reasons its ERP writes, its customers' names and the people
// of its directory. Every part is optional.
type VocabularySource struct {
	// Numbers are order numbers of the portfolio as the ERP writes them:
	// all of them, or a sample (a few thousand tell their shapes).
	Numbers []string `json:"numbers,omitempty"`
	// Reasons are the distinct block reasons of the portfolio's blocks,
	// with their kind.
	Reasons []ReasonText `json:"reasons,omitempty"`
	// Customers are the customers' names.
	Customers []string `json:"customers,omitempty"`
	// People are the reps, assistants and managers of the directory.
	People []PersonName `json:"people,omitempty"`
	// Items are the items open orders are short of.
	Items []ItemName `json:"items,omitempty"`
}

// ItemName is one item as the ERP's line export names it: its code and
// its description.
type ItemName struct {
	Code        string `json:"code"`
	Description string `json:"description,omitempty"`
}

// ReasonText is one block reason as the ERP writes it ("encours dépassé
// de 12 400 €") and the kind of block it was given for.
type ReasonText struct {
	Kind orders.Status `json:"kind"`
	Text string        `json:"text"`
	// Orders is how many open orders are held for it: the more, the more
	// likely a question means it. Zero counts as one.
	Orders int `json:"orders,omitempty"`
}

// PersonName is one person of the directory.
type PersonName struct {
	Name string      `json:"name"`
	Role orders.Role `json:"role,omitempty"`
}

// Vocabulary is what the reader knows of one portfolio, built once from a
// VocabularySource (NewVocabulary) and then only read, by any number of
// goroutines: the shapes of its order numbers, the words of its block
// reasons, its customers' and people's names. Reading a message looks
// each word up in maps, so it takes the same time whatever the size of
// the portfolio.
type Vocabulary struct {
	shapes    map[shapeKey]*shapeInfo
	prefixes  map[string]bool // letter prefixes of the order numbers ("SO")
	numbers   int
	customers map[string]int32 // folded name, and its core (legal form aside), to its index
	names     []string         // customers' names as the store writes them
	maxWords  int              // the most words a customer's name has
	people    map[string]int32 // folded full name, unique first or last name
	persons   []PersonName
	reasons   reasonIndex
	items     itemWords
}

// shapeKey is the shape of an order number: its letters ("SO"), without
// separators, and how many digits follow.
type shapeKey struct {
	letters string
	digits  int
}

// shapeInfo is what the portfolio's numbers of one shape look like: how
// many there are and which two digits they start with.
type shapeInfo struct {
	count int
	leads map[string]bool
}

// maxLeads is how many different leading pairs of digits a shape may
// show before any pair fits it: numbers spread over a whole range say
// nothing by their first digits.
const maxLeads = 30

// NewVocabulary builds the vocabulary of a portfolio. It never fails: what
// it cannot use (an empty name, a number without digits) is left out.
func NewVocabulary(src VocabularySource) *Vocabulary {
	v := &Vocabulary{
		shapes:    map[shapeKey]*shapeInfo{},
		prefixes:  map[string]bool{},
		customers: make(map[string]int32, 2*len(src.Customers)),
		people:    map[string]int32{},
	}
	for _, n := range src.Numbers {
		k, lead, ok := shapeOf(n)
		if !ok {
			continue
		}
		s := v.shapes[k]
		if s == nil {
			s = &shapeInfo{leads: map[string]bool{}}
			v.shapes[k] = s
		}
		s.count++
		if len(s.leads) <= maxLeads {
			s.leads[lead] = true
		}
		if k.letters != "" {
			v.prefixes[k.letters] = true
		}
		v.numbers++
	}
	for _, name := range src.Customers {
		v.addCustomer(name)
	}
	first, last := map[string]int{}, map[string]int{}
	for _, p := range src.People {
		w := strings.Fields(Fold(p.Name))
		if len(w) == 0 {
			continue
		}
		first[w[0]]++
		if len(w) > 1 {
			last[w[len(w)-1]]++
		}
	}
	for _, p := range src.People {
		w := strings.Fields(Fold(p.Name))
		if len(w) == 0 {
			continue
		}
		i := int32(len(v.persons))
		v.persons = append(v.persons, p)
		v.people[strings.Join(w, " ")] = i
		// A first or a last name alone names a person only when no one
		// else has it.
		if first[w[0]] == 1 && isContent(w[0]) {
			v.people[w[0]] = i
		}
		if len(w) > 1 && last[w[len(w)-1]] == 1 && isContent(w[len(w)-1]) {
			v.people[w[len(w)-1]] = i
		}
	}
	v.reasons = newReasonIndex(src.Reasons)
	v.items = newItemWords(src.Items)
	return v
}

func (v *Vocabulary) addCustomer(name string) {
	words := strings.Fields(Fold(name))
	if len(words) == 0 || (len(words) == 1 && !isContent(words[0])) {
		return
	}
	i := int32(len(v.names))
	v.names = append(v.names, name)
	full := strings.Join(words, " ")
	if _, ok := v.customers[full]; !ok {
		v.customers[full] = i
	}
	v.maxWords = max(v.maxWords, len(words))
	// "Trail's Head" typed "trails head".
	if glued := strings.Fields(Fold(possessive.ReplaceAllString(name, "${1}s"))); len(glued) < len(words) {
		if _, ok := v.customers[strings.Join(glued, " ")]; !ok {
			v.customers[strings.Join(glued, " ")] = i
		}
	}
	// The core of the name: what people type of it ("Ernst Handel" of
	// "Ernst Handel GmbH", "Big Cheese" of "The Big Cheese").
	core := words
	for len(core) > 1 && (companyForms[core[len(core)-1]] || len([]rune(core[len(core)-1])) == 1) {
		core = core[:len(core)-1]
	}
	for len(core) > 1 && (core[0] == "the" || core[0] == "ets" || core[0] == "etablissements") {
		core = core[1:]
	}
	if len(core) < len(words) && (len(core) > 1 || isContent(core[0])) {
		if _, ok := v.customers[strings.Join(core, " ")]; !ok {
			v.customers[strings.Join(core, " ")] = i
		}
	}
}

// Customers returns how many customers' names v knows.
func (v *Vocabulary) Customers() int {
	if v == nil {
		return 0
	}
	return len(v.names)
}

// Reasons returns how many distinct block reasons v knows, numbers left
// out of them.
func (v *Vocabulary) Reasons() int {
	if v == nil {
		return 0
	}
	return len(v.reasons.phrases)
}

// shapeOf returns the shape of an order number and its first two digits.
func shapeOf(n string) (shapeKey, string, bool) {
	var letters, digits strings.Builder
	for _, r := range strings.ToUpper(n) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z' && digits.Len() == 0:
			letters.WriteRune(r)
		case unicode.IsLetter(r):
			return shapeKey{}, "", false // letters after the digits: not a shape we use
		}
	}
	d := digits.String()
	if len(d) < 2 {
		return shapeKey{}, "", false
	}
	return shapeKey{letters: letters.String(), digits: len(d)}, d[:2], true
}

// fits reports whether n has the shape of the portfolio's order numbers;
// known is false when the vocabulary knows no numbers, so nothing can be
// said.
func (v *Vocabulary) fits(n string) (fits, known bool) {
	if v == nil || v.numbers == 0 {
		return false, false
	}
	k, lead, ok := shapeOf(n)
	if !ok {
		return false, true
	}
	if s := v.shapes[k]; s != nil && (len(s.leads) > maxLeads || s.leads[lead]) {
		return true, true
	}
	// A prefix of the portfolio's ("SO-1234" for "SO-001234") is its own
	// evidence, whatever the digits.
	return k.letters != "" && v.prefixes[k.letters], true
}

// possessive is a letter's "'s": "Trail's" is typed "Trails" as often.
var possessive = regexp.MustCompile(`(\pL)['’]s\b`)

// span is a run of tokens, first to last included.
type span struct{ first, last int }

// knownCustomers finds the customers' names of the vocabulary in toks,
// longest first, left to right, skipping the tokens taken.
func (v *Vocabulary) knownCustomers(toks []token, taken []bool) []span {
	if v == nil || len(v.customers) == 0 {
		return nil
	}
	var out []span
	var key []byte
	for i := 0; i < len(toks) && i < maxScanTokens; i++ {
		if taken[i] {
			continue
		}
		best := -1
		key = key[:0]
		for j := i; j < len(toks) && j-i < v.maxWords && !taken[j]; j++ {
			if j > i {
				key = append(key, ' ')
			}
			key = append(key, toks[j].fold...)
			if _, ok := v.customers[string(key)]; ok {
				best = j
			}
		}
		if best < 0 || (best == i && !isContent(toks[i].fold)) {
			continue
		}
		out = append(out, span{i, best})
		i = best
	}
	return out
}

// person returns the person of the directory the folded words name.
func (v *Vocabulary) person(folded string) (PersonName, bool) {
	if v == nil {
		return PersonName{}, false
	}
	if i, ok := v.people[folded]; ok {
		return v.persons[i], true
	}
	return PersonName{}, false
}

// maxScanTokens bounds the words of a message looked up in the
// vocabulary: questions are short, and a pasted e-mail must not cost more.
const maxScanTokens = 200

// reasonIndex finds the portfolio's block reasons in a message: pairs of
// words close together in a reason, looked up by their ids.
type reasonIndex struct {
	ids     map[string]uint32 // stem to id
	sorted  []string          // stems, sorted, for abbreviations ("ref" of "référence")
	typos   map[string][]uint32
	pairs   map[uint64]int32 // two stems' ids to the reason that holds them most
	phrases []reasonPhrase
}

// reasonPhrase is one reason of the portfolio, numbers left out.
type reasonPhrase struct {
	words  []string // as the ERP writes them
	stems  []uint32 // each word's stem id; noWord for the words that link
	kind   orders.Status
	orders int
}

const noWord = ^uint32(0)

// pairWindow is how far apart two words of a reason may be and still make
// a pair: "adresse incomplète" finds "adresse de livraison incomplète".
const pairWindow = 3

// maxReasonWords bounds the words of a reason that are indexed.
const maxReasonWords = 10

func newReasonIndex(src []ReasonText) reasonIndex {
	x := reasonIndex{ids: map[string]uint32{}, typos: map[string][]uint32{}, pairs: map[uint64]int32{}}
	seen := map[string]int32{}
	known := map[string]uint32{} // words as written, to their ids: reasons repeat their words
	var key []byte
	for _, r := range src {
		if !r.Kind.Blocked() {
			continue
		}
		words := reasonWords(r.Text)
		if len(words) == 0 {
			continue
		}
		p := reasonPhrase{words: words, kind: r.Kind, orders: max(r.Orders, 1)}
		key = append(key[:0], r.Kind...)
		for _, w := range words {
			id, ok := known[w]
			if !ok {
				id = x.id(w)
				known[w] = id
			}
			p.stems = append(p.stems, id)
			key = append(key, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
		}
		if i, ok := seen[string(key)]; ok {
			x.phrases[i].orders += p.orders
			continue
		}
		seen[string(key)] = int32(len(x.phrases))
		x.phrases = append(x.phrases, p)
	}
	for i, p := range x.phrases {
		var content []uint32
		for _, s := range p.stems {
			if s != noWord {
				content = append(content, s)
			}
		}
		for a := range content {
			for b := a + 1; b < len(content) && b <= a+pairWindow; b++ {
				k := pairKey(content[a], content[b])
				if j, ok := x.pairs[k]; !ok || x.phrases[j].orders < p.orders {
					x.pairs[k] = int32(i)
				}
			}
		}
	}
	x.sorted = make([]string, 0, len(x.ids))
	for s := range x.ids {
		x.sorted = append(x.sorted, s)
	}
	slices.Sort(x.sorted)
	for _, s := range x.sorted {
		if len(s) < 5 {
			continue
		}
		id := x.ids[s]
		for _, d := range deletions(s) {
			if l := x.typos[d]; len(l) < 4 && !slices.Contains(l, id) {
				x.typos[d] = append(l, id)
			}
		}
	}
	return x
}

// reasonWords returns the words of a block reason that say what it is:
// the words without the numbers, codes and amounts that change from
// order to order ("SKU 4711 manquant" is "SKU manquant"), at most
// maxReasonWords of them.
func reasonWords(text string) []string {
	var out []string
	for _, chunk := range strings.Fields(text) {
		if strings.IndexFunc(chunk, unicode.IsDigit) >= 0 {
			continue
		}
		// "assurance-crédit": words joined by a mark are words each; an
		// apostrophe is inside its word ("customer's").
		for _, w := range strings.FieldsFunc(chunk, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && r != '\'' && r != '’'
		}) {
			w = strings.Trim(w, "'’")
			if w == "" {
				continue
			}
			out = append(out, w)
			if len(out) == maxReasonWords {
				return out
			}
		}
	}
	return out
}

// id returns the id of the stem of w, a word of a reason; noWord for the
// words that only link others ("de", "of").
func (x *reasonIndex) id(w string) uint32 {
	f := strings.ReplaceAll(Fold(w), " ", "")
	if reasonLinks[f] || f == "" {
		return noWord
	}
	s := stem(f)
	if id, ok := x.ids[s]; ok {
		return id
	}
	id := uint32(len(x.ids))
	x.ids[s] = id
	return id
}

func pairKey(a, b uint32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

// reasonLinks are the words of a reason that link the others: they
// neither match nor break a match.
var reasonLinks = words(`de du des d la le les l a au aux en sur par un une the of to at on by in an a s from with w pour for`)

// stem folds the endings of gender and number: "échues", "échue" and
// "échu" are one word, "invoices" and "invoice" too.
func stem(w string) string {
	if len(w) > 3 && w[len(w)-1] == 's' {
		w = w[:len(w)-1]
	}
	for len(w) > 4 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	return w
}

// deletions returns s with one letter deleted, every way.
func deletions(s string) []string {
	out := make([]string, 0, len(s))
	for i := range len(s) {
		out = append(out, s[:i]+s[i+1:])
	}
	return out
}

// candidates returns the ids of the reason words a word of a message may
// be: itself, a word it abbreviates ("ref", "docs", "intracom"), or a
// word one typing mistake away ("exceded").
func (x *reasonIndex) candidates(w string, buf []uint32) []uint32 {
	buf = buf[:0]
	if long, ok := abbreviations[w]; ok {
		w = long
	}
	s := stem(w)
	if id, ok := x.ids[s]; ok {
		return append(buf, id)
	}
	if len(s) >= 3 {
		for i, _ := slices.BinarySearch(x.sorted, s); i < len(x.sorted) && strings.HasPrefix(x.sorted[i], s) && len(buf) < 4; i++ {
			buf = append(buf, x.ids[x.sorted[i]])
		}
	}
	if len(s) >= 5 {
		buf = append(buf, x.typos[s]...)
		for i := range len(s) {
			d := s[:i] + s[i+1:]
			if id, ok := x.ids[d]; ok {
				buf = append(buf, id)
			}
			buf = append(buf, x.typos[d]...)
			if len(buf) >= 8 {
				break
			}
		}
	}
	return buf
}

// abbreviations are the short forms people type of the words of block
// reasons, which are not their beginnings.
var abbreviations = map[string]string{
	"no": "number", "nr": "number", "num": "numero", "cde": "commande", "cdes": "commandes", "cmd": "commande",
	"qty": "quantity", "qte": "quantite", "cust": "customer", "cli": "client", "fact": "facture",
	"fac": "facture", "adr": "adresse", "addr": "address", "inv": "invoice", "liv": "livraison",
}

// reasonMatch is a reason of the portfolio found in a message.
type reasonMatch struct {
	kind   orders.Status
	phrase string       // the reason's words the message names, as the ERP writes them
	at     map[int]bool // the message's tokens that name it
}

// find returns the reason of the portfolio the message names: the longest
// run of its words (two at least, one of them not a word of every
// question) that a reason of the portfolio holds close together.
func (x *reasonIndex) find(toks []token, taken []bool) (reasonMatch, bool) {
	if len(x.pairs) == 0 {
		return reasonMatch{}, false
	}
	type word struct {
		tok  int
		cand []uint32
	}
	var ws []word
	for i, t := range toks {
		if i >= maxScanTokens {
			break
		}
		if reasonLinks[t.fold] {
			continue
		}
		if taken[i] || strings.IndexFunc(t.fold, unicode.IsDigit) >= 0 {
			// A number or a name breaks a run.
			ws = append(ws, word{tok: i})
			continue
		}
		ws = append(ws, word{tok: i, cand: x.candidates(t.fold, nil)})
	}
	type run struct {
		from, to int      // indexes in ws
		ids      []uint32 // the id each word of the run matched
		phrases  []int32
	}
	var best run
	for i := 0; i+1 < len(ws); {
		r := run{from: i, to: i}
		for j := i; j+1 < len(ws); j++ {
			a, b, p, ok := x.pair(ws[j].cand, ws[j+1].cand, r.ids)
			if !ok {
				break
			}
			if len(r.ids) == 0 {
				r.ids = append(r.ids, a)
			}
			r.ids = append(r.ids, b)
			r.phrases = append(r.phrases, p)
			r.to = j + 1
		}
		if r.to > r.from && r.to-r.from > best.to-best.from {
			special := false
			for k := r.from; k <= r.to; k++ {
				special = special || !generalWord(toks[ws[k].tok].fold)
			}
			if special {
				best = r
			}
		}
		i = max(r.to, i+1)
	}
	if best.to == best.from {
		return reasonMatch{}, false
	}
	// The reason holding most of the run's words is the one meant.
	var phrase reasonPhrase
	most := -1
	for _, pi := range best.phrases {
		p := x.phrases[pi]
		n := 0
		for _, id := range best.ids {
			if slices.Contains(p.stems, id) {
				n++
			}
		}
		if n > most || (n == most && p.orders > phrase.orders) {
			phrase, most = p, n
		}
	}
	lo, hi := -1, -1
	for i, s := range phrase.stems {
		if s != noWord && slices.Contains(best.ids, s) {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	m := reasonMatch{kind: phrase.kind, at: map[int]bool{}}
	if lo >= 0 {
		m.phrase = strings.Join(phrase.words[lo:hi+1], " ")
	}
	for k := best.from; k <= best.to; k++ {
		m.at[ws[k].tok] = true
	}
	return m, true
}

// pair finds two ids among a's and b's candidates that a reason holds
// close together, preferring ones that go on with the run so far.
func (x *reasonIndex) pair(a, b, run []uint32) (uint32, uint32, int32, bool) {
	for _, i := range a {
		if len(run) > 0 && i != run[len(run)-1] {
			continue
		}
		for _, j := range b {
			if i == j {
				continue
			}
			if p, ok := x.pairs[pairKey(i, j)]; ok {
				return i, j, p, true
			}
		}
	}
	return 0, 0, 0, false
}
