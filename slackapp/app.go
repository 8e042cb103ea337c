// Package slackapp makes orderbot a Slack app: it takes mentions, direct
// messages, the /order and /commande slash commands and the presses of its
// own buttons, over Socket Mode or over HTTP (signed requests), and answers
// them through the bot package. It acknowledges every request at once and
// answers from a bounded pool of workers; each event is answered once
// however often Slack delivers it and however many replicas run, because
// its event_id is claimed in PostgreSQL first.
package slackapp

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
)

// Store is what the app needs of the store beyond answering.
type Store interface {
	// ClaimEvent returns false for an event claimed before.
	ClaimEvent(ctx context.Context, eventID string) (bool, error)
	PersonBySlackID(ctx context.Context, id string) (orders.Person, error)
	PersonByEmail(ctx context.Context, email string) (orders.Person, error)
	LinkSlackUser(ctx context.Context, personID int64, slackUserID string) error
}

// Options are the app's settings.
type Options struct {
	// SlashEphemeral shows slash command answers to the asker only.
	SlashEphemeral bool
	// Workers is how many questions are answered at once.
	Workers int
	// Queue is how many acknowledged requests may wait for a worker.
	Queue int
	// OnDuplicate, when set, hears of each event not answered because it
	// was answered before.
	OnDuplicate func()
}

// App answers Slack's requests. Start it with Start, feed it with a
// transport (RunSocket, Handler), stop it with Stop.
type App struct {
	answerer *bot.Answerer
	renderer *render.Renderer
	poster   *Poster
	api      *slack.Client
	store    Store
	log      *slog.Logger
	opt      Options

	botUserID string
	jobs      chan func(context.Context)
	workers   sync.WaitGroup
	stopOnce  sync.Once

	mu     sync.Mutex
	emails map[string]cachedEmail
	askers map[string]cachedAsker
}

type cachedEmail struct {
	email string
	at    time.Time
}

// emailTTL is how long an e-mail address read from Slack is trusted.
const emailTTL = time.Hour

// New returns an App; botUserID is the app's own Slack user (from
// auth.test), whose messages it ignores.
func New(answerer *bot.Answerer, renderer *render.Renderer, poster *Poster, api *slack.Client, store Store,
	log *slog.Logger, botUserID string, opt Options) *App {
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	if opt.Queue <= 0 {
		opt.Queue = 2048
	}
	return &App{answerer: answerer, renderer: renderer, poster: poster, api: api, store: store, log: log, opt: opt,
		botUserID: botUserID, jobs: make(chan func(context.Context), opt.Queue), emails: map[string]cachedEmail{},
		askers: map[string]cachedAsker{}}
}

// Start starts the workers; they answer with ctx, so cancelling it cuts
// answers short, while Stop lets them finish.
func (a *App) Start(ctx context.Context) {
	for range a.opt.Workers {
		a.workers.Go(func() {
			for job := range a.jobs {
				job(ctx)
			}
		})
	}
}

// Stop takes no more requests and waits for the questions in hand to be
// answered.
func (a *App) Stop() {
	a.stopOnce.Do(func() { close(a.jobs) })
	a.workers.Wait()
}

// submit queues a job for a worker; the caller has already acknowledged
// the request.
func (a *App) submit(job func(context.Context)) {
	defer func() {
		// A request arriving after Stop is dropped: Slack gets no answer
		// from a process that is going away, and another replica answers
		// the retry.
		if recover() != nil {
			a.log.Warn("slack request dropped: shutting down")
		}
	}()
	a.jobs <- job
}

// Event takes an Events API callback: a mention or a direct message.
func (a *App) Event(cb *slackevents.EventsAPICallbackEvent, inner slackevents.EventsAPIInnerEvent) {
	var user, text, channel, threadTS string
	switch ev := inner.Data.(type) {
	case *slackevents.AppMentionEvent:
		if ev.BotID != "" || ev.User == "" || ev.User == a.botUserID {
			return
		}
		user, text, channel = ev.User, ev.Text, ev.Channel
		threadTS = ev.ThreadTimeStamp
		if threadTS == "" {
			threadTS = ev.TimeStamp // start a thread under the question
		}
	case *slackevents.MessageEvent:
		// New messages from people in a DM; not edits, joins, bots or
		// orderbot itself.
		if ev.ChannelType != "im" || ev.SubType != "" || ev.BotID != "" || ev.User == "" || ev.User == a.botUserID {
			return
		}
		user, text, channel, threadTS = ev.User, ev.Text, ev.Channel, ev.ThreadTimeStamp
	default:
		return
	}
	eventID := cb.EventID
	a.submit(func(ctx context.Context) {
		if eventID != "" {
			fresh, err := a.store.ClaimEvent(ctx, eventID)
			if err != nil {
				a.log.Error("slack event not claimed", "event_id", eventID, "err", err)
			} else if !fresh {
				a.log.Info("slack event answered before", "event_id", eventID)
				if a.opt.OnDuplicate != nil {
					a.opt.OnDuplicate()
				}
				return
			}
		}
		// A question for the model may take seconds: say so at once, and
		// put the answer in place of the notice.
		var notice string
		if a.answerer.WouldAskModel(text) {
			if ts, err := a.poster.Post(ctx, channel, threadTS, looking()); err == nil {
				notice = ts
			}
		}
		msg := a.renderer.Slack(a.ask(ctx, user, text))
		var err error
		if notice != "" {
			err = a.poster.Update(ctx, channel, notice, msg)
		} else {
			_, err = a.poster.Post(ctx, channel, threadTS, msg)
		}
		if err != nil {
			a.log.Error("slack answer not posted", "channel", channel, "err", err)
		}
	})
}

// looking is the notice posted while the model reads a question.
func looking() render.Message {
	return render.Message{Text: "Je regarde… / Looking…", Blocks: []slack.Block{
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, ":mag: Je regarde… / Looking…", false, true))}}
}

// Command takes a slash command.
func (a *App) Command(cmd slack.SlashCommand) {
	a.submit(func(ctx context.Context) {
		replace := false
		if a.answerer.WouldAskModel(cmd.Text) {
			replace = a.poster.Respond(ctx, cmd.ChannelID, cmd.ResponseURL, looking(), a.opt.SlashEphemeral, false) == nil
		}
		ans := a.ask(ctx, cmd.UserID, cmd.Text)
		if err := a.poster.Respond(ctx, cmd.ChannelID, cmd.ResponseURL, a.renderer.Slack(ans), a.opt.SlashEphemeral, replace); err != nil {
			a.log.Error("slash command answer not posted", "channel", cmd.ChannelID, "err", err)
		}
	})
}

// Interaction takes the press of a button of an answer: a customer chosen
// or "show more". The answer replaces the message the button was on.
func (a *App) Interaction(cb slack.InteractionCallback) {
	if cb.Type != slack.InteractionTypeBlockActions {
		return
	}
	for _, act := range cb.ActionCallback.BlockActions {
		if !strings.HasPrefix(act.ActionID, "orderbot_") {
			continue
		}
		action, err := bot.ParseAction(act.Value)
		if err != nil {
			a.log.Warn("slack button ignored", "user", cb.User.ID, "err", err)
			continue
		}
		user, channel, url := cb.User.ID, cb.Channel.ID, cb.ResponseURL
		a.submit(func(ctx context.Context) {
			ans, err := a.answerer.Act(ctx, a.asker(ctx, user), action)
			if err != nil {
				a.log.Error("slack button not answered", "user", user, "err", err)
			}
			if err := a.poster.Respond(ctx, channel, url, a.renderer.Slack(ans), false, true); err != nil {
				a.log.Error("slack button answer not posted", "channel", channel, "err", err)
			}
		})
		return // one answer a press
	}
}

// ask answers text from a Slack user.
func (a *App) ask(ctx context.Context, user, text string) bot.Answer {
	ans, err := a.answerer.Ask(ctx, a.asker(ctx, user), text)
	if err != nil {
		a.log.Error("question not answered", "user", user, "err", err)
	}
	return ans
}

// asker names a Slack user for the directory: by Slack user ID, else by
// the e-mail address Slack knows them by, which is then linked to their
// entry so that the next question needs no lookup. The answer is reused
// for askerTTL, so a conversation costs the directory one lookup.
func (a *App) asker(ctx context.Context, user string) bot.Asker {
	a.mu.Lock()
	c, ok := a.askers[user]
	a.mu.Unlock()
	if ok && time.Since(c.at) < askerTTL {
		return c.who
	}
	who, settled := a.lookupAsker(ctx, user)
	if settled {
		a.mu.Lock()
		if len(a.askers) > 100000 {
			a.askers = map[string]cachedAsker{}
		}
		a.askers[user] = cachedAsker{who: who, at: time.Now()}
		a.mu.Unlock()
	}
	return who
}

// askerTTL is how long asker reuses what it found.
const askerTTL = time.Minute

type cachedAsker struct {
	who bot.Asker
	at  time.Time
}

// lookupAsker is asker's lookup; settled is false when the store or
// Slack could not say, so that the next question tries again.
func (a *App) lookupAsker(ctx context.Context, user string) (bot.Asker, bool) {
	who := bot.Asker{SlackUserID: user, Transport: "slack"}
	_, err := a.store.PersonBySlackID(ctx, user)
	switch orders.ErrorCode(err) {
	case "":
		return who, true
	case orders.ENotFound:
	default:
		return who, false // the store is down: the answer will say so
	}
	email, settled := a.email(ctx, user)
	who.Email = email
	if email == "" {
		return who, settled
	}
	p, err := a.store.PersonByEmail(ctx, who.Email)
	if err == nil && p.SlackUserID == "" && !p.Placeholder {
		if err := a.store.LinkSlackUser(ctx, p.ID, user); err != nil {
			a.log.Warn("slack user not linked", "user", user, "err", err)
		}
	}
	return who, true
}

// email returns the e-mail address of a Slack user (users.info, cached);
// "" when Slack has none or cannot say, and settled false when it could
// not say.
func (a *App) email(ctx context.Context, user string) (string, bool) {
	a.mu.Lock()
	c, ok := a.emails[user]
	a.mu.Unlock()
	if ok && time.Since(c.at) < emailTTL {
		return c.email, true
	}
	u, err := a.api.GetUserInfoContext(ctx, user)
	var email string
	switch {
	case err == nil:
		email = u.Profile.Email
	case IsFatal(err):
		a.poster.fatal("users.info", err)
		return "", false
	default:
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) {
			a.log.Warn("users.info failed", "user", user, "err", err)
			return "", false // not cached: Slack may answer next time
		}
	}
	a.mu.Lock()
	if len(a.emails) > 100000 {
		a.emails = map[string]cachedEmail{}
	}
	a.emails[user] = cachedEmail{email: email, at: time.Now()}
	a.mu.Unlock()
	return email, true
}
