package understand_test

import (
	"sync"
	"testing"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// portfolio is a small portfolio's vocabulary: five-digit order numbers
// from 10248, a few reasons, customers and people.
func portfolio() understand.VocabularySource {
	src := understand.VocabularySource{
		Reasons: []understand.ReasonText{
			{Kind: orders.StatusFinancialBlock, Text: "3 factures échues impayées", Orders: 12},
			{Kind: orders.StatusFinancialBlock, Text: "2 factures échues impayées", Orders: 4},
			{Kind: orders.StatusAnomaly, Text: "conditions de paiement à valider"},
			{Kind: orders.StatusAnomaly, Text: "missing customer reference"},
			{Kind: orders.StatusDeliveryBlock, Text: "customs documents missing"},
			{Kind: orders.StatusCreditLimit, Text: "encours dépassé de 12 400 €"},
		},
		Customers: []string{"Ernst Handel", "Bon app'", "Victuailles en stock", "Hungry Owl All-Night Grocers"},
		People:    []understand.PersonName{{Name: "Julie Martin", Role: orders.RoleRep}, {Name: "Claire Petit", Role: orders.RoleAssistant}},
	}
	for n := 10248; n < 11078; n += 7 {
		src.Numbers = append(src.Numbers, itoa(n))
	}
	return src
}

func itoa(n int) string {
	b := []byte{}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestVocabularyReadings(t *testing.T) {
	v := understand.NewVocabulary(portfolio())
	if v.Customers() != 4 || v.Reasons() != 5 {
		t.Errorf("the vocabulary knows %d customers and %d reasons, want 4 and 5 (two reasons differ by their numbers only)", v.Customers(), v.Reasons())
	}
	bare, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	known, err := understand.NewWith(understand.Options{Vocabulary: v})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		msg        string
		bare, with string // the readings without and with the vocabulary
	}{
		// A number of another shape than the portfolio's is no order when a
		// known customer is named; a number of its shape stays one.
		{"Ernst Handel (8010 Graz) blocked orders?", `order number="8010" lang="en"`, `customer name="Ernst Handel" blocked lang="en"`},
		{"la 10250 doit être livrée au 75008 Paris", `order number="10250" lang="fr"`, `order number="10250" lang="fr"`},
		// The portfolio's reasons, their numbers aside, abbreviated or
		// mistyped; its kind wins over the trade's words.
		{"cdes bloquées factures échues", `reason blocked status="financial_block" lang="fr"`,
			`reason blocked status="financial_block" reason="factures échues" lang="fr"`},
		{"conditions de paiement à valider", `reason blocked status="anomaly" lang="fr"`,
			`reason blocked status="anomaly" reason="conditions de paiement à valider" lang="fr"`},
		{"mising customer ref", `reason blocked status="anomaly" lang="en"`,
			`reason blocked status="anomaly" reason="missing customer reference" lang="en"`},
		{"waiting on customs docs", `reason blocked status="delivery_block" lang="en"`,
			`reason blocked status="delivery_block" reason="customs documents" lang="en"`},
		// A known customer's words are its own: no block, no scope.
		{"les cdes de Victuailles en stock", `customer name="Victuailles" lang="fr"`, `customer name="Victuailles en stock" lang="fr"`},
		{"Hungry Owl All-Night Grocers orders", `customer name="Hungry Owl All-Night Grocers" lang="en"`,
			`customer name="Hungry Owl All-Night Grocers" lang="en"`},
		// The directory's people are scopes, not customers.
		{"les commandes de Julie Martin", `customer name="Julie Martin" lang="fr"`, `mine scope="person" person="Julie Martin" role="rep" lang="fr"`},
		{"Claire's blocked orders", `customer name="Claire" blocked lang="en"`, `mine blocked scope="person" person="Claire" role="assistant" lang="en"`},
		// Known customers are split where the rules cannot tell.
		{"bon app & ernst handel blocked orders?", `customer name="bon app & ernst handel" blocked lang="en"`,
			`customer name="bon app" names=["bon app" "ernst handel"] blocked lang="en"`},
	} {
		if got := bare.Parse(tc.msg).String(); got != tc.bare {
			t.Errorf("without a vocabulary, %q read as %s, want %s", tc.msg, got, tc.bare)
		}
		if got := known.Parse(tc.msg).String(); got != tc.with {
			t.Errorf("with the vocabulary, %q read as %s, want %s", tc.msg, got, tc.with)
		}
	}
}

// TestSetVocabulary replaces the vocabulary while other goroutines read
// (run with -race): each reading is made with one vocabulary or the other,
// never half of each.
func TestSetVocabulary(t *testing.T) {
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	const msg = "les commandes de Julie Martin"
	if q := p.Parse(msg); q.Intent != understand.Customer {
		t.Fatalf("without a vocabulary, %q read as %s, want a customer", msg, q)
	}
	v := understand.NewVocabulary(portfolio())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				q := p.Parse(msg)
				customer := q.Intent == understand.Customer && q.Scope == ""
				person := q.Intent == understand.Mine && q.Scope == understand.ScopePerson && q.Person == "Julie Martin"
				if !customer && !person {
					t.Errorf("%q read as %s while the vocabulary changed", msg, q)
					return
				}
			}
		}()
	}
	for i := range 100 {
		if i%2 == 0 {
			p.SetVocabulary(v)
		} else {
			p.SetVocabulary(nil)
		}
	}
	wg.Wait()
	p.SetVocabulary(v)
	if p.Vocabulary() != v {
		t.Fatal("Vocabulary does not return the vocabulary set")
	}
	if q := p.Parse(msg); q.Scope != understand.ScopePerson || q.Person != "Julie Martin" {
		t.Errorf("with the directory's people, %q read as %s, want Julie Martin's portfolio", msg, q)
	}
}

// TestVocabularyIgnoresWhatItCannotUse builds a vocabulary from an ERP's
// leftovers without failing, and reads with it as without one.
func TestVocabularyIgnoresWhatItCannotUse(t *testing.T) {
	v := understand.NewVocabulary(understand.VocabularySource{
		Numbers:   []string{"", "-", "A", "12", "SO-"},
		Reasons:   []understand.ReasonText{{Kind: orders.StatusOpen, Text: "en cours"}, {Kind: orders.StatusAnomaly, Text: "1234 / 56"}, {Kind: orders.StatusAnomaly}},
		Customers: []string{"", "  ", "?", "de"},
		People:    []understand.PersonName{{Name: ""}, {Name: "!!"}},
	})
	if v.Customers() != 0 || v.Reasons() != 0 {
		t.Errorf("the vocabulary kept %d customers and %d reasons of nothing", v.Customers(), v.Reasons())
	}
	p, err := understand.NewWith(understand.Options{Vocabulary: v})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"la 75008", "commandes de de", "en cours ?", "10250 et 10251"} {
		if got, want := p.Parse(msg).String(), bare.Parse(msg).String(); got != want {
			t.Errorf("%q read as %s with an empty vocabulary, %s without", msg, got, want)
		}
	}
}
