package notify

import (
	_ "embed"
	"sort"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// The wordings of notify's messages, French and English side by side: one
// file per kind of message, made one catalog.
var (
	//go:embed digest_messages.yaml
	digestMessagesYAML []byte
	//go:embed summary_messages.yaml
	summaryMessagesYAML []byte
	//go:embed owner_messages.yaml
	ownerMessagesYAML []byte
)

// messages is notify's catalog, parsed on first use and read-only after:
// every goroutine shares it. The package's tests parse it, so a broken file
// never ships.
var messages = sync.OnceValue(func() *catalog.Catalog {
	return catalog.MustParse(digestMessagesYAML, summaryMessagesYAML, ownerMessagesYAML)
})

// Messages returns notify's message catalog (alerts, digests, summary), for
// tests that check every message in both languages.
func Messages() *catalog.Catalog { return messages() }

// text is a message being written, for Slack (mrkdwn, data escaped) or the
// console (plain), in one language.
type text struct {
	lang    orders.Language
	console bool
	msgs    catalog.Texts
	b       strings.Builder
}

// T renders catalog message id in the text's language. Data in args must
// already have gone through t.data: the catalog inserts arguments as given.
func (t *text) T(id string, args catalog.Args) string { return t.msgs.T(id, args) }

// N renders plural catalog message id for n in the text's language.
func (t *text) N(id string, n int, args catalog.Args) string { return t.msgs.N(id, n, args) }

// put writes s as one line, as it is (no formatting verbs).
func (t *text) put(s string) {
	t.b.WriteString(s)
	t.b.WriteByte('\n')
}

// data is text from the ERP or the directory.
func (t *text) data(s string) string {
	if t.console {
		return strings.Join(strings.Fields(s), " ")
	}
	return render.Escape(s)
}

func (t *text) bold(s string) string {
	if t.console {
		return s
	}
	return "*" + s + "*"
}

func (t *text) icon(name string) string {
	if t.console {
		return ""
	}
	return ":" + name + ": "
}

func (t *text) money(cents int64, cur string) string { return render.Money(cents, cur, t.lang) }

// amounts writes a value in several currencies: "18 250,00 € + 1 200,00 CHF".
func (t *text) amounts(a postgres.Amounts) string {
	if len(a.Cents) == 0 {
		return t.money(0, "EUR")
	}
	curs := make([]string, 0, len(a.Cents))
	for c := range a.Cents {
		curs = append(curs, c)
	}
	sort.Slice(curs, func(i, j int) bool {
		// The main currency first: the one with most value, EUR on a tie.
		if a.Cents[curs[i]] != a.Cents[curs[j]] {
			return a.Cents[curs[i]] > a.Cents[curs[j]]
		}
		return curs[i] < curs[j]
	})
	var parts []string
	for _, c := range curs {
		parts = append(parts, t.money(a.Cents[c], c))
	}
	return strings.Join(parts, " + ")
}

// shortfall writes, under an order's line, what it lacks: "↳ 2 articles
// manquants · encours dépassé de 2 300,00 €"; nothing when it lacks
// nothing.
func (t *text) shortfall(f postgres.Shortfall) {
	var parts []string
	if f.ShortItems > 0 {
		parts = append(parts, t.N("shortfall.items", f.ShortItems, nil))
	}
	if f.ExcessCents > 0 {
		parts = append(parts, t.T("shortfall.excess", catalog.Args{"Amount": t.money(f.ExcessCents, f.Currency)}))
	}
	if len(parts) > 0 {
		t.put("    ↳ " + strings.Join(parts, " · "))
	}
}

// Message is a notification as Slack and the console take it.
type Message struct {
	Fallback string
	Sections []string // Slack mrkdwn
	Console  string
	lang     orders.Language
	// after holds the blocks that follow a section in Slack (an alert's
	// buttons), by the section's index.
	after map[int][]slack.Block
}

// Slack returns the message as Slack Block Kit, within its limits: a
// section longer than Slack takes is split at a line, and when the blocks
// would be too many the last one says how many lines did not fit, so that
// nothing is left out silently.
func (m Message) Slack() render.Message {
	var parts []string
	extra := map[int][]slack.Block{} // by index in parts
	for i, s := range m.Sections {
		for len(s) > 0 {
			part := s
			if len([]rune(part)) > render.MaxSectionText {
				cut := strings.LastIndex(string([]rune(part)[:render.MaxSectionText]), "\n")
				if cut <= 0 {
					cut = len(string([]rune(part)[:render.MaxSectionText]))
				}
				part = s[:cut]
			}
			parts = append(parts, part)
			s = strings.TrimPrefix(s[len(part):], "\n")
		}
		if len(m.after[i]) > 0 && len(parts) > 0 {
			extra[len(parts)-1] = m.after[i]
		}
	}
	if len(parts) > render.MaxBlocks {
		lines := 0
		for _, p := range parts[render.MaxBlocks-1:] {
			lines += strings.Count(p, "\n") + 1
		}
		parts = append(parts[:render.MaxBlocks-1], messages().In(m.lang).N("message.cut", lines, nil))
	}
	blocks := make([]slack.Block, 0, len(parts))
	for i, p := range parts {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, p, false, true), nil, nil))
		blocks = append(blocks, extra[i]...)
	}
	return render.Message{Text: m.Fallback, Blocks: blocks}
}

// bullet writes a list item of parts, leaving out those that are empty
// (a reason the ERP did not give).
func bullet(parts ...string) string {
	kept := make([]string, 0, len(parts))
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return "• " + strings.Join(kept, " · ")
}

// write builds a message in both forms with fill, which writes sections
// separated by t.section().
func write(lang orders.Language, fallback func(t *text) string, fill func(t *text)) Message {
	m := Message{lang: lang}
	for _, console := range []bool{false, true} {
		t := &text{lang: lang, console: console, msgs: messages().In(lang)}
		fill(t)
		out := strings.TrimRight(t.b.String(), "\n")
		if console {
			m.Console = strings.ReplaceAll(strings.ReplaceAll(out, sectionBreak, "\n"), blockBreak, "") + "\n"
			continue
		}
		out = strings.ReplaceAll(out, blockBreak, sectionBreak)
		for _, s := range strings.Split(out, sectionBreak) {
			if s = strings.Trim(s, "\n"); s != "" {
				m.Sections = append(m.Sections, s)
			}
		}
		m.Fallback = fallback(t)
	}
	return m
}

// sectionBreak separates the sections of a message while it is written.
const sectionBreak = "\x00section\x00"

func (t *text) section() { t.b.WriteString(sectionBreak) }

// blockBreak separates two sections of a message in Slack only (an
// alert's orders, each followed by its buttons): the console reads on.
const blockBreak = "\x00block\x00"

func (t *text) block() { t.b.WriteString(blockBreak) }
