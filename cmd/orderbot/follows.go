package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/follow"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// jobKinds is one part of orderbot's outbound work on the queue serve
// runs: its workers, its periodic jobs, and the queue handed back to it
// before the queue starts (to insert jobs from its workers).
type jobKinds interface {
	AddWorkers(workers *river.Workers)
	Periodic() []*river.PeriodicJob
	Use(jobs *postgres.Jobs)
}

// startJobs starts the queue of outbound work serve runs on the store
// (River): the followers' notices and the planning of imports for them,
// and the kinds of more. Stop it with stopJobs.
func startJobs(ctx context.Context, cfg config.Config, st *store, notes *slackapp.Notifications, renderer *render.Renderer,
	log *slog.Logger, replica string, more ...jobKinds) (*postgres.Jobs, error) {
	kinds := append([]jobKinds{follow.New(follow.Config{Store: st.Store, Slack: notes, Renderer: renderer,
		Language: orders.Language(cfg.Bot.Language), StaleAfter: cfg.Bot.StaleAfter, Log: log,
		OwnOnly: bot.Access(cfg.Bot.Access) != bot.AccessAll})}, more...)
	workers := river.NewWorkers()
	var periodic []*river.PeriodicJob
	for _, k := range kinds {
		k.AddWorkers(workers)
		periodic = append(periodic, k.Periodic()...)
	}
	jobs, err := postgres.NewJobs(st.Store, postgres.JobsConfig{Workers: workers, Periodic: periodic, Replica: replica,
		Logger: log.With("component", "jobs")})
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		k.Use(jobs)
	}
	if err := jobs.Start(ctx); err != nil {
		return nil, err
	}
	return jobs, nil
}

// jobsGrace is how long the jobs in hand may take to finish when serve
// stops; those cut short are worked again by another replica.
const jobsGrace = 10 * time.Second

// stopJobs lets the jobs in hand finish, at most jobsGrace.
func stopJobs(jobs *postgres.Jobs, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), jobsGrace)
	defer cancel()
	if err := jobs.Stop(ctx); err != nil {
		log.Warn("jobs stopped", "err", err)
	}
}

// followActions routes the Follow and Unfollow buttons of answers.
func followActions(conv *conversation, st *store) *slackapp.Actions {
	actions := slackapp.NewActions()
	actions.Handle(follow.ButtonPrefix, follow.Buttons(conv.answerer, conv.renderer, st.Store))
	return actions
}

// rememberAnswers remembers the answers about an order the asker follows,
// to be updated in place when an import changes it.
func rememberAnswers(st *store, log *slog.Logger) func(ctx context.Context, user, channel, ts string, ans bot.Answer) {
	return func(ctx context.Context, user, channel, ts string, ans bot.Answer) {
		if ans.Kind != bot.OrderFound || !ans.Following || ts == "" {
			return
		}
		if _, err := st.RememberAnswer(ctx, user, ans.Order.ID, channel, ts, ans.Lang); err != nil {
			log.Warn("answer about a followed order not remembered", "order", ans.Order.Number, "err", err)
		}
	}
}

// planFollows makes an orders import plan its followers' notices in its
// own transaction, after then (when set): the notices are due exactly
// when the import is applied.
func planFollows(st *store, ownOnly bool, then func(context.Context, *postgres.Store, *postgres.ImportReport) error) (
	func(context.Context, *postgres.Store, *postgres.ImportReport) error, error) {
	jobs, err := postgres.NewJobs(st.Store, postgres.JobsConfig{})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx *postgres.Store, rep *postgres.ImportReport) error {
		if then != nil {
			if err := then(ctx, tx, rep); err != nil {
				return err
			}
		}
		_, err := follow.PlanImport(ctx, jobs, tx, rep.RunID, ownOnly)
		return err
	}, nil
}
