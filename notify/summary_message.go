package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

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
