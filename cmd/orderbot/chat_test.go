package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

// chatWith runs "orderbot chat" over the database at url with lines typed
// in, and returns what it printed on stdout and stderr.
func chatWith(t *testing.T, vars map[string]string, lines string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errw bytes.Buffer
	err = run(context.Background(), append([]string{"chat"}, args...), func(k string) string { return vars[k] },
		strings.NewReader(lines), &out, &errw)
	return out.String(), errw.String(), err
}

// turns splits a chat's transcript into the answer to each line typed,
// keyed by the line.
func turns(t *testing.T, transcript string) []string {
	t.Helper()
	var out []string
	for _, part := range strings.Split(transcript, "\n> ") {
		out = append(out, strings.TrimPrefix(part, "> "))
	}
	return out
}

// answerTo returns the answer the chat gave to the i-th line typed, checking
// that it was line.
func answerTo(t *testing.T, ts []string, i int, line string) string {
	t.Helper()
	if i >= len(ts) || !strings.HasPrefix(ts[i], line+"\n") {
		t.Fatalf("turn %d is not %q:\n%s", i, line, strings.Join(ts, "\n> "))
	}
	return strings.TrimPrefix(ts[i], line+"\n")
}

// TestChatPicksByNumber: after a numbered list, the number of an item, as
// people type it in French and English, answers about that item: the
// customer chosen among several, the order of a list. A number the list
// does not have says which it has.
func TestChatPicksByNumber(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"ORDERBOT_DATABASE_URL": sampleDatabase(t)}

	out, stderr, err := chatWith(t, vars, strings.Join([]string{
		"mes commandes bloquées", // 9 orders, Dupré's credit hold first
		"2",                      // Les Halles de Nîmes, held twice
		"le 3",                   // still the same list
		"n° 9",
		"10",
		"qsdfgh", // not understood: the list is still the one on screen
		"et le 5 ?",
		"lefevre",
		"la deuxième",
		"1.",
		"commandes de boulangerie dupre",
		"4",
		"", "not read",
	}, "\n"), "--as", "francois.duboeuf@example.fr")
	if err != nil {
		t.Fatal(err, stderr)
	}
	ts := turns(t, out)
	first := answerTo(t, ts, 0, "mes commandes bloquées")
	for _, w := range []string{"\n1. 0004500099 · ", "\n2. 4500013351 · ", "\n9. 4500012346 · ", "Répondez par le numéro d'une commande pour la voir."} {
		if !strings.Contains(first, w) {
			t.Errorf("the list lacks %q:\n%s", w, first)
		}
	}
	picks := []struct {
		i          int
		line, want string
	}{
		{1, "2", "Commande 4500013351 — Les Halles de Nîmes"},
		{2, "le 3", "Commande 4500013550 — Auberge du Lac d'Annecy"},
		{3, "n° 9", "Commande 4500012346 — Boulangerie Dupré & Fils"},
		{4, "10", "Répondez par un numéro de 1 à 9."},
		{6, "et le 5 ?", "Commande 4500013101 — Traiteur Côté Sud"},
		{8, "la deuxième", "Commandes ouvertes — Boucherie Lefèvre & Cie (C001240)"},
		{9, "1.", "Commande 4500012750 — Boucherie Lefèvre & Cie"},
		{11, "4", "Commande 4500012345 — Boulangerie Dupré & Fils"},
	}
	for _, p := range picks {
		if got := answerTo(t, ts, p.i, p.line); !strings.HasPrefix(got, p.want) {
			t.Errorf("%q answers\n%s\nwant %q", p.line, got, p.want)
		}
	}
	if strings.Contains(out, "not read") {
		t.Errorf("the chat goes on after an empty line")
	}

	// In English, as Emma Collins, named by her name.
	out, stderr, err = chatWith(t, vars, strings.Join([]string{
		"lefevre", "the first one", "#2", "my blocked orders", "the last one", "7", "what about the 12th?",
	}, "\n"), "--as", "emma")
	if err != nil {
		t.Fatal(err, stderr)
	}
	ts = turns(t, out)
	for _, p := range []struct {
		i          int
		line, want string
	}{
		{1, "the first one", "Open orders — Boucherie Lefèvre (C001239)"},
		{2, "#2", "Order 4500012701 — Boucherie Lefèvre"},
		{4, "the last one", "Order SO-001501 — Genève Hôtellerie SA"},
		{5, "7", "Reply with a number from 1 to 4."},
		{6, "what about the 12th?", "Reply with a number from 1 to 4."},
	} {
		if got := answerTo(t, ts, p.i, p.line); !strings.HasPrefix(got, p.want) {
			t.Errorf("%q answers\n%s\nwant %q", p.line, got, p.want)
		}
	}
	// With no list shown, a number is a question like any other.
	out, _, _ = chatWith(t, vars, "2\n", "--as", "U0REP0003")
	if !strings.Contains(out, "I did not understand") {
		t.Errorf("a number out of the blue:\n%s", out)
	}
}

// TestChatFollowsTheConversation: a message follows the answer before it
// ("et pour Müller ?", "et la suivante ?"), the next order after a pick is
// the one after it in the list, and a person chosen by number is that
// person's portfolio.
func TestChatFollowsTheConversation(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"ORDERBOT_DATABASE_URL": sampleDatabase(t)}
	for _, c := range []struct {
		as    string
		lines []string
		want  []string // what the answer to each line starts with
	}{
		{"francois", []string{"commandes de dupre", "et pour muller ?", "2", "et la suivante ?"}, []string{
			"Commandes ouvertes — Boulangerie Dupré & Fils", "Commandes ouvertes — Établissements Müller SARL",
			"Commande 4500012455 — Établissements Müller SARL", "3 sur 3 — Commandes ouvertes — Établissements Müller SARL (C001235)\nCommande 4500012402"}},
		{"claire.martin@example.fr", []string{"les commandes de mon commercial", "2", "1"}, []string{
			"Vous suivez les commandes de plusieurs commerciaux", "Commandes ouvertes — portefeuille de Jérôme Benoît",
			"Commande 4500012500 — Bénard Frères"}},
		{"Emma Collins", []string{"my blocked orders", "2", "next one?", "4"}, []string{
			"Blocked orders — your portfolio", "Order SO-001401 — Zürcher Gastro AG", "3 of 4 — Blocked orders — your portfolio",
			"Order SO-001501 — Genève Hôtellerie SA"}},
	} {
		out, stderr, err := chatWith(t, vars, strings.Join(c.lines, "\n"), "--as", c.as)
		if err != nil {
			t.Fatal(err, stderr)
		}
		ts := turns(t, out)
		for i, line := range c.lines {
			if got := answerTo(t, ts, i, line); !strings.HasPrefix(got, c.want[i]) {
				t.Errorf("%s: %q answers\n%s\nwant %q", c.as, line, got, c.want[i])
			}
		}
	}
}

// TestChatMoreContinuesTheList: "plus" or "more" shows the orders after
// those shown, numbered on, then says the list is whole; a number picks
// from every page shown.
func TestChatMoreContinuesTheList(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"ORDERBOT_DATABASE_URL": sampleDatabase(t)}
	out, stderr, err := chatWith(t, vars, "mes commandes\nplus\nla suite\n16\n", "--as", "U0REP0001")
	if err != nil {
		t.Fatal(err, stderr)
	}
	ts := turns(t, out)
	first := answerTo(t, ts, 0, "mes commandes")
	for _, w := range []string{"17 commandes", "\n15. ", "… et 2 autres", "« plus » pour la suite"} {
		if !strings.Contains(first, w) {
			t.Errorf("the first page lacks %q:\n%s", w, first)
		}
	}
	rest := answerTo(t, ts, 1, "plus")
	if !strings.Contains(rest, "\n16. ") || !strings.Contains(rest, "\n17. ") {
		t.Errorf("plus does not show the 16th and 17th orders:\n%s", rest)
	}
	for _, again := range []string{"\n1. ", "\n15. ", "0004500099", "autres", "pour la suite"} {
		if strings.Contains(rest, again) {
			t.Errorf("plus shows %q again:\n%s", again, rest)
		}
	}
	if got := answerTo(t, ts, 2, "la suite"); !strings.HasPrefix(got, "C'est toute la liste : 17 commandes.") {
		t.Errorf("past the end: %s", got)
	}
	if got := answerTo(t, ts, 3, "16"); !strings.HasPrefix(got, "Commande ") {
		t.Errorf("the 16th order, shown by plus, cannot be picked: %s", got)
	}

	// In English, four orders a page, as bot.list_limit says.
	vars["ORDERBOT_BOT_LIST_LIMIT"] = "4"
	out, stderr, err = chatWith(t, vars, "my orders\nmore\nshow more please\nmore\n", "--as", "jerome.benoit@example.fr")
	if err != nil {
		t.Fatal(err, stderr)
	}
	ts = turns(t, out)
	pages := []page{
		{"my orders", []string{"11 orders", "\n1. ", "\n4. ", "… and 7 more", "or “more” for the rest"}, []string{"\n5. "}},
		{"more", []string{"\n5. ", "\n8. ", "… and 3 more"}, []string{"\n4. ", "\n9. "}},
		{"show more please", []string{"\n9. ", "\n11. ", "Reply with an order's number to see it."}, []string{"\n8. ", "more"}},
		{"more", []string{"That is the whole list: 11 orders."}, nil},
	}
	check := func(ts []string, pages []page) {
		t.Helper()
		for i, p := range pages {
			got := answerTo(t, ts, i, p.line)
			for _, w := range p.have {
				if !strings.Contains(got, w) {
					t.Errorf("page %d lacks %q:\n%s", i+1, w, got)
				}
			}
			for _, w := range p.lack {
				if strings.Contains(got, w) {
					t.Errorf("page %d has %q:\n%s", i+1, w, got)
				}
			}
		}
	}
	check(ts, pages)

	// Nothing to go on with: said so, in the asker's words.
	out, _, _ = chatWith(t, vars, "more\n", "--as", "emma")
	if !strings.Contains(out, "There is no list of orders to go on with") {
		t.Errorf("more without a list:\n%s", out)
	}
	out, _, _ = chatWith(t, vars, "4500012345\nplus\n", "--as", "francois")
	if got := answerTo(t, turns(t, out), 1, "plus"); !strings.HasPrefix(got, "Il n'y a pas de liste de commandes à poursuivre") {
		t.Errorf("plus after one order: %s", got)
	}

	// Every page as long as the first: the manager's 25 blocked orders.
	out, stderr, err = chatWith(t, vars, "commandes bloquées\nplus\nplus\nplus\n", "--as", "U0MGR0001")
	if err != nil {
		t.Fatal(err, stderr)
	}
	check(turns(t, out), []page{
		{"commandes bloquées", []string{"25 commandes", "\n4. ", "… et 21 autres"}, []string{"\n5. "}},
		{"plus", []string{"\n5. ", "\n8. ", "… et 17 autres"}, []string{"\n9. "}},
		{"plus", []string{"\n9. ", "\n12. ", "… et 13 autres"}, []string{"\n13. "}},
		{"plus", []string{"\n13. ", "\n16. ", "… et 9 autres"}, []string{"\n17. "}},
	})
}

// TestChatMoreStopsAtTheMostAListShows: past bot.MaxListLimit orders,
// "more" says to narrow the question instead of showing more.
func TestChatMoreStopsAtTheMostAListShows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := server.NewDatabase(t)
	st, err := postgres.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g, err := sample.NewGenerator(sample.GenConfig{Orders: 130, Customers: 12, Reps: 2, Assistants: 1, OpenShare: 1, Seed: 7, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Load(ctx, st, 1000); err != nil {
		t.Fatal(err)
	}
	manager := g.People()[0]
	if manager.Role != orders.RoleManager {
		t.Fatalf("the first person generated is %+v, not a manager", manager)
	}
	lines := []string{"all open orders", "more", "more", "more", "more", "more", "more", "more"}
	out, stderr, err := chatWith(t, map[string]string{"ORDERBOT_DATABASE_URL": url}, strings.Join(lines, "\n"), "--as", manager.SlackUserID)
	if err != nil {
		t.Fatal(err, stderr)
	}
	ts := turns(t, out)
	if got := answerTo(t, ts, 0, lines[0]); !strings.Contains(got, "130 orders") || !strings.Contains(got, "\n15. ") {
		t.Fatalf("the manager's portfolio:\n%s", got)
	}
	last := answerTo(t, ts, 6, "more")
	for _, w := range []string{"\n91. ", "\n100. ", "… and 30 more", "Reply with an order's number to see it.\n"} {
		if !strings.Contains(last, w) {
			t.Errorf("the page up to 100 lacks %q:\n%s", w, last)
		}
	}
	if strings.Contains(last, "\n101. ") || strings.Contains(last, "for the rest") {
		t.Errorf("the page up to 100 goes on:\n%s", last)
	}
	if got := answerTo(t, ts, 7, "more"); !strings.HasPrefix(got, "I show at most 100 orders of a list: narrow the question") {
		t.Errorf("more past 100: %s", got)
	}
}

// page is what one answer of a list shown page by page has and lacks.
type page struct {
	line       string
	have, lack []string
}

// TestChatAsListsWhoYouCanBe: without --as, with "--as" and nothing after
// it, or with a name nobody has, chat lists the people of the directory
// (name, e-mail, Slack ID, role, language) and says what --as wants; a
// name several people share lists them; part of a name one person has is
// enough.
func TestChatAsListsWhoYouCanBe(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"ORDERBOT_DATABASE_URL": sampleDatabase(t)}
	everyone := regexp.MustCompile(`(?m)^\s+Camille Rousseau\s+camille\.rousseau@example\.fr\s+U0REP0002\s+rep\s+fr\s*$`)
	for _, args := range [][]string{nil, {"--as"}, {"--as="}, {"--as", "  "}, {"--as", "jean.dupont@example.fr"}, {"--as", "Jean Dupont"}, {"--as", "U0REP0099"}} {
		out, stderr, err := chatWith(t, vars, "mes commandes\n", args...)
		if err == nil || !strings.Contains(err.Error(), "--as") || strings.Contains(err.Error(), "\n") {
			t.Errorf("chat %q: error %v, want one line about --as", args, err)
		}
		if !everyone.MatchString(stderr) || !strings.Contains(stderr, "helene.lefevre@example.fr") ||
			!strings.Contains(stderr, "Emma Collins") || !strings.Contains(stderr, "manager") {
			t.Errorf("chat %q does not list the directory:\n%s", args, stderr)
		}
		if out != "" {
			t.Errorf("chat %q answered:\n%s", args, out)
		}
	}

	_, stderr, err := chatWith(t, vars, "", "--as", "rouss")
	if err == nil || !strings.Contains(stderr, "Amélie Roussel") || !strings.Contains(stderr, "Camille Rousseau") || strings.Contains(stderr, "Emma") {
		t.Errorf("--as rouss: %v, want the two Rouss… listed:\n%s", err, stderr)
	}
	for as, want := range map[string]string{"camille": "Camille Rousseau", "Hélène": "Hélène Lefèvre", "helene lefevre": "Hélène Lefèvre",
		"U0REP0003": "Emma Collins", "Emma.Collins@Example.fr": "Emma Collins", "jerome": "Jérôme Benoît"} {
		out, stderr, err := chatWith(t, vars, "aide\n", "--as", as)
		if err != nil || stderr != "" || strings.Contains(out, "je ne réponds qu'aux membres") || strings.Contains(out, "I only answer") {
			t.Errorf("--as %q (%s): %v\n%s%s", as, want, err, out, stderr)
		}
	}

	// ask: the same list without --as; an e-mail the directory does not
	// know still gets the stranger's answer, for support to see it.
	var out, errw bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	err = run(context.Background(), []string{"ask", "4500012345"}, getenv, strings.NewReader(""), &out, &errw)
	if err == nil || !everyone.MatchString(errw.String()) {
		t.Errorf("ask without --as: %v\n%s", err, errw.String())
	}
	out.Reset()
	errw.Reset()
	err = run(context.Background(), []string{"ask", "--as", "camille", "4500012345"}, getenv, strings.NewReader(""), &out, &errw)
	if err != nil || !strings.Contains(out.String(), "Commande 4500012345") {
		t.Errorf("ask --as camille: %v\n%s%s", err, out.String(), errw.String())
	}
}

// TestDemoShowsNoEscapingFixtures: the demo's portfolio has none of the
// customers named to test escaping: not in a manager's whole portfolio,
// not when a rep asks for the customers they would match.
func TestDemoShowsNoEscapingFixtures(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"ORDERBOT_DATABASE_URL": server.NewDatabase(t)}
	var stdout, stderr bytes.Buffer
	in := strings.NewReader(strings.Join([]string{"commandes de boulangerie", "mes commandes", "plus", "plus", "plus",
		"commandes de cafe", "orders for o'brien", "commandes bloquées", "plus", "plus"}, "\n"))
	err := run(context.Background(), []string{"demo", "--as", "helene.lefevre@example.fr"}, func(k string) string { return vars[k] },
		in, &stdout, &stderr)
	if err != nil {
		t.Fatal(err, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "4500013401") || !strings.Contains(out, "\n40. ") {
		t.Fatalf("the manager does not see the whole portfolio:\n%s", out)
	}
	for _, fixture := range []string{"<!channel>", "O'Brien", "Gras", "Italique", "DROP TABLE", "<script>", "PO-0666", "4500012800", "4500012850"} {
		if strings.Contains(out, fixture) {
			t.Errorf("the demo shows %q:\n%s", fixture, out)
		}
	}
}

// TestDemoChatFollowsItsExamples: the demo's examples are numbered as the
// chat numbers lists, and the chat that follows them goes on from the
// last: "2" is its second order, "plus" says it is whole.
func TestDemoChatFollowsItsExamples(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"ORDERBOT_DATABASE_URL": server.NewDatabase(t)}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"demo"}, func(k string) string { return vars[k] },
		strings.NewReader("2\nplus\n"), &stdout, &stderr)
	if err != nil {
		t.Fatal(err, stderr.String())
	}
	ts := turns(t, stdout.String())
	examples := strings.Join(ts[:len(ts)-2], "\n> ")
	if !strings.Contains(examples, "\n1. 0004500099 · ") || !strings.Contains(examples, "\n2. 4500012900 · Hôtel du Vieux Port") {
		t.Errorf("the demo's lists are not numbered:\n%s", examples)
	}
	if got := answerTo(t, ts, len(ts)-2, "2"); !strings.HasPrefix(got, "Commande 4500012900 — Hôtel du Vieux Port") {
		t.Errorf("2 after the demo's examples:\n%s", got)
	}
	if got := answerTo(t, ts, len(ts)-1, "plus"); !strings.HasPrefix(got, "C'est toute la liste : 4 commandes.") {
		t.Errorf("plus after the demo's examples:\n%s", got)
	}
}

// TestChatReadsPicks: replies that pick an item of a list, as people type them,
// and messages that do not.
func TestChatReadsPicks(t *testing.T) {
	picks := map[string]int{
		"1": 1, " 2 ": 2, "2.": 2, "2)": 2, "#3": 3, "n°4": 4, "N° 4": 4, "nº4": 4, "no 5": 5, "numéro 6": 6, "le 2": 2,
		"la 3": 3, "la 2e": 2, "le 2ème": 2, "1er": 1, "la 1ère": 1, "le premier": 1, "la deuxième": 2, "deux": 2,
		"le dernier": lastItem, "celui-ci le 2": 2, "2 svp": 2, "3 stp": 3, "12": 12, "100": 100, "0": 0,
		"the first one": 1, "the second one": 2, "2nd": 2, "3rd please": 3, "the 4th": 4, "number 2": 2, "the last one": lastItem,
		"option 2": 2, "et le 5 ?": 5, "what about the 3rd?": 3, "c'est le 2": 2, "ok 2": 2,
	}
	for line, want := range picks {
		if n, ok := pickOf(line); !ok || n != want {
			t.Errorf("pickOf(%q) = %d, %v; want %d", line, n, ok, want)
		}
	}
	for _, line := range []string{"", "4500012345", "1234", "2 commandes", "PO 7781", "commande 2", "so-1234", "le 2 et le 3",
		"merci", "plus", "more", "deux commandes", "2 €", "1/2", "le client 2"} {
		if n, ok := pickOf(line); ok {
			t.Errorf("pickOf(%q) = %d: a pick", line, n)
		}
	}
}

// TestChatReadsMore: asking for the rest of a list, as people type it, and
// what is not that.
func TestChatReadsMore(t *testing.T) {
	for _, line := range []string{"plus", "Plus", "plus !", "plus svp", "la suite", "la suite ?", "Suite", "voir plus", "et plus",
		"encore", "le reste", "more", "More please", "show more", "the rest", "next page", "+", "..."} {
		if !continues(line) {
			t.Errorf("continues(%q) is false", line)
		}
	}
	for _, line := range []string{"plus de commandes", "more orders for muller", "et la suivante ?", "next", "suivant", "merci",
		"plus rien", "2", ""} {
		if continues(line) {
			t.Errorf("continues(%q) is true", line)
		}
	}
}

// TestChatMessages: the chat's catalog parses, each of its messages is
// used by the code, each the code asks for is in it, and each reads in
// both languages without a gap or a word of the other one.
func TestChatMessages(t *testing.T) {
	c, err := catalog.Parse(chatMessagesYAML)
	if err != nil {
		t.Fatalf("chat_messages.yaml: %v", err)
	}
	src, err := os.ReadFile("conversation.go")
	if err != nil {
		t.Fatal(err)
	}
	calls := regexp.MustCompile(`"(chat\.[a-z_.]+)"`).FindAllStringSubmatch(string(src), -1)
	var used []string
	for _, call := range calls {
		used = append(used, call[1])
		if !slices.Contains(c.IDs(), call[1]) {
			t.Errorf("conversation.go asks for %s, which chat_messages.yaml does not have", call[1])
		}
	}
	for _, id := range c.IDs() {
		if !slices.Contains(used, id) {
			t.Errorf("%s is in chat_messages.yaml but no code uses it", id)
		}
		for _, lang := range []orders.Language{orders.French, orders.English} {
			for _, n := range []int{1, 2, 17} {
				text := c.In(lang).T(id, catalog.Args{"Max": 100})
				if _, plural := c.Args(id); plural {
					text = c.In(lang).N(id, n, catalog.Args{"Max": 100})
				}
				for _, p := range catalog.Lint(text, lang) {
					t.Errorf("%s in %s: %s: %q", id, lang, p, text)
				}
			}
		}
	}
}
