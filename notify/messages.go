package notify

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// text is a message being written, for Slack (mrkdwn, data escaped) or the
// console (plain), in one language.
type text struct {
	lang    orders.Language
	console bool
	b       strings.Builder
}

func (t *text) tr(fr, en string) string {
	if t.lang == orders.English {
		return en
	}
	return fr
}

// data is text from the ERP or the directory.
func (t *text) data(s string) string {
	if t.console {
		return strings.Join(strings.Fields(s), " ")
	}
	return render.Escape(s)
}

func (t *text) bold(s string) string {
	if t.console {
		return s
	}
	return "*" + s + "*"
}

func (t *text) icon(name string) string {
	if t.console {
		return ""
	}
	return ":" + name + ": "
}

func (t *text) line(format string, args ...any) {
	fmt.Fprintf(&t.b, format, args...)
	t.b.WriteByte('\n')
}

func (t *text) colon() string { return t.tr("\u00a0:", ":") }

func (t *text) money(cents int64, cur string) string { return render.Money(cents, cur, t.lang) }

// amounts writes a value in several currencies: "18 250,00 € + 1 200,00 CHF".
func (t *text) amounts(a postgres.Amounts) string {
	if len(a.Cents) == 0 {
		return t.money(0, "EUR")
	}
	curs := make([]string, 0, len(a.Cents))
	for c := range a.Cents {
		curs = append(curs, c)
	}
	sort.Slice(curs, func(i, j int) bool {
		// The main currency first: the one with most value, EUR on a tie.
		if a.Cents[curs[i]] != a.Cents[curs[j]] {
			return a.Cents[curs[i]] > a.Cents[curs[j]]
		}
		return curs[i] < curs[j]
	})
	var parts []string
	for _, c := range curs {
		parts = append(parts, t.money(a.Cents[c], c))
	}
	return strings.Join(parts, " + ")
}

func (t *text) count(n int, one, many string) string {
	return render.Count(n, one, many, t.lang)
}

// Message is a notification as Slack and the console take it.
type Message struct {
	Fallback string
	Sections []string // Slack mrkdwn
	Console  string
}

// Slack returns the message as Slack Block Kit, within its limits.
func (m Message) Slack() render.Message {
	var blocks []slack.Block
	for _, s := range m.Sections {
		for len(s) > 0 && len(blocks) < render.MaxBlocks {
			part := s
			if len([]rune(part)) > render.MaxSectionText {
				cut := strings.LastIndex(string([]rune(part)[:render.MaxSectionText]), "\n")
				if cut <= 0 {
					cut = len(string([]rune(part)[:render.MaxSectionText]))
				}
				part = s[:cut]
			}
			blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, part, false, true), nil, nil))
			s = strings.TrimPrefix(s[len(part):], "\n")
		}
	}
	return render.Message{Text: m.Fallback, Blocks: blocks}
}

// write builds a message in both forms with fill, which writes sections
// separated by t.section().
func write(lang orders.Language, fallback func(t *text) string, fill func(t *text)) Message {
	var m Message
	for _, console := range []bool{false, true} {
		t := &text{lang: lang, console: console}
		fill(t)
		out := strings.TrimRight(t.b.String(), "\n")
		if console {
			m.Console = strings.ReplaceAll(out, sectionBreak, "\n") + "\n"
			continue
		}
		for _, s := range strings.Split(out, sectionBreak) {
			if s = strings.Trim(s, "\n"); s != "" {
				m.Sections = append(m.Sections, s)
			}
		}
		m.Fallback = fallback(t)
	}
	return m
}

// sectionBreak separates the sections of a message while it is written.
const sectionBreak = "\x00section\x00"

func (t *text) section() { t.b.WriteString(sectionBreak) }

// AlertMessage is the alert of a batch of orders that became blocked, the
// biggest first; past top, the rest are counted.
func AlertMessage(alerts []postgres.Alert, top int, lang orders.Language) Message {
	var total postgres.Amounts
	for _, a := range alerts {
		total.Add(1, a.Currency, a.AmountCents)
	}
	head := func(t *text) string {
		if len(alerts) == 1 {
			return fmt.Sprintf(t.tr("La commande %s est bloquée", "Order %s is blocked"), t.data(alerts[0].Number))
		}
		return fmt.Sprintf(t.tr("%d commandes sont bloquées (%s)", "%d orders are blocked (%s)"), len(alerts), t.amounts(total))
	}
	return write(lang, head, func(t *text) {
		t.line("%s%s", t.icon("rotating_light"), t.bold(head(t)))
		for i, a := range alerts {
			if i == top {
				var rest postgres.Amounts
				for _, r := range alerts[top:] {
					rest.Add(1, r.Currency, r.AmountCents)
				}
				t.line(t.tr("… et %s (%s)", "… and %s (%s)"), t.count(rest.Count, t.tr("autre", "more"), t.tr("autres", "more")), t.amounts(rest))
				break
			}
			reason := ""
			if a.Reason != "" {
				reason = t.colon() + " " + t.data(a.Reason)
			}
			t.line("• %s · %s · %s%s · %s", t.bold(t.data(a.Number)), t.data(a.Customer), a.Status.Label(t.lang), reason,
				t.money(a.AmountCents, a.Currency))
		}
		t.line("%s", t.tr("Demandez-moi le numéro pour le détail et la prochaine étape.", "Ask me the number for the details and the next step."))
	})
}

// Digest is a rep's daily digest.
type Digest struct {
	Rep          orders.Person
	From, To     time.Time
	Lang         orders.Language
	Loc          *time.Location
	StalledAfter time.Duration
	New          []postgres.Transition
	StillBlocked orders.OrderList
	Stalled      []postgres.Transition
	StalledCount int
}

func (d Digest) when(t *text, at time.Time) string { return render.DateTime(at.In(d.Loc), t.lang) }

// Slack returns the digest for Slack.
func (d Digest) Slack() render.Message { return d.Message().Slack() }

// Message returns the digest in both forms.
func (d Digest) Message() Message {
	var total postgres.Amounts
	byReason := map[orders.Status][]postgres.Transition{}
	for _, tr := range d.New {
		byReason[tr.To] = append(byReason[tr.To], tr)
		total.Add(1, tr.Currency, tr.AmountCents)
	}
	title := func(t *text) string {
		return fmt.Sprintf(t.tr("Digest du %s — %s", "Digest of %s — %s"), render.Date(d.To.In(d.Loc), t.lang), t.data(d.Rep.Name))
	}
	still := postgres.Amounts{Count: d.StillBlocked.Total, Cents: d.StillBlocked.TotalCents}
	return write(d.Lang, func(t *text) string {
		return fmt.Sprintf(t.tr("%s : %d nouvelles commandes bloquées", "%s: %d newly blocked orders"), title(t), len(d.New))
	}, func(t *text) {
		t.line("%s%s", t.icon("newspaper"), t.bold(title(t)))
		if len(d.New) == 0 {
			t.line(t.tr("Aucune commande nouvellement bloquée depuis le %s.", "No newly blocked order since %s."), d.when(t, d.From))
		} else {
			t.line(t.tr("%s depuis le %s%s %s", "%s since %s: %s"), t.bold(t.count(len(d.New), t.tr("commande nouvellement bloquée", "newly blocked order"),
				t.tr("commandes nouvellement bloquées", "newly blocked orders"))), d.when(t, d.From), t.tr(t.colon(), ""), t.amounts(total))
			for _, st := range orders.BlockedStatuses() {
				list := byReason[st]
				if len(list) == 0 {
					continue
				}
				var sum postgres.Amounts
				for _, tr := range list {
					sum.Add(1, tr.Currency, tr.AmountCents)
				}
				t.section()
				t.line("%s — %d · %s", t.bold(st.Label(t.lang)), len(list), t.amounts(sum))
				for _, tr := range list {
					reason := ""
					if tr.Reason != "" {
						reason = " · " + t.data(tr.Reason)
					}
					now := ""
					if tr.Now != tr.To {
						now = fmt.Sprintf(t.tr(" (aujourd'hui %s)", " (now %s)"), tr.Now.Label(t.lang))
					}
					t.line("• %s · %s · %s%s%s", t.bold(t.data(tr.Number)), t.data(tr.Customer), t.money(tr.AmountCents, tr.Currency), reason, now)
				}
			}
		}
		t.section()
		t.line(t.tr("Toujours bloquées%s %s, %s", "Still blocked%s %s, %s"), t.colon(),
			t.count(still.Count, t.tr("commande", "order"), t.tr("commandes", "orders")), t.amounts(still))
		if d.StalledCount > 0 {
			days := int(d.StalledAfter.Hours() / 24)
			t.line("%s%s", t.icon("warning"), t.bold(fmt.Sprintf(t.tr("Bloquées depuis plus de %d jours, à escalader%s %d", "Blocked for more than %d days, to escalate: %d"),
				days, t.tr(t.colon(), ""), d.StalledCount)))
			for _, tr := range d.Stalled {
				t.line("• %s · %s · %s %s %s · %s", t.bold(t.data(tr.Number)), t.data(tr.Customer), tr.Now.Label(t.lang),
					t.tr("depuis", "for"), render.Age(d.To.Sub(tr.Since), t.lang), t.money(tr.AmountCents, tr.Currency))
			}
			if more := d.StalledCount - len(d.Stalled); more > 0 {
				t.line(t.tr("… et %s", "… and %s"), t.count(more, t.tr("autre", "more"), t.tr("autres", "more")))
			}
		}
	})
}

// Point is the blocked value at one summary.
type Point struct {
	At      time.Time
	Blocked postgres.Amounts
}

// Summary is the managers' daily summary.
type Summary struct {
	From, To time.Time
	Lang     orders.Language
	Loc      *time.Location
	Now      postgres.Portfolio
	Previous *postgres.Portfolio // the previous summary's figures, if any
	History  []Point             // blocked value over the last 30 days
}

// Figures encodes what the next summary compares with and charts.
func (s Summary) Figures() ([]byte, error) { return json.Marshal(s.Now) }

func decodeFigures(b []byte) *postgres.Portfolio {
	if len(b) == 0 {
		return nil
	}
	var p postgres.Portfolio
	if json.Unmarshal(b, &p) != nil {
		return nil
	}
	return &p
}

// ChartTitle is the title of the summary's chart.
func (s Summary) ChartTitle() string {
	if s.Lang == orders.English {
		return "Open portfolio on " + render.Date(s.To.In(s.Loc), s.Lang)
	}
	return "Portefeuille au " + render.Date(s.To.In(s.Loc), s.Lang)
}

// Slack returns the summary for Slack.
func (s Summary) Slack() render.Message { return s.Message().Slack() }

// Message returns the summary in both forms.
func (s Summary) Message() Message {
	p := s.Now
	title := func(t *text) string {
		return fmt.Sprintf(t.tr("Portefeuille au %s", "Portfolio on %s"), render.Date(s.To.In(s.Loc), t.lang))
	}
	return write(s.Lang, func(t *text) string {
		return fmt.Sprintf("%s: %s", title(t), t.amounts(p.Open))
	}, func(t *text) {
		t.line("%s%s", t.icon("bar_chart"), t.bold(title(t)))
		t.line(t.tr("Commandes ouvertes%s %d · %s", "Open orders%s %d · %s"), t.colon(), p.Open.Count, t.amounts(p.Open))
		for _, st := range orders.Statuses() {
			if a, ok := p.ByStatus[st]; ok && a.Count > 0 {
				t.line("• %s%s %d · %s", st.Label(t.lang), t.colon(), a.Count, t.amounts(a))
			}
		}
		t.section()
		change := ""
		if s.Previous != nil {
			change = " (" + s.change(t, s.Previous.Blocked, p.Blocked) + t.tr(" depuis le dernier point)", " since the last summary)")
		}
		t.line("%s%s %d · %s%s", t.bold(t.tr("Bloqué", "Blocked")), t.colon(), p.Blocked.Count, t.amounts(p.Blocked), change)
		labels := []string{t.tr("0-2 j", "0-2 d"), t.tr("3-7 j", "3-7 d"), t.tr("8-30 j", "8-30 d"), t.tr("plus de 30 j", "over 30 d")}
		var ages []string
		for i, a := range p.Aging {
			ages = append(ages, fmt.Sprintf("%s%s %d (%s)", labels[i], t.colon(), a.Count, t.amounts(a)))
		}
		t.line("%s%s %s", t.tr("Ancienneté", "Age"), t.colon(), strings.Join(ages, " · "))
		if len(p.Top) > 0 {
			t.line("%s", t.bold(t.tr("Plus grosses commandes bloquées", "Biggest blocked orders")))
			for _, tr := range p.Top {
				t.line("• %s · %s · %s · %s · %s %s", t.bold(t.data(tr.Number)), t.data(tr.Customer), t.money(tr.AmountCents, tr.Currency),
					tr.Now.Label(t.lang), t.tr("depuis", "for"), render.Age(s.To.Sub(tr.Since), t.lang))
			}
		}
		t.section()
		t.line("%s", t.bold(t.tr("Par commercial", "By sales rep")))
		for _, r := range p.Reps {
			t.line("• %s%s %d · %s · %s %d · %s", t.data(r.Name), t.colon(), r.Open.Count, t.amounts(r.Open),
				t.tr("bloquées", "blocked"), r.Blocked.Count, t.amounts(r.Blocked))
		}
		t.section()
		t.line(t.tr("%s depuis le %s%s %d · %s", "%s since %s%s %d · %s"), t.bold(t.tr("Facturé", "Invoiced")),
			render.DateTime(s.From.In(s.Loc), t.lang), t.colon(), p.Closed.Count, t.amounts(p.Closed))
		weeks := []string{t.tr("en retard", "overdue")}
		y, m, d := s.To.In(s.Loc).Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		for i := range 4 {
			weeks = append(weeks, fmt.Sprintf(t.tr("sem. du %s", "week of %s"), render.Date(day.AddDate(0, 0, 7*i), t.lang)))
		}
		var exp []string
		for i, a := range p.Weeks {
			exp = append(exp, fmt.Sprintf("%s%s %s", weeks[i], t.colon(), t.amounts(a)))
		}
		t.line("%s%s %s", t.bold(t.tr("Facturation attendue", "Expected invoicing")), t.colon(), strings.Join(exp, " · "))
		t.line(t.tr("%s%s %d, autant d'appels et d'e-mails évités", "%s%s %d, as many calls and e-mails saved"),
			t.bold(t.tr("Questions traitées par orderbot", "Questions orderbot answered")), t.colon(), p.Answers)
	})
}

// change says how the blocked value moved, in the main currency.
func (s Summary) change(t *text, before, now postgres.Amounts) string {
	cur := mainCurrency(now)
	diff := now.Cents[cur] - before.Cents[cur]
	sign := "+"
	if diff < 0 {
		sign = "−"
		diff = -diff
	}
	return sign + t.money(diff, cur)
}
