package slackapp

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
)

// Click is the press of one of orderbot's buttons, as a handler gets it.
type Click struct {
	// User is the Slack user who pressed; Asker names them for the
	// directory (found by Slack ID, else by e-mail, as for questions).
	User  string    `json:"user"`
	Asker bot.Asker `json:"-"`
	// Channel and MessageTS name the message the button was on; ThreadTS
	// its thread, if any.
	Channel   string `json:"channel"`
	MessageTS string `json:"message_ts"`
	ThreadTS  string `json:"thread_ts,omitempty"`
	// ActionID and Value are the button's; ActionTS is when it was
	// pressed.
	ActionID string `json:"action_id"`
	Value    string `json:"value,omitempty"`
	ActionTS string `json:"action_ts"`
	// ResponseURL answers the press (for 30 minutes); TriggerID opens a
	// modal (for 3 seconds).
	ResponseURL string `json:"response_url,omitempty"`
	TriggerID   string `json:"trigger_id,omitempty"`

	respond func(ctx context.Context, msg render.Message, ephemeral, replace bool) error
}

// Respond answers the press through its response_url: ephemeral to the
// presser only, replace in place of the button's message.
func (c Click) Respond(ctx context.Context, msg render.Message, ephemeral, replace bool) error {
	if c.respond == nil {
		return errors.New("slack click: no response_url")
	}
	return c.respond(ctx, msg, ephemeral, replace)
}

// ClickHandler does what a button asks. It returns a Refusal to tell the
// presser privately that they may not (someone outside the directory, an
// order they may not see); any other error is logged.
type ClickHandler func(ctx context.Context, c Click) error

// Refusal is a handler's refusal of a press: Message is said to the
// presser only.
type Refusal struct {
	Message render.Message
}

func (r *Refusal) Error() string { return "click refused: " + r.Message.Text }

// Actions routes the presses of buttons to handlers by the prefix of their
// action id. Register every handler before the app takes requests.
type Actions struct {
	mu     sync.RWMutex
	routes []route
}

type route struct {
	prefix  string
	handler ClickHandler
}

// NewActions returns an empty routing.
func NewActions() *Actions { return &Actions{} }

// Handle routes the buttons whose action id starts with prefix to h; the
// longest prefix wins.
func (r *Actions) Handle(prefix string, h ClickHandler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routes = append(r.routes, route{prefix: prefix, handler: h})
}

// handler returns the handler of actionID, or nil.
func (r *Actions) handler(actionID string) ClickHandler {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	var best route
	for _, rt := range r.routes {
		if strings.HasPrefix(actionID, rt.prefix) && len(rt.prefix) >= len(best.prefix) {
			best = rt
		}
	}
	return best.handler
}

// ClickKey is the key under which a press is claimed: Slack's action_ts,
// the presser and the action id name one press, however often Slack
// delivers it and whichever replica gets it.
func ClickKey(c Click) string { return "click:" + c.ActionTS + ":" + c.User + ":" + c.ActionID }

// clicks returns the presses of registered buttons a block_actions
// payload carries.
func (a *App) clicks(cb slack.InteractionCallback) []Click {
	if cb.Type != slack.InteractionTypeBlockActions {
		return nil
	}
	var out []Click
	for _, act := range cb.ActionCallback.BlockActions {
		if a.opt.Actions.handler(act.ActionID) == nil && !strings.HasPrefix(act.ActionID, answerButtonPrefix) {
			continue
		}
		c := Click{User: cb.User.ID, Channel: cb.Channel.ID, MessageTS: cb.Message.Timestamp, ThreadTS: cb.Message.ThreadTimestamp,
			ActionID: act.ActionID, Value: act.Value, ActionTS: act.ActionTs, ResponseURL: cb.ResponseURL, TriggerID: cb.TriggerID}
		if c.Channel == "" {
			c.Channel = cb.Container.ChannelID
		}
		if c.MessageTS == "" {
			c.MessageTS = cb.Container.MessageTs
		}
		if c.ThreadTS == "" {
			c.ThreadTS = cb.Container.ThreadTs
		}
		if c.ActionTS == "" {
			c.ActionTS = cb.ActionTs
		}
		out = append(out, c)
	}
	return out
}

// Interact takes an interaction payload from either transport. The
// presses of registered buttons are each stored with a claim under their
// ClickKey before ack acknowledges the request, then handled once by a
// worker (another replica takes over one whose holder died); the answers'
// own buttons (a customer chosen, "show more") the same way. Other presses
// are acknowledged and ignored. ack is called in every case.
func (a *App) Interact(ctx context.Context, cb slack.InteractionCallback, ack func()) {
	if cb.Type == slack.InteractionTypeViewSubmission {
		a.submitted(cb, ack)
		return
	}
	clicks := a.clicks(cb)
	if len(clicks) == 0 {
		ack()
		return
	}
	type held struct {
		click Click
		claim *claim
	}
	var todo []held
	for _, c := range clicks {
		cl, fresh := a.hold(ctx, ClickKey(c), question{User: c.User, Channel: c.Channel, Click: &c})
		if fresh {
			todo = append(todo, held{c, cl})
		}
	}
	ack()
	for _, h := range todo {
		a.submit(func(ctx context.Context) { a.handleClick(ctx, h.click, h.claim) })
	}
}

// handleClick runs a press's handler under claim c, and tells the presser
// privately when the handler refuses. The claim is marked posting in the
// store before the handler runs: a replica that dies after that leaves the
// press to be handled again by the next, so handlers are idempotent (a
// follow, a claim of an alert: doing it twice does it once).
func (a *App) handleClick(ctx context.Context, click Click, c *claim) {
	h := a.opt.Actions.handler(click.ActionID)
	if h == nil && strings.HasPrefix(click.ActionID, answerButtonPrefix) {
		h = a.answerButton
	}
	if h == nil {
		a.log.Warn("slack button with no handler", "action_id", click.ActionID)
		a.answered(c)
		return
	}
	if !a.posting(ctx, c, true) {
		return
	}
	click.Asker = a.asker(ctx, click.User)
	channel := click.Channel
	click.respond = func(ctx context.Context, msg render.Message, ephemeral, replace bool) error {
		return a.poster.Respond(ctx, channel, click.ResponseURL, msg, ephemeral, replace)
	}
	err := h(ctx, click)
	var refused *Refusal
	switch {
	case errors.As(err, &refused):
		a.log.Info("slack button refused", "user", click.User, "action_id", click.ActionID)
		if err := click.Respond(ctx, refused.Message, true, false); err != nil {
			a.log.Warn("slack button refusal not sent", "user", click.User, "err", err)
		}
	case err != nil:
		a.log.Error("slack button not handled", "user", click.User, "action_id", click.ActionID, "err", err)
		if ctx.Err() != nil {
			return // cut short: left to another replica
		}
	}
	a.answered(c)
}
