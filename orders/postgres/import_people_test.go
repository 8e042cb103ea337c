package postgres_test

import (
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

func TestImportPeopleCompletesPlaceholders(t *testing.T) {
	f := setup(t)
	e := entry("4500000001", "C001", orders.StatusOpen)
	e.Rep, e.Assistant = "paul.girard@example.fr", ""
	if _, err := f.importOrders(postgres.ImportRequest{}, e); err != nil {
		t.Fatal(err)
	}
	e.Number, e.Rep = "4500000002", "Sophie Roux"
	if _, err := f.importOrders(postgres.ImportRequest{PeopleBy: orders.ByName}, e); err != nil {
		t.Fatal(err)
	}
	run, ok, err := f.st.LastImport(f.ctx)
	if err != nil || !ok || !run.AsOf.Equal(f.now) || run.Source != "export.csv" {
		t.Errorf("last import %+v %v %v", run, ok, err)
	}
	people := []orders.Person{
		{Email: "Paul.Girard@example.fr", Name: "Paul Girard", Role: orders.RoleRep, SlackUserID: "U0PAUL", DigestChannel: "#ventes-est"},
		{Email: "sophie.roux@example.fr", Name: "sophie roux", Role: orders.RoleRep},
		{Email: "Claire.Martin@example.fr", Name: "Claire Martin", Role: orders.RoleRep, SlackUserID: "U0REP01",
			DigestChannel: "#ventes-sud", Language: orders.French},
		{Email: "new.manager@example.fr", Name: "Nouvelle Directrice", Role: orders.RoleManager},
	}
	rep, err := f.st.ImportPeople(f.ctx, "people.csv", "x", people, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Completed != 2 || rep.Created != 1 || rep.Unchanged != 1 || rep.Updated != 0 {
		t.Errorf("report %+v", rep)
	}
	o, _ := f.st.OrderByNumber(f.ctx, "4500000002")
	if o.Rep == nil || o.Rep.Email != "sophie.roux@example.fr" || o.Rep.Placeholder {
		t.Errorf("the order's rep is %+v", o.Rep)
	}
	p, err := f.st.PersonBySlackID(f.ctx, "U0PAUL")
	if err != nil || p.Placeholder || p.DigestChannel != "#ventes-est" {
		t.Errorf("completed placeholder %+v, %v", p, err)
	}
	again, err := f.st.ImportPeople(f.ctx, "people.csv", "x", people, false)
	if err != nil || again.Unchanged != 4 {
		t.Errorf("re-import %+v, %v", again, err)
	}
	// A Slack ID already taken by someone else: a conflict, nothing applied.
	people[3].SlackUserID = "U0PAUL"
	_, err = f.st.ImportPeople(f.ctx, "people.csv", "y", people, false)
	wantCode(t, err, orders.EConflict)
	if p, _ := f.st.PersonByEmail(f.ctx, "new.manager@example.fr"); p.SlackUserID != "" {
		t.Errorf("a failed import changed %+v", p)
	}
}
