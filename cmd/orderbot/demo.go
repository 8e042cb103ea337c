package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

func demoCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Talk with orderbot about its sample portfolio, no Slack account needed",
		Long: `Loads the sample portfolio of a French distributor (into a private
throwaway PostgreSQL cluster when no database.url is set), shows a few
questions sales reps ask and their answers, then opens the console chat as
a sample sales rep. Type questions as you would in Slack; an empty line
ends.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			return runDemo(cmd.Context(), cfg, e, as)
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "e-mail address or Slack user ID of the sample person to be (default: a sales rep)")
	return cmd
}

func runDemo(ctx context.Context, cfg config.Config, e env, as string) error {
	// Each slow step gets a line on stderr: on a first run the cluster,
	// the schema and the load take several seconds.
	noMigrate := cfg
	noMigrate.Database.MigrateOnStart = false
	st, err := openStore(ctx, noMigrate, e, true, false)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(e.stderr, "migrating the database schema")
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	now := time.Now()
	data := sample.Demo(now)
	empty, err := st.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("the database at database.url already holds orders: the demo loads its sample portfolio only into an empty database")
	}
	fmt.Fprintf(e.stderr, "loading the sample portfolio (%d orders)\n", len(data.Orders))
	err = st.InTx(ctx, func(tx *postgres.Store) error {
		if err := data.Load(ctx, tx); err != nil {
			return err
		}
		return tx.RecordLoad(ctx, "sample portfolio", now, len(data.Orders))
	})
	if err != nil {
		return fmt.Errorf("load the sample portfolio: %w", err)
	}
	var me orders.Person
	for _, p := range data.People {
		if (as == "" && p.Role == orders.RoleRep) || (as != "" && (p.Email == as || p.SlackUserID == as)) {
			me = p
			break
		}
	}
	if me.Email == "" {
		listPeople(e.stderr, data.People, orders.Language(cfg.Bot.Language))
		return fmt.Errorf("--as %q is not a person of the sample directory (above)", as)
	}
	conv, err := newConversation(ctx, cfg, st, e.stderr, consoleLogger(cfg, e.stderr), nil)
	if err != nil {
		return err
	}
	defer conv.Close()
	fmt.Fprintf(e.stdout, "Sample portfolio loaded: %d people, %d customers, %d orders.\nYou are %s (%s, %s).\n\n",
		len(data.People), len(data.Customers), len(data.Orders), me.Name, me.Role, me.Email)

	who := bot.Asker{Email: me.Email, Transport: "console"}
	var twoBlocks string
	for _, t := range data.Orders {
		if len(t.Order.Blocks) >= 2 {
			twoBlocks = t.Order.Number
			break
		}
	}
	// The examples are the chat's first questions: a reply follows the
	// last of them ("2", "plus").
	talk, err := newChat(ctx, conv, who)
	if err != nil {
		return err
	}
	for _, q := range []string{
		"où en est la cde " + twoBlocks + " stp ?",
		"commandes de boulangerie dupre",
		"lefevre",
		"mes commandes bloquées",
		"commandes en rupture",
	} {
		fmt.Fprintf(e.stdout, "> %s\n", q)
		text, err := talk.reply(q)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, text)
	}
	fmt.Fprintln(e.stdout, "Your turn: ask a question (an empty line ends).")
	return talk.run(e)
}
