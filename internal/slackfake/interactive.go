package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Press is the press of a button of a message, as Slack describes it in a
// block_actions payload.
type Press struct {
	User, Channel string
	// MessageTS is the message the button is on; ThreadTS its thread.
	MessageTS, ThreadTS string
	ActionID, Value     string
	// ActionTS is when the button was pressed; a fresh one when empty.
	ActionTS string
	// ResponseURL answers the press; a fresh ResponseURL when empty.
	ResponseURL string
}

// BlockActions returns the block_actions payload of p as Slack sends it
// (over Socket Mode with SendInteractive, or signed over HTTP with
// PostInteractive), filling in the action_ts, trigger_id and response_url
// p leaves empty.
func (s *Server) BlockActions(p Press) map[string]any {
	s.mu.Lock()
	s.trigger++
	trigger := fmt.Sprintf("%d.%d.%s", 1000000000+s.trigger, 47445629121, randHex(16))
	if p.ResponseURL == "" {
		p.ResponseURL = s.newResponseURL()
	}
	s.mu.Unlock()
	if p.ActionTS == "" {
		p.ActionTS = strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', 6, 64)
	}
	message := map[string]any{"type": "message", "user": s.cfg.botUserID, "ts": p.MessageTS, "text": ""}
	container := map[string]any{"type": "message", "message_ts": p.MessageTS, "channel_id": p.Channel, "is_ephemeral": false}
	if p.ThreadTS != "" {
		message["thread_ts"] = p.ThreadTS
		container["thread_ts"] = p.ThreadTS
	}
	return map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": p.User, "username": p.User, "team_id": teamID},
		"api_app_id":   appID,
		"token":        "fake-verification-token",
		"container":    container,
		"trigger_id":   trigger,
		"team":         map[string]any{"id": teamID, "domain": "fake"},
		"channel":      map[string]any{"id": p.Channel, "name": p.Channel},
		"message":      message,
		"response_url": p.ResponseURL,
		"actions": []map[string]any{{
			"type": "button", "action_id": p.ActionID, "block_id": "orderbot_actions", "value": p.Value,
			"text":      map[string]any{"type": "plain_text", "text": p.ActionID, "emoji": true},
			"action_ts": p.ActionTS,
		}},
	}
}

// PostInteractive posts payload to an HTTP interactivity URL as Slack
// does: a form whose payload field is the JSON, signed with secret now.
// It returns the response's status.
func PostInteractive(client *http.Client, to, secret string, payload map[string]any) (int, error) {
	js, err := json.Marshal(payload)
	if err != nil {
		return 0, err
	}
	body := []byte(url.Values{"payload": {string(js)}}.Encode())
	req, err := http.NewRequest(http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	now := time.Now().Unix()
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	req.Header.Set("X-Slack-Signature", Sign(secret, now, body))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}
