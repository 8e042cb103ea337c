package bot_test

import (
	"testing"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
)

// FuzzStranger asks anything as someone who is not in the directory: the
// answer is always the same refusal, whatever the question names.
func FuzzStranger(f *testing.F) {
	cases, err := understand.EvalSet()
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range cases {
		f.Add(c.Text, stranger)
	}
	f.Add("4500012345", "")
	f.Add("4500012345", "U0REP0001 ")
	f.Add("commandes de dupre", "u0rep0001")
	b := load(f)
	a := b.answerer(f, bot.AccessOwn)
	refusal, err := a.Ask(b.ctx, bot.Asker{SlackUserID: stranger}, "aide")
	if err != nil || refusal.Kind != bot.Refused {
		f.Fatalf("a stranger asking for help: %s, %v", refusal, err)
	}
	want := console.Console(refusal)
	f.Fuzz(func(t *testing.T, text, who string) {
		if who == repSud || who == repNord || who == repExport || who == manager || who == advClaire ||
			who == "U0REP0004" || who == "U0ADV0002" || who == "U0ADV0003" {
			return // people of the directory get answers
		}
		got, err := a.Ask(b.ctx, bot.Asker{SlackUserID: who}, text)
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != bot.Refused {
			t.Fatalf("%q asks %q and gets %s", who, text, got)
		}
		if console.Console(got) != want {
			t.Fatalf("%q asks %q and gets %q", who, text, console.Console(got))
		}
	})
}
