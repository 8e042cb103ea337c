package ingest

import (
	"errors"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders"
)

func TestReadPeopleManagerColumn(t *testing.T) {
	text := "email;name;role;slack_user_id;digest_channel;language;manager\n" +
		"nadia.benali@example.fr;Nadia Benali;manager;U0MGR01;;fr;\n" +
		"claire.martin@example.fr;Claire Martin;rep;U0REP01;#ventes-sud;fr; Nadia.Benali@example.fr \n" +
		"helene.lefevre@example.fr;Hélène Lefèvre;assistant;U0ADV01;;fr;\n"
	people, err := readPeopleFrom("people.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != 3 || people[1].Manager != "Nadia.Benali@example.fr" || people[0].Manager != "" || people[2].Manager != "" {
		t.Errorf("people %+v", people)
	}
}

func TestReadPeopleRefusesAMalformedManager(t *testing.T) {
	text := "email,name,role,manager\n" +
		"nadia.benali@example.fr,Nadia Benali,manager,\n" +
		"claire.martin@example.fr,Claire Martin,rep,Nadia Benali\n" +
		"john.smith@example.fr,John Smith,rep,john.smith@example.fr\n" +
		"paul.girard@example.fr,Paul Girard,rep,\"nadia.benali@example.fr; dg@example.fr\"\n"
	_, err := readPeopleFrom("people.csv", strings.NewReader(text))
	var bad *orders.InputErrors
	if !errors.As(err, &bad) {
		t.Fatalf("error %v", err)
	}
	want := []string{
		`people.csv:3: column "manager": "Nadia Benali" is not an e-mail address (the manager's e-mail, as in their own row's email column)`,
		`people.csv:4: column "manager": john.smith@example.fr is the person's own e-mail: a person is not their own manager`,
		`people.csv:5: column "manager": "nadia.benali@example.fr; dg@example.fr" is not an e-mail address (the manager's e-mail, as in their own row's email column)`,
	}
	if len(bad.Problems) != len(want) {
		t.Fatalf("problems %v", bad)
	}
	for i, w := range want {
		if bad.Problems[i].Text != w {
			t.Errorf("problem %d: %q, want %q", i, bad.Problems[i].Text, w)
		}
	}
	_, err = readPeopleFrom("people.csv", strings.NewReader("email,name,role,boss\n"))
	if err == nil || !strings.Contains(err.Error(), "email,name,role,slack_user_id,digest_channel,language,manager)") {
		t.Errorf("unknown column: %v", err)
	}
}
