package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/internal/health"
	"github.com/orderbot/orderbot/internal/metrics"
	"github.com/orderbot/orderbot/orders/orderapi"
)

func serveCommand(e env, load func() (config.Config, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run orderbot as a Slack app",
		Long: `Connects to Slack (Socket Mode by default, or HTTP with slack.mode: http)
and answers mentions, direct messages, the /order and /commande slash
commands and the buttons of its answers, until interrupted (SIGINT,
SIGTERM), when it finishes the questions in hand.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load()
			if err != nil {
				return err
			}
			if err := cfg.RequireSlack(); err != nil {
				return err
			}
			return serve(cmd.Context(), cfg, e)
		},
	}
}

// newLogger returns the process's logger: JSON unless on a terminal
// (log.format auto), at log.level.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level)) // validated with the configuration
	opts := &slog.HandlerOptions{Level: level}
	text := cfg.Log.Format == "text"
	if cfg.Log.Format == "auto" {
		f, ok := w.(*os.File)
		text = ok && term.IsTerminal(int(f.Fd()))
	}
	if text {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func serve(ctx context.Context, cfg config.Config, e env) error {
	log := newLogger(cfg, e.stderr)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	st, err := openStore(ctx, cfg, e, false, false)
	if err != nil {
		return err
	}
	defer st.Close()
	m := metrics.New()
	m.BuildInfo(metrics.ReadBuild())
	m.Pool(st.Pool())
	m.Database(st)
	conv, err := newConversation(ctx, cfg, st, e.stderr, log, m)
	if err != nil {
		return err
	}
	defer conv.Close()

	api, httpClient := slackClient(cfg, m.Transport(nil))
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		if slackapp.IsFatal(err) {
			return fmt.Errorf("slack.bot_token: Slack refused it (%w): set ORDERBOT_SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-...)", err)
		}
		return fmt.Errorf("slack: auth.test at %s: %w", cfg.Slack.APIURL, err)
	}
	log.Info("slack connected", "team", auth.Team, "bot_user", auth.UserID, "mode", cfg.Slack.Mode)

	poster := slackapp.NewPoster(api, httpClient, func(err error) {
		log.Error("stopping: Slack refused the token", "err", err)
		cancel(err)
	})
	replica, actions := replicaName(), followActions(conv, st)
	log.Info("replica", "name", replica, "question_lease", cfg.Slack.QuestionLease)
	app := slackapp.New(conv.answerer, conv.renderer, poster, api, st, log, auth.UserID, withReleases(conv.releases,
		slackapp.NewNotifications(api, poster), api, log, slackapp.Options{SlashEphemeral: cfg.Slack.SlashEphemeral, OnDuplicate: m.Duplicate,
			Replica: replica, Lease: cfg.Slack.QuestionLease, OnTakeOver: func() { m.TakenOver(replica) },
			Actions: actions, OnAnswer: rememberAnswers(st, log)}))
	// Workers finish the questions in hand when serving stops: they get a
	// context of their own, cut only if finishing takes too long.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	app.Start(work)

	nopt, err := notifyOptions(cfg, time.Now)
	if err != nil {
		return err
	}
	notifications := alertsOwned(cfg, st.Store, slackapp.NewNotifications(api, poster), nopt, m.Delivery, actions, log)
	jobs, err := startJobs(context.WithoutCancel(ctx), cfg, st, slackapp.NewNotifications(api, poster), conv.renderer, log, replica, conv.releases, notifications)
	if err != nil {
		return err
	}
	defer stopJobs(jobs, log)
	push, err := orderapi.New(st, log, orderapi.Options{TokenHashes: cfg.APITokenHashes(orderapi.HashToken),
		MaxBody: cfg.API.MaxBody, Observe: m.Import})
	if err != nil {
		return err
	}

	var connected atomic.Bool
	checks := health.Checks{Ping: st.Ping, SchemaCurrent: st.SchemaCurrent}
	var verifier *slackapp.Verifier
	if cfg.Slack.Mode == "socket" {
		checks.SlackConnected = connected.Load
	} else {
		verifier = slackapp.NewVerifier(cfg.Slack.SigningSecret, nil)
	}
	srv, err := listen(cfg.Slack.HTTPAddr, routes(app, verifier, push, m, checks), log)
	if err != nil {
		return err
	}

	var background sync.WaitGroup
	background.Go(func() { forgetEvents(ctx, st, log) })
	background.Go(func() { app.TakeOver(ctx) })
	if cfg.Slack.Mode == "socket" {
		err = app.RunSocket(ctx, socketmode.New(api), connected.Store)
	} else {
		<-ctx.Done()
	}
	// Stop taking work, finish what is in hand, then stop.
	log.Info("stopping")
	shut, cancelShut := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelShut()
	if herr := srv.Shutdown(shut); herr != nil {
		log.Warn("http server shutdown", "err", herr)
	}
	finish(app, stopWork, log)
	cause := context.Cause(ctx)
	cancel(nil)
	background.Wait()
	if cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}

// slackClient returns the Slack Web API client of the configuration, and
// the HTTP client it uses (for response URLs too): bounded by a timeout,
// through transport (the metrics' instrumented one, or nil).
func slackClient(cfg config.Config, transport http.RoundTripper) (*slack.Client, *http.Client) {
	httpClient := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	opts := []slack.Option{slack.OptionAPIURL(cfg.Slack.APIURL), slack.OptionHTTPClient(httpClient)}
	if cfg.Slack.Mode == "socket" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.Slack.AppToken))
	}
	return slack.New(cfg.Slack.BotToken, opts...), httpClient
}

// listen serves handler on addr in the background.
func listen(addr string, handler http.Handler, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("slack.http_addr: %w", err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	log.Info("listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	return srv, nil
}

// notifyEvery is how often the leader replica looks for alerts to send and
// digests due.
const notifyEvery = 20 * time.Second

// shutdownGrace is how long the questions in hand may take to finish.
const shutdownGrace = 20 * time.Second

// finish waits for the questions in hand, at most shutdownGrace.
func finish(app *slackapp.App, stopWork context.CancelFunc, log *slog.Logger) {
	done := make(chan struct{})
	go func() { app.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
		log.Warn("questions in hand cut short", "after", shutdownGrace)
		stopWork()
		<-done
	}
}

// replicaName names this process in the claims it holds and its metrics:
// its host, its process ID and a random part, different for each serve
// even in one process.
func replicaName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "orderbot"
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// forgetEvents drops the questions (answered or not) older than a day,
// hourly.
func forgetEvents(ctx context.Context, st *store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := st.ForgetEvents(ctx, time.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("old Slack events not forgotten", "err", err)
		} else if n > 0 {
			log.Debug("old Slack events forgotten", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
