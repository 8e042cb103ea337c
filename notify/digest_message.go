package notify

import (
	"fmt"
	"time"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

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
