package render_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
)

var languages = []orders.Language{orders.French, orders.English}

// TestEveryAnswerReadsRight renders every kind of answer in both languages,
// for Slack and the console, and reads it the way a user would: no
// formatting or template error, no word of the other language, plurals
// that agree with their number, one label per piece of a line, each
// language's punctuation, and what Slack would refuse.
func TestEveryAnswerReadsRight(t *testing.T) {
	r := render.New(render.Options{Location: paris, TrackingURLs: trackingURLs})
	for _, lang := range languages {
		for name, a := range answers(lang) {
			t.Run(fmt.Sprintf("%s_%s", name, lang), func(t *testing.T) {
				data := dataOf(a)
				msg := r.Slack(a)
				checkSlack(t, msg)
				texts := map[string]string{"fallback": msg.Text}
				for i, s := range slackTexts(msg) {
					texts[fmt.Sprintf("block %d", i)] = s
				}
				console := r.Console(a)
				texts["console"] = console
				for where, text := range texts {
					for _, p := range readingProblems(text, lang, data) {
						t.Errorf("%s: %s in:\n%s", where, p, text)
					}
				}
				for _, c := range console {
					if unicode.IsControl(c) && c != '\n' {
						t.Errorf("console: control character %q from the data:\n%s", c, console)
					}
				}
				for _, line := range strings.Split(console, "\n") {
					if strings.HasPrefix(strings.TrimSpace(line), "• fake line") {
						t.Errorf("console: a customer's name adds a line: %q", line)
					}
				}
			})
		}
	}
}

var (
	// icon is an emoji code of Slack: ":warning: ".
	icon = regexp.MustCompile(`:[a-z_]+: ?`)
	// Plurals that disagree with their number: "1 people", "1 orders",
	// "2 order"; in French "1 commandes", "0 jours", "2 commande", and an
	// adjective in the plural after one thing ("1 commande ouvertes").
	enOneMany = regexp.MustCompile(`(?:^|[^\d.,\p{L}])1 (people|\p{L}+s)\b`)
	enManyOne = regexp.MustCompile(`(?:^|[^\d.,\p{L}])(?:[02-9]|\d{2,}) (order|day|hour|customer|person|minute)\b`)
	frOneMany = regexp.MustCompile(`(?:^|[^\d.,\p{L}])[01] (?:\p{L}+ )?(\p{L}+[sx])\b`)
	frManyOne = regexp.MustCompile(`(?:^|[^\d.,\p{L}])(?:[2-9]|\d{2,}) (commande|jour|bloquée|autre|client|ouverte)\b`)
	// The pieces of a line that each hold one label: between separators,
	// or sentences.
	pieces = regexp.MustCompile(` · | — |\. `)
	// A label's colon, as each language writes it.
	labelColon = regexp.MustCompile(`[:](?:\s|$)`)
	// Punctuation that French spaces with a no-break space, English not at all.
	frBadPunct = regexp.MustCompile(`(?:^|[^\x{00a0}\s])[:;?!](?:\s|$)|(?:^|[^\x{00a0}]) [:;?!]|«[^\x{00a0}]|[^\x{00a0}]»`)
	enBadPunct = regexp.MustCompile(`[\s\x{00a0}][:;?!](?:\s|$)|[«»]`)
)

// readingProblems says what reads wrong in text, an answer in lang whose
// data are the texts from the ERP, the directory or the asker.
func readingProblems(text string, lang orders.Language, data []string) []string {
	problems := catalog.Lint(text, lang, data...)
	clean := text
	for _, d := range data {
		clean = strings.ReplaceAll(clean, d, "DATA")
	}
	clean = icon.ReplaceAllString(clean, "")
	clean = strings.ReplaceAll(clean, "\u200b", "")
	one, many := enOneMany, enManyOne
	punct := enBadPunct
	if lang == orders.French {
		one, many, punct = frOneMany, frManyOne, frBadPunct
	}
	for _, re := range []*regexp.Regexp{one, many} {
		for _, m := range re.FindAllString(clean, -1) {
			problems = append(problems, fmt.Sprintf("the plural does not agree: %q", strings.TrimSpace(m)))
		}
	}
	for _, m := range punct.FindAllString(clean, -1) {
		problems = append(problems, fmt.Sprintf("punctuation spaced the way %s does not: %q", lang, m))
	}
	for _, line := range strings.Split(clean, "\n") {
		for _, piece := range pieces.Split(line, -1) {
			if n := len(labelColon.FindAllString(piece, -1)); n > 1 {
				problems = append(problems, fmt.Sprintf("%d labels in one piece of a line: %q", n, piece))
			}
		}
	}
	return problems
}

// slackTexts returns the texts of msg's blocks.
func slackTexts(msg render.Message) []string {
	var out []string
	for _, b := range msg.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			out = append(out, b.Text.Text)
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if o, ok := e.(*slack.TextBlockObject); ok {
					out = append(out, o.Text)
				}
			}
		}
	}
	return out
}

// slackLen is a length as Slack may count it: in UTF-16 code units, never
// fewer than characters.
func slackLen(s string) int { return len(utf16.Encode([]rune(s))) }

// entity is what an ampersand may start in Slack's text.
var entity = regexp.MustCompile(`&(?:amp|lt|gt);`)

// checkSlack checks what Slack would refuse or what would ping someone,
// whatever the golden files say: Slack's limits on blocks, section text,
// message text and buttons, and markup left unescaped.
func checkSlack(t *testing.T, msg render.Message) {
	t.Helper()
	if len(msg.Blocks) > render.MaxBlocks {
		t.Errorf("%d blocks, Slack takes %d", len(msg.Blocks), render.MaxBlocks)
	}
	if strings.TrimSpace(msg.Text) == "" {
		t.Errorf("no fallback text: notifications would be empty")
	}
	if n := slackLen(msg.Text); n > render.MaxMessageText {
		t.Errorf("a fallback text of %d characters, Slack takes %d", n, render.MaxMessageText)
	}
	total := 0
	for _, b := range msg.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			n := slackLen(b.Text.Text)
			if n > render.MaxSectionText {
				t.Errorf("a section of %d characters, Slack takes %d", n, render.MaxSectionText)
			}
			total += n
		case *slack.ContextBlock:
			if n := len(b.ContextElements.Elements); n > 10 {
				t.Errorf("a context of %d elements, Slack takes 10", n)
			}
			for _, e := range b.ContextElements.Elements {
				if o, ok := e.(*slack.TextBlockObject); ok {
					total += slackLen(o.Text)
				}
			}
		case *slack.ActionBlock:
			if n := len(b.Elements.ElementSet); n > 25 {
				t.Errorf("%d buttons in one block, Slack takes 25", n)
			}
			for _, e := range b.Elements.ElementSet {
				btn := e.(*slack.ButtonBlockElement)
				if n := slackLen(btn.Text.Text); n > 75 {
					t.Errorf("a button label of %d characters, Slack takes 75", n)
				}
				if n := len(btn.Value); n > 2000 {
					t.Errorf("a button value of %d characters, Slack takes 2000", n)
				}
			}
		}
	}
	if total > render.MaxMessageText {
		t.Errorf("blocks of %d characters in all, Slack takes %d", total, render.MaxMessageText)
	}
	for _, s := range append(slackTexts(msg), msg.Text) {
		s = withoutTrackingLinks(t, s)
		if strings.ContainsAny(s, "<>") {
			t.Errorf("unescaped markup reaches Slack: %.300q", s)
		}
		if n := strings.Count(s, "&"); n != len(entity.FindAllString(s, -1)) {
			t.Errorf("an ampersand that is not an entity reaches Slack (%d, %d entities): …%.80q", n, len(entity.FindAllString(s, -1)), s[max(0, len(s)-80):])
		}
	}
}

// trackingLink is a link to a carrier's page, as orderbot writes them.
var trackingLink = regexp.MustCompile(`<([^<>|]*)\|([^<>|]*)>`)

// withoutTrackingLinks takes out of s the links to the configured
// carriers' pages, checking that the tracking number in each is escaped;
// any other markup stays, for the caller to find.
func withoutTrackingLinks(t *testing.T, s string) string {
	t.Helper()
	return trackingLink.ReplaceAllStringFunc(s, func(link string) string {
		m := trackingLink.FindStringSubmatch(link)
		for _, tmpl := range trackingURLs {
			prefix, suffix, _ := strings.Cut(tmpl, "{tracking}")
			number, ok := strings.CutPrefix(m[1], prefix)
			if number, ok2 := strings.CutSuffix(number, suffix); ok && ok2 {
				if strings.ContainsAny(number, " /?&=#|<>") {
					t.Errorf("a tracking number not escaped in its link: %q", link)
				}
				return m[2]
			}
		}
		return link
	})
}

// TestLongQuestionIsQuotedShort: what the asker typed comes back quoted,
// cut to a few lines, never the whole paste.
func TestLongQuestionIsQuotedShort(t *testing.T) {
	long := strings.Repeat("boulangerie dupré & fils <b> ", 100*1024/30)
	r := render.New(render.Options{Location: paris})
	for _, lang := range languages {
		for _, a := range []bot.Answer{
			{Kind: bot.NotFound, Subject: bot.Subject{What: "customer", Query: long}},
			{Kind: bot.NotFound, Subject: bot.Subject{What: "order", Query: long}, Suggestions: []string{"4500012345"}},
			{Kind: bot.NotFound, Subject: bot.Subject{What: "ref", Query: long}},
			{Kind: bot.ChooseCustomer, Subject: bot.Subject{What: "customer", Query: long},
				Candidates: []orders.CustomerMatch{{Customer: dupre, OpenOrders: 2}, {Customer: arts, OpenOrders: 1}}},
			{Kind: bot.OrderList, Subject: bot.Subject{What: "ref", Query: long}, List: list(byStatus()[orders.StatusOpen]), Limit: 15},
		} {
			a.Lang, a.At, a.Data = lang, now, fresh
			msg := r.Slack(a)
			checkSlack(t, msg)
			js, err := json.Marshal(msg)
			if err != nil {
				t.Fatal(err)
			}
			if len(js) > 4000 {
				t.Errorf("%s %s: a question of %d KB makes a message of %d bytes:\n%.600s…", a.Kind, lang, len(long)/1024, len(js), js)
			}
			for _, text := range append(slackTexts(msg), msg.Text, r.Console(a)) {
				if strings.Contains(text, "boulangerie dupr") && !strings.Contains(text, "…") {
					t.Errorf("%s %s: the question is cut without an ellipsis: %.300q", a.Kind, lang, text)
				}
			}
			if c := r.Console(a); len(c) > 1500 {
				t.Errorf("%s %s: a console answer of %d bytes", a.Kind, lang, len(c))
			}
		}
	}
}

// TestListAtSlackEdge lists the most orders an answer holds, with every
// field at its longest, in both languages: at the edge, everything shown
// within Slack's limits; past it (data that escaping makes longer), the
// list stops early and says how many more there are, never losing orders
// silently.
func TestListAtSlackEdge(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	long := func(s string, n int) string {
		return string([]rune(strings.Repeat(s, n/len([]rune(s))+1))[:n])
	}
	build := func(name, reason string) orders.OrderList {
		l := longList(bot.MaxListLimit, 250)
		for i := range l.Orders {
			l.Orders[i].Customer.Name = name
			l.Orders[i].BlockReason = reason
		}
		return l
	}
	for _, lang := range languages {
		more := "… and "
		if lang == orders.French {
			more = "… et "
		}
		t.Run("edge_"+string(lang), func(t *testing.T) {
			l := build(long("Boulangerie Dupré et Fils ", 79), long("encours dépassé de 12 400 € ", 79))
			a := bot.Answer{Kind: bot.OrderList, Lang: lang, At: now, Data: stale, List: l, Limit: bot.MaxListLimit,
				Subject: bot.Subject{Mine: true, Everyone: true}}
			msg := r.Slack(a)
			checkSlack(t, msg)
			text := strings.Join(slackTexts(msg), "\n")
			if n := strings.Count(text, "\n• "); n != bot.MaxListLimit {
				t.Errorf("%d orders shown of %d that fit", n, bot.MaxListLimit)
			}
			if !strings.Contains(text, more+"150") {
				t.Errorf("the orders past the page are not counted (want %q150)", more)
			}
			if len(msg.Blocks) < 3 {
				t.Errorf("a list of %d long lines fits in %d blocks: it was not split", bot.MaxListLimit, len(msg.Blocks))
			}
		})
		t.Run("past_"+string(lang), func(t *testing.T) {
			l := build(long("<&> ", 200), long("<!here>&<stock> ", 200))
			a := bot.Answer{Kind: bot.OrderList, Lang: lang, At: now, Data: fresh, List: l, Limit: bot.MaxListLimit,
				Subject: bot.Subject{Mine: true, Everyone: true}}
			msg := r.Slack(a)
			checkSlack(t, msg)
			text := strings.Join(slackTexts(msg), "\n")
			shown := strings.Count(text, "\n• ")
			m := regexp.MustCompile(regexp.QuoteMeta(more) + `(\d+)`).FindStringSubmatch(text)
			if m == nil {
				t.Fatalf("a list cut for Slack does not say how many more orders there are:\n%.2000s", text)
			}
			var rest int
			fmt.Sscan(m[1], &rest)
			if shown+rest != 250 || shown == 0 || shown == bot.MaxListLimit {
				t.Errorf("%d shown + %d more, want 250 in all, cut before %d", shown, rest, bot.MaxListLimit)
			}
			console := r.Console(a)
			if got := strings.Count(console, "\n• "); got != shown {
				t.Errorf("the console shows %d orders, Slack %d: they must say the same", got, shown)
			}
		})
	}
}

// TestNextStepOfEveryStatus: every open order says what happens next, as a
// sentence that reads on its own after the label, in both languages; a
// configured wording replaces the default in its language only; a closed
// order has no next step.
func TestNextStepOfEveryStatus(t *testing.T) {
	r := render.New(render.Options{Location: paris, NextSteps: map[orders.Language]map[orders.Status]string{
		orders.French: {orders.StatusCreditLimit: "appeler le credit manager (poste 4412) & <joindre> le BC"},
	}})
	for _, lang := range languages {
		for _, st := range orders.Statuses() {
			step := r.NextStep(st, lang)
			if st.Closed() {
				if step != "" {
					t.Errorf("%s %s: a closed order has the next step %q", lang, st, step)
				}
				continue
			}
			if step == "" || strings.ContainsAny(step, ":⟦") || slices.Contains([]string{"nobody", "personne"}, strings.Fields(step)[0]) {
				t.Errorf("%s %s: next step %q does not read as a step", lang, st, step)
			}
		}
	}
	a := bot.Answer{Kind: bot.OrderFound, Lang: orders.French, At: now, Data: fresh, Order: byStatus()[orders.StatusCreditLimit]}
	if got := r.Console(a); !strings.Contains(got, "Prochaine étape\u00a0: appeler le credit manager (poste 4412) & <joindre> le BC") {
		t.Errorf("the configured next step is not used:\n%s", got)
	}
	if got := slackTexts(r.Slack(a))[0]; !strings.Contains(got, "appeler le credit manager (poste 4412) &amp; &lt;joindre&gt; le BC") {
		t.Errorf("the configured next step is not escaped for Slack:\n%s", got)
	}
	a.Lang = orders.English
	if got := r.Console(a); !strings.Contains(got, "Next step: finance or the credit manager decides") {
		t.Errorf("a language without a configured wording loses the default:\n%s", got)
	}
}

// TestReadingProblemsCatch: the reader of TestEveryAnswerReadsRight finds
// the mistakes it is there for, and passes what reads right.
func TestReadingProblemsCatch(t *testing.T) {
	data := []string{"Café des Arts", "en attente du règlement"}
	wrong := map[orders.Language][]string{
		orders.English: {"1 people asked", "Order 12%!(EXTRA string=x)", "1 orders, 1 blocked", "2 order", "for 1 days",
			"Next step: nobody: being processed", "Did you mean 12 ?", "Orders of the customer ⟦Customer⟧", "Commandes ouvertes"},
		orders.French: {"1 commandes", "0 jours", "2 commande", "1 commande ouvertes", "Lequel ?", "Montant HT: 3 €",
			"« lefevre »", "<no value>", "Open orders", "Prochaine étape\u00a0: personne\u00a0: en cours"},
	}
	right := map[orders.Language][]string{
		orders.English: {"1 order, 1 blocked", "0 orders · 2 open orders", "Ordered on 1 Dec 2026", "€18,250.00",
			"Next step: finance decides", "Did you mean 12 or 13?", "No matching orders for Café des Arts: en attente du règlement"},
		orders.French: {"1 commande, dont 1 bloquée", "0 commande ouverte", "3 commandes ouvertes", "depuis 1 jour (24/11/2026)",
			"Lequel\u00a0?", "«\u00a0lefevre\u00a0»", "18\u00a0250,00\u00a0€", "Commandes de Café des Arts"},
	}
	for lang, texts := range wrong {
		for _, text := range texts {
			if len(readingProblems(text, lang, data)) == 0 {
				t.Errorf("%s: %q reads right to the test", lang, text)
			}
		}
	}
	for lang, texts := range right {
		for _, text := range texts {
			if p := readingProblems(text, lang, data); len(p) > 0 {
				t.Errorf("%s: %q reads wrong to the test: %v", lang, text, p)
			}
		}
	}
}

// TestHugeDataIsCutForSlack: an ERP that exports a 100 KB reason or name
// still gets an answer Slack takes, with the data cut short where it shows
// and nothing else lost: the warning about stale data is still there.
func TestHugeDataIsCutForSlack(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	huge := strings.Repeat("encours dépassé & relance <client> ", 3000)
	for _, lang := range languages {
		o := order("4500012349", orders.StatusCreditLimit, block(orders.StatusCreditLimit, huge, 3, nil))
		o.Customer.Name, o.CustomerRef, o.Rep = huge, huge, &orders.Person{ID: 9, Name: huge, Role: orders.RoleRep}
		a := bot.Answer{Kind: bot.OrderFound, Lang: lang, At: now, Data: stale, Order: o}
		msg := r.Slack(a)
		checkSlack(t, msg)
		text := strings.Join(slackTexts(msg), "\n")
		warning := render.Messages().In(lang).T("freshness.warning", nil)
		if !strings.Contains(text, "*"+warning+"*") {
			t.Errorf("%s: the stale data warning is lost", lang)
		}
		if n := strings.Count(text, "…"); n < 4 {
			t.Errorf("%s: %d texts cut with an ellipsis, want the name, reason, reference and rep's name", lang, n)
		}
		if len(msg.Blocks) > 3 {
			t.Errorf("%s: an order in %d blocks", lang, len(msg.Blocks))
		}
	}
}
