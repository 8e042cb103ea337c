package catalog

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/orderbot/orderbot/orders"
)

// markers are words that only one of the two languages uses in orderbot's
// messages: one of them in a message of the other language is a text left
// untranslated or picked in the wrong language.
var markers = map[orders.Language][]string{
	orders.French: {"commande", "commandes", "bloquée", "bloquées", "depuis", "aucune", "aujourd", "jours",
		"et", "du", "le", "la", "les", "des", "pour", "avec", "sur", "autres", "données", "client"},
	orders.English: {"order", "orders", "blocked", "since", "the", "and", "days", "today", "with", "for",
		"of", "more", "data", "customer", "nobody", "people"},
}

// Lint lists what is wrong in a rendered message in lang: Go formatting
// errors (%!), template gaps (<no value>, ⟦Name⟧), and words of the other
// language. data are the texts that came from the ERP or the directory in
// the message (customer names, reasons): they are left out of the language
// check, since a French reason in an English message is the ERP's word.
func Lint(text string, lang orders.Language, data ...string) []string {
	var problems []string
	for _, bad := range []string{"%!", "<no value>", "⟦", "<nil>"} {
		if strings.Contains(text, bad) {
			problems = append(problems, fmt.Sprintf("contains %q", bad))
		}
	}
	for _, d := range data {
		if strings.TrimSpace(d) != "" {
			text = strings.ReplaceAll(text, d, " ")
		}
	}
	other := orders.English
	if lang == orders.English {
		other = orders.French
	}
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		words[w] = true
	}
	for _, m := range markers[other] {
		if words[m] {
			problems = append(problems, fmt.Sprintf("a %s message has the %s word %q", lang, other, m))
		}
	}
	return problems
}
