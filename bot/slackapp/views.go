package slackapp

import (
	"context"
	"sync"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/orderbot/orderbot/bot"
)

// Submission is a modal of orderbot submitted, as a handler gets it.
type Submission struct {
	// User is the Slack user who submitted; Asker names them for the
	// directory.
	User  string
	Asker bot.Asker
	// View is the modal, with its callback id, private metadata and the
	// values typed (View.State).
	View slack.View
}

// SubmitHandler does what a submitted modal asks. Slack has closed the
// modal already: what the handler says, it says otherwise (a direct
// message, the message updated).
type SubmitHandler func(ctx context.Context, s Submission) error

// HomeHandler publishes the Home tab of user (views.publish) when they
// open it.
type HomeHandler func(ctx context.Context, user string, asker bot.Asker) error

// Views routes the submissions of orderbot's modals to handlers by their
// callback id, and the opening of the Home tab to its handler. Register
// every handler before the app takes requests.
type Views struct {
	mu     sync.RWMutex
	submit map[string]SubmitHandler // callback id → handler
	home   HomeHandler
}

// NewViews returns an empty routing.
func NewViews() *Views { return &Views{submit: map[string]SubmitHandler{}} }

// HandleSubmit routes the modals of callbackID to h.
func (v *Views) HandleSubmit(callbackID string, h SubmitHandler) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.submit[callbackID] = h
}

// HandleHome makes h publish the Home tab.
func (v *Views) HandleHome(h HomeHandler) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.home = h
}

// submitHandler returns the handler of callbackID, or nil.
func (v *Views) submitHandler(callbackID string) SubmitHandler {
	if v == nil {
		return nil
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.submit[callbackID]
}

// homeHandler returns the Home tab's handler, or nil.
func (v *Views) homeHandler() HomeHandler {
	if v == nil {
		return nil
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.home
}

// submitted takes a view_submission: its handler runs once acknowledged
// (which closes the modal). A submission Slack delivers again is handled
// again: its handlers do what it asks once (a decision is taken by the
// first).
func (a *App) submitted(cb slack.InteractionCallback, ack func()) {
	ack()
	h := a.opt.Views.submitHandler(cb.View.CallbackID)
	if h == nil {
		a.log.Warn("slack modal with no handler", "callback_id", cb.View.CallbackID)
		return
	}
	user, view := cb.User.ID, cb.View
	a.submit(func(ctx context.Context) {
		s := Submission{User: user, Asker: a.asker(ctx, user), View: view}
		if err := h(ctx, s); err != nil {
			a.log.Error("slack modal not handled", "user", user, "callback_id", view.CallbackID, "err", err)
		}
	})
}

// homeOpened takes app_home_opened on the Home tab, and reports whether
// the event was one.
func (a *App) homeOpened(inner slackevents.EventsAPIInnerEvent, ack func()) bool {
	ev, ok := inner.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok {
		return false
	}
	ack()
	h := a.opt.Views.homeHandler()
	if h == nil || ev.Tab != "home" || ev.User == "" {
		return true
	}
	user := ev.User
	a.submit(func(ctx context.Context) {
		if err := h(ctx, user, a.asker(ctx, user)); err != nil {
			a.log.Error("slack home not published", "user", user, "err", err)
		}
	})
	return true
}
