package understand_test

import (
	"testing"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

func TestReleaseRequests(t *testing.T) {
	p, err := understand.NewWith(understand.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		msg, number, note string
		lang              orders.Language
	}{
		{"demande de déblocage 11039", "11039", "", orders.French},
		{"Demande de déblocage de la commande 4500011039 : le client a viré 20 000 € ce matin", "4500011039", "le client a viré 20 000 € ce matin", orders.French},
		{"je voudrais demander le déblocage de la 11039: «\u00a0paiement reçu\u00a0»", "11039", "paiement reçu", orders.French},
		{"demande deblocage 11039", "11039", "", orders.French},
		{"request release of 11039", "11039", "", orders.English},
		{"Please request the release of order SO-11039: customer paid this morning", "SO-11039", "customer paid this morning", orders.English},
		{"can you ask for release of 11039?", "11039", "", orders.English},
	} {
		q := p.Parse(tc.msg)
		if q.Intent != understand.AskRelease || q.Number != tc.number || q.Note != tc.note || q.Lang != tc.lang {
			t.Errorf("%q read as %s %q note %q lang %s; want release %q note %q lang %s",
				tc.msg, q.Intent, q.Number, q.Note, q.Lang, tc.number, tc.note, tc.lang)
		}
	}
	// Questions about a release are not requests; a request names one
	// order.
	for _, msg := range []string{"11039 débloquée ?", "quand 11039 sera débloquée ?", "demande de déblocage", "request release of 11039 and 11040",
		"when will 11039 be released?", "demande de déblocage Boulangerie Dupré"} {
		if q := p.Parse(msg); q.Intent == understand.AskRelease {
			t.Errorf("%q read as a release request", msg)
		}
	}
}
