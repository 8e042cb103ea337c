package slackapp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxBody is the largest request orderbot reads from Slack: events and
// interactions are a few kilobytes.
const maxBody = 1 << 20

// Routes adds the HTTP mode's endpoints to mux: /slack/events,
// /slack/commands and /slack/interactivity. Every request is verified with
// v first and answered 401 otherwise, then acknowledged at once (a
// question once stored with its claim); the answer follows from a worker.
func (a *App) Routes(mux *http.ServeMux, v *Verifier) {
	mux.Handle("POST /slack/events", a.verified(v, a.handleEvents))
	mux.Handle("POST /slack/commands", a.verified(v, a.handleCommand))
	mux.Handle("POST /slack/interactivity", a.verified(v, a.handleInteraction))
}

// verified reads the body, checks its signature and hands it on.
func (a *App) verified(v *Verifier, next func(context.Context, http.ResponseWriter, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := v.Verify(r.Header, body); err != nil {
			a.log.Warn("slack request refused", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		next(r.Context(), w, body)
	})
}

func (a *App) handleEvents(ctx context.Context, w http.ResponseWriter, body []byte) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		http.Error(w, "not an Events API request", http.StatusBadRequest)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		var ch slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &ch); err != nil {
			http.Error(w, "not a URL verification", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(ch.Challenge))
	case slackevents.CallbackEvent:
		ack := func() { w.WriteHeader(http.StatusOK) }
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
			a.Event(ctx, cb, ev.InnerEvent, ack)
		} else {
			ack()
		}
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func (a *App) handleCommand(ctx context.Context, w http.ResponseWriter, body []byte) {
	r, err := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "not a slash command", http.StatusBadRequest)
		return
	}
	a.Command(ctx, cmd, func() { w.WriteHeader(http.StatusOK) })
}

func (a *App) handleInteraction(ctx context.Context, w http.ResponseWriter, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "not a form", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "not an interaction payload", http.StatusBadRequest)
		return
	}
	a.Interact(ctx, cb, func() { w.WriteHeader(http.StatusOK) })
}
