package render_test

import (
	"strings"
	"testing"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
)

// TestChatNumbersAndContinuesLists: in the console chat, a list's orders
// are numbered so that a reply can pick one, and a list continued
// ("plus") shows the orders after those shown, numbered on, with what is
// still left to show; Console, for one answer on stdout, keeps its bullets.
func TestChatNumbersAndContinuesLists(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	a := bot.Answer{Kind: bot.OrderList, Lang: orders.French, At: now, Data: fresh, List: longList(20, 23), Limit: 20,
		Subject: bot.Subject{What: "customer", Customer: dupre}}
	first := a
	first.List.Orders = a.List.Orders[:15]
	head := r.Chat(first, 0)
	for _, want := range []string{"23 commandes", "\n1. 4500020000 · ", "\n15. 4500020014 · ", "… et 8 autres", "Total HT"} {
		if !strings.Contains(head, want) {
			t.Errorf("the first page lacks %q:\n%s", want, head)
		}
	}
	if strings.Contains(head, "• 45000") || strings.Contains(head, "4500020015") {
		t.Errorf("the first page has bullets or the 16th order:\n%s", head)
	}

	rest := r.Chat(a, 15)
	for _, want := range []string{"23 commandes", "\n16. 4500020015 · ", "\n20. 4500020019 · ", "… et 3 autres"} {
		if !strings.Contains(rest, want) {
			t.Errorf("the continued list lacks %q:\n%s", want, rest)
		}
	}
	for _, shown := range []string{"4500020000", "4500020014", "\n1. "} {
		if strings.Contains(rest, shown) {
			t.Errorf("the continued list shows %q again:\n%s", shown, rest)
		}
	}

	en := a
	en.Lang, en.List = orders.English, longList(20, 20)
	if got := r.Chat(en, 15); !strings.Contains(got, "\n20. 4500020019 · ") || strings.Contains(got, "more") {
		t.Errorf("the end of a list in English:\n%s", got)
	}
	if got := r.Console(first); !strings.Contains(got, "\n• 4500020000 · ") || strings.Contains(got, "\n1. ") {
		t.Errorf("Console numbers the list:\n%s", got)
	}
}
