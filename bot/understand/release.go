package understand

import (
	"slices"
	"strings"

	"github.com/orderbot/orderbot/orders"
)

// releaseCommands are the phrasings of asking for a release, folded, with
// their language; the order's number follows, then, after a colon, the
// reason: "demande de déblocage 11039 : le client a payé", "request
// release of 11039: paid this morning".
var releaseCommands = []command{
	{[]string{"demande", "de", "deblocage"}, AskRelease, orders.French},
	{[]string{"demander", "le", "deblocage"}, AskRelease, orders.French},
	{[]string{"demander", "un", "deblocage"}, AskRelease, orders.French},
	{[]string{"demande", "le", "deblocage"}, AskRelease, orders.French},
	{[]string{"demande", "deblocage"}, AskRelease, orders.French},
	{[]string{"request", "the", "release", "of"}, AskRelease, orders.English},
	{[]string{"request", "release", "of"}, AskRelease, orders.English},
	{[]string{"request", "release", "for"}, AskRelease, orders.English},
	{[]string{"request", "a", "release", "of"}, AskRelease, orders.English},
	{[]string{"ask", "for", "the", "release", "of"}, AskRelease, orders.English},
	{[]string{"ask", "for", "release", "of"}, AskRelease, orders.English},
	{[]string{"release", "request", "for"}, AskRelease, orders.English},
}

// releaseRequest reads a message asking for the release of one order: the
// command, the order (its number, as a question about it reads it), and
// an optional reason after a colon.
func (p *Parser) releaseRequest(text string) (Question, bool) {
	head, note, _ := strings.Cut(text, ":")
	toks := tokenize(head)
	folded := make([]string, len(toks))
	for i, t := range toks {
		folded[i] = t.fold
	}
	start := 0
	for start < len(folded) && start < 5 && commandLead[folded[start]] {
		start++
	}
	for _, c := range releaseCommands {
		end := start + len(c.words)
		if end >= len(folded) || !slices.Equal(folded[start:end], c.words) {
			continue
		}
		subject := p.Parse(head[toks[end-1].end:])
		if subject.Intent != Order || subject.Number == "" || len(subject.Numbers) > 1 {
			return Question{}, false
		}
		return Question{Text: text, Intent: AskRelease, Lang: c.lang, Number: subject.Number, Numbers: subject.Numbers,
			Note: strings.TrimSpace(strings.Trim(strings.TrimSpace(note), `"«»“”`))}, true
	}
	return Question{}, false
}
