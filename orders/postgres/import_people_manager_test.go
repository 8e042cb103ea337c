package postgres_test

import (
	"testing"

	"github.com/orderbot/orderbot/orders"
)

func TestImportPeopleKeepsTheManager(t *testing.T) {
	f := setup(t)
	people := []orders.Person{
		{Email: "Claire.Martin@example.fr", Name: "Claire Martin", Role: orders.RoleRep, SlackUserID: "U0REP01",
			DigestChannel: "#ventes-sud", Language: orders.French, Manager: "nadia.benali@example.fr"},
		{Email: "nadia.benali@example.fr", Name: "Nadia Benali", Role: orders.RoleManager, Manager: ""},
		{Email: "new.rep@example.fr", Name: "Nouveau Commercial", Role: orders.RoleRep, Manager: "Nadia.Benali@example.fr"},
	}
	rep, err := f.st.ImportPeople(f.ctx, "people.csv", "x", people, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Created != 2 {
		t.Errorf("report %+v", rep)
	}
	for email, want := range map[string]string{"claire.martin@example.fr": "nadia.benali@example.fr",
		"new.rep@example.fr": "Nadia.Benali@example.fr", "nadia.benali@example.fr": ""} {
		if p, err := f.st.PersonByEmail(f.ctx, email); err != nil || p.Manager != want {
			t.Errorf("%s: manager %q, %v; want %q", email, p.Manager, err, want)
		}
	}
	if again, err := f.st.ImportPeople(f.ctx, "people.csv", "x", people, false); err != nil || again.Unchanged != 3 {
		t.Errorf("re-import %+v, %v", again, err)
	}
	// A new manager is a change; no manager any more is one too.
	people[0].Manager, people[2].Manager = "dg@example.fr", ""
	if again, err := f.st.ImportPeople(f.ctx, "people.csv", "y", people, false); err != nil || again.Updated != 2 {
		t.Errorf("change of managers %+v, %v", again, err)
	}
	if p, _ := f.st.PersonByEmail(f.ctx, "claire.martin@example.fr"); p.Manager != "dg@example.fr" {
		t.Errorf("new manager %q", p.Manager)
	}
	if p, _ := f.st.PersonByEmail(f.ctx, "new.rep@example.fr"); p.Manager != "" {
		t.Errorf("manager removed: %q", p.Manager)
	}
}
