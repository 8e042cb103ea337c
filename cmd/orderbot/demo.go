package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/sample"
)

func demoCommand(e env, load func() (config.Config, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Run orderbot on its sample portfolio, no Slack account needed",
		Long: `Loads the sample portfolio of a French distributor (into a private
throwaway PostgreSQL cluster when no database.url is set) and shows what
orderbot finds for the questions sales reps ask.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			return runDemo(cmd.Context(), cfg, e)
		},
	}
}

func runDemo(ctx context.Context, cfg config.Config, e env) error {
	st, err := openStore(ctx, cfg, e, true, false)
	if err != nil {
		return err
	}
	defer st.Close()
	data := sample.Portfolio(time.Now())
	empty, err := st.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("the database at database.url already holds orders: the demo loads its sample portfolio only into an empty database")
	}
	if err := st.InTx(ctx, func(tx *postgres.Store) error { return data.Load(ctx, tx) }); err != nil {
		return fmt.Errorf("load the sample portfolio: %w", err)
	}
	fmt.Fprintf(e.stdout, "Sample portfolio loaded: %d people, %d customers, %d orders.\n\n",
		len(data.People), len(data.Customers), len(data.Orders))

	d := demo{ctx: ctx, st: st, e: e, lang: orders.Language(cfg.Bot.Language)}
	// An order held for two reasons, typed the way people type it.
	for _, t := range data.Orders {
		if len(t.Order.Blocks) >= 2 {
			d.order("n° " + t.Order.Number)
			break
		}
	}
	d.customer("boulangerie dupre")
	d.customer("etablissements muller")
	d.customer("boucherie lefevre")
	d.customer("benrad")
	for _, p := range data.People {
		if p.Role == orders.RoleRep {
			d.blockedOf(p)
			break
		}
	}
	return d.err
}

// demo prints lookups over the sample portfolio; the first error stops it.
type demo struct {
	ctx  context.Context
	st   *store
	e    env
	lang orders.Language
	err  error
}

func (d *demo) ask(q string) {
	fmt.Fprintf(d.e.stdout, "%s\n> %s\n", strings.Repeat("─", 72), q)
}

func (d *demo) order(number string) {
	if d.err != nil {
		return
	}
	d.ask(number)
	o, err := d.st.OrderByNumber(d.ctx, number)
	if err != nil {
		d.err = err
		return
	}
	fmt.Fprintln(d.e.stdout, bot.PlainOrder(o, d.lang))
}

func (d *demo) customer(name string) {
	if d.err != nil {
		return
	}
	d.ask(name)
	ms, err := d.st.CustomersByName(d.ctx, name, 5)
	if err != nil {
		d.err = err
		return
	}
	m, clear := orders.ClearMatch(ms)
	if !clear {
		fmt.Fprintln(d.e.stdout, bot.PlainCandidates(ms, d.lang))
		return
	}
	l, err := d.st.OpenOrders(d.ctx, orders.OrderFilter{CustomerID: m.ID, Limit: 10})
	if err != nil {
		d.err = err
		return
	}
	fmt.Fprintf(d.e.stdout, "%s (%s)\n%s\n", m.Name, m.Code, bot.PlainList(l, d.lang))
}

func (d *demo) blockedOf(rep orders.Person) {
	if d.err != nil {
		return
	}
	d.ask(fmt.Sprintf("mes commandes bloquées (%s)", rep.Name))
	p, err := d.st.PersonByEmail(d.ctx, rep.Email)
	if err != nil {
		d.err = err
		return
	}
	lang := p.Language
	if lang == "" {
		lang = d.lang
	}
	l, err := d.st.OpenOrders(d.ctx, orders.OrderFilter{RepID: p.ID, BlockedOnly: true, Limit: 10})
	if err != nil {
		d.err = err
		return
	}
	fmt.Fprintln(d.e.stdout, bot.PlainList(l, lang))
}
