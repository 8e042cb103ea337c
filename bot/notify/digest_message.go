package notify

import (
	"strconv"
	"time"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// Digest is a rep's daily digest.
type Digest struct {
	Rep orders.Person
	// Day is the scheduled moment the digest is of, whose day the title
	// names, even when it is posted later; zero means To's.
	Day          time.Time
	From, To     time.Time
	Lang         orders.Language
	Loc          *time.Location
	StalledAfter time.Duration
	// New are the orders newly blocked in the period; Changed those
	// blocked all through it that end it under another block.
	New, Changed []postgres.Transition
	StillBlocked orders.OrderList
	Stalled      []postgres.Transition
	StalledCount int
	// Shortfalls are what the orders of the digest lack, by number: short
	// items, the customer's credit excess.
	Shortfalls map[string]postgres.Shortfall
	// Top is how many orders a list shows (0: 10); the others are counted
	// with their value, so that a digest of hundreds stays readable and
	// within Slack's limits.
	Top int
}

// digestTop is how many orders a list of the digest shows by default.
const digestTop = 10

func (d Digest) loc() *time.Location {
	if d.Loc == nil {
		return time.UTC
	}
	return d.Loc
}

func (d Digest) when(t *text, at time.Time) string { return render.DateTime(at.In(d.loc()), t.lang) }

// Slack returns the digest for Slack.
func (d Digest) Slack() render.Message { return d.Message().Slack() }

// Message returns the digest in both forms.
func (d Digest) Message() Message {
	top := d.Top
	if top <= 0 {
		top = digestTop
	}
	day := d.Day
	if day.IsZero() {
		day = d.To
	}
	var total postgres.Amounts
	byStatus := map[orders.Status][]postgres.Transition{}
	for _, tr := range d.New {
		byStatus[tr.To] = append(byStatus[tr.To], tr)
		total.Add(1, tr.Currency, tr.AmountCents)
	}
	title := func(t *text) string {
		return t.T("digest.title", catalog.Args{"Day": render.Date(day.In(d.loc()), t.lang), "Rep": t.data(d.Rep.Name)})
	}
	news := func(t *text) string {
		newly, changed := t.N("digest.news.newly", len(d.New), nil), t.N("digest.news.changed", len(d.Changed), nil)
		switch {
		case len(d.New) > 0 && len(d.Changed) > 0:
			return t.T("digest.news.both", catalog.Args{"Newly": newly, "Changed": changed})
		case len(d.New) > 0:
			return newly
		case len(d.Changed) > 0:
			return changed
		}
		return t.T("digest.news.none", nil)
	}
	// since says what became of an order after the period, when it moved.
	since := func(t *text, tr postgres.Transition) string {
		if tr.Now == tr.To {
			return ""
		}
		return t.T("digest.now", catalog.Args{"Status": tr.Now.Label(t.lang)})
	}
	// more counts the orders of list past the top, with their value.
	more := func(t *text, list []postgres.Transition) {
		if len(list) <= top {
			return
		}
		var rest postgres.Amounts
		for _, tr := range list[top:] {
			rest.Add(1, tr.Currency, tr.AmountCents)
		}
		t.put(t.N("digest.more", rest.Count, catalog.Args{"Total": t.amounts(rest)}))
	}
	return write(d.Lang, func(t *text) string {
		return t.T("digest.fallback", catalog.Args{"Title": title(t), "News": news(t)})
	}, func(t *text) {
		t.put(t.icon("newspaper") + t.bold(title(t)))
		from := d.when(t, d.From)
		if len(d.New) == 0 {
			t.put(t.T("digest.none", catalog.Args{"Since": from}))
		} else {
			t.put(t.T("digest.newly", catalog.Args{"Orders": t.bold(t.N("digest.news.newly", len(d.New), nil)), "Since": from,
				"Total": t.amounts(total)}))
			for _, st := range orders.BlockedStatuses() {
				list := byStatus[st]
				if len(list) == 0 {
					continue
				}
				var sum postgres.Amounts
				for _, tr := range list {
					sum.Add(1, tr.Currency, tr.AmountCents)
				}
				t.section()
				t.put(t.bold(st.Label(t.lang)) + " — " + strconv.Itoa(len(list)) + " · " + t.amounts(sum))
				for _, tr := range list[:min(top, len(list))] {
					t.put(bullet(t.bold(t.data(tr.Number)), t.data(tr.Customer), t.money(tr.AmountCents, tr.Currency),
						t.data(tr.Reason), since(t, tr)))
					t.shortfall(d.Shortfalls[tr.Number])
				}
				more(t, list)
			}
		}
		if len(d.Changed) > 0 {
			t.section()
			t.put(t.icon("twisted_rightwards_arrows") + t.bold(t.N("digest.changed.head", len(d.Changed), nil)))
			for _, tr := range d.Changed[:min(top, len(d.Changed))] {
				change := t.T("digest.changed.line", catalog.Args{"From": tr.From.Label(t.lang), "To": tr.To.Label(t.lang)})
				t.put(bullet(t.bold(t.data(tr.Number)), t.data(tr.Customer), t.money(tr.AmountCents, tr.Currency), change,
					t.data(tr.Reason), since(t, tr)))
				t.shortfall(d.Shortfalls[tr.Number])
			}
			more(t, d.Changed)
		}
		d.putBlocked(t)
	})
}

// putBlocked writes the digest's last sections: how many orders are still
// blocked, and those stalled in their block.
func (d Digest) putBlocked(t *text) {
	t.section()
	if d.StillBlocked.Total == 0 {
		t.put(t.T("digest.blocked.none", nil))
	} else {
		still := postgres.Amounts{Count: d.StillBlocked.Total, Cents: d.StillBlocked.TotalCents}
		t.put(t.N("digest.blocked", still.Count, catalog.Args{"Total": t.amounts(still)}))
	}
	if d.StalledCount > 0 {
		t.section()
		days := max(int(d.StalledAfter.Hours()/24), 1)
		t.put(t.icon("warning") + t.bold(t.N("digest.stalled.head", days, catalog.Args{"Orders": d.StalledCount})))
		for _, tr := range d.Stalled {
			since := t.T("digest.stalled.since", catalog.Args{"Status": tr.Now.Label(t.lang), "Age": render.Age(d.To.Sub(tr.Since), t.lang)})
			t.put(bullet(t.bold(t.data(tr.Number)), t.data(tr.Customer), since, t.money(tr.AmountCents, tr.Currency)))
			t.shortfall(d.Shortfalls[tr.Number])
		}
		if rest := d.StalledCount - len(d.Stalled); rest > 0 {
			t.put(t.N("digest.stalled.more", rest, nil))
		}
	}
}
