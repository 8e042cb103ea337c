package postgres_test

import (
	"slices"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// save stores o, written the way an ERP export is: reps and assistants by
// e-mail, blocks with their reasons.
func (f *fixture) save(o orders.Order) {
	f.t.Helper()
	if o.Currency == "" {
		o.Currency = "EUR"
	}
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err != nil {
		f.t.Fatalf("save order %s: %v", o.Number, err)
	}
}

func blocked(kind orders.Status, reason string) orders.Block {
	return orders.Block{Kind: kind, Reason: reason}
}

// held returns an order of c held for blocks, the first giving its status.
func held(number string, c orders.Customer, rep, asst *orders.Person, blocks ...orders.Block) orders.Order {
	return orders.Order{Number: number, Customer: c, Status: blocks[0].Kind, BlockReason: blocks[0].Reason,
		Rep: rep, Assistant: asst, Blocks: blocks, AmountCents: 1000}
}

func TestVocabularyOfThePortfolio(t *testing.T) {
	f := setup(t)
	f.save(held("4500000001", f.dupre, &f.rep, &f.asst, blocked(orders.StatusFinancialBlock, "3 factures échues impayées (21 480 €)"),
		blocked(orders.StatusCreditLimit, "encours dépassé de 12 400 €")))
	f.save(held("4500000002", f.muller, &f.rep2, nil, blocked(orders.StatusCreditLimit, "encours dépassé de 12 400 €")))
	// An ERP that writes a blocked status and its reason, and no blocks.
	f.save(orders.Order{Number: "SO-000003", Customer: f.muller, Status: orders.StatusAnomaly, BlockReason: "RIB manquant", AmountCents: 1})
	f.save(orders.Order{Number: "4500000004", Customer: f.dupre, Status: orders.StatusInvoiced, AmountCents: 1,
		ClosedAt: &f.now, Blocks: []orders.Block{blocked(orders.StatusAnomaly, "fermée")}})
	f.customer("C009999", "Cave Noël & Bérard")

	numbers, err := f.st.RecentNumbers(f.ctx, 3)
	if err != nil || !slices.Equal(numbers, []string{"4500000004", "SO-000003", "4500000002"}) {
		t.Errorf("the 3 recent numbers: %v, %v", numbers, err)
	}
	reasons, err := f.st.BlockReasons(f.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := map[orders.Status]map[string]int{
		orders.StatusCreditLimit:    {"encours dépassé de 12 400 €": 2},
		orders.StatusFinancialBlock: {"3 factures échues impayées (21 480 €)": 1},
		orders.StatusAnomaly:        {"RIB manquant": 1},
	}
	if len(reasons) != len(want) {
		t.Errorf("reasons %v, want %v (a closed order's left out)", reasons, want)
	}
	for k, rs := range want {
		for r, n := range rs {
			if reasons[k][r] != n {
				t.Errorf("%s %q held %d open orders, want %d (all: %v)", k, r, reasons[k][r], n, reasons)
			}
		}
	}
	names, err := f.st.CustomerNames(f.ctx, 100)
	if err != nil || len(names) != 3 || names[2] != "Cave Noël & Bérard" {
		t.Errorf("customer names %q, %v: want three, those with open orders first", names, err)
	}
	people, err := f.st.Directory(f.ctx)
	if err != nil || len(people) != 4 || people[0].Name != "Claire Martin" || people[0].Role != orders.RoleRep {
		t.Errorf("the directory: %+v, %v", people, err)
	}
}

func TestDataVersion(t *testing.T) {
	f := setup(t)
	_, known, run, err := f.st.DataVersion(f.ctx)
	if err != nil || known || run != 0 {
		t.Fatalf("nothing imported: known %v, run %d, %v", known, run, err)
	}
	if err := f.st.RecordLoad(f.ctx, "sample", f.now, 1); err != nil {
		t.Fatal(err)
	}
	asOf, known, first, err := f.st.DataVersion(f.ctx)
	if err != nil || !known || !asOf.Equal(f.now) || first == 0 {
		t.Fatalf("after a load: %v %v run %d, %v", asOf, known, first, err)
	}
	if _, err := f.st.ImportPeople(f.ctx, "people.csv", "x", []orders.Person{{Email: "new@example.fr", Name: "Nina Nouvelle",
		Role: orders.RoleRep}}, false); err != nil {
		t.Fatal(err)
	}
	asOf, _, second, err := f.st.DataVersion(f.ctx)
	if err != nil || !asOf.Equal(f.now) || second <= first {
		t.Errorf("after a people import: as of %v (want %v, the orders'), run %d after %d, %v", asOf, f.now, second, first, err)
	}
}

func TestPeopleNamed(t *testing.T) {
	f := setup(t)
	f.person(orders.Person{Email: "claire.dubois@example.fr", Name: "Claire Dubois", Role: orders.RoleAssistant})
	f.person(orders.Person{Email: "francois@example.fr", Name: "François Dubœuf", Role: orders.RoleRep})
	for _, c := range []struct {
		name string
		want []string
	}{
		{"Claire", []string{"Claire Dubois", "Claire Martin"}},
		{"claire martin", []string{"Claire Martin"}},
		{"MARTIN", []string{"Claire Martin"}},
		{"duboeuf", []string{"François Dubœuf"}},
		{"francois duboeuf", []string{"François Dubœuf"}},
		{"Hélène", []string{"Hélène Lefèvre"}},
		{"helene lefevre", []string{"Hélène Lefèvre"}},
		{"Clai", nil},
		{"Claire Zola", nil},
		{"  ", nil},
		{"%", nil},
	} {
		got, err := f.st.PeopleNamed(f.ctx, c.name, 10)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range got {
			names = append(names, p.Name)
		}
		if !slices.Equal(names, c.want) {
			t.Errorf("people named %q: %q, want %q", c.name, names, c.want)
		}
	}
}

func TestTeamsAndReasons(t *testing.T) {
	f := setup(t)
	third := f.person(orders.Person{Email: "nadia@example.fr", Name: "Nadia Benali", Role: orders.RoleRep})
	f.save(held("A-1", f.dupre, &f.rep, &f.asst, blocked(orders.StatusCreditLimit, "encours dépassé de 12 400 €"),
		blocked(orders.StatusDeliveryBlock, "adresse de livraison incomplète (code porte manquant)")))
	f.save(held("A-2", f.muller, &f.rep2, &f.asst, blocked(orders.StatusDeliveryBlock, "Adresse de LIVRAISON incomplète")))
	f.save(held("A-3", f.muller, &third, nil, blocked(orders.StatusDeliveryBlock, "quai de livraison fermé")))
	f.save(held("A-4", f.dupre, &third, nil, blocked(orders.StatusDeliveryBlock, "adresse incomplète")))
	// An order blocked without a block of its own: its reason is not the
	// blocks'.
	f.save(orders.Order{Number: "A-6", Customer: f.dupre, Status: orders.StatusDeliveryBlock, BlockReason: "adresse incomplète",
		AmountCents: 1})
	f.save(orders.Order{Number: "A-5", Customer: f.dupre, Status: orders.StatusOpen, Rep: &third, Assistant: &f.asst, AmountCents: 1})

	cases := []struct {
		name   string
		filter orders.OrderFilter
		want   []string
	}{
		{"a team of reps", orders.OrderFilter{AnyRepID: []int64{f.rep.ID, third.ID}}, []string{"A-1", "A-3", "A-4", "A-5"}},
		{"reps or an assistant", orders.OrderFilter{AnyRepID: []int64{f.rep2.ID}, AnyAssistantID: []int64{f.asst.ID}}, []string{"A-1", "A-2", "A-5"}},
		{"a reason's words", orders.OrderFilter{HeldFor: orders.StatusDeliveryBlock, Reason: "adresse incomplète"}, []string{"A-1", "A-2", "A-4"}},
		{"case and accents", orders.OrderFilter{HeldFor: orders.StatusDeliveryBlock, Reason: "ADRESSE de livraison incomplete"}, []string{"A-1", "A-2"}},
		{"a reason of another kind", orders.OrderFilter{HeldFor: orders.StatusCreditLimit, Reason: "adresse"}, nil},
		{"any kind", orders.OrderFilter{Reason: "livraison"}, []string{"A-1", "A-2", "A-3"}},
		{"the kind alone", orders.OrderFilter{HeldFor: orders.StatusDeliveryBlock}, []string{"A-1", "A-2", "A-3", "A-4", "A-6"}},
		{"a word in no reason", orders.OrderFilter{HeldFor: orders.StatusDeliveryBlock, Reason: "adresse fermée"}, nil},
		{"a part of a word", orders.OrderFilter{HeldFor: orders.StatusDeliveryBlock, Reason: "adress"}, nil},
		{"a reason in a team", orders.OrderFilter{AnyRepID: []int64{third.ID}, Reason: "adresse"}, []string{"A-4"}},
	}
	for _, c := range cases {
		l, err := f.st.OpenOrders(f.ctx, c.filter)
		if err != nil {
			t.Fatal(err)
		}
		got := numbers(l)
		slices.Sort(got)
		if !slices.Equal(got, c.want) || l.Total != len(c.want) {
			t.Errorf("%s: %v (total %d), want %v", c.name, got, l.Total, c.want)
		}
	}

	people, err := f.st.OpenOrderPeople(f.ctx, orders.OrderFilter{AssistantID: f.asst.ID, BlockedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range people {
		names = append(names, p.Name)
	}
	if want := []string{"Claire Martin", "Hélène Lefèvre", "John Smith", "Nadia Benali"}; !slices.Equal(names, want) {
		t.Errorf("the people of the assistant's open orders: %q, want %q", names, want)
	}
}

func TestNextOrder(t *testing.T) {
	f := setup(t)
	for _, n := range []string{"4500012345", "4500012399", "SO-001234", "SO-001301", "SOX-001240", "0004500099", "4500012350"} {
		f.order(n, f.dupre, orders.StatusOpen, 100)
	}
	closed := f.now.Add(-time.Hour)
	f.save(orders.Order{Number: "4500012346", Customer: f.dupre, Status: orders.StatusInvoiced, ClosedAt: &closed, Rep: &f.rep2, AmountCents: 1})
	for _, c := range []struct {
		after string
		f     orders.OrderFilter
		want  string
	}{
		{"4500012345", orders.OrderFilter{}, "4500012346"},
		{"4500012345", orders.OrderFilter{RepID: f.rep.ID}, "4500012350"},
		{"4 500 012 350", orders.OrderFilter{}, "4500012399"},
		{"4500012399", orders.OrderFilter{}, ""},
		{"SO-001234", orders.OrderFilter{}, "SO-001301"},
		{"so 1301", orders.OrderFilter{}, ""},
		{"4500012340", orders.OrderFilter{AssistantID: f.asst.ID}, "4500012345"},
	} {
		o, err := f.st.NextOrder(f.ctx, c.after, c.f)
		switch {
		case c.want == "" && orders.ErrorCode(err) != orders.ENotFound:
			t.Errorf("after %s: %s, %v; want none", c.after, o.Number, err)
		case c.want != "" && (err != nil || o.Number != c.want):
			t.Errorf("after %s: %s, %v; want %s", c.after, o.Number, err, c.want)
		}
	}
}
