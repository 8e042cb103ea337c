package understand_test

import (
	"testing"

	"github.com/orderbot/orderbot/bot/understand"
)

func TestFollow(t *testing.T) {
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		before, msg, want string
	}{
		// A new subject keeps the previous filters.
		{"blocked orders for Bon app", "what about Ernst?", `customer name="Ernst" blocked follow_up="same" lang="en"`},
		{"ruptures chez Bon app", "et pour Ernst Handel ?", `customer name="Ernst Handel" blocked status="out_of_stock" follow_up="same" lang="fr"`},
		{"status of 10250", "and 10251?", `order number="10251" follow_up="same" lang="en"`},
		// A new scope or filter keeps the previous subject.
		{"mes commandes bloquées", "et pour l'équipe ?", `mine blocked scope="team" follow_up="same" lang="fr"`},
		{"commandes de Folies gourmandes", "et les bloquées ?", `customer name="Folies gourmandes" blocked follow_up="same" lang="fr"`},
		{"les cdes bloquées de l'équipe", "et en rupture ?", `reason blocked status="out_of_stock" scope="team" follow_up="same" lang="fr"`},
		// The next item of the previous answer.
		{"où en est la 11039 ?", "et la suivante ?", `order number="11039" follow_up="next" lang="fr"`},
		// The language of the conversation when the message's words do
		// not tell.
		{"orders for Bon app", "QUICK-Stop?", `customer name="QUICK-Stop"`},
		{"orders for Bon app", "and QUICK-Stop?", `customer name="QUICK-Stop" follow_up="same" lang="en"`},
		// A question of its own is not a follow-up.
		{"blocked orders for Bon app", "commandes de Ernst Handel", `customer name="Ernst Handel" lang="fr"`},
		// Nothing to follow: the message alone.
		{"merci", "et pour Bon app ?", `customer name="Bon app" follow_up="same" lang="fr"`},
	} {
		q := p.Parse(tc.msg).Follow(p.Parse(tc.before))
		if got := q.String(); got != tc.want {
			t.Errorf("%q then %q read as %s, want %s", tc.before, tc.msg, got, tc.want)
		}
		if q.Text != understand.Clean(tc.msg) {
			t.Errorf("%q then %q: the text is %q, want the message's", tc.before, tc.msg, q.Text)
		}
	}
}
