package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/llm"
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
}

func (c *conversation) Close() { c.log.Close() }

// newConversation builds the answerer and the renderer over st, with the
// model when one is configured; questions go to the audit log, whose
// failures are reported on stderr.
func newConversation(cfg config.Config, st *store, stderr io.Writer, log *slog.Logger, m *metrics.Metrics) (*conversation, error) {
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
	}
	if model := newModel(cfg, log, m); model != nil {
		opt.Model = model
	}
	a := bot.New(st, parser, answered, opt)
	return &conversation{answerer: a, renderer: render.New(render.Options{Location: loc, NextSteps: steps}), log: questions}, nil
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

// askerOf reads --as: an e-mail address or a Slack user ID.
func askerOf(as string) bot.Asker {
	as = strings.TrimSpace(as)
	if strings.Contains(as, "@") {
		return bot.Asker{Email: as, Transport: "console"}
	}
	return bot.Asker{SlackUserID: as, Transport: "console"}
}

// asPerson opens the configured store and runs fn with a conversation as
// the person --as names.
func asPerson(ctx context.Context, e env, load func() (config.Config, error), as string, fn func(*conversation, bot.Asker) error) error {
	cfg, err := load()
	if err != nil {
		return err
	}
	if strings.TrimSpace(as) == "" {
		return fmt.Errorf("--as is required: the e-mail address or Slack user ID of the person asking")
	}
	st, err := openStore(ctx, cfg, e, false, false)
	if err != nil {
		return err
	}
	defer st.Close()
	conv, err := newConversation(cfg, st, e.stderr, consoleLogger(cfg, e.stderr), nil)
	if err != nil {
		return err
	}
	defer conv.Close()
	return fn(conv, askerOf(as))
}

func askCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:   "ask --as EMAIL_OR_SLACK_ID QUESTION...",
		Short: "Answer one question as a given person, on standard output",
		Long: `Answers one question the way orderbot answers it in Slack, as console
text, with the access rules of the person named by --as (an e-mail address
or a Slack user ID of the directory). The exit status is 0 whenever orderbot
answered, whatever the answer; it is non-zero only when orderbot itself
failed (the database cannot be reached, say).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return asPerson(cmd.Context(), e, load, as, func(conv *conversation, who bot.Asker) error {
				a, err := conv.answerer.Ask(cmd.Context(), who, strings.Join(args, " "))
				fmt.Fprint(e.stdout, conv.renderer.Console(a))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "e-mail address or Slack user ID of the person asking")
	return cmd
}

func chatCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:   "chat --as EMAIL_OR_SLACK_ID",
		Short: "Talk with orderbot in the console, as a given person",
		Long: `Reads questions line by line and answers each as orderbot answers in
Slack, with the access rules of the person named by --as. When several
customers match, answer with the number of the one you mean; "plus" or
"more" shows the rest of a long list. An empty line or "quit" ends.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return asPerson(cmd.Context(), e, load, as, func(conv *conversation, who bot.Asker) error {
				return chat(cmd.Context(), conv, who, e)
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "e-mail address or Slack user ID of the person asking")
	return cmd
}

// interactive reports whether r is a terminal someone types at.
func interactive(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// chat answers the lines of e.stdin until an empty line, "quit" or the end.
// When stdin is not a terminal, each question is echoed, so that a
// transcript reads as a conversation.
func chat(ctx context.Context, conv *conversation, who bot.Asker, e env) error {
	tty := interactive(e.stdin)
	in := bufio.NewScanner(e.stdin)
	in.Buffer(make([]byte, 64*1024), 1024*1024) // a pasted e-mail is one line
	var last bot.Answer
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
		a, err := followUp(ctx, conv.answerer, who, last, line)
		fmt.Fprintln(e.stdout, conv.renderer.Console(a))
		if err != nil {
			fmt.Fprintln(e.stderr, "orderbot:", err)
		}
		last = a
	}
}

// followUp answers line, reading it as a choice among the last answer's
// candidates ("2") or a request for the rest of its list ("plus") when it
// is one.
func followUp(ctx context.Context, a *bot.Answerer, who bot.Asker, last bot.Answer, line string) (bot.Answer, error) {
	if n, err := strconv.Atoi(line); err == nil && last.Kind == bot.ChooseCustomer && n >= 1 && n <= len(last.Candidates) {
		q := last.Question
		q.Intent, q.CustomerID, q.CustomerName, q.CustomerCode, q.Text = understand.Customer, last.Candidates[n-1].ID, "", "", line
		return a.Act(ctx, who, bot.Action{Question: q})
	}
	switch strings.ToLower(line) {
	case "plus", "more", "voir plus", "show more", "la suite", "suite":
		if last.Kind == bot.OrderList && last.List.Total > len(last.List.Orders) {
			q := last.Question
			if last.Subject.Customer.ID != 0 {
				q.CustomerID = last.Subject.Customer.ID
			}
			return a.Act(ctx, who, bot.Action{Question: q, Limit: bot.MaxListLimit})
		}
	}
	return a.Ask(ctx, who, line)
}

// questionLog is the audit log of a command: the store's, with its
// failures reported on stderr.
type questionLog = postgres.QuestionLog

func newQuestionLog(st *store, stderr io.Writer) *questionLog {
	return postgres.NewQuestionLog(st.Store, func(err error) { fmt.Fprintln(stderr, "orderbot: audit log:", err) })
}
