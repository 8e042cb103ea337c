package release

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders/postgres"
)

// unique makes a job's args its unique key: the same job is inserted
// once, however many replicas and retries try.
var unique = river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}

// PostArgs posts request RequestID in its route's channel.
type PostArgs struct {
	RequestID int64 `json:"request_id" river:"unique"`
}

// Kind names the job.
func (PostArgs) Kind() string { return "release_post" }

// InsertOpts makes the job unique by request.
func (PostArgs) InsertOpts() river.InsertOpts { return unique }

// UpdateArgs shows the decision of request RequestID in its message.
type UpdateArgs struct {
	RequestID int64 `json:"request_id" river:"unique"`
}

// Kind names the job.
func (UpdateArgs) Kind() string { return "release_update" }

// InsertOpts makes the job unique by request.
func (UpdateArgs) InsertOpts() river.InsertOpts { return unique }

// The kinds of direct messages about a request.
const (
	noticeDecided = "decided"
	noticeStale   = "stale"
)

// NoticeArgs tells person PersonID, by direct message, of request
// RequestID: its decision, or that the ERP has not applied it.
type NoticeArgs struct {
	RequestID int64  `json:"request_id" river:"unique"`
	PersonID  int64  `json:"person_id" river:"unique"`
	About     string `json:"kind" river:"unique"`
}

// Kind names the job.
func (NoticeArgs) Kind() string { return "release_notice" }

// InsertOpts makes the job unique by request, person and kind.
func (NoticeArgs) InsertOpts() river.InsertOpts { return unique }

// StaleArgs looks for approved releases the ERP has not applied.
type StaleArgs struct{}

// Kind names the job.
func (StaleArgs) Kind() string { return "release_stale" }

// key marks a post about request id in Slack, to find it again.
func key(id int64, parts ...any) string {
	k := fmt.Sprintf("release:%d", id)
	for _, p := range parts {
		k += fmt.Sprintf(":%v", p)
	}
	return k
}

// lookBack is how far before a moment a post may be looked for: Slack's
// clock and ours differ.
const lookBack = 5 * time.Minute

type postWorker struct {
	river.WorkerDefaults[PostArgs]
	r *Releases
}

// Work posts the request once: an earlier attempt that posted without
// recording it is found by its key in the channel.
func (w *postWorker) Work(ctx context.Context, job *river.Job[PostArgs]) error {
	st, sl := w.r.cfg.Store, w.r.cfg.Slack
	req, err := st.ReleaseRequest(ctx, job.Args.RequestID)
	if err != nil || req.TS != "" {
		return err
	}
	o, err := st.OrderByNumber(ctx, req.Number)
	if err != nil {
		return err
	}
	k := key(req.ID)
	channel, ts, found := req.Channel, "", false
	if job.Attempt > 1 {
		if ts, found, err = sl.Find(ctx, channel, req.RequestedAt.Add(-lookBack), k); err != nil {
			return err
		}
	}
	if !found {
		if channel, ts, err = sl.Post(ctx, req.Channel, "", w.r.requestMessage(req, o, w.r.cfg.Language), k); err != nil {
			return err
		}
	}
	return st.SetReleaseMessage(ctx, req.ID, channel, ts)
}

type updateWorker struct {
	river.WorkerDefaults[UpdateArgs]
	r *Releases
}

// errNotPosted is a decision of a request whose message is not posted
// yet: the update is tried again later.
var errNotPosted = errors.New("release request not posted yet")

// Work replaces the request's buttons with its decision.
func (w *updateWorker) Work(ctx context.Context, job *river.Job[UpdateArgs]) error {
	st := w.r.cfg.Store
	req, err := st.ReleaseRequest(ctx, job.Args.RequestID)
	if err != nil {
		return err
	}
	if req.TS == "" {
		return errNotPosted
	}
	o, err := st.OrderByNumber(ctx, req.Number)
	if err != nil {
		return err
	}
	return w.r.cfg.Slack.Update(ctx, req.Channel, req.TS, w.r.requestMessage(req, o, w.r.cfg.Language))
}

type noticeWorker struct {
	river.WorkerDefaults[NoticeArgs]
	r *Releases
}

// Work sends the direct message once: an earlier attempt that posted is
// found by its key.
func (w *noticeWorker) Work(ctx context.Context, job *river.Job[NoticeArgs]) error {
	st, sl := w.r.cfg.Store, w.r.cfg.Slack
	a := job.Args
	p, err := st.PersonByID(ctx, a.PersonID)
	if err != nil {
		return err
	}
	if p.SlackUserID == "" {
		w.r.cfg.Log.Info("release: no Slack user to tell", "person", p.ID, "request", a.RequestID)
		return nil
	}
	req, err := st.ReleaseRequest(ctx, a.RequestID)
	if err != nil || req.DecidedAt == nil {
		return err
	}
	o, err := st.OrderByNumber(ctx, req.Number)
	if err != nil {
		return err
	}
	dm, err := sl.OpenDM(ctx, p.SlackUserID)
	if err != nil {
		return err
	}
	k := key(req.ID, a.About, p.ID)
	if job.Attempt > 1 {
		if _, found, err := sl.Find(ctx, dm, job.CreatedAt.Add(-lookBack), k); err != nil || found {
			return err
		}
	}
	text := w.r.noticeText(a.About, req, o, w.r.lang(p))
	msg := render.Message{Text: text, Blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}}
	_, _, err = sl.Post(ctx, dm, "", msg, k)
	return err
}

type staleWorker struct {
	river.WorkerDefaults[StaleArgs]
	r *Releases
}

// Work tells the requester and the decider of each approved release the
// ERP has not applied after StaleAfter, once.
func (w *staleWorker) Work(ctx context.Context, _ *river.Job[StaleArgs]) error {
	st, now := w.r.cfg.Store, w.r.cfg.Now()
	if w.r.jobs == nil {
		return errors.New("release: no job queue (Use was not called)")
	}
	reqs, err := st.StaleReleases(ctx, now.Add(-w.r.cfg.StaleAfter))
	if err != nil {
		return err
	}
	for _, req := range reqs {
		err := st.InTx(ctx, func(tx *postgres.Store) error {
			ok, err := tx.MarkReleaseStaleTold(ctx, req.ID, now)
			if err != nil || !ok {
				return err
			}
			jobs := []river.InsertManyParams{{Args: NoticeArgs{RequestID: req.ID, PersonID: req.Requester.ID, About: noticeStale}}}
			if req.Decider.ID != req.Requester.ID {
				jobs = append(jobs, river.InsertManyParams{Args: NoticeArgs{RequestID: req.ID, PersonID: req.Decider.ID, About: noticeStale}})
			}
			_, err = w.r.jobs.EnqueueMany(ctx, tx, jobs)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
