package notify_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/notify"
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
	variantReasons = []string{"encours dépassé de 12 400 €", "SKU 4711 manquant", "", "adresse de livraison incomplète",
		"Customer over credit limit", "impayé facture F-2026-0042 > 60 j", "rupture fournisseur, réappro 15/12"}
	variantRep = "François Dubœuf"
)

// variantData are the texts of the variants that come from the ERP or the
// directory, as Slack and the console show them: the lint does not hold
// their words against the message's language.
func variantData() []string {
	var out []string
	for _, s := range append(append(append([]string{}, variantCustomers...), variantReasons...), variantRep) {
		out = append(out, s, render.Escape(s), strings.Join(strings.Fields(s), " "))
	}
	return out
}

// variantAlerts are n blocked orders, the biggest first, in currencies.
func variantAlerts(n int, currencies ...string) []postgres.Alert {
	blocked := orders.BlockedStatuses()
	var out []postgres.Alert
	for i := range n {
		out = append(out, postgres.Alert{Number: fmt.Sprintf("45000%05d", 12345+i), Customer: variantCustomers[i%len(variantCustomers)],
			Status: blocked[i%len(blocked)], Reason: variantReasons[i%len(variantReasons)],
			AmountCents: int64(1825000 - i*13700), Currency: currencies[i%len(currencies)]})
	}
	return out
}

func variantTransitions(n int, to time.Time, currencies ...string) []postgres.Transition {
	blocked := orders.BlockedStatuses()
	var out []postgres.Transition
	for i := range n {
		st := blocked[(i*3)%len(blocked)]
		out = append(out, postgres.Transition{Number: fmt.Sprintf("45000%05d", 12345+i), Customer: variantCustomers[i%len(variantCustomers)],
			Rep: variantRep, To: st, Reason: variantReasons[i%len(variantReasons)], At: to.Add(-time.Duration(i+1) * 37 * time.Minute),
			AmountCents: int64(1825000 - i*1370), Currency: currencies[i%len(currencies)], Now: st, Since: to.Add(-time.Duration(i+1) * 37 * time.Minute)})
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
		for i, tr := range variantTransitions(n, to.Add(-9*24*time.Hour), "EUR") {
			tr.Since = tr.Since.Add(-time.Duration(i) * 26 * time.Hour)
			d.Stalled = append(d.Stalled, tr)
		}
	}
	return map[string]notify.Message{
		"alert_one":        notify.AlertMessage(variantAlerts(1, "EUR"), 10, lang),
		"alert_many":       notify.AlertMessage(variantAlerts(4, "EUR"), 10, lang),
		"alert_past_top":   notify.AlertMessage(variantAlerts(14, "EUR"), 10, lang),
		"alert_currencies": notify.AlertMessage(variantAlerts(5, "EUR", "CHF", "USD"), 10, lang),
		"digest_one":       digest(func(d *notify.Digest) { d.New = variantTransitions(1, to, "EUR") }),
		"digest_many":      digest(func(d *notify.Digest) { d.New = variantTransitions(7, to, "EUR") }),
		"digest_currencies": digest(func(d *notify.Digest) {
			d.New = variantTransitions(6, to, "EUR", "CHF")
			d.StillBlocked.TotalCents["CHF"] = 2350000
		}),
		"digest_stalled": digest(func(d *notify.Digest) {
			d.New = variantTransitions(2, to, "EUR")
			stalled(d, 10)
			d.StalledCount = 13
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
			for form, text := range map[string]string{"Slack": slackText.String(), "console": m.Console} {
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
			checkGolden(t, "variants/"+name+".json", js.Bytes())
			checkGolden(t, "variants/"+name+".txt", []byte(m.Console))
		}
	}
}
