// Package slackapp makes orderbot a Slack app: it takes mentions, direct
// messages, the /order and /commande slash commands and the presses of its
// own buttons, over Socket Mode or over HTTP (signed requests), and answers
// them through the bot package. It acknowledges every request at once and
// answers from a bounded pool of workers, which hand each answer to its
// channel's queue, posted at Slack's pace (see outbox): a busy channel
// holds up no one else. Each question (an event, a slash command) is
// stored in PostgreSQL under its event_id (trigger_id), with a claim
// naming this replica, before Slack's request is acknowledged: it is
// answered once however often Slack delivers it and however many replicas
// run, and answered by another replica when this one dies holding it (see
// questions.go).
package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// Store is what the app needs of the store beyond answering.
type Store interface {
	// HoldQuestions stores questions under keys, held by holder for lease,
	// and returns the keys not stored before.
	HoldQuestions(ctx context.Context, keys, payloads []string, holder string, lease time.Duration) (map[string]bool, error)
	// RenewQuestions extends the claims holder holds by lease from now.
	RenewQuestions(ctx context.Context, holder string, lease time.Duration) (int64, error)
	// TakeOverQuestions claims at most limit questions whose lease ran out.
	TakeOverQuestions(ctx context.Context, holder string, lease time.Duration, limit int) ([]postgres.HeldQuestion, error)
	// MarkQuestionPosting records that a question's answer goes out now,
	// or fails with postgres.ErrQuestionLost when holder lost its claim.
	MarkQuestionPosting(ctx context.Context, key, holder string, gen int, lease time.Duration) error
	// MarkQuestionsAnswered records questions answered, each of keys under
	// the claim of the same index of gens.
	MarkQuestionsAnswered(ctx context.Context, holder string, keys []string, gens []int) (int64, error)
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
	// ChannelQueue is how many answers may wait for one channel's pace
	// (Slack takes about one post a second per channel); an answer past it
	// is not posted, and logged. Default 100: the last would wait more than
	// a minute and a half.
	ChannelQueue int
	// OnDuplicate, when set, hears of each event or slash command not
	// answered because it was answered before.
	OnDuplicate func()
	// Replica names this process in the questions' claims; default a
	// random name.
	Replica string
	// Lease is how long a question's claim lasts without being renewed
	// (it is renewed every third of it while held); default 15 s.
	Lease time.Duration
	// OnTakeOver, when set, hears of each question taken over from a
	// holder whose lease ran out.
	OnTakeOver func()
	// Actions routes the presses of buttons registered from outside
	// (follow, alerts' owners) to their handlers: see Interact.
	Actions *Actions
	// OnAnswer, when set, hears of each answer to a mention or a direct
	// message once posted: who asked, where, and Slack's ts of the answer
	// (to update it in place later).
	OnAnswer func(ctx context.Context, user, channel, ts string, ans bot.Answer)
	// Views routes modals submitted and the opening of the Home tab to
	// their handlers (see Views).
	Views *Views
}

// maxWaitingPosts bounds the answers waiting for their channels' pace, all
// channels together: a few kilobytes each.
const maxWaitingPosts = 10000

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
	outbox    *outbox
	jobs      chan func(context.Context)
	workers   sync.WaitGroup
	stopOnce  sync.Once
	keepOnce  sync.Once
	// keeping ends the renewal of this replica's claims, once the
	// questions in hand are answered.
	keeping chan struct{}
	kept    sync.WaitGroup
	claims  claims
	holds   chan holdRequest

	mu     sync.Mutex
	emails map[string]cachedEmail
	askers map[string]cachedAsker
	convs  map[conversation]remembered
}

// conversation is where a person talks with orderbot: a direct message,
// a channel, a thread. Its previous question is remembered, so that "et
// pour Ernst ?" follows it; another conversation starts afresh.
type conversation struct {
	user, channel, thread string
}

// remembered is what a conversation keeps of its last answer, and since
// when.
type remembered struct {
	mem bot.Memory
	at  time.Time
}

// memoryTTL is how long a conversation remembers its last answer: a
// question an hour later follows nothing.
const memoryTTL = time.Hour

// maxConversations bounds the conversations remembered: a few hundred
// bytes each.
const maxConversations = 100000

// memory returns what conversation c remembers.
func (a *App) memory(c conversation) bot.Memory {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, ok := a.convs[c]
	if !ok || time.Since(r.at) > memoryTTL {
		return bot.Memory{}
	}
	return r.mem
}

// remember keeps ans as conversation c's last answer.
func (a *App) remember(c conversation, ans bot.Answer) {
	m := ans.Memory()
	a.mu.Lock()
	defer a.mu.Unlock()
	if m.Empty() {
		delete(a.convs, c)
		return
	}
	if len(a.convs) >= maxConversations {
		// Full: forget the conversations past their hour first, and all
		// only if that is not enough.
		for k, r := range a.convs {
			if time.Since(r.at) > memoryTTL {
				delete(a.convs, k)
			}
		}
		if len(a.convs) >= maxConversations {
			a.convs = map[conversation]remembered{}
		}
	}
	a.convs[c] = remembered{mem: m, at: time.Now()}
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
	if opt.ChannelQueue <= 0 {
		opt.ChannelQueue = 100
	}
	if opt.Replica == "" {
		opt.Replica = "orderbot-" + randomName()
	}
	if opt.Lease <= 0 {
		opt.Lease = 15 * time.Second
	}
	return &App{answerer: answerer, renderer: renderer, poster: poster, api: api, store: store, log: log, opt: opt,
		botUserID: botUserID, outbox: newOutbox(poster.every, opt.ChannelQueue, maxWaitingPosts, log),
		jobs: make(chan func(context.Context), opt.Queue), emails: map[string]cachedEmail{}, askers: map[string]cachedAsker{},
		convs: map[conversation]remembered{}, keeping: make(chan struct{}), holds: make(chan holdRequest, maxStoring)}
}

// Start starts the workers and the channels' queues; they answer and post
// with ctx, so cancelling it cuts answers short, while Stop lets them
// finish. The claims of the questions held are renewed until Stop returns.
func (a *App) Start(ctx context.Context) {
	a.outbox.start(ctx)
	a.kept.Go(a.keep)
	for range holders {
		a.kept.Go(a.storeHolds)
	}
	for range a.opt.Workers {
		a.workers.Go(func() {
			for job := range a.jobs {
				a.run(ctx, job)
			}
		})
	}
}

// run runs one job of the workers: a question's answer, a press's
// handler. A panic is logged and ends that job only, not the replica and
// the questions it holds.
func (a *App) run(ctx context.Context, job func(context.Context)) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("slack job panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	job(ctx)
}

// Stop takes no more requests and waits for the questions in hand to be
// answered and their answers posted, at their channels' pace; then it
// stops renewing the claims: a question left (cut short) goes to another
// replica when its lease runs out.
func (a *App) Stop() {
	a.stopOnce.Do(func() { close(a.jobs) })
	a.workers.Wait()
	a.outbox.stop()
	a.outbox.wait()
	a.keepOnce.Do(func() { close(a.keeping) })
	a.kept.Wait()
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

// Event takes an Events API callback: a mention or a direct message. A
// question is stored with its claim (see hold) before ack acknowledges the
// request, then answered by a worker; ack is called in every case.
func (a *App) Event(ctx context.Context, cb *slackevents.EventsAPICallbackEvent, inner slackevents.EventsAPIInnerEvent, ack func()) {
	if a.homeOpened(inner, ack) {
		return
	}
	q, ok := a.eventQuestion(inner)
	if !ok {
		ack()
		return
	}
	c, fresh := a.hold(ctx, cb.EventID, q)
	ack()
	if fresh {
		a.submit(func(ctx context.Context) { a.answerEvent(ctx, q, c) })
	}
}

// eventQuestion returns the question an event asks, if it is one: a
// mention, or a new message from a person in a direct message.
func (a *App) eventQuestion(inner slackevents.EventsAPIInnerEvent) (question, bool) {
	switch ev := inner.Data.(type) {
	case *slackevents.AppMentionEvent:
		if ev.BotID != "" || ev.User == "" || ev.User == a.botUserID {
			return question{}, false
		}
		q := question{User: ev.User, Text: ev.Text, Channel: ev.Channel, Thread: ev.ThreadTimeStamp}
		if q.Thread == "" {
			q.Thread = ev.TimeStamp // start a thread under the question
		}
		return q, true
	case *slackevents.MessageEvent:
		// New messages from people in a DM; not edits, joins, bots or
		// orderbot itself.
		if ev.ChannelType != "im" || ev.SubType != "" || ev.BotID != "" || ev.User == "" || ev.User == a.botUserID {
			return question{}, false
		}
		return question{User: ev.User, Text: ev.Text, Channel: ev.Channel, Thread: ev.ThreadTimeStamp}, true
	}
	return question{}, false
}

// enqueue hands a post to channel's queue, and reports whether it took it.
func (a *App) enqueue(channel string, post outgoing) bool {
	if err := a.outbox.add(channel, post); err != nil {
		a.log.Error("slack answer not posted", "channel", channel, "err", err)
		return false
	}
	return true
}

// Command takes a slash command. Its answer goes to its response_url,
// which is not a channel post: it does not wait for a channel's pace. A
// command delivered again (same trigger_id) is not answered again. It is
// stored with its claim before ack acknowledges it, like an event.
func (a *App) Command(ctx context.Context, cmd slack.SlashCommand, ack func()) {
	q := question{Command: true, User: cmd.UserID, Text: cmd.Text, Channel: cmd.ChannelID, ResponseURL: cmd.ResponseURL}
	key := ""
	if cmd.TriggerID != "" {
		key = postgres.CommandKey(cmd.TriggerID)
	}
	c, fresh := a.hold(ctx, key, q)
	ack()
	if fresh {
		a.submit(func(ctx context.Context) { a.answerCommand(ctx, q, c) })
	}
}

// answerButtonPrefix starts the action ids of the answers' own buttons: a
// customer chosen, "show more".
const answerButtonPrefix = "orderbot_"

// answerButton answers the press of a button of an answer: a customer
// chosen or "show more". The answer replaces the message the button was
// on, so that a press handled again (its replica died) replaces it again.
func (a *App) answerButton(ctx context.Context, c Click) error {
	action, err := bot.ParseAction(c.Value)
	if err != nil {
		a.log.Warn("slack button ignored", "user", c.User, "err", err)
		return nil
	}
	ans, err := a.answerer.Act(ctx, c.Asker, action)
	if err != nil {
		a.log.Error("slack button not answered", "user", c.User, "err", err)
	} else {
		// The button's message is in the conversation's thread, or at the
		// top of a direct message.
		a.remember(conversation{user: c.User, channel: c.Channel, thread: c.ThreadTS}, ans)
	}
	if err := c.Respond(ctx, a.renderer.Slack(ans), false, true); err != nil {
		return fmt.Errorf("post the answer to a button in %s: %w", c.Channel, err)
	}
	return nil
}

// ask answers text from a Slack user in conversation c, whose last answer
// left prev, and remembers the answer for c's next message.
func (a *App) ask(ctx context.Context, c conversation, prev bot.Memory, text string) bot.Answer {
	ans, err := a.answerer.AskAfter(ctx, a.asker(ctx, c.user), prev, text)
	if err != nil {
		a.log.Error("question not answered", "user", c.user, "err", err)
		return ans // the conversation keeps what it had
	}
	a.remember(c, ans)
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
