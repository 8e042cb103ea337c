package notify

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// AlertMessage is the alert of a batch of orders that became blocked, or
// went from one block to another (said as a change: the order was blocked
// already), the biggest first; past top, the rest are counted. An order
// with a shortfall (by number) gets one more short line: how many items
// it is short of, how far its customer is over the credit limit. Each
// order listed carries its buttons (see OwnedAlertMessage).
func AlertMessage(alerts []postgres.Alert, short map[string]postgres.Shortfall, top int, lang orders.Language) Message {
	return OwnedAlertMessage(alerts, short, nil, nil, top, lang, time.UTC)
}

// Releasable are the blocked statuses whose release may be asked for in
// Slack: those with a route (release.routes).
type Releasable map[orders.Status]bool

// The action ids of an alert's buttons: AlertActionPrefix, the action,
// ':' and the order's number (a message's action ids must differ).
const (
	AlertActionPrefix = "alert_"
	alertClaim        = AlertActionPrefix + "claim"
	alertSnooze1      = AlertActionPrefix + "snooze_1"
	alertSnooze3      = AlertActionPrefix + "snooze_3"
	alertRelease      = AlertActionPrefix + "release"
)

// maxButtoned is how many orders of an alert carry buttons: Slack takes 50
// blocks, two per order.
const maxButtoned = 20

// OwnedAlertMessage is AlertMessage showing, under each order, who owns
// its alert (owners by number: claimed by whom since when, in loc; snoozed;
// handed on). Each of the first orders listed carries the buttons "I'm on
// it", "Snooze 1 day", "Snooze 3 days" and "Not mine"; a claimed order
// keeps "Not mine" only. An order blocked in a releasable status also
// carries "Ask for release", the button of answers (its action id starts
// with render.ActionAskRelease, its value is the order's number).
func OwnedAlertMessage(alerts []postgres.Alert, short map[string]postgres.Shortfall, owners map[string]postgres.AlertOwner,
	releasable Releasable, top int, lang orders.Language, loc *time.Location) Message {
	var total postgres.Amounts
	changed := 0
	for _, a := range alerts {
		total.Add(1, a.Currency, a.AmountCents)
		if a.From.Blocked() {
			changed++
		}
	}
	blocked := len(alerts) - changed
	head := func(t *text) string {
		switch {
		case len(alerts) == 1 && changed == 1:
			return t.T("alert.head.changed.one", catalog.Args{"Number": t.data(alerts[0].Number)})
		case len(alerts) == 1:
			return t.T("alert.head.blocked.one", catalog.Args{"Number": t.data(alerts[0].Number)})
		case changed == 0:
			return t.N("alert.head.blocked", blocked, catalog.Args{"Total": t.amounts(total)})
		case blocked == 0:
			return t.N("alert.head.changed", changed, catalog.Args{"Total": t.amounts(total)})
		}
		return t.T("alert.head.mixed", catalog.Args{"Blocked": t.N("alert.part.blocked", blocked, nil),
			"Changed": t.N("alert.part.changed", changed, nil), "Total": t.amounts(total)})
	}
	m := write(lang, head, func(t *text) {
		t.put(t.icon("rotating_light") + t.bold(head(t)))
		for i, a := range alerts {
			if i == top {
				var rest postgres.Amounts
				for _, r := range alerts[top:] {
					rest.Add(1, r.Currency, r.AmountCents)
				}
				t.block()
				t.put(t.N("alert.more", rest.Count, catalog.Args{"Total": t.amounts(rest)}))
				break
			}
			if i <= maxButtoned {
				t.block()
			}
			status := a.Status.Label(t.lang)
			if a.From.Blocked() {
				status = t.T("alert.status.changed", catalog.Args{"Status": status, "From": a.From.Label(t.lang)})
			}
			if strings.TrimSpace(a.Reason) != "" {
				status = t.T("alert.status.reason", catalog.Args{"Status": status, "Reason": t.data(a.Reason)})
			}
			t.put(bullet(t.bold(t.data(a.Number)), t.data(a.Customer), status, t.money(a.AmountCents, a.Currency)))
			t.shortfall(short[a.Number])
			t.owner(owners[a.Number], loc)
		}
		t.block()
		t.put(t.T("alert.ask", nil))
	})
	texts := messages().In(lang)
	m.after = map[int][]slack.Block{}
	for i, a := range alerts[:min(len(alerts), top, maxButtoned)] {
		m.after[i+1] = []slack.Block{alertButtons(texts, a, owners[a.Number], releasable[a.Status] && a.Status.Blocked())}
	}
	return m
}

// owner writes, under an order's line, who owns its alert; nothing when
// nobody acted on it.
func (t *text) owner(o postgres.AlertOwner, loc *time.Location) {
	var parts []string
	if o.ClaimedBy != nil && o.ClaimedAt != nil {
		parts = append(parts, t.icon("white_check_mark")+t.T("alert.owner.claimed", catalog.Args{
			"Name": t.data(o.ClaimedBy.Name), "When": render.DateTime(o.ClaimedAt.In(loc), t.lang)}))
	}
	if o.SnoozedUntil != nil && o.SnoozedBy != nil {
		parts = append(parts, t.T("alert.owner.snoozed", catalog.Args{"Day": render.Date(*o.SnoozedUntil, t.lang),
			"Name": t.data(o.SnoozedBy.Name)}))
	}
	switch {
	case o.HandedBy == nil:
	case o.HandedTo != nil:
		parts = append(parts, t.T("alert.owner.handed", catalog.Args{"Name": t.data(o.HandedTo.Name), "By": t.data(o.HandedBy.Name)}))
	default:
		parts = append(parts, t.T("alert.owner.dropped", catalog.Args{"By": t.data(o.HandedBy.Name)}))
	}
	if len(parts) > 0 {
		t.put("    ↳ " + strings.Join(parts, " · "))
	}
}

// alertButtons are the buttons of one order of an alert (a, owned by o),
// with "Ask for release", in the words of answers, when ask.
func alertButtons(texts catalog.Texts, a postgres.Alert, o postgres.AlertOwner, ask bool) slack.Block {
	number := a.Number
	button := func(action, label string, style slack.Style) slack.BlockElement {
		b := slack.NewButtonBlockElement(action+":"+number, number,
			slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
		if style != "" {
			b = b.WithStyle(style)
		}
		return b
	}
	var elems []slack.BlockElement
	if o.ClaimedBy == nil {
		elems = append(elems, button(alertClaim, texts.T("alert.button.claim", nil), slack.StylePrimary),
			button(alertSnooze1, texts.T("alert.button.snooze_1", nil), ""), button(alertSnooze3, texts.T("alert.button.snooze_3", nil), ""))
	}
	elems = append(elems, button(alertRelease, texts.T("alert.button.release", nil), ""))
	if ask {
		elems = append(elems, button(render.ActionAskRelease, render.ReleaseMessages().In(texts.Lang()).T("release.button", nil), ""))
	}
	return slack.NewActionBlock("alert:"+number, elems...)
}
