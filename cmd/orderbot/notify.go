package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/orderapi"
)

// notifyOptions reads the digest and alerts settings.
func notifyOptions(cfg config.Config, now func() time.Time) (notify.Options, error) {
	loc, err := time.LoadLocation(cfg.Digest.Timezone)
	if err != nil {
		return notify.Options{}, fmt.Errorf("digest.timezone: %w", err)
	}
	days, err := config.ParseDays(cfg.Digest.Days)
	if err != nil {
		return notify.Options{}, fmt.Errorf("digest.days: %w", err)
	}
	dh, dm, err := config.ParseClock(cfg.Digest.Time)
	if err != nil {
		return notify.Options{}, fmt.Errorf("digest.time: %w", err)
	}
	sh, sm, err := config.ParseClock(cfg.Digest.SummaryTime)
	if err != nil {
		return notify.Options{}, fmt.Errorf("digest.summary_time: %w", err)
	}
	holidays, err := config.ParseHolidays(cfg.Alerts.Holidays)
	if err != nil {
		return notify.Options{}, fmt.Errorf("alerts.holidays: %w", err)
	}
	return notify.Options{
		Digest:         notify.Schedule{Days: days, Hour: dh, Minute: dm, Loc: loc},
		Summary:        notify.Schedule{Days: days, Hour: sh, Minute: sm, Loc: loc},
		SummaryChannel: cfg.Digest.SummaryChannel,
		StalledAfter:   time.Duration(cfg.Digest.StalledDays) * 24 * time.Hour,
		SkipEmpty:      cfg.Digest.WhenEmpty == "skip",
		SkipMissed:     cfg.Digest.Missed == "skip",
		MaxTries:       cfg.Alerts.MaxTries,
		Top:            cfg.Alerts.Top,
		EscalateAfter:  cfg.Alerts.EscalateAfterDays,
		Working:        notify.WorkingDays{Days: days, Holidays: holidays, Loc: loc},
		Language:       orders.Language(cfg.Bot.Language),
		Releasable:     releasable(cfg),
		Now:            now,
	}, nil
}

// releasable are the statuses of release.routes: alerts offer to ask for
// the release of an order blocked in one.
func releasable(cfg config.Config) notify.Releasable {
	out := notify.Releasable{}
	for status := range cfg.Release.Routes {
		out[orders.Status(status)] = true
	}
	return out
}

// asOf returns the moment --date names: the scheduled time of that day,
// or now.
func asOf(date string, s notify.Schedule) (time.Time, error) {
	if date == "" {
		return time.Now(), nil
	}
	d, err := time.ParseInLocation(time.DateOnly, date, s.Loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("--date %q is not a day (want YYYY-MM-DD)", date)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), s.Hour, s.Minute, 0, 0, s.Loc), nil
}

// previewing opens what a preview needs (the store, a notifier that posts
// nothing) as of the day --date names in the schedule, and runs fn.
func previewing(ctx context.Context, e env, load func() (config.Config, error), date string,
	schedule func(notify.Options) notify.Schedule, fn func(*store, *notify.Notifier, notify.Options, time.Time) error) error {
	cfg, err := load()
	if err != nil {
		return err
	}
	opt, err := notifyOptions(cfg, time.Now)
	if err != nil {
		return err
	}
	at, err := asOf(date, schedule(opt))
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, e, false, false)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st, notify.New(st, nil, consoleLogger(cfg, e.stderr), opt), opt, at)
}

func digestCommand(e env, load func() (config.Config, error)) *cobra.Command {
	cmd := &cobra.Command{Use: "digest", Short: "Preview or send the reps' digests"}
	var rep, date string
	preview := &cobra.Command{
		Use:   "preview --rep EMAIL [--date YYYY-MM-DD]",
		Short: "Print a rep's digest as console text, without posting it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return previewing(cmd.Context(), e, load, date, func(o notify.Options) notify.Schedule { return o.Digest },
				func(st *store, n *notify.Notifier, opt notify.Options, at time.Time) error {
					p, err := st.PersonByEmail(cmd.Context(), rep)
					if err != nil {
						return fmt.Errorf("--rep: %w", err)
					}
					dg, err := n.DigestOf(cmd.Context(), p, at)
					if err != nil {
						return err
					}
					_, err = fmt.Fprint(e.stdout, dg.Message().Console)
					return err
				})
		},
	}
	preview.Flags().StringVar(&rep, "rep", "", "e-mail address of the rep")
	preview.Flags().StringVar(&date, "date", "", "the day of the digest (default: now)")
	_ = preview.MarkFlagRequired("rep")

	var runDate string
	run := &cobra.Command{
		Use:   "run [--date YYYY-MM-DD]",
		Short: "Send what is due: alerts, digests and the summary; nothing is posted twice",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			if err := cfg.RequireSlack(); err != nil {
				return err
			}
			opt, err := notifyOptions(cfg, time.Now)
			if err != nil {
				return err
			}
			at, err := asOf(runDate, opt.Digest)
			if err != nil {
				return err
			}
			if runDate != "" {
				// Posting a day's digest before its time would claim it
				// with what is known so far, and the real one would never
				// go out.
				if at.After(time.Now()) {
					return fmt.Errorf("--date %s: its digest time, %s, has not come yet (digest preview shows it)",
						runDate, at.Format("2006-01-02 15:04 MST"))
				}
				opt.Now = func() time.Time { return at }
			}
			st, err := openStore(cmd.Context(), cfg, e, false, false)
			if err != nil {
				return err
			}
			defer st.Close()
			log := newLogger(cfg, e.stderr)
			api, httpClient := slackClient(cfg, nil)
			poster := slackapp.NewPoster(api, httpClient, func(err error) { log.Error("Slack refused the token", "err", err) })
			return notify.New(st, slackapp.NewNotifications(api, poster), log, opt).RunDue(cmd.Context())
		},
	}
	run.Flags().StringVar(&runDate, "date", "", "run as of that day's digest time (default: now)")
	cmd.AddCommand(preview, run)
	return cmd
}

func summaryCommand(e env, load func() (config.Config, error)) *cobra.Command {
	cmd := &cobra.Command{Use: "summary", Short: "Preview the managers' summary"}
	var date, chart string
	preview := &cobra.Command{
		Use:   "preview [--date YYYY-MM-DD] [--chart FILE]",
		Short: "Print the managers' summary as console text and write its chart",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return previewing(cmd.Context(), e, load, date, func(o notify.Options) notify.Schedule { return o.Summary },
				func(_ *store, n *notify.Notifier, _ notify.Options, at time.Time) error {
					sm, err := n.Summary(cmd.Context(), at.Add(-24*time.Hour), at)
					if err != nil {
						return err
					}
					png, err := sm.Chart()
					if err != nil {
						return err
					}
					if err := os.WriteFile(chart, png, 0o644); err != nil {
						return fmt.Errorf("--chart: %w", err)
					}
					_, err = fmt.Fprintf(e.stdout, "%s\nChart: %s\n", sm.Message().Console, chart)
					return err
				})
		},
	}
	preview.Flags().StringVar(&date, "date", "", "the day of the summary (default: now)")
	preview.Flags().StringVar(&chart, "chart", "summary.png", "where to write the chart (PNG)")
	cmd.AddCommand(preview)
	return cmd
}

func alertsCommand(e env, load func() (config.Config, error)) *cobra.Command {
	cmd := &cobra.Command{Use: "alerts", Short: "Where the block alerts stand"}
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Count the alerts waiting, being sent, sent and failed, with why they failed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			st, err := openStore(cmd.Context(), cfg, e, false, false)
			if err != nil {
				return err
			}
			defer st.Close()
			return alertsStatus(cmd.Context(), st, e)
		},
	})
	cmd.AddCommand(alertsHistoryCommand(e, load))
	return cmd
}

func alertsStatus(ctx context.Context, st *store, e env) error {
	s, err := st.AlertsStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "waiting %d, being sent %d, sent %d, failed %d\n", s.Pending, s.Sending, s.Sent, s.Failed)
	for _, d := range s.FailedDeliveries {
		fmt.Fprintf(e.stdout, "failed: %s to %s after %d tries: %s\n", d.Key, d.Channel, d.Tries, d.LastError)
	}
	return nil
}

func apiCommand(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "api", Short: "Tools for the push API"}
	cmd.AddCommand(&cobra.Command{
		Use:   "hash-token TOKEN",
		Short: "Print what api.token_hashes holds of a token (its SHA-256)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(e.stdout, orderapi.HashToken(args[0]))
			return err
		},
	})
	return cmd
}
