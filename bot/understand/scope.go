package understand

import (
	"strings"
)

// followUp finds the words that make the message a follow-up of the
// previous question ("et pour", "what about", "same for", "any of them")
// or a request for the next item ("et la suivante ?"), and takes them out
// of the names.
func (r *reading) followUp() {
	n := len(r.toks)
	for i := 0; i < n && i < 6; i++ {
		w := r.keys[i]
		if r.inKnown[i] {
			continue
		}
		if nextWords[w] || (w == "apres" && i > 0 && r.keys[i-1] == "d") {
			r.next = true
			r.taken[i] = true
		}
	}
	if n > 6 {
		r.next = false
	}
	joined := " " + strings.Join(r.keys[:min(n, 5)], " ") + " "
	for _, ph := range againPhrases {
		if strings.HasPrefix(joined, " "+ph+" ") {
			r.follow = Again
			for i := range len(strings.Fields(ph)) {
				r.taken[i], r.opening[i] = true, true
			}
			break
		}
	}
	if r.follow == "" && againWords[r.keys[0]] && !r.inKnown[0] {
		r.follow = Again
		r.taken[0], r.opening[0] = true, true
	}
	all := " " + strings.Join(r.keys, " ") + " "
	for _, a := range anaphora {
		if strings.Contains(all, " "+a+" ") {
			r.follow = Again
		}
	}
}

// compound reports whether token i is joined to a word next to it by a
// hyphen: "All-Night", "Save-a-lot".
func (r *reading) compound(i int) bool {
	t := r.toks[i]
	return (t.end < len(r.text) && r.text[t.end] == '-' && i+1 < len(r.toks) && r.toks[i+1].start == t.end+1) ||
		(t.start > 0 && r.text[t.start-1] == '-' && i > 0 && r.toks[i-1].end == t.start-1)
}

// imperatives are the verbs after which "moi" is the one told, not the
// owner: "donne-moi", "dis moi".
var imperatives = words(`donne donnez dis dites montre montrez affiche affichez envoie envoyez liste listez trouve sors file`)

// scopes finds whose orders the message asks about: the asker's ("mes",
// "chez moi", "my side"), their team's ("l'équipe", "the team's", "our"),
// everything they may see ("toutes", "everyone's"), their assistant's or
// rep's ("mon assistante", "my rep"). Role words ("commercial", "ADV")
// are kept for the name they go with. The words read are taken out of
// the names.
func (r *reading) scopes() {
	n := len(r.toks)
	at := func(i int) string {
		if i >= 0 && i < n {
			return r.keys[i]
		}
		return ""
	}
	var team, all, mine, relation bool
	for i, w := range r.keys {
		if r.inKnown[i] || i >= maxScanTokens {
			continue
		}
		prev, next := at(i-1), at(i+1)
		if r.compound(i) && !(w == "company" && next == "wide") {
			continue // "All-Night Grocers": a word of a name
		}
		if role, ok := roleWords[w]; ok {
			switch {
			case mineWords[prev]:
				// "mon assistante", "my rep": the asker's own.
				relation, r.scope, r.role = true, ScopePerson, role
				r.taken[i-1], r.taken[i] = true, true
			case prev == "all" || prev == "every" || prev == "tous" || (prev == "les" && at(i-2) == "tous"):
				all = true // "all reps", "tous les commerciaux"
			default:
				r.roleAt[i] = role
			}
			r.taken[i] = true
			continue
		}
		switch {
		case (w == "nos" || w == "notre" || w == "our") && (orderWords[next] || next == "ref" || next == "reference"):
			// "our ref 10265", "notre commande": the company's, not the team's.
		case teamWords[w] && (allWords[prev] || prev == "les" && allWords[at(i-2)]):
			all = true // "toutes équipes", "all teams"
			r.taken[i] = true
		case teamWords[w]:
			team = true
			r.taken[i] = true
		case w == "company" && (prev == "whole" || prev == "entire" || prev == "all" || next == "wide"):
			all = true
			r.taken[i] = true
			if next == "wide" {
				r.taken[i+1] = true
			}
		case w == "monde" && prev == "le" && at(i-2) == "tout":
			all = true
			r.taken[i] = true
		case w == "tout" && portfolioWords[at(i+2)]:
			all = true // "tout le portefeuille"
		case allWords[w] && w != "company":
			all = true
			r.taken[i] = true
		case (w == "whole" || w == "entire") && (teamWords[next] || next == "company"):
			r.taken[i] = true
		case w == "moi" && imperatives[prev]:
		case mineWords[w]:
			mine = true
		}
	}
	joined := " " + strings.Join(r.keys, " ") + " "
	for _, ph := range []string{" chez moi ", " my side ", " my end ", " mon cote ", " i follow ", " que je suis ", " j ai ", " i have ", " i ve ", " ive "} {
		mine = mine || strings.Contains(joined, ph)
	}
	switch {
	case relation:
	case team:
		r.scope = ScopeTeam
	case mine:
		r.scope = ScopeMine
	case all:
		r.scope = ScopeAll
	}
}
