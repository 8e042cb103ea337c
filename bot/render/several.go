package render

import (
	"strconv"
	"strings"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// orderSet lays out several order numbers in a compact list: each found
// order on one line, as in a list; each number not found on a line that
// says so, the same whether it does not exist or the asker may not see it.
func (x *describer) orderSet() {
	s, a := x.s, x.a
	found := orders.OrderList{TotalCents: map[string]int64{}, BlockedCents: map[string]int64{}}
	missing := 0
	var lines []string
	for _, it := range a.Items {
		if !it.Found {
			missing++
			lines = append(lines, "• "+s.bold(x.field(s, clip(it.Number, maxListField)))+" · "+x.t("set.not_found", nil))
			continue
		}
		lines = append(lines, x.listLine("• ", it.Order))
		if o := it.Order; !o.Closed() {
			found.TotalCents[o.Currency] += o.AmountCents
			if o.Blocked() {
				found.Blocked++
				found.BlockedCents[o.Currency] += o.AmountCents
			}
		}
	}
	asked := len(a.Items) + a.More
	count := x.n("set.count", asked, nil)
	if missing > 0 {
		count += ", " + x.n("set.missing", missing, nil)
	}
	if a.More > 0 {
		lines = append(lines, x.n("list.more", a.More, nil))
	}
	section := s.bold(x.t("set.title", nil)) + "\n" + count + "\n" + strings.Join(lines, "\n")
	if t := x.totals(found); t != "" {
		section += "\n" + t
	}
	if missing > 0 {
		section += "\n" + x.t("set.hint", nil)
	}
	x.d.sections = append(x.d.sections, section)
	x.d.fallback = x.label(x.t("set.title", nil), x.n("set.count", asked, nil))
	if a.More > 0 && a.Limit < bot.MaxListLimit {
		x.d.buttons = append(x.d.buttons, button{label: x.t("list.show_more", nil), action: ActionMore,
			value: bot.Action{Question: a.Question, Limit: bot.MaxListLimit}.Value()})
	}
	x.freshness()
}

// several lays out the answers to each subject of a message one after the
// other, each as it reads alone, and how fresh the data is once.
func (x *describer) several() {
	var fallbacks []string
	for _, p := range x.a.Parts {
		y := &describer{r: x.r, a: p, s: x.s, tr: messages().In(p.Lang), part: true}
		y.body()
		x.d.sections = append(x.d.sections, y.d.sections...)
		x.d.buttons = append(x.d.buttons, y.d.buttons...)
		x.d.context = append(x.d.context, y.d.context...)
		fallbacks = append(fallbacks, y.d.fallback)
	}
	if x.a.More > 0 {
		x.d.sections = append(x.d.sections, x.n("several.more", x.a.More, nil))
	}
	x.d.fallback = strings.Join(fallbacks, "\n")
	x.freshness()
}

// roleLabel names a role of the directory.
func (x *describer) roleLabel(r orders.Role) string {
	switch r {
	case orders.RoleRep:
		return x.t("order.rep", nil)
	case orders.RoleAssistant:
		return x.t("order.assistant", nil)
	}
	return x.t("role.manager", nil)
}

// choosePerson asks which of several people the question means, with a
// button for each (a number to reply with, in the console).
func (x *describer) choosePerson() {
	s, sub := x.s, x.a.Subject
	which := func(st style) string {
		switch sub.What {
		case "my_rep":
			return x.t("choose_person.my_rep", nil)
		case "my_assistant":
			return x.t("choose_person.my_assistant", nil)
		}
		return x.t("choose_person.which", catalog.Args{"Name": x.quote(st, sub.Query)})
	}
	var b strings.Builder
	b.WriteString(which(s))
	x.d.fallback = which(plainStyle{})
	for i, p := range x.a.People {
		name, role := x.field(s, clip(p.Name, maxListField)), x.roleLabel(p.Role)
		if s.console() {
			b.WriteString("\n  " + strconv.Itoa(i+1) + ". " + name + " — " + role)
			continue
		}
		b.WriteString("\n• " + s.bold(name) + " — " + role)
		q := x.a.Question
		q.Scope, q.Person, q.PersonRole = understand.ScopePerson, p.Name, p.Role
		x.d.buttons = append(x.d.buttons, button{label: p.Name, action: ActionChoose, value: bot.Action{Question: q}.Value()})
	}
	if s.console() {
		b.WriteString("\n" + x.t("choose_person.reply", nil))
	}
	x.d.sections = append(x.d.sections, b.String())
}

// noNext says there is no order after the one shown last: after a number,
// or at the end of a list.
func (x *describer) noNext() {
	s, a := x.s, x.a
	sentence := func(st style) string {
		switch {
		case a.Subject.What == "order":
			return x.t("no_next.order", catalog.Args{"Number": st.bold(x.quote(st, a.Subject.Query))})
		case a.List.Total == 0:
			return x.listTitle(st) + "\n" + x.t("list.none", nil)
		}
		return x.listTitle(st) + "\n" + x.n("no_next.list", a.List.Total, nil)
	}
	x.d.sections = append(x.d.sections, sentence(s))
	x.d.fallback = strings.ReplaceAll(sentence(plainStyle{}), "\n", " ")
	x.freshness()
}
