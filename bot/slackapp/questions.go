package slackapp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
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
//     A store that cannot say within holdWait gets the benefit of the
//     doubt: the question is answered without a claim, better than never.
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
//   - Holding. The answer (or the notice that the model is consulted) is
//     posted only after the question is marked posting by the holder of
//     the claim's current generation: a former holder that wakes up finds
//     its claim gone and posts nothing.
//   - Posting. Each answer carries its question's key in the message's
//     metadata (the notice too, marked as such). A question taken over
//     after its answer may have gone out is looked for first, in its
//     thread or the direct message since the first post: an answer found is
//     not posted again, a notice found is replaced by the answer. A slash
//     command's answer cannot be looked for (a response_url post is in no
//     history): one taken over after posting is answered in place of the
//     earlier response (replace_original).
//   - Done. An answered question is marked so, and the claims are
//     forgotten after a day (ForgetEvents).

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
}

// claim is this replica's hold on a question.
type claim struct {
	key string // "" for a question answered without a claim
	gen int
	// postingAt is when an earlier holder's answer first went out, or nil.
	postingAt *time.Time
}

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
	fresh, err := a.store.HoldQuestion(ctx, key, payload, a.opt.Replica, a.opt.Lease)
	switch {
	case err != nil:
		a.log.Error("slack question not stored: answered without a claim", "key", key, "err", err)
		return &claim{}, true
	case !fresh:
		a.log.Info("slack question answered before", "key", key)
		if a.opt.OnDuplicate != nil {
			a.opt.OnDuplicate()
		}
		return nil, false
	}
	return &claim{key: key}, true
}

// posting marks c's question posting, and reports whether this replica
// may post: false when its claim was taken over. A store that cannot say
// lets it post.
func (a *App) posting(ctx context.Context, c *claim) bool {
	if c.key == "" {
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

// answered marks c's question answered.
func (a *App) answered(ctx context.Context, c *claim) {
	if c.key == "" {
		return
	}
	err := a.store.MarkQuestionAnswered(context.WithoutCancel(ctx), c.key, a.opt.Replica, c.gen)
	if err != nil && !errors.Is(err, postgres.ErrQuestionLost) {
		a.log.Warn("slack question not marked answered", "key", c.key, "err", err)
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
	// after an earlier holder posted gets no second notice.
	notice := new(string)
	if lang, ok := a.answerer.LookingAfter(ctx, a.asker(ctx, q.User), prev, q.Text); ok && c.postingAt == nil {
		a.enqueue(q.Channel, func(ctx context.Context, pace *rate.Limiter) {
			if !a.posting(ctx, c) {
				return
			}
			ts, err := a.poster.post(ctx, pace, q.Channel, q.Thread, a.renderer.Looking(lang), mark(c, true)...)
			if err != nil {
				a.log.Warn("slack notice not posted", "channel", q.Channel, "err", err)
			}
			*notice = ts
		})
	}
	msg := a.renderer.Slack(a.ask(ctx, conv, prev, q.Text))
	if !a.enqueue(q.Channel, func(ctx context.Context, pace *rate.Limiter) {
		if !a.posting(ctx, c) {
			return
		}
		ts := *notice
		if ts == "" && c.postingAt != nil {
			found, final, err := a.findAnswer(ctx, q, c)
			switch {
			case err != nil:
				a.log.Warn("slack answer not looked for: answered again", "key", c.key, "err", err)
			case final:
				a.log.Info("slack answer found posted by an earlier holder", "key", c.key, "ts", found)
				a.answered(ctx, c)
				return
			}
			ts = found
		}
		var err error
		if ts != "" {
			err = a.poster.update(ctx, pace, q.Channel, ts, msg, mark(c, false)...)
		} else {
			_, err = a.poster.post(ctx, pace, q.Channel, q.Thread, msg, mark(c, false)...)
		}
		if err != nil {
			a.log.Error("slack answer not posted", "channel", q.Channel, "err", err)
			if ctx.Err() != nil {
				return // cut short: left to another replica
			}
		}
		a.answered(ctx, c)
	}) {
		a.answered(ctx, c)
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
		if !a.posting(ctx, c) {
			return
		}
		replace = a.poster.Respond(ctx, q.Channel, q.ResponseURL, a.renderer.Looking(lang), a.opt.SlashEphemeral, false) == nil
	}
	ans := a.ask(ctx, conv, prev, q.Text)
	if !a.posting(ctx, c) {
		return
	}
	if err := a.poster.Respond(ctx, q.Channel, q.ResponseURL, a.renderer.Slack(ans), a.opt.SlashEphemeral, replace); err != nil {
		a.log.Error("slash command answer not posted", "channel", q.Channel, "err", err)
		if ctx.Err() != nil {
			return // cut short: left to another replica
		}
	}
	a.answered(ctx, c)
}

// findAnswer looks in q's thread, or its direct message, since a minute
// before c's first post, for a post marked with c's key: its ts, and
// whether it is the answer rather than the notice.
func (a *App) findAnswer(ctx context.Context, q question, c *claim) (string, bool, error) {
	since := strconv.FormatFloat(float64(c.postingAt.Add(-time.Minute).UnixMicro())/1e6, 'f', 6, 64)
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
		held, err := a.store.TakeOverQuestions(ctx, a.opt.Replica, a.opt.Lease, room)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Warn("slack questions not taken over", "err", err)
			}
			continue
		}
		for _, h := range held {
			a.takeOver(ctx, h)
		}
	}
}

// takeOver answers a question taken over.
func (a *App) takeOver(ctx context.Context, h postgres.HeldQuestion) {
	c := &claim{key: h.Key, gen: h.Generation, postingAt: h.PostingAt}
	a.log.Warn("slack question taken over", "key", h.Key, "from", h.From, "replica", a.opt.Replica,
		"posted_before", h.PostingAt != nil)
	if a.opt.OnTakeOver != nil {
		a.opt.OnTakeOver()
	}
	var q question
	if err := json.Unmarshal(h.Payload, &q); err != nil || h.Payload == nil {
		a.log.Error("slack question taken over not understood: not answered", "key", h.Key, "err", err)
		a.answered(ctx, c)
		return
	}
	if q.Command {
		a.submit(func(ctx context.Context) { a.answerCommand(ctx, q, c) })
	} else {
		a.submit(func(ctx context.Context) { a.answerEvent(ctx, q, c) })
	}
}

// keep renews the claims this replica holds every third of the lease,
// until Stop has answered the questions in hand.
func (a *App) keep() {
	t := time.NewTicker(a.opt.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-a.keeping:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), a.opt.Lease/3)
		if _, err := a.store.RenewQuestions(ctx, a.opt.Replica, a.opt.Lease); err != nil {
			a.log.Warn("slack questions' claims not renewed", "err", err)
		}
		cancel()
	}
}
