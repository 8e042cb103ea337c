package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/config"
)

func evalCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var withModel, verbose bool
	cmd := &cobra.Command{
		Use:   "eval [--llm] [-v]",
		Short: "Score how orderbot reads the evaluation set of questions",
		Long: `Reads every message of the built-in evaluation set (sales people's
questions, with the reading a colleague gives each) through the
deterministic understanding, with the vocabulary of the portfolio the set
speaks of (as orderbot has its own after an import) and without any, and
with --llm through the configured model too; prints the accuracy per
intent and per kind of question for each; -v lists the misses.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			return runEval(cmd.Context(), cfg, e, withModel, verbose)
		},
	}
	cmd.Flags().BoolVar(&withModel, "llm", false, "also read the set through the configured model (llm.base_url)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list the messages read wrongly")
	return cmd
}

func runEval(ctx context.Context, cfg config.Config, e env, withModel, verbose bool) error {
	cases, err := understand.EvalSet()
	if err != nil {
		return err
	}
	vocabulary, err := understand.EvalVocabulary()
	if err != nil {
		return err
	}
	parser, err := understand.NewWith(understand.Options{NumberPattern: cfg.Bot.OrderNumberPattern, Vocabulary: vocabulary})
	if err != nil {
		return err
	}
	bare, err := understand.New(cfg.Bot.OrderNumberPattern)
	if err != nil {
		return err
	}
	var model interface {
		Read(context.Context, string) (understand.Question, error)
	}
	if withModel {
		m := newModel(cfg, consoleLogger(cfg, e.stderr), nil)
		if m == nil {
			return fmt.Errorf("--llm: llm.base_url is not set (set ORDERBOT_LLM_BASE_URL, ORDERBOT_LLM_MODEL and ORDERBOT_LLM_API_KEY)")
		}
		model = m
	}
	fmt.Fprintf(e.stdout, "Deterministic understanding, with the portfolio's vocabulary (%d customers, %d block reasons), %d messages:\n",
		vocabulary.Customers(), vocabulary.Reasons(), len(cases))
	understand.Evaluate(cases, parser.Parse).Print(e.stdout, verbose)
	fmt.Fprintf(e.stdout, "\nDeterministic understanding, without a vocabulary (before the first import), %d messages:\n", len(cases))
	understand.Evaluate(cases, bare.Parse).Print(e.stdout, verbose)
	if model == nil {
		return nil
	}
	fmt.Fprintf(e.stdout, "\nModel %s at %s, %d messages:\n", cfg.LLM.Model, cfg.LLM.BaseURL, len(cases))
	understand.Evaluate(cases, func(text string) understand.Question {
		// The language is the words', which the rules read: the model is
		// asked what the message asks, as when answering.
		lang := parser.Parse(text).Lang
		q, err := model.Read(ctx, understand.Clean(text))
		if err != nil {
			return understand.Question{Text: text, Intent: understand.Unknown, Lang: lang}
		}
		q.Lang = lang
		return q
	}).Print(e.stdout, verbose)
	return nil
}
