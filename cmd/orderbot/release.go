package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/release"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/config"
	"github.com/orderbot/orderbot/orders"
)

// newReleases returns the release requests of the configuration: its
// routes, its webhook, its follow-up of approved releases. Its Slack is
// given by releaseWiring once serve has one.
func newReleases(cfg config.Config, st *store, loc *time.Location, log *slog.Logger) *release.Releases {
	routes := map[orders.Status]release.Route{}
	for status, rt := range cfg.Release.Routes {
		routes[orders.Status(status)] = release.Route{Channel: rt.Channel, Deciders: rt.Deciders}
	}
	return release.New(release.Config{Store: st.Store, Routes: routes, OwnOnly: cfg.Bot.Access == "own",
		Language: orders.Language(cfg.Bot.Language), Location: loc,
		StaleAfter: time.Duration(cfg.Release.StaleAfterHours) * time.Hour,
		Webhook:    release.Webhook{URL: cfg.Release.WebhookURL, Secret: cfg.Release.WebhookSecret},
		Log:        log.With("component", "release")})
}

// releaseWiring connects the release requests to the Slack app: the
// release buttons, the decline modal and the Home tab.
type releaseWiring struct {
	rel  *release.Releases
	home *release.Home
	api  *slack.Client
	log  *slog.Logger
}

// withReleases gives rel Slack through notes, and returns opt with the
// release buttons added to its actions, and views routing the decline
// modal and the Home tab to rel.
func withReleases(rel *release.Releases, notes *slackapp.Notifications, api *slack.Client, log *slog.Logger,
	opt slackapp.Options) slackapp.Options {
	rel.UseSlack(notes)
	w := &releaseWiring{rel: rel, home: rel.Home(), api: api, log: log}
	if opt.Actions == nil {
		opt.Actions = slackapp.NewActions()
	}
	opt.Actions.Handle(release.ActionPrefix, w.pressed)
	if opt.Views == nil {
		opt.Views = slackapp.NewViews()
	}
	opt.Views.HandleSubmit(release.DeclineCallback, w.declined)
	opt.Views.HandleHome(w.home.Opened(w.publish))
	return opt
}

// pressed handles a release button: ask, approve, or decline (which opens
// the modal asking why).
func (w *releaseWiring) pressed(ctx context.Context, c slackapp.Click) error {
	p, found, err := w.rel.Person(ctx, c.Asker)
	if err != nil {
		return err
	}
	if !found {
		p = orders.Person{} // refused by the releases, in the default language
	}
	text, modal, err := w.rel.Pressed(ctx, release.Press{By: p, ActionID: c.ActionID, Value: c.Value})
	var refused *release.Refusal
	switch {
	case errors.As(err, &refused):
		return &slackapp.Refusal{Message: plainMessage(refused.Text)}
	case err != nil:
		return err
	case modal != nil:
		_, err := w.api.OpenViewContext(ctx, c.TriggerID, *modal)
		return err
	}
	return c.Respond(ctx, plainMessage(text), true, false)
}

// declined takes the decline modal submitted: the request is declined
// with the reason typed, unless someone decided it first.
func (w *releaseWiring) declined(ctx context.Context, s slackapp.Submission) error {
	p, found, err := w.rel.Person(ctx, s.Asker)
	if err != nil || !found {
		return err
	}
	id, reason, err := release.DeclineReason(s.View)
	if err != nil {
		return err
	}
	_, err = w.rel.Decide(ctx, p, id, false, reason)
	var refused *release.Refusal
	if errors.As(err, &refused) {
		w.log.Info("release decline refused", "user", s.User, "request", id)
		return nil
	}
	return err
}

// publish publishes a Home tab (views.publish).
func (w *releaseWiring) publish(ctx context.Context, user string, view slack.HomeTabViewRequest) error {
	_, err := w.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
	return err
}

// plainMessage is text as one section.
func plainMessage(text string) render.Message {
	return render.Message{Text: text, Blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}}
}
