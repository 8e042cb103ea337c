package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders/postgres"
)

// deliver posts a claimed delivery exactly once, then runs attach (the
// summary's chart) when there is one, and records it sent with figures.
//
// Why a post is never made twice, and never lost:
//
//   - Claim. The delivery's key (digest:<channel>:<day>, ...) is unique in
//     PostgreSQL, and a claim holds a lease: two schedulers racing on the
//     same day, a manual run and several replicas all try to claim it, and
//     one gets it. A holder that dies before posting (a crash between claim
//     and post) leaves a lease that runs out, and the next run posts it.
//   - Posting. Just before the post goes out, the delivery is marked
//     "posting" and the message carries its key in Slack's message
//     metadata. If the process dies after Slack took the post and before
//     its ts was recorded, the delivery stays "posting"; whoever takes it
//     over after the lease looks in the channel's history, since the
//     moment of posting, for a message carrying the key: found, it is
//     recorded as sent with that ts and not posted again; not found, Slack
//     never got it and it is posted. The check cannot be fooled by another
//     message: the key names this delivery only.
//   - Failure. An error from Slack (429, 5xx, network) puts the delivery
//     back for a later try, after Retry-After or a growing pause, until
//     max tries, when it is parked as failed, in the logs and in
//     `orderbot alerts status`.
func (n *Notifier) deliver(ctx context.Context, d postgres.Delivery, channel string, msg render.Message, figures []byte,
	attach func(ts string) error) error {
	ts := d.TS
	if d.State == "posting" && d.PostingAt != nil {
		found, ok, err := n.slack.Find(ctx, channel, d.PostingAt.Add(-time.Minute), d.Key)
		if err != nil {
			return n.retry(ctx, d, fmt.Errorf("look for an earlier post: %w", err))
		}
		if ok {
			n.log.Info("delivery found posted before a crash", "delivery", d.Key, "ts", found)
			ts = found
		}
	}
	if ts == "" {
		if err := n.store.MarkPosting(ctx, d.ID, n.opt.Now()); err != nil {
			return err
		}
		d.Tries++
		posted, err := n.slack.Post(ctx, channel, "", msg, d.Key)
		if err != nil {
			return n.retry(ctx, d, err)
		}
		ts = posted
	}
	if attach != nil {
		if err := n.store.MarkPosted(ctx, d.ID, ts); err != nil {
			return err
		}
		if err := attach(ts); err != nil {
			return n.retry(ctx, d, err)
		}
	}
	if err := n.store.MarkSent(ctx, d.ID, ts, figures, n.opt.Now()); err != nil {
		return err
	}
	n.log.Info("delivered", "delivery", d.Key, "channel", channel, "ts", ts)
	n.opt.Observe(d.Kind, "sent")
	return nil
}

// retry puts a delivery back for later, or parks it after max tries.
func (n *Notifier) retry(ctx context.Context, d postgres.Delivery, cause error) error {
	if d.Tries >= n.opt.MaxTries {
		n.log.Error("delivery parked as failed", "delivery", d.Key, "tries", d.Tries, "err", cause)
		n.opt.Observe(d.Kind, "failed")
		if err := n.store.MarkFailed(ctx, d.ID, cause); err != nil {
			return errors.Join(cause, err)
		}
		return cause
	}
	wait := time.Duration(1<<min(d.Tries, 6)) * 30 * time.Second
	var delay Delay
	if errors.As(cause, &delay) {
		wait = delay.Delay()
	}
	n.log.Warn("delivery to try again", "delivery", d.Key, "tries", d.Tries, "in", wait, "err", cause)
	n.opt.Observe(d.Kind, "retry")
	if err := n.store.MarkRetry(ctx, d.ID, cause, n.opt.Now().Add(wait)); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}
