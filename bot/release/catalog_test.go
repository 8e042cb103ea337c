package release

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestCatalog: every message of messages.yaml is used by the code, and
// every message the code asks for is there.
func TestCatalog(t *testing.T) {
	var src strings.Builder
	for _, f := range []string{"release.go", "message.go", "jobs.go", "home.go", "home_page.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	ids := Messages().IDs()
	for _, id := range ids {
		if !strings.Contains(src.String(), `"`+id+`"`) {
			t.Errorf("message %s is in messages.yaml but the code does not use it", id)
		}
	}
	calls := regexp.MustCompile(`\.[TN]\("((?:release|home)\.[^"]+)"`).FindAllStringSubmatch(src.String(), -1)
	if len(calls) < 20 {
		t.Fatalf("found %d calls of the catalog: the scan is broken", len(calls))
	}
	for _, c := range calls {
		if !slices.Contains(ids, c[1]) {
			t.Errorf("the code asks for message %s, which messages.yaml does not have", c[1])
		}
	}
}

// TestMessagesInBothLanguages renders a request with its credit position
// and lines, its decisions and the direct messages in French and English,
// and checks each for gaps and words of the other language.
func TestMessagesInBothLanguages(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, paris)
	r := New(Config{Location: paris, Now: func() time.Time { return now }})
	since := now.Add(-74 * time.Hour)
	lines := make([]orders.Line, 7)
	for i := range lines {
		lines[i] = orders.Line{Number: 10 * (i + 1), Item: "CHAI-24", Description: "Chai 24 × 500 g", Quantity: 40, Available: 28}
	}
	o := orders.Order{Number: "4500011039", Status: orders.StatusCreditLimit, AmountCents: 1845000, Currency: "EUR",
		Customer: orders.Customer{Name: "Boulangerie <Dupré> & *Fils*", Credit: &orders.Credit{LimitCents: 5000000, ExposureCents: 6240000,
			OverdueCents: 420000, Currency: "EUR", AccountHold: true}},
		Blocks: []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "Encours dépassé de 12 400 €", Since: since}}, Lines: lines}
	decided := now.Add(-26 * time.Hour)
	req := postgres.ReleaseRequest{ID: 7, Number: o.Number, Block: orders.StatusCreditLimit, BlockSince: since,
		Requester: orders.Person{Name: "François Dubœuf"}, Reason: "le client a viré 20 000 € ce matin", RequestedAt: now,
		Channel: "C0CREDIT01", State: postgres.ReleaseOpen}
	data := []string{"Boulangerie", "Dupré", "Fils", "Encours dépassé de 12 400 €", "le client a viré 20 000 € ce matin", "Chai",
		"Impayés de 4 200 € depuis le 12/10"}
	for _, lang := range []orders.Language{orders.French, orders.English} {
		check := func(name, text string) {
			t.Helper()
			if ps := catalog.Lint(text, lang, data...); len(ps) > 0 {
				t.Errorf("%s in %s: %v\n%s", name, lang, ps, text)
			}
			if strings.Contains(text, "<Dupré>") || strings.Contains(text, "*Fils*") {
				t.Errorf("%s in %s shows the customer's name unescaped:\n%s", name, lang, text)
			}
		}
		msg := r.requestMessage(req, o, lang)
		text := sectionText(msg.Blocks)
		check("request", text)
		for _, want := range []string{"CHAI-24", "12", "2"} {
			if !strings.Contains(text, want) {
				t.Errorf("request in %s lacks %q:\n%s", lang, want, text)
			}
		}
		for _, d := range []struct {
			state, reason string
		}{{postgres.ReleaseApproved, ""}, {postgres.ReleaseDeclined, "Impayés de 4 200 € depuis le 12/10"}} {
			dr := req
			dr.State, dr.DecidedAt, dr.DecisionReason, dr.Decider = d.state, &decided, d.reason, orders.Person{Name: "Sophie Bernard"}
			check("decided "+d.state, sectionText(r.requestMessage(dr, o, lang).Blocks))
			check("notice "+d.state, r.noticeText(noticeDecided, dr, o, lang))
			check("stale", r.noticeText(noticeStale, dr, o, lang))
		}
		m := DeclineModal(7, "4500011039", lang)
		check("modal", m.Title.Text+" "+m.Submit.Text+" "+m.Close.Text)
		tt := messages().In(lang)
		args := catalog.Args{"Number": "4500011039", "Block": "x", "Channel": "<#C0CREDIT01>", "Requester": "François Dubœuf",
			"When": "27/11", "Status": "x", "Decision": "x"}
		for _, id := range []string{"release.asked", "release.already", "release.not_blocked", "release.no_route", "release.not_yours",
			"release.unknown_person", "release.slack_only", "release.not_decider", "release.decided_before"} {
			check(id, tt.T(id, args))
		}
	}
}

// sectionText is the text of a message's blocks, as Slack shows it.
func sectionText(blocks any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				b.WriteString(s + "\n")
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(toJSON(blocks))
	return b.String()
}

func toJSON(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
