package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/follow"
	"github.com/orderbot/orderbot/bot/llm"
	"github.com/orderbot/orderbot/bot/release"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/internal/metrics"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// conversation is what answering needs, built from the configuration.
type conversation struct {
	answerer *bot.Answerer
	renderer *render.Renderer
	log      interface{ Close() }
	lang     orders.Language   // the asker's, or bot.language: when no answer tells it
	releases *release.Releases // given its job queue and Slack by serve
}

func (c *conversation) Close() {
	c.answerer.Wait() // a vocabulary being built reads the store
	c.log.Close()
}

// newConversation builds the answerer and the renderer over st, with the
// model when one is configured; questions go to the audit log, whose
// failures are reported on stderr. The reading of questions learns the
// portfolio's vocabulary (number shapes, block reasons, names) before the
// first question; without it, it still reads, with the trade's words alone.
func newConversation(ctx context.Context, cfg config.Config, st *store, stderr io.Writer, log *slog.Logger, m *metrics.Metrics) (*conversation, error) {
	parser, err := understand.New(cfg.Bot.OrderNumberPattern)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(cfg.Bot.Timezone)
	if err != nil {
		return nil, fmt.Errorf("bot.timezone: %w", err)
	}
	steps := map[orders.Language]map[orders.Status]string{}
	for st, byLang := range cfg.Bot.NextSteps {
		for lang, text := range byLang {
			l := orders.Language(lang)
			if steps[l] == nil {
				steps[l] = map[orders.Status]string{}
			}
			steps[l][orders.Status(st)] = text
		}
	}
	questions := newQuestionLog(st, stderr)
	var answered bot.QuestionLog = questions
	if m != nil {
		answered = observedLog{questions, m}
	}
	opt := bot.Options{
		Access:     bot.Access(cfg.Bot.Access),
		Language:   orders.Language(cfg.Bot.Language),
		StaleAfter: cfg.Bot.StaleAfter,
		ListLimit:  cfg.Bot.ListLimit,
		Follows:    follow.Store{Store: st.Store},
		AutoFollow: cfg.Notify.AutoFollow,
	}
	if model := newModel(cfg, log, m); model != nil {
		opt.Model = model
	}
	opt.Log = log
	rel := newReleases(cfg, st, loc, log)
	opt.Releases = rel
	a := bot.New(st, parser, answered, opt)
	if err := a.LoadVocabulary(ctx); err != nil {
		log.Warn("questions read without the portfolio's vocabulary", "err", err)
	}
	return &conversation{answerer: a, renderer: render.New(render.Options{Location: loc, NextSteps: steps, TrackingURLs: cfg.Bot.TrackingURLs}), log: questions,
		lang: orders.Language(cfg.Bot.Language), releases: rel}, nil
}

// observedLog records questions in the audit log and in the metrics.
type observedLog struct {
	log *questionLog
	m   *metrics.Metrics
}

func (o observedLog) Record(q orders.AskedQuestion) {
	o.m.Question(q)
	o.log.Record(q)
}

// newModel returns the configured model's reader, or nil without one; m,
// when set, counts its calls.
func newModel(cfg config.Config, log *slog.Logger, m *metrics.Metrics) *llm.Reader {
	if cfg.LLM.BaseURL == "" {
		return nil
	}
	c := llm.Config{BaseURL: cfg.LLM.BaseURL, APIKey: cfg.LLM.APIKey, Model: cfg.LLM.Model,
		Timeout: cfg.LLM.Timeout, MaxTokens: cfg.LLM.MaxTokens}
	if m != nil {
		c.Observe = m.ModelCall
	}
	return llm.New(c, nil, log)
}

// consoleLogger is the logger of the console commands: warnings and
// errors only, unless log.level asks for less.
func consoleLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.Log.Level == "info" {
		cfg.Log.Level = "warn"
	}
	return newLogger(cfg, w)
}

// askerOf reads --as as the transport would know a person: an e-mail
// address or a Slack user ID.
func askerOf(as string) bot.Asker {
	as = strings.TrimSpace(as)
	if strings.Contains(as, "@") {
		return bot.Asker{Email: as, Transport: "console"}
	}
	return bot.Asker{SlackUserID: as, Transport: "console"}
}

// asPerson opens the configured store and runs fn with a conversation as
// the person --as names: an e-mail address, a Slack user ID, or a name
// (part of one will do when only one person has it). When --as names no
// one, the people of the directory are listed on stderr and the error
// says so; with strangers set (ask), an e-mail address or Slack user ID
// the directory does not know asks anyway and gets the answer Slack gives
// a stranger.
func asPerson(ctx context.Context, e env, load func() (config.Config, error), as string, strangers bool, fn func(*conversation, bot.Asker) error) error {
	cfg, err := load()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, e, false, false)
	if err != nil {
		if strings.TrimSpace(as) == "" {
			return fmt.Errorf("%s, and the directory cannot be read to list who: %w", errNoAsker, err)
		}
		return err
	}
	defer st.Close()
	who, person, err := whoAsks(ctx, st, orders.Language(cfg.Bot.Language), e.stderr, as, strangers)
	if err != nil {
		return err
	}
	conv, err := newConversation(ctx, cfg, st, e.stderr, consoleLogger(cfg, e.stderr), nil)
	if err != nil {
		return err
	}
	defer conv.Close()
	if person.Language != "" {
		conv.lang = person.Language
	}
	return fn(conv, who)
}

// errNoAsker is what --as left empty says.
const errNoAsker = "--as is required: the e-mail address, Slack user ID or name of the person asking"

// whoAsks finds the person --as names in the directory: who asks, and
// the person (none for a stranger). When it names no one, or several
// people, it lists them on w (the directory's default language is lang)
// and says so in the error.
func whoAsks(ctx context.Context, st *store, lang orders.Language, w io.Writer, as string, strangers bool) (bot.Asker, orders.Person, error) {
	as = strings.TrimSpace(as)
	people, err := st.Directory(ctx)
	if err != nil {
		return bot.Asker{}, orders.Person{}, err
	}
	people = slices.DeleteFunc(people, func(p orders.Person) bool { return p.Placeholder })
	found := peopleNamed(people, as)
	switch {
	case len(found) == 1:
		return bot.Asker{Email: found[0].Email, SlackUserID: found[0].SlackUserID, Transport: "console"}, found[0], nil
	case as == "":
		listPeople(w, people, lang)
		return bot.Asker{}, orders.Person{}, errors.New(errNoAsker)
	case len(found) > 1:
		listPeople(w, found, lang)
		return bot.Asker{}, orders.Person{}, fmt.Errorf("--as %q names %d people (above): give one's e-mail address, Slack user ID or whole name", as, len(found))
	case strangers && (strings.Contains(as, "@") || slackUserID(as)):
		fmt.Fprintf(w, "orderbot: %s is not in the directory: the answer is the one orderbot gives a stranger\n", printable(as))
		return askerOf(as), orders.Person{}, nil
	}
	listPeople(w, people, lang)
	return bot.Asker{}, orders.Person{}, fmt.Errorf("--as %q: no one in the directory has this e-mail address, Slack user ID or name (its people are above)", as)
}

// slackUserID reports whether s has the shape of a Slack user ID.
func slackUserID(s string) bool {
	if len(s) < 3 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }) < 0
}

// peopleNamed returns the people as names: the one whose e-mail address
// or Slack user ID it is, else those whose name it is, else those whose
// name (or e-mail address) has words starting with each of its words,
// accents and case aside ("camille", "f dub", "francois.duboeuf").
func peopleNamed(people []orders.Person, as string) []orders.Person {
	key := understand.Fold(as)
	if key == "" {
		return nil
	}
	var named, partly []orders.Person
	for _, p := range people {
		name := understand.Fold(p.Name)
		switch {
		case strings.EqualFold(p.Email, as) || strings.EqualFold(p.SlackUserID, as):
			return []orders.Person{p}
		case name == key:
			named = append(named, p)
		case wordsStart(strings.Fields(name+" "+understand.Fold(p.Email)), strings.Fields(key)):
			partly = append(partly, p)
		}
	}
	if len(named) > 0 {
		return named
	}
	return partly
}

// wordsStart reports whether each of prefixes starts one of words.
func wordsStart(words, prefixes []string) bool {
	for _, pre := range prefixes {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, pre) }) {
			return false
		}
	}
	return true
}

// maxListed is how many people listPeople shows: a directory of 500 reps
// is not a help message.
const maxListed = 40

// listPeople writes who --as can name on w: name, e-mail address, Slack
// user ID, role and language (lang when the directory gives none).
func listPeople(w io.Writer, people []orders.Person, lang orders.Language) {
	if len(people) == 0 {
		fmt.Fprintln(w, "The directory is empty: import it first (orderbot import people FILE).")
		return
	}
	fmt.Fprintln(w, "You can be (--as takes an e-mail address, a Slack user ID or a name):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tE-MAIL\tSLACK ID\tROLE\tLANGUAGE")
	for _, p := range people[:min(len(people), maxListed)] {
		l := string(p.Language)
		if l == "" {
			l = string(lang) + " (default)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", printable(p.Name), printable(p.Email), printable(p.SlackUserID), p.Role, l)
	}
	tw.Flush()
	if more := len(people) - maxListed; more > 0 {
		fmt.Fprintf(w, "  … and %d more: part of a name given to --as lists fewer\n", more)
	}
}

// printable keeps the control characters of a text from the directory (a
// terminal's escape sequences, tabs, line breaks, bidirectional overrides)
// off the console.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
}

// asFlagMissing reports whether err says --as was given no value, as in
// "orderbot chat --as": pflag's error for a flag without its value tells
// the flag's name (it is matched by its method, not imported).
func asFlagMissing(err error) bool {
	var missing interface{ GetSpecifiedName() string }
	return errors.As(err, &missing) && missing.GetSpecifiedName() == "as"
}

// listWhenAsIsEmpty makes "--as" without a value list the directory, as
// an empty one does, instead of a bare parsing error.
func listWhenAsIsEmpty(cmd *cobra.Command, e env, load func() (config.Config, error), strangers bool) {
	cmd.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		if !asFlagMissing(err) {
			return err
		}
		return asPerson(cmd.Context(), e, load, "", strangers, func(*conversation, bot.Asker) error { return nil })
	})
}

func askCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:   "ask --as WHO QUESTION...",
		Short: "Answer one question as a given person, on standard output",
		Long: `Answers one question the way orderbot answers it in Slack, as console
text, with the access rules of the person named by --as: an e-mail address,
a Slack user ID or a name of the directory (part of a name will do when only
one person has it). Without --as, or with one naming nobody, it lists the
people of the directory. An e-mail address or Slack user ID the directory
does not know gets the answer Slack gives a stranger. The exit status is 0
whenever orderbot answered, whatever the answer; it is non-zero only when
orderbot itself failed (the database cannot be reached, say) or --as names
no one.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return asPerson(cmd.Context(), e, load, as, true, func(conv *conversation, who bot.Asker) error {
				a, err := conv.answerer.Ask(cmd.Context(), who, strings.Join(args, " "))
				fmt.Fprint(e.stdout, conv.renderer.Console(a))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "e-mail address, Slack user ID or name of the person asking")
	listWhenAsIsEmpty(cmd, e, load, true)
	return cmd
}

func chatCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:   "chat --as WHO",
		Short: "Talk with orderbot in the console, as a given person",
		Long: `Reads questions line by line and answers each as orderbot answers in
Slack, with the access rules of the person named by --as: an e-mail
address, a Slack user ID or a name of the directory (part of a name will do
when only one person has it). Without --as, or with one naming nobody, it
lists the people of the directory.

A message follows the answer before it, as in Slack ("et pour Müller ?",
"et la suivante ?"). Lists are numbered: reply with a number ("2", "le 2",
"the second one") to see that customer's orders, that person's or that
order; "plus" or "more" shows the next orders of a long list. An empty
line or "quit" ends.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return asPerson(cmd.Context(), e, load, as, false, func(conv *conversation, who bot.Asker) error {
				return chat(cmd.Context(), conv, who, e)
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "e-mail address, Slack user ID or name of the person asking")
	listWhenAsIsEmpty(cmd, e, load, false)
	return cmd
}

// interactive reports whether r is a terminal someone types at.
func interactive(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// chat answers the lines of e.stdin as who until an empty line, "quit"
// or the end.
func chat(ctx context.Context, conv *conversation, who bot.Asker, e env) error {
	c, err := newChat(ctx, conv, who)
	if err != nil {
		return err
	}
	return c.run(e)
}

// newChat starts a console conversation as who.
func newChat(ctx context.Context, conv *conversation, who bot.Asker) (*chatter, error) {
	texts, err := catalog.Parse(chatMessagesYAML)
	if err != nil {
		return nil, fmt.Errorf("the chat's messages: %w", err)
	}
	return &chatter{ctx: ctx, conv: conv, who: who, texts: texts}, nil
}

// run answers the lines of e.stdin until an empty line, "quit" or the
// end. When stdin is not a terminal, each question is echoed, so that a
// transcript reads as a conversation.
func (c *chatter) run(e env) error {
	tty := interactive(e.stdin)
	in := bufio.NewScanner(e.stdin)
	in.Buffer(make([]byte, 64*1024), 1024*1024) // a pasted e-mail is one line
	for {
		if tty {
			fmt.Fprint(e.stdout, "> ")
		}
		if !in.Scan() {
			if tty {
				fmt.Fprintln(e.stdout)
			}
			return in.Err()
		}
		line := strings.TrimSpace(in.Text())
		switch strings.ToLower(line) {
		case "", "quit", "exit", "q", "bye":
			return nil
		}
		if !tty {
			fmt.Fprintf(e.stdout, "> %s\n", line)
		}
		text, err := c.reply(line)
		fmt.Fprintln(e.stdout, text)
		if err != nil {
			fmt.Fprintln(e.stderr, "orderbot:", err)
		}
	}
}

// chatMessagesYAML is the catalog of the chat's own wordings.
//
//go:embed chat_messages.yaml
var chatMessagesYAML []byte

// chatter is one console conversation: who asks, what the last answer
// leaves for the next message to follow ("et pour Müller ?", "et la
// suivante ?"), and the last numbered list shown (customers or people to
// choose from, or orders), which a reply can pick an item of by its
// number or, for orders, continue with "plus".
type chatter struct {
	ctx   context.Context
	conv  *conversation
	who   bot.Asker
	texts *catalog.Catalog

	mem   bot.Memory
	list  bot.Answer // the last list; its Kind is empty when there is none
	shown int        // how many of its orders the chat showed
	page  int        // how many orders a page of it shows
}

// reply answers one line: the pick of an item of the last list, its
// continuation, or a message that may follow the last answer.
func (c *chatter) reply(line string) (string, error) {
	if n, ok := pickOf(line); ok && c.list.Kind != "" {
		return c.pick(n, line)
	}
	if continues(line) {
		if c.list.Kind != bot.OrderList {
			lang := c.conv.answerer.Parse(line).Lang
			if lang == "" {
				lang = c.mem.Lang
			}
			return c.say(lang, "chat.no_list", 0, nil), nil
		}
		return c.more(line)
	}
	a, err := c.conv.answerer.AskAfter(c.ctx, c.who, c.mem, line)
	c.remember(a)
	return c.show(a, 0), err
}

// remember keeps what a leaves for the next message, and a as the list
// that replies refer to when it is one; an answer showing other orders
// replaces the last list, one showing none (a question not understood,
// nothing found, thanks) or the next order of it ("et la suivante ?")
// leaves it on screen for a reply to pick from.
func (c *chatter) remember(a bot.Answer) {
	c.mem = a.Memory()
	switch {
	case a.Kind == bot.ChooseCustomer && len(a.Candidates) > 0, a.Kind == bot.ChoosePerson && len(a.People) > 0:
		c.list, c.shown, c.page = a, 0, 0
	case a.Kind == bot.OrderList && len(a.List.Orders) > 0:
		c.list, c.shown, c.page = a, len(a.List.Orders), len(a.List.Orders)
	case a.Kind == bot.OrderFound && a.Position > 0, a.Kind == bot.NoNext:
	case a.Results() > 0 || a.Kind == bot.OrderList || a.Kind == bot.ChooseCustomer || a.Kind == bot.ChoosePerson:
		c.list, c.shown, c.page = bot.Answer{}, 0, 0
	}
}

// pick answers the choice of the n-th item of the last list (lastItem for
// its last one): that customer's orders, that person's, or that order.
func (c *chatter) pick(n int, line string) (string, error) {
	var count int
	switch c.list.Kind {
	case bot.ChooseCustomer:
		count = len(c.list.Candidates)
	case bot.ChoosePerson:
		count = len(c.list.People)
	default:
		count = c.shown
	}
	if n == lastItem {
		n = count
	}
	if n < 1 || n > count {
		return c.say(c.list.Lang, "chat.pick_range", count, nil), nil
	}
	q := c.list.Question
	q.Text, q.FollowUp = line, ""
	switch c.list.Kind {
	case bot.ChooseCustomer:
		q.Intent, q.CustomerID, q.CustomerName, q.CustomerCode, q.CustomerNames = understand.Customer, c.list.Candidates[n-1].ID, "", "", nil
	case bot.ChoosePerson:
		p := c.list.People[n-1]
		q.Scope, q.Person, q.PersonRole = understand.ScopePerson, p.Name, p.Role
	default:
		number := c.list.List.Orders[n-1].Number
		q = understand.Question{Text: line, Intent: understand.Order, Number: number, Numbers: []string{number}, Lang: c.list.Question.Lang}
		a, err := c.conv.answerer.Act(c.ctx, c.who, bot.Action{Question: q})
		// The list stays the one replies refer to ("2", then "3"), and
		// the next order of it is the one after this ("et la suivante ?").
		c.mem = a.Memory()
		if a.Kind == bot.OrderFound {
			c.mem = c.list.Memory()
			c.mem.Shown, c.mem.Last = n, number
		}
		return c.show(a, 0), err
	}
	a, err := c.conv.answerer.Act(c.ctx, c.who, bot.Action{Question: q})
	c.remember(a)
	return c.show(a, 0), err
}

// more shows the next page of the last list of orders, numbered on.
func (c *chatter) more(line string) (string, error) {
	l := c.list
	switch {
	case c.shown >= l.List.Total:
		return c.say(l.Lang, "chat.list_end", l.List.Total, nil), nil
	case c.shown >= bot.MaxListLimit:
		return c.say(l.Lang, "chat.list_capped", 0, catalog.Args{"Max": bot.MaxListLimit}), nil
	}
	q := l.Question
	if l.Subject.What == "customer" && l.Subject.Customer.ID != 0 {
		q.Intent, q.CustomerID, q.CustomerName, q.CustomerCode, q.CustomerNames = understand.Customer, l.Subject.Customer.ID, "", "", nil
	}
	q.Text, q.FollowUp = line, ""
	a, err := c.conv.answerer.Act(c.ctx, c.who, bot.Action{Question: q, Limit: min(c.shown+c.page, bot.MaxListLimit)})
	from, page := c.shown, c.page
	c.remember(a)
	if a.Kind != bot.OrderList {
		return c.show(a, 0), err
	}
	c.page = page
	if from >= len(a.List.Orders) {
		// The list got shorter since (an import closed orders).
		return c.say(a.Lang, "chat.list_end", a.List.Total, nil), err
	}
	return c.show(a, from), err
}

// show renders a for the chat, the orders of a list numbered from from+1,
// with a line on what a reply can do with it.
func (c *chatter) show(a bot.Answer, from int) string {
	text := c.conv.renderer.Chat(a, from)
	if a.Kind != bot.OrderList || a.List.Total < 2 || c.list.Kind != bot.OrderList {
		return text
	}
	if c.shown < a.List.Total && c.shown < bot.MaxListLimit {
		return text + c.say(a.Lang, "chat.hint.pick_more", 0, nil)
	}
	return text + c.say(a.Lang, "chat.hint.pick", 0, nil)
}

// say renders the chat's message id in lang (unknown: the configured
// one), as a line; count, when positive, chooses its plural form.
func (c *chatter) say(lang orders.Language, id string, count int, args catalog.Args) string {
	if lang == "" {
		lang = c.conv.lang
	}
	t := c.texts.In(lang)
	if count > 0 {
		return t.N(id, count, args) + "\n"
	}
	return t.T(id, args) + "\n"
}

// lastItem is what pickOf returns for "the last one".
const lastItem = -1

// pickOf reads a reply that picks an item of a numbered list by its
// position, as people answer "which one?": "2", "2.", "#2", "n°2", "le 2",
// "la 2e", "le deuxième", "the second one", "2nd please", "le dernier".
// ok is false for anything else, a long number (an order's) included.
func pickOf(line string) (n int, ok bool) {
	if strings.IndexFunc(line, func(r rune) bool { return unicode.IsSymbol(r) && r != '°' }) >= 0 {
		return 0, false // "2 €", "+2"
	}
	var rest []string
	for _, w := range strings.Fields(understand.Fold(strings.ReplaceAll(line, "º", " "))) {
		if !pickFiller(w) {
			rest = append(rest, w)
		}
	}
	if len(rest) != 1 {
		return 0, false
	}
	w := rest[0]
	if n, ok := ordinal(w); ok {
		return n, true
	}
	digits := len(w) - len(strings.TrimLeft(w, "0123456789"))
	if digits == 0 || digits > 3 {
		return 0, false
	}
	switch w[digits:] {
	case "", "e", "eme", "er", "ere", "re", "nd", "st", "rd", "th":
	default:
		return 0, false
	}
	n, err := strconv.Atoi(w[:digits])
	return n, err == nil
}

// pickFiller reports whether w is a word around the number of a pick
// ("le 2", "n° 2", "the 2nd one, please"), folded.
func pickFiller(w string) bool {
	switch w {
	case "le", "la", "l", "n", "no", "num", "numero", "nr", "number", "the", "one", "celui", "celle", "ci",
		"choix", "choice", "option", "voir", "see", "show", "me", "moi", "svp", "stp", "please", "pls", "merci", "thanks",
		"et", "and", "what", "about", "c", "est", "it", "s", "is", "alors", "ok", "okay", "oui", "yes":
		return true
	}
	return false
}

// ordinal reads a position written as a word, folded: "deuxième",
// "second", "deux"; "dernier" and "last" are lastItem.
func ordinal(w string) (int, bool) {
	switch w {
	case "dernier", "derniere", "last":
		return lastItem, true
	}
	for i, words := range [][]string{
		{"premier", "premiere", "first"},
		{"deuxieme", "second", "seconde", "deux", "two"},
		{"troisieme", "third", "trois", "three"},
		{"quatrieme", "fourth", "quatre", "four"},
		{"cinquieme", "fifth", "cinq", "five"},
		{"sixieme", "sixth", "six"},
		{"septieme", "seventh", "sept", "seven"},
		{"huitieme", "eighth", "huit", "eight"},
		{"neuvieme", "ninth", "neuf", "nine"},
		{"dixieme", "tenth", "dix", "ten"},
	} {
		if slices.Contains(words, w) {
			return i + 1, true
		}
	}
	return 0, false
}

// continues reports whether line asks for the rest of the last list:
// "plus", "la suite", "more", "show more", "+".
func continues(line string) bool {
	switch strings.TrimSpace(line) {
	case "+", "...", "…":
		return true
	}
	var words []string
	for _, w := range strings.Fields(understand.Fold(line)) {
		switch w {
		case "svp", "stp", "please", "pls", "merci", "thanks", "et", "and":
		default:
			words = append(words, w)
		}
	}
	switch strings.Join(words, " ") {
	case "plus", "encore", "suite", "la suite", "voir plus", "voir la suite", "afficher plus", "affiche plus",
		"montre plus", "montrez plus", "le reste", "voir le reste", "apres", "continue", "continuer",
		"more", "show more", "see more", "the rest", "rest", "next page", "page suivante", "go on":
		return true
	}
	return false
}

// questionLog is the audit log of a command: the store's, with its
// failures reported on stderr.
type questionLog = postgres.QuestionLog

func newQuestionLog(st *store, stderr io.Writer) *questionLog {
	return postgres.NewQuestionLog(st.Store, func(err error) { fmt.Fprintln(stderr, "orderbot: audit log:", err) })
}
