// Package catalog holds orderbot's user-facing texts as message catalogs:
// each message has an id, its French and English wording side by side, named
// arguments ({{.Customer}}) and, where a number decides the wording, the CLDR
// plural forms of each language (French "one" covers 0 and 1, English "one"
// only 1). It sits on go-i18n, which does the plural rules and the templates;
// what it adds is the side-by-side file and the checks that make a wrong
// argument visible instead of silent: the two languages of a message must
// name the same arguments, and an argument missing or empty at render time
// shows as ⟦Name⟧, which tests look for.
package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/orderbot/orderbot/orders"
)

// Args are a message's named arguments.
type Args map[string]any

// Catalog is a parsed, checked set of messages in French and English. It is
// read-only once parsed, so one catalog serves every goroutine.
type Catalog struct {
	localizers map[orders.Language]*i18n.Localizer
	numbers    map[orders.Language]*message.Printer
	messages   map[string]entry
}

// entry is what the catalog knows of one message to check a render.
type entry struct {
	args   []string // the named arguments, sorted
	plural bool
}

// languages are the catalog's languages, with the tag go-i18n knows them by.
var languages = []struct {
	lang orders.Language
	tag  language.Tag
}{{orders.French, language.French}, {orders.English, language.English}}

// Parse reads a catalog written side by side:
//
//	digest.title:
//	  fr: "Digest du {{.Day}} — {{.Rep}}"
//	  en: "Digest of {{.Day}} — {{.Rep}}"
//	digest.still:
//	  fr: {one: "{{.Count}} commande", other: "{{.Count}} commandes"}
//	  en: {one: "{{.Count}} order", other: "{{.Count}} orders"}
//
// Every message needs both languages with the same arguments; a plural
// message needs "one" and "other" in both and uses {{.Count}}. Several
// sources make one catalog (a package's messages kept in a file per kind);
// an id may appear in one of them only.
func Parse(srcs ...[]byte) (*Catalog, error) {
	raw := map[string]map[string]yaml.Node{}
	for _, src := range srcs {
		var part map[string]map[string]yaml.Node
		if err := yaml.Unmarshal(src, &part); err != nil {
			return nil, fmt.Errorf("message catalog: %w", err)
		}
		for id, m := range part {
			if _, dup := raw[id]; dup {
				return nil, fmt.Errorf("message catalog: %s is written twice", id)
			}
			raw[id] = m
		}
	}
	bundle := i18n.NewBundle(language.French)
	c := &Catalog{localizers: map[orders.Language]*i18n.Localizer{}, numbers: map[orders.Language]*message.Printer{},
		messages: map[string]entry{}}
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		var m entry
		for i, l := range languages {
			node, ok := raw[id][string(l.lang)]
			if !ok {
				return nil, fmt.Errorf("message catalog: %s has no %s wording", id, l.lang)
			}
			msg, plural, err := parseWording(id, &node)
			if err != nil {
				return nil, err
			}
			args := argsOf(msg)
			if plural && !slices.Contains(args, "Count") {
				return nil, fmt.Errorf("message catalog: %s (%s) is plural but does not use {{.Count}}", id, l.lang)
			}
			if i == 0 {
				m = entry{args: args, plural: plural}
			} else if plural != m.plural || !slices.Equal(args, m.args) {
				return nil, fmt.Errorf("message catalog: %s: the %s wording takes %v (plural %v), the %s one %v (plural %v)",
					id, languages[0].lang, m.args, m.plural, l.lang, args, plural)
			}
			if err := bundle.AddMessages(l.tag, msg); err != nil {
				return nil, fmt.Errorf("message catalog: %s (%s): %w", id, l.lang, err)
			}
		}
		for lang := range raw[id] {
			if lang != string(orders.French) && lang != string(orders.English) {
				return nil, fmt.Errorf("message catalog: %s has a wording in %q, which orderbot does not speak", id, lang)
			}
		}
		c.messages[id] = m
	}
	for _, l := range languages {
		c.localizers[l.lang] = i18n.NewLocalizer(bundle, l.tag.String())
		c.numbers[l.lang] = message.NewPrinter(l.tag)
	}
	return c, nil
}

// MustParse is Parse for a catalog embedded in the binary, which the
// package's tests parse: a broken one is a programming error, found by
// `go test` before it can ship.
func MustParse(srcs ...[]byte) *Catalog {
	c, err := Parse(srcs...)
	if err != nil {
		panic(err)
	}
	return c
}

func parseWording(id string, node *yaml.Node) (*i18n.Message, bool, error) {
	msg := &i18n.Message{ID: id}
	switch node.Kind {
	case yaml.ScalarNode:
		msg.Other = node.Value
		return msg, false, nil
	case yaml.MappingNode:
		var forms map[string]string
		if err := node.Decode(&forms); err != nil {
			return nil, false, fmt.Errorf("message catalog: %s: %w", id, err)
		}
		for form, text := range forms {
			switch form {
			case "zero":
				msg.Zero = text
			case "one":
				msg.One = text
			case "two":
				msg.Two = text
			case "few":
				msg.Few = text
			case "many":
				msg.Many = text
			case "other":
				msg.Other = text
			default:
				return nil, false, fmt.Errorf("message catalog: %s: %q is not a CLDR plural form", id, form)
			}
		}
		if msg.One == "" || msg.Other == "" {
			return nil, false, fmt.Errorf("message catalog: %s: a plural message needs \"one\" and \"other\"", id)
		}
		return msg, true, nil
	}
	return nil, false, fmt.Errorf("message catalog: %s: a wording is a string or plural forms", id)
}

// placeholder is how a message names an argument: {{.Name}}.
var placeholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z][A-Za-z0-9]*)\s*\}\}`)

// argsOf lists the arguments a message's forms name, sorted, once each.
func argsOf(m *i18n.Message) []string {
	var args []string
	for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		for _, sub := range placeholder.FindAllStringSubmatch(form, -1) {
			if !slices.Contains(args, sub[1]) {
				args = append(args, sub[1])
			}
		}
	}
	sort.Strings(args)
	return args
}

// IDs lists the catalog's message ids, sorted.
func (c *Catalog) IDs() []string {
	ids := make([]string, 0, len(c.messages))
	for id := range c.messages {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Args lists the named arguments message id takes, and whether it is plural
// (then it takes Count, given by N).
func (c *Catalog) Args(id string) (args []string, plural bool) {
	m := c.messages[id]
	return slices.Clone(m.args), m.plural
}

// In returns the catalog's texts in one language (French when lang is not
// one the catalog speaks).
func (c *Catalog) In(lang orders.Language) Texts {
	if _, ok := c.localizers[lang]; !ok {
		lang = orders.French
	}
	return Texts{c: c, lang: lang}
}

// Texts are a catalog's messages in one language.
type Texts struct {
	c    *Catalog
	lang orders.Language
}

// Lang is the language of the texts.
func (t Texts) Lang() orders.Language { return t.lang }

// T renders message id with its named arguments. An argument the message
// names but args lack, or gives as an empty string, renders as ⟦Name⟧: a
// visible mistake that tests catch, never a silent gap.
func (t Texts) T(id string, args Args) string { return t.render(id, nil, args) }

// N renders plural message id for count n: the form follows the language's
// plural rules, and {{.Count}} is n written as the language groups digits
// ("12 000", "12,000").
func (t Texts) N(id string, n int, args Args) string { return t.render(id, n, args) }

func (t Texts) render(id string, count any, args Args) string {
	m, ok := t.c.messages[id]
	if !ok {
		return "⟦" + id + "⟧"
	}
	data := make(map[string]any, len(m.args))
	for _, a := range m.args {
		v, ok := args[a]
		if a == "Count" && count != nil {
			v, ok = t.c.numbers[t.lang].Sprintf("%d", count), true
		}
		if s, isString := v.(string); !ok || v == nil || (isString && strings.TrimSpace(s) == "") {
			v = "⟦" + a + "⟧"
		}
		data[a] = v
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if m.plural {
		if count == nil {
			count = 1
			data["Count"] = "⟦Count⟧"
		}
		cfg.PluralCount = count
	}
	out, err := t.c.localizers[t.lang].Localize(cfg)
	if err != nil {
		return "⟦" + id + ": " + err.Error() + "⟧"
	}
	return out
}
