package slackapp

import (
	"context"
	"fmt"
	"sync"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocket takes Slack's requests over Socket Mode until ctx ends or the
// connection fails for good (a refused token: the error says so). Every
// envelope is acknowledged as soon as it is read (a question once stored
// with its claim), before it is answered; slack-go's client reconnects by
// itself after a disconnect or a silent socket. connected, when not nil, hears whether the socket is up.
func (a *App) RunSocket(ctx context.Context, client *socketmode.Client, connected func(bool)) error {
	if connected == nil {
		connected = func(bool) {}
	}
	done := make(chan error, 1)
	go func() { done <- client.RunContext(ctx) }()
	// Questions are stored before they are acknowledged: many at once, so
	// that a burst does not wait for the store one envelope at a time.
	// An acknowledgement waits for the connection no longer than RunSocket.
	var storing sync.WaitGroup
	defer storing.Wait()
	ctx, stopAcks := context.WithCancel(ctx)
	defer stopAcks()
	slots := make(chan struct{}, maxStoring)
	for {
		select {
		case err := <-done:
			connected(false)
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-client.Events:
			if evt.Type != socketmode.EventTypeEventsAPI && evt.Type != socketmode.EventTypeSlashCommand &&
				evt.Type != socketmode.EventTypeInteractive {
				a.socketEvent(ctx, client, evt, connected)
				continue
			}
			slots <- struct{}{}
			storing.Go(func() {
				defer func() { <-slots }()
				a.socketEvent(ctx, client, evt, connected)
			})
		}
	}
}

// maxStoring bounds the envelopes whose questions are being stored at
// once.
const maxStoring = 64

func (a *App) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event, connected func(bool)) {
	// Only envelopes are acknowledged: hello and disconnect come with a
	// Request too, but no envelope_id, and want no answer.
	ack := func() {
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
				a.log.Warn("slack envelope not acknowledged", "envelope_id", evt.Request.EnvelopeID, "err", err)
			}
		}
	}
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || ev.Type != slackevents.CallbackEvent {
			ack()
			return
		}
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
			a.Event(ctx, cb, ev.InnerEvent, ack)
		} else {
			ack()
		}
	case socketmode.EventTypeSlashCommand:
		if cmd, ok := evt.Data.(slack.SlashCommand); ok {
			a.Command(ctx, cmd, ack)
		} else {
			ack()
		}
	case socketmode.EventTypeInteractive:
		if cb, ok := evt.Data.(slack.InteractionCallback); ok {
			a.Interact(ctx, cb, ack)
		} else {
			ack()
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
