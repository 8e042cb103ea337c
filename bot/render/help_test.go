package render_test

import (
	"strings"
	"testing"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
)

// TestHelpExamplesAreUnderstood: the help's examples, in each language,
// show how to follow an order, list what one follows and ask for a
// release, and each example (or each phrase of one, "suivre 4500012345,
// puis « mes suivis »") is understood as what it shows.
func TestHelpExamplesAreUnderstood(t *testing.T) {
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	r := render.New(render.Options{Location: paris})
	for _, lang := range languages {
		help := r.Console(answers(lang)["help"])
		seen := map[understand.Intent]bool{}
		for _, line := range strings.Split(help, "\n") {
			example, ok := strings.CutPrefix(strings.TrimSpace(line), "• ")
			if !ok || strings.Contains(example, "et ensuite") || strings.Contains(example, "and then") {
				continue
			}
			for _, phrase := range strings.FieldsFunc(example, func(r rune) bool { return strings.ContainsRune("«»“”", r) }) {
				phrase = strings.Trim(strings.TrimSpace(strings.ReplaceAll(phrase, "\u00a0", " ")), ",")
				phrase = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(phrase, ", puis"), ", then"))
				if phrase == "" {
					continue
				}
				q := p.Parse(phrase)
				if q.Intent == understand.Unknown {
					t.Errorf("%s: the help's example %q is not understood", lang, phrase)
				}
				seen[q.Intent] = true
			}
		}
		for _, want := range []understand.Intent{understand.StartFollowing, understand.Following, understand.AskRelease,
			understand.Order, understand.Item} {
			if !seen[want] {
				t.Errorf("%s: the help shows no example of %s:\n%s", lang, want, help)
			}
		}
	}
}
