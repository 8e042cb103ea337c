package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/ingest"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

func importCommand(e env, load func() (config.Config, error)) *cobra.Command {
	cmd := &cobra.Command{Use: "import", Short: "Import the ERP's open-order export, or the people directory"}
	cmd.AddCommand(importOrdersCommand(e, load), importPeopleCommand(e, load))
	return cmd
}

// importOptions are the flags of `orderbot import orders`.
type importOptions struct {
	profile string
	mode    string
	dryRun  bool
	asOf    string
	force   bool
	verbose bool
}

func importOrdersCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var opt importOptions
	cmd := &cobra.Command{
		Use:   "orders FILE",
		Short: "Import an open-order export (CSV or XLSX) through a profile",
		Long: `Reads FILE, an export of the ERP's open orders, through the profile NAME of
the configuration (import.profiles.NAME), and applies it to the portfolio in
one transaction: every status change is recorded, and each order that becomes
blocked queues an alert. In snapshot mode (the default) the file is the whole
open portfolio and the open orders it lacks are closed as invoiced; in
incremental mode orders are only added and updated.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			return runImportOrders(cmd.Context(), cfg, e, args[0], opt)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.profile, "profile", "", "profile of the export (import.profiles.NAME)")
	f.StringVar(&opt.mode, "mode", "snapshot", "snapshot (the file is the whole open portfolio) or incremental")
	f.BoolVar(&opt.dryRun, "dry-run", false, "show what would change, write nothing")
	f.StringVar(&opt.asOf, "as-of", "", "when the ERP extracted the data (RFC 3339, or YYYY-MM-DD HH:MM in bot.timezone); default now")
	f.BoolVar(&opt.force, "force", false, "apply a snapshot even if it closes more than import.max_close_share of the open orders")
	f.BoolVarP(&opt.verbose, "verbose", "v", false, "also show how long each step took")
	_ = cmd.MarkFlagRequired("profile")
	return cmd
}

func runImportOrders(ctx context.Context, cfg config.Config, e env, path string, opt importOptions) error {
	profile, ok := cfg.Import.Profiles[opt.profile]
	if !ok {
		return fmt.Errorf("no import profile %q in the configuration (import.profiles has: %s)", opt.profile, profileNames(cfg))
	}
	if opt.mode != "snapshot" && opt.mode != "incremental" {
		return fmt.Errorf("--mode %q: want snapshot or incremental", opt.mode)
	}
	asOf, err := parseAsOf(opt.asOf, cfg.Bot.Timezone)
	if err != nil {
		return err
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return err
	}
	r, err := ingest.Open(path, profile)
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
	var problems []orders.InputProblem
	more := 0
	next := func() (orders.Entry, error) {
		for {
			entry, err := r.Next()
			var bad *ingest.RowError
			switch {
			case errors.As(err, &bad):
				if len(problems) < cfg.Import.MaxErrors {
					problems = append(problems, orders.InputProblem{Line: bad.Line, Text: bad.Error()})
				} else {
					more++
				}
				continue
			case errors.Is(err, io.EOF):
				bar.finish()
				if len(problems) > 0 {
					return entry, &orders.InputErrors{Problems: problems, More: more}
				}
				return entry, io.EOF
			case err != nil:
				return entry, err
			}
			bar.set(r.Progress())
			return entry, nil
		}
	}
	start := time.Now()
	rep, err := st.ImportOrders(ctx, postgres.ImportRequest{
		Source: path, SHA256: sum, Profile: opt.profile, Snapshot: opt.mode == "snapshot",
		AsOf: asOf, MaxCloseShare: cfg.Import.MaxCloseShare, Force: opt.force, DryRun: opt.dryRun,
		PeopleBy: profile.PeopleBy, NumberColumn: profile.Columns["number"], MaxProblems: cfg.Import.MaxErrors,
	}, next)
	bar.finish()
	if err != nil {
		return importError(err)
	}
	printImportReport(e.stdout, rep, opt, time.Since(start))
	return nil
}

// importError keeps a user's error as its message alone: the file's
// problems, one a line, or the sentence saying what is wrong.
func importError(err error) error {
	var bad *orders.InputErrors
	if errors.As(err, &bad) {
		return fmt.Errorf("nothing was imported:\n%w", err)
	}
	if orders.ErrorCode(err) != orders.EInternal {
		return errors.New(orders.ErrorMessage(err))
	}
	return err
}

func printImportReport(w io.Writer, rep postgres.ImportReport, opt importOptions, took time.Duration) {
	title := "Imported"
	if opt.dryRun {
		title = "Dry run, nothing written: would import"
	}
	fmt.Fprintf(w, "%s %d rows (%s) in %s: %d new, %d updated, %d unchanged, %d closed.\n",
		title, rep.Rows, opt.mode, took.Round(time.Millisecond), rep.Created, rep.Updated, rep.Unchanged, rep.Closed)
	if len(rep.Transitions) > 0 {
		var parts []string
		for _, s := range orders.Statuses() {
			if n := rep.Transitions[s]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", s, n))
			}
		}
		fmt.Fprintf(w, "Orders entering each status: %s.\n", strings.Join(parts, ", "))
	}
	switch {
	case rep.FirstLoad:
		fmt.Fprintln(w, "First load of the portfolio: no alert for orders already blocked.")
	case rep.Alerts > 0:
		fmt.Fprintf(w, "Alerts queued: %d.\n", rep.Alerts)
	}
	if opt.verbose {
		var parts []string
		for _, p := range rep.Phases {
			parts = append(parts, fmt.Sprintf("%s %s", p.Name, p.Took.Round(time.Millisecond)))
		}
		fmt.Fprintf(w, "Steps: %s.\n", strings.Join(parts, ", "))
	}
	if n := len(rep.Placeholders); n > 0 {
		shown := rep.Placeholders[:min(n, 10)]
		fmt.Fprintf(w, "%d people the directory lacks were created as placeholders (complete them with `orderbot import people`): %s",
			n, strings.Join(shown, ", "))
		if n > len(shown) {
			fmt.Fprintf(w, " and %d more", n-len(shown))
		}
		fmt.Fprintln(w, ".")
	}
}

func profileNames(cfg config.Config) string {
	var names []string
	for n := range cfg.Import.Profiles {
		names = append(names, n)
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// parseAsOf reads --as-of: RFC 3339, or a local date and time in tz.
func parseAsOf(s, tz string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.Time{}, fmt.Errorf("bot.timezone: %w", err)
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--as-of %q: want a time like 2026-11-27T06:00:00+01:00 or 2026-11-27 06:00", s)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// progress is a progress bar on a terminal, and nothing elsewhere.
type progress struct{ bar *progressbar.ProgressBar }

func newProgress(e env, what string) *progress {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(-1, progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(what), progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())}
}

func (p *progress) set(done, total int64) {
	if p.bar == nil {
		return
	}
	if total > 0 && p.bar.GetMax64() != total {
		p.bar.ChangeMax64(total)
	}
	_ = p.bar.Set64(done)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

func importPeopleCommand(e env, load func() (config.Config, error)) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "people FILE",
		Short: "Import the people directory (CSV: email,name,role,slack_user_id,digest_channel,language)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			path := args[0]
			sum, err := fileSHA256(path)
			if err != nil {
				return err
			}
			people, err := ingest.ReadPeople(path)
			if err != nil {
				return importError(err)
			}
			st, err := openStore(ctx, cfg, e, false, false)
			if err != nil {
				return err
			}
			defer st.Close()
			rep, err := st.ImportPeople(ctx, filepath.Base(path), sum, people, dryRun)
			if err != nil {
				return importError(err)
			}
			title := "Imported"
			if dryRun {
				title = "Dry run, nothing written: would import"
			}
			fmt.Fprintf(e.stdout, "%s %d people: %d new, %d updated, %d placeholders completed, %d unchanged.\n",
				title, rep.Rows, rep.Created, rep.Updated, rep.Completed, rep.Unchanged)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would change, write nothing")
	return cmd
}
