package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders/postgres"
)

// alertsHistoryCommand is `orderbot alerts history ORDER`: who claimed,
// snoozed, handed back or escalated the order's block alerts, who asked
// for its release and who decided, and when.
func alertsHistoryCommand(e env, load func() (config.Config, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "history ORDER",
		Short: "List who claimed, snoozed, handed back or escalated an order's block alerts, who asked for its release and who decided, and when",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			loc, err := time.LoadLocation(cfg.Digest.Timezone)
			if err != nil {
				return fmt.Errorf("digest.timezone: %w", err)
			}
			st, err := openStore(cmd.Context(), cfg, e, false, false)
			if err != nil {
				return err
			}
			defer st.Close()
			return alertsHistory(cmd.Context(), st.Store, e.stdout, args[0], loc)
		},
	}
}

// alertsHistory writes the alert history of order number, one action a
// line, in loc.
func alertsHistory(ctx context.Context, st *postgres.Store, w io.Writer, number string, loc *time.Location) error {
	o, err := st.OrderByNumber(ctx, number)
	if err != nil {
		return err
	}
	acts, err := st.AlertActions(ctx, o.Number)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s · %s · %s since %s\n", o.Number, flat(o.Customer.Name), o.Status,
		o.StatusSince.In(loc).Format("2006-01-02 15:04"))
	if len(acts) == 0 {
		fmt.Fprintln(w, "nobody acted on its alerts")
	}
	for _, a := range acts {
		by := "orderbot"
		if a.By.ID != 0 {
			by = flat(a.By.Name)
		}
		line := fmt.Sprintf("%s  %-8s  %s", a.At.In(loc).Format("2006-01-02 15:04"), a.Action, by)
		switch {
		case a.To.ID != 0:
			line += " → " + flat(a.To.Name)
		case a.Action == postgres.ActionRelease:
			line += " → nobody"
		}
		if a.Until != nil {
			line += " until " + a.Until.Format(time.DateOnly)
		}
		fmt.Fprintln(w, line)
	}
	return releaseHistory(ctx, st, w, o.ID, loc)
}

// releaseHistory writes the release requests of order id, each asked and,
// once decided, its decision, one a line, in loc.
func releaseHistory(ctx context.Context, st *postgres.Store, w io.Writer, id int64, loc *time.Location) error {
	reqs, err := st.ReleaseRequests(ctx, postgres.ReleaseFilter{OrderIDs: []int64{id}})
	if err != nil {
		return err
	}
	for _, r := range reqs {
		line := fmt.Sprintf("%s  release asked of %s  %s", r.RequestedAt.In(loc).Format("2006-01-02 15:04"), r.Block, flat(r.Requester.Name))
		if r.Reason != "" {
			line += ": " + flat(r.Reason)
		}
		fmt.Fprintln(w, line)
		if r.DecidedAt == nil {
			continue
		}
		line = fmt.Sprintf("%s  release %s  %s", r.DecidedAt.In(loc).Format("2006-01-02 15:04"), r.State, flat(r.Decider.Name))
		if r.DecisionReason != "" {
			line += ": " + flat(r.DecisionReason)
		}
		fmt.Fprintln(w, line)
	}
	return nil
}

// flat keeps text from the ERP or the directory on one line.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
