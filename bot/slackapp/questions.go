package slackapp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"github.com/orderbot/orderbot/orders/postgres"
)

// Why an acknowledged question is answered once, and never lost:
//
//   - Hold. Before Slack's request is acknowledged, the question (who
//     asked what, where) is stored under its event_id, or its slash
//     command's trigger_id, with a claim: this replica holds it until its
//     lease runs out. A key stored before (Slack delivering the event again,
//     or to another replica first) is acknowledged and not answered again.
//     Questions arriving together are stored together, one commit for a
//     burst, which does not wait for the disk (see HoldQuestions). A store
//     that cannot say within holdWait gets the benefit of the doubt: the
//     question is answered without a claim, better than never.
//   - Lease. The holder renews its claims every third of the lease while
//     it answers, however long the answer waits for its channel's pace;
//     Stop renews them until the questions in hand are answered (SIGTERM).
//     A replica that dies or stalls stops renewing; one whose answers are
//     cut short (a stop that takes too long) leaves them held, not
//     answered, to be taken over.
//   - Takeover. Every replica looks every third of the lease for questions
//     whose lease ran out, and claims them (one replica each, a new
//     generation of the claim), as many as its queue has room for: the
//     longest a question waits for another replica is the lease and a third
//     of it, then its answer.
//   - Holding. An answer (or the notice that the model is consulted) is
//     posted, each try of it, only while its claim surely holds: its hold or its last
//     renewal, sent less than two thirds of the lease ago by this process's
//     own clock (a replica that stalled sees the time it lost), else the
//     store says so, the claim of the current generation marked posting. A
//     former holder that wakes up finds its claim gone and posts nothing.
//   - Posting. Each answer carries its question's key in the message's
//     metadata (the notice too, marked as such). A question taken over is
//     looked for first, in its thread or its direct message since it was
//     received: an answer found is not posted again, a notice found is
//     replaced by the answer. A slash command's answer cannot be looked for
//     (a response_url post is in no history): it is marked posting in the
//     store before it goes out, and one taken over after that is answered
//     in place of the earlier response (replace_original).
//   - Done. Answered questions are marked so a few times a second, together,
//     and forgotten after a day (ForgetEvents). One answered whose mark was
//     lost with its replica is taken over, found answered, and not posted
//     again.

// answerMark is the metadata event type that marks orderbot's answers
// with their question's key.
const answerMark = "orderbot_answer"

// holdWait bounds the wait for the store before Slack's request is
// acknowledged: Slack wants the acknowledgement within 3 s.
const holdWait = 2 * time.Second

// maxTakeOver bounds the questions one look takes over.
const maxTakeOver = 100

// question is an acknowledged question, as stored with its claim: enough
// for any replica to answer it.
type question struct {
	Command     bool   `json:"command,omitempty"`
	User        string `json:"user"`
	Text        string `json:"text"`
	Channel     string `json:"channel"`
	Thread      string `json:"thread,omitempty"`
	ResponseURL string `json:"response_url,omitempty"`
	// Click is the press of a registered button (see Interact).
	Click *Click `json:"click,omitempty"`
}

// claim is this replica's hold on a question.
type claim struct {
	key string // "" for a question answered without a claim
	gen int
	// sent is when the hold (or the takeover) was sent to the store, and
	// stored when it was known stored, by this process's clock.
	sent, stored time.Time
	// taken marks a question taken over: its answer may be in Slack since
	// received.
	taken    bool
	received time.Time
	// postingAt is when an earlier holder marked a slash command's answer
	// posting, or nil.
	postingAt *time.Time
}

// claims is what the app knows of its claims: when its last renewal was
// sent, and the questions answered whose mark waits.
type claims struct {
	mu      sync.Mutex
	renewed time.Time // when the last successful renewal was sent
	keys    []string
	gens    []int
}

// answeredEvery is how often the questions answered are marked so.
const answeredEvery = 200 * time.Millisecond

// randomName returns a name no other replica has.
func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return hex.EncodeToString(b)
}

// hold stores q under key with a claim of this replica's, and reports
// whether it is to be answered (false: it was stored before).
func (a *App) hold(ctx context.Context, key string, q question) (*claim, bool) {
	if key == "" {
		return &claim{}, true
	}
	payload, err := json.Marshal(q)
	if err != nil {
		return &claim{}, true
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), holdWait)
	defer cancel()
	sent := time.Now()
	req := holdRequest{key: key, payload: string(payload), answer: make(chan holdAnswer, 1), state: new(atomic.Int32)}
	var ans holdAnswer
	select {
	case a.holds <- req:
		select {
		case ans = <-req.answer:
		case <-ctx.Done():
			ans.err = ctx.Err()
			if !req.state.CompareAndSwap(holdWaiting, holdGivenUp) {
				ans = <-req.answer // stored just now: answered after all
			}
		}
	case <-ctx.Done():
		ans.err = ctx.Err()
	}
	switch {
	case ans.err != nil:
		a.log.Error("slack question not stored: answered without a claim", "key", key, "err", ans.err)
		return &claim{}, true
	case !ans.fresh:
		a.log.Info("slack question answered before", "key", key)
		if a.opt.OnDuplicate != nil {
			a.opt.OnDuplicate()
		}
		return nil, false
	}
	return &claim{key: key, sent: sent, stored: time.Now()}, true
}

// holdRequest asks storeHolds to store a question.
type holdRequest struct {
	key, payload string
	answer       chan holdAnswer
	// state is holdWaiting until the question is stored and its answer
	// given (holdAnswered), or its asker gave up waiting and answers it
	// without a claim (holdGivenUp): a question stored after that is
	// marked answered at once, lest another replica answer it again.
	state *atomic.Int32
}

// The states of a holdRequest.
const (
	holdWaiting int32 = iota
	holdAnswered
	holdGivenUp
)

// holdAnswer is whether a question was stored now.
type holdAnswer struct {
	fresh bool
	err   error
}

// holders is how many batches of questions are stored at once, and
// maxHoldBatch the most questions one batch stores.
const (
	holders      = 2
	maxHoldBatch = 256
)

// storeHolds stores the questions asked of it, in batches: those waiting
// while the previous batch was stored go together, one commit for all,
// until Stop has answered the questions in hand.
func (a *App) storeHolds() {
	for {
		var batch []holdRequest
		select {
		case <-a.keeping:
			return
		case r := <-a.holds:
			batch = append(batch, r)
		}
	more:
		for len(batch) < maxHoldBatch {
			select {
			case r := <-a.holds:
				batch = append(batch, r)
			default:
				break more
			}
		}
		a.storeBatch(batch)
	}
}

// storeBatch stores a batch of questions in one statement and gives each
// asker its answer. Questions whose askers gave up waiting are not stored;
// one given up while the statement ran is marked answered at once.
func (a *App) storeBatch(batch []holdRequest) {
	batch = slices.DeleteFunc(batch, func(r holdRequest) bool { return r.state.Load() == holdGivenUp })
	if len(batch) == 0 {
		return
	}
	keys, payloads := make([]string, len(batch)), make([]string, len(batch))
	for i, r := range batch {
		keys[i], payloads[i] = r.key, r.payload
	}
	ctx, cancel := context.WithTimeout(context.Background(), holdWait)
	defer cancel()
	stored, err := a.store.HoldQuestions(ctx, keys, payloads, a.opt.Replica, a.opt.Lease)
	var late []string
	for _, r := range batch {
		// A key twice in a batch is stored once: the first is answered.
		fresh := stored[r.key]
		delete(stored, r.key)
		if r.state.CompareAndSwap(holdWaiting, holdAnswered) {
			r.answer <- holdAnswer{fresh: fresh, err: err}
		} else if fresh && err == nil {
			late = append(late, r.key)
		}
	}
	if len(late) > 0 {
		// Their askers answer them without a claim: no one else may.
		if _, err := a.store.MarkQuestionsAnswered(context.Background(), a.opt.Replica, late, make([]int, len(late))); err != nil {
			a.log.Error("slack questions stored late not marked answered", "keys", late, "err", err)
		}
	}
}

// posting reports whether this replica may post the answer of c's
// question: true while the claim surely holds, else when the store marks
// it posting (always, when durable); false when the claim was taken over.
// A store that cannot say lets it post.
func (a *App) posting(ctx context.Context, c *claim, durable bool) bool {
	if c.key == "" || !durable && a.surelyHeld(c) {
		return true
	}
	err := a.store.MarkQuestionPosting(ctx, c.key, a.opt.Replica, c.gen, a.opt.Lease)
	switch {
	case errors.Is(err, postgres.ErrQuestionLost):
		a.log.Warn("slack question left to its new holder", "key", c.key, "replica", a.opt.Replica)
		return false
	case err != nil:
		a.log.Warn("slack question not marked posting", "key", c.key, "err", err)
	}
	return true
}

// surelyHeld reports whether c's claim holds for a while yet, by this
// process's clock: its lease runs from its hold, or from a renewal sent
// after the hold was stored, and less than two thirds of it have passed.
// The store's lease started no earlier than the statement was sent.
func (a *App) surelyHeld(c *claim) bool {
	from := c.sent
	a.claims.mu.Lock()
	if a.claims.renewed.After(c.stored) {
		from = a.claims.renewed
	}
	a.claims.mu.Unlock()
	return time.Since(from) < a.opt.Lease*2/3
}

// answered records c's question answered: its mark waits for the next
// flushAnswered.
func (a *App) answered(c *claim) {
	if c.key == "" {
		return
	}
	a.claims.mu.Lock()
	a.claims.keys = append(a.claims.keys, c.key)
	a.claims.gens = append(a.claims.gens, c.gen)
	a.claims.mu.Unlock()
}

// flushAnswered marks the questions answered so in the store; those it
// could not mark wait for the next try.
func (a *App) flushAnswered() {
	a.claims.mu.Lock()
	keys, gens := a.claims.keys, a.claims.gens
	a.claims.keys, a.claims.gens = nil, nil
	a.claims.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.opt.Lease/3)
	defer cancel()
	if _, err := a.store.MarkQuestionsAnswered(ctx, a.opt.Replica, keys, gens); err != nil {
		a.log.Warn("slack questions not marked answered", "count", len(keys), "err", err)
		a.claims.mu.Lock()
		a.claims.keys = append(keys, a.claims.keys...)
		a.claims.gens = append(gens, a.claims.gens...)
		a.claims.mu.Unlock()
	}
}

// mark is the metadata of a post answering c's question; notice marks
// the notice that the model is consulted.
func mark(c *claim, notice bool) []slack.MsgOption {
	if c.key == "" {
		return nil
	}
	payload := map[string]any{"key": c.key}
	if notice {
		payload["notice"] = true
	}
	return []slack.MsgOption{slack.MsgOptionMetadata(slack.SlackMetadata{EventType: answerMark, EventPayload: payload})}
}

// answerEvent answers a mention or a direct message, held under c.
func (a *App) answerEvent(ctx context.Context, q question, c *claim) {
	conv := conversation{user: q.User, channel: q.Channel, thread: q.Thread}
	prev := a.memory(conv)
	// A question for the model may take seconds: say so as soon as the
	// channel's pace allows, and put the answer in place of the notice.
	// The notice goes first in the channel's queue, so the answer finds
	// its ts set, or empty when the notice failed. A question taken over
	// gets no notice: it is late already.
	notice := new(string)
	if lang, ok := a.answerer.LookingAfter(ctx, a.asker(ctx, q.User), prev, q.Text); ok && !c.taken {
		a.enqueue(q.Channel, func(ctx context.Context, pace *rate.Limiter) {
			held := func() bool { return a.posting(ctx, c, false) }
			ts, err := a.poster.postHeld(ctx, pace, held, q.Channel, q.Thread, a.renderer.Looking(lang), mark(c, true)...)
			if err != nil {
				a.log.Warn("slack notice not posted", "channel", q.Channel, "err", err)
			}
			*notice = ts
		})
	}
	ans := a.ask(ctx, conv, prev, q.Text)
	msg := a.renderer.Slack(ans)
	if !a.enqueue(q.Channel, func(ctx context.Context, pace *rate.Limiter) {
		// The claim is checked before the look, and before each try.
		held := func() bool { return a.posting(ctx, c, false) }
		if !held() {
			return
		}
		ts := *notice
		if ts == "" && c.taken {
			found, final, err := a.findAnswer(ctx, q, c)
			switch {
			case err != nil:
				a.log.Warn("slack answer not looked for: answered again", "key", c.key, "err", err)
			case final:
				a.log.Info("slack answer found posted by an earlier holder", "key", c.key, "ts", found)
				a.answered(c)
				return
			}
			ts = found
		}
		var err error
		if ts != "" {
			err = a.poster.updateHeld(ctx, pace, held, q.Channel, ts, msg, mark(c, false)...)
		} else {
			ts, err = a.poster.postHeld(ctx, pace, held, q.Channel, q.Thread, msg, mark(c, false)...)
		}
		if err != nil {
			if errors.Is(err, errNotHeld) {
				return // left to the new holder
			}
			a.log.Error("slack answer not posted", "channel", q.Channel, "err", err)
			if ctx.Err() != nil {
				return // cut short: left to another replica
			}
		} else if a.opt.OnAnswer != nil {
			a.opt.OnAnswer(ctx, q.User, q.Channel, ts, ans)
		}
		a.answered(c)
	}) {
		a.answered(c)
	}
}

// answerCommand answers a slash command, held under c. A command taken
// over after an earlier holder responded is answered in place of that
// response.
func (a *App) answerCommand(ctx context.Context, q question, c *claim) {
	conv := conversation{user: q.User, channel: q.Channel}
	prev := a.memory(conv)
	replace := c.postingAt != nil
	if lang, ok := a.answerer.LookingAfter(ctx, a.asker(ctx, q.User), prev, q.Text); ok && !replace {
		if !a.posting(ctx, c, true) {
			return
		}
		replace = a.poster.Respond(ctx, q.Channel, q.ResponseURL, a.renderer.Looking(lang), a.opt.SlashEphemeral, false) == nil
	}
	ans := a.ask(ctx, conv, prev, q.Text)
	if !a.posting(ctx, c, true) {
		return
	}
	if err := a.poster.Respond(ctx, q.Channel, q.ResponseURL, a.renderer.Slack(ans), a.opt.SlashEphemeral, replace); err != nil {
		a.log.Error("slash command answer not posted", "channel", q.Channel, "err", err)
		if ctx.Err() != nil {
			return // cut short: left to another replica
		}
	}
	a.answered(c)
}

// findAnswer looks in q's thread, or its direct message, since a minute
// before c's question was received, for a post marked with c's key: its
// ts, and whether it is the answer rather than the notice.
func (a *App) findAnswer(ctx context.Context, q question, c *claim) (string, bool, error) {
	since := strconv.FormatFloat(float64(c.received.Add(-time.Minute).UnixMicro())/1e6, 'f', 6, 64)
	var fetch func(cursor string) ([]slack.Message, string, error)
	if q.Thread != "" {
		fetch = func(cursor string) ([]slack.Message, string, error) {
			msgs, _, next, err := a.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: q.Channel,
				Timestamp: q.Thread, Oldest: since, Cursor: cursor, Limit: 200, IncludeAllMetadata: true})
			if slackCode(err) == "thread_not_found" {
				return nil, "", nil // nothing posted in it
			}
			return msgs, next, err
		}
	} else {
		fetch = historyPages(ctx, a.api, q.Channel, since)
	}
	m, found, err := findMarked(fetch, func(m slack.Message) bool {
		return m.Metadata.EventType == answerMark && m.Metadata.EventPayload["key"] == c.key
	})
	if err != nil || !found {
		return "", false, err
	}
	return m.Timestamp, m.Metadata.EventPayload["notice"] != true, nil
}

// TakeOver answers, until ctx ends, the questions whose holder's lease ran
// out (a replica that died or stalled): it looks every third of the
// lease, and takes as many as its queue has room for, each logged and
// counted (OnTakeOver).
func (a *App) TakeOver(ctx context.Context) {
	t := time.NewTicker(a.opt.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		room := min(cap(a.jobs)-len(a.jobs), maxTakeOver)
		if room <= 0 {
			continue
		}
		sent := time.Now()
		held, err := a.store.TakeOverQuestions(ctx, a.opt.Replica, a.opt.Lease, room)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Warn("slack questions not taken over", "err", err)
			}
			continue
		}
		stored := time.Now()
		for _, h := range held {
			a.takeOver(h, &claim{key: h.Key, gen: h.Generation, sent: sent, stored: stored, taken: true,
				received: h.ReceivedAt, postingAt: h.PostingAt})
		}
	}
}

// takeOver answers a question taken over, under c.
func (a *App) takeOver(h postgres.HeldQuestion, c *claim) {
	a.log.Warn("slack question taken over", "key", h.Key, "from", h.From, "replica", a.opt.Replica,
		"posted_before", h.PostingAt != nil)
	if a.opt.OnTakeOver != nil {
		a.opt.OnTakeOver()
	}
	var q question
	if err := json.Unmarshal(h.Payload, &q); err != nil || h.Payload == nil {
		a.log.Error("slack question taken over not understood: not answered", "key", h.Key, "err", err)
		a.answered(c)
		return
	}
	switch {
	case q.Click != nil:
		a.submit(func(ctx context.Context) { a.handleClick(ctx, *q.Click, c) })
	case q.Command:
		a.submit(func(ctx context.Context) { a.answerCommand(ctx, q, c) })
	default:
		a.submit(func(ctx context.Context) { a.answerEvent(ctx, q, c) })
	}
}

// keep renews the claims this replica holds every third of the lease, and
// marks the questions answered a few times a second, until Stop has
// answered the questions in hand.
func (a *App) keep() {
	renew := time.NewTicker(a.opt.Lease / 3)
	defer renew.Stop()
	flush := time.NewTicker(answeredEvery)
	defer flush.Stop()
	for {
		select {
		case <-a.keeping:
			a.flushAnswered()
			return
		case <-flush.C:
			a.flushAnswered()
		case <-renew.C:
			a.renew()
		}
	}
}

// renew extends the lease of every claim this replica holds.
func (a *App) renew() {
	ctx, cancel := context.WithTimeout(context.Background(), a.opt.Lease/3)
	defer cancel()
	sent := time.Now()
	if _, err := a.store.RenewQuestions(ctx, a.opt.Replica, a.opt.Lease); err != nil {
		a.log.Warn("slack questions' claims not renewed", "err", err)
		return
	}
	a.claims.mu.Lock()
	a.claims.renewed = sent
	a.claims.mu.Unlock()
}
