package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders/sample"
)

func genCommand(e env, load func() (config.Config, error)) *cobra.Command {
	gc := sample.DefaultGenConfig()
	var replace bool
	var batch int
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Write a generated portfolio of any size into the configured database",
		Long: `Generates a deterministic portfolio (the same flags give the same data)
of up to 2,000,000 orders, 100,000 customers and 500 reps, and loads it with
COPY into the database at database.url, migrating it first. The database must
hold no order, unless --replace empties it first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			gen, err := sample.NewGenerator(gc)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, err := openStore(ctx, cfg, e, false, true)
			if err != nil {
				return err
			}
			defer st.Close()
			if replace {
				if err := st.Truncate(ctx); err != nil {
					return err
				}
			}
			empty, err := st.Empty(ctx)
			if err != nil {
				return err
			}
			if !empty {
				return fmt.Errorf("the database at database.url already holds orders: use --replace to empty it first")
			}
			start := time.Now()
			if err := gen.Load(ctx, st, batch); err != nil {
				return err
			}
			if err := st.Analyze(ctx); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "generated %d orders, %d customers, %d reps and %d assistants in %s\n",
				gc.Orders, gc.Customers, gc.Reps, gc.Assistants, time.Since(start).Round(time.Second))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&gc.Orders, "orders", gc.Orders, "orders to generate (most of them closed)")
	f.IntVar(&gc.Customers, "customers", gc.Customers, "customers")
	f.IntVar(&gc.Reps, "reps", gc.Reps, "sales reps")
	f.IntVar(&gc.Assistants, "assistants", gc.Assistants, "sales assistants")
	f.Float64Var(&gc.OpenShare, "open-share", gc.OpenShare, "share of orders still open")
	f.Float64Var(&gc.ActiveCustomerShare, "active-share", gc.ActiveCustomerShare, "share of customers with open orders")
	f.Int64Var(&gc.Seed, "seed", gc.Seed, "seed: the same seed gives the same portfolio")
	f.IntVar(&batch, "batch", sample.DefaultBatchSize, "orders per COPY batch")
	f.BoolVar(&replace, "replace", false, "empty the database's portfolio first")
	return cmd
}
