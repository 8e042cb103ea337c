package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// peopleFile writes the directory as French Excel saves it: Windows-1252,
// ';', CRLF.
func peopleFile(t *testing.T, text string) string {
	t.Helper()
	return writeFile(t, "personnes.csv", encode1252(t, strings.ReplaceAll(text, "\n", "\r\n")))
}

// peopleProblems reads the file and returns each problem's text, with the
// file's path as "people.csv".
func peopleProblems(t *testing.T, path string, opt ingest.PeopleOptions) ([]orders.Person, []string) {
	t.Helper()
	people, err := ingest.ReadPeopleContext(t.Context(), path, opt)
	if err == nil {
		return people, nil
	}
	var bad *orders.InputErrors
	if !errors.As(err, &bad) {
		return nil, []string{strings.ReplaceAll(orders.ErrorMessage(err), path, "people.csv")}
	}
	var out []string
	for _, p := range bad.Problems {
		out = append(out, strings.ReplaceAll(p.Text, path, "people.csv"))
	}
	if bad.More > 0 {
		out = append(out, "and more")
	}
	return nil, out
}

func TestPeopleSlackIDs(t *testing.T) {
	path := peopleFile(t, "email;name;role;slack_user_id;digest_channel;language\n"+
		"claire.martin@exemple.fr;Claire Martin;assistant;U0ADV01;;fr\n"+
		"paul.girard@exemple.fr;Paul Girard;rep;W0123ABCD;C0VENTES;fr\n"+
		"lea.roux@exemple.fr;Léa Roux;rep;U0LEA;#ventes-est;\n"+
		"marc.petit@exemple.fr;Marc Petit;rep;;G0ADVPRIV;\n"+
		"anne.morel@exemple.fr;Anne Morel;rep;;ventes_ouest;\n"+
		"jean.dupont@exemple.fr;Jean Dupont;rep;u0jean;;\n"+
		"sophie.blanc@exemple.fr;Sophie Blanc;rep;@sophie.blanc;;\n"+
		"luc.fabre@exemple.fr;Luc Fabre;rep;https://acme.slack.com/team/U0LUC;;\n"+
		"eva.noel@exemple.fr;Eva Noël;rep;C0VENTES;;\n"+
		"hugo.lambert@exemple.fr;Hugo Lambert;rep;;Ventes Est;\n"+
		"ines.garnier@exemple.fr;Inès Garnier;rep;;U0INES;\n"+
		"tom.faure@exemple.fr;Tom Faure;rep;;C0Ventes;\n"+
		"zoe.mercier@exemple.fr;Zoé Mercier;manager;U0ADV01;;\n")
	_, got := peopleProblems(t, path, ingest.PeopleOptions{})
	const user = " is not a Slack user ID (U or W then capital letters and digits, such as U012AB3CDE: in Slack, the person's profile, ⋮, Copy member ID)"
	const channel = " is not a Slack channel (its ID, C or G then capital letters and digits, such as C012AB3CDE, or its name, such as #ventes-est)"
	want := []string{
		`people.csv:7: column "slack_user_id": "u0jean"` + user,
		`people.csv:8: column "slack_user_id": "@sophie.blanc"` + user,
		`people.csv:9: column "slack_user_id": "https://acme.slack.com/team/U0LUC"` + user,
		`people.csv:10: column "slack_user_id": "C0VENTES" is a channel's ID, not a person's (U or W then capital letters and digits)`,
		`people.csv:11: column "digest_channel": "Ventes Est"` + channel,
		`people.csv:12: column "digest_channel": "U0INES" is a person's ID, not a channel's (C or G then capital letters and digits, or #name)`,
		`people.csv:13: column "digest_channel": "C0Ventes"` + channel,
		`people.csv:14: column "slack_user_id": U0ADV01 appears twice (first on line 2)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPeopleTwice: when exports name people by name, two people of the
// same name cannot be told apart; a code, the ERP's key, is one person's.
func TestPeopleTwice(t *testing.T) {
	path := peopleFile(t, "email;name;role;code\n"+
		"marie.martin@exemple.fr;Marie Martin;rep;MM1\n"+
		"m.martin@exemple.fr;Paul Girard;rep;PG\n"+
		"marie.martin2@exemple.fr;MARIE MARTIN ;assistant;MM2\n"+
		"lea.roux@exemple.fr;Léa Roux;rep;PG\n")
	for _, tt := range []struct {
		by   []orders.PeopleKey
		want []string
	}{
		{nil, []string{`people.csv:5: column "code": PG appears twice (first on line 3)`}},
		{[]orders.PeopleKey{orders.ByEmail, orders.ByName}, []string{
			`people.csv:4: column "name": "MARIE MARTIN" appears twice (first on line 2): an export names people by name (people_by: name), so its orders could go to either`,
			`people.csv:5: column "code": PG appears twice (first on line 3)`,
		}},
	} {
		_, got := peopleProblems(t, path, ingest.PeopleOptions{NamedBy: tt.by})
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("named by %v:\n%s\nwant:\n%s", tt.by, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

// TestPeopleLineOnce: a line's problems come in one message, the first few
// of them and how many more.
func TestPeopleLineOnce(t *testing.T) {
	path := peopleFile(t, "email;name;role;slack_user_id;digest_channel;language\n"+
		"claire.martin;Claire Martin;chef;claire;#Ventes;de\n"+
		"paul@exemple.fr;Paul;rep;;;\n")
	_, got := peopleProblems(t, path, ingest.PeopleOptions{})
	want := []string{`people.csv:2: column "email": "claire.martin" is not an e-mail address; column "role": "chef" is not a role (rep, assistant, manager); column "slack_user_id": "claire" is not a Slack user ID (U or W then capital letters and digits, such as U012AB3CDE: in Slack, the person's profile, ⋮, Copy member ID); and 2 more problems on this line`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPeopleNUL: a NUL byte is refused where it is, as in exports, and
// so is text longer than the directory can index.
func TestPeopleNULAndLength(t *testing.T) {
	path := writeFile(t, "people.csv", []byte("email,name,role\n"+
		"claire.martin@exemple.fr,Claire\x00Martin,rep\n"+
		"paul@exemple.fr,"+strings.Repeat("Paul ", 200)+",rep\n"))
	_, got := peopleProblems(t, path, ingest.PeopleOptions{})
	want := []string{
		`people.csv:2: column "name": the cell holds a NUL byte (\0), which no text may hold`,
		`people.csv:3: column "name": the text is 999 bytes long, more than a name may be (500)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNotRegularFiles: a folder, a FIFO or a device is refused before
// anything reads it, for exports and the people file alike, and a missing
// file is named once.
func TestNotRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "export.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	tests := []struct{ path, want string }{
		{dir, dir + ": not a regular file (a directory)"},
		{fifo, fifo + ": not a regular file (a FIFO)"},
		{"/dev/zero", "/dev/zero: not a regular file (a character device)"},
		{filepath.Join(dir, "missing.csv"), filepath.Join(dir, "missing.csv") + ": no such file or directory"},
	}
	for _, tt := range tests {
		if _, err := os.Stat(tt.path); tt.path == "/dev/zero" && err != nil {
			continue
		}
		r, err := ingest.OpenContext(t.Context(), tt.path, simpleProfile(), ingest.Limits{})
		if err == nil {
			r.Close()
		}
		if msg := orders.ErrorMessage(err); err == nil || msg != tt.want {
			t.Errorf("OpenContext(%s): %v, want %q", tt.path, err, tt.want)
		}
		_, err = ingest.ReadPeopleContext(t.Context(), tt.path, ingest.PeopleOptions{})
		if msg := orders.ErrorMessage(err); err == nil || msg != tt.want {
			t.Errorf("ReadPeopleContext(%s): %v, want %q", tt.path, err, tt.want)
		}
	}
}

// TestReadingStops: reading ends when the context does (Ctrl-C, SIGTERM),
// even inside one long cell.
func TestReadingStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	// A cell that never ends; the context ends after 1 MiB of it.
	src := &cancelAfter{r: stream(text(limitHeader+"4500000001;C001;\""), &repeat{s: "x", n: 1 << 40}), after: 1 << 20, cancel: cancel}
	r, err := ingest.NewReaderContext(ctx, "orders.csv", src, limitProfile(), ingest.Limits{MaxFieldBytes: 1 << 40, MaxRowBytes: 1 << 40, MaxFileBytes: 1 << 50})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, _, err = readAllErr(r)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "orders.csv: reading stopped") {
		t.Errorf("reading after the context ended: %v", err)
	}
	if src.read > 2<<20 {
		t.Errorf("read %d bytes after the context ended", src.read-(1<<20))
	}
	if _, err := r.Next(); !errors.Is(err, context.Canceled) {
		t.Errorf("Next after that: %v", err)
	}
}

// cancelAfter cancels a context once more than after bytes went through.
type cancelAfter struct {
	r      interface{ Read([]byte) (int, error) }
	read   int64
	after  int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.read += int64(n); c.read > c.after {
		c.cancel()
	}
	return n, err
}
