package slackapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/render"
)

// deliveryEvent is the metadata event type that marks orderbot's own posts
// (alerts, digests, summaries) with their delivery key.
const deliveryEvent = "orderbot_delivery"

// Notifications is Slack as package notify needs it: posts marked with
// their delivery key, found again in a channel's history, files in a
// thread. Each call is tried once; notify retries whole deliveries, with
// the pause a 429 asks for.
type Notifications struct {
	api    *slack.Client
	poster *Poster
}

// NewNotifications returns the notifications' Slack over api; posts go
// through poster's pacing, tried once each.
func NewNotifications(api *slack.Client, poster *Poster) *Notifications {
	return &Notifications{api: api, poster: poster.Once()}
}

// delayed is a 429: notify waits its Retry-After before trying again.
type delayed struct {
	err   error
	after time.Duration
}

func (d delayed) Error() string        { return d.err.Error() }
func (d delayed) Unwrap() error        { return d.err }
func (d delayed) Delay() time.Duration { return d.after }
func withDelay(err error) error {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return delayed{err: err, after: rl.RetryAfter}
	}
	return err
}

// errNoChannel is conversations.open answering ok without a channel.
var errNoChannel = errors.New("answered ok, but with no channel")

// OpenDM returns the direct-message channel with a user.
func (n *Notifications) OpenDM(ctx context.Context, userID string) (string, error) {
	var id string
	err := n.poster.send(ctx, userID, "conversations.open", func() error {
		ch, _, _, err := n.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}})
		if err != nil {
			return err
		}
		if ch == nil || ch.ID == "" {
			return errNoChannel
		}
		id = ch.ID
		return nil
	})
	return id, withDelay(err)
}

// Post posts msg, marked with key in the message's metadata, and returns
// the channel's ID (Slack's, even when channel is a name) and the ts.
func (n *Notifications) Post(ctx context.Context, channel, threadTS string, msg render.Message, key string) (string, string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: deliveryEvent, EventPayload: map[string]any{"key": key}})}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var id, ts string
	err := n.poster.send(ctx, channel, "chat.postMessage", func() error {
		var err error
		id, ts, err = n.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return id, ts, withDelay(err)
}

// maxHistoryPages bounds how far back Find reads a busy channel.
const maxHistoryPages = 20

// Find looks in channel's history since a moment for a message marked
// with key.
func (n *Notifications) Find(ctx context.Context, channel string, since time.Time, key string) (string, bool, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel,
		Oldest: strconv.FormatFloat(float64(since.UnixMicro())/1e6, 'f', 6, 64), Limit: 200, IncludeAllMetadata: true}
	for range maxHistoryPages {
		resp, err := n.api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return "", false, withDelay(fmt.Errorf("conversations.history of %s: %w", channel, err))
		}
		for _, m := range resp.Messages {
			if m.Metadata.EventType == deliveryEvent && m.Metadata.EventPayload["key"] == key {
				return m.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", false, fmt.Errorf("conversations.history of %s: more than %d pages since %s", channel, maxHistoryPages, since)
}

// Upload posts a file in the thread of threadTS.
func (n *Notifications) Upload(ctx context.Context, channel, threadTS, filename, title string, data []byte) error {
	_, err := n.api.UploadFileContext(ctx, slack.UploadFileParameters{Reader: bytes.NewReader(data), FileSize: len(data),
		Filename: filename, Title: title, Channel: channel, ThreadTimestamp: threadTS})
	if err != nil {
		return withDelay(fmt.Errorf("upload %s: %w", filename, err))
	}
	return nil
}

// Uploaded reports whether the thread of threadTS holds a file named filename.
func (n *Notifications) Uploaded(ctx context.Context, channel, threadTS, filename string) (bool, error) {
	msgs, _, _, err := n.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: channel, Timestamp: threadTS})
	if err != nil {
		return false, withDelay(fmt.Errorf("conversations.replies of %s: %w", channel, err))
	}
	for _, m := range msgs {
		for _, f := range m.Files {
			if f.Name == filename {
				return true, nil
			}
		}
	}
	return false, nil
}

// UploadUnshared uploads an image shared in no channel (only orderbot sees
// it) and returns its file ID, for a message to show it in an image block
// (slack_file), posted with the same token. Slack takes a moment to process
// the file: a post showing it right away may be refused as invalid_blocks,
// and is tried again after a pause.
func (n *Notifications) UploadUnshared(ctx context.Context, filename, title, altText string, data []byte) (string, error) {
	f, err := n.api.UploadFileContext(ctx, slack.UploadFileParameters{Reader: bytes.NewReader(data), FileSize: len(data),
		Filename: filename, Title: title, AltTxt: altText})
	if err != nil {
		return "", withDelay(fmt.Errorf("upload %s: %w", filename, err))
	}
	return f.ID, nil
}
