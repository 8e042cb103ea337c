package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
)

// The people of the distributor in TestTrustE2EFrenchEnglishDay: reps and
// assistants, French and English, as testdata/trust/people.csv lists them.
const (
	trustClaire = "claire.martin@example.fr"     // rep, fr, #ventes-sud
	trustPaul   = "paul.girard@example.fr"       // rep, fr, #ventes-nord
	trustOliver = "oliver.grant@example.co.uk"   // rep, en, C0SALESUK1
	trustHelene = "helene.lefevre@example.fr"    // assistant, fr
	trustEmma   = "emma.clarke@example.co.uk"    // assistant, en
	trustMarc   = "marc.dubois@example.fr"       // manager, fr
	trustFloor  = "C0FLOOR001"                   // the sales floor's channel
	trustBoard  = "C0DIRECTION"                  // the managers' summary
	trustProf   = "divalto_fr"                   // testdata/trust/orderbot.yaml's profile
	trustPeople = "testdata/trust/people.csv"    // Excel's "CSV UTF-8": BOM, CRLF
	trustConfig = "testdata/trust/orderbot.yaml" // the profile of the ERP's export
)

// trustSlack is the Slack workspace: each person of the directory by Slack
// ID, with their e-mail and language.
var trustSlack = map[string]struct {
	email string
	lang  orders.Language
}{
	"U0CLAIRE01": {trustClaire, orders.French},
	"U0PAUL0001": {trustPaul, orders.French},
	"U0OLIVER01": {trustOliver, orders.English},
	"U0HELENE01": {trustHelene, orders.French},
	"U0EMMA0001": {trustEmma, orders.English},
	"U0MARC0001": {trustMarc, orders.French},
}

// trustOrder is one line of the ERP's export.
type trustOrder struct {
	number, code, customer, ref, rep, assistant, status, reason, amount, currency string
}

// trustHeader is the export's header, as the ERP writes it.
const trustHeader = "N° commande;Code client;Raison sociale;Réf. client;Commercial;ADV;Statut;Motif blocage;Montant HT;Devise;" +
	"Date commande;Date livraison souhaitée\r\n"

// trustExport writes an export of rows, dated around now, in Windows-1252.
func trustExport(t *testing.T, path string, now time.Time, rows []trustOrder) {
	t.Helper()
	ordered := now.AddDate(0, 0, -20).Format("02/01/2006")
	requested := now.AddDate(0, 0, 10).Format("02/01/2006")
	var b strings.Builder
	b.WriteString(trustHeader)
	for _, o := range rows {
		customer := o.customer
		if strings.ContainsAny(customer, `;"`) {
			customer = `"` + strings.ReplaceAll(customer, `"`, `""`) + `"`
		}
		b.WriteString(strings.Join([]string{o.number, o.code, customer, o.ref, o.rep, o.assistant, o.status, o.reason,
			o.amount, o.currency, ordered, requested}, ";") + "\r\n")
	}
	write1252(t, path, b.String())
}

// The orders, by what happens to them on day 2.
var (
	// Claire's, followed by Hélène.
	trustA = trustOrder{"4500020001", "C001234", "Boulangerie Dupré & Fils", "PO-7781", trustClaire, trustHelene, "EC", "", "12\u00a0400,50", "EUR"}
	trustB = trustOrder{"4500020002", "C000777", "Café de la Gare", "CMD 2026/118", trustClaire, trustHelene, "BLF", "2 factures échues", "3\u00a0150,00", "EUR"}
	trustC = trustOrder{"4500020003", "C000042", "Établissements Müller; Fils", "", trustClaire, trustHelene, "EC", "", "980,00", "EUR"}
	trustD = trustOrder{"4500020004", "C000314", "Boucherie Lefèvre & Cie", "", trustClaire, trustHelene, "BLC", "encours dépassé de 8 200 €", "8\u00a0200,00", "EUR"}
	trustE = trustOrder{"4500020005", "C000314", "Boucherie Lefèvre & Cie", "BC 2026-0412", trustClaire, trustHelene, "EC", "", "1\u00a0500,00", "EUR"}
	// Claire's, followed by Emma (English).
	trustI = trustOrder{"4500020006", "C000901", "Quincaillerie du Port", "", trustClaire, trustEmma, "EC", "", "2\u00a0240,00", "EUR"}
	// Oliver's (English), followed by Emma.
	trustF = trustOrder{"4500030001", "C100001", "Thames Valley Foods Ltd", "PO 55012", trustOliver, trustEmma, "EC", "", "6\u00a0480,00", "GBP"}
	trustG = trustOrder{"4500030002", "C100002", "Harbour & Sons", "", trustOliver, trustEmma, "BLV", "dock closed", "1\u00a0920,00", "GBP"}
	trustH = trustOrder{"4500030003", "C100003", "Northern Lights Trading", "", trustOliver, trustEmma, "BLC", "credit limit exceeded by £3,000", "15\u00a0000,00", "EUR"}
	// Paul's, followed by no one: alerts go to Paul. Two customers are
	// cafés.
	trustJ = trustOrder{"4500040001", "C000555", "Fromagerie Bénard", "", trustPaul, "", "EC", "", "760,00", "EUR"}
	trustK = trustOrder{"4500040002", "C000555", "Fromagerie Bénard", "", trustPaul, "", "EC", "", "430,00", "EUR"}
	trustL = trustOrder{"4500040003", "C000778", "Café du Commerce", "", trustPaul, "", "EC", "", "1\u00a0215,00", "EUR"}
)

// with returns o under another status and reason.
func (o trustOrder) with(status, reason string) trustOrder {
	o.status, o.reason = status, reason
	return o
}

// trustData are the texts of the ERP and the directory that messages
// quote, as they are and as Slack shows them: Lint leaves them out of its
// language check.
func trustData() []string {
	var raw []string
	for _, o := range []trustOrder{trustA, trustB, trustC, trustD, trustE, trustI, trustF, trustG, trustH, trustJ, trustK, trustL} {
		raw = append(raw, o.number, o.customer, o.ref, o.reason, o.rep, o.assistant)
	}
	raw = append(raw, "encours dépassé de 12 400 €", "limite de crédit atteinte", "prix manquant ligne 3", "encours dépassé de 9 050 €",
		"quai fermé le lundi", "SKU 4711 back-ordered", "two invoices overdue", "relance 2 sans réponse",
		"Claire Martin", "Paul Girard", "Oliver Grant", "Hélène Lefèvre", "Emma Clarke", "Marc Dubois", trustMarc)
	var out []string
	for _, s := range raw {
		if s != "" {
			out = append(out, s, render.Escape(s))
		}
	}
	// Longest first: a name is left out whole before a part of it.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return slices.Compact(out)
}

// TestTrustE2EFrenchEnglishDay runs a day of a French distributor with an
// English branch through the real command line and a fake Slack: the
// directory and the ERP's exports imported, a noon export, alerts, the
// reps' digests and the managers' summary posted by `digest run`, then
// questions under `orderbot serve`, a busy channel and a direct message.
// Every message is read in the language of its reader, and none shows a
// formatting or template mistake.
func TestTrustE2EFrenchEnglishDay(t *testing.T) {
	t.Parallel()
	began := time.Now()
	dir := t.TempDir()
	db := server.NewDatabase(t)
	users := map[string]string{}
	for id, u := range trustSlack {
		users[id] = u.email
	}
	fake := slackfake.New(t, slackfake.WithUsers(users))
	cfg, err := filepath.Abs(trustConfig)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"ORDERBOT_DATABASE_URL": db, "ORDERBOT_SLACK_BOT_TOKEN": "xoxb-test-token",
		"ORDERBOT_SLACK_APP_TOKEN": "xapp-test-token", "ORDERBOT_SLACK_API_URL": fake.APIURL()}
	cli := func(extra map[string]string, args ...string) string {
		t.Helper()
		env := map[string]string{}
		for k, v := range vars {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		out, stderr, err := orderbot(t, env, append([]string{"--config", cfg}, args...)...)
		if err != nil {
			t.Fatalf("orderbot %s: %v\n%s\n%s", strings.Join(args, " "), err, out, stderr)
		}
		return out
	}
	data := trustData()
	// Every post is read, in its reader's language: lint marks what it read.
	read := map[string]bool{}
	postKey := func(c slackfake.Call) string { return c.Method + " " + c.Channel + " " + c.Path + " " + c.At.String() }
	lint := func(t *testing.T, what string, c slackfake.Call, lang orders.Language) {
		t.Helper()
		read[postKey(c)] = true
		trustLint(t, what, c, lang, data)
	}

	// The directory, then the night's export of day 1, 26 hours ago.
	if out := cli(nil, "import", "people", trustPeople); !strings.Contains(out, "Imported 6 people: 6 new") {
		t.Errorf("import people:\n%s", out)
	}
	now := time.Now()
	day1 := []trustOrder{trustA, trustB, trustC, trustD, trustE, trustI, trustF, trustG, trustH, trustJ, trustK, trustL}
	importDay := func(name string, asOf time.Time, rows []trustOrder) string {
		t.Helper()
		path := filepath.Join(dir, name)
		trustExport(t, path, now, rows)
		return cli(nil, "import", "orders", path, "--profile", trustProf, "--as-of", asOf.Format(time.RFC3339))
	}
	if out := importDay("export_j1.csv", now.Add(-26*time.Hour), day1); !strings.Contains(out, "12 new") || strings.Contains(out, "placeholders") {
		t.Fatalf("day 1:\n%s", out)
	}

	// Day 2, in the morning: an anomaly on C. Alerts go out (a run when no
	// digest is due: the only digest day is three days ago, before the
	// first import).
	morning := slices.Clone(day1)
	morning[2] = trustC.with("ANO", "prix manquant ligne 3")
	if out := importDay("export_j2_matin.csv", now.Add(-3*time.Hour), morning); !strings.Contains(out, "Alerts queued: 1") {
		t.Errorf("day 2, morning:\n%s", out)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	notDue := map[string]string{"ORDERBOT_DIGEST_DAYS": strings.ToLower(now.In(paris).AddDate(0, 0, -3).Weekday().String()[:3])}
	cli(notDue, "digest", "run")
	dms := func() map[string][]slackfake.Call {
		out := map[string][]slackfake.Call{}
		for _, p := range fake.Posts() {
			if strings.HasPrefix(p.Channel, "D") {
				out[p.Channel] = append(out[p.Channel], p)
			}
		}
		return out
	}
	helene, emma, paul := trustDM(t, fake, "U0HELENE01"), trustDM(t, fake, "U0EMMA0001"), trustDM(t, fake, "U0PAUL0001")
	if got := dms(); len(got) != 1 || len(got[helene]) != 1 {
		t.Errorf("after the morning's import, DMs %v; want one, to Hélène (%s)", trustDescribe(got), helene)
	} else {
		a := got[helene][0]
		lint(t, "Hélène's alert of the morning", a, orders.French)
		if line := trustLine(a, trustC.number); !strings.Contains(line, orders.StatusAnomaly.Label(orders.French)) {
			t.Errorf("Hélène's alert of the morning says of %s: %q\n%s", trustC.number, line, trustVisible(a))
		}
	}

	// Day 2, at noon: A newly blocked (credit), B from a financial block to
	// a credit limit, C's anomaly solved, D still on credit (a new
	// amount in its reason), I held for delivery, Oliver's F out of stock
	// and G from a delivery block to a financial one, H still on credit,
	// Paul's J on a financial block, K invoiced.
	noon := []trustOrder{
		trustA.with("BLC", "encours dépassé de 12 400 €"),
		trustB.with("BLC", "limite de crédit atteinte"),
		trustC,
		trustD.with("BLC", "encours dépassé de 9 050 €"),
		trustE,
		trustI.with("BLV", "quai fermé le lundi"),
		trustF.with("RUP", "SKU 4711 back-ordered"),
		trustG.with("BLF", "two invoices overdue"),
		trustH,
		trustJ.with("BLF", "relance 2 sans réponse"),
		trustL,
	}
	if out := importDay("export_j2_midi.csv", now.Add(-2*time.Hour), noon); !strings.Contains(out, "Alerts queued: 6") ||
		!strings.Contains(out, "1 closed") {
		t.Errorf("day 2, noon:\n%s", out)
	}

	// The day's run: alerts, digests, summary, all due.
	justPassed := digestTimeJustPassed(t)
	due := map[string]string{"ORDERBOT_DIGEST_DAYS": "all", "ORDERBOT_DIGEST_TIME": justPassed,
		"ORDERBOT_DIGEST_SUMMARY_TIME": justPassed, "ORDERBOT_DIGEST_SUMMARY_CHANNEL": trustBoard, "ORDERBOT_DIGEST_STALLED_DAYS": "1"}
	cli(due, "digest", "run")
	t.Logf("imports and digest runs took %s", time.Since(began).Round(time.Millisecond))

	t.Run("alerts", func(t *testing.T) {
		got := dms()
		if len(got) != 3 || len(got[helene]) != 2 || len(got[emma]) != 1 || len(got[paul]) != 1 {
			t.Fatalf("DMs %v; want Hélène (%s) 2 (morning, noon), Emma (%s) 1, Paul (%s) 1", trustDescribe(got), helene, emma, paul)
		}
		type want struct {
			who       string
			alert     slackfake.Call
			lang      orders.Language
			blocked   []trustOrder    // newly blocked, with their new status
			changed   [][2]trustOrder // block changed: before, after
			notListed []trustOrder
		}
		for _, w := range []want{
			{"Hélène", got[helene][1], orders.French, []trustOrder{trustA.with("BLC", "")}, [][2]trustOrder{{trustB, trustB.with("BLC", "")}},
				[]trustOrder{trustC, trustD, trustE, trustI}},
			{"Emma", got[emma][0], orders.English, []trustOrder{trustI.with("BLV", ""), trustF.with("RUP", "")},
				[][2]trustOrder{{trustG, trustG.with("BLF", "")}}, []trustOrder{trustH, trustA, trustB}},
			{"Paul", got[paul][0], orders.French, []trustOrder{trustJ.with("BLF", "")}, nil, []trustOrder{trustK}},
		} {
			lint(t, w.who+"'s alert", w.alert, w.lang)
			for _, o := range w.blocked {
				line := trustLine(w.alert, o.number)
				if !strings.Contains(line, trustStatus(t, o).Label(w.lang)) || trustMentionsOtherBlock(line, trustStatus(t, o), w.lang) {
					t.Errorf("%s's alert, newly blocked %s: %q, want its block (%s) alone\n%s", w.who, o.number, line,
						trustStatus(t, o).Label(w.lang), trustVisible(w.alert))
				}
			}
			for _, c := range w.changed {
				line := trustLine(w.alert, c[0].number)
				from, to := trustStatus(t, c[0]).Label(w.lang), trustStatus(t, c[1]).Label(w.lang)
				if !strings.Contains(line, from) || !strings.Contains(line, to) {
					t.Errorf("%s's alert does not word %s's block change (%s → %s): %q\n%s", w.who, c[0].number, from, to, line, trustVisible(w.alert))
				}
			}
			if len(w.changed) > 0 {
				if head := strings.ToLower(trustHead(w.alert)); !strings.Contains(head, "chang") {
					t.Errorf("%s's alert's head does not say a block changed: %q", w.who, head)
				}
			}
			for _, o := range w.notListed {
				if strings.Contains(trustVisible(w.alert), o.number) {
					t.Errorf("%s's alert lists %s:\n%s", w.who, o.number, trustVisible(w.alert))
				}
			}
		}
	})

	t.Run("digests", func(t *testing.T) {
		type want struct {
			channel string
			rep     string
			lang    orders.Language
			newly   []trustOrder    // with their new status
			changed [][2]trustOrder // before, after
			not     []trustOrder    // neither newly blocked nor changed
		}
		for _, w := range []want{
			{"#ventes-sud", "Claire Martin", orders.French, []trustOrder{trustA.with("BLC", ""), trustI.with("BLV", "")},
				[][2]trustOrder{{trustB, trustB.with("BLC", "")}}, []trustOrder{trustC, trustD, trustE}},
			{"C0SALESUK1", "Oliver Grant", orders.English, []trustOrder{trustF.with("RUP", "")},
				[][2]trustOrder{{trustG, trustG.with("BLF", "")}}, []trustOrder{trustH}},
			{"#ventes-nord", "Paul Girard", orders.French, []trustOrder{trustJ.with("BLF", "")}, nil, []trustOrder{trustK}},
		} {
			posts := postsTo(fake, w.channel)
			if len(posts) != 1 {
				t.Errorf("%s got %d posts, want its digest", w.channel, len(posts))
				continue
			}
			dg := posts[0]
			lint(t, w.rep+"'s digest", dg, w.lang)
			if !strings.Contains(dg.Text, w.rep) {
				t.Errorf("%s's digest is titled %q", w.rep, dg.Text)
			}
			newly, changed := trustDigestSections(dg, w.lang)
			var wantNew []string
			for _, o := range w.newly {
				wantNew = append(wantNew, o.number)
				if got := newly[o.number]; got != trustStatus(t, o) {
					t.Errorf("%s's digest lists %s as newly blocked under %q, want %q\n%s", w.rep, o.number, got, trustStatus(t, o),
						trustVisible(dg))
				}
			}
			if got := slices.Sorted(maps.Keys(newly)); !slices.Equal(got, slices.Sorted(slices.Values(wantNew))) {
				t.Errorf("%s's digest lists as newly blocked %v, want %v\n%s", w.rep, got, wantNew, trustVisible(dg))
			}
			var wantChanged []string
			for _, c := range w.changed {
				wantChanged = append(wantChanged, c[0].number)
				line := changed[c[0].number]
				from, to := trustStatus(t, c[0]).Label(w.lang), trustStatus(t, c[1]).Label(w.lang)
				if !strings.Contains(line, from) || !strings.Contains(line, to) {
					t.Errorf("%s's digest, block change of %s (%s → %s): %q\n%s", w.rep, c[0].number, from, to, line, trustVisible(dg))
				}
			}
			if got := slices.Sorted(maps.Keys(changed)); !slices.Equal(got, slices.Sorted(slices.Values(wantChanged))) {
				t.Errorf("%s's digest lists as changed %v, want %v\n%s", w.rep, got, wantChanged, trustVisible(dg))
			}
			for _, o := range w.not {
				if _, ok := newly[o.number]; ok {
					t.Errorf("%s's digest lists %s as newly blocked", w.rep, o.number)
				}
			}
		}
		summaries := postsTo(fake, trustBoard)
		if len(summaries) != 1 {
			t.Fatalf("the managers' channel got %d posts, want the summary", len(summaries))
		}
		lint(t, "the managers' summary", summaries[0], orders.French)
	})

	t.Run("serve", func(t *testing.T) {
		s := launch(t, fake, db, due)
		fake.WaitConnected(t, 1, 10*time.Second)
		type asked struct {
			user, text, number string
		}
		questions := []asked{
			{"U0CLAIRE01", "où en est la 4500020001 ?", "4500020001"},
			{"U0OLIVER01", "status of 4500030001?", "4500030001"},
			{"U0HELENE01", "commandes de boulangerie dupre", ""},
			{"U0EMMA0001", "orders for thames valley", ""},
			{"U0CLAIRE01", "mes commandes bloquées", ""},
			{"U0OLIVER01", "what's blocked on credit?", ""},
			{"U0PAUL0001", "cde 4500040001 stp", "4500040001"},
			{"U0EMMA0001", "where is PO 55012?", ""},
		}
		byTS := map[string]asked{}
		start := time.Now()
		for i := range 40 {
			q := questions[i%len(questions)]
			ts := fmt.Sprintf("1765000%03d.000100", i)
			byTS[ts] = q
			if fake.SendEvent(fmt.Sprintf("EvTRUST%03d", i), mention(q.user, trustFloor, ts, q.text)) == "" {
				t.Fatalf("mention %d not sent", i)
			}
		}
		envelope := fake.SendEvent("EvTRUSTDM", dm("U0OLIVER01", "D0OLIVER01", "1765000999.000100", "orders for Harbour &amp; Sons"))
		if envelope == "" {
			t.Fatal("the DM was not sent")
		}
		var sent time.Time
		for _, a := range fake.WaitAcks(t, 41, 10*time.Second) {
			if a.EnvelopeID == envelope {
				sent = a.SentAt
			}
		}
		waitFor(t, "the DM's answer", func() bool { return len(postsTo(fake, "D0OLIVER01")) > 0 })
		answer := postsTo(fake, "D0OLIVER01")[0]
		took := answer.At.Sub(sent)
		onFloor := 0
		for _, p := range postsTo(fake, trustFloor) {
			if p.At.Before(answer.At) {
				onFloor++
			}
		}
		t.Logf("the DM was answered %s after Slack sent it, behind %d of the channel's 40 answers", took.Round(time.Millisecond), onFloor)
		// The promise is an answer within 5 s however busy a channel is.
		// Tests assert no timing (BenchmarkBusyChannel measures it): at
		// Slack's pace of one post a second in the busy channel, an answer
		// that came after five of the channel's would have waited for them.
		if onFloor >= 5 {
			t.Errorf("the DM was answered after %d of the busy channel's answers (%s after it was sent): it waited for the channel's pace", onFloor, took)
		}
		lint(t, "Oliver's DM answer", answer, orders.English)
		if !strings.Contains(trustVisible(answer), trustG.number) {
			t.Errorf("Oliver asked for Harbour & Sons' orders and got:\n%s", trustVisible(answer))
		}

		// While the channel's answers go out: a slash command (answered to
		// the asker alone, through its response URL), and a choice between
		// two customers answered when a button is pressed.
		slashURL := fake.ResponseURL()
		fake.SendSlashCommand(map[string]string{"command": "/commande", "text": trustB.number, "user_id": "U0HELENE01",
			"channel_id": "C0ADV00001", "response_url": slashURL, "trigger_id": "1765.42.1"})
		fake.SendEvent("EvTRUSTCAFE", dm("U0EMMA0001", "D0EMMA0001", "1765001000.000100", "orders for cafe"))
		waitFor(t, "the slash command's answer and the choice", func() bool {
			return len(responses(fake, slashURL)) > 0 && len(postsTo(fake, "D0EMMA0001")) > 0
		})
		slash := responses(fake, slashURL)[0]
		lint(t, "Hélène's /commande", slash, orders.French)
		if !strings.Contains(trustVisible(slash), trustB.number) {
			t.Errorf("Hélène's /commande %s is answered:\n%s", trustB.number, trustVisible(slash))
		}
		choice := postsTo(fake, "D0EMMA0001")[0]
		lint(t, "Emma's choice between the cafés", choice, orders.English)
		if buttons := buttonsOf(choice); len(buttons) != 2 {
			t.Errorf("Emma asked for the cafés' orders and got %d buttons:\n%s", len(buttons), trustVisible(choice))
		} else {
			blockID := ""
			for _, b := range choice.Blocks {
				if b["type"] == "actions" {
					blockID, _ = b["block_id"].(string)
				}
			}
			pressURL := fake.ResponseURL()
			fake.SendInteractive(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U0EMMA0001"},
				"channel": map[string]any{"id": "D0EMMA0001"}, "response_url": pressURL, "trigger_id": "1765.42.2",
				"actions": []any{map[string]any{"type": "button", "block_id": blockID, "action_id": buttons[1]["action_id"],
					"value": buttons[1]["value"]}}})
			waitFor(t, "the button's answer", func() bool { return len(responses(fake, pressURL)) > 0 })
			pressed := responses(fake, pressURL)[0]
			lint(t, "the answer to Emma's button", pressed, orders.English)
			if v := trustVisible(pressed); !strings.Contains(v, trustB.number) && !strings.Contains(v, trustL.number) {
				t.Errorf("Emma pressed a café and got:\n%s", v)
			}
		}

		// The channel's answers go at Slack's pace of one post a second (not
		// configurable): 40 take some 40 s.
		deadline := time.Now().Add(60 * time.Second)
		for len(postsTo(fake, trustFloor)) < 40 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		floor := postsTo(fake, trustFloor)
		if len(floor) > 0 {
			t.Logf("the channel's %d answers took %s", len(floor), floor[len(floor)-1].At.Sub(start).Round(time.Millisecond))
		}
		if len(floor) != 40 {
			t.Errorf("%d of the 40 mentions answered in 60 s", len(floor))
		}
		answered := map[string]bool{}
		for _, p := range floor {
			q, ok := byTS[p.ThreadTS]
			if !ok || answered[p.ThreadTS] {
				t.Errorf("an answer in thread %q: not one answer per mention\n%s", p.ThreadTS, trustVisible(p))
				continue
			}
			answered[p.ThreadTS] = true
			lang := trustSlack[q.user].lang
			lint(t, fmt.Sprintf("the answer to %s's %q", q.user, q.text), p, lang)
			if q.number != "" && !strings.Contains(trustVisible(p), q.number) {
				t.Errorf("%s asked %q and got:\n%s", q.user, q.text, trustVisible(p))
			}
		}
		if t.Failed() {
			t.Logf("serve's log:\n%s", s.stderr.String())
		}
	})

	// No post went unread: nothing was posted that the day did not call for.
	for _, p := range fake.Posts() {
		if !read[postKey(p)] {
			t.Errorf("an unexpected %s to %q (thread %q):\n%s", p.Method, p.Channel, p.ThreadTS, trustVisible(p))
		}
	}
	// Nothing went out twice: one digest a channel, one summary.
	for _, ch := range []string{"#ventes-sud", "#ventes-nord", "C0SALESUK1", trustBoard} {
		if n := len(postsTo(fake, ch)); n != 1 {
			t.Errorf("%s got %d posts in the end, want 1", ch, n)
		}
	}
	// No message anywhere shows a formatting or template mistake.
	for _, c := range fake.Calls("") {
		for _, bad := range []string{"%!", "<no value>", "⟦", "<nil>"} {
			// The shortest text that carries it: a block's, rather than
			// the blocks' JSON.
			var found string
			for _, s := range trustStrings(c) {
				if strings.Contains(s, bad) && (found == "" || len(s) < len(found)) {
					found = s
				}
			}
			if found != "" {
				t.Errorf("%s to %q carries %q: %q", c.Method, c.Channel, bad, found)
			}
		}
	}
	if t.Failed() {
		for _, p := range fake.Posts() {
			t.Logf("%s %s thread=%s\n%s", p.Method, p.Channel, p.ThreadTS, trustVisible(p))
		}
	}
	t.Logf("the whole day took %s", time.Since(began).Round(time.Millisecond))
}

// trustDM returns the direct-message channel Slack gives orderbot with a
// user, asking the fake as orderbot does (conversations.open answers the
// same channel each time).
func trustDM(t *testing.T, fake *slackfake.Server, user string) string {
	t.Helper()
	resp, err := http.PostForm(fake.APIURL()+"conversations.open", url.Values{"token": {"xoxb-test-token"}, "users": {user}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		OK      bool `json:"ok"`
		Channel struct {
			ID string `json:"id"`
		} `json:"channel"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || !body.OK {
		t.Fatalf("conversations.open %s: %v %+v", user, err, body)
	}
	return body.Channel.ID
}

// trustDescribe counts posts by channel, for failure messages.
func trustDescribe(byChannel map[string][]slackfake.Call) string {
	var parts []string
	for ch, posts := range byChannel {
		parts = append(parts, fmt.Sprintf("%s: %d", ch, len(posts)))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ", ") + "}"
}

// trustStatus is an export's status code as orderbot's status.
func trustStatus(t *testing.T, o trustOrder) orders.Status {
	t.Helper()
	s, ok := map[string]orders.Status{"EC": orders.StatusOpen, "ANO": orders.StatusAnomaly, "BLC": orders.StatusCreditLimit,
		"BLF": orders.StatusFinancialBlock, "RUP": orders.StatusOutOfStock, "BLV": orders.StatusDeliveryBlock}[o.status]
	if !ok {
		t.Fatalf("status code %q", o.status)
	}
	return s
}

// trustMentionsOtherBlock reports whether line names a blocked status other
// than s, in lang.
func trustMentionsOtherBlock(line string, s orders.Status, lang orders.Language) bool {
	for _, b := range orders.BlockedStatuses() {
		if b != s && strings.Contains(line, b.Label(lang)) {
			return true
		}
	}
	return false
}

// trustBlockTexts returns the texts of a post's blocks, in order: what the
// reader sees, section by section.
func trustBlockTexts(c slackfake.Call) []string {
	var out []string
	for _, b := range c.Blocks {
		var sb strings.Builder
		trustWalk("", b, func(key, s string) {
			if key == "text" || key == "alt_text" {
				sb.WriteString(s + "\n")
			}
		})
		out = append(out, sb.String())
	}
	return out
}

// trustVisible is everything a post shows: its fallback text and its
// blocks' texts.
func trustVisible(c slackfake.Call) string {
	return c.Text + "\n" + strings.Join(trustBlockTexts(c), "\n")
}

// trustHead is the first line a post shows in Slack.
func trustHead(c slackfake.Call) string {
	if texts := trustBlockTexts(c); len(texts) > 0 {
		head, _, _ := strings.Cut(texts[0], "\n")
		return head
	}
	head, _, _ := strings.Cut(c.Text, "\n")
	return head
}

// trustLine is the line of a post's blocks that lists number (a bullet).
func trustLine(c slackfake.Call, number string) string {
	for _, text := range trustBlockTexts(c) {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "•") && strings.Contains(line, number) {
				return line
			}
		}
	}
	return ""
}

// trustDigestSections reads a digest as its reader does: the orders listed
// under a blocked status's heading are the newly blocked (with that
// status), and those of the section that lists orders under no such
// heading, whose lines name two blocks, are the changed ones (with their
// line). Orders listed elsewhere (stalled ones) are in neither.
func trustDigestSections(c slackfake.Call, lang orders.Language) (newly map[string]orders.Status, changed map[string]string) {
	newly, changed = map[string]orders.Status{}, map[string]string{}
	numbers := func(line string) []string {
		var out []string
		for _, o := range []trustOrder{trustA, trustB, trustC, trustD, trustE, trustI, trustF, trustG, trustH, trustJ, trustK, trustL} {
			if strings.Contains(line, o.number) {
				out = append(out, o.number)
			}
		}
		return out
	}
	for _, text := range trustBlockTexts(c) {
		lines := strings.Split(strings.TrimSpace(text), "\n")
		var heading orders.Status
		for _, s := range orders.BlockedStatuses() {
			if strings.HasPrefix(lines[0], "*"+s.Label(lang)+"*") {
				heading = s
			}
		}
		for _, line := range lines[1:] {
			if !strings.HasPrefix(line, "•") {
				continue
			}
			blocks := 0
			for _, s := range orders.BlockedStatuses() {
				if strings.Contains(line, s.Label(lang)) {
					blocks++
				}
			}
			for _, n := range numbers(line) {
				switch {
				case heading != "":
					newly[n] = heading
				case blocks >= 2:
					changed[n] = line
				}
			}
		}
	}
	return newly, changed
}

// trustLint fails t with what bot/catalog's Lint finds in a post read in
// lang.
func trustLint(t *testing.T, what string, c slackfake.Call, lang orders.Language, data []string) {
	t.Helper()
	text := trustVisible(c)
	if problems := catalog.Lint(text, lang, data...); len(problems) > 0 {
		t.Errorf("%s (%s): %s\n%s", what, lang, strings.Join(problems, "; "), text)
	}
}

// trustWalk calls fn with every string in v and the key it is under.
func trustWalk(key string, v any, fn func(key, s string)) {
	switch v := v.(type) {
	case string:
		fn(key, v)
	case map[string]any:
		for k, x := range v {
			trustWalk(k, x, fn)
		}
	case []any:
		for _, x := range v {
			trustWalk(key, x, fn)
		}
	case []map[string]any:
		for _, x := range v {
			trustWalk(key, x, fn)
		}
	}
}

// trustStrings are all the texts a call carried: its fields, decoded when
// they hold JSON (blocks, files, metadata), its JSON body and, when it is
// text, an uploaded file.
func trustStrings(c slackfake.Call) []string {
	var out []string
	add := func(_, s string) { out = append(out, s) }
	out = append(out, c.Text)
	for k, vs := range c.Form {
		for _, v := range vs {
			add(k, v)
			var decoded any
			if json.Unmarshal([]byte(v), &decoded) == nil {
				trustWalk(k, decoded, add)
			}
		}
	}
	trustWalk("", c.JSON, add)
	trustWalk("", c.Blocks, add)
	trustWalk("", c.Metadata, add)
	if len(c.Upload) > 0 && utf8.Valid(c.Upload) {
		out = append(out, string(c.Upload))
	}
	return out
}
