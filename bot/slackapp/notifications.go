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
//
// orderbot posts in reps' public channels without being a member of them
// (chat:write.public), but Slack lets a bot read a channel's history or
// share a file there only as a member: there, orderbot joins the channel
// (channels:join) when Slack answers not_in_channel, and tries again. It
// joins only then, not before its first post, so that a channel it merely
// posts in does not get a member it does not need. A private channel
// cannot be joined: the error says to invite orderbot.
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
	if code := slackCode(err); code == "channel_not_found" || code == "not_in_channel" {
		err = fmt.Errorf("%w: orderbot may not post in %s: %s", err, channel, hidden)
	}
	return id, ts, withDelay(err)
}

// slackCode returns the error code of Slack's ok:false answer, or "".
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// invite is what to do about a channel orderbot is not in and cannot join.
const invite = "invite orderbot there (/invite @orderbot)"

// hidden explains channel_not_found: a private channel orderbot is not in
// is one Slack does not show it.
const hidden = "the channel is private and orderbot is not in it, or it no longer exists; if it is private, " + invite

// inChannel runs call, which reads channel or shares a file there (method
// names it in errors). Answered not_in_channel, orderbot joins the channel
// and runs call again; a channel it cannot join, or cannot see, is an error
// saying to invite it.
func (n *Notifications) inChannel(ctx context.Context, channel, method string, call func() error) error {
	err := call()
	switch slackCode(err) {
	case "":
		if err != nil {
			return withDelay(fmt.Errorf("%s in %s: %w", method, channel, err))
		}
		return nil
	case "channel_not_found":
		return fmt.Errorf("%s in %s: %w: %s", method, channel, err, hidden)
	case "not_in_channel":
	default:
		return fmt.Errorf("%s in %s: %w", method, channel, err)
	}
	if _, _, _, jerr := n.api.JoinConversationContext(ctx, channel); jerr != nil {
		why := "orderbot is not in the channel and could not join it"
		switch slackCode(jerr) {
		case "method_not_supported_for_channel_type":
			why = "orderbot is not in the channel and cannot join it, a private channel: " + invite
		case "missing_scope":
			why = "orderbot is not in the channel and may not join it (the app lacks the channels:join scope): " +
				"reinstall the app from its manifest (bot/slackapp/manifest.yaml), or " + invite
		case "channel_not_found":
			why = "orderbot is not in the channel and cannot join it: " + hidden
		}
		return withDelay(fmt.Errorf("%s in %s: %w: %s (conversations.join: %w)", method, channel, err, why, jerr))
	}
	if err := call(); err != nil {
		return withDelay(fmt.Errorf("%s in %s, once joined: %w", method, channel, err))
	}
	return nil
}

// maxHistoryPages bounds how far back Find reads a busy channel.
const maxHistoryPages = 20

// Find looks in channel's history since a moment for a message marked
// with key.
func (n *Notifications) Find(ctx context.Context, channel string, since time.Time, key string) (string, bool, error) {
	pages := historyPages(ctx, n.api, channel, strconv.FormatFloat(float64(since.UnixMicro())/1e6, 'f', 6, 64))
	m, found, err := findMarked(func(cursor string) (msgs []slack.Message, next string, err error) {
		err = n.inChannel(ctx, channel, "conversations.history", func() error {
			var err error
			msgs, next, err = pages(cursor)
			return err
		})
		return msgs, next, err
	}, func(m slack.Message) bool {
		return m.Metadata.EventType == deliveryEvent && m.Metadata.EventPayload["key"] == key
	})
	if errors.Is(err, errTooManyPages) {
		return "", false, fmt.Errorf("conversations.history of %s: %w since %s", channel, err, since)
	}
	return m.Timestamp, found, err
}

// historyPages reads channel's history since oldest (a ts), with the
// messages' metadata, a page at a time: a page's messages and the cursor
// of the next page, "" after the last.
func historyPages(ctx context.Context, api *slack.Client, channel, oldest string) func(cursor string) ([]slack.Message, string, error) {
	return func(cursor string) ([]slack.Message, string, error) {
		resp, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: channel,
			Oldest: oldest, Limit: 200, Cursor: cursor, IncludeAllMetadata: true})
		if err != nil {
			return nil, "", err
		}
		if !resp.HasMore {
			return resp.Messages, "", nil
		}
		return resp.Messages, resp.ResponseMetaData.NextCursor, nil
	}
}

// errTooManyPages is a look through more than maxHistoryPages pages.
var errTooManyPages = fmt.Errorf("more than %d pages", maxHistoryPages)

// findMarked reads the pages of fetch, from the first, for a message
// match accepts, at most maxHistoryPages of them.
func findMarked(fetch func(cursor string) ([]slack.Message, string, error), match func(slack.Message) bool) (slack.Message, bool, error) {
	cursor := ""
	for range maxHistoryPages {
		msgs, next, err := fetch(cursor)
		if err != nil {
			return slack.Message{}, false, err
		}
		for _, m := range msgs {
			if match(m) {
				return m, true, nil
			}
		}
		if next == "" {
			return slack.Message{}, false, nil
		}
		cursor = next
	}
	return slack.Message{}, false, errTooManyPages
}

// Upload posts a file in the thread of threadTS. A refused share leaves
// the uploaded file shared nowhere; the try after joining uploads it anew.
func (n *Notifications) Upload(ctx context.Context, channel, threadTS, filename, title string, data []byte) error {
	err := n.inChannel(ctx, channel, "share", func() error {
		_, err := n.api.UploadFileContext(ctx, slack.UploadFileParameters{Reader: bytes.NewReader(data), FileSize: len(data),
			Filename: filename, Title: title, Channel: channel, ThreadTimestamp: threadTS})
		return err
	})
	if err != nil {
		return fmt.Errorf("upload %s: %w", filename, err)
	}
	return nil
}

// Uploaded reports whether the thread of threadTS holds a file named filename.
func (n *Notifications) Uploaded(ctx context.Context, channel, threadTS, filename string) (bool, error) {
	var msgs []slack.Message
	err := n.inChannel(ctx, channel, "conversations.replies", func() error {
		var err error
		msgs, _, _, err = n.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: channel, Timestamp: threadTS})
		return err
	})
	if err != nil {
		return false, err
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

// Update replaces the message ts of channel, which orderbot posted, with
// msg (chat.update): an alert showing who took it on.
func (n *Notifications) Update(ctx context.Context, channel, ts string, msg render.Message) error {
	return withDelay(n.poster.update(ctx, n.poster.limiter(channel), channel, ts, msg))
}
