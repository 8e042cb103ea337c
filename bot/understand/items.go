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
	// itemWords announce an item: "l'article 1234", "item CHAI-24".
	itemWords = words(`article articles item items produit produits sku skus`)
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
		cued := j < len(r.keys) && itemWords[r.keys[j]]
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
		if last < first || !r.canBeItem(first, cued) {
			return false
		}
		text := strings.TrimFunc(r.text[r.toks[first].start:r.toks[last].end], func(c rune) bool {
			return !unicode.IsLetter(c) && !unicode.IsDigit(c)
		})
		if text == "" {
			return false
		}
		q.Intent, q.Item = Item, text
		q.Weak = !cued && last-first+1 > 3
		r.itemSpan = span{first, last}
		for k := i; k <= last; k++ {
			r.taken[k] = true
		}
		return true
	}
	return false
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
