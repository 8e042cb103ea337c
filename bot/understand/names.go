package understand

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders"
)

// nameInside are the fillers a customer's name may hold between its words:
// "Spécialités du Monde", "Restaurant Le Relais d'Alsace".
var nameInside = words(`de du des d le la les l et en sur sous a au aux of the and y st saint sainte`)

func isApostrophe(s string) bool { return s == "'" || s == "’" }

// legalForms end company names and are always part of them.
var legalForms = words(`sa sas sarl sasu eurl snc gmbh ag kg ltd ltda inc corp co cie fils freres llc plc bv spa srl sons`)

// cutMarks end a customer's name: people do not type them inside one.
const cutMarks = "?,:;!()[]{}\"«»+"

// joinBlocks are the marks that never stand between two customers of a
// list: "Bon app, Ernst Handel" is a list, "lambert : des ruptures" is not.
const joinBlocks = "?:;!()[]{}"

// articles open a customer's name or stand between a list's items.
var articles = words(`de du des d la le les l the`)

// listGlue are the words between the customers of a list: "Bon app et de
// Folies gourmandes", "Ernst Handel and QUICK-Stop".
var listGlue = words(`et and ou or de du des d la le les l chez pour for at the plus aussi also`)

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

// raw returns token i as written.
func (r *reading) raw(i int) string { return r.text[r.toks[i].start:r.toks[i].end] }

// gap returns the text between tokens i and j.
func (r *reading) gap(i, j int) string { return r.text[r.toks[i].end:r.toks[j].start] }

func (r *reading) letter(i int) bool { return utf8.RuneCountInString(r.toks[i].fold) == 1 }

func (r *reading) capital(i int) bool {
	c, _ := utf8.DecodeRuneInString(r.raw(i))
	return unicode.IsUpper(c)
}

// dotted reports whether token i is a letter followed by a dot: "S.A.",
// "S.p.A.".
func (r *reading) dotted(i int) bool {
	e := r.toks[i].end
	return r.letter(i) && e < len(r.text) && r.text[e] == '.'
}

// content reports whether token i may be a word of a customer's name.
func (r *reading) content(i int) bool {
	if r.inKnown[i] {
		return true
	}
	if r.taken[i] || r.numeric[i] {
		return false
	}
	w := r.keys[i]
	if isContent(w) || legalForms[w] {
		return true
	}
	if r.compound(i) && !r.letter(i) {
		return true // "All-Night", "Chop-suey"
	}
	if !r.letter(i) {
		return false
	}
	n := len(r.toks)
	switch {
	case i+1 < n && isApostrophe(r.gap(i, i+1)) && r.toks[i+1].fold == "s" && r.capital(i):
		return true // "B's Beverages"
	case w == "o" && i+1 < n && isApostrophe(r.gap(i, i+1)) && isContent(r.keys[i+1]):
		return true // "O'Sullivan"
	case w == "s" && i > 0 && isApostrophe(r.gap(i-1, i)) && (isContent(r.keys[i-1]) || r.letter(i-1)):
		return true // "Trail's Head", "B's"
	case r.dotted(i) && i > 0 && (isContent(r.keys[i-1]) || legalForms[r.keys[i-1]] || r.dotted(i-1)):
		return true // "Dupont S.A."
	}
	return false
}

// inside reports whether token i may stand inside a customer's name
// without ending it: "de", "et", "the", a capital letter ("Lazy K
// Kountry Store").
func (r *reading) inside(i int) bool {
	if r.taken[i] || r.numeric[i] {
		return false
	}
	if nameInside[r.keys[i]] || (r.letter(i) && r.capital(i)) {
		return true
	}
	// A small word written with a capital between two capitalized words
	// of a name is one of them: "Blauer See Delikatessen", "Bistrot Chez
	// Marcel".
	return i > 0 && i+1 < len(r.toks) && r.capital(i) && r.capital(i-1) && r.capital(i+1) &&
		r.content(i+1) && !r.cut(i, i+1)
}

func (r *reading) cut(i, j int) bool { return strings.ContainsAny(r.gap(i, j), cutMarks) }

// spans finds the runs of words that may be customers' names, the
// vocabulary's names kept whole.
func (r *reading) spans() []span {
	n := len(r.toks)
	knownAt := map[int]span{}
	for _, s := range r.known {
		knownAt[s.first] = s
	}
	var out []span
	for i := 0; i < n && i < maxScanTokens; {
		if k, ok := knownAt[i]; ok {
			k = r.withLegalForm(k)
			out = append(out, k)
			i = k.last + 1
			continue
		}
		if !r.content(i) {
			i++
			continue
		}
		s := span{i, i}
		if a := i - 1; a >= 0 && r.capital(a) && (nameInside[r.keys[a]] || fillers[r.keys[a]]) && !r.taken[a] &&
			(len(out) == 0 || out[len(out)-1].last < a) && (a == 0 || listGlue[r.keys[a-1]] || r.cut(a-1, a) || r.introduced(a)) {
			// "Du monde entier", "La corne d'abondance", "The Big Cheese",
			// "Hanari Carnes and Que Delicia".
			s.first = a
		}
		for j := i + 1; j < n && !r.inKnown[j] && !r.cut(j-1, j) && (r.content(j) || r.inside(j)); j++ {
			if (r.keys[j] == "et" || r.keys[j] == "and") && r.splits(s, j) {
				break
			}
			if r.content(j) {
				s.last = j
			}
		}
		if j := s.last + 1; j < n && r.inKnown[j] && !r.cut(s.last, j) {
			// Words typed before a known name are part of it: "ets
			// Müller", "boulangerie Müller".
			if k, ok := knownAt[j]; ok {
				s.last = r.withLegalForm(k).last
			}
		}
		out = append(out, s)
		i = s.last + 1
	}
	return out
}

// withLegalForm returns the known name s with the legal form typed after
// it: "Ernst Handel GmbH", "Maison Dewey S.A.".
func (r *reading) withLegalForm(s span) span {
	n := len(r.toks)
	for j := s.last + 1; j < n && !r.cut(j-1, j) && !r.inKnown[j] && !r.taken[j]; j++ {
		switch {
		case legalForms[r.keys[j]] || companyForms[r.keys[j]] || r.dotted(j):
			s.last = j
		case (r.keys[j] == "et" || r.keys[j] == "and") && j+1 < n && suffixWords[r.keys[j+1]]:
			s.last = j + 1 // "Boulangerie Dupré et fils"
			j++
		default:
			return s
		}
	}
	return s
}

// splits reports whether "et" or "and" at token j ends the name s began
// and starts another ("Bon app et Ernst Handel") rather than continuing
// it ("Blondel père et fils", "Vins et alcools Chevalier").
func (r *reading) splits(s span, j int) bool {
	k := j + 1
	for k < len(r.toks) && articles[r.keys[k]] {
		k++
	}
	switch {
	case k >= len(r.toks) || !r.content(k):
		return false
	case suffixWords[r.keys[k]]:
		return false
	case r.inKnown[k]:
		return true
	}
	// A capital then a small letter is one name: "Vins et alcools".
	return !r.capital(s.first) || r.capital(k)
}

// readNames finds the customers and the person the message names.
func (r *reading) readNames() {
	spans := r.spans()
	var customers []span
	for _, s := range spans {
		if r.personSpan.first < 0 && r.isPerson(s) {
			continue
		}
		customers = append(customers, s)
	}
	if len(customers) == 0 {
		return
	}
	best, cued := 0, false
	for i, s := range customers {
		if r.introduced(s.first) {
			best, cued = i, true
			break
		}
	}
	if !cued {
		for i, s := range customers {
			if r.inKnown[s.first] || (s.last > s.first && r.inKnown[s.last]) {
				best, cued = i, true
				break
			}
		}
	}
	r.nameIntro = cued
	if first := customers[0]; !cued && r.onlyArticlesBefore(first.first) && (first.last+1 < len(r.toks) || r.follow != "") {
		// The customer first, then the question: "lambert : des ruptures ?",
		// "Bénard frères anomalies ?"; or right after a follow-up's
		// words: "what about Ernst?"
		best, cued = 0, true
	}
	if !cued {
		// Words that all begin with a capital are a proper name: "is Ernst
		// Handel waiting on stock?"
		for i, s := range customers {
			if r.properName(s) {
				best, cued = i, true
				break
			}
		}
	}
	if !cued {
		// Without a word introducing it, the longest run is the name.
		for i, s := range customers {
			if s.last-s.first > customers[best].last-customers[best].first {
				best = i
			}
		}
	}
	r.names, r.nameCued = []span{customers[best]}, cued
	for k := best + 1; k < len(customers) && r.joined(customers[k-1], customers[k]); k++ {
		r.names = append(r.names, customers[k])
	}
}

// properName reports whether s has two words or more, each written with a
// capital (articles and legal forms aside).
func (r *reading) properName(s span) bool {
	words := 0
	for i := s.first; i <= s.last; i++ {
		switch {
		case nameInside[r.keys[i]] || legalForms[r.keys[i]]:
		case !r.capital(i):
			return false
		default:
			words++
		}
	}
	return words >= 2
}

// joined reports whether the names a and b are two items of a list: only
// commas, "&", "+", "et", "and", "de" between them.
func (r *reading) joined(a, b span) bool {
	if r.capital(a.first) && !r.capital(b.first) && !r.inKnown[b.first] {
		return false // "pour Hôtel du Vieux Port, ça donne quoi"
	}
	for i := a.last + 1; i < b.first; i++ {
		if !listGlue[r.keys[i]] {
			return false
		}
	}
	return !strings.ContainsAny(r.text[r.toks[a.last].end:r.toks[b.first].start], joinBlocks)
}

// nameTexts returns the customers' names as written.
func (r *reading) nameTexts() []string {
	var out []string
	for _, s := range r.names {
		if t := r.nameText(s); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// nameText returns the name s as written: with the article that starts it
// ("Les Halles de Nîmes"), without a possessive ("Dupré's orders").
func (r *reading) nameText(s span) string {
	first, last := s.first, s.last
	if first > 1 && !r.inKnown[first] {
		switch r.keys[first-1] {
		case "les", "l", "le", "la":
			if introducerBefore(r.keys[first-2]) {
				first--
			}
		}
	}
	if last > first && r.toks[last].fold == "s" && isApostrophe(r.gap(last-1, last)) && !r.inKnown[last] {
		last--
	}
	return strings.TrimSpace(r.text[r.toks[first].start:r.toks[last].end])
}

// isPerson reports whether the name s is a person of the directory rather
// than a customer, and keeps it as the scope: a name the vocabulary knows
// as a person's, or one introduced as such ("le commercial Dubois",
// "Claire (ADV)", "suivies par Claire", "le portefeuille de Marc",
// "Sarah's portfolio").
func (r *reading) isPerson(s span) bool {
	for i := s.first; i <= s.last; i++ {
		if r.inKnown[i] {
			return false
		}
	}
	last := s.last
	possessive := last > s.first && r.toks[last].fold == "s" && isApostrophe(r.gap(last-1, last))
	if possessive {
		last--
	}
	at := func(i int) string {
		if i >= 0 && i < len(r.keys) {
			return r.keys[i]
		}
		return ""
	}
	var role orders.Role
	person := false
	if k, ok := r.roleAt[s.first-1]; ok {
		role, person = k, true
	} else if k, ok := r.roleAt[s.last+1]; ok {
		role, person = k, true
	}
	switch {
	case personCues[at(s.first-1)] && personCueVerbs[at(s.first-2)]:
		person = true
	case at(s.first-1) == "de" && personalWords[at(s.first-2)]:
		person = true
	case possessive && personalWords[at(s.last+1)]:
		person = true
	}
	folded := make([]string, 0, last-s.first+1)
	for i := s.first; i <= last; i++ {
		folded = append(folded, r.toks[i].fold)
	}
	if p, ok := r.v.person(strings.Join(folded, " ")); ok {
		person = true
		if role == "" {
			role = p.Role
		}
	}
	if !person {
		return false
	}
	r.personSpan = span{s.first, last}
	if r.scope != ScopePerson || r.person == "" {
		r.scope, r.person = ScopePerson, strings.TrimSpace(r.text[r.toks[s.first].start:r.toks[last].end])
		if role != "" {
			r.role = role
		}
	}
	return true
}

func (r *reading) onlyArticlesBefore(i int) bool {
	for j := 0; j < i; j++ {
		if r.opening[j] {
			continue // "et", "what about": the follow-up's words
		}
		switch r.keys[j] {
		case "le", "la", "les", "l", "the":
		default:
			return false
		}
	}
	return true
}

// introduced reports whether a word introducing a customer comes right
// before toks[i] (articles aside).
func (r *reading) introduced(i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		w := r.keys[j]
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
