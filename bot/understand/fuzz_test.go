package understand_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// checkReading fails t when q, the reading of msg, makes something up: an
// order number, a reference, a name or a person that is not part of the
// cleaned text, a first value that is not the first of its list, or a
// scope, role, follow-up, kind of block or language orderbot does not
// know.
func checkReading(t *testing.T, msg string, q understand.Question) {
	t.Helper()
	if !utf8.ValidString(q.Text) {
		t.Fatalf("the cleaned text of %q is not UTF-8: %q", msg, q.Text)
	}
	args := []string{q.Number, q.Ref, q.CustomerName, q.CustomerCode, q.Person}
	args = append(append(append(args, q.Numbers...), q.Refs...), q.CustomerNames...)
	for _, arg := range args {
		if arg != "" && !strings.Contains(q.Text, arg) {
			t.Fatalf("%q read as %s: %q is not in the message %q", msg, q, arg, q.Text)
		}
	}
	first := func(what, one string, all []string) {
		if len(all) > 0 && all[0] != one {
			t.Fatalf("%q read as %s: the first of the %s is %q, not %q", msg, q, what, all[0], one)
		}
	}
	first("numbers", q.Number, q.Numbers)
	first("references", q.Ref, q.Refs)
	first("customers", q.CustomerName, q.CustomerNames)
	switch q.Intent {
	case understand.Order:
		if len(q.Numbers) == 0 {
			t.Fatalf("%q read as an order without a number: %s", msg, q)
		}
		for _, n := range q.Numbers {
			if orders.NumberKey(n) == "" {
				t.Fatalf("%q read as an order with the number %q: %s", msg, n, q)
			}
		}
	case understand.Customer:
		if q.CustomerName == "" && q.CustomerCode == "" {
			t.Fatalf("%q read as a customer without a name or code: %s", msg, q)
		}
	case understand.CustomerRef:
		if q.Ref == "" {
			t.Fatalf("%q read as a reference without one: %s", msg, q)
		}
	}
	if !slices.Contains([]understand.Scope{"", understand.ScopeMine, understand.ScopeTeam, understand.ScopeAll, understand.ScopePerson}, q.Scope) {
		t.Fatalf("%q read with the scope %q", msg, q.Scope)
	}
	if q.Scope != understand.ScopePerson && (q.Person != "" || q.PersonRole != "") {
		t.Fatalf("%q read with a person outside a person's scope: %s", msg, q)
	}
	if !slices.Contains([]orders.Role{"", orders.RoleRep, orders.RoleAssistant, orders.RoleManager}, q.PersonRole) {
		t.Fatalf("%q read with the role %q", msg, q.PersonRole)
	}
	if !slices.Contains([]understand.FollowUp{"", understand.Again, understand.Next}, q.FollowUp) {
		t.Fatalf("%q read with the follow-up %q", msg, q.FollowUp)
	}
	if !slices.Contains([]orders.Language{"", orders.French, orders.English}, q.Lang) {
		t.Fatalf("%q read in the language %q", msg, q.Lang)
	}
	if (q.Status != "" || q.Reason != "") && !q.Status.Blocked() {
		t.Fatalf("%q read with a reason %q of the kind %q, which is not a kind of block", msg, q.Reason, q.Status)
	}
	if !slices.Contains(understand.Intents(), q.Intent) {
		t.Fatalf("%q read with the intent %q", msg, q.Intent)
	}
}

// FuzzParse reads anything without panicking, with and without the
// portfolio's vocabulary, and what it reads comes from the message (see
// checkReading); read as a follow-up of any question, it stays a question
// orderbot knows.
func FuzzParse(f *testing.F) {
	cases, err := understand.EvalSet()
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range cases {
		f.Add(c.Text, c.After)
	}
	for _, s := range []string{"", "<", "<@", "<!date^1|x>", "&amp;&lt;", "\xff\xfe", "0 00 00 00 00", "PO-", "réf client", "n°",
		"et", "and the next one", "n/", "v/réf", "Ets.", "S.A.", "&amp; Co.", "10250/10251", "2026-0043/12", "CP 75008"} {
		f.Add(s, "")
	}
	v, err := understand.EvalVocabulary()
	if err != nil {
		f.Fatal(err)
	}
	bare, err := understand.New("")
	if err != nil {
		f.Fatal(err)
	}
	known, err := understand.NewWith(understand.Options{Vocabulary: v})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg, before string) {
		for _, p := range []*understand.Parser{bare, known} {
			q := p.Parse(msg)
			checkReading(t, msg, q)
			prev := p.Parse(before)
			checkReading(t, before, prev)
			if !slices.Contains(understand.Intents(), q.Follow(prev).Intent) {
				t.Fatalf("%q after %q read as %s", msg, before, q.Follow(prev))
			}
		}
	})
}

// FuzzVocabulary builds a vocabulary from any portfolio's words, and reads
// a message naming them without panicking or making anything up.
func FuzzVocabulary(f *testing.F) {
	f.Add("Ernst Handel GmbH", "encours dépassé de 12 400 €", "SO-001234", "Julie Martin", "et pour ernst handel ? encours dépassé SO-1234")
	f.Add("Bon app'", "référence client manquante", "10248", "Tom", "commandes bloquées ref client manquante de Bon app et Tom")
	f.Add("", "", "", "", "")
	f.Add("é", "de de de", "0", "de", "de")
	f.Add("the", "a-b c/d", "SO", "S.A.", "the the a-b")
	f.Fuzz(func(t *testing.T, customer, reason, number, person, msg string) {
		v := understand.NewVocabulary(understand.VocabularySource{
			Numbers:   []string{number, "10248", number + "1"},
			Reasons:   []understand.ReasonText{{Kind: orders.StatusAnomaly, Text: reason}, {Kind: orders.StatusCreditLimit, Text: reason + " " + customer}},
			Customers: []string{customer, customer + " SARL", "Ernst Handel"},
			People:    []understand.PersonName{{Name: person, Role: orders.RoleRep}, {Name: customer, Role: orders.RoleAssistant}},
		})
		p, err := understand.NewWith(understand.Options{Vocabulary: v})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{msg, msg + " " + customer, reason, "cdes de " + customer + " et " + person, number} {
			checkReading(t, m, p.Parse(m))
		}
	})
}
