package render

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

const (
	// maxQuote is the most characters of what the asker typed that an
	// answer quotes back: a pasted e-mail is not echoed whole.
	maxQuote = 200
	// maxField is the most characters of a text from the data (a name, a
	// reason) that an answer shows: an export's 100 KB cell does not make
	// an answer Slack refuses.
	maxField = 500
	// maxListField is the most characters of a name or a reason on a line
	// of a list.
	maxListField = 80
	// listTextBudget is the most characters of a list's order lines: with
	// its title, totals and freshness, a list stays far within Slack's
	// MaxMessageText and MaxBlocks, and says how many orders it left out.
	listTextBudget = 30000
)

// describer lays out one answer in one style and language.
type describer struct {
	r  *Renderer
	a  bot.Answer
	s  style
	tr catalog.Texts
	d  description
	p  page
	// part says the answer is a part of another (bot.Several), which says
	// how fresh the data is once for all.
	part bool
}

// page is which orders of a list an answer shows, and how.
type page struct {
	from     int  // orders of the list shown by earlier answers
	numbered bool // orders numbered, for a reply to pick one
}

func (r *Renderer) describe(a bot.Answer, s style) description { return r.describePage(a, s, page{}) }

func (r *Renderer) describePage(a bot.Answer, s style, p page) description {
	x := &describer{r: r, a: a, s: s, tr: messages().In(a.Lang), p: p}
	x.body()
	return x.d
}

// body lays out the answer.
func (x *describer) body() {
	switch x.a.Kind {
	case bot.OrderSet:
		x.orderSet()
	case bot.Several:
		x.several()
	case bot.ChoosePerson:
		x.choosePerson()
	case bot.NoNext:
		x.noNext()
	case bot.OrderFound:
		x.order()
	case bot.OrderList:
		x.list()
	case bot.ChooseCustomer:
		x.choose()
	case bot.NotFound:
		x.notFound()
	case bot.Refused:
		x.say(x.t("refused", nil))
	case bot.Help:
		x.help(x.t("help.hello", nil))
	case bot.Thanks:
		x.say(x.t("thanks", nil))
	case bot.Unavailable:
		x.say(x.t("unavailable", nil))
	default:
		if !x.followKinds() && !x.releaseKinds() {
			x.help(x.t("help.not_understood", nil))
		}
	}
}

// t renders catalog message id in the answer's language. Data in args must
// already have gone through the style: the catalog inserts them as given.
func (x *describer) t(id string, args catalog.Args) string { return x.tr.T(id, args) }

// n renders plural catalog message id for n.
func (x *describer) n(id string, n int, args catalog.Args) string { return x.tr.N(id, n, args) }

// label says "label: value" the way the language writes it.
func (x *describer) label(label, value string) string {
	return x.t("label", catalog.Args{"Label": label, "Value": value})
}

// field is a text from the data in the answer's style, cut to maxField
// characters; an empty one shows as a dash rather than as a gap in a
// sentence.
func (x *describer) field(st style, s string) string {
	if strings.TrimSpace(oneLine(s)) == "" {
		return "—"
	}
	return st.text(clip(s, maxField))
}

// quote is what the asker typed, quoted back: cut to maxQuote characters.
func (x *describer) quote(st style, s string) string {
	return x.field(st, clip(strings.TrimSpace(oneLine(s)), maxQuote))
}

// customer names a customer: "Boulangerie Dupré & Fils (C001234)".
func (x *describer) customer(st style, c orders.Customer, bold bool) string {
	name := x.field(st, c.Name)
	if bold {
		name = st.bold(name)
	}
	if strings.TrimSpace(c.Code) == "" {
		return name
	}
	return name + " (" + x.field(st, c.Code) + ")"
}

func (x *describer) say(s string) {
	x.d.sections = append(x.d.sections, s)
	if x.d.fallback == "" {
		x.d.fallback = s
	}
}

func (x *describer) lang() orders.Language { return x.tr.Lang() }

func (x *describer) local(t time.Time) time.Time { return t.In(x.r.opt.Location) }

// date shows the day of a moment, in the configured time zone.
func (x *describer) date(t time.Time) string { return Date(x.local(t), x.lang()) }

// day shows a calendar date (ordered, requested, expected): it has no time
// zone to convert.
func (x *describer) day(t time.Time) string { return Date(t, x.lang()) }

// age says how long ago t was, at the time of the answer.
func (x *describer) age(t time.Time) string { return Age(x.a.At.Sub(t), x.lang()) }

// since says "depuis 3 jours (24/11/2026)".
func (x *describer) since(t time.Time) string {
	return x.t("since", catalog.Args{"Age": x.age(t), "Date": x.date(t)})
}

func (x *describer) money(cents int64, cur string) string { return Money(cents, cur, x.lang()) }

func (x *describer) statusIcon(s orders.Status) string {
	switch {
	case s.Blocked():
		return x.s.icon("red_circle")
	case s == orders.StatusInvoiced:
		return x.s.icon("white_check_mark")
	case s == orders.StatusCancelled:
		return x.s.icon("x")
	}
	return x.s.icon("large_green_circle")
}

// upperFirst capitalizes the first letter of s: a sentence made of pieces.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func (x *describer) order() {
	o, s := x.a.Order, x.s
	var lines []string
	if x.a.Position > 0 {
		// The next order of a list: which, of which list.
		lines = append(lines, x.t("position", catalog.Args{"Position": strconv.Itoa(x.a.Position),
			"Total": strconv.Itoa(x.a.List.Total)})+" — "+x.listTitle(s))
	}
	title := x.t("order.title", catalog.Args{"Number": x.field(s, o.Number)})
	lines = append(lines, s.bold(title)+" — "+x.customer(s, o.Customer, false))
	label := s.bold(o.Status.Label(x.lang()))
	switch {
	case o.Closed() && o.ClosedAt != nil:
		lines = append(lines, x.statusIcon(o.Status)+x.t("order.closed_on", catalog.Args{"Status": label, "Date": x.date(*o.ClosedAt)}))
	case o.Closed():
		lines = append(lines, x.statusIcon(o.Status)+x.t("order.closed", catalog.Args{"Status": label}))
	case o.StatusSince.IsZero():
		lines = append(lines, x.statusIcon(o.Status)+label)
	default:
		lines = append(lines, x.statusIcon(o.Status)+label+" "+x.since(o.StatusSince))
	}
	if !o.Closed() {
		blocks := o.Blocks
		if len(blocks) == 0 && o.Blocked() {
			blocks = []orders.Block{{Kind: o.Status, Reason: o.BlockReason, Since: o.StatusSince, ExpectedRelease: o.ExpectedRelease}}
		}
		est := estimatedRelease(o)
		for _, bl := range blocks {
			line := bl.Kind.Label(x.lang())
			if strings.TrimSpace(bl.Reason) != "" {
				line = x.label(line, x.field(s, bl.Reason))
			}
			if !bl.Since.IsZero() {
				line += " — " + x.since(bl.Since)
			}
			switch {
			case bl.ExpectedRelease != nil:
				line += ", " + x.t("order.release", catalog.Args{"Date": x.day(*bl.ExpectedRelease)})
			case bl.Kind == orders.StatusOutOfStock && est != nil:
				line += ", " + x.t("order.release_estimated", catalog.Args{"Date": x.day(*est)})
			}
			lines = append(lines, "• "+line)
		}
		if len(blocks) == 0 && strings.TrimSpace(o.BlockReason) != "" {
			lines = append(lines, "• "+x.field(s, o.BlockReason))
		}
		if o.ExpectedRelease != nil && len(o.Blocks) > 0 {
			lines = append(lines, x.label(x.t("order.expected_release", nil), x.day(*o.ExpectedRelease)))
		}
		if est != nil && onlyFor(blocks, orders.StatusOutOfStock) {
			// Stock alone holds the order: its release is the stock's.
			lines = append(lines, x.label(x.t("order.estimated_release", nil), x.day(*est)))
		}
		lines = append(lines, x.credit(o)...)
		if h := o.HandledBy; h != nil && o.Blocked() {
			lines = append(lines, x.s.icon("raising_hand")+x.t("order.handled_by", catalog.Args{"Name": x.field(s, h.Name),
				"When": DateTime(x.local(h.Since), x.lang())}))
		}
	}
	lines = append(lines, x.orderLines(o)...)
	lines = append(lines, x.label(x.t("order.amount", nil), x.money(o.AmountCents, o.Currency)))
	var dates []string
	if o.OrderedOn != nil {
		dates = append(dates, x.t("order.ordered", catalog.Args{"Date": x.day(*o.OrderedOn)}))
	}
	if o.RequestedOn != nil {
		dates = append(dates, x.t("order.requested", catalog.Args{"Date": x.day(*o.RequestedOn)}))
	}
	if o.PromisedOn != nil {
		dates = append(dates, x.t("order.promised", catalog.Args{"Date": x.day(*o.PromisedOn)}))
	}
	if len(dates) > 0 {
		lines = append(lines, upperFirst(strings.Join(dates, " · ")))
	}
	if strings.TrimSpace(o.CustomerRef) != "" {
		lines = append(lines, x.label(x.t("order.customer_ref", nil), x.field(s, o.CustomerRef)))
	}
	var people []string
	if o.Rep != nil {
		people = append(people, x.label(x.t("order.rep", nil), x.field(s, o.Rep.Name)))
	}
	if o.Assistant != nil {
		people = append(people, x.label(x.t("order.assistant", nil), x.field(s, o.Assistant.Name)))
	}
	if len(people) > 0 {
		lines = append(lines, strings.Join(people, " · "))
	}
	if step := x.nextStep(o.Status); step != "" {
		lines = append(lines, x.label(s.bold(x.t("order.next_step", nil)), step))
	}
	x.d.sections = append(x.d.sections, strings.Join(lines, "\n"))
	p := plainStyle{}
	x.d.fallback = x.label(x.t("order.title", catalog.Args{"Number": x.field(p, o.Number)})+" — "+x.field(p, o.Customer.Name),
		o.Status.Label(x.lang()))
	x.freshness()
	x.followButton()
	x.releaseState()
}

// nextStep is the next step of an order in status st: a configured wording
// is escaped like data, orderbot's own is not.
func (x *describer) nextStep(st orders.Status) string {
	step := x.r.NextStep(st, x.lang())
	if step == "" || x.r.opt.NextSteps[x.lang()][st] != step {
		return step
	}
	return x.field(x.s, step)
}

// freshness says how fresh the data is, plainly when it is stale.
func (x *describer) freshness() {
	if x.part {
		return
	}
	f := x.a.Data
	switch {
	case !f.Known:
		x.d.context = append(x.d.context, x.s.icon("warning")+x.t("freshness.unknown", nil))
	case f.Stale:
		x.d.sections = append(x.d.sections, x.s.icon("warning")+x.label(x.s.bold(x.t("freshness.warning", nil)),
			x.t("freshness.stale", catalog.Args{"Date": DateTime(x.local(f.AsOf), x.lang()), "Age": x.age(f.AsOf)})))
	default:
		x.d.context = append(x.d.context, x.s.italic(x.t("freshness.as_of", catalog.Args{"Date": DateTime(x.local(f.AsOf), x.lang())})))
	}
}

// listTitle says what a list holds, and whose: "Commandes bloquées —
// votre portefeuille".
func (x *describer) listTitle(s style) string {
	sub := x.a.Subject
	var what string
	switch {
	case sub.What == "ref" && !sub.Blocked:
		what = x.t("list.orders", nil) // closed ones too
	case sub.What == "item":
		what = x.t("list.short_of", catalog.Args{"Item": x.quote(s, sub.Query)})
	case sub.Status != "" && sub.Reason != "":
		what = x.t("list.blocked_for_reason", catalog.Args{"Status": sub.Status.Label(x.lang()), "Reason": x.quote(s, sub.Reason)})
	case sub.Status != "":
		what = x.t("list.blocked_for", catalog.Args{"Status": sub.Status.Label(x.lang())})
	case sub.Blocked:
		what = x.t("list.blocked", nil)
	default:
		what = x.t("list.open", nil)
	}
	var whose string
	switch {
	case sub.What == "customer":
		whose = x.customer(s, sub.Customer, true)
		if p := x.portfolio(s); p != "" && (sub.Team || sub.Person.ID != 0 || x.a.Question.Scope == understand.ScopeMine) {
			// "mes cdes chez Bon app": whose orders there.
			whose += " · " + p
		}
	case sub.What == "ref":
		whose = x.t("list.ref", catalog.Args{"Ref": s.bold(x.quote(s, sub.Query))})
	default:
		whose = x.portfolio(s)
	}
	return s.bold(what) + " — " + whose
}

// portfolio names whose portfolio a list is: "votre équipe".
func (x *describer) portfolio(s style) string {
	sub := x.a.Subject
	switch {
	case sub.Person.ID != 0:
		return x.t("list.person", catalog.Args{"Name": x.field(s, clip(sub.Person.Name, maxListField))})
	case sub.Team:
		return x.t("list.team", nil)
	case sub.Everyone:
		return x.t("list.everyone", nil)
	}
	return x.t("list.mine", nil)
}

// listNotes are what a list's title needs said after it: that it holds
// only the asker's own portfolio, that no order has the reason asked.
func (x *describer) listNotes(s style) string {
	sub := x.a.Subject
	var notes []string
	if sub.OwnOnly {
		notes = append(notes, s.italic(x.t("list.own_only", nil)))
	}
	if sub.ReasonMissed != "" {
		notes = append(notes, x.t("list.reason_missed", catalog.Args{"Reason": x.quote(s, sub.ReasonMissed)}))
	}
	if len(notes) == 0 {
		return ""
	}
	return "\n" + strings.Join(notes, "\n")
}

func (x *describer) list() {
	l, sub, s := x.a.List, x.a.Subject, x.s
	title := x.listTitle(s)
	plainTitle := x.listTitle(plainStyle{})
	if l.Total == 0 && len(l.Orders) == 0 {
		var none string
		switch {
		case sub.What == "customer" && sub.Mine:
			none = x.t("list.none.customer_mine", catalog.Args{"Customer": x.field(s, sub.Customer.Name)})
		case sub.What == "customer":
			none = x.t("list.none.customer", catalog.Args{"Customer": x.field(s, sub.Customer.Name)})
		case sub.What == "item":
			none = x.t("list.none.item", catalog.Args{"Item": x.quote(s, sub.Query)})
		case sub.Blocked:
			none = x.t("list.none.blocked", nil)
			if !s.console() && !sub.OwnOnly {
				none += " :tada:"
			}
		default:
			none = x.t("list.none", nil)
		}
		x.d.sections = append(x.d.sections, title+x.listNotes(s)+"\n"+none)
		x.d.fallback = x.label(plainTitle, x.n("list.count", 0, nil))
		x.freshness()
		return
	}
	var count string
	switch {
	case sub.Blocked:
		count = x.n("list.count", l.Total, nil) // the title says they are blocked
	case l.Blocked == 0:
		count = x.n("list.count_none_blocked", l.Total, nil)
	case l.Blocked == l.Total:
		count = x.n("list.count_all_blocked", l.Total, nil)
	default:
		count = x.n("list.count", l.Total, nil) + ", " + x.n("list.count_blocked", l.Blocked, nil)
	}
	// The budget is counted on Slack's text, so that the console shows
	// the same orders.
	inSlack := *x
	inSlack.s = slackStyle{}
	var lines []string
	used := 0
	_, isSlack := x.s.(slackStyle)
	from := min(x.p.from, len(l.Orders))
	for i, o := range l.Orders[from:] {
		mark := "• "
		if x.p.numbered {
			mark = strconv.Itoa(from+i+1) + ". "
		}
		line := x.listLine(mark, o)
		measured := line
		if !isSlack {
			measured = inSlack.listLine(mark, o)
		}
		if used += slackLen(measured) + 1; used > listTextBudget {
			break
		}
		lines = append(lines, line)
	}
	shown, more := len(lines), l.Total-from-len(lines)
	if more > 0 {
		lines = append(lines, x.n("list.more", more, nil))
	}
	section := title + x.listNotes(s) + "\n" + count + "\n" + strings.Join(lines, "\n")
	if t := x.totals(l); t != "" {
		section += "\n" + t
	}
	x.d.sections = append(x.d.sections, section)
	x.d.fallback = x.label(plainTitle, x.n("list.count", l.Total, nil))
	if more > 0 && x.a.Limit < bot.MaxListLimit && shown > 0 {
		q := x.a.Question
		if q.Intent == understand.Customer && sub.Customer.ID != 0 {
			q.CustomerID, q.CustomerName, q.CustomerCode = sub.Customer.ID, "", ""
		}
		x.d.buttons = append(x.d.buttons, button{label: x.t("list.show_more", nil), action: ActionMore,
			value: bot.Action{Question: q, Limit: bot.MaxListLimit}.Value()})
	}
	x.freshness()
}

// listLine is one order of a list, on one line, after mark (a bullet, or
// its number).
func (x *describer) listLine(mark string, o orders.Order) string {
	s := x.s
	parts := []string{mark + s.bold(x.field(s, clip(o.Number, maxListField)))}
	if x.a.Subject.What != "customer" {
		parts = append(parts, x.field(s, clip(o.Customer.Name, maxListField)))
	}
	if sub := x.a.Subject; (sub.Team || sub.Everyone) && o.Rep != nil {
		// A list of several reps' orders says whose each is.
		parts = append(parts, x.field(s, clip(o.Rep.Name, maxListField)))
	}
	label := o.Status.Label(x.lang())
	switch {
	case o.Closed() && o.ClosedAt != nil:
		parts = append(parts, x.statusIcon(o.Status)+x.t("list.closed_on", catalog.Args{"Status": label, "Date": x.date(*o.ClosedAt)}))
	case o.Blocked() && !o.StatusSince.IsZero():
		parts = append(parts, x.statusIcon(o.Status)+x.t("list.blocked_since", catalog.Args{"Status": label, "Age": x.age(o.StatusSince)}))
	default:
		parts = append(parts, x.statusIcon(o.Status)+label)
	}
	parts = append(parts, x.money(o.AmountCents, o.Currency))
	if o.RequestedOn != nil && !o.Closed() {
		parts = append(parts, x.t("list.requested", catalog.Args{"Date": x.day(*o.RequestedOn)}))
	}
	if x.a.Subject.What == "item" {
		if short := x.itemShort(o); short != "" {
			parts = append(parts, short)
		}
	} else if kind, reason := x.reasonOf(o); strings.TrimSpace(reason) != "" {
		r := s.italic(x.field(s, clip(reason, maxListField)))
		if kind != o.Status {
			r = x.label(kind.Label(x.lang()), r)
		}
		parts = append(parts, r)
	}
	return strings.Join(parts, " · ")
}

// reasonOf returns the block of o a list line shows the reason of: in a
// list of one kind of block, o's block of that kind, whatever blocks o
// first; else the block of its status.
func (x *describer) reasonOf(o orders.Order) (orders.Status, string) {
	if kind := x.a.Subject.Status; kind != "" {
		for _, b := range o.Blocks {
			if b.Kind == kind {
				return kind, b.Reason
			}
		}
	}
	if !o.Blocked() {
		return "", ""
	}
	return o.Status, o.BlockReason
}

func (x *describer) totals(l orders.OrderList) string {
	sum := func(m map[string]int64) string {
		curs := make([]string, 0, len(m))
		for c := range m {
			curs = append(curs, c)
		}
		sort.Strings(curs)
		var parts []string
		for _, c := range curs {
			parts = append(parts, x.money(m[c], c))
		}
		return strings.Join(parts, " + ")
	}
	if len(l.TotalCents) == 0 {
		return "" // closed orders only: nothing open to add up
	}
	out := x.label(x.t("list.total", nil), sum(l.TotalCents))
	if l.Blocked > 0 {
		out += " · " + x.label(x.t("list.total_blocked", nil), sum(l.BlockedCents))
	}
	return out
}

func (x *describer) choose() {
	s := x.s
	var b strings.Builder
	b.WriteString(x.t("choose.which", catalog.Args{"Query": x.quote(s, x.a.Subject.Query)}))
	x.d.fallback = x.t("choose.which", catalog.Args{"Query": x.quote(plainStyle{}, x.a.Subject.Query)})
	for i, m := range x.a.Candidates {
		n := x.n("choose.open_orders", m.OpenOrders, nil)
		if s.console() {
			b.WriteString("\n  " + strconv.Itoa(i+1) + ". " + x.customer(s, m.Customer, false) + " — " + n)
			continue
		}
		b.WriteString("\n• " + x.customer(s, m.Customer, true) + " — " + n)
		q := x.a.Question
		q.CustomerID, q.CustomerName, q.CustomerCode = m.ID, "", ""
		if q.Intent != understand.StartFollowing && q.Intent != understand.StopFollowing {
			q.Intent = understand.Customer // following one of them keeps its intent
		}
		x.d.buttons = append(x.d.buttons, button{label: m.Name, action: ActionChoose, value: bot.Action{Question: q}.Value()})
	}
	if s.console() {
		b.WriteString("\n" + x.t("choose.reply", nil))
	}
	x.d.sections = append(x.d.sections, b.String())
}

// notFoundSentence says what was not found, in style st.
func (x *describer) notFoundSentence(st style) string {
	sub := x.a.Subject
	q := st.bold(x.quote(st, sub.Query))
	switch sub.What {
	case "person":
		return x.t("not_found.person", catalog.Args{"Name": q})
	case "my_rep":
		return x.t("not_found.my_rep", nil)
	case "my_assistant":
		return x.t("not_found.my_assistant", nil)
	case "customer_id":
		return x.t("not_found.customer_id", nil)
	case "order":
		return x.t("not_found.order", catalog.Args{"Number": q})
	case "ref":
		return x.t("not_found.ref", catalog.Args{"Ref": q})
	case "code":
		return x.t("not_found.code", catalog.Args{"Code": q})
	}
	return x.t("not_found.customer", catalog.Args{"Name": q})
}

func (x *describer) notFound() {
	sub, s := x.a.Subject, x.s
	msg := x.notFoundSentence(s)
	if len(x.a.Suggestions) > 0 {
		var nums []string
		for _, n := range x.a.Suggestions {
			nums = append(nums, s.bold(x.field(s, n)))
			if !s.console() {
				x.d.buttons = append(x.d.buttons, button{label: n, action: ActionChoose,
					value: bot.Action{Question: understand.Question{Intent: understand.Order, Number: n}}.Value()})
			}
		}
		msg += "\n" + x.t("not_found.did_you_mean", catalog.Args{"Choices": x.or(nums)})
	} else {
		switch sub.What {
		case "order":
			msg += "\n" + x.t("not_found.hint.order", nil)
		case "ref":
			msg += "\n" + x.t("not_found.hint.ref", nil)
		}
	}
	x.d.sections = append(x.d.sections, msg)
	x.d.fallback = x.notFoundSentence(plainStyle{})
	x.freshness()
}

// or joins choices the way the language does: "A, B ou C".
func (x *describer) or(choices []string) string {
	if len(choices) == 1 {
		return choices[0]
	}
	last := len(choices) - 1
	return x.t("or", catalog.Args{"Head": strings.Join(choices[:last], ", "), "Last": choices[last]})
}

func (x *describer) help(intro string) {
	var b strings.Builder
	b.WriteString(intro + "\n" + x.t("help.examples", nil))
	for _, id := range []string{"help.example.order", "help.example.several", "help.example.customer", "help.example.ref",
		"help.example.mine", "help.example.team", "help.example.reason", "help.example.lines", "help.example.item",
		"help.example.follow", "help.example.release", "help.example.next"} {
		b.WriteString("\n• " + x.t(id, nil))
	}
	x.say(b.String())
	x.d.fallback = intro
}
