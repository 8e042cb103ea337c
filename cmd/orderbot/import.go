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
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
	"github.com/orderbot/orderbot/orders/postgres"
)

func importCommand(e env, load func() (config.Config, error)) *cobra.Command {
	cmd := &cobra.Command{Use: "import", Short: "Import the ERP's open-order export, its order lines, its credit positions, or the people directory"}
	cmd.AddCommand(importOrdersCommand(e, load), importLinesCommand(e, load), importCreditCommand(e, load), importPeopleCommand(e, load))
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
incremental mode orders are only added and updated. An export older (by
--as-of) than the last one applied through the same profile is refused, as
it would roll the portfolio back, unless --force.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			return interrupted(cmd.Context(), args[0], runImportOrders(cmd.Context(), cfg, e, args[0], opt))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.profile, "profile", "", "profile of the export (import.profiles.NAME)")
	f.StringVar(&opt.mode, "mode", "snapshot", "snapshot (the file is the whole open portfolio) or incremental")
	f.BoolVar(&opt.dryRun, "dry-run", false, "show what would change, write nothing")
	f.StringVar(&opt.asOf, "as-of", "", "when the ERP extracted the data (RFC 3339, or YYYY-MM-DD HH:MM in bot.timezone); default: the moment the import starts applying")
	f.BoolVar(&opt.force, "force", false, "apply the export even if it is older than the last one imported through the profile, or, as a snapshot, closes more than import.max_close_share of the open orders")
	f.BoolVarP(&opt.verbose, "verbose", "v", false, "also show how long each step took")
	_ = cmd.MarkFlagRequired("profile")
	return cmd
}

func runImportOrders(ctx context.Context, cfg config.Config, e env, path string, opt importOptions) error {
	if opt.mode != "snapshot" && opt.mode != "incremental" {
		return fmt.Errorf("--mode %q: want snapshot or incremental", opt.mode)
	}
	profile, zone, asOf, err := importSettings(cfg, opt)
	if err != nil {
		return err
	}
	// A FIFO or a device is refused before anything reads it.
	f, err := openRegular(path)
	if err != nil {
		return err
	}
	f.Close()
	r, err := ingest.OpenContext(ctx, path, profile, cfg.Import.Limits())
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
	req := postgres.ImportRequest{
		Source: path, SHA256Of: hashMeanwhile(ctx, path), Profile: opt.profile, Snapshot: opt.mode == "snapshot",
		AsOf: asOf, RefuseOlder: true, Zone: zone, MaxCloseShare: cfg.Import.MaxCloseShare, Force: opt.force, DryRun: opt.dryRun,
		PeopleBy: profile.PeopleBy, NumberColumn: profile.Columns["number"], MaxProblems: cfg.Import.MaxErrors,
	}
	read := r.Next
	// The rows of a daily export that name an open order last imported
	// from the same row are left unread (see ingest.Reader.SkipWhen).
	req.SkipRows = r.SkipWhen
	var lines *postgres.LinesReport
	if profile.LineLevel() {
		// One order per number, its lines written in the same transaction
		// from a second reading of the file.
		read = r.Groups().Next
		req.SkipRows = nil // an order is several rows: each is read
		lines = &postgres.LinesReport{}
		req.Then = func(ctx context.Context, tx *postgres.Store, rep *postgres.ImportReport) error {
			var err error
			*lines, err = replaceFileLines(ctx, tx, cfg, path, profile, req, rep)
			return err
		}
	}
	if req.Then, err = planFollows(st, cfg.Bot.Access != "all", req.Then); err != nil {
		return err
	}
	start := time.Now()
	rep, err := st.ImportOrders(ctx, req, collectRows(ctx, read, cfg.Import.MaxErrors, bar, r.Progress))
	bar.finish()
	if err != nil {
		return importError(err)
	}
	printImportReport(e.stdout, rep, opt, zone, time.Since(start))
	if lines != nil {
		printLinesCounts(e.stdout, *lines, opt.dryRun)
	}
	return nil
}

// replaceFileLines reads the lines of a line-level orders export at path
// and replaces those of its orders, within the orders import rep.
func replaceFileLines(ctx context.Context, tx *postgres.Store, cfg config.Config, path string, profile ingest.Profile,
	req postgres.ImportRequest, rep *postgres.ImportReport) (postgres.LinesReport, error) {
	src, closeAll, err := reopenable(func() (func() (postgres.LineRow, error), func() error, error) {
		r, err := ingest.OpenContext(ctx, path, profile, cfg.Import.Limits())
		if err != nil {
			return nil, nil, err
		}
		read := func() (postgres.LineRow, error) {
			e, l, err := r.NextWithLine()
			return postgres.LineRow{Row: e.Line, Order: e.Number, Line: l}, err
		}
		return collectRows(ctx, read, cfg.Import.MaxErrors, &progress{}, r.Progress), r.Close, nil
	})
	defer closeAll()
	if err != nil {
		return postgres.LinesReport{}, err
	}
	return tx.ReplaceOrderLines(ctx, req, rep, src)
}

// collectRows reads rows through read for an import: a bad row is
// collected (up to max of them) and reading goes on; at the end, the bad
// rows are the error, one *orders.InputErrors, or else io.EOF. The bar
// follows progress; reading stops when ctx ends.
func collectRows[T any](ctx context.Context, read func() (T, error), max int, bar *progress, progress func() (int64, int64)) func() (T, error) {
	var problems []orders.InputProblem
	more := 0
	return func() (T, error) {
		for {
			if err := ctx.Err(); err != nil {
				var zero T
				return zero, err
			}
			row, err := read()
			var bad *ingest.RowError
			switch {
			case errors.As(err, &bad):
				if len(problems) < max {
					problems = append(problems, orders.InputProblem{Line: bad.Line, Text: bad.Error()})
				} else {
					more++
				}
				continue
			case errors.Is(err, io.EOF):
				bar.finish()
				if len(problems) > 0 {
					return row, &orders.InputErrors{Problems: problems, More: more}
				}
				return row, io.EOF
			case err != nil:
				return row, err
			}
			bar.set(progress())
			return row, nil
		}
	}
}

// importBasics returns what every import of path needs: the profile
// --profile names, the time zone of times, the time --as-of gives and the
// file's SHA-256.
func importBasics(ctx context.Context, cfg config.Config, path string, opt importOptions) (ingest.Profile, *time.Location, time.Time, string, error) {
	profile, zone, asOf, err := importSettings(cfg, opt)
	if err != nil {
		return profile, nil, time.Time{}, "", err
	}
	sum, err := fileSHA256(ctx, path)
	return profile, zone, asOf, sum, err
}

// importSettings returns the profile --profile names, the time zone of
// times and the time --as-of gives.
func importSettings(cfg config.Config, opt importOptions) (ingest.Profile, *time.Location, time.Time, error) {
	profile, ok := cfg.Import.Profiles[opt.profile]
	if !ok {
		return profile, nil, time.Time{}, fmt.Errorf("no import profile %q in the configuration (import.profiles has: %s)", opt.profile, profileNames(cfg))
	}
	zone, err := time.LoadLocation(cfg.Bot.Timezone)
	if err != nil {
		return profile, nil, time.Time{}, fmt.Errorf("bot.timezone: %w", err)
	}
	asOf, err := parseAsOf(opt.asOf, zone)
	if err != nil {
		return profile, nil, time.Time{}, err
	}
	return profile, zone, asOf, nil
}

// hashMeanwhile starts computing the SHA-256 of the file at path, and
// returns the function that waits for it: an import reads the file
// meanwhile, rather than after a first reading of its own.
func hashMeanwhile(ctx context.Context, path string) func() (string, error) {
	var sum string
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		sum, err = fileSHA256(ctx, path)
	}()
	return func() (string, error) {
		<-done
		return sum, err
	}
}

// interrupted tells that a signal (Ctrl-C, SIGTERM: they cancel ctx)
// stopped the import of path before it was applied, rather than the error
// of whichever step it stopped.
func interrupted(ctx context.Context, path string, err error) error {
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("the import of %s was interrupted: nothing was imported", path)
	}
	return err
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

// printImportReport tells what an import did, or, dry, would do: every
// count of a dry run says "would".
func printImportReport(w io.Writer, rep postgres.ImportReport, opt importOptions, zone *time.Location, took time.Duration) {
	if opt.dryRun {
		fmt.Fprintf(w, "Dry run, nothing written. %d rows read (%s) in %s: %d would be created, %d would be updated, %d would stay unchanged, %d would be closed.\n",
			rep.Rows, opt.mode, took.Round(time.Millisecond), rep.Created, rep.Updated, rep.Unchanged, rep.Closed)
	} else {
		fmt.Fprintf(w, "Imported %d rows (%s) in %s: %d new, %d updated, %d unchanged, %d closed.\n",
			rep.Rows, opt.mode, took.Round(time.Millisecond), rep.Created, rep.Updated, rep.Unchanged, rep.Closed)
	}
	would := func(dry, done string) string {
		if opt.dryRun {
			return dry
		}
		return done
	}
	if len(rep.Transitions) > 0 {
		var parts []string
		for _, s := range orders.Statuses() {
			if n := rep.Transitions[s]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", s, n))
			}
		}
		fmt.Fprintf(w, "%s: %s.\n", would("Orders that would enter each status", "Orders entering each status"), strings.Join(parts, ", "))
	}
	switch {
	case rep.FirstLoad:
		fmt.Fprintf(w, "First load of the portfolio: no alert %s for orders already blocked.\n", would("would be queued", "queued"))
	case rep.Alerts > 0:
		fmt.Fprintf(w, "%s: %d.\n", would("Alerts that would be queued", "Alerts queued"), rep.Alerts)
	}
	for _, f := range rep.Forced {
		switch f {
		case "older":
			fmt.Fprintf(w, "%s with --force: as of %s, before the last import of profile %s (%s, as of %s).\n",
				would("Would be applied", "Applied"), rep.AsOf.In(zone).Format("2006-01-02 15:04:05 MST"), opt.profile,
				rep.Previous.Source, rep.Previous.AsOf.In(zone).Format("2006-01-02 15:04:05 MST"))
		case "close_share":
			fmt.Fprintf(w, "%s with --force: closes more than import.max_close_share of the open orders.\n",
				would("Would be applied", "Applied"))
		}
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
		fmt.Fprintf(w, "%d people the directory lacks %s as placeholders (complete them with `orderbot import people`): %s",
			n, would("would be created", "were created"), strings.Join(shown, ", "))
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

// parseAsOf reads --as-of: RFC 3339, or a local date and time in zone.
// No --as-of is the zero time: the store takes its clock's once the import
// holds its lock, so that imports queued together apply in order.
func parseAsOf(s string, zone *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--as-of %q: want a time like 2026-11-27T06:00:00+01:00 or 2026-11-27 06:00", s)
}

// fileSHA256 returns the SHA-256 of the regular file at path, in hex,
// reading until ctx ends.
func fileSHA256(ctx context.Context, path string) (string, error) {
	f, err := openRegular(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum, err := streamSHA256(ctx, f)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return sum, nil
}

// openRegular opens path for reading if it is a regular file. A FIFO or a
// device (/dev/zero) never ends: it is refused before anything reads it.
// O_NONBLOCK keeps the opening of a FIFO from waiting for a writer; it
// changes nothing for a regular file.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, ingest.FileKind(info.Mode()))
	}
	return f, nil
}

// streamSHA256 returns the SHA-256 of what r yields, in hex. It stops when
// ctx ends: a large file is not hashed to its end after Ctrl-C.
func streamSHA256(ctx context.Context, r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx: ctx, r: r}); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ctxReader reads r until ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
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
			return interrupted(cmd.Context(), args[0], runImportPeople(cmd.Context(), cfg, e, args[0], dryRun))
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would change, write nothing")
	return cmd
}

func runImportPeople(ctx context.Context, cfg config.Config, e env, path string, dryRun bool) error {
	sum, err := fileSHA256(ctx, path)
	if err != nil {
		return err
	}
	people, err := ingest.ReadPeopleContext(ctx, path, cfg.Import.PeopleOptions())
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
	if dryRun {
		fmt.Fprintf(e.stdout, "Dry run, nothing written. %d people read: %d would be created, %d would be updated, %d placeholders would be completed, %d would stay unchanged.\n",
			rep.Rows, rep.Created, rep.Updated, rep.Completed, rep.Unchanged)
		return nil
	}
	fmt.Fprintf(e.stdout, "Imported %d people: %d new, %d updated, %d placeholders completed, %d unchanged.\n",
		rep.Rows, rep.Created, rep.Updated, rep.Completed, rep.Unchanged)
	return nil
}
