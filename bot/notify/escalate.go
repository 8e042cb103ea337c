package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// escalationTop is how many orders an escalation lists, by value; the rest
// are counted.
const escalationTop = 15

// SendEscalations escalates the blocked orders whose alert nobody claimed
// for Options.EscalateAfter working days (Options.Working): each manager
// gets one message a day listing the orders of their reps escalated that
// day, each order's block escalated once. The day's message of a manager
// is one delivery, escalation:<manager>:<day>, claimed before it is
// posted: replicas and reruns post it once. Nothing happens on a day off,
// or when EscalateAfter is 0.
func (n *Notifier) SendEscalations(ctx context.Context) error {
	now := n.opt.Now()
	cutoff, ok := n.opt.Working.Cutoff(now, n.opt.EscalateAfter)
	if !ok {
		return nil
	}
	day := now.In(n.opt.Working.Loc)
	managers, err := n.store.EscalationManagers(ctx, cutoff, day)
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range managers {
		if err := n.sendEscalation(ctx, m, cutoff, day); err != nil {
			errs = append(errs, fmt.Errorf("escalation to %s: %w", m.Name, err))
		}
	}
	return errors.Join(errs...)
}

// escalationKey names a manager's escalation of a day.
func escalationKey(manager orders.Person, day time.Time) string {
	return fmt.Sprintf("escalation:%d:%s", manager.ID, Day(day))
}

func (n *Notifier) sendEscalation(ctx context.Context, m orders.Person, cutoff, day time.Time) (err error) {
	claimed := postgres.Delivery{Kind: "escalation"}
	defer n.recovered(ctx, &claimed, &err)
	d, release, ok, err := n.store.ClaimDelivery(ctx, postgres.Delivery{Kind: "escalation", Key: escalationKey(m, day),
		Channel: m.SlackUserID}, n.opt.Clock())
	if err != nil || !ok {
		return err
	}
	defer release()
	claimed = d
	list, err := n.store.Escalate(ctx, d, m.ID, cutoff, day, n.opt.Clock())
	if err != nil {
		return n.retry(ctx, d, err)
	}
	if len(list) == 0 {
		n.opt.Observe("escalation", "skipped")
		return n.store.MarkSkipped(ctx, d)
	}
	if m.SlackUserID == "" {
		err := fmt.Errorf("no one to escalate to: %s has no Slack user", m.Name)
		n.log.Error("escalation parked", "delivery", d.Key, "err", err)
		n.opt.Observe("escalation", "failed")
		return n.store.MarkFailed(ctx, d, err)
	}
	channel, err := n.slack.OpenDM(ctx, m.SlackUserID)
	if err != nil {
		return n.retry(ctx, d, err)
	}
	lang := m.Language
	if lang == "" {
		lang = n.opt.Language
	}
	msg := EscalationMessage(list, n.opt.EscalateAfter, day, lang)
	return n.deliver(ctx, d, channel, msg.Slack(), nil, nil)
}

// EscalationMessage is a manager's escalation of the day: the orders of
// their reps blocked for after working days or more with nobody on them,
// the biggest first, each with its status, how long it has been blocked
// (at now) and its rep.
func EscalationMessage(list []postgres.Unowned, after int, now time.Time, lang orders.Language) Message {
	var total postgres.Amounts
	for _, u := range list {
		total.Add(1, u.Currency, u.AmountCents)
	}
	head := func(t *text) string {
		return t.N("escalation.head", len(list), catalog.Args{"Days": t.N("escalation.days", after, nil)})
	}
	return write(lang, head, func(t *text) {
		t.put(t.icon("hourglass") + t.bold(head(t)))
		t.unowned(list, escalationTop, now, true)
		t.put(t.T("escalation.ask", nil))
	})
}

// unowned lists orders nobody is on, up to top, and counts the rest; with
// rep, each line names the order's rep.
func (t *text) unowned(list []postgres.Unowned, top int, now time.Time, rep bool) {
	for i, u := range list {
		if i == top {
			var rest postgres.Amounts
			for _, r := range list[top:] {
				rest.Add(1, r.Currency, r.AmountCents)
			}
			t.put(t.N("escalation.more", rest.Count, catalog.Args{"Total": t.amounts(rest)}))
			return
		}
		status := u.Status.Label(t.lang)
		if rep {
			args := catalog.Args{"Status": status, "Age": render.Age(now.Sub(u.Since), t.lang), "Rep": t.data(clip(u.Rep))}
			if u.Rep == "" {
				status = t.T("escalation.line_no_rep", args)
			} else {
				status = t.T("escalation.line", args)
			}
		} else {
			status = t.T("summary.top_line", catalog.Args{"Number": t.bold(t.data(clip(u.Number))),
				"Customer": t.data(clip(u.Customer)), "Amount": t.money(u.AmountCents, u.Currency),
				"Status": status, "Age": render.Age(now.Sub(u.Since), t.lang)})
			t.put("• " + status)
			continue
		}
		t.put(bullet(t.bold(t.data(u.Number)), t.data(clip(u.Customer)), t.money(u.AmountCents, u.Currency), status))
	}
}
