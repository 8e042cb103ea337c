package render

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// describer lays out one answer in one style and language.
type describer struct {
	r    *Renderer
	a    bot.Answer
	s    style
	lang orders.Language
	d    description
}

func (r *Renderer) describe(a bot.Answer, s style) description {
	x := &describer{r: r, a: a, s: s, lang: a.Lang}
	if x.lang == "" {
		x.lang = orders.French
	}
	switch a.Kind {
	case bot.OrderFound:
		x.order()
	case bot.OrderList:
		x.list()
	case bot.ChooseCustomer:
		x.choose()
	case bot.NotFound:
		x.notFound()
	case bot.Refused:
		x.say(x.t("Désolé, je ne réponds qu'aux membres de l'équipe commerciale inscrits dans l'annuaire d'orderbot. Si vous pensez devoir y figurer, demandez à votre administrateur de vous ajouter.",
			"Sorry, I only answer members of the sales team listed in orderbot's directory. If you should be in it, ask your administrator to add you."))
	case bot.Help:
		x.help(x.t("Bonjour ! Je réponds aux questions sur les commandes ouvertes.", "Hello! I answer questions about open orders."))
	case bot.Thanks:
		x.say(x.t("Avec plaisir !", "You're welcome!"))
	case bot.Unavailable:
		x.say(x.t("Les données des commandes sont momentanément indisponibles. Réessayez dans une minute.",
			"Order data is unavailable right now. Please try again in a minute."))
	default:
		x.help(x.t("Je n'ai pas compris la question.", "I did not understand the question."))
	}
	return x.d
}

// t picks the wording of the answer's language.
func (x *describer) t(fr, en string) string {
	if x.lang == orders.English {
		return en
	}
	return fr
}

// colon is ":" as each language writes it after a label.
func (x *describer) colon() string { return x.t("\u00a0:", ":") }

func (x *describer) say(s string) {
	x.d.sections = append(x.d.sections, s)
	if x.d.fallback == "" {
		x.d.fallback = s
	}
}

func (x *describer) local(t time.Time) time.Time { return t.In(x.r.opt.Location) }

// date shows the day of a moment, in the configured time zone.
func (x *describer) date(t time.Time) string { return Date(x.local(t), x.lang) }

// day shows a calendar date (ordered, requested, expected): it has no time
// zone to convert.
func (x *describer) day(t time.Time) string { return Date(t, x.lang) }

// since says "depuis 3 jours (24/11/2026)".
func (x *describer) since(t time.Time) string {
	return fmt.Sprintf("%s %s (%s)", x.t("depuis", "for"), Age(x.a.At.Sub(t), x.lang), x.date(t))
}

func (x *describer) money(cents int64, cur string) string { return Money(cents, cur, x.lang) }

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

func (x *describer) order() {
	o, s := x.a.Order, x.s
	var b strings.Builder
	title := fmt.Sprintf("%s %s", x.t("Commande", "Order"), s.text(o.Number))
	fmt.Fprintf(&b, "%s — %s (%s)\n", s.bold(title), s.text(o.Customer.Name), s.text(o.Customer.Code))
	label := s.bold(o.Status.Label(x.lang))
	switch {
	case o.Closed() && o.ClosedAt != nil:
		fmt.Fprintf(&b, "%s%s %s %s%s\n", x.statusIcon(o.Status), label, x.t("le", "on"), x.date(*o.ClosedAt),
			x.t(" : sortie du portefeuille.", ": no longer in the open portfolio."))
	case o.Closed():
		fmt.Fprintf(&b, "%s%s%s\n", x.statusIcon(o.Status), label, x.t(" : sortie du portefeuille.", ": no longer in the open portfolio."))
	default:
		fmt.Fprintf(&b, "%s%s %s\n", x.statusIcon(o.Status), label, x.since(o.StatusSince))
	}
	if !o.Closed() {
		blocks := o.Blocks
		if len(blocks) == 0 && o.Blocked() {
			blocks = []orders.Block{{Kind: o.Status, Reason: o.BlockReason, Since: o.StatusSince, ExpectedRelease: o.ExpectedRelease}}
		}
		for _, bl := range blocks {
			line := "• " + bl.Kind.Label(x.lang)
			if bl.Reason != "" {
				line += x.colon() + " " + s.text(bl.Reason)
			}
			line += " — " + x.since(bl.Since)
			if bl.ExpectedRelease != nil {
				line += fmt.Sprintf(", %s %s", x.t("levée prévue le", "expected release"), x.day(*bl.ExpectedRelease))
			}
			b.WriteString(line + "\n")
		}
		if len(blocks) == 0 && o.BlockReason != "" {
			fmt.Fprintf(&b, "• %s\n", s.text(o.BlockReason))
		}
		if o.ExpectedRelease != nil && len(o.Blocks) > 0 {
			fmt.Fprintf(&b, "%s%s %s\n", x.t("Déblocage prévu", "Expected release"), x.colon(), x.day(*o.ExpectedRelease))
		}
	}
	fmt.Fprintf(&b, "%s%s %s\n", x.t("Montant HT", "Amount excl. tax"), x.colon(), x.money(o.AmountCents, o.Currency))
	var dates []string
	if o.OrderedOn != nil {
		dates = append(dates, x.t("commandée le ", "ordered ")+x.day(*o.OrderedOn))
	}
	if o.RequestedOn != nil {
		dates = append(dates, x.t("livraison souhaitée le ", "requested ")+x.day(*o.RequestedOn))
	}
	if o.PromisedOn != nil {
		dates = append(dates, x.t("confirmée le ", "promised ")+x.day(*o.PromisedOn))
	}
	if len(dates) > 0 {
		d := strings.Join(dates, " · ")
		fmt.Fprintf(&b, "%s\n", strings.ToUpper(d[:1])+d[1:])
	}
	if o.CustomerRef != "" {
		fmt.Fprintf(&b, "%s%s %s\n", x.t("Réf. client", "Customer ref."), x.colon(), s.text(o.CustomerRef))
	}
	var people []string
	if o.Rep != nil {
		people = append(people, fmt.Sprintf("%s%s %s", x.t("Commercial", "Sales rep"), x.colon(), s.text(o.Rep.Name)))
	}
	if o.Assistant != nil {
		people = append(people, fmt.Sprintf("%s%s %s", x.t("Assistante ADV", "Sales assistant"), x.colon(), s.text(o.Assistant.Name)))
	}
	if len(people) > 0 {
		b.WriteString(strings.Join(people, " · ") + "\n")
	}
	if !o.Closed() {
		fmt.Fprintf(&b, "%s%s %s\n", s.bold(x.t("Prochaine étape", "Next step")), x.colon(), s.text(x.r.NextStep(o.Status, x.lang)))
	}
	x.d.sections = append(x.d.sections, strings.TrimRight(b.String(), "\n"))
	x.d.fallback = Escape(fmt.Sprintf("%s %s — %s: %s", x.t("Commande", "Order"), oneLine(o.Number), oneLine(o.Customer.Name), o.Status.Label(x.lang)))
	x.freshness()
}

// freshness says how fresh the data is, plainly when it is stale.
func (x *describer) freshness() {
	f := x.a.Data
	switch {
	case !f.Known:
		x.d.context = append(x.d.context, x.s.icon("warning")+x.t(
			"Date des données inconnue : aucun import n'est enregistré.",
			"The age of this data is unknown: no import is recorded."))
	case f.Stale:
		x.d.sections = append(x.d.sections, x.s.icon("warning")+x.s.bold(x.t("Attention", "Warning"))+x.colon()+" "+fmt.Sprintf(x.t(
			"ces données datent du %s (il y a %s) : le dernier import est en retard, la situation a pu changer depuis.",
			"this data is from %s (%s ago): the last import is late, things may have changed since."),
			DateTime(x.local(f.AsOf), x.lang), Age(x.a.At.Sub(f.AsOf), x.lang)))
	default:
		x.d.context = append(x.d.context, x.s.italic(fmt.Sprintf(x.t("Données du %s", "Data as of %s"), DateTime(x.local(f.AsOf), x.lang))))
	}
}

func (x *describer) listTitle(s style) string {
	sub := x.a.Subject
	var what string
	switch {
	case sub.What == "ref" && !sub.Blocked:
		what = x.t("Commandes", "Orders") // closed ones too
	case sub.Status != "":
		what = fmt.Sprintf(x.t("Commandes bloquées (%s)", "Orders blocked (%s)"), sub.Status.Label(x.lang))
	case sub.Blocked:
		what = x.t("Commandes bloquées", "Blocked orders")
	default:
		what = x.t("Commandes ouvertes", "Open orders")
	}
	switch {
	case sub.What == "customer":
		return fmt.Sprintf("%s — %s (%s)", s.bold(what), s.bold(s.text(sub.Customer.Name)), s.text(sub.Customer.Code))
	case sub.What == "ref":
		return fmt.Sprintf("%s — %s %s", s.bold(what), x.t("réf. client", "customer ref."), s.bold(s.text(sub.Query)))
	case sub.Everyone:
		return s.bold(what) + " — " + x.t("tout le portefeuille", "whole portfolio")
	}
	return s.bold(what) + " — " + x.t("votre portefeuille", "your portfolio")
}

func (x *describer) list() {
	l, sub, s := x.a.List, x.a.Subject, x.s
	title := x.listTitle(s)
	plainTitle := x.listTitle(plainStyle{})
	if l.Total == 0 && len(l.Orders) == 0 {
		var none string
		switch {
		case sub.What == "customer" && sub.Mine:
			none = fmt.Sprintf(x.t("Vous ne suivez aucune commande de ce type pour %s.", "You have no matching orders for %s."), s.text(sub.Customer.Name))
		case sub.What == "customer":
			none = fmt.Sprintf(x.t("Aucune commande de ce type pour %s.", "No such order for %s."), s.text(sub.Customer.Name))
		case sub.Blocked:
			none = x.t("Aucune commande bloquée.", "No blocked orders.")
			if !s.console() {
				none += " :tada:"
			}
		default:
			none = x.t("Aucune commande de ce type.", "No such order.")
		}
		x.d.sections = append(x.d.sections, title+"\n"+none)
		x.d.fallback = plainTitle + ": 0"
		x.freshness()
		return
	}
	var b strings.Builder
	b.WriteString(title + "\n")
	fmt.Fprintf(&b, "%s, %s\n", Count(l.Total, x.t("commande", "order"), x.t("commandes", "orders"), x.lang),
		Count(l.Blocked, x.t("bloquée", "blocked"), x.t("bloquées", "blocked"), x.lang))
	head := b.String()
	var lines []string
	oneCustomer := sub.What == "customer"
	for _, o := range l.Orders {
		line := "• " + s.bold(s.text(o.Number))
		if !oneCustomer {
			line += " · " + s.text(o.Customer.Name)
		}
		switch {
		case o.Closed() && o.ClosedAt != nil:
			line += fmt.Sprintf(" · %s%s %s", x.statusIcon(o.Status), o.Status.Label(x.lang), x.date(*o.ClosedAt))
		case o.Blocked():
			line += fmt.Sprintf(" · %s%s %s %s", x.statusIcon(o.Status), o.Status.Label(x.lang), x.t("depuis", "for"), Age(x.a.At.Sub(o.StatusSince), x.lang))
		default:
			line += " · " + x.statusIcon(o.Status) + o.Status.Label(x.lang)
		}
		line += " · " + x.money(o.AmountCents, o.Currency)
		if o.RequestedOn != nil && !o.Closed() {
			line += " · " + x.t("souhaitée le ", "requested ") + x.day(*o.RequestedOn)
		}
		if o.Blocked() && o.BlockReason != "" {
			line += " · " + s.italic(s.text(clip(o.BlockReason, 80)))
		}
		lines = append(lines, line)
	}
	shown, more := len(l.Orders), l.Total-len(l.Orders)
	if more > 0 {
		lines = append(lines, fmt.Sprintf(x.t("… et %d de plus", "… and %d more"), more))
	}
	b.Reset()
	b.WriteString(head)
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n")
	b.WriteString(x.totals(l))
	x.d.sections = append(x.d.sections, b.String())
	x.d.fallback = fmt.Sprintf("%s: %d", plainTitle, l.Total)
	if more > 0 && x.a.Limit < bot.MaxListLimit && shown > 0 {
		q := x.a.Question
		if q.Intent == understand.Customer && sub.Customer.ID != 0 {
			q.CustomerID, q.CustomerName, q.CustomerCode = sub.Customer.ID, "", ""
		}
		x.d.buttons = append(x.d.buttons, button{label: x.t("Voir plus", "Show more"), action: ActionMore,
			value: bot.Action{Question: q, Limit: bot.MaxListLimit}.Value()})
	}
	x.freshness()
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
	out := fmt.Sprintf("%s%s %s", x.t("Total HT", "Total excl. tax"), x.colon(), sum(l.TotalCents))
	if l.Blocked > 0 {
		out += fmt.Sprintf(" · %s%s %s", x.t("dont bloqué", "of which blocked"), x.colon(), sum(l.BlockedCents))
	}
	return out
}

func (x *describer) choose() {
	s := x.s
	var b strings.Builder
	ask := x.t("Plusieurs clients correspondent à « %s ». Lequel ?", "Several customers match “%s”. Which one?")
	fmt.Fprintf(&b, ask, s.text(x.a.Subject.Query))
	x.d.fallback = fmt.Sprintf(ask, Escape(x.a.Subject.Query))
	for i, m := range x.a.Candidates {
		n := Count(m.OpenOrders, x.t("commande ouverte", "open order"), x.t("commandes ouvertes", "open orders"), x.lang)
		if s.console() {
			fmt.Fprintf(&b, "\n  %d. %s (%s) — %s", i+1, m.Name, m.Code, n)
			continue
		}
		fmt.Fprintf(&b, "\n• %s (%s) — %s", s.bold(s.text(m.Name)), s.text(m.Code), n)
		q := x.a.Question
		q.Intent, q.CustomerID, q.CustomerName, q.CustomerCode = understand.Customer, m.ID, "", ""
		x.d.buttons = append(x.d.buttons, button{label: m.Name, action: ActionChoose, value: bot.Action{Question: q}.Value()})
	}
	if s.console() {
		b.WriteString("\n" + x.t("Répondez par le numéro du client.", "Reply with the customer's number."))
	}
	x.d.sections = append(x.d.sections, b.String())
}

func (x *describer) notFound() {
	sub, s := x.a.Subject, x.s
	q := s.bold(s.text(sub.Query))
	var msg, plain string
	switch sub.What {
	case "customer_id":
		msg = x.t("Je ne trouve pas ce client.", "I can't find that customer.")
	case "order":
		msg = fmt.Sprintf(x.t("Je ne trouve aucune commande numéro %s.", "I can't find any order numbered %s."), q)
	case "ref":
		msg = fmt.Sprintf(x.t("Je ne trouve aucune commande de référence client %s.", "I can't find any order with the customer reference %s."), q)
	case "code":
		msg = fmt.Sprintf(x.t("Je ne trouve aucun client de code %s.", "I can't find any customer with the code %s."), q)
	default:
		msg = fmt.Sprintf(x.t("Je ne trouve aucun client au nom de %s.", "I can't find any customer named %s."), q)
	}
	if len(x.a.Suggestions) > 0 {
		var nums []string
		for _, n := range x.a.Suggestions {
			nums = append(nums, s.bold(s.text(n)))
			if !s.console() {
				x.d.buttons = append(x.d.buttons, button{label: n, action: ActionChoose,
					value: bot.Action{Question: understand.Question{Intent: understand.Order, Number: n}}.Value()})
			}
		}
		msg += "\n" + x.t("Vouliez-vous dire ", "Did you mean ") + strings.Join(nums, x.t(" ou ", " or ")) + " ?"
		if x.lang == orders.English {
			msg = strings.TrimSuffix(msg, " ?") + "?"
		}
	} else if sub.What == "order" || sub.What == "ref" {
		msg += "\n" + x.t("Vérifiez le numéro, ou demandez par client : « commandes de Dupré ».",
			"Check the number, or ask by customer: “orders for Dupré”.")
	}
	x.d.sections = append(x.d.sections, msg)
	plain = strings.SplitN(msg, "\n", 2)[0]
	if sub.Query != "" {
		plain = strings.Replace(plain, q, Escape(sub.Query), 1)
	}
	x.d.fallback = plain
	x.freshness()
}

func (x *describer) help(intro string) {
	examples := []string{
		x.t("où en est la 4500012345 ?", "status of 4500012345"),
		x.t("commandes de boulangerie dupré", "orders for Müller"),
		x.t("réf client PO-7781", "customer ref PO-7781"),
		x.t("mes commandes bloquées", "my blocked orders"),
		x.t("commandes en rupture", "orders on credit hold"),
	}
	var b strings.Builder
	b.WriteString(intro + "\n" + x.t("Demandez-moi par exemple :", "Ask me for example:"))
	for _, e := range examples {
		fmt.Fprintf(&b, "\n• %s", e)
	}
	x.say(b.String())
	x.d.fallback = intro
}
