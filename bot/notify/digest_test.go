package notify_test

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestNewlyBlockedIsAnOrderThatWasNotBlocked: between Friday's digest and
// Monday's, orders move the way a credit department moves them. Newly
// blocked are the orders not blocked on Friday and blocked on Monday, or
// released and blocked again over the weekend; an order that stayed blocked
// under another block is a block change; one blocked and released again
// over the weekend is neither.
func TestNewlyBlockedIsAnOrderThatWasNotBlocked(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	at := func(day, hour int) { w.clock.set(time.Date(2026, 11, day, hour, 0, 0, 0, paris)) }
	// Thursday: the portfolio as Friday's digest finds it.
	at(26, 10)
	w.order("4500000101", w.rep2, false, orders.StatusFinancialBlock, 1200000, 0) // → credit limit
	w.order("4500000102", w.rep2, false, orders.StatusCreditLimit, 800000, 0)     // → released
	w.order("4500000103", w.rep2, false, orders.StatusOpen, 500000, 0)            // → out of stock
	w.order("4500000104", w.rep2, false, orders.StatusOpen, 400000, 0)            // → blocked, released
	w.order("4500000105", w.rep2, false, orders.StatusFinancialBlock, 300000, 0)  // → released, blocked again
	w.order("4500000106", w.rep2, false, orders.StatusPicking, 200000, 0)         // → anomaly → financial block
	w.order("4500000107", w.rep2, false, orders.StatusAnomaly, 100000, 0)         // → delivery block → anomaly
	at(27, 8)
	w.clock.set(time.Date(2026, 11, 27, 8, 31, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	at(27, 14)
	w.order("4500000101", w.rep2, false, orders.StatusCreditLimit, 1200000, 0)
	w.order("4500000102", w.rep2, false, orders.StatusOpen, 800000, 0)
	w.order("4500000103", w.rep2, false, orders.StatusOutOfStock, 500000, 0)
	w.order("4500000104", w.rep2, false, orders.StatusOutOfStock, 400000, 0)
	w.order("4500000105", w.rep2, false, orders.StatusOpen, 300000, 0)
	w.order("4500000106", w.rep2, false, orders.StatusAnomaly, 200000, 0)
	w.order("4500000107", w.rep2, false, orders.StatusDeliveryBlock, 100000, 0)
	at(28, 9)
	w.order("4500000104", w.rep2, false, orders.StatusOpen, 400000, 0)
	w.order("4500000105", w.rep2, false, orders.StatusFinancialBlock, 300000, 0)
	w.order("4500000106", w.rep2, false, orders.StatusFinancialBlock, 200000, 0)
	w.order("4500000107", w.rep2, false, orders.StatusAnomaly, 100000, 0)
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(digestChannel2)
	if len(posts) != 2 {
		t.Fatalf("%d digests, want Friday's and Monday's", len(posts))
	}
	monday := blocksText(posts[1])
	newly, changed, _ := strings.Cut(monday, "Block changed")
	for _, num := range []string{"4500000103", "4500000105", "4500000106"} {
		if !strings.Contains(newly, num) {
			t.Errorf("%s is not newly blocked in Monday's digest:\n%s", num, monday)
		}
	}
	for _, num := range []string{"4500000101", "4500000102", "4500000104", "4500000107"} {
		if strings.Contains(newly, num) {
			t.Errorf("%s is newly blocked in Monday's digest:\n%s", num, monday)
		}
	}
	if !strings.Contains(changed, "4500000101") || !strings.Contains(changed, "was Financial block, now Credit limit") {
		t.Errorf("Monday's digest does not say that 4500000101 went from a financial block to the credit limit:\n%s", monday)
	}
	for _, num := range []string{"4500000102", "4500000103", "4500000104", "4500000105", "4500000106", "4500000107"} {
		if strings.Contains(changed, num) {
			t.Errorf("%s is in the block changes of Monday's digest:\n%s", num, monday)
		}
	}
}

// TestBlockChangeAlertedAsAChange: an assistant learns that an order
// already blocked is held by something else now, worded as a change.
func TestBlockChangeAlertedAsAChange(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	w.order("4500000111", w.rep, true, orders.StatusFinancialBlock, 100000, 0)
	if err := n.SendAlerts(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.advance(time.Hour)
	w.order("4500000111", w.rep, true, orders.StatusCreditLimit, 100000, 0)
	if err := n.SendAlerts(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(w.dm("U0ADV0001"))
	if len(posts) != 2 {
		t.Fatalf("Claire got %d alerts, want the block and its change", len(posts))
	}
	first, change := posts[0].Text+blocksText(posts[0]), posts[1].Text+blocksText(posts[1])
	if !strings.Contains(first, "est bloquée") {
		t.Errorf("the block's alert: %s", first)
	}
	if strings.Contains(change, "est bloquée") || !strings.Contains(change, "Blocage financier") ||
		!strings.Contains(change, "Limite de crédit") || !strings.Contains(change, "blocage a changé") {
		t.Errorf("the change's alert does not say it changed, from what to what:\n%s", change)
	}
}

// slackTexts are the texts of a Slack message's blocks.
func slackTexts(t *testing.T, m render.Message) []string {
	t.Helper()
	var out []string
	for _, b := range m.Blocks {
		s, ok := b.(*slack.SectionBlock)
		if !ok || s.Text == nil {
			t.Fatalf("a block that is not a section of text: %#v", b)
		}
		out = append(out, s.Text.Text)
	}
	return out
}

// checkSlackLimits fails when m holds more blocks, or longer sections,
// than Slack takes.
func checkSlackLimits(t *testing.T, name string, m render.Message) {
	t.Helper()
	if len(m.Blocks) > render.MaxBlocks {
		t.Errorf("%s: %d blocks, Slack takes %d", name, len(m.Blocks), render.MaxBlocks)
	}
	for i, s := range slackTexts(t, m) {
		if n := utf8.RuneCountInString(s); n > render.MaxSectionText {
			t.Errorf("%s: block %d holds %d characters, Slack takes %d", name, i, n, render.MaxSectionText)
		}
	}
}

// A count as the catalog writes it: 1,203 or 1 203.
const countRE = `(\d[\d,\x{a0}\x{202f} ]*)`

var moreRE = regexp.MustCompile(`… (?:and|et) ` + countRE + ` (?:more|autres?)`)

// atoi reads a count written with its thousands separator.
func atoi(s string) int {
	n, _ := strconv.Atoi(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s))
	return n
}

// TestHundredsOfNewlyBlockedWithinSlack: an ERP migration blocks 600 of a
// rep's orders over a weekend. The digest stays within Slack's limits,
// lists the ten biggest of each block and says how many more, so that
// every order is in it, listed or counted.
func TestHundredsOfNewlyBlockedWithinSlack(t *testing.T) {
	to := time.Date(2026, 11, 30, 8, 30, 0, 0, paris)
	for _, lang := range []orders.Language{orders.French, orders.English} {
		d := variantDigest(lang)
		d.New = variantTransitions(600, 20000, to, "EUR", "CHF")
		d.Changed = variantChanged(120, to)
		m := d.Slack()
		checkSlackLimits(t, string(lang), m)
		listed, counted := 0, 0
		for _, s := range slackTexts(t, m) {
			listed += strings.Count(s, "• *45000")
			for _, more := range moreRE.FindAllStringSubmatch(s, -1) {
				counted += atoi(more[1])
			}
		}
		if listed > 6*10 || counted == 0 {
			t.Errorf("%s: %d orders listed, %d counted: a rep reads ten of each list and how many more", lang, listed, counted)
		}
		if listed+counted != 720 {
			t.Errorf("%s: %d orders listed and %d counted, want the 720 newly blocked or changed", lang, listed, counted)
		}
	}
}

// TestTooLongForSlackSaysWhatIsLeftOut: a message longer than fifty blocks
// of Slack ends with how many of its lines did not fit.
func TestTooLongForSlackSaysWhatIsLeftOut(t *testing.T) {
	to := time.Date(2026, 11, 30, 8, 30, 0, 0, paris)
	for _, lang := range []orders.Language{orders.French, orders.English} {
		d := variantDigest(lang)
		d.New = variantTransitions(3000, 20000, to, "EUR")
		d.Top = 3000 // everything listed: far more than Slack takes
		msg := d.Message()
		m := msg.Slack()
		checkSlackLimits(t, string(lang), m)
		texts := slackTexts(t, m)
		if len(texts) != render.MaxBlocks {
			t.Fatalf("%s: %d blocks, want Slack's %d", lang, len(texts), render.MaxBlocks)
		}
		cut := regexp.MustCompile(`… ` + countRE + ` (?:more lines do not fit|lignes de plus ne tiennent pas)`).FindStringSubmatch(texts[len(texts)-1])
		if cut == nil {
			t.Fatalf("%s: the last block does not say what was left out: %s", lang, texts[len(texts)-1])
		}
		shown, all := 0, 0
		for _, s := range texts[:len(texts)-1] {
			shown += strings.Count(s, "\n") + 1
		}
		for _, s := range msg.Sections {
			all += strings.Count(s, "\n") + 1
		}
		if n := atoi(cut[1]); shown+n != all {
			t.Errorf("%s: %d lines shown and %d said left out, of %d", lang, shown, n, all)
		}
	}
}

// importExport applies a daily snapshot export of the rep's orders as of
// the clock's time, the way an ERP's nightly file arrives.
func (w *world) importExport(es ...orders.Entry) {
	w.t.Helper()
	i := 0
	next := func() (orders.Entry, error) {
		if i == len(es) {
			return orders.Entry{}, io.EOF
		}
		i++
		e := es[i-1]
		e.Line = i + 1
		return e, nil
	}
	if _, err := w.st.ImportOrders(w.ctx, postgres.ImportRequest{Source: "portefeuille.csv", Profile: "sap", AsOf: w.clock.now(),
		Snapshot: true, MaxCloseShare: 0.5, PeopleBy: orders.ByEmail, NumberColumn: "N° commande"}, next); err != nil {
		w.t.Fatal(err)
	}
}

// exported is one order as the ERP exports it: its status and its active
// blocks, the first the most urgent.
func exported(number string, cents int64, st orders.Status, blocks ...orders.Block) orders.Entry {
	e := orders.Entry{Number: number, CustomerCode: "C001234", CustomerName: "Boulangerie Dupré & Fils", Rep: "francois@example.fr",
		Assistant: "claire@example.fr", Status: st, Blocks: blocks, AmountCents: cents, Currency: "EUR"}
	if len(blocks) > 0 {
		e.BlockReason = blocks[0].Reason
	}
	return e
}

// TestBlockChangeThroughImports: the nightly exports of an ERP. On
// Saturday's, an order held by finance and by its credit limit has its
// financial block lifted (it stays blocked, by its credit limit), another
// is released, a third runs out of stock. Monday's digest shows one newly
// blocked order and one block change; Claire's alert says the same.
func TestBlockChangeThroughImports(t *testing.T) {
	w := setupBare(t)
	n := w.notifier(notify.Options{})
	financial := orders.Block{Kind: orders.StatusFinancialBlock, Reason: "impayé F-2026-0042"}
	credit := orders.Block{Kind: orders.StatusCreditLimit, Reason: "encours dépassé de 12 400 €"}
	w.clock.set(time.Date(2026, 11, 26, 6, 0, 0, 0, paris)) // the first export, Thursday
	w.importExport(
		exported("4500000501", 1825000, orders.StatusFinancialBlock, financial, credit),
		exported("4500000502", 386000, orders.StatusCreditLimit, credit),
		exported("4500000503", 98000, orders.StatusOpen))
	w.clock.set(time.Date(2026, 11, 27, 8, 31, 0, 0, paris))
	if err := n.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.set(time.Date(2026, 11, 28, 6, 0, 0, 0, paris))
	w.importExport(
		exported("4500000501", 1825000, orders.StatusCreditLimit, credit),
		exported("4500000502", 386000, orders.StatusOpen),
		exported("4500000503", 98000, orders.StatusOutOfStock, orders.Block{Kind: orders.StatusOutOfStock, Reason: "SKU 4711 manquant"}))
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	if err := n.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(digestChannel)
	if len(posts) != 2 {
		t.Fatalf("%d digests, want Friday's and Monday's", len(posts))
	}
	monday := blocksText(posts[1])
	newly, changed, _ := strings.Cut(monday, "Blocage changé")
	if !strings.Contains(posts[1].Text, "1 commande nouvellement bloquée et 1 changement de blocage") ||
		!strings.Contains(newly, "4500000503") || strings.Contains(newly, "4500000501") || strings.Contains(monday, "4500000502") ||
		!strings.Contains(changed, "4500000501") || !strings.Contains(changed, "était Blocage financier, maintenant Limite de crédit") {
		t.Errorf("Monday's digest:\n%s\n%s", posts[1].Text, monday)
	}
	alerts := w.postsTo(w.dm("U0ADV0001"))
	if len(alerts) != 1 {
		t.Fatalf("Claire got %d alerts, want the one of Saturday's export", len(alerts))
	}
	if text := alerts[0].Text + blocksText(alerts[0]); !strings.Contains(text, "1 commande bloquée et 1 changement de blocage") ||
		!strings.Contains(text, "Limite de crédit (avant\u00a0: Blocage financier)") {
		t.Errorf("Claire's alert:\n%s", text)
	}
}
