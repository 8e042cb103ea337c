package understand_test

import (
	"testing"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// TestFollowingWords: following an order or a customer, no longer
// following it, and the list of follows, in French and English, the way
// reps write them.
func TestFollowingWords(t *testing.T) {
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text     string
		intent   understand.Intent
		number   string
		customer string
		lang     orders.Language
	}{
		{"suivre 11039", understand.StartFollowing, "11039", "", orders.French},
		{"Suivre la commande 4500012345 stp", understand.StartFollowing, "4500012345", "", orders.French},
		{"je veux suivre la 11039", understand.StartFollowing, "11039", "", orders.French},
		{"follow 11039", understand.StartFollowing, "11039", "", orders.English},
		{"please follow order 11039", understand.StartFollowing, "11039", "", orders.English},
		{"ne plus suivre 11039", understand.StopFollowing, "11039", "", orders.French},
		{"arrêter de suivre la 11039", understand.StopFollowing, "11039", "", orders.French},
		{"unfollow 11039", understand.StopFollowing, "11039", "", orders.English},
		{"stop following 11039", understand.StopFollowing, "11039", "", orders.English},
		{"suivre Boulangerie Dupré", understand.StartFollowing, "", "Boulangerie Dupré", orders.French},
		{"suivre le client Boulangerie Dupré", understand.StartFollowing, "", "Boulangerie Dupré", orders.French},
		{"follow Müller GmbH", understand.StartFollowing, "", "Müller GmbH", orders.English},
		{"ne plus suivre Boulangerie Dupré", understand.StopFollowing, "", "Boulangerie Dupré", orders.French},
		{"mes suivis", understand.Following, "", "", orders.French},
		{"Mes suivis ?", understand.Following, "", "", orders.French},
		{"qu'est-ce que je suis ?", understand.Following, "", "", orders.French},
		{"what am I following?", understand.Following, "", "", orders.English},
		{"my follows", understand.Following, "", "", orders.English},
	}
	for _, c := range cases {
		q := p.Parse(c.text)
		if q.Intent != c.intent || q.Number != c.number || q.CustomerName != c.customer || q.Lang != c.lang {
			t.Errorf("%q read as %s number %q customer %q (%s), want %s %q %q (%s)", c.text, q.Intent, q.Number, q.CustomerName,
				q.Lang, c.intent, c.number, c.customer, c.lang)
		}
	}
	// Words of following that ask something else.
	for text, want := range map[string]understand.Intent{
		"can you follow up on 11039?": understand.Order,
		"où en est la 11039 ?":        understand.Order,
		"suivi de la 11039":           understand.Order,
	} {
		if q := p.Parse(text); q.Intent != want {
			t.Errorf("%q read as %s, want %s", text, q.Intent, want)
		}
	}
}
