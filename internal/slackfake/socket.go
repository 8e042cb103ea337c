package slackfake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Ack is a Socket Mode acknowledgement the client sent for an envelope.
type Ack struct {
	// EnvelopeID is the envelope_id the client acknowledged.
	EnvelopeID string
	// SentAt is when the fake sent the envelope (zero if the fake never sent
	// an envelope with that ID); AckedAt is when the ack arrived.
	SentAt, AckedAt time.Time
	// Payload is the optional response payload of the ack, nil if none.
	Payload json.RawMessage
}

// wsConn is one Socket Mode WebSocket connection.
type wsConn struct {
	ws        *websocket.Conn
	writeMu   sync.Mutex // serializes data frames
	done      chan struct{}
	closeOnce sync.Once
}

// write sends one text message.
func (c *wsConn) write(msg []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, msg)
}

// close closes the network connection abruptly (no close frame).
func (c *wsConn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// envelope is a Socket Mode message from Slack to the app.
type envelope struct {
	EnvelopeID             string `json:"envelope_id"`
	Type                   string `json:"type"`
	AcceptsResponsePayload bool   `json:"accepts_response_payload"`
	RetryAttempt           int    `json:"retry_attempt"`
	RetryReason            string `json:"retry_reason"`
	Payload                any    `json:"payload"`
}

// handleLink serves the WebSocket URL returned by apps.connections.open.
func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if !s.tickets[r.URL.Query().Get("ticket")] {
		s.mu.Unlock()
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &wsConn{ws: ws, done: make(chan struct{})}
	defer c.close()

	s.mu.Lock()
	s.opened++
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": len(s.conns) + 1,
		"debug_info": map[string]any{
			"host":                        "applink-fake",
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": appID},
	})
	s.notify()
	s.mu.Unlock()

	if err := c.write(hello); err != nil {
		return
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.conns = append(s.conns, c)
	s.hellos++
	s.notify()
	s.wg.Add(1)
	s.mu.Unlock()

	go s.pinger(c)
	s.reader(c)
}

// pinger sends a WebSocket PING now and then every ping interval.
func (s *Server) pinger(c *wsConn) {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.pingInterval)
	defer t.Stop()
	for {
		// WriteControl may run concurrently with the other write methods.
		if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
			s.drop(c)
			return
		}
		select {
		case <-c.done:
			return
		case <-t.C:
		}
	}
}

// reader records acks, and the messages that acknowledge no envelope,
// until the connection fails.
func (s *Server) reader(c *wsConn) {
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			s.drop(c)
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(msg, &ack) != nil || ack.EnvelopeID == "" {
			s.mu.Lock()
			s.strays = append(s.strays, string(msg))
			s.notify()
			s.mu.Unlock()
			continue
		}
		if string(ack.Payload) == "null" {
			ack.Payload = nil
		}
		s.mu.Lock()
		s.acks = append(s.acks, Ack{
			EnvelopeID: ack.EnvelopeID,
			SentAt:     s.sent[ack.EnvelopeID],
			AckedAt:    time.Now(),
			Payload:    ack.Payload,
		})
		s.notify()
		s.mu.Unlock()
	}
}

// drop forgets c and closes it.
func (s *Server) drop(c *wsConn) {
	s.mu.Lock()
	for i, x := range s.conns {
		if x == c {
			s.conns = append(s.conns[:i:i], s.conns[i+1:]...)
			s.notify()
			break
		}
	}
	s.mu.Unlock()
	c.close()
}

// Connections returns how many Socket Mode WebSocket connections have been
// opened so far (live or not).
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

// WaitConnected waits until n connections in total have received hello,
// else fails tb after timeout.
func (s *Server) WaitConnected(tb testing.TB, n int, timeout time.Duration) {
	tb.Helper()
	var got int
	if !s.waitFor(timeout, func() bool {
		got = s.hellos
		return got >= n
	}) {
		tb.Fatalf("slackfake: waited %v for %d Socket Mode connections to get hello, got %d", timeout, n, got)
	}
}

// pick returns the next live connection, round robin, waiting until
// deadline for one; nil if none.
func (s *Server) pick(deadline time.Time) *wsConn {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		s.mu.Lock()
		if len(s.conns) > 0 {
			c := s.conns[s.rr%len(s.conns)]
			s.rr++
			s.mu.Unlock()
			return c
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return nil
		case <-s.done:
			return nil
		}
	}
}

// send delivers an envelope to a live connection and returns its ID, or ""
// when no connection took it within sendWait.
func (s *Server) send(typ string, accepts bool, payload any) string {
	s.mu.Lock()
	s.envSeq++
	id := fmt.Sprintf("%08x-%s-4%s-8%s-%s", s.envSeq, randHex(2), randHex(2)[1:], randHex(2)[1:], randHex(6))
	s.mu.Unlock()
	msg, err := json.Marshal(envelope{EnvelopeID: id, Type: typ, AcceptsResponsePayload: accepts, Payload: payload})
	if err != nil {
		return ""
	}
	deadline := time.Now().Add(sendWait)
	for {
		c := s.pick(deadline)
		if c == nil {
			return ""
		}
		s.mu.Lock()
		s.sent[id] = time.Now()
		s.mu.Unlock()
		if c.write(msg) == nil {
			return id
		}
		s.mu.Lock()
		delete(s.sent, id)
		s.mu.Unlock()
		s.drop(c)
	}
}

// SendEvent sends an events_api envelope whose payload is an event_callback
// (token, team_id, api_app_id "A0FAKE", event, type, event_id, event_time,
// authorizations) to a live connection, round robin, and returns the
// envelope_id. The event_id belongs to the outer callback, not to event.
// With no live connection it waits up to 5s for one, then returns "" and
// records nothing.
func (s *Server) SendEvent(eventID string, event map[string]any) string {
	return s.send("events_api", false, map[string]any{
		"token":      "fake-verification-token",
		"team_id":    teamID,
		"api_app_id": appID,
		"event":      event,
		"type":       "event_callback",
		"event_id":   eventID,
		"event_time": time.Now().Unix(),
		"authorizations": []map[string]any{{
			"enterprise_id": nil, "team_id": teamID, "user_id": s.cfg.botUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-fake-" + eventID,
	})
}

// SendSlashCommand sends a slash_commands envelope (accepts_response_payload
// true) whose payload holds fields (command, text, user_id, channel_id,
// response_url, trigger_id...). When absent, team_id, team_domain,
// api_app_id, trigger_id and response_url (a fresh ResponseURL) are filled in.
// It returns the envelope_id, or "" like SendEvent.
func (s *Server) SendSlashCommand(fields map[string]string) string {
	payload := make(map[string]string, len(fields)+5)
	for k, v := range fields {
		payload[k] = v
	}
	s.mu.Lock()
	s.trigger++
	defaults := map[string]string{
		"team_id":     teamID,
		"team_domain": "fake",
		"api_app_id":  appID,
		"trigger_id":  fmt.Sprintf("%d.%d.%s", 1000000000+s.trigger, 47445629121, randHex(16)),
	}
	if payload["response_url"] == "" {
		defaults["response_url"] = s.newResponseURL()
	}
	s.mu.Unlock()
	for k, v := range defaults {
		if payload[k] == "" {
			payload[k] = v
		}
	}
	return s.send("slash_commands", true, payload)
}

// SendInteractive sends an interactive envelope with payload as given
// (block_actions, view_submission...). accepts_response_payload is true for a
// view_submission, as with Slack. It returns the envelope_id, or "" like
// SendEvent.
func (s *Server) SendInteractive(payload map[string]any) string {
	accepts := payload["type"] == "view_submission"
	return s.send("interactive", accepts, payload)
}

// Acks returns the acknowledgements received so far, in arrival order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// Strays returns the messages the client sent over Socket Mode that
// acknowledge no envelope (not JSON, or without an envelope_id, such as an
// "acknowledgement" of hello), in arrival order. Slack expects an app to
// send acknowledgements of its envelopes only.
func (s *Server) Strays() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.strays...)
}

// WaitAcks waits until at least n acknowledgements have arrived and returns
// them, else fails tb after timeout.
func (s *Server) WaitAcks(tb testing.TB, n int, timeout time.Duration) []Ack {
	tb.Helper()
	var got []Ack
	if !s.waitFor(timeout, func() bool {
		got = append([]Ack(nil), s.acks...)
		return len(got) >= n
	}) {
		ids := make([]string, len(got))
		for i, a := range got {
			ids[i] = a.EnvelopeID
		}
		tb.Fatalf("slackfake: waited %v for %d acks, got %d: %v", timeout, n, len(got), ids)
	}
	return got
}

// DropConnections closes every live WebSocket abruptly, without a close
// frame, as a network failure would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.notify()
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// SendDisconnect sends {"type":"disconnect","reason":"refresh_requested",...}
// on every live connection, then closes them (with a close frame).
func (s *Server) SendDisconnect() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.notify()
	s.mu.Unlock()
	msg, _ := json.Marshal(map[string]any{
		"type":       "disconnect",
		"reason":     "refresh_requested",
		"debug_info": map[string]any{"host": "applink-fake"},
	})
	for _, c := range conns {
		if c.write(msg) == nil {
			_ = c.ws.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseNormalClosure, "refresh_requested"),
				time.Now().Add(writeTimeout))
		}
		c.close()
	}
}

// randHex returns n random bytes in hex.
func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
