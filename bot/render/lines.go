package render

import (
	"net/url"
	"strings"
	"time"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

const (
	// maxLines is the most lines of an order an answer lists: an order of
	// hundreds of lines stays within Slack's limits, and the answer says
	// how many it left out.
	maxLines = 20
	// maxTracked is the most shipments an answer links.
	maxTracked = 5
	// staleCredit is how much older than the order's data a credit
	// position may be before the answer says how old it is: exports of
	// the same night are not told apart.
	staleCredit = time.Hour
)

// TrackingPlaceholder is what a tracking URL template holds where the
// tracking number goes.
const TrackingPlaceholder = "{tracking}"

// TrackingURL is the link to follow a shipment: the template configured
// for carrier (whatever its case) with the tracking number, escaped, in
// place of TrackingPlaceholder; "" when no template is configured for it.
func TrackingURL(templates map[string]string, carrier, tracking string) string {
	carrier = strings.TrimSpace(carrier)
	tracking = strings.TrimSpace(tracking)
	if carrier == "" || tracking == "" {
		return ""
	}
	for name, tmpl := range templates {
		if strings.EqualFold(strings.TrimSpace(name), carrier) && strings.Contains(tmpl, TrackingPlaceholder) &&
			!strings.ContainsAny(tmpl, "<>| \t\r\n") {
			// QueryEscape leaves only letters, digits and -_.~ as they are,
			// which is safe in a path and in a query; its "+" for a space is
			// a space in a query only, so it is written %20.
			esc := strings.ReplaceAll(url.QueryEscape(tracking), "+", "%20")
			return strings.ReplaceAll(tmpl, TrackingPlaceholder, esc)
		}
	}
	return ""
}

// lineItem names a line's item: "4711 – Farine de blé T65, sac 25 kg".
func (x *describer) lineItem(l orders.Line) string {
	code, desc := strings.TrimSpace(oneLine(l.Item)), strings.TrimSpace(oneLine(l.Description))
	switch {
	case code == "" && desc == "":
		return "—"
	case code == "":
		return x.s.text(clip(desc, maxListField))
	case desc == "":
		return x.s.text(clip(code, maxListField))
	}
	return x.s.text(clip(code, maxListField)) + " – " + x.s.text(clip(desc, maxListField))
}

// restock says when a short line's missing quantity comes back.
func (x *describer) restock(l orders.Line) string {
	if l.RestockOn == nil {
		return x.t("lines.back_unknown", nil)
	}
	return x.t("lines.back", catalog.Args{"Date": x.day(*l.RestockOn)})
}

// shortLine says what a line is short of: "12 × 1234 – Chai (0
// available), back 14 Dec 2026".
func (x *describer) shortLine(l orders.Line) string {
	return x.t("lines.short", catalog.Args{"Missing": Quantity(l.Missing(), x.lang()), "Item": x.lineItem(l),
		"Available": Quantity(l.Available, x.lang())}) + ", " + x.restock(l)
}

// fullLine says all of a line: what was ordered, shipped (with its
// tracking), available and missing.
func (x *describer) fullLine(l orders.Line) string {
	var state []string
	q := func(v float64) string { return Quantity(v, x.lang()) }
	if l.Shipped > 0 {
		shipped := x.t("lines.shipped", catalog.Args{"Quantity": q(l.Shipped)})
		if t := x.tracking(l); t != "" {
			shipped += " (" + t + ")"
		}
		state = append(state, shipped)
	}
	if rest := l.Quantity - l.Shipped; rest > 0 && l.Available > 0 {
		state = append(state, x.t("lines.available", catalog.Args{"Quantity": q(min(l.Available, rest))}))
	}
	if l.Short() {
		state = append(state, x.t("lines.missing", catalog.Args{"Quantity": q(l.Missing())})+", "+x.restock(l))
	}
	line := q(l.Quantity) + " × " + x.lineItem(l)
	if len(state) > 0 {
		line += " — " + strings.Join(state, " · ")
	}
	return line
}

// tracking shows a line's carrier and tracking number, the number linked
// to the carrier's page when a template is configured for it.
func (x *describer) tracking(l orders.Line) string {
	carrier, number := strings.TrimSpace(l.Carrier), strings.TrimSpace(l.Tracking)
	if number == "" {
		if carrier == "" {
			return ""
		}
		return x.s.text(clip(carrier, maxListField))
	}
	shown := x.s.text(clip(number, maxListField))
	if link := TrackingURL(x.r.opt.TrackingURLs, carrier, number); link != "" {
		shown = x.s.link(link, shown)
	}
	if carrier == "" {
		return shown
	}
	return x.s.text(clip(carrier, maxListField)) + " " + shown
}

// orderLines lays out an order's lines: the short ones, or all of them
// when the question asks for its lines; and the tracking of its
// shipments.
func (x *describer) orderLines(o orders.Order) []string {
	all := x.a.Question.Lines
	var shown []orders.Line
	hidden := 0
	for _, l := range o.Lines {
		if all || l.Short() {
			shown = append(shown, l)
		} else {
			hidden++
		}
	}
	var out []string
	switch {
	case all && len(o.Lines) == 0:
		return []string{x.t("lines.none", nil)}
	case len(shown) == 0:
	case all:
		out = append(out, x.s.bold(x.t("lines.title_all", nil)))
	default:
		out = append(out, x.s.bold(x.t("lines.title_short", nil)))
	}
	for i, l := range shown {
		if i == maxLines {
			out = append(out, x.n("lines.more", len(shown)-maxLines, nil))
			break
		}
		if all {
			out = append(out, "• "+x.fullLine(l))
		} else {
			out = append(out, "• "+x.shortLine(l))
		}
	}
	if !all {
		if t := x.shipments(o); t != "" {
			out = append(out, x.label(x.t("lines.tracking", nil), t))
		}
		if hidden > 0 && len(shown) > 0 {
			out = append(out, x.s.italic(x.t("lines.ask_all", catalog.Args{"Number": x.field(x.s, o.Number)})))
		}
	}
	return out
}

// shipments lists the distinct shipments of an order's lines, linked.
func (x *describer) shipments(o orders.Order) string {
	seen := map[string]bool{}
	var out []string
	for _, l := range o.Lines {
		if l.Shipped <= 0 || strings.TrimSpace(l.Tracking) == "" {
			continue
		}
		key := strings.ToUpper(strings.TrimSpace(l.Carrier)) + "\x00" + strings.TrimSpace(l.Tracking)
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(out) == maxTracked {
			out = append(out, "…")
			break
		}
		out = append(out, x.tracking(l))
	}
	return strings.Join(out, ", ")
}

// estimatedRelease is when an order short of stock should be released,
// when the ERP did not say and every short line has a restock date: the
// latest of them.
func estimatedRelease(o orders.Order) *time.Time {
	if o.ExpectedRelease != nil || !heldFor(o, orders.StatusOutOfStock) {
		return nil
	}
	for _, b := range o.Blocks {
		if b.Kind == orders.StatusOutOfStock && b.ExpectedRelease != nil {
			return nil
		}
	}
	var latest *time.Time
	for _, l := range o.Lines {
		if !l.Short() {
			continue
		}
		if l.RestockOn == nil {
			return nil
		}
		if latest == nil || l.RestockOn.After(*latest) {
			latest = l.RestockOn
		}
	}
	return latest
}

// onlyFor reports whether every block of blocks is of kind.
func onlyFor(blocks []orders.Block, kind orders.Status) bool {
	for _, b := range blocks {
		if b.Kind != kind {
			return false
		}
	}
	return len(blocks) > 0
}

// heldFor reports whether o is held for kind: its status, or one of its
// blocks.
func heldFor(o orders.Order, kinds ...orders.Status) bool {
	if o.Closed() {
		return false
	}
	for _, k := range kinds {
		if o.Status == k {
			return true
		}
		for _, b := range o.Blocks {
			if b.Kind == k {
				return true
			}
		}
	}
	return false
}

// credit lays out the credit position of a credit-blocked order's
// customer: limit, exposure, excess, overdue, account hold, and the
// payment that would release it.
func (x *describer) credit(o orders.Order) []string {
	c := o.Customer.Credit
	if c == nil || !heldFor(o, orders.StatusCreditLimit, orders.StatusFinancialBlock) {
		return nil
	}
	m := func(cents int64) string { return x.money(cents, c.Currency) }
	title := x.s.bold(x.t("credit.title", nil))
	ref := x.a.Data.AsOf
	if !x.a.Data.Known || ref.IsZero() {
		ref = o.StatusSince
	}
	if !c.AsOf.IsZero() && c.AsOf.Before(ref.Add(-staleCredit)) {
		title += " (" + x.t("credit.as_of_old", catalog.Args{"Date": x.date(c.AsOf), "Age": x.age(c.AsOf)}) + ")"
	}
	figures := []string{x.label(x.t("credit.limit", nil), m(c.LimitCents)), x.label(x.t("credit.exposure", nil), m(c.ExposureCents))}
	if c.ExcessCents() > 0 {
		figures = append(figures, x.label(x.t("credit.excess", nil), m(c.ExcessCents())))
	}
	out := []string{title, "• " + strings.Join(figures, " · ")}
	switch {
	case c.OverdueCents > 0 && c.OverdueSince != nil:
		out = append(out, "• "+x.t("credit.overdue_since", catalog.Args{"Amount": m(c.OverdueCents), "Date": x.day(*c.OverdueSince)}))
	case c.OverdueCents > 0:
		out = append(out, "• "+x.label(x.t("credit.overdue", nil), m(c.OverdueCents)))
	}
	if c.AccountHold {
		out = append(out, "• "+x.s.bold(x.t("credit.hold", nil)))
	}
	return append(out, "• "+x.release(*c))
}

// release says what would release the credit: the payment, and what it
// settles.
func (x *describer) release(c orders.Credit) string {
	pay := c.ReleasePaymentCents()
	args := catalog.Args{"Amount": x.s.bold(x.money(pay, c.Currency))}
	var s string
	switch {
	case pay == 0 && c.AccountHold:
		return x.t("credit.release.hold_only", nil)
	case pay == 0:
		return x.t("credit.release.none", nil)
	case c.OverdueCents > 0 && c.ExcessCents() > 0:
		// Paid on the oldest invoices, the payment settles both.
		s = x.t("credit.release.both", args)
	case c.OverdueCents > 0:
		s = x.t("credit.release.overdue", args)
	default:
		s = x.t("credit.release.excess", args)
	}
	if c.AccountHold {
		s += " " + x.t("credit.release.hold", nil)
	}
	return s
}

// itemLines are the short lines of o that are of the item a list asks
// about (by code, or every word of its description); all its short lines
// when none matches the way orderbot compares words.
func itemLines(o orders.Order, item string) []orders.Line {
	want := strings.Fields(understand.Fold(item))
	var short, of []orders.Line
	for _, l := range o.Lines {
		if !l.Short() {
			continue
		}
		short = append(short, l)
		if understand.Fold(l.Item) == strings.Join(want, " ") || holdsAll(strings.Fields(understand.Fold(l.Description)), want) {
			of = append(of, l)
		}
	}
	if len(of) == 0 {
		return short
	}
	return of
}

func holdsAll(words, want []string) bool {
	if len(want) == 0 {
		return false
	}
	have := map[string]bool{}
	for _, w := range words {
		have[w] = true
	}
	for _, w := range want {
		if !have[w] {
			return false
		}
	}
	return true
}

// itemShort says, on a list line, what an order is short of the item
// asked about.
func (x *describer) itemShort(o orders.Order) string {
	ls := itemLines(o, x.a.Subject.Query)
	if len(ls) == 0 {
		return ""
	}
	parts := make([]string, 0, 2)
	for i, l := range ls {
		if i == 2 {
			parts = append(parts, x.n("lines.more", len(ls)-2, nil))
			break
		}
		parts = append(parts, x.shortLine(l))
	}
	return strings.Join(parts, "; ")
}
