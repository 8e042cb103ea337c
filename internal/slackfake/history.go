package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// History limits of conversations.history, as documented by Slack.
const (
	defaultHistoryLimit = 100
	maxHistoryLimit     = 999
)

// message is a message the fake accepted in a channel: a chat.postMessage
// (as last changed by chat.update), the share of files by
// files.completeUploadExternal, or the bot's channel_join. Its fields are
// replaced, never mutated in place, and only with s.mu held.
type message struct {
	ts, threadTS string
	subtype      string // "channel_join", or "" for the bot's own messages
	text         string
	blocks       []map[string]any
	metadata     map[string]any   // nil if none
	files        []map[string]any // {"id", "name", "title"} of a file share
	// inHistory reports whether conversations.history lists the message.
	inHistory bool
}

// store keeps m as the newest message of channel; s.mu must be held.
func (s *Server) store(channel string, m *message) {
	s.msgs[channel] = append(s.msgs[channel], m)
}

// find returns the message of channel with timestamp ts, or nil; s.mu must
// be held.
func (s *Server) find(channel, ts string) *message {
	for _, m := range s.msgs[channel] {
		if m.ts == ts {
			return m
		}
	}
	return nil
}

// update applies chat.update c to the stored message ts of c.Channel, as
// Slack documents: text replaces the text when given; blocks replace the
// blocks when given (an empty array removes them), and are removed when text
// is given without blocks; metadata replaces the metadata when given (an
// empty object removes it). It returns the message, or nil when the fake
// holds none with that ts; s.mu must be held.
func (s *Server) update(c *Call, ts string) *message {
	m := s.find(c.Channel, ts)
	if m == nil {
		return nil
	}
	hasText := c.has("text")
	if hasText {
		m.text = c.Text
	}
	switch {
	case c.has("blocks"):
		m.blocks = c.Blocks
	case hasText:
		m.blocks = nil
	}
	if c.has("metadata") {
		m.metadata = nonEmpty(c.Metadata)
	}
	return m
}

// sharedTo returns the channels files.completeUploadExternal c shares its
// files in (channel_id, channels), each once.
func sharedTo(c *Call) []string {
	var out []string
	for _, ch := range append([]string{c.Channel}, strings.Split(c.param("channels"), ",")...) {
		ch = strings.TrimSpace(ch)
		if ch != "" && !slices.Contains(out, ch) {
			out = append(out, ch)
		}
	}
	return out
}

// shareFiles stores the file share message of files.completeUploadExternal
// c in each channel it names (channel_id, channels); files are the shared
// files as answered. A share in a thread (thread_ts) is listed by
// conversations.replies only. s.mu must be held.
func (s *Server) shareFiles(c *Call, files []map[string]any) {
	for _, ch := range sharedTo(c) {
		s.store(ch, &message{
			ts: s.nextTS(), threadTS: c.ThreadTS, text: c.param("initial_comment"),
			blocks: c.Blocks, files: files, inHistory: c.ThreadTS == "",
		})
	}
}

// render is the message object of m in conversations.history and
// conversations.replies. Metadata is included only with withMeta; a parent
// with replies > 0 gets thread_ts (its own ts) and reply_count, as in Slack.
// A channel_join has its subtype and no bot_id, as Slack shows it.
func (s *Server) render(m *message, withMeta bool, replies int) map[string]any {
	out := map[string]any{
		"type": "message", "ts": m.ts, "text": m.text,
		"user": s.cfg.botUserID, "bot_id": botID,
	}
	if m.subtype != "" {
		out["subtype"] = m.subtype
		delete(out, "bot_id")
	}
	if m.blocks != nil {
		out["blocks"] = m.blocks
	}
	if withMeta && m.metadata != nil {
		out["metadata"] = m.metadata
	}
	switch {
	case m.threadTS != "":
		out["thread_ts"] = m.threadTS
	case replies > 0:
		out["thread_ts"] = m.ts
		out["reply_count"] = replies
	}
	if m.files != nil {
		out["files"] = m.files
	}
	return out
}

// replyCounts counts the replies in each thread of msgs, by thread_ts.
func replyCounts(msgs []*message) map[string]int {
	n := map[string]int{}
	for _, m := range msgs {
		if m.threadTS != "" && m.threadTS != m.ts {
			n[m.threadTS]++
		}
	}
	return n
}

// history answers conversations.history: the channel's listed messages,
// newest first, after oldest and before latest (both bounds included only
// with inclusive), at most limit (default 100, at most 999) of them, the
// newest; has_more reports whether limit cut any. cursor is ignored. A
// channel the bot may not read is refused (see WithMembership). s.mu must
// be held.
func (s *Server) history(c *Call) map[string]any {
	if c.Channel == "" {
		return slackErr("channel_not_found")
	}
	if e := s.readDenied(c.Channel); e != "" {
		return slackErr(e)
	}
	oldest, ok := parseTS(c.param("oldest"))
	if !ok {
		return slackErr("invalid_ts_oldest")
	}
	latest, ok := parseTS(c.param("latest"))
	if !ok {
		return slackErr("invalid_ts_latest")
	}
	inclusive := c.flag("inclusive")
	withMeta := c.flag("include_all_metadata")
	limit := defaultHistoryLimit
	if n, err := strconv.Atoi(c.param("limit")); err == nil && n > 0 {
		limit = min(n, maxHistoryLimit)
	}

	msgs := s.msgs[c.Channel]
	counts := replyCounts(msgs)
	out := []map[string]any{}
	hasMore := false
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if !m.inHistory {
			continue
		}
		ts, _ := parseTS(m.ts)
		if oldest != nil && !ts.after(*oldest, inclusive) || latest != nil && !latest.after(*ts, inclusive) {
			continue
		}
		if len(out) == limit {
			hasMore = true
			break
		}
		out = append(out, s.render(m, withMeta, counts[m.ts]))
	}
	return map[string]any{"ok": true, "messages": out, "has_more": hasMore}
}

// replies answers conversations.replies: the thread of ts in the channel,
// oldest first: its parent, when the fake posted it, then the messages
// posted with that thread_ts (file shares included). ts may also be a reply
// of the thread. A thread of which the fake holds neither parent nor reply
// is "thread_not_found". oldest, latest, limit and cursor are ignored. A
// channel the bot may not read is refused (see WithMembership). s.mu must
// be held.
func (s *Server) replies(c *Call) map[string]any {
	if c.Channel == "" {
		return slackErr("channel_not_found")
	}
	if e := s.readDenied(c.Channel); e != "" {
		return slackErr(e)
	}
	root := c.param("ts")
	if root == "" {
		return slackErr("thread_not_found")
	}
	if m := s.find(c.Channel, root); m != nil && m.threadTS != "" {
		root = m.threadTS
	}
	withMeta := c.flag("include_all_metadata")
	msgs := s.msgs[c.Channel]
	counts := replyCounts(msgs)
	out := []map[string]any{}
	for _, m := range msgs {
		if m.ts == root || m.threadTS == root {
			out = append(out, s.render(m, withMeta, counts[m.ts]))
		}
	}
	if len(out) == 0 {
		return slackErr("thread_not_found")
	}
	return map[string]any{"ok": true, "messages": out, "has_more": false}
}

// msgTS is a parsed message timestamp: whole seconds and the digits of the
// fraction without trailing zeros, so fractions of any length compare as
// strings.
type msgTS struct {
	sec  uint64
	frac string
}

// parseTS parses a timestamp such as "1700000000.000100" or "1700000000";
// nil for "", ok false when s is not one.
func parseTS(s string) (*msgTS, bool) {
	if s == "" {
		return nil, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseUint(whole, 10, 63)
	if err != nil || strings.TrimLeft(frac, "0123456789") != "" {
		return nil, false
	}
	return &msgTS{sec: sec, frac: strings.TrimRight(frac, "0")}, true
}

// after reports whether t is after u, or equal to it with orEqual.
func (t msgTS) after(u msgTS, orEqual bool) bool {
	switch {
	case t.sec != u.sec:
		return t.sec > u.sec
	case t.frac != u.frac:
		return t.frac > u.frac
	}
	return orEqual
}

// has reports whether the form or JSON body of c has the field name, even
// empty.
func (c Call) has(name string) bool {
	if _, ok := c.Form[name]; ok {
		return true
	}
	_, ok := c.JSON[name]
	return ok
}

// flag reports whether the boolean field name of c is set ("true", "1").
func (c Call) flag(name string) bool {
	b, _ := strconv.ParseBool(c.param(name))
	return b
}

// decodeObject decodes the field name of c, a JSON object given as a string
// (form or JSON) or as an object (JSON); nil if absent, empty or null.
func decodeObject(c Call, name string) (map[string]any, error) {
	var v any
	if s := c.Form.Get(name); s != "" {
		v = s
	} else if c.JSON != nil {
		v = c.JSON[name]
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		if strings.TrimSpace(v) == "" {
			return nil, nil
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, err
		}
		return m, nil
	case map[string]any:
		return v, nil
	}
	return nil, fmt.Errorf("%s is not an object", name)
}

// checkMetadata validates the metadata field of a chat.postMessage or
// chat.update call: "invalid_metadata_format" unless it is absent or a JSON
// object, "invalid_metadata_schema" for a non-empty object without a string
// event_type or whose event_payload is neither an object nor null.
func checkMetadata(c *Call) string {
	m, err := decodeObject(*c, "metadata")
	if err != nil {
		return "invalid_metadata_format"
	}
	if len(m) == 0 {
		return ""
	}
	if t, _ := m["event_type"].(string); t == "" {
		return "invalid_metadata_schema"
	}
	switch m["event_payload"].(type) {
	case nil, map[string]any:
		return ""
	}
	return "invalid_metadata_schema"
}

// nonEmpty returns m, or nil when m is empty.
func nonEmpty(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	return m
}
