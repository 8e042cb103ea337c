package slackapp

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocket takes Slack's requests over Socket Mode until ctx ends or the
// connection fails for good (a refused token: the error says so). Every
// envelope is acknowledged as soon as it is read, before it is answered;
// slack-go's client reconnects by itself after a disconnect or a silent
// socket. connected, when not nil, hears whether the socket is up.
func (a *App) RunSocket(ctx context.Context, client *socketmode.Client, connected func(bool)) error {
	if connected == nil {
		connected = func(bool) {}
	}
	done := make(chan error, 1)
	go func() { done <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-done:
			connected(false)
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(client, evt, connected)
		}
	}
}

func (a *App) socketEvent(client *socketmode.Client, evt socketmode.Event, connected func(bool)) {
	// Only envelopes are acknowledged: hello and disconnect come with a
	// Request too, but no envelope_id, and want no answer.
	ack := func() {
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			if err := client.Ack(*evt.Request); err != nil {
				a.log.Warn("slack envelope not acknowledged", "envelope_id", evt.Request.EnvelopeID, "err", err)
			}
		}
	}
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		ack()
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || ev.Type != slackevents.CallbackEvent {
			return
		}
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
			a.Event(cb, ev.InnerEvent)
		}
	case socketmode.EventTypeSlashCommand:
		ack()
		if cmd, ok := evt.Data.(slack.SlashCommand); ok {
			a.Command(cmd)
		}
	case socketmode.EventTypeInteractive:
		ack()
		if cb, ok := evt.Data.(slack.InteractionCallback); ok {
			a.Interaction(cb)
		}
	case socketmode.EventTypeConnected:
		connected(true)
		a.log.Info("slack socket connected")
	case socketmode.EventTypeConnecting:
		a.log.Debug("slack socket connecting")
	case socketmode.EventTypeConnectionError:
		connected(false)
		a.log.Warn("slack socket connection failed", "err", fmt.Sprint(evt.Data))
	case socketmode.EventTypeDisconnect:
		connected(false)
		a.log.Info("slack asked for a reconnection")
	case socketmode.EventTypeInvalidAuth:
		connected(false)
		a.log.Error("slack refused the app token")
	default:
		ack()
	}
}
