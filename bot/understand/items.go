package understand

import (
	"strings"
	"unicode"
)

var (
	// waitVerbs say that orders wait for something: "qui attend du Chai ?",
	// "who is waiting for Chai".
	waitVerbs = words(`attend attendent attendant attendre waiting waits wait await awaits awaiting`)
	// waitArticles come between the verb and what is waited for.
	waitArticles = words(`du de des d l la le les un une for on the some any encore toujours still`)
	// itemCues announce an item: "l'article 1234", "item CHAI-24".
	itemCues = words(`article articles item items produit produits sku skus`)
	// notItems are words that cannot start an item's name: what follows
	// "attend" in "il attend sa commande", "attend depuis lundi",
	// "still waiting on it".
	notItems = words(`sa son ses leur leurs their his her its my mon ma mes votre vos your depuis since
		pour au aux a ce cet cette ca cela this that it them eux lui quoi what me moi you vous nous us
		livraison delivery reponse answer retour rappel call appel paiement payment reglement validation approval`)
	// lineWords ask for the lines of an order: "détail de 11077", "lines
	// of 11077", "what's on order 11077".
	lineWords = words(`detail details detaille detaillee lignes ligne lines line contenu contents`)
)

// maxItemWords is the most words of an item's name read.
const maxItemWords = 6

// item reads a question about the orders waiting for an item: a verb of
// waiting, then the item, by its code or its description, announced by a
// word of items or an article. Numbers after a word of items are the
// item's code, not an order's number. False when the message asks
// something else: a kind of block ("waiting on stock"), an order ("il
// attend sa commande 10258", "attend la 10258"), a customer.
func (r *reading) item(q *Question) bool {
	for i, w := range r.keys {
		if !waitVerbs[w] || r.inKnown[i] {
			continue
		}
		j := i + 1
		for j < len(r.keys) && waitArticles[r.keys[j]] {
			j++
		}
		cued := j < len(r.keys) && itemCues[r.keys[j]]
		if cued {
			j++
		}
		if !cued && (!r.articleBetween(i, j) || r.sig.status != "") {
			return false // "attend sa cde", "waiting on customs docs"
		}
		first, last := j, j-1
		for k := j; k < len(r.keys) && k-j < maxItemWords && !r.itemEnds(k); k++ {
			last = k
		}
		known := false
		if end, ok := r.knownItem(first); ok {
			last, known = end, true // the item's own words, and no more
		}
		if last < first || !known && !r.canBeItem(first, cued) {
			return false
		}
		return r.setItem(q, first, last, cued || known)
	}
	return r.itemByVocabulary(q)
}

// setItem makes q a question about the item of tokens first to last;
// sure says a word of items or the vocabulary names it.
func (r *reading) setItem(q *Question, first, last int, sure bool) bool {
	text := strings.TrimFunc(r.text[r.toks[first].start:r.toks[last].end], func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c)
	})
	if text == "" {
		return false
	}
	q.Intent, q.Item = Item, text
	q.Weak = !sure && last-first+1 > 3
	r.itemSpan = span{first, last}
	for k := first; k <= last; k++ {
		r.taken[k] = true
	}
	return true
}

// articleBetween reports whether an article (not only an adverb) comes
// between the verb at i and token j: "attend du Chai", not "attend
// encore Julie".
func (r *reading) articleBetween(i, j int) bool {
	for k := i + 1; k < j; k++ {
		switch r.keys[k] {
		case "encore", "toujours", "still":
		default:
			return true
		}
	}
	return false
}

// itemEnds reports whether token k ends an item's name: a word that
// starts a scope or a question, or punctuation that ends a sentence
// before it.
func (r *reading) itemEnds(k int) bool {
	w := r.keys[k]
	switch w {
	case "chez", "dans", "in", "at", "from", "among", "parmi", "cote", "side", "svp", "stp", "please", "pls":
		return true
	}
	if k > 0 {
		between := r.text[r.toks[k-1].end:r.toks[k].start]
		if strings.ContainsAny(between, "?!.,;:") {
			return true
		}
	}
	return mineWords[w] || teamWords[w] || allWords[w]
}

// canBeItem reports whether the words from token first can name an item:
// not a word of orders, customers, statuses or pronouns, not a customer
// the vocabulary knows, not an order number unless a word of items
// announced it.
func (r *reading) canBeItem(first int, cued bool) bool {
	w := r.keys[first]
	switch {
	case r.inKnown[first]:
		return false
	case cued:
		return true
	case strings.IndexFunc(w, unicode.IsLetter) < 0, notItems[w], orderWords[w], customerWords[w], portfolioWords[w], statusWords[w],
		sentenceWords[w], isBlockedWord(w), refWords[w]:
		return false
	}
	return true
}

// asksLines reports whether the message asks for an order's lines.
func (r *reading) asksLines() bool {
	joined := " " + strings.Join(r.keys, " ") + " "
	for _, ph := range []string{" what s on ", " whats on ", " what is on ", " qu y a t il dans ", " articles de ",
		" articles of ", " items of ", " items on ", " items in "} {
		if strings.Contains(joined, ph) {
			return true
		}
	}
	for i, w := range r.keys {
		if lineWords[w] && !r.inKnown[i] {
			return true
		}
	}
	return false
}

// itemWords are the words of the items open orders are short of: their
// codes, and the words of their descriptions that can name them.
type itemWords struct {
	codes map[string]bool // folded codes: "chai 24", "4711"
	words map[string]bool // folded words of descriptions: "farine", "chai"
}

// newItemWords indexes the items' codes and the content words of their
// descriptions: not numbers, not the words of orders, statuses or
// customers that questions are made of.
func newItemWords(items []ItemName) itemWords {
	x := itemWords{codes: map[string]bool{}, words: map[string]bool{}}
	for _, it := range items {
		if c := Fold(it.Code); c != "" {
			x.codes[c] = true
		}
		for _, w := range strings.Fields(Fold(it.Description)) {
			if len(w) >= 3 && isContent(w) && strings.IndexFunc(w, unicode.IsLetter) >= 0 && !questionWord(w) {
				x.words[w] = true
			}
		}
	}
	return x
}

// questionWord reports whether w is one of the words questions are made
// of, which an item's description cannot claim.
func questionWord(w string) bool {
	return orderWords[w] || portfolioWords[w] || statusWords[w] || customerWords[w] || sentenceWords[w] ||
		isBlockedWord(w) || shortWords[w] || waitVerbs[w] || itemCues[w] || mineWords[w] || teamWords[w] || allWords[w]
}

// shortWords say that something is short of stock: "rupture de Chai",
// "Chai en manque", "short of CHAI-24".
var shortWords = words(`rupture ruptures manque manquant manquants manquante manquantes reliquat reliquats short shortage
	backorder backorders backordered`)

// knownItem finds the longest run of words, from token first on, that the
// vocabulary knows as an item: its code, or words of its description.
func (r *reading) knownItem(first int) (last int, ok bool) {
	if r.v == nil {
		return 0, false
	}
	x := r.v.items
	last = first - 1
	for k := first; k < len(r.keys) && k-first < maxItemWords; k++ {
		if r.inKnown[k] || r.taken[k] {
			break
		}
		// A code may be written in several words: "CHAI-24", "chai 24".
		for end := min(len(r.keys), k+3); end > k; end-- {
			if x.codes[strings.Join(r.keys[k:end], " ")] {
				return end - 1, true
			}
		}
		if !x.words[r.keys[k]] {
			break
		}
		last = k
	}
	return last, last >= first
}

// itemByVocabulary reads a question about an item the vocabulary knows,
// named with a word of shortage rather than of waiting: "rupture de
// Chai ?", "qui manque de farine T65", "short of CHAI-24".
func (r *reading) itemByVocabulary(q *Question) bool {
	at := -1
	for i, w := range r.keys {
		if shortWords[w] && !r.inKnown[i] {
			at = i
			break
		}
	}
	if at < 0 {
		return false
	}
	for start := 0; start < len(r.keys); start++ {
		if start == at || r.taken[start] || r.inKnown[start] {
			continue
		}
		if last, ok := r.knownItem(start); ok {
			r.setItem(q, start, last, true)
			return true
		}
	}
	return false
}
