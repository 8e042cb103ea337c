package render

import (
	"strings"
	"testing"
)

// TestFit: sections past Slack's count of blocks or characters are left
// out, and the answer says it was cut; sections that fit are kept whole.
func TestFit(t *testing.T) {
	section := strings.Repeat("é", 100)
	many := make([]string, 60)
	for i := range many {
		many[i] = section
	}
	cases := []struct {
		name     string
		sections []string
		blocks   int
		room     int
		want     int // sections kept, the cut note aside
		cut      bool
	}{
		{"fits", many[:10], 10, 1000, 10, false},
		{"one block too many", many[:11], 10, 100000, 9, true},
		{"too long", many[:10], 50, 999, 9, true},
		{"far too long", many[:10], 50, 250, 2, true},
		{"far too many", many, 49, 100000, 48, true},
	}
	for _, c := range cases {
		got := fit(c.sections, c.blocks, c.room, "CUT")
		cut := len(got) > 0 && got[len(got)-1] == "CUT"
		kept := len(got)
		if cut {
			kept--
		}
		if kept != c.want || cut != c.cut {
			t.Errorf("%s: kept %d, cut %v; want %d, %v", c.name, kept, cut, c.want, c.cut)
		}
		if len(got) > c.blocks || textLen(got) > c.room {
			t.Errorf("%s: %d sections of %d characters, want at most %d and %d", c.name, len(got), textLen(got), c.blocks, c.room)
		}
	}
}

// TestSplitText: a section too long for Slack is cut at a line end, else
// between words, never inside an entity, into parts Slack takes.
func TestSplitText(t *testing.T) {
	lines := strings.Repeat("• ligne de commande &amp; client\n", 200)
	words := strings.Repeat("mot &amp; ", 1000)
	entities := "x" + strings.Repeat("&amp;", 1000)
	astral := strings.Repeat("🥖", 2000)
	for name, s := range map[string]string{"lines": lines, "words": words, "entities": entities, "astral": astral} {
		parts := splitText(s, MaxSectionText)
		if len(parts) < 2 {
			t.Errorf("%s: %d characters in %d part", name, slackLen(s), len(parts))
		}
		for i, p := range parts {
			if n := slackLen(p); n > MaxSectionText {
				t.Errorf("%s: part %d of %d characters", name, i, n)
			}
			if strings.Count(p, "&") != strings.Count(p, "&amp;") {
				t.Errorf("%s: part %d cuts an entity: …%q", name, i, p[max(0, len(p)-10):])
			}
		}
		if got := strings.Join(parts, ""); name == "entities" && got != s {
			t.Errorf("%s: the parts do not make the text again", name)
		}
	}
}
