package notify_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// The data of the variants, as ERPs export it and people are named: accents,
// ampersands, Slack markup someone typed into a customer name, reasons in
// the ERP's language whatever the reader's.
var (
	variantCustomers = []string{"Boulangerie Dupré & Fils", "<!channel> Café *Gras*", "Zürcher Gastro AG", "Hôtel du Vieux Port",
		"Établissements Müller SARL", "Fromagerie Le Gall", "Bistrot <@U0ADV0001> & Co", "Brasserie des Halles",
		"Nordic Foods AB", "Pâtisserie Lenôtre_Sud", "Cave à Vins `Dubois`", "Moulin de la Tour"}
	// variantReasons are what ERPs give as the reason of each block, some
	// in English, sometimes nothing.
	variantReasons = map[orders.Status][]string{
		orders.StatusFinancialBlock: {"impayé facture F-2026-0042 > 60 j", "litige qualité en cours"},
		orders.StatusCreditLimit:    {"encours dépassé de 12 400 €", "Customer over credit limit"},
		orders.StatusAnomaly:        {"adresse de livraison incomplète", ""},
		orders.StatusDeliveryBlock:  {"quai fermé jusqu'au 02/12", ""},
		orders.StatusOutOfStock:     {"SKU 4711 manquant", "rupture fournisseur, réappro 15/12"},
	}
	variantRep = "François Dubœuf"
)

func variantReason(st orders.Status, i int) string {
	r := variantReasons[st]
	return r[i%len(r)]
}

// variantData are the texts of the variants that come from the ERP or the
// directory, as Slack and the console show them: the lint does not hold
// their words against the message's language.
func variantData() []string {
	var out []string
	data := append([]string{variantRep}, variantCustomers...)
	for _, reasons := range variantReasons {
		data = append(data, reasons...)
	}
	for _, s := range data {
		out = append(out, s, render.Escape(s), strings.Join(strings.Fields(s), " "))
	}
	return out
}

// variantAmount is the value of the i-th order of a list, biggest first:
// a few large orders, many small ones.
func variantAmount(i int) int64 { return 1825000*10/int64(10+3*i) + int64(i*7%5)*1250 }

// variantAlerts are n blocked orders, the biggest first, in currencies.
func variantAlerts(n int, currencies ...string) []postgres.Alert {
	blocked := orders.BlockedStatuses()
	var out []postgres.Alert
	for i := range n {
		out = append(out, postgres.Alert{Number: fmt.Sprintf("45000%05d", 12345+i), Customer: variantCustomers[i%len(variantCustomers)],
			Status: blocked[i%len(blocked)], Reason: variantReason(blocked[i%len(blocked)], i/len(blocked)),
			AmountCents: variantAmount(i), Currency: currencies[i%len(currencies)]})
	}
	return out
}

// variantChanges are n orders that went from one block to another.
func variantChanges(n int) []postgres.Alert {
	out := variantAlerts(n, "EUR")
	blocked := orders.BlockedStatuses()
	for i := range out {
		out[i].Number = fmt.Sprintf("45000%05d", 13100+i)
		out[i].From = out[i].Status
		out[i].Status = blocked[(i+1)%len(blocked)]
		out[i].Reason = variantReason(out[i].Status, i)
	}
	return out
}

// variantTransitions are n orders numbered from first that entered a
// block before to, the biggest first.
func variantTransitions(n, first int, to time.Time, currencies ...string) []postgres.Transition {
	blocked := orders.BlockedStatuses()
	var out []postgres.Transition
	for i := range n {
		st := blocked[(i*3)%len(blocked)]
		at := to.Add(-time.Duration(i+1) * 37 * time.Minute)
		out = append(out, postgres.Transition{Number: fmt.Sprintf("45000%05d", first+i), Customer: variantCustomers[i%len(variantCustomers)],
			Rep: variantRep, To: st, Reason: variantReason(st, i/len(blocked)), At: at,
			AmountCents: variantAmount(i), Currency: currencies[i%len(currencies)], Now: st, Since: at})
	}
	return out
}

// variantChanged are n orders blocked all through the period that end it
// under another block; the second was released since.
func variantChanged(n int, to time.Time) []postgres.Transition {
	out := variantTransitions(n, 13100, to, "EUR")
	blocked := orders.BlockedStatuses()
	for i := range out {
		out[i].From = blocked[(i*3+2)%len(blocked)]
		if i == 1 {
			out[i].Now = orders.StatusOpen
		}
	}
	return out
}

// variantDigest is a rep's Monday digest covering the weekend.
func variantDigest(lang orders.Language) notify.Digest {
	to := time.Date(2026, 11, 30, 8, 30, 0, 0, paris)
	return notify.Digest{Rep: orders.Person{Name: variantRep}, From: time.Date(2026, 11, 27, 8, 30, 0, 0, paris), To: to,
		Lang: lang, Loc: paris, StalledAfter: 7 * 24 * time.Hour,
		StillBlocked: orders.OrderList{Total: 14, TotalCents: map[string]int64{"EUR": 10412000}}}
}

// variants are every alert and digest a rep or an assistant can get.
func variants(lang orders.Language) map[string]notify.Message {
	to := time.Date(2026, 11, 30, 8, 30, 0, 0, paris)
	digest := func(change func(d *notify.Digest)) notify.Message {
		d := variantDigest(lang)
		change(&d)
		return d.Message()
	}
	stalled := func(d *notify.Digest, n int) {
		for i, tr := range variantTransitions(n, 12900, to.Add(-9*24*time.Hour), "EUR") {
			tr.Since = tr.Since.Add(-time.Duration(i) * 26 * time.Hour)
			d.Stalled = append(d.Stalled, tr)
		}
	}
	return map[string]notify.Message{
		"alert_one":        notify.AlertMessage(variantAlerts(1, "EUR"), nil, 10, lang),
		"alert_many":       notify.AlertMessage(variantAlerts(4, "EUR"), nil, 10, lang),
		"alert_past_top":   notify.AlertMessage(variantAlerts(14, "EUR"), nil, 10, lang),
		"alert_currencies": notify.AlertMessage(variantAlerts(5, "EUR", "CHF", "USD"), nil, 10, lang),
		"digest_one":       digest(func(d *notify.Digest) { d.New = variantTransitions(1, 12345, to, "EUR") }),
		"digest_many":      digest(func(d *notify.Digest) { d.New = variantTransitions(7, 12345, to, "EUR") }),
		"digest_currencies": digest(func(d *notify.Digest) {
			d.New = variantTransitions(6, 12345, to, "EUR", "CHF")
			d.StillBlocked.TotalCents["CHF"] = 2350000
		}),
		"digest_stalled": digest(func(d *notify.Digest) {
			d.New = variantTransitions(2, 12345, to, "EUR")
			stalled(d, 10)
			d.StalledCount = 13
		}),
		"alert_changed_one":  notify.AlertMessage(variantChanges(1), nil, 10, lang),
		"alert_changed_many": notify.AlertMessage(variantChanges(3), nil, 10, lang),
		"alert_mixed": notify.AlertMessage(func() []postgres.Alert {
			mixed := append(variantAlerts(3, "EUR"), variantChanges(2)...)
			slices.SortStableFunc(mixed, func(a, b postgres.Alert) int { return cmp.Compare(b.AmountCents, a.AmountCents) })
			return mixed
		}(), nil, 10, lang),
		"alert_shortfalls": notify.AlertMessage(variantAlerts(3, "EUR"), map[string]postgres.Shortfall{
			variantAlerts(3, "EUR")[0].Number: {ShortItems: 1, ExcessCents: 230000, Currency: "CHF"},
			variantAlerts(3, "EUR")[1].Number: {ShortItems: 12},
			variantAlerts(3, "EUR")[2].Number: {ExcessCents: 5, Currency: "EUR"},
		}, 10, lang),
		"digest_block_changed": digest(func(d *notify.Digest) {
			d.New = variantTransitions(2, 12345, to, "EUR")
			d.Changed = variantChanged(2, to)
		}),
		"digest_changed_only": digest(func(d *notify.Digest) { d.Changed = variantChanged(1, to) }),
		"digest_released_since": digest(func(d *notify.Digest) {
			d.New = variantTransitions(2, 12345, to, "EUR")
			d.New[0].Now = orders.StatusOpen
		}),
		"digest_late": digest(func(d *notify.Digest) {
			// Friday's digest, posted on Saturday after an outage.
			d.Day = time.Date(2026, 11, 27, 8, 30, 0, 0, paris)
			d.From, d.To = time.Date(2026, 11, 26, 8, 30, 0, 0, paris), time.Date(2026, 11, 28, 10, 12, 0, 0, paris)
			d.New = variantTransitions(1, 12345, d.To, "EUR")
		}),
		"digest_past_top": digest(func(d *notify.Digest) {
			// An ERP migration blocks hundreds of orders over a weekend.
			d.New = variantTransitions(240, 20000, to, "EUR", "EUR", "CHF")
			d.Changed = variantChanged(23, to)
			stalled(d, 10)
			d.StalledCount = 57
			d.StillBlocked = orders.OrderList{Total: 301, TotalCents: map[string]int64{"EUR": 90412000, "CHF": 3560000}}
		}),
		"digest_nothing_new": digest(func(d *notify.Digest) {}),
		"digest_all_clear": digest(func(d *notify.Digest) {
			d.StillBlocked = orders.OrderList{}
		}),
	}
}

// TestEveryVariantReadsRight renders every alert and digest in both
// languages, for Slack and the console: no formatting error, no argument
// left out, no word of the other language, Slack's limits kept, data
// escaped; the golden files are what a rep or an assistant reads.
func TestEveryVariantReadsRight(t *testing.T) {
	data := variantData()
	for _, lang := range []orders.Language{orders.French, orders.English} {
		for name, m := range variants(lang) {
			name := name + "_" + string(lang)
			sm := m.Slack()
			var slackText strings.Builder
			slackText.WriteString(sm.Text + "\n")
			for _, b := range sm.Blocks {
				js, _ := json.Marshal(b)
				var blk struct {
					Text struct{ Text string } `json:"text"`
				}
				_ = json.Unmarshal(js, &blk)
				slackText.WriteString(blk.Text.Text + "\n")
				if n := len([]rune(blk.Text.Text)); n > render.MaxSectionText {
					t.Errorf("%s: a section of %d characters, Slack takes %d", name, n, render.MaxSectionText)
				}
			}
			if len(sm.Blocks) > render.MaxBlocks {
				t.Errorf("%s: %d blocks, Slack takes %d", name, len(sm.Blocks), render.MaxBlocks)
			}
			checkRendered(t, "variants/"+name, lang, slackText.String(), m.Console, sm, data)
		}
	}
}

// TestEveryWordingInItsLanguage renders each wording of alerts and digests,
// in each plural form, in both languages: none speaks the other language,
// whichever variant uses it.
func TestEveryWordingInItsLanguage(t *testing.T) {
	c := notify.Messages()
	for _, id := range c.IDs() {
		if !strings.HasPrefix(id, "alert.") && !strings.HasPrefix(id, "digest.") && !strings.HasPrefix(id, "message.") &&
			!strings.HasPrefix(id, "escalation.") && !strings.HasPrefix(id, "handback.") {
			continue
		}
		names, plural := c.Args(id)
		args := catalog.Args{}
		for _, a := range names {
			args[a] = "X"
		}
		for _, lang := range []orders.Language{orders.French, orders.English} {
			texts := []string{c.In(lang).T(id, args)}
			if plural {
				texts = []string{c.In(lang).N(id, 1, args), c.In(lang).N(id, 2, args)}
			}
			for _, text := range texts {
				for _, p := range catalog.Lint(text, lang) {
					t.Errorf("%s (%s): %s: %s", id, lang, p, text)
				}
			}
		}
	}
}

// checkRendered lints a message rendered for Slack (its text, and sm, the
// Block Kit sent) and for the console in lang, data aside; checks that no
// markup reaches Slack unescaped; and compares both with their golden files
// under name.
func checkRendered(t *testing.T, name string, lang orders.Language, slackText, console string, sm render.Message, data []string) {
	t.Helper()
	for form, text := range map[string]string{"Slack": slackText, "console": console} {
		for _, p := range catalog.Lint(text, lang, data...) {
			t.Errorf("%s (%s): %s:\n%s", name, form, p, text)
		}
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sm); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(js.String(), "<>") {
		t.Errorf("%s: unescaped markup reaches Slack:\n%s", name, js.Bytes())
	}
	checkGolden(t, name+".json", js.Bytes())
	checkGolden(t, name+".txt", []byte(console))
}
