package understand

import (
	"strings"
	"unicode"

	"github.com/orderbot/orderbot/orders"
)

// frenchWords and englishWords are the words, folded, that only one of
// the two languages uses in chat about orders. Words both use ("status",
// "client", "stock", "info", "ok", "urgent", "PO", "ETA") tell nothing.
var (
	frenchWords = words(`ou est sont en la le les des de du d l c qu j et pour chez avec sur dans sous par
		mes mon ma ses sa son nos notre vos votre leur leurs ces cette ce cet un une au aux
		commande commandes cde cdes cmd cmde cmdes bc qte cp tel ht
		bloque bloquee bloquees bloques blocage blocages coince coincee coincees coinces livre livree livrees livres
		livraison livraisons partie parti parties partis expedie expediee prevue prevu
		stp svp merci mrc bonjour bonsoir salut slt bjr coucou quoi quand pourquoi comment combien quel quelle
		quels quelles elle elles il ils on nous vous tu je moi toi rien encore toujours aussi pareil idem
		suivante suivant apres rupture ruptures reliquat reliquats anomalie litige litiges encours
		impaye impayes impayee impayees equipe toutes tous tout toute tte portefeuille facture factures adresse
		manquant manquante manquants manquantes echue echues attente aide oui qui que ca fait peux veux dire
		voir regarde cherche infos depuis semaine demain hier jour prevue doit entre sans reponse relance
		relances cote trucs truc commerciale commercial assistante montant unites lesquelles laquelle celle
		celles ceux ensemble monde sais etat statut numero cli ya`)
	englishWords = words(`where wheres is are was were the of for and or with what whats which who when why how
		my mine our your their his her its it they them those these this that
		order orders blocked stuck hold held shipped ship ships delivered update news any anything anyone
		all everything everyone everybody please pls plz thanks thank thx hi hello hey show me check can could
		you u r do does did has have got at to from in by about also same next one ones team teams whole
		company backorder backorders backordered dispute disputes overdue invoice invoices missing customer
		customers limit exceeded delivery address waiting awaiting due yet still today as well be been will
		there need help cancel weather like an over since side end follow follows handled portfolio rep reps
		number qty units phone zip amount worth sales purchase quoted account accounts cust
		open list give tell find see look out warehouse dock docks pallets cases closed refused insurance
		unit price mismatch bounced items item shipping shipment invalid vat`)
)

// frenchLetters are letters only French words have, of the two
// languages: "réf", "livrée", "ça".
const frenchLetters = "éèêàâçùûîôœëïÉÈÊÀÇ"

// onlyArticles reports whether words are all articles.
func onlyArticles(words []string) bool {
	for _, w := range words {
		if !articles[w] {
			return false
		}
	}
	return true
}

// language tells the language of the message from its words, the
// customers' names, people's names and numbers aside: French or English
// when one has more words than the other, "" when neither does.
func (r *reading) language(q *Question) orders.Language {
	skip := make([]bool, len(r.toks))
	if q.Intent == Customer {
		for _, s := range r.names {
			for i := s.first; i <= s.last; i++ {
				skip[i] = true
			}
		}
		if len(r.names) > 0 && onlyArticles(r.keys[:r.names[0].first]) {
			// "Du monde entier blocked?": the article is the name's.
			for i := 0; i < r.names[0].first; i++ {
				skip[i] = true
			}
		}
	}
	for _, sp := range []span{r.personSpan, r.itemSpan} {
		for i := max(sp.first, 0); sp.first >= 0 && i <= sp.last; i++ {
			skip[i] = true
		}
	}
	fr, en := 0, 0
	for i, w := range r.keys {
		if skip[i] || r.inKnown[i] || r.numeric[i] || r.identifierPart(i) {
			continue
		}
		switch {
		case w == "on":
		case w == "nos" && i > 0 && r.keys[i-1] == "order":
			en++ // "order nos."
		case frenchWords[w], strings.ContainsAny(r.raw(i), frenchLetters):
			fr++
		case (w == "n" || w == "v") && i+1 < len(r.keys) && r.gap(i, i+1) == "/":
			fr++ // "n/réf", "v/cde": French letters' abbreviations
		case englishWords[w]:
			en++
		}
	}
	switch {
	case fr > en:
		return orders.French
	case en > fr:
		return orders.English
	}
	return ""
}

// identifierPart reports whether token i is the letters of an identifier
// joined to its digits ("BC-2026-118", "SO-001240").
func (r *reading) identifierPart(i int) bool {
	t := r.toks[i]
	joined := func(at int) bool { return at >= 0 && at < len(r.text) && strings.ContainsRune("-/", rune(r.text[at])) }
	digit := func(at int) bool { return at >= 0 && at < len(r.text) && unicode.IsDigit(rune(r.text[at])) }
	return (joined(t.end) && digit(t.end+1)) || (joined(t.start-1) && digit(t.start-2))
}
