// Package render turns an answer into what people read: Slack Block Kit
// with its plain-text fallback, and console text. Both come from one
// description of the answer, so they never say different things. Every
// piece of text that comes from the data or from a user is escaped for
// Slack, so a customer named "<!channel>" pings no one.
package render

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/orders"
)

// Slack's limits on a message.
const (
	// MaxBlocks is the most blocks a message holds.
	MaxBlocks = 50
	// MaxSectionText is the most characters of a section's text.
	MaxSectionText = 3000
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

// NextStep returns the wording of the next step for an order in status s.
func (r *Renderer) NextStep(s orders.Status, lang orders.Language) string {
	if t := r.opt.NextSteps[lang][s]; t != "" {
		return t
	}
	return s.Unblocker(lang)
}

// Message is an answer as Slack takes it: blocks, and the text shown in
// notifications and by clients that cannot show blocks.
type Message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// Slack renders a for Slack.
func (r *Renderer) Slack(a bot.Answer) Message {
	d := r.describe(a, slackStyle{})
	var blocks []slack.Block
	for _, s := range d.sections {
		for _, part := range splitText(s, MaxSectionText) {
			// Verbatim: Slack parses no bare URL, @channel or #channel
			// in text orderbot wrote.
			blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, part, false, true), nil, nil))
		}
	}
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
			blocks = append(blocks, slack.NewActionBlock("orderbot_actions", els...))
		}
	}
	if len(d.context) > 0 {
		var els []slack.MixedElement
		for _, c := range d.context {
			els = append(els, slack.NewTextBlockObject(slack.MarkdownType, c, false, true))
		}
		blocks = append(blocks, slack.NewContextBlock("", els...))
	}
	if len(blocks) > MaxBlocks {
		blocks = append(blocks[:MaxBlocks-1], blocks[len(blocks)-1])
	}
	return Message{Text: d.fallback, Blocks: blocks}
}

// Console renders a as console text.
func (r *Renderer) Console(a bot.Answer) string {
	d := r.describe(a, consoleStyle{})
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
	console() bool
}

type slackStyle struct{}

func (slackStyle) text(s string) string   { return Escape(s) }
func (slackStyle) bold(s string) string   { return "*" + s + "*" }
func (slackStyle) italic(s string) string { return "_" + s + "_" }
func (slackStyle) icon(n string) string   { return ":" + n + ": " }
func (slackStyle) console() bool          { return false }

// plainStyle is Slack's fallback text: escaped, without marks.
type plainStyle struct{}

func (plainStyle) text(s string) string   { return Escape(s) }
func (plainStyle) bold(s string) string   { return s }
func (plainStyle) italic(s string) string { return s }
func (plainStyle) icon(string) string     { return "" }
func (plainStyle) console() bool          { return false }

type consoleStyle struct{}

// text keeps the data's control characters (a terminal's escape
// sequences, line breaks) off the console.
func (consoleStyle) text(s string) string   { return oneLine(s) }
func (consoleStyle) bold(s string) string   { return s }
func (consoleStyle) italic(s string) string { return s }
func (consoleStyle) icon(string) string     { return "" }
func (consoleStyle) console() bool          { return true }

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

// splitText cuts s into parts of at most n characters, at line ends where
// it can.
func splitText(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		cut := byteIndexOfRune(s, n)
		if i := strings.LastIndex(s[:cut], "\n"); i > 0 {
			cut = i
		}
		out = append(out, s[:cut])
		s = strings.TrimPrefix(s[cut:], "\n")
	}
	return append(out, s)
}

func byteIndexOfRune(s string, n int) int {
	i := 0
	for pos := range s {
		if i == n {
			return pos
		}
		i++
	}
	return len(s)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
