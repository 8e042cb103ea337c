package slackfake

import (
	"slices"
	"strings"
)

// WithMembership makes the fake keep, as Slack does, the conversations the
// bot is a member of, and answer by them. Off by default: the bot may then
// read, post and share files everywhere, as if it were in every channel.
// With it on:
//
//   - a direct message (D…) or group DM opened with conversations.open is
//     one of the bot's conversations;
//   - conversations.join adds a public channel (with the channel_join
//     message Slack shows in its history); a channel the bot is already in
//     answers ok with the warning already_in_channel; a private channel or
//     a DM answers method_not_supported_for_channel_type;
//   - chat.postMessage posts in any public channel, member or not (the
//     chat:write.public scope), but answers channel_not_found in a private
//     channel or DM the bot is not in;
//   - conversations.history and conversations.replies answer not_in_channel
//     for a public channel the bot is not in (only user tokens read those),
//     and channel_not_found for a private channel or DM it is not in (it
//     cannot see them);
//   - files.completeUploadExternal shares a file only where the bot is a
//     member, with the same errors as conversations.history.
//
// A channel is private when its ID begins with G or WithPrivateChannels
// names it, a DM when its ID begins with D, public otherwise (the fake
// resolves no names: a channel is known by what the caller sends). channels
// are those the bot is in from the start, as if invited with /invite;
// Server.Invite and Server.Remove change it later.
func WithMembership(channels ...string) Option {
	return func(c *config) {
		c.membership = true
		c.members = append(c.members, channels...)
	}
}

// WithPrivateChannels names private channels whose IDs begin with C, as
// Slack gives new ones (G… channels are private anyway), and turns
// membership on as WithMembership does.
func WithPrivateChannels(channels ...string) Option {
	return func(c *config) {
		c.membership = true
		c.private = append(c.private, channels...)
	}
}

// Conversation kinds, as membership rules tell them apart.
const (
	publicChannel  = "public"
	privateChannel = "private"
	directMessage  = "im"
)

// kind returns the kind of conversation of channel.
func (s *Server) kind(channel string) string {
	switch {
	case strings.HasPrefix(channel, "D"):
		return directMessage
	case strings.HasPrefix(channel, "G"), slices.Contains(s.cfg.private, channel):
		return privateChannel
	}
	return publicChannel
}

// member reports whether the bot is in channel (always, when membership is
// not kept); s.mu must be held.
func (s *Server) member(channel string) bool {
	return !s.cfg.membership || s.members[channel]
}

// readDenied returns Slack's error for reading channel's messages, or
// sharing a file there, when the bot may not; "" when it may. s.mu must be
// held.
func (s *Server) readDenied(channel string) string {
	switch {
	case s.member(channel):
		return ""
	case s.kind(channel) == publicChannel:
		return "not_in_channel"
	}
	return "channel_not_found"
}

// postDenied returns Slack's error for posting in channel when the bot may
// not (a private channel or DM it is not in; chat:write.public lets it post
// in any public channel); "" when it may. s.mu must be held.
func (s *Server) postDenied(channel string) string {
	if s.member(channel) || s.kind(channel) == publicChannel {
		return ""
	}
	return "channel_not_found"
}

// joined makes the bot a member of channel, with the channel_join message
// Slack posts, when membership is kept and it was not one; s.mu must be
// held.
func (s *Server) joined(channel string) {
	if s.member(channel) {
		return
	}
	s.members[channel] = true
	if s.kind(channel) == directMessage {
		return
	}
	s.store(channel, &message{ts: s.nextTS(), subtype: "channel_join", text: "<@" + s.cfg.botUserID + "> has joined the channel",
		inHistory: true})
}

// join answers conversations.join; s.mu must be held.
func (s *Server) join(c *Call) map[string]any {
	ch := c.Channel
	if ch == "" {
		return slackErr("channel_not_found")
	}
	if s.kind(ch) != publicChannel {
		return slackErr("method_not_supported_for_channel_type")
	}
	body := map[string]any{"ok": true, "channel": map[string]any{
		"id": ch, "is_channel": true, "is_group": false, "is_im": false, "is_private": false, "is_member": true,
	}}
	if s.member(ch) {
		body["warning"] = "already_in_channel"
		body["response_metadata"] = map[string]any{"warnings": []string{"already_in_channel"}}
		return body
	}
	s.joined(ch)
	return body
}

// Invite makes the bot a member of channel, public or private, as someone
// typing /invite @orderbot there does. It matters only with membership on
// (WithMembership).
func (s *Server) Invite(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.membership {
		s.joined(channel)
		s.notify()
	}
}

// Remove takes the bot out of channel, as someone typing /remove @orderbot
// there does. It matters only with membership on (WithMembership).
func (s *Server) Remove(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.members, channel)
	s.notify()
}

// Member reports whether the bot is a member of channel: always true
// without membership kept (WithMembership).
func (s *Server) Member(channel string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.member(channel)
}
