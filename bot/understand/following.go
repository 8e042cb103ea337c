package understand

import (
	"slices"
	"strings"

	"github.com/orderbot/orderbot/orders"
)

// command is a way of asking to follow, stop following, or list what one
// follows: its words (folded), the intent and the language they say.
type command struct {
	words  []string
	intent Intent
	lang   orders.Language
}

// commands are the phrasings of following, longest first so that "ne
// plus suivre" is not read as "suivre".
var commands = []command{
	{[]string{"ne", "plus", "suivre"}, StopFollowing, orders.French},
	{[]string{"arreter", "de", "suivre"}, StopFollowing, orders.French},
	{[]string{"arrete", "de", "suivre"}, StopFollowing, orders.French},
	{[]string{"stop", "following"}, StopFollowing, orders.English},
	{[]string{"unfollow"}, StopFollowing, orders.English},
	{[]string{"suivre"}, StartFollowing, orders.French},
	{[]string{"follow"}, StartFollowing, orders.English},
}

// listings are the phrasings of the list of what one follows, as the
// whole message.
var listings = map[string]orders.Language{
	"mes suivis": orders.French, "liste de mes suivis": orders.French, "mes commandes suivies": orders.French,
	"que est ce que je suis": orders.French, "qu est ce que je suis": orders.French, "je suis quoi": orders.French,
	"quels sont mes suivis": orders.French, "what am i following": orders.English, "what do i follow": orders.English,
	"my follows": orders.English, "my followed orders": orders.English, "list my follows": orders.English,
}

// commandLead are the words a command may start with: "je veux suivre",
// "peux-tu suivre", "please follow", "can you unfollow".
var commandLead = map[string]bool{
	"je": true, "j": true, "veux": true, "voudrais": true, "aimerais": true, "peux": true, "tu": true, "pouvez": true,
	"vous": true, "merci": true, "de": true, "stp": true, "svp": true, "please": true, "can": true, "could": true,
	"you": true, "i": true, "want": true, "to": true, "d": true, "bien": true, "ok": true, "orderbot": true,
}

// following reads a message that asks to follow, stop following or list
// follows: the subject of the first two (an order, a customer) is read
// from the words after the command, as a question about it would be.
func (p *Parser) following(text string) (Question, bool) {
	toks := tokenize(text)
	folded := make([]string, len(toks))
	for i, t := range toks {
		folded[i] = t.fold
	}
	if lang, ok := listings[strings.Join(folded, " ")]; ok {
		return Question{Text: text, Intent: Following, Lang: lang}, true
	}
	start := 0
	for start < len(folded) && start < 5 && commandLead[folded[start]] {
		start++
	}
	for _, c := range commands {
		if len(folded) <= start+len(c.words)-1 || !slices.Equal(folded[start:start+len(c.words)], c.words) {
			continue
		}
		last := start + len(c.words) - 1
		if last == len(toks)-1 || folded[last+1] == "up" {
			return Question{}, false // "suivre" alone names nothing; "follow up on 11039" asks about it
		}
		subject := p.Parse(text[toks[last].end:])
		switch subject.Intent {
		case Order, Customer:
		default:
			return Question{}, false
		}
		subject.Text, subject.Intent, subject.Lang = text, c.intent, c.lang
		subject.Weak, subject.FollowUp, subject.Blocked, subject.Status, subject.Scope = false, "", false, "", ""
		return subject, true
	}
	return Question{}, false
}
