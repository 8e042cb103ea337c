package render

import (
	_ "embed"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/orders"
)

//go:embed follow_messages.yaml
var followYAML []byte

// followMessages is the catalog of following's wordings, parsed on first
// use and read-only after, like messages.
var followMessages = sync.OnceValue(func() *catalog.Catalog { return catalog.MustParse(followYAML) })

// FollowMessages returns the catalog of following's wordings, for tests
// that check every message in both languages.
func FollowMessages() *catalog.Catalog { return followMessages() }

// ft renders following's message id in the answer's language.
func (x *describer) ft(id string, args catalog.Args) string {
	return followMessages().In(x.lang()).T(id, args)
}

// fn renders following's plural message id for n.
func (x *describer) fn(id string, n int, args catalog.Args) string {
	return followMessages().In(x.lang()).N(id, n, args)
}

// Action IDs of the follow buttons: the order's number is the value.
const (
	// ActionFollow follows the order of an answer.
	ActionFollow = "follow_order"
	// ActionUnfollow stops following it.
	ActionUnfollow = "follow_stop"
)

// followButton offers to follow the open order an answer shows, or to
// stop following it, and says in one line that asking about a blocked
// order made the asker follow it.
func (x *describer) followButton() {
	o := x.a.Order
	if !x.a.Followable || o.Closed() || x.part {
		return
	}
	if x.a.AutoFollowed {
		x.d.context = append(x.d.context, x.s.icon("bell")+x.ft("follow.auto", nil))
	}
	if x.a.Following {
		x.d.buttons = append(x.d.buttons, button{label: x.ft("follow.stop_button", nil), action: ActionUnfollow, value: o.Number})
		return
	}
	x.d.buttons = append(x.d.buttons, button{label: x.ft("follow.button", nil), action: ActionFollow, value: o.Number})
}

// followed answers "suivre 11039", "suivre Boulangerie Dupré", and their
// opposites.
func (x *describer) followed(stop bool) {
	o, c := x.a.Order, x.a.Subject.Customer
	order := o.ID != 0 || c.ID == 0
	args := func(st style) catalog.Args {
		if order {
			return catalog.Args{"Number": st.bold(x.field(st, o.Number)), "Customer": x.field(st, o.Customer.Name),
				"Status": o.Status.Label(x.lang())}
		}
		return catalog.Args{"Customer": x.customer(st, c, true)}
	}
	var id string
	switch {
	case stop && x.a.Already:
		id = pick(order, "unfollow.order_none", "unfollow.customer_none")
	case stop:
		id = pick(order, "unfollow.order_done", "unfollow.customer_done")
	case order && o.Closed():
		id = "follow.closed"
	case x.a.Already:
		id = pick(order, "follow.order_already", "follow.customer_already")
	default:
		id = pick(order, "follow.order_done", "follow.customer_done")
	}
	x.say(x.ft(id, args(x.s)))
	x.d.fallback = x.ft(id, args(plainStyle{}))
}

// pick is a when cond holds, else b.
func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// followList answers "mes suivis".
func (x *describer) followList() {
	s := x.s
	if len(x.a.Follows) == 0 {
		x.say(x.ft("follows.none", nil))
		return
	}
	lines := []string{s.bold(x.fn("follows.title", len(x.a.Follows), nil))}
	for _, f := range x.a.Follows {
		var line string
		if f.Number == "" {
			line = x.ft("follows.customer", catalog.Args{"Customer": x.customer(s, f.Customer, true)})
		} else {
			line = s.bold(x.field(s, f.Number)) + " — " + x.customer(s, f.Customer, false) + " — " +
				x.statusIcon(f.Status) + f.Status.Label(x.lang())
			if f.Auto {
				line += " " + s.italic(x.ft("follows.auto", nil))
			}
		}
		lines = append(lines, "• "+line)
	}
	lines = append(lines, x.ft("follows.stop", nil))
	x.d.sections = append(x.d.sections, strings.Join(lines, "\n"))
	x.d.fallback = x.fn("follows.title", len(x.a.Follows), nil)
}

// Change is one change of a followed order, as its follower hears of it.
type Change struct {
	Number, Customer     string
	From, To             orders.Status
	FromReason, ToReason string
	// FromPromised and ToPromised are the promised dates, before and
	// after, when the change moved it.
	FromPromised, ToPromised *time.Time
	PromiseMoved             bool
}

// FollowNotice is the direct message telling a follower what an import
// changed of the orders they follow, all in one message: each order, its
// customer, its old and new status (and block reason, promised date); an
// order invoiced or cancelled is the last they hear of it.
func (r *Renderer) FollowNotice(lang orders.Language, changes []Change) Message {
	x := &describer{r: r, s: slackStyle{}, tr: messages().In(lang)}
	title := x.fn("notice.title", len(changes), nil)
	sections := []string{x.s.icon("bell") + x.s.bold(title)}
	for _, c := range changes {
		sections = append(sections, x.change(c))
	}
	var blocks []slack.Block
	for _, s := range fit(sections, MaxBlocks, MaxMessageText, x.t("cut", nil)) {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, s, false, true), nil, nil))
	}
	fallback := title
	if len(changes) == 1 {
		fallback += " — " + x.field(plainStyle{}, changes[0].Number)
	}
	return Message{Text: fallback, Blocks: blocks}
}

// change says one change of a followed order.
func (x *describer) change(c Change) string {
	s := x.s
	lines := []string{s.bold(x.t("order.title", catalog.Args{"Number": x.field(s, c.Number)})) + " — " + x.field(s, c.Customer)}
	if c.From != c.To || c.FromReason != c.ToReason || !c.PromiseMoved {
		lines = append(lines, x.statusIcon(c.To)+x.label(x.ft("notice.status", nil),
			x.ft("notice.from_to", catalog.Args{"From": c.From.Label(x.lang()), "To": s.bold(c.To.Label(x.lang()))})))
		if c.To.Blocked() && strings.TrimSpace(c.ToReason) != "" {
			lines = append(lines, "• "+x.label(x.ft("notice.reason", nil), x.field(s, c.ToReason)))
		}
	}
	if c.PromiseMoved {
		lines = append(lines, "• "+x.label(x.ft("notice.promised", nil), x.ft("notice.from_to", catalog.Args{
			"From": x.optionalDay(c.FromPromised), "To": s.bold(x.optionalDay(c.ToPromised))})))
	}
	if c.To.Closed() {
		lines = append(lines, s.italic(x.ft("notice.last", nil)))
	}
	return strings.Join(lines, "\n")
}

// optionalDay is a calendar date, or a dash when there is none.
func (x *describer) optionalDay(d *time.Time) string {
	if d == nil {
		return "—"
	}
	return x.day(*d)
}

// Updated is msg, an earlier answer, as it reads once updated in place
// at at: a short note says so.
func (r *Renderer) Updated(msg Message, lang orders.Language, at time.Time) Message {
	x := &describer{r: r, s: slackStyle{}, tr: messages().In(lang)}
	note := x.ft("follow.updated", catalog.Args{"Date": DateTime(at.In(r.opt.Location), lang)})
	out := Message{Text: msg.Text, Blocks: append(append([]slack.Block(nil), msg.Blocks...),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, ":arrows_counterclockwise: _"+note+"_", false, true)))}
	return out
}

// followKinds lays out the answers of following, for body.
func (x *describer) followKinds() bool {
	switch x.a.Kind {
	case bot.Followed:
		x.followed(false)
	case bot.Unfollowed:
		x.followed(true)
	case bot.FollowList:
		x.followList()
	default:
		return false
	}
	return true
}
