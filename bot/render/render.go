// Package render turns an answer into what people read: Slack Block Kit
// with its plain-text fallback, and console text. Both come from one
// description of the answer, so they never say different things. Every
// piece of text that comes from the data or from a user is escaped for
// Slack, so a customer named "<!channel>" pings no one.
//
// Every wording is in the message catalog messages.yaml, French and English
// side by side; the code adds markup and data around them and picks no
// wording by language.
package render

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/orders"
)

// messagesYAML is the catalog of the answers' wordings.
//
//go:embed messages.yaml
var messagesYAML []byte

// messages is the catalog, parsed on first use and read-only after: every
// goroutine shares it. The package's tests parse it, so a broken file never
// ships.
var messages = sync.OnceValue(func() *catalog.Catalog { return catalog.MustParse(messagesYAML) })

// Messages returns the catalog of the answers' wordings, for tests that
// check every message in both languages.
func Messages() *catalog.Catalog { return messages() }

// Slack's limits on a message.
const (
	// MaxBlocks is the most blocks a message holds.
	MaxBlocks = 50
	// MaxSectionText is the most characters of a section's text.
	MaxSectionText = 3000
	// MaxMessageText is the most characters of a message's text: its
	// fallback, and all its blocks' texts together.
	MaxMessageText = 40000
	// maxButtonText is the most characters of a button's label.
	maxButtonText = 75
	// maxButtonValue is the most characters of a button's value.
	maxButtonValue = 2000
	// maxActionElements is the most buttons an actions block holds.
	maxActionElements = 25
)

// Action IDs of the buttons orderbot puts in its answers.
const (
	// ActionChoose is a button choosing a customer, or an order number.
	ActionChoose = "orderbot_choose"
	// ActionMore is the button asking for more orders of a list.
	ActionMore = "orderbot_more"
)

// Options are the settings of rendering.
type Options struct {
	// Location is the time zone in which dates and times are shown.
	Location *time.Location
	// NextSteps overrides, per language and status, the wording of the next
	// step; missing ones are orderbot's defaults.
	NextSteps map[orders.Language]map[orders.Status]string
	// TrackingURLs are the pages that follow a shipment, by carrier (as
	// the ERP names it, whatever its case): a URL with TrackingPlaceholder
	// where the tracking number goes. A carrier without one shows its
	// tracking number as text.
	TrackingURLs map[string]string
}

// Renderer renders answers.
type Renderer struct {
	opt Options
}

// New returns a Renderer.
func New(opt Options) *Renderer {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	return &Renderer{opt: opt}
}

// NextStep returns the wording of the next step for an order in status s,
// as it reads after "Next step:": the configured one (bot.next_steps) in
// lang, else orderbot's. A closed order has none ("").
func (r *Renderer) NextStep(s orders.Status, lang orders.Language) string {
	if s.Closed() {
		return ""
	}
	if t := r.opt.NextSteps[lang][s]; strings.TrimSpace(t) != "" {
		return t
	}
	if id := nextStepID(s); id != "" {
		return messages().In(lang).T(id, nil)
	}
	return ""
}

// nextStepID is the catalog's message of the default next step of an
// order in status s.
func nextStepID(s orders.Status) string {
	switch s {
	case orders.StatusOpen:
		return "next_step.open"
	case orders.StatusPicking:
		return "next_step.picking"
	case orders.StatusOutOfStock:
		return "next_step.out_of_stock"
	case orders.StatusAnomaly:
		return "next_step.anomaly"
	case orders.StatusCreditLimit:
		return "next_step.credit_limit"
	case orders.StatusDeliveryBlock:
		return "next_step.delivery_block"
	case orders.StatusFinancialBlock:
		return "next_step.financial_block"
	}
	return ""
}

// Message is an answer as Slack takes it: blocks, and the text shown in
// notifications and by clients that cannot show blocks.
type Message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// Slack renders a for Slack, within Slack's limits: sections of at most
// MaxSectionText characters, at most MaxBlocks blocks and MaxMessageText
// characters in all. An answer that would pass them is cut, and says so.
func (r *Renderer) Slack(a bot.Answer) Message {
	d := r.describe(a, slackStyle{})
	var tail []slack.Block
	if len(d.buttons) > 0 {
		var els []slack.BlockElement
		for i, b := range d.buttons {
			if len(b.value) > maxButtonValue || len(els) == maxActionElements {
				continue // Slack would refuse the whole message
			}
			btn := slack.NewButtonBlockElement(fmt.Sprintf("%s_%d", b.action, i), b.value,
				slack.NewTextBlockObject(slack.PlainTextType, clip(oneLine(b.label), maxButtonText), false, false))
			els = append(els, btn)
		}
		if len(els) > 0 {
			tail = append(tail, slack.NewActionBlock("orderbot_actions", els...))
		}
	}
	room := MaxMessageText
	if len(d.context) > 0 {
		var els []slack.MixedElement
		for _, c := range d.context {
			c = clipSlack(c, MaxSectionText)
			room -= slackLen(c)
			els = append(els, slack.NewTextBlockObject(slack.MarkdownType, c, false, true))
		}
		tail = append(tail, slack.NewContextBlock("", els...))
	}
	var parts []string
	for _, s := range d.sections {
		parts = append(parts, splitText(s, MaxSectionText)...)
	}
	parts = fit(parts, MaxBlocks-len(tail), room, messages().In(a.Lang).T("cut", nil))
	var blocks []slack.Block
	for _, p := range parts {
		// Verbatim: Slack parses no bare URL, @channel or #channel in
		// text orderbot wrote.
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, p, false, true), nil, nil))
	}
	return Message{Text: clipSlack(d.fallback, MaxSectionText), Blocks: append(blocks, tail...)}
}

// Looking is the notice posted while the model reads a question, in lang.
func (r *Renderer) Looking(lang orders.Language) Message {
	text := messages().In(lang).T("looking", nil)
	return Message{Text: text, Blocks: []slack.Block{
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, ":mag: "+text, false, true))}}
}

// Console renders a as console text.
func (r *Renderer) Console(a bot.Answer) string { return r.console(a, page{}) }

// Chat renders a as the console chat shows it, where the reply to a list
// can be the number of one of its items: a list's orders are numbered, as
// the customers to choose from are. from is how many of the list's orders
// earlier answers showed (the chat's "plus"): the list shows those of
// a.List.Orders after them, numbered on from there.
func (r *Renderer) Chat(a bot.Answer, from int) string {
	return r.console(a, page{from: max(from, 0), numbered: true})
}

func (r *Renderer) console(a bot.Answer, p page) string {
	d := r.describePage(a, consoleStyle{}, p)
	var b strings.Builder
	for i, s := range d.sections {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s)
		b.WriteString("\n")
	}
	for _, c := range d.context {
		b.WriteString(c)
		b.WriteString("\n")
	}
	return b.String()
}

// description is an answer laid out, in one style.
type description struct {
	fallback string
	sections []string
	buttons  []button
	context  []string
}

type button struct {
	label, action, value string
}

// style is how text is marked up: Slack mrkdwn or plain console text.
type style interface {
	// text is text from the data or a user.
	text(s string) string
	bold(s string) string
	italic(s string) string
	icon(name string) string
	// link shows label (already in the style) linked to url, which
	// orderbot made (TrackingURL): no user text in it.
	link(url, label string) string
	console() bool
}

type slackStyle struct{}

func (slackStyle) text(s string) string   { return Escape(s) }
func (slackStyle) bold(s string) string   { return "*" + s + "*" }
func (slackStyle) italic(s string) string { return "_" + s + "_" }
func (slackStyle) icon(n string) string   { return ":" + n + ": " }
func (slackStyle) console() bool          { return false }
func (slackStyle) link(u, label string) string {
	if strings.ContainsAny(u, "<>| \t\n") || strings.ContainsAny(label, "|<>") {
		return label // Slack could not tell the link from its label
	}
	return "<" + u + "|" + label + ">"
}

// plainStyle is Slack's fallback text: escaped, without marks.
type plainStyle struct{}

func (plainStyle) text(s string) string   { return Escape(s) }
func (plainStyle) bold(s string) string   { return s }
func (plainStyle) italic(s string) string { return s }
func (plainStyle) icon(string) string     { return "" }
func (plainStyle) console() bool          { return false }
func (plainStyle) link(_, label string) string {
	return label
}

type consoleStyle struct{}

// text keeps the data's control characters (a terminal's escape
// sequences, line breaks) off the console.
func (consoleStyle) text(s string) string   { return oneLine(s) }
func (consoleStyle) bold(s string) string   { return s }
func (consoleStyle) italic(s string) string { return s }
func (consoleStyle) icon(string) string     { return "" }
func (consoleStyle) console() bool          { return true }
func (consoleStyle) link(u, label string) string {
	return label + " " + u
}

// Escape makes text safe in a Slack message: &, < and > become entities,
// so nothing typed or imported can mention, link or ping, and formatting
// marks (* _ ~ `) get a zero-width space after them, so a name does not
// turn the rest of a line bold.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s) {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '*', '_', '~', '`':
			b.WriteRune(r)
			b.WriteRune('\u200b')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine replaces control characters (line breaks, tabs, escapes) in
// text from the data with spaces: a name cannot add lines to an answer.
func oneLine(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// fit keeps the first sections that make at most blocks blocks and room
// characters; when some are left out, the last block says the answer was
// cut.
func fit(sections []string, blocks, room int, cut string) []string {
	if len(sections) <= blocks && textLen(sections) <= room {
		return sections
	}
	room -= slackLen(cut)
	var kept []string
	for _, s := range sections {
		if len(kept)+2 > blocks || slackLen(s) > room {
			break
		}
		kept, room = append(kept, s), room-slackLen(s)
	}
	return append(kept, cut)
}

// slackLen is the length of s as Slack may count it: in UTF-16 code
// units, never fewer than characters.
func slackLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func textLen(parts []string) int {
	n := 0
	for _, p := range parts {
		n += slackLen(p)
	}
	return n
}

// prefixLen is the byte length of the longest prefix of s of at most n
// (Slack) characters.
func prefixLen(s string, n int) int {
	used := 0
	for i, r := range s {
		if used += utf16.RuneLen(r); used > n {
			return i
		}
	}
	return len(s)
}

// splitText cuts s into parts of at most n characters: at line ends where
// it can, else between words, never inside an entity (&amp;).
func splitText(s string, n int) []string {
	var out []string
	for slackLen(s) > n {
		cut := prefixLen(s, n)
		if i := strings.LastIndex(s[:cut], "\n"); i > 0 {
			cut = i
		} else if i := strings.LastIndex(s[:cut], " "); i > cut/2 {
			cut = i
		} else if i := strings.LastIndex(s[:cut], "&"); i > 0 && !strings.Contains(s[i:cut], ";") {
			cut = i
		}
		out = append(out, s[:cut])
		s = strings.TrimPrefix(strings.TrimPrefix(s[cut:], "\n"), " ")
	}
	return append(out, s)
}

// clipSlack cuts text already made for Slack to at most n characters,
// with an ellipsis, never inside an entity.
func clipSlack(s string, n int) string {
	if slackLen(s) <= n {
		return s
	}
	return splitText(s, n-1)[0] + "…"
}

// clip cuts text from the data or a user to n characters, with an
// ellipsis; it comes before escaping, so it cuts no entity.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
