package understand_test

import (
	"testing"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// TestItemQuestions: who waits for an item, by its code or its
// description, in French and English; and the messages about waiting that
// ask something else.
func TestItemQuestions(t *testing.T) {
	v, err := understand.EvalVocabulary()
	if err != nil {
		t.Fatal(err)
	}
	for _, vocab := range []*understand.Vocabulary{nil, v} {
		p, err := understand.NewWith(understand.Options{Vocabulary: vocab})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			text, item string
			lang       orders.Language
			scope      understand.Scope
		}{
			{"qui attend du Chai ?", "Chai", orders.French, ""},
			{"quelles commandes attendent l'article 1234", "1234", orders.French, ""},
			{"quelles cdes attendent encore de la farine T65 ?", "farine T65", orders.French, ""},
			{"qui attend des bacs gastronormes chez moi ?", "bacs gastronormes", orders.French, understand.ScopeMine},
			{"orders waiting for item 1234", "1234", orders.English, ""},
			{"who is waiting for Chai", "Chai", orders.English, ""},
			{"who's waiting on CHAI-24?", "CHAI-24", orders.English, ""},
			{"which of my orders are waiting for the sku 4711", "4711", orders.English, understand.ScopeMine},
		}
		for _, c := range cases {
			q := p.Parse(c.text)
			if q.Intent != understand.Item || q.Item != c.item || q.Lang != c.lang || q.Scope != c.scope {
				t.Errorf("vocabulary %v: %q read as %s, want item %q in %s, scope %q", vocab != nil, c.text, q, c.item, c.lang, c.scope)
			}
		}
		for text, want := range map[string]understand.Intent{
			"le client attend la 10258":                   understand.Order,
			"il attend sa cde 4500019876 depuis lundi":    understand.Order,
			"which orders are waiting on customs docs?":   understand.Reason,
			"is Ernst Handel waiting on stock?":           understand.Customer,
			"what's awaiting stock?":                      understand.Reason,
			"order 4500012427 of 24 cases, still waiting": understand.Order,
			"les commandes en attente de paiement":        understand.Reason,
		} {
			if q := p.Parse(text); q.Intent != want {
				t.Errorf("vocabulary %v: %q read as %s, want %s", vocab != nil, text, q, want)
			}
		}
	}
}

// TestItemFollowUps: after who waits for an item, "et chez moi ?" asks
// the same of the asker's portfolio, "et la suivante ?" for the next
// order of the list.
func TestItemFollowUps(t *testing.T) {
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	prev := p.Parse("qui attend du Chai ?")
	if q := p.Parse("et chez moi ?").Follow(prev); q.Intent != understand.Item || q.Item != "Chai" || q.Scope != understand.ScopeMine {
		t.Errorf("\"et chez moi ?\" after %s read as %s", prev, q)
	}
	if q := p.Parse("et la suivante ?").Follow(prev); q.Intent != understand.Item || q.FollowUp != understand.Next {
		t.Errorf("\"et la suivante ?\" after %s read as %s", prev, q)
	}
}

// TestLinesAsked: asking for an order's detail asks for all its lines;
// asking where it stands does not.
func TestLinesAsked(t *testing.T) {
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"détail de 11077":             true,
		"lignes de la commande 11077": true,
		"lines of 11077":              true,
		"what's on order 11077":       true,
		"what's on order 11077?":      true,
		"contenu de la cde 11077":     true,
		"où en est la 11077 ?":        false,
		"status of 11077":             false,
	} {
		q := p.Parse(text)
		if q.Intent != understand.Order || q.Number != "11077" || q.Lines != want {
			t.Errorf("%q read as %s, want order 11077 with lines %v", text, q, want)
		}
	}
}

// TestItemsOfTheVocabulary: once the vocabulary knows the items open
// orders are short of, a word of shortage with one of them asks who waits
// for it; the same words without the vocabulary, or without an item,
// keep their reading.
func TestItemsOfTheVocabulary(t *testing.T) {
	v := understand.NewVocabulary(understand.VocabularySource{
		Customers: []string{"Boulangerie Dupré & Fils", "Établissements Müller SARL"},
		Reasons:   []understand.ReasonText{{Kind: orders.StatusOutOfStock, Text: "rupture fournisseur", Orders: 3}},
		Items: []understand.ItemName{{Code: "CHAI-24", Description: "Chai épicé 24 × 500 g"},
			{Code: "4711", Description: "Farine de blé T65, sac 25 kg"}},
	})
	with, err := understand.NewWith(understand.Options{Vocabulary: v})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	for text, item := range map[string]string{
		"rupture de Chai ?":                "Chai",
		"du chai épicé en rupture ?":       "chai épicé",
		"qui est en manque de farine T65":  "farine T65",
		"any orders short of CHAI-24?":     "CHAI-24",
		"qui attend de la farine chez moi": "farine",
	} {
		if q := with.Parse(text); q.Intent != understand.Item || q.Item != item {
			t.Errorf("%q read as %s, want item %q", text, q, item)
		}
	}
	for text, want := range map[string]understand.Intent{
		"commandes en rupture":              understand.Reason,
		"ruptures chez Dupré ?":             understand.Customer,
		"rupture fournisseur, quelles cdes": understand.Reason,
	} {
		if q := with.Parse(text); q.Intent != want {
			t.Errorf("%q read as %s, want %s", text, q, want)
		}
	}
	if q := bare.Parse("rupture de Chai ?"); q.Intent == understand.Item {
		t.Errorf("without the vocabulary, %q read as %s", "rupture de Chai ?", q)
	}
}
