package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// OwnerStore is what the buttons of alerts need of the store.
type OwnerStore interface {
	PersonBySlackID(ctx context.Context, id string) (orders.Person, error)
	PersonByEmail(ctx context.Context, email string) (orders.Person, error)
	OrderByNumber(ctx context.Context, number string) (orders.Order, error)
	AlertOwnerOf(ctx context.Context, number string) (postgres.AlertOwner, bool, error)
	AlertOwners(ctx context.Context, numbers []string) (map[string]postgres.AlertOwner, error)
	ClaimAlert(ctx context.Context, number string, by int64, now time.Time) (postgres.AlertOwner, error)
	SnoozeAlert(ctx context.Context, number string, by int64, until, now time.Time) (postgres.AlertOwner, error)
	ReleaseAlert(ctx context.Context, number string, by int64, now time.Time) (postgres.AlertOwner, error)
	AlertMessageAt(ctx context.Context, channel, ts string) (postgres.AlertBatch, bool, error)
	CurrentAlerts(ctx context.Context, numbers []string) ([]postgres.Alert, error)
	Shortfalls(ctx context.Context, numbers []string) (map[string]postgres.Shortfall, error)
	ClaimDelivery(ctx context.Context, d postgres.Delivery, now time.Time) (postgres.Delivery, func(), bool, error)
}

// Updater replaces a message orderbot posted (chat.update).
type Updater interface {
	Update(ctx context.Context, channel, ts string, msg render.Message) error
}

// OwnerOptions are the settings of the buttons of alerts.
type OwnerOptions struct {
	// OwnOnly: reps and assistants may act on the alerts of their own
	// orders only (bot.access: own), as they may see only those.
	OwnOnly  bool
	Language orders.Language // of people without one
	Loc      *time.Location  // of the times and days shown
	Top      int             // orders an alert lists
	Now      func() time.Time
}

// Owners handles the buttons of block alerts: "I'm on it", "Snooze 1 day",
// "Snooze 3 days" and "Not mine". Each click is checked (the clicker must
// be in the directory and may see the order), recorded in the order's
// alert history, and the alert's message is updated in place to show who
// owns each order; "not mine" posts the alert to whom it was handed, once.
type Owners struct {
	store    OwnerStore
	notifier *Notifier
	update   Updater
	log      *slog.Logger
	opt      OwnerOptions
}

// NewOwners returns the handler of alerts' buttons, posting through n's
// Slack and deliveries, updating messages through u.
func NewOwners(store OwnerStore, n *Notifier, u Updater, log *slog.Logger, opt OwnerOptions) *Owners {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Loc == nil {
		opt.Loc = time.UTC
	}
	if opt.Language == "" {
		opt.Language = orders.French
	}
	if opt.Top <= 0 {
		opt.Top = 10
	}
	return &Owners{store: store, notifier: n, update: u, log: log, opt: opt}
}

// Register routes the buttons of alerts (AlertActionPrefix) to o.
func (o *Owners) Register(a *slackapp.Actions) { a.Handle(AlertActionPrefix, o.Click) }

// Click does what an alert's button asks.
func (o *Owners) Click(ctx context.Context, c slackapp.Click) error {
	action, number, ok := strings.Cut(c.ActionID, ":")
	if !ok || number == "" {
		return fmt.Errorf("alert button %q names no order", c.ActionID)
	}
	who, err := o.clicker(ctx, c)
	if err != nil {
		return err
	}
	lang := who.Language
	if lang == "" {
		lang = o.opt.Language
	}
	texts := messages().In(lang)
	refuse := func(id string, args catalog.Args) error {
		return &slackapp.Refusal{Message: said(texts.T(id, args))}
	}
	if who.ID == 0 {
		return refuse("alert.click.unknown", nil)
	}
	allowed, err := o.mayAct(ctx, who, number)
	if err != nil {
		return err
	}
	if !allowed {
		return refuse("alert.click.not_yours", catalog.Args{"Number": render.Escape(number)})
	}
	at := clickTime(c.ActionTS, o.opt.Now())
	owner, err := o.act(ctx, action, number, who, at)
	switch orders.ErrorCode(err) {
	case "":
	case orders.EConflict:
		return refuse("alert.click.taken", catalog.Args{"Number": render.Escape(number), "Name": render.Escape(owner.ClaimedBy.Name),
			"When": render.DateTime(owner.ClaimedAt.In(o.opt.Loc), lang)})
	case orders.EInvalid, orders.ENotFound:
		return refuse("alert.click.not_blocked", catalog.Args{"Number": render.Escape(number)})
	default:
		return err
	}
	if err := o.refresh(ctx, c.Channel, c.MessageTS); err != nil {
		o.log.Warn("alert not updated in place", "channel", c.Channel, "ts", c.MessageTS, "err", err)
	}
	return o.confirm(ctx, c, action, number, owner, texts)
}

// clicker finds who clicked in the directory: by Slack ID, else by the
// e-mail Slack gives; ID 0 when the directory does not know them.
func (o *Owners) clicker(ctx context.Context, c slackapp.Click) (orders.Person, error) {
	p, err := o.store.PersonBySlackID(ctx, c.User)
	if orders.ErrorCode(err) == orders.ENotFound && c.Asker.Email != "" {
		p, err = o.store.PersonByEmail(ctx, c.Asker.Email)
	}
	if orders.ErrorCode(err) == orders.ENotFound || err == nil && p.Placeholder {
		return orders.Person{}, nil
	}
	return p, err
}

// mayAct reports whether who may act on the alert of order number: the
// rule of questions (managers, and everyone under bot.access: all, see
// every order; reps and assistants their own), or the alert was handed to
// them.
func (o *Owners) mayAct(ctx context.Context, who orders.Person, number string) (bool, error) {
	if !o.opt.OwnOnly || who.Role == orders.RoleManager {
		return true, nil
	}
	ord, err := o.store.OrderByNumber(ctx, number)
	if orders.ErrorCode(err) == orders.ENotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if ord.Rep != nil && ord.Rep.ID == who.ID || ord.Assistant != nil && ord.Assistant.ID == who.ID {
		return true, nil
	}
	owner, ok, err := o.store.AlertOwnerOf(ctx, number)
	return ok && owner.HandedTo != nil && owner.HandedTo.ID == who.ID, err
}

// act records the click's action.
func (o *Owners) act(ctx context.Context, action, number string, who orders.Person, at time.Time) (postgres.AlertOwner, error) {
	switch action {
	case alertClaim:
		return o.store.ClaimAlert(ctx, number, who.ID, at)
	case alertSnooze1, alertSnooze3:
		days := 1
		if action == alertSnooze3 {
			days = 3
		}
		return o.store.SnoozeAlert(ctx, number, who.ID, at.In(o.opt.Loc).AddDate(0, 0, days), at)
	case alertRelease:
		return o.store.ReleaseAlert(ctx, number, who.ID, at)
	}
	return postgres.AlertOwner{}, fmt.Errorf("unknown alert button %q", action)
}

// refresh updates the alert message ts of channel to show who owns each
// of its orders now.
func (o *Owners) refresh(ctx context.Context, channel, ts string) error {
	b, ok, err := o.store.AlertMessageAt(ctx, channel, ts)
	if err != nil || !ok {
		return err
	}
	msg, err := o.alertMessage(ctx, b.Alerts, b.Recipient.Language)
	if err != nil {
		return err
	}
	return o.update.Update(ctx, channel, ts, msg.Slack())
}

// alertMessage renders alerts with their owners, in lang.
func (o *Owners) alertMessage(ctx context.Context, alerts []postgres.Alert, lang orders.Language) (Message, error) {
	numbers := make([]string, len(alerts))
	for i, a := range alerts {
		numbers[i] = a.Number
	}
	owners, err := o.store.AlertOwners(ctx, numbers)
	if err != nil {
		return Message{}, err
	}
	short, err := o.store.Shortfalls(ctx, numbers)
	if err != nil {
		return Message{}, err
	}
	if lang == "" {
		lang = o.opt.Language
	}
	return OwnedAlertMessage(alerts, short, owners, o.notifier.opt.Releasable, o.opt.Top, lang, o.opt.Loc), nil
}

// confirm tells the clicker privately what a snooze or a "not mine" did,
// and posts a handed-on alert to whom it went.
func (o *Owners) confirm(ctx context.Context, c slackapp.Click, action, number string, owner postgres.AlertOwner, texts catalog.Texts) error {
	num := render.Escape(number)
	var say string
	switch {
	case (action == alertSnooze1 || action == alertSnooze3) && owner.SnoozedUntil == nil:
		return nil // the order moved to another block since: nothing is snoozed
	case action == alertSnooze1 || action == alertSnooze3:
		say = texts.T("alert.click.snoozed", catalog.Args{"Number": num, "Day": render.Date(*owner.SnoozedUntil, texts.Lang())})
	case action == alertRelease && owner.HandedTo != nil:
		if err := o.handBack(ctx, number, owner, slackapp.ClickKey(c)); err != nil {
			return err
		}
		say = texts.T("alert.click.handed", catalog.Args{"Number": num, "Name": render.Escape(owner.HandedTo.Name)})
	case action == alertRelease:
		say = texts.T("alert.click.dropped", catalog.Args{"Number": num})
	default:
		return nil
	}
	return c.Respond(ctx, said(say), true, false)
}

// handBack posts the alert of order number to whom a "not mine" handed it,
// once per click.
func (o *Owners) handBack(ctx context.Context, number string, owner postgres.AlertOwner, click string) error {
	to := *owner.HandedTo
	n := o.notifier
	if to.SlackUserID == "" {
		return fmt.Errorf("alert of %s handed to %s, who has no Slack user", number, to.Name)
	}
	d, release, ok, err := o.store.ClaimDelivery(ctx, postgres.Delivery{Kind: "handback", Key: postgres.HandbackKey(number, click),
		Channel: to.SlackUserID}, n.opt.Clock())
	if err != nil || !ok {
		return err
	}
	defer release()
	alerts, err := o.store.CurrentAlerts(ctx, []string{number})
	if err != nil {
		return n.retry(ctx, d, err)
	}
	msg, err := o.alertMessage(ctx, alerts, to.Language)
	if err != nil {
		return n.retry(ctx, d, err)
	}
	lang := to.Language
	if lang == "" {
		lang = o.opt.Language
	}
	by := ""
	if owner.HandedBy != nil {
		by = owner.HandedBy.Name
	}
	head := messages().In(lang).T("handback.head", catalog.Args{"By": render.Escape(by), "Number": render.Escape(number)})
	msg.Sections[0] = ":leftwards_arrow_with_hook: *" + head + "*"
	msg.Fallback = head
	channel, err := n.slack.OpenDM(ctx, to.SlackUserID)
	if err != nil {
		return n.retry(ctx, d, err)
	}
	return n.deliver(ctx, d, channel, msg.Slack(), nil, nil)
}

// clickTime is when a button was pressed, from Slack's action_ts
// ("1764230400.123456"), else now.
func clickTime(ts string, now time.Time) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return now
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000).UTC()
}

// said is a short message to the clicker, text already escaped.
func said(text string) render.Message {
	return render.Message{Text: text, Blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, true), nil, nil)}}
}
