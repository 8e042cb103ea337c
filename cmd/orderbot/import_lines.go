package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders/ingest"
	"github.com/orderbot/orderbot/orders/postgres"
)

// kindFlags adds the flags `import lines` and `import credit` share with
// `import orders`.
func kindFlags(cmd *cobra.Command, opt *importOptions) {
	f := cmd.Flags()
	f.StringVar(&opt.profile, "profile", "", "profile of the export (import.profiles.NAME)")
	f.BoolVar(&opt.dryRun, "dry-run", false, "show what would change, write nothing")
	f.StringVar(&opt.asOf, "as-of", "", "when the ERP extracted the data (RFC 3339, or YYYY-MM-DD HH:MM in bot.timezone); default: the moment the import starts applying")
	f.BoolVar(&opt.force, "force", false, "apply the export even if it is older than the last one imported through the profile")
	f.BoolVarP(&opt.verbose, "verbose", "v", false, "also show how long each step took")
	_ = cmd.MarkFlagRequired("profile")
}

func importLinesCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var opt importOptions
	cmd := &cobra.Command{
		Use:   "lines FILE",
		Short: "Import an export of order lines (CSV or XLSX) through a profile of kind lines",
		Long: `Reads FILE, an export of the ERP's order lines (item, quantities ordered,
available and shipped, restock date, carrier and tracking number), through the
profile NAME of the configuration (import.profiles.NAME, kind: lines), and
replaces the lines of every order it names, in one transaction. Lines of
orders the portfolio lacks (invoiced long ago, or not imported yet) are
counted and skipped. Changes of a line's quantities or restock date are kept
in the table line_history. An export older (by --as-of) than the last one
applied through the same profile is refused, unless --force.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			return interrupted(cmd.Context(), args[0], runImportLines(cmd.Context(), cfg, e, args[0], opt))
		},
	}
	kindFlags(cmd, &opt)
	return cmd
}

func runImportLines(ctx context.Context, cfg config.Config, e env, path string, opt importOptions) error {
	profile, zone, asOf, sum, err := importBasics(ctx, cfg, path, opt)
	if err != nil {
		return err
	}
	bar := newProgress(e, "importing "+filepath.Base(path))
	open := func() (func() (postgres.LineRow, error), func() error, error) {
		r, err := ingest.OpenLines(ctx, path, profile, cfg.Import.Limits())
		if err != nil {
			return nil, nil, err
		}
		read := func() (postgres.LineRow, error) {
			l, err := r.Next()
			return postgres.LineRow{Row: l.Row, Order: l.Order, Line: l.Line}, err
		}
		return collectRows(ctx, read, cfg.Import.MaxErrors, bar, r.Progress), r.Close, nil
	}
	src, closeAll, err := reopenable(open)
	if err != nil {
		return importError(err)
	}
	defer closeAll()
	st, err := openStore(ctx, cfg, e, false, false)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	rep, err := st.ImportLines(ctx, kindRequest(cfg, path, sum, asOf, zone, opt), src)
	bar.finish()
	if err != nil {
		return importError(err)
	}
	w := e.stdout
	if opt.dryRun {
		fmt.Fprintf(w, "Dry run, nothing written. %d lines read in %s.\n", rep.Rows, time.Since(start).Round(time.Millisecond))
	} else {
		fmt.Fprintf(w, "Imported %d lines in %s.\n", rep.Rows, time.Since(start).Round(time.Millisecond))
	}
	printLinesCounts(w, rep, opt.dryRun)
	printKindRun(w, rep.AsOf, rep.Forced, rep.Previous, rep.Phases, opt, zone)
	return nil
}

// reopenable makes a LineSource of a file that open opens (returning its
// reader and how to close it), opened once now and again on demand;
// closeAll closes every opening.
func reopenable(open func() (func() (postgres.LineRow, error), func() error, error)) (src postgres.LineSource, closeAll func(), err error) {
	var closers []func() error
	closeAll = func() {
		for _, c := range closers {
			_ = c()
		}
	}
	reopen := func() (func() (postgres.LineRow, error), error) {
		next, closer, err := open()
		if err != nil {
			return nil, err
		}
		closers = append(closers, closer)
		return next, nil
	}
	next, err := reopen()
	if err != nil {
		return src, closeAll, err
	}
	return postgres.LineSource{Next: next, Reopen: reopen}, closeAll, nil
}

// kindRequest is the request of a lines or credit import.
func kindRequest(cfg config.Config, path, sum string, asOf time.Time, zone *time.Location, opt importOptions) postgres.ImportRequest {
	return postgres.ImportRequest{Source: path, SHA256: sum, Profile: opt.profile, AsOf: asOf, RefuseOlder: true, Zone: zone,
		Force: opt.force, DryRun: opt.dryRun, MaxProblems: cfg.Import.MaxErrors}
}

// printLinesCounts tells what a lines import did to the lines, or, dry,
// would do.
func printLinesCounts(w io.Writer, rep postgres.LinesReport, dry bool) {
	would := func(dryText, done string) string {
		if dry {
			return dryText
		}
		return done
	}
	fmt.Fprintf(w, "Lines of %d orders %s: %d new, %d updated, %d unchanged, %d removed.\n",
		rep.Orders, would("would be replaced", "replaced"), rep.Created, rep.Updated, rep.Unchanged, rep.Removed)
	switch {
	case rep.Skipped == 1:
		fmt.Fprintf(w, "1 line of an order the portfolio lacks (invoiced long ago, or not imported yet) %s: %s.\n",
			would("would be skipped", "was skipped"), namedList(rep.SkippedOrders, rep.Skipped))
	case rep.Skipped > 1:
		fmt.Fprintf(w, "%d lines of orders the portfolio lacks (invoiced long ago, or not imported yet) %s: %s.\n",
			rep.Skipped, would("would be skipped", "were skipped"), namedList(rep.SkippedOrders, rep.Skipped))
	}
}

// namedList lists the first few names of n things.
func namedList(names []string, n int) string {
	list := strings.Join(names, ", ")
	if n > len(names) && len(names) > 0 {
		list += ", …"
	}
	return list
}

// printKindRun tells what --force overrode and, with -v, the steps' times.
func printKindRun(w io.Writer, asOf time.Time, forced []string, prev postgres.ImportRun, phases []postgres.Phase, opt importOptions, zone *time.Location) {
	for _, f := range forced {
		if f == "older" {
			applied := "Applied"
			if opt.dryRun {
				applied = "Would be applied"
			}
			fmt.Fprintf(w, "%s with --force: as of %s, before the last import of profile %s (%s, as of %s).\n",
				applied, asOf.In(zone).Format("2006-01-02 15:04:05 MST"), opt.profile,
				prev.Source, prev.AsOf.In(zone).Format("2006-01-02 15:04:05 MST"))
		}
	}
	if opt.verbose {
		var parts []string
		for _, p := range phases {
			parts = append(parts, fmt.Sprintf("%s %s", p.Name, p.Took.Round(time.Millisecond)))
		}
		fmt.Fprintf(w, "Steps: %s.\n", strings.Join(parts, ", "))
	}
}

func importCreditCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var opt importOptions
	cmd := &cobra.Command{
		Use:   "credit FILE",
		Short: "Import an export of customers' credit positions (CSV or XLSX) through a profile of kind credit",
		Long: `Reads FILE, an export of the customers' credit positions (credit limit,
exposure, overdue amount and since when, account hold), through the profile
NAME of the configuration (import.profiles.NAME, kind: credit), and gives each
customer it names that position, in one transaction. Customers the portfolio
lacks are counted and skipped; customers the file does not name keep theirs.
Every position given is kept in the table credit_history. An export older (by
--as-of) than the last one applied through the same profile is refused,
unless --force.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			return interrupted(cmd.Context(), args[0], runImportCredit(cmd.Context(), cfg, e, args[0], opt))
		},
	}
	kindFlags(cmd, &opt)
	return cmd
}

func runImportCredit(ctx context.Context, cfg config.Config, e env, path string, opt importOptions) error {
	profile, zone, asOf, sum, err := importBasics(ctx, cfg, path, opt)
	if err != nil {
		return err
	}
	r, err := ingest.OpenCredit(ctx, path, profile, cfg.Import.Limits())
	if err != nil {
		return importError(err)
	}
	defer r.Close()
	st, err := openStore(ctx, cfg, e, false, false)
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgress(e, "importing "+filepath.Base(path))
	read := func() (postgres.CreditRow, error) {
		c, err := r.Next()
		return postgres.CreditRow{Row: c.Row, CustomerCode: c.CustomerCode, Credit: c.Credit}, err
	}
	start := time.Now()
	rep, err := st.ImportCredit(ctx, kindRequest(cfg, path, sum, asOf, zone, opt), collectRows(ctx, read, cfg.Import.MaxErrors, bar, r.Progress))
	bar.finish()
	if err != nil {
		return importError(err)
	}
	w, took := e.stdout, time.Since(start).Round(time.Millisecond)
	if opt.dryRun {
		fmt.Fprintf(w, "Dry run, nothing written. %d credit positions read in %s: %d would be new, %d would be updated, %d would stay unchanged.\n",
			rep.Rows, took, rep.Created, rep.Updated, rep.Unchanged)
	} else {
		fmt.Fprintf(w, "Imported %d credit positions in %s: %d new, %d updated, %d unchanged.\n",
			rep.Rows, took, rep.Created, rep.Updated, rep.Unchanged)
	}
	if rep.Skipped > 0 {
		what, skipped := fmt.Sprintf("%d positions of customers the portfolio lacks", rep.Skipped), "were skipped"
		if rep.Skipped == 1 {
			what, skipped = "1 position of a customer the portfolio lacks", "was skipped"
		}
		if opt.dryRun {
			skipped = "would be skipped"
		}
		fmt.Fprintf(w, "%s %s: %s.\n", what, skipped, namedList(rep.SkippedCustomers, rep.Skipped))
	}
	printKindRun(w, rep.AsOf, rep.Forced, rep.Previous, rep.Phases, opt, zone)
	return nil
}
