package follow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

type noticeWorker struct {
	river.WorkerDefaults[NoticeArgs]
	f *Followers
}

// Work tells one follower what one import changed: one direct message,
// once (see the package's comment), then their earlier answers updated.
func (w *noticeWorker) Work(ctx context.Context, job *river.Job[NoticeArgs]) error {
	cfg := w.f.cfg
	a := job.Args
	person, err := cfg.Store.PersonByID(ctx, a.PersonID)
	if orders.ErrorCode(err) == orders.ENotFound {
		return nil // left the directory since
	}
	if err != nil {
		return err
	}
	changes, err := cfg.Store.FollowChanges(ctx, a.ImportID, a.PersonID)
	if err != nil || len(changes) == 0 {
		return err
	}
	if person.SlackUserID == "" {
		if cfg.Log != nil {
			cfg.Log.Info("follow: no Slack user to tell", "person", person.Email, "import", a.ImportID)
		}
		return nil
	}
	lang := person.Language
	if lang == "" {
		lang = cfg.Language
	}
	dm, err := cfg.Slack.OpenDM(ctx, person.SlackUserID)
	if err != nil {
		return err
	}
	if err := w.tell(ctx, job, dm, cfg.Renderer.FollowNotice(lang, renderChanges(changes))); err != nil {
		return err
	}
	return w.update(ctx, person, changes)
}

// tell posts the notice in dm unless an earlier attempt did: a job worked
// again (its replica died, Slack failed) looks first.
func (w *noticeWorker) tell(ctx context.Context, job *river.Job[NoticeArgs], dm string, msg render.Message) error {
	key := job.Args.Key()
	if job.Attempt > 1 {
		_, found, err := w.f.cfg.Slack.Find(ctx, dm, job.CreatedAt.Add(-time.Minute), key)
		if err != nil {
			return fmt.Errorf("follow notice %s: look for an earlier post: %w", key, err)
		}
		if found {
			return nil
		}
	}
	if _, _, err := w.f.cfg.Slack.Post(ctx, dm, "", msg, key); err != nil {
		return fmt.Errorf("follow notice %s: %w", key, err)
	}
	return nil
}

// update puts the follower's earlier answers about the changed orders in
// their new state, with a note, and forgets those of orders now closed.
func (w *noticeWorker) update(ctx context.Context, person orders.Person, changes []postgres.FollowChange) error {
	cfg := w.f.cfg
	ids := make([]int64, len(changes))
	numbers := map[int64]string{}
	var closed []int64
	for i, c := range changes {
		ids[i], numbers[c.OrderID] = c.OrderID, c.Number
		if c.Closed() {
			closed = append(closed, c.OrderID)
		}
	}
	answers, err := cfg.Store.FollowAnswers(ctx, person.ID, ids)
	if err != nil {
		return err
	}
	var gone []int64
	for _, ans := range answers {
		msg, err := w.answer(ctx, numbers[ans.OrderID], ans.Lang)
		if err != nil {
			return err
		}
		err = cfg.Slack.Update(ctx, ans.Channel, ans.TS, msg)
		switch slackCode(err) {
		case "":
			if err != nil {
				return err // tried again, and the message is found
			}
		case "message_not_found", "cant_update_message", "channel_not_found", "edit_window_closed":
			gone = append(gone, ans.OrderID) // deleted, or out of reach: nothing to update
		default:
			return err
		}
	}
	if forget := append(closed, gone...); len(forget) > 0 {
		return cfg.Store.ForgetFollowAnswers(ctx, person.ID, forget)
	}
	return nil
}

// answer is orderbot's answer about an order as it stands now, noted as
// updated.
func (w *noticeWorker) answer(ctx context.Context, number string, lang orders.Language) (render.Message, error) {
	cfg := w.f.cfg
	o, err := cfg.Store.OrderByNumber(ctx, number)
	if err != nil {
		return render.Message{}, err
	}
	asOf, known, _, err := cfg.Store.DataVersion(ctx)
	if err != nil {
		return render.Message{}, err
	}
	now := cfg.Now()
	stale := cfg.StaleAfter > 0 && now.Sub(asOf) > cfg.StaleAfter
	a := bot.Answer{Kind: bot.OrderFound, Lang: lang, At: now, Order: o,
		Question:   understand.Question{Intent: understand.Order, Number: number},
		Data:       bot.Freshness{AsOf: asOf, Known: known, Stale: stale},
		Followable: true, Following: !o.Closed()}
	return cfg.Renderer.Updated(cfg.Renderer.Slack(a), lang, now), nil
}

// renderChanges are the changes as the notice says them.
func renderChanges(changes []postgres.FollowChange) []render.Change {
	out := make([]render.Change, len(changes))
	for i, c := range changes {
		out[i] = render.Change{Number: c.Number, Customer: c.CustomerName, From: c.From, To: c.To, FromReason: c.FromReason,
			ToReason: c.ToReason, FromPromised: c.FromPromised, ToPromised: c.ToPromised, PromiseMoved: c.PromiseMoved()}
	}
	return out
}

// slackCode returns the error code of Slack's ok:false answer, or "".
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}
