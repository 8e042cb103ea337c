package notify

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// SummaryReps is how many reps the summary lists, those with the most
// blocked; the others are counted in one line, and all of them are in the
// table attached to the summary.
const SummaryReps = 10

// maxNameLen bounds a name in the summary (the table has it whole), so that
// no ERP's long customer name can take a section past Slack's limit.
const maxNameLen = 60

// Summary is the managers' daily summary.
type Summary struct {
	From, To time.Time
	Lang     orders.Language
	Loc      *time.Location
	Now      postgres.Portfolio  // its Days are the chart's series
	Previous *postgres.Portfolio // the previous summary's figures, if any
	// Unclaimed are the orders blocked for UnclaimedAfter working days or
	// more whose alert nobody claimed, the biggest first, of
	// UnclaimedCount in all: the section "blocked N days, nobody on it".
	Unclaimed      []postgres.Unowned
	UnclaimedCount int
	UnclaimedAfter int
}

// topBlocked lists the biggest blocked orders, and counts the others.
func (s Summary) topBlocked(t *text) {
	p := s.Now
	if len(p.Top) == 0 {
		return
	}
	t.put(t.bold(t.N("summary.top_title", len(p.Top), nil)))
	for _, tr := range p.Top {
		t.put("• " + t.T("summary.top_line", catalog.Args{"Number": t.bold(t.data(clip(tr.Number))),
			"Customer": t.data(clip(tr.Customer)), "Amount": t.money(tr.AmountCents, tr.Currency),
			"Status": tr.Now.Label(t.lang), "Age": render.Age(s.To.Sub(tr.Since), t.lang)}))
	}
	if more := p.Blocked.Count - len(p.Top); more > 0 {
		t.put(t.N("summary.top_more", more, nil))
	}
}

// unclaimedTop is how many unclaimed orders the summary lists.
const unclaimedTop = 5

// unclaimedSection writes the section of the orders nobody is on, when
// there are some.
func (s Summary) unclaimedSection(t *text) {
	if s.UnclaimedCount == 0 {
		return
	}
	t.section()
	title := t.N("summary.unclaimed_title", s.UnclaimedCount, catalog.Args{"Days": t.N("escalation.days", s.UnclaimedAfter, nil)})
	t.put(t.icon("hourglass") + t.bold(title))
	t.unowned(s.Unclaimed[:min(len(s.Unclaimed), unclaimedTop)], unclaimedTop, s.To, false)
	if more := s.UnclaimedCount - min(len(s.Unclaimed), unclaimedTop); more > 0 {
		t.put(t.N("summary.unclaimed_more", more, nil))
	}
}

// Figures encodes what the next summary compares with.
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

// texts are the catalog's messages in the summary's language, for what is
// not written through a text (the chart, the table, file names).
func (s Summary) texts() catalog.Texts { return messages().In(s.Lang) }

// tag is the summary's language, as golang.org/x/text knows it.
func (s Summary) tag() language.Tag {
	if s.Lang == orders.English {
		return language.English
	}
	return language.French
}

// ChartTitle is the title of the summary's chart.
func (s Summary) ChartTitle() string { return s.texts().T("summary.chart_title", nil) }

// ChartName is the file name of the summary's chart.
func (s Summary) ChartName() string {
	return s.texts().T("summary.chart_file", catalog.Args{"Day": Day(s.To.In(s.Loc))})
}

// ChartAlt describes the chart for those who cannot see it.
func (s Summary) ChartAlt() string {
	if len(s.chartCurrencies()) == 0 {
		return s.texts().T("summary.chart.empty", nil)
	}
	return s.texts().T("summary.chart_alt", catalog.Args{"Currencies": strings.Join(s.chartCurrencies(), ", ")})
}

// Slack returns the summary for Slack, without its chart.
func (s Summary) Slack() render.Message { return s.Message().Slack() }

// SlackWithChart returns the summary for Slack showing the chart uploaded
// as fileID, after the blocked figures it draws.
func (s Summary) SlackWithChart(fileID string) render.Message {
	m := s.Slack()
	img := slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: fileID}, s.ChartAlt(), "",
		slack.NewTextBlockObject(slack.PlainTextType, s.ChartTitle(), false, false))
	at := min(2, len(m.Blocks)) // the overview, the blocked figures, then the chart
	m.Blocks = slices.Insert(m.Blocks, at, slack.Block(img))
	return m
}

// HasChart reports whether the summary has a chart to show: something was
// blocked in the last 30 days.
func (s Summary) HasChart() bool { return len(s.chartCurrencies()) > 0 }

// HasTable reports whether the summary lists only some reps, and so comes
// with the full table.
func (s Summary) HasTable() bool { return len(s.Now.Reps) > SummaryReps }

// TableName is the file name of the full table of reps.
func (s Summary) TableName() string {
	return s.texts().T("summary.table_file", catalog.Args{"Day": Day(s.To.In(s.Loc))})
}

// Message returns the summary in both forms.
func (s Summary) Message() Message {
	p := s.Now
	reps := s.rankedReps()
	shown, rest := reps[:min(len(reps), SummaryReps)], reps[min(len(reps), SummaryReps):]
	day := render.Date(s.To.In(s.Loc), s.Lang)
	// num writes a count as the reader groups digits, as the catalog
	// writes the counts of plural messages.
	pr := message.NewPrinter(s.tag())
	num := func(n int) string { return pr.Sprintf("%d", n) }
	return write(s.Lang, func(t *text) string {
		return t.T("summary.fallback", catalog.Args{"Day": day,
			"Blocked": t.N("summary.blocked", p.Blocked.Count, catalog.Args{"Value": t.amounts(p.Blocked)})})
	}, func(t *text) {
		field := func(label, value string) string {
			return t.T("summary.field", catalog.Args{"Label": label, "Value": value})
		}
		countValue := func(a postgres.Amounts) string {
			return t.T("summary.count_value", catalog.Args{"Count": num(a.Count), "Value": t.amounts(a)})
		}
		t.put(t.icon("bar_chart") + t.bold(t.T("summary.title", catalog.Args{"Day": day})))
		t.put(t.N("summary.open", p.Open.Count, catalog.Args{"Value": t.amounts(p.Open)}))
		for _, st := range orders.Statuses() {
			if a, ok := p.ByStatus[st]; ok && a.Count > 0 {
				t.put("• " + field(st.Label(t.lang), countValue(a)))
			}
		}

		t.section()
		blocked := t.bold(t.N("summary.blocked", p.Blocked.Count, catalog.Args{"Value": t.amounts(p.Blocked)}))
		if s.Previous != nil {
			blocked += " " + s.change(t, s.Previous.Blocked, p.Blocked)
		}
		t.put(blocked)
		if p.Blocked.Count > 0 {
			var ages []string
			for i, a := range p.Aging {
				ages = append(ages, t.T("summary.age_value", catalog.Args{"Age": t.T(fmt.Sprintf("summary.age_%d", i), nil),
					"Count": num(a.Count), "Value": t.amounts(a)}))
			}
			t.put(field(t.T("summary.aging", nil), strings.Join(ages, " · ")))
		}
		s.topBlocked(t)
		s.unclaimedSection(t)

		t.section()
		title := t.bold(t.T("summary.reps_title", nil))
		if len(rest) > 0 {
			title += " — " + t.N("summary.reps_ranked", len(reps), catalog.Args{"Shown": num(len(shown))})
		}
		t.put(title)
		for _, r := range shown {
			t.put("• " + t.T("summary.rep_line", catalog.Args{"Name": s.repName(t, r), "Open": num(r.Open.Count),
				"OpenValue": t.amounts(r.Open), "Blocked": num(r.Blocked.Count), "BlockedValue": t.amounts(r.Blocked)}))
		}
		if len(rest) > 0 {
			var open, blocked postgres.Amounts
			for _, r := range rest {
				for c, v := range r.Open.Cents {
					open.Add(0, c, v)
				}
				for c, v := range r.Blocked.Cents {
					blocked.Add(0, c, v)
				}
				open.Count += r.Open.Count
				blocked.Count += r.Blocked.Count
			}
			t.put(t.N("summary.reps_more", len(rest), catalog.Args{"Open": num(open.Count), "OpenValue": t.amounts(open),
				"Blocked": num(blocked.Count), "BlockedValue": t.amounts(blocked)}))
			id := "summary.reps_file"
			if t.console {
				id = "summary.reps_file_console"
			}
			t.put(t.N(id, len(reps), catalog.Args{"File": t.data(s.TableName())}))
		}

		t.section()
		t.put(field(t.bold(t.T("summary.invoiced", catalog.Args{"Since": render.DateTime(s.From.In(s.Loc), t.lang)})), countValue(p.Closed)))
		y, m, d := s.To.In(s.Loc).Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		var weeks []string
		for i, a := range p.Weeks {
			label := t.T("summary.overdue", nil)
			if i > 0 {
				label = t.T("summary.week", catalog.Args{"Day": render.Date(today.AddDate(0, 0, 7*(i-1)), t.lang)})
			}
			weeks = append(weeks, field(label, t.amounts(a)))
		}
		t.put(field(t.bold(t.T("summary.expected", nil)), strings.Join(weeks, " · ")))
		t.put(t.N("summary.answers", p.Answers, nil))
	})
}

// repName is a rep's name as the summary shows it.
func (s Summary) repName(t *text, r postgres.RepFigures) string {
	if r.ID == 0 {
		return t.T("summary.no_rep", nil)
	}
	return t.data(clip(r.Name))
}

// clip shortens a name past maxNameLen runes.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxNameLen {
		return s
	}
	return string([]rune(s)[:maxNameLen-1]) + "…"
}

// change says how the blocked value moved in each currency, "+2 000,00 € ·
// −300,00 CHF".
func (s Summary) change(t *text, before, now postgres.Amounts) string {
	curs := map[string]bool{}
	for c := range before.Cents {
		curs[c] = true
	}
	for c := range now.Cents {
		curs[c] = true
	}
	var diffs postgres.Amounts
	for c := range curs {
		if d := now.Cents[c] - before.Cents[c]; d != 0 {
			diffs.Add(0, c, d)
		}
	}
	if len(diffs.Cents) == 0 {
		return t.T("summary.no_change", nil)
	}
	// In the order the blocked amounts are written (the main currency
	// first), then the currencies no longer blocked.
	order := byValue(now, func(v int64) int64 { return v })
	for _, c := range byValue(before, func(v int64) int64 { return v }) {
		if !slices.Contains(order, c) {
			order = append(order, c)
		}
	}
	var parts []string
	for _, c := range order {
		if _, moved := diffs.Cents[c]; !moved {
			continue
		}
		d := diffs.Cents[c]
		sign := "+"
		if d < 0 {
			sign, d = "−", -d
		}
		parts = append(parts, sign+t.money(d, c))
	}
	return t.T("summary.change", catalog.Args{"Change": strings.Join(parts, " · ")})
}

// byValue lists the currencies of a by decreasing weight of their value,
// then by code.
func byValue(a postgres.Amounts, weight func(int64) int64) []string {
	curs := make([]string, 0, len(a.Cents))
	for c := range a.Cents {
		curs = append(curs, c)
	}
	sort.Slice(curs, func(i, j int) bool {
		wi, wj := weight(a.Cents[curs[i]]), weight(a.Cents[curs[j]])
		if wi != wj {
			return wi > wj
		}
		return curs[i] < curs[j]
	})
	return curs
}

// rankedReps are the reps by blocked value in the main currency, then by
// number of blocked orders, open value, and name in the reader's
// collation. Amounts in different currencies are not comparable without
// rates, which orderbot does not have: the main currency decides.
func (s Summary) rankedReps() []postgres.RepFigures {
	reps := slices.Clone(s.Now.Reps)
	cur := mainCurrency(s.Now.Blocked)
	if len(s.Now.Blocked.Cents) == 0 {
		cur = mainCurrency(s.Now.Open)
	}
	col := collate.New(s.tag())
	sort.SliceStable(reps, func(i, j int) bool {
		a, b := reps[i], reps[j]
		switch {
		case a.Blocked.Cents[cur] != b.Blocked.Cents[cur]:
			return a.Blocked.Cents[cur] > b.Blocked.Cents[cur]
		case a.Blocked.Count != b.Blocked.Count:
			return a.Blocked.Count > b.Blocked.Count
		case a.Open.Cents[cur] != b.Open.Cents[cur]:
			return a.Open.Cents[cur] > b.Open.Cents[cur]
		}
		if c := col.CompareString(a.Name, b.Name); c != 0 {
			return c < 0
		}
		return a.ID < b.ID
	})
	return reps
}

// Table is the full table of reps as a CSV file for a spreadsheet: one line
// per rep, by name in the reader's collation, with their open and blocked
// orders and value in each currency of the portfolio (a column each). It
// is UTF-8 with a byte order mark (without it, Excel reads UTF-8 as the
// local code page and garbles accents); numbers have no grouping and the
// reader's decimal mark, and the separator is the one a spreadsheet in that
// language expects: ";" where the decimal mark is a comma (French), else
// ",". A name that a spreadsheet would take for a formula (=, +, -, @) is
// prefixed with an apostrophe.
func (s Summary) Table() ([]byte, error) {
	tx := s.texts()
	pr := message.NewPrinter(s.tag())
	decimal := func(cents int64) string {
		return pr.Sprint(number.Decimal(float64(cents)/100, number.Scale(2), number.NoSeparator()))
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	if strings.Contains(decimal(150), ",") {
		w.Comma = ';'
	}
	w.UseCRLF = true // as spreadsheets write it
	curs := byValue(s.Now.Open, func(v int64) int64 { return v })
	header := []string{tx.T("summary.table.rep", nil), tx.T("summary.table.open_orders", nil), tx.T("summary.table.blocked_orders", nil)}
	for _, c := range curs {
		header = append(header, tx.T("summary.table.open_value", catalog.Args{"Currency": c}),
			tx.T("summary.table.blocked_value", catalog.Args{"Currency": c}))
	}
	rows := [][]string{header}
	reps := slices.Clone(s.Now.Reps)
	col := collate.New(s.tag())
	name := func(r postgres.RepFigures) string {
		if r.ID == 0 {
			return tx.T("summary.no_rep", nil)
		}
		return r.Name
	}
	sort.SliceStable(reps, func(i, j int) bool {
		if c := col.CompareString(name(reps[i]), name(reps[j])); c != 0 {
			return c < 0
		}
		return reps[i].ID < reps[j].ID
	})
	for _, r := range reps {
		row := []string{cell(name(r)), fmt.Sprint(r.Open.Count), fmt.Sprint(r.Blocked.Count)}
		for _, c := range curs {
			row = append(row, decimal(r.Open.Cents[c]), decimal(r.Blocked.Cents[c]))
		}
		rows = append(rows, row)
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("the table of reps: %w", err)
	}
	return buf.Bytes(), nil
}

// cell keeps a spreadsheet from running a name as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
