package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
//     PostgreSQL, and it is worked by the holder of its key's lock, a
//     session lock of PostgreSQL (ClaimDelivery): River's jobs of several
//     replicas, a job worked again and a manual run all try to take it, and
//     one gets it. On serve each delivery is a River job, worked by one
//     replica at a time and worked again when its replica dies; a holder
//     that dies loses its lock with its connection, and the next try posts
//     it. A holder that stalled (a pause, a slow query) still holds the
//     lock: nobody else posts meanwhile.
//   - Posting. Just before the post goes out, the delivery is marked
//     "posting" and the message carries its key in Slack's message
//     metadata. Whenever a post went out without its ts being recorded (the
//     process died, the call timed out, Slack answered 5xx after taking
//     it), the next try looks in the channel's history, since the moment of
//     posting, for a message carrying the key: found, it is recorded as sent
//     with that ts and not posted again; not found, Slack never got it and
//     it is posted. The key names this delivery only. A channel named by
//     name is looked up by the ID Slack gave it at an earlier post.
//   - Membership. Looking needs orderbot to be a member of the channel:
//     Slack lets it post in a public channel it is not in
//     (chat:write.public) but read only those it is in, so the Slack
//     adapter (slackapp) joins a public channel to look. A private channel
//     orderbot is not in (never invited, or removed since) can be neither
//     read, joined nor posted in: the look fails with an error saying to
//     invite orderbot, and the delivery is tried again like any failure,
//     then parked. It is never posted without looking: that could post it
//     twice, and would fail there anyway. Invited before the tries run out,
//     orderbot finds the post or makes it; a digest parked loses no order,
//     the next one covers the changes since the previous digest not parked.
//   - Failure. An error from Slack (429, 5xx, network) puts the delivery
//     back for a later try, after Retry-After or a growing pause (its job
//     is snoozed until then), until max tries, when it is parked as failed,
//     in the logs and in `orderbot alerts status`.
func (n *Notifier) deliver(ctx context.Context, d postgres.Delivery, channel string, msg render.Message, figures []byte,
	attach func(channelID, ts string, resumed bool) error) error {
	ts, channelID := d.TS, d.ChannelID
	resumed := ts != ""
	if ts == "" && d.PostingAt != nil {
		// An earlier try sent the post and did not learn whether Slack got
		// it (a crash, a timeout, a 5xx): look before posting again.
		where := channel
		if channelID == "" && !isChannelID(channel) {
			id, err := n.store.ChannelID(ctx, channel)
			if err != nil {
				return n.retry(ctx, d, err)
			}
			if id != "" {
				where = id
			}
		} else if channelID != "" {
			where = channelID
		}
		found, ok, err := n.slack.Find(ctx, where, d.PostingAt.Add(-time.Minute), d.Key)
		if err != nil {
			return n.retry(ctx, d, fmt.Errorf("look for an earlier post: %w", err))
		}
		if ok {
			n.log.Info("delivery found posted by an earlier try", "delivery", d.Key, "ts", found)
			ts, channelID, resumed = found, where, true
		}
	}
	if ts == "" {
		if err := n.store.MarkPosting(ctx, d, n.opt.Clock()); err != nil {
			if errors.Is(err, postgres.ErrSettled) {
				n.log.Warn("delivery settled meanwhile", "delivery", d.Key)
				return nil
			}
			return err
		}
		cid, posted, err := n.slack.Post(ctx, channel, "", msg, d.Key)
		if err != nil {
			return n.retry(ctx, d, err)
		}
		ts, channelID = posted, cid
	}
	if channelID == "" {
		channelID = channel
	}
	if attach != nil {
		if !resumed {
			if err := n.store.MarkPosted(ctx, d, ts, channelID); err != nil {
				return err
			}
		}
		if err := attach(channelID, ts, resumed); err != nil {
			return n.retry(ctx, d, err)
		}
	}
	if err := n.store.MarkSent(ctx, d, ts, channelID, figures, n.opt.Clock()); err != nil {
		return err
	}
	n.log.Info("delivered", "delivery", d.Key, "channel", channel, "ts", ts)
	n.opt.Observe(d.Kind, "sent")
	return nil
}

// isChannelID reports whether s is a Slack ID (C…, G…, D…), not a name.
func isChannelID(s string) bool {
	if len(s) < 2 || strings.HasPrefix(s, "#") {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// retry counts a failed try and puts the delivery back for later, or parks
// it after max tries.
func (n *Notifier) retry(ctx context.Context, d postgres.Delivery, cause error) error {
	if d.Tries+1 >= n.opt.MaxTries {
		n.log.Error("delivery parked as failed", "delivery", d.Key, "tries", d.Tries+1, "err", cause)
		n.opt.Observe(d.Kind, "failed")
		if err := n.store.MarkFailed(ctx, d, cause); err != nil && !errors.Is(err, postgres.ErrSettled) {
			return errors.Join(cause, err)
		}
		return cause
	}
	wait := time.Duration(1<<min(d.Tries, 6)) * 30 * time.Second
	var delay Delay
	if errors.As(cause, &delay) {
		wait = delay.Delay()
	}
	n.log.Warn("delivery to try again", "delivery", d.Key, "tries", d.Tries+1, "in", wait, "err", cause)
	n.opt.Observe(d.Kind, "retry")
	if err := n.store.MarkRetry(ctx, d, cause, n.opt.Clock().Add(wait)); err != nil && !errors.Is(err, postgres.ErrSettled) {
		return errors.Join(cause, err)
	}
	return cause
}
