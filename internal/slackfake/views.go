package slackfake

import (
	"fmt"
)

// openView answers views.open: a modal opened with a click's trigger_id.
// The modal is recorded (Calls("views.open")), not shown.
func (s *Server) openView(c *Call) map[string]any {
	if c.param("trigger_id") == "" {
		return slackErr("invalid_trigger_id")
	}
	return s.view(c, "modal")
}

// publishView answers views.publish: a user's Home tab.
func (s *Server) publishView(c *Call) map[string]any {
	user := c.param("user_id")
	if user == "" {
		return slackErr("invalid_arguments")
	}
	if _, ok := s.cfg.users[user]; len(s.cfg.users) > 0 && !ok {
		return slackErr("user_not_found")
	}
	return s.view(c, "home")
}

// view checks the view of a views call, of type want, and answers it.
func (s *Server) view(c *Call, want string) map[string]any {
	v, ok := c.JSON["view"].(map[string]any)
	if !ok {
		return slackErr("invalid_arguments")
	}
	if v["type"] != want {
		return slackErr("invalid_arguments")
	}
	if blocks, _ := v["blocks"].([]any); len(blocks) > 100 {
		return slackErr("invalid_blocks")
	}
	s.envSeq++
	out := map[string]any{"id": fmt.Sprintf("V0FAKE%05d", s.envSeq), "team_id": teamID, "app_id": appID, "bot_id": botID}
	for k, x := range v {
		out[k] = x
	}
	return map[string]any{"ok": true, "view": out}
}

// ViewSubmission returns the view_submission payload of a modal submitted
// by user, as Slack sends it: the modal's callback id and private
// metadata, and values, block id → action id → the value typed.
func (s *Server) ViewSubmission(user, callbackID, privateMetadata string, values map[string]map[string]string) map[string]any {
	state := map[string]any{}
	for block, actions := range values {
		m := map[string]any{}
		for action, value := range actions {
			m[action] = map[string]any{"type": "plain_text_input", "value": value}
		}
		state[block] = m
	}
	s.mu.Lock()
	s.envSeq++
	seq := s.envSeq
	s.mu.Unlock()
	id := fmt.Sprintf("V0FAKE%05d", seq)
	return map[string]any{
		"type":       "view_submission",
		"team":       map[string]any{"id": teamID, "domain": "fake"},
		"user":       map[string]any{"id": user, "username": user, "team_id": teamID},
		"api_app_id": appID,
		"token":      "fake-verification-token",
		"trigger_id": fmt.Sprintf("%d.%d.%s", 2000000000+seq, 47445629121, randHex(16)),
		"view": map[string]any{
			"id": id, "team_id": teamID, "type": "modal", "callback_id": callbackID, "private_metadata": privateMetadata,
			"state": map[string]any{"values": state}, "app_id": appID, "bot_id": botID,
		},
	}
}

// AppHomeOpened returns the app_home_opened event of user opening the
// app's Home tab, for SendEvent.
func AppHomeOpened(user string) map[string]any {
	return map[string]any{"type": "app_home_opened", "user": user, "channel": "D0HOME" + user, "tab": "home",
		"event_ts": fmt.Sprintf("%d.000100", 1764230400)}
}
