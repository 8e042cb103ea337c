package postgres_test

import (
	"fmt"
	"testing"

	"github.com/orderbot/orderbot/orders"
)

// names is a customer list with near neighbours, so that a match has to be
// earned: shared words, the same surname in other trades, accents.
var names = []string{
	"Boulangerie Dupré & Fils", "Boulangerie Dupont", "Dupré SA", "Pâtisserie Duprat",
	"Établissements Müller SARL", "Établissements Mullier", "Müller Transports",
	"Boucherie Lefèvre", "Boucherie Lefèvre & Cie", "Bénard Frères", "Bernard Traiteur",
	"Spécialités du Monde", "Carrefour Market Lyon 3", "Café de la Gare",
}

func (f *fixture) searchPortfolio() {
	f.t.Helper()
	for i, n := range names {
		c, ok := f.customers[n]
		if !ok {
			c = f.customer(fmt.Sprintf("C%06d", 100+i), n)
		}
		f.order(fmt.Sprintf("45%08d", i), c, orders.StatusOpen, 1000)
	}
}

func TestCustomersByNameFindsTheCustomerMeant(t *testing.T) {
	f := setup(t)
	f.searchPortfolio()
	cases := []struct{ query, want string }{
		{"etablissements muller", "Établissements Müller SARL"},
		{"Etablissements Müller", "Établissements Müller SARL"},
		{"ÉTABLISSEMENTS MULLER SARL", "Établissements Müller SARL"},
		{"boulangerie dupre", "Boulangerie Dupré & Fils"},
		{"Boulangerie Dupré et fils", "Boulangerie Dupré & Fils"},
		{"boulangerie-dupre", "Boulangerie Dupré & Fils"},
		{"specialites du monde", "Spécialités du Monde"},
		{"spécialités du monde :", "Spécialités du Monde"},
		{"carrefour lyon 3", "Carrefour Market Lyon 3"},
	}
	for _, c := range cases {
		got, err := f.st.CustomersByName(f.ctx, c.query, 5)
		if err != nil {
			t.Fatal(err)
		}
		m, clear := orders.ClearMatch(got)
		if !clear || m.Name != c.want {
			t.Errorf("CustomersByName(%q): clear=%v, candidates %s; want %q clearly", c.query, clear, describe(got), c.want)
		}
		if clear && m.OpenOrders != 1 {
			t.Errorf("CustomersByName(%q): open orders = %d, want 1", c.query, m.OpenOrders)
		}
	}
}

func TestCustomersByNameToleratesTypos(t *testing.T) {
	f := setup(t)
	f.searchPortfolio()
	cases := []struct{ query, want string }{
		{"boulangeire dupre", "Boulangerie Dupré & Fils"},
		{"etablisements mueller", "Établissements Müller SARL"},
		{"benrad", "Bénard Frères"},
		{"specialite du mond", "Spécialités du Monde"},
	}
	for _, c := range cases {
		got, err := f.st.CustomersByName(f.ctx, c.query, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].Name != c.want {
			t.Errorf("CustomersByName(%q) = %s, want %q first", c.query, describe(got), c.want)
		}
	}
}

func TestCustomersByNameAmbiguous(t *testing.T) {
	f := setup(t)
	f.searchPortfolio()
	got, err := f.st.CustomersByName(f.ctx, "boucherie lefevre", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 2 {
		t.Fatalf("candidates %s, want both Boucherie Lefèvre", describe(got))
	}
	top := map[string]bool{got[0].Name: true, got[1].Name: true}
	if !top["Boucherie Lefèvre"] || !top["Boucherie Lefèvre & Cie"] {
		t.Errorf("first two candidates %s, want both Boucherie Lefèvre", describe(got))
	}
	if d := got[0].Score - got[1].Score; d > 0.05 {
		t.Errorf("scores %.2f and %.2f are not close", got[0].Score, got[1].Score)
	}
	if _, clear := orders.ClearMatch(got); clear {
		t.Errorf("ClearMatch chose one of %s", describe(got))
	}

	got, err = f.st.CustomersByName(f.ctx, "dupre", 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, clear := orders.ClearMatch(got); clear || len(got) < 2 {
		t.Errorf(`"dupre" names two customers, got %s`, describe(got))
	}
}

func TestCustomersByNameFallsBackToCustomersWithoutOpenOrders(t *testing.T) {
	f := setup(t)
	f.searchPortfolio()
	f.customer("C009999", "Fromagerie Vasseur")
	got, err := f.st.CustomersByName(f.ctx, "fromagerie vasseur", 5)
	if err != nil {
		t.Fatal(err)
	}
	m, clear := orders.ClearMatch(got)
	if !clear || m.Name != "Fromagerie Vasseur" || m.OpenOrders != 0 {
		t.Errorf("candidates %s, want Fromagerie Vasseur with no open orders", describe(got))
	}
	got, err = f.st.CustomersByName(f.ctx, "zzqx wwkj", 5)
	if err != nil || len(got) != 0 {
		t.Errorf("nonsense query: %s, %v", describe(got), err)
	}
	_, err = f.st.CustomersByName(f.ctx, "  ", 5)
	wantCode(t, err, orders.EInvalid)
}

func TestMetacharactersAreStoredAndFoundVerbatim(t *testing.T) {
	f := setup(t)
	f.searchPortfolio()
	weird := []string{
		`O'Brien "<!channel>" & Co; DROP TABLE orders;--`,
		`Café *Gras* _Italique_ ~Barré~ <@U123|moi> %_\`,
		`Robert'); DELETE FROM customers WHERE ('1'='1`,
	}
	for i, name := range weird {
		c := f.customer(fmt.Sprintf("C'%d;--", i), name)
		f.order(fmt.Sprintf("WX-%d", i), c, orders.StatusAnomaly, 100, orders.StatusAnomaly)
	}
	for i, name := range weird {
		got, err := f.st.CustomersByName(f.ctx, name, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].Name != name {
			t.Errorf("CustomersByName(%q) = %s", name, describe(got))
		}
		byCode, err := f.st.CustomerByCode(f.ctx, fmt.Sprintf("C'%d;--", i))
		if err != nil || byCode.Name != name {
			t.Errorf("CustomerByCode: %+v, %v", byCode, err)
		}
		o, err := f.st.OrderByNumber(f.ctx, fmt.Sprintf("WX-%d", i))
		if err != nil || o.Customer.Name != name {
			t.Errorf("OrderByNumber: %+v, %v", o.Customer, err)
		}
	}
	// The tables are all still there, with every row.
	got, err := f.st.CustomersByName(f.ctx, "boulangerie dupre", 3)
	if err != nil || len(got) == 0 {
		t.Errorf("after the odd names: %s, %v", describe(got), err)
	}
}

func TestCustomerByCode(t *testing.T) {
	f := setup(t)
	for _, typed := range []string{"C001234", "c001234", "C-001234", "c 1234"} {
		c, err := f.st.CustomerByCode(f.ctx, typed)
		if err != nil || c.ID != f.dupre.ID {
			t.Errorf("CustomerByCode(%q) = %+v, %v", typed, c, err)
		}
	}
	_, err := f.st.CustomerByCode(f.ctx, "C999999")
	wantCode(t, err, orders.ENotFound)
}

func describe(ms []orders.CustomerMatch) string {
	s := "["
	for i, m := range ms {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%q %.2f", m.Name, m.Score)
	}
	return s + "]"
}

func TestNamesWithoutLatinLettersAreFoundWhenTypedExactly(t *testing.T) {
	f := setup(t)
	c := f.customer("C000900", "Москва Трейд")
	f.order("RU-1", c, orders.StatusOpen, 100)
	got, err := f.st.CustomersByName(f.ctx, "москва трейд", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != c.ID {
		t.Errorf("candidates %s", describe(got))
	}
}
