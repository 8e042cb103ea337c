package ingest

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/orderbot/orderbot/orders"
)

// readPeopleFrom reads a people file from r under the default options.
func readPeopleFrom(name string, r io.Reader) ([]orders.Person, error) {
	return readPeople(context.Background(), name, r, PeopleOptions{Limits: DefaultLimits()})
}

func TestReadPeople(t *testing.T) {
	text := "email;name;role;slack_user_id;digest_channel;language\n" +
		"claire.martin@example.fr;Hélène Lefèvre;assistant;U0ADV01;;fr\n" +
		"\n" +
		"paul@example.fr;Paul Girard;REP;;#ventes-est;\n"
	raw, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	people, err := readPeopleFrom("people.csv", strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != 2 || people[0].Name != "Hélène Lefèvre" || people[0].Role != orders.RoleAssistant ||
		people[0].SlackUserID != "U0ADV01" || people[0].Language != orders.French ||
		people[1].Role != orders.RoleRep || people[1].DigestChannel != "#ventes-est" {
		t.Errorf("people %+v", people)
	}
}

func TestReadPeopleReportsEveryBadRow(t *testing.T) {
	text := "email,name,role\n" +
		"a@example.fr,A,rep\n" +
		"nope,B,rep\n" +
		"c@example.fr,C,boss\n" +
		"A@example.fr,A bis,manager\n" +
		",D,rep\n"
	_, err := readPeopleFrom("people.csv", strings.NewReader(text))
	var bad *orders.InputErrors
	if !errors.As(err, &bad) {
		t.Fatalf("error %v", err)
	}
	want := []string{
		`people.csv:3: column "email": "nope" is not an e-mail address`,
		`people.csv:4: column "role": "boss" is not a role (rep, assistant, manager)`,
		`people.csv:5: column "email": A@example.fr appears twice (first on line 2)`,
		`people.csv:6: column "email": the e-mail is missing`,
	}
	if len(bad.Problems) != len(want) {
		t.Fatalf("problems %v", bad)
	}
	for i, w := range want {
		if bad.Problems[i].Text != w {
			t.Errorf("problem %d: %q, want %q", i, bad.Problems[i].Text, w)
		}
	}
	for _, c := range []struct{ text, want string }{
		{"", "people.csv: the file is empty"},
		{"email,name\na@b.fr,A\n", `people.csv: no column "role"`},
		{"email,name,role,slack\n", `people.csv: unknown column "slack"`},
	} {
		_, err := readPeopleFrom("people.csv", strings.NewReader(c.text))
		if err == nil || !strings.HasPrefix(orders.ErrorMessage(err), c.want) {
			t.Errorf("%q: %v, want %s", c.text, err, c.want)
		}
	}
}
