package main

import (
	"log/slog"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// escalateEvery is how often the leader replica looks for block alerts to
// escalate: a manager's escalation of the day goes out within this much
// of the moment the orders waited their working days.
const escalateEvery = 5 * time.Minute

// alertsOwned returns serve's notifications as a kind of work of the job
// queue (alerts, digests, the summary, escalations of the alerts nobody
// claimed), posting through notes under nopt and telling observe each
// delivery's outcome, with the buttons of block alerts (I'm on it, Snooze,
// Not mine) registered on actions.
func alertsOwned(cfg config.Config, st *postgres.Store, notes *slackapp.Notifications, nopt notify.Options,
	observe func(kind, outcome string), actions *slackapp.Actions, log *slog.Logger) *notify.Jobs {
	nopt.Observe = observe
	n := notify.New(st, notes, log, nopt)
	notify.NewOwners(st, n, notes, log, notify.OwnerOptions{OwnOnly: bot.Access(cfg.Bot.Access) != bot.AccessAll,
		Language: orders.Language(cfg.Bot.Language), Loc: nopt.Working.Loc, Top: cfg.Alerts.Top}).Register(actions)
	return n.Jobs(st, notifyEvery, escalateEvery)
}
