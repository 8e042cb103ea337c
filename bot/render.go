// Package bot turns questions into answers: it finds what a person asks
// about in the store and renders the answer in their language. It knows
// nothing of Slack or of the database; the Slack adapters and the console
// wrap it.
package bot

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/orderbot/orderbot/orders"
)

// Money formats an amount in hundredths of currency the way lang writes it:
// "18 250,00 €" in French, "€18,250.00" in English.
func Money(cents int64, currency string, lang orders.Language) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	p := message.NewPrinter(tag(lang))
	n := p.Sprint(number.Decimal(float64(cents)/100, number.Scale(2)))
	sym, isCode := currencySymbol(currency)
	switch {
	case lang != orders.English:
		return sign + n + "\u00a0" + sym
	case isCode:
		return sign + sym + " " + n
	}
	return sign + sym + n
}

// currencySymbol returns the sign of the currencies people write with one,
// else the ISO code (isCode).
func currencySymbol(code string) (sym string, isCode bool) {
	switch strings.ToUpper(code) {
	case "EUR":
		return "€", false
	case "USD":
		return "$", false
	case "GBP":
		return "£", false
	}
	return strings.ToUpper(code), true
}

func tag(lang orders.Language) language.Tag {
	if lang == orders.English {
		return language.English
	}
	return language.French
}

// Date formats a day the way lang writes it: "27/11/2026", "27 Nov 2026".
func Date(t time.Time, lang orders.Language) string {
	if lang == orders.English {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// PlainOrder renders one order as plain text in lang: status, blocks and
// their reasons, amount, customer, the people following it and who can
// unblock it.
func PlainOrder(o orders.Order, lang orders.Language) string {
	t := texts(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s — %s (%s)\n", t.order, o.Number, o.Customer.Name, o.Customer.Code)
	fmt.Fprintf(&b, "  %s%s %s, %s %s\n", t.status, t.colon, o.Status.Label(lang), t.since, Date(o.StatusSince, lang))
	for _, bl := range o.Blocks {
		line := "  • " + bl.Kind.Label(lang)
		if bl.Reason != "" {
			line += t.colon + " " + bl.Reason
		}
		line += fmt.Sprintf(" (%s %s)", t.since, Date(bl.Since, lang))
		if bl.ExpectedRelease != nil {
			line += fmt.Sprintf(", %s %s", t.expected, Date(*bl.ExpectedRelease, lang))
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(&b, "  %s%s %s\n", t.amount, t.colon, Money(o.AmountCents, o.Currency, lang))
	if o.CustomerRef != "" {
		fmt.Fprintf(&b, "  %s%s %s\n", t.ref, t.colon, o.CustomerRef)
	}
	if o.Rep != nil {
		fmt.Fprintf(&b, "  %s%s %s\n", t.rep, t.colon, o.Rep.Name)
	}
	if o.Assistant != nil {
		fmt.Fprintf(&b, "  %s%s %s\n", t.assistant, t.colon, o.Assistant.Name)
	}
	if o.Closed() && o.ClosedAt != nil {
		fmt.Fprintf(&b, "  %s %s\n", o.Status.Label(lang), Date(*o.ClosedAt, lang))
	} else {
		fmt.Fprintf(&b, "  %s%s %s\n", t.next, t.colon, o.Status.Unblocker(lang))
	}
	return b.String()
}

// PlainList renders a list of open orders, blocked first, with its totals.
func PlainList(l orders.OrderList, lang orders.Language) string {
	t := texts(lang)
	var b strings.Builder
	for _, o := range l.Orders {
		fmt.Fprintf(&b, "  %-12s %-28s %-20s %14s\n", o.Number, clip(o.Customer.Name, 28),
			o.Status.Label(lang), Money(o.AmountCents, o.Currency, lang))
	}
	if more := l.Total - len(l.Orders); more > 0 {
		fmt.Fprintf(&b, "  %s\n", fmt.Sprintf(t.more, more))
	}
	fmt.Fprintf(&b, "  %s%s %d", t.total, t.colon, l.Total)
	for cur, c := range l.TotalCents {
		fmt.Fprintf(&b, ", %s", Money(c, cur, lang))
	}
	fmt.Fprintf(&b, " — %s%s %d\n", t.blocked, t.colon, l.Blocked)
	return b.String()
}

// PlainCandidates renders customers found by name, numbered, best first,
// for the asker to say which one they meant.
func PlainCandidates(ms []orders.CustomerMatch, lang orders.Language) string {
	t := texts(lang)
	var b strings.Builder
	if len(ms) == 0 {
		return t.noCustomer + "\n"
	}
	if len(ms) == 1 && !ms[0].ExactWords {
		b.WriteString(t.didYouMean + "\n")
	} else {
		b.WriteString(t.which + "\n")
	}
	for i, m := range ms {
		fmt.Fprintf(&b, "  %d. %s (%s) — %s %d, score %.2f\n", i+1, m.Name, m.Code, t.open, m.OpenOrders, m.Score)
	}
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

type wording struct {
	order, status, since, expected, amount, ref, rep, assistant, next, more, total, blocked, open string
	which, didYouMean, noCustomer, colon                                                          string
}

func texts(lang orders.Language) wording {
	if lang == orders.English {
		return wording{"Order", "Status", "since", "expected release", "Amount excl. tax", "Customer reference",
			"Sales rep", "Sales assistant", "Who can unblock it", "and %d more", "Open orders", "blocked", "open orders",
			"Several customers match; which one do you mean?", "Did you mean:", "No customer matches that name.", ":"}
	}
	return wording{"Commande", "Statut", "depuis le", "levée prévue le", "Montant HT", "Référence client",
		"Commercial", "Assistante ADV", "Qui peut débloquer", "et %d de plus", "Commandes ouvertes", "bloquées", "commandes ouvertes",
		"Plusieurs clients correspondent ; lequel voulez-vous dire ?", "Vouliez-vous dire :", "Aucun client ne correspond à ce nom.",
		"\u00a0:"}
}
