// Package slackfake is an in-process fake of Slack for tests: a loopback
// HTTP server that speaks the subset of the Slack Web API orderbot uses
// (auth.test, chat.*, users.info, conversations.open, conversations.join,
// the external file upload flow, response_url posts, and
// conversations.history and conversations.replies over the messages the fake
// accepted) and Slack's Socket Mode WebSocket protocol, built from Slack's
// documented wire formats. On request (WithMembership) it keeps which
// conversations the bot is a member of and refuses what Slack refuses a bot
// outside them. Every request is recorded so tests can assert on what the
// app sent, faults (HTTP 429/5xx, ok:false, odd bodies, a call carried out
// whose answer is lost) can be injected per method, and
// Socket Mode envelopes can be pushed to the connected client and their
// acknowledgements observed, with anything else the client sends.
//
// Point a slack-go client at it with
//
//	api := slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-test"))
//
// and, for Socket Mode, socketmode.New(api) (keep the client's ping interval
// above the fake's, see WithPingInterval).
package slackfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Fixed identities of the fake workspace and defaults.
const (
	teamID              = "T0FAKE"
	botID               = "B0BOT0001"
	appID               = "A0FAKE"
	defaultBotUserID    = "U0BOT0001"
	defaultPingInterval = time.Second

	// maxBody bounds a request body the fake reads.
	maxBody = 64 << 20
	// sendWait is how long Send* waits for a live Socket Mode connection.
	sendWait = 5 * time.Second
	// writeTimeout bounds one WebSocket write.
	writeTimeout = 5 * time.Second
)

// config holds the options of a Server.
type config struct {
	botUserID    string
	users        map[string]string
	pingInterval time.Duration
	now          func() time.Time
	membership   bool                     // see WithMembership
	members      []string                 // conversations the bot is in from the start
	private      []string                 // private channels with C… IDs
	delays       map[string]time.Duration // see WithDelay
}

// Option configures a Server created by New.
type Option func(*config)

// WithBotUserID sets the bot's user ID, returned by auth.test as user_id
// (default "U0BOT0001").
func WithBotUserID(id string) Option {
	return func(c *config) { c.botUserID = id }
}

// WithUsers sets the workspace members known to users.info, as a map from
// Slack user ID to e-mail address. users.info answers ok:false with
// "user_not_found" for any other ID.
func WithUsers(emails map[string]string) Option {
	return func(c *config) {
		for id, email := range emails {
			c.users[id] = email
		}
	}
}

// WithClock makes the messages' ts follow now instead of the real clock,
// for tests whose time is not the real one.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithPingInterval sets how often the fake sends a WebSocket PING on each
// Socket Mode connection (default 1s). The first PING follows the hello
// immediately. slack-go's socketmode client reconnects when it sees no PING
// for its own ping interval, so keep that above this one.
func WithPingInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.pingInterval = d
		}
	}
}

// Call is one request the fake received, with what it answered.
type Call struct {
	// Method is the Web API method name ("chat.postMessage"), "response_url"
	// for a POST to a URL from ResponseURL, or "upload_url" for the upload of
	// a file's bytes to a URL from files.getUploadURLExternal.
	Method string
	// Token is the form token field, or else the Authorization Bearer token.
	Token string
	// Form is the form-encoded (or multipart) body merged with the query
	// string; nil for JSON bodies.
	Form url.Values
	// JSON is the decoded JSON body; nil for forms.
	JSON map[string]any
	// Blocks is decoded from the blocks field (a JSON string in a form, an
	// array in JSON); nil if none.
	Blocks []map[string]any
	// Metadata is decoded from the metadata field (a JSON string in a form,
	// an object in JSON), e.g. {"event_type": "...", "event_payload": {...}};
	// nil if absent or not a JSON object, empty (not nil) for "{}".
	Metadata map[string]any
	// Channel, Text and ThreadTS are the channel (or, when absent,
	// channel_id), text and thread_ts fields of the form or JSON body.
	Channel, Text, ThreadTS string
	// Upload holds the bytes posted to an upload URL (the file part of a
	// multipart body, or the raw body).
	Upload []byte
	// At is when the request arrived.
	At time.Time
	// Status is the HTTP status the fake answered.
	Status int
	// OK reports whether the fake answered ok:true (for upload_url: HTTP 200).
	OK bool
	// Taken reports that the call was carried out although a fault was
	// answered in its place (Fault.Taken).
	Taken bool
	// Path is the path the request was posted to: which response or
	// upload URL, for those.
	Path string
}

// Fault is an injected failure for one call, see Server.FailNext.
type Fault struct {
	// Status is the HTTP status to answer, e.g. 429 or 500; 0 means 200 with
	// ok:false.
	Status int
	// RetryAfter is sent in seconds as the Retry-After header of a 429 (the
	// header is always sent with a 429, so 0 means "retry now").
	RetryAfter int
	// SlackError is the "error" of the ok:false body. When empty it is
	// "ratelimited" for a 429, "internal_error" for a 5xx and "fatal_error"
	// otherwise.
	SlackError string
	// Body, when set, is answered as is, as JSON (with Status, or 200),
	// in place of an error: for answers Slack should not give but might,
	// such as {"ok": true} from conversations.open without the channel.
	Body map[string]any
	// Taken makes Slack carry a Web API call out before answering the
	// fault instead of its answer: a post is kept, listed by
	// conversations.history and counted by Posts, as when Slack took a
	// message and the client never learnt it (a timeout, a 5xx answered
	// after the fact).
	Taken bool
}

// upload is a file of the external upload flow.
type upload struct {
	name string
}

// Server is a running fake Slack. Create it with New; all methods are safe
// for concurrent use.
type Server struct {
	cfg      config
	srv      *httptest.Server
	upgrader websocket.Upgrader
	done     chan struct{}
	wg       sync.WaitGroup // Socket Mode connection goroutines

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever recorded state changes
	closed  bool
	calls   []Call
	faults  map[string][]Fault
	lastTS  int64                 // microseconds of the last ts issued
	msgs    map[string][]*message // accepted messages by channel, oldest first
	fileSeq int
	respSeq int
	ticket  int
	trigger int
	envSeq  int
	files   map[string]*upload
	resps   map[string]bool
	tickets map[string]bool
	dms     map[string]string
	members map[string]bool // conversations the bot is in, see WithMembership

	// Socket Mode state, see socket.go.
	opened int
	hellos int
	conns  []*wsConn // connections that have received hello, in order
	rr     int
	sent   map[string]time.Time
	acks   []Ack
	strays []string
}

// New starts the fake on loopback (httptest) and closes it, with every
// Socket Mode connection, when tb ends.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		botUserID:    defaultBotUserID,
		users:        map[string]string{},
		pingInterval: defaultPingInterval,
		now:          time.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg: cfg,
		upgrader: websocket.Upgrader{
			// slack-go sends Origin: https://api.slack.com, which is not our host.
			CheckOrigin: func(*http.Request) bool { return true },
		},
		done:    make(chan struct{}),
		changed: make(chan struct{}),
		faults:  map[string][]Fault{},
		files:   map[string]*upload{},
		msgs:    map[string][]*message{},
		resps:   map[string]bool{},
		tickets: map[string]bool{},
		dms:     map[string]string{},
		members: map[string]bool{},
		sent:    map[string]time.Time{},
	}
	for _, ch := range cfg.members {
		s.members[ch] = true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/response/", s.handleResponseURL)
	mux.HandleFunc("/upload/", s.handleUpload)
	mux.HandleFunc("/link/", s.handleLink)
	s.srv = httptest.NewServer(mux)
	tb.Cleanup(s.close)
	return s
}

// close stops the server and every connection.
func (s *Server) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	conns := s.conns
	s.conns = nil
	s.notify()
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
	s.srv.Close()
}

// notify wakes every waiter; s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor waits until cond (called with s.mu held) is true or timeout passes,
// and reports whether it became true.
func (s *Server) waitFor(timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			s.mu.Lock()
			defer s.mu.Unlock()
			return cond()
		}
	}
}

// APIURL returns the base Web API URL, ending in "/", for slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// ResponseURL returns a fresh unique response_url under the fake. POSTs to
// it (JSON: text, blocks, response_type, replace_original, delete_original,
// thread_ts) are recorded as calls with Method "response_url" and answered
// 200 {"ok":true}.
func (s *Server) ResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newResponseURL()
}

// newResponseURL issues a response URL; s.mu must be held.
func (s *Server) newResponseURL() string {
	s.respSeq++
	path := fmt.Sprintf("/response/%s/%d/%s", teamID, 1000000000+s.respSeq, randHex(12))
	s.resps[path] = true
	return s.srv.URL + path
}

// Calls returns every recorded call of method in arrival order, or every
// call when method is "".
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// isPost reports whether c is a successful message post (or one Slack
// took though its answer was a fault).
func isPost(c Call) bool {
	switch c.Method {
	case "chat.postMessage", "chat.postEphemeral", "chat.update", "response_url":
		return c.OK || c.Taken
	}
	return false
}

// posts returns the successful posts; s.mu must be held.
func (s *Server) posts() []Call {
	var out []Call
	for _, c := range s.calls {
		if isPost(c) {
			out = append(out, c)
		}
	}
	return out
}

// Posts returns the successful chat.postMessage, chat.postEphemeral,
// chat.update and response_url calls, in order, with those Slack took
// though it answered a fault (Fault.Taken).
func (s *Server) Posts() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts()
}

// WaitPosts waits until Posts has at least n calls and returns them; after
// timeout it fails tb with what it has.
func (s *Server) WaitPosts(tb testing.TB, n int, timeout time.Duration) []Call {
	tb.Helper()
	var got []Call
	ok := s.waitFor(timeout, func() bool {
		got = s.posts()
		return len(got) >= n
	})
	if !ok {
		tb.Fatalf("slackfake: waited %v for %d posts, got %d:\n%s", timeout, n, len(got), describe(got))
	}
	return got
}

// describe renders calls for a failure message.
func describe(calls []Call) string {
	var b strings.Builder
	for i, c := range calls {
		fmt.Fprintf(&b, "  %d. %s channel=%q thread_ts=%q text=%q blocks=%d\n", i+1, c.Method, c.Channel, c.ThreadTS, c.Text, len(c.Blocks))
	}
	return b.String()
}

// FailNext queues faults for method ("response_url" and "upload_url" too):
// the next calls of the method are answered with them, one per call, in
// order, before normal answers resume.
func (s *Server) FailNext(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// takeFault pops the next fault of method; s.mu must be held.
func (s *Server) takeFault(method string) (Fault, bool) {
	q := s.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[method] = q[1:]
	return q[0], true
}

// reply is an answer to write once the call is recorded.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// write sends r.
func (r reply) write(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

// jsonReply builds a JSON answer and fills c.Status and c.OK.
func jsonReply(c *Call, status int, body map[string]any) reply {
	b, err := json.Marshal(body)
	if err != nil {
		b = []byte(`{"ok":false,"error":"internal_error"}`)
	}
	c.Status = status
	c.OK, _ = body["ok"].(bool)
	return reply{status: status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: b}
}

// faultReply builds the answer for f.
func faultReply(c *Call, f Fault) reply {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if f.Body != nil {
		return jsonReply(c, status, f.Body)
	}
	code := f.SlackError
	if code == "" {
		switch {
		case status == http.StatusTooManyRequests:
			code = "ratelimited"
		case status >= 500:
			code = "internal_error"
		default:
			code = "fatal_error"
		}
	}
	r := jsonReply(c, status, slackErr(code))
	if status == http.StatusTooManyRequests {
		r.header.Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	return r
}

// slackErr is an ok:false body.
func slackErr(code string) map[string]any {
	return map[string]any{"ok": false, "error": code}
}

// record appends c and wakes waiters; s.mu must be held.
func (s *Server) record(c Call) {
	s.calls = append(s.calls, c)
	s.notify()
}

// parseRequest reads the body of r into a Call. With raw set, a body that is
// not multipart is taken as uploaded bytes. It returns a Slack error code when
// the body cannot be decoded.
func parseRequest(r *http.Request, raw bool) (Call, string) {
	c := Call{At: time.Now(), Path: r.URL.Path}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		c.Token = strings.TrimPrefix(auth, "Bearer ")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return c, "invalid_form_data"
	}
	ctype, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var code string
	switch {
	case ctype == "multipart/form-data":
		c.Form, c.Upload, code = parseMultipart(body, params["boundary"])
	case raw:
		c.Upload = body
	case ctype == "application/json":
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, &c.JSON); err != nil || c.JSON == nil {
				code = "invalid_json"
			}
		}
	default:
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			code = "invalid_form_data"
		}
		c.Form = vals
	}
	if q := r.URL.Query(); len(q) > 0 && c.JSON == nil {
		if c.Form == nil {
			c.Form = url.Values{}
		}
		for k, v := range q {
			c.Form[k] = append(c.Form[k], v...)
		}
	}
	if tok := c.Form.Get("token"); tok != "" {
		c.Token = tok
	}
	c.Channel = c.param("channel")
	if c.Channel == "" {
		c.Channel = c.param("channel_id")
	}
	c.Text = c.param("text")
	c.ThreadTS = c.param("thread_ts")
	blocks, err := decodeList(c, "blocks")
	if err != nil && code == "" {
		code = "invalid_blocks_format"
	}
	if len(blocks) > 0 {
		c.Blocks = blocks
	}
	// A bad metadata field fails only the methods that take one, see
	// checkMetadata.
	c.Metadata, _ = decodeObject(c, "metadata")
	return c, code
}

// parseMultipart decodes a multipart/form-data body into its fields and the
// bytes of its first file part.
func parseMultipart(body []byte, boundary string) (url.Values, []byte, string) {
	form := url.Values{}
	var file []byte
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return form, file, ""
		}
		if err != nil {
			return form, file, "invalid_form_data"
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return form, file, "invalid_form_data"
		}
		if p.FileName() != "" {
			if file == nil {
				file = data
			}
			continue
		}
		form.Add(p.FormName(), string(data))
	}
}

// param returns a string field of the form or JSON body.
func (c Call) param(name string) string {
	if c.Form != nil {
		if v := c.Form.Get(name); v != "" {
			return v
		}
	}
	if c.JSON != nil {
		switch v := c.JSON[name].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(v)
		}
	}
	return ""
}

// decodeList decodes the field name of c, a JSON array of objects given as a
// string (form or JSON) or as an array (JSON); nil if absent.
func decodeList(c Call, name string) ([]map[string]any, error) {
	var v any
	if s := c.Form.Get(name); s != "" {
		v = s
	} else if c.JSON != nil {
		v = c.JSON[name]
	}
	if s, ok := v.(string); ok {
		var list []map[string]any
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			return nil, err
		}
		return list, nil
	}
	if v == nil {
		return nil, nil
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is not an array", name)
	}
	list := make([]map[string]any, 0, len(items))
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s holds a non-object", name)
		}
		list = append(list, m)
	}
	return list, nil
}

// handleAPI serves /api/<method>.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	c, code := parseRequest(r, false)
	c.Method = strings.TrimPrefix(r.URL.Path, "/api/")

	s.mu.Lock()
	var rep reply
	if f, ok := s.takeFault(c.Method); ok {
		if f.Taken {
			c.Taken, _ = s.answer(&c, code)["ok"].(bool)
		}
		rep = faultReply(&c, f)
	} else {
		rep = jsonReply(&c, http.StatusOK, s.answer(&c, code))
	}
	s.record(c)
	s.mu.Unlock()
	time.Sleep(s.cfg.delays[c.Method])
	rep.write(w)
}

// knownMethod reports whether the fake implements Web API method m.
func knownMethod(m string) bool {
	switch m {
	case "auth.test", "chat.postMessage", "chat.postEphemeral", "chat.update",
		"users.info", "conversations.open", "conversations.join", "apps.connections.open",
		"files.getUploadURLExternal", "files.completeUploadExternal",
		"conversations.history", "conversations.replies", "views.open", "views.publish":
		return true
	}
	return false
}

// answer computes the body for a Web API call that has no fault; s.mu must be held.
func (s *Server) answer(c *Call, code string) map[string]any {
	switch {
	case !knownMethod(c.Method):
		return slackErr("unknown_method")
	case c.Token == "":
		return slackErr("not_authed")
	case c.Method == "apps.connections.open" && !strings.HasPrefix(c.Token, "xapp-"),
		c.Method != "apps.connections.open" && strings.HasPrefix(c.Token, "xapp-"):
		return slackErr("not_allowed_token_type")
	case code != "":
		return slackErr(code)
	}
	switch c.Method {
	case "auth.test":
		return map[string]any{
			"ok": true, "url": "https://fake.slack.com/", "team": "Fake", "user": "orderbot",
			"team_id": teamID, "user_id": s.cfg.botUserID, "bot_id": botID, "is_enterprise_install": false,
		}
	case "chat.postMessage":
		return s.postMessage(c)
	case "chat.postEphemeral":
		if e := checkMessage(c); e != "" {
			return slackErr(e)
		}
		if c.param("user") == "" {
			return slackErr("user_not_in_channel")
		}
		return map[string]any{"ok": true, "message_ts": s.nextTS()}
	case "chat.update":
		return s.updateMessage(c)
	case "users.info":
		id := c.param("user")
		email, ok := s.cfg.users[id]
		if !ok {
			return slackErr("user_not_found")
		}
		name, _, _ := strings.Cut(email, "@")
		return map[string]any{"ok": true, "user": map[string]any{
			"id": id, "team_id": teamID, "name": name, "real_name": name, "deleted": false, "is_bot": false,
			"profile": map[string]any{"email": email, "real_name": name, "display_name": name},
		}}
	case "conversations.open":
		return s.openConversation(c)
	case "apps.connections.open":
		s.ticket++
		t := fmt.Sprintf("%d-%s", s.ticket, randHex(8))
		s.tickets[t] = true
		u := "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link/?ticket=" + t + "&app_id=" + appID
		return map[string]any{"ok": true, "url": u}
	case "files.getUploadURLExternal":
		return s.uploadURL(c)
	case "files.completeUploadExternal":
		return s.completeUpload(c)
	case "conversations.join":
		return s.join(c)
	case "conversations.history":
		return s.history(c)
	case "conversations.replies":
		return s.replies(c)
	case "views.open":
		return s.openView(c)
	case "views.publish":
		return s.publishView(c)
	}
	return slackErr("unknown_method")
}

// postMessage answers chat.postMessage, keeping the message in its
// channel's history.
func (s *Server) postMessage(c *Call) map[string]any {
	if e := checkMessage(c); e != "" {
		return slackErr(e)
	}
	if e := checkMetadata(c); e != "" {
		return slackErr(e)
	}
	if e := s.postDenied(c.Channel); e != "" {
		return slackErr(e)
	}
	ts := s.nextTS()
	s.store(c.Channel, &message{
		ts: ts, threadTS: c.ThreadTS, text: c.Text, blocks: c.Blocks,
		metadata: nonEmpty(c.Metadata), inHistory: c.ThreadTS == "", // as Slack: thread replies are not in the history
	})
	return map[string]any{"ok": true, "channel": c.Channel, "ts": ts, "message": s.message(c, ts)}
}

// updateMessage answers chat.update.
func (s *Server) updateMessage(c *Call) map[string]any {
	if c.Channel == "" {
		return slackErr("channel_not_found")
	}
	ts := c.param("ts")
	if ts == "" {
		return slackErr("message_not_found")
	}
	if e := checkMetadata(c); e != "" {
		return slackErr(e)
	}
	if m := s.update(c, ts); m != nil {
		return map[string]any{"ok": true, "channel": c.Channel, "ts": ts, "text": m.text, "message": s.render(m, true, 0)}
	}
	return map[string]any{"ok": true, "channel": c.Channel, "ts": ts, "text": c.Text, "message": s.message(c, ts)}
}

// openConversation answers conversations.open: a direct message (D...) or
// a group one (G...) per set of users, opened once.
func (s *Server) openConversation(c *Call) map[string]any {
	if ch := c.param("channel"); ch != "" {
		return map[string]any{"ok": true, "no_op": true, "already_open": true, "channel": map[string]any{"id": ch}}
	}
	users := c.param("users")
	if users == "" {
		return slackErr("users_list_not_supplied")
	}
	id, already := s.dms[users]
	if !already {
		prefix := "D"
		if strings.Contains(users, ",") {
			prefix = "G"
		}
		id = fmt.Sprintf("%s0FAKE%04d", prefix, len(s.dms)+1)
		s.dms[users] = id
	}
	if s.cfg.membership {
		s.members[id] = true // opened, not joined: no channel_join message
	}
	return map[string]any{"ok": true, "no_op": already, "already_open": already, "channel": map[string]any{"id": id}}
}

// uploadURL answers files.getUploadURLExternal.
func (s *Server) uploadURL(c *Call) map[string]any {
	name := c.param("filename")
	n, err := strconv.Atoi(c.param("length"))
	if name == "" || err != nil || n <= 0 {
		return slackErr("invalid_arguments")
	}
	s.fileSeq++
	id := fmt.Sprintf("F0FAKE%05d", s.fileSeq)
	s.files[id] = &upload{name: name}
	return map[string]any{"ok": true, "upload_url": s.srv.URL + "/upload/v1/" + id, "file_id": id}
}

// checkMessage validates a chat.postMessage/postEphemeral call.
func checkMessage(c *Call) string {
	switch {
	case c.Channel == "":
		return "channel_not_found"
	case c.Text == "" && len(c.Blocks) == 0 && c.param("attachments") == "":
		return "no_text"
	}
	return ""
}

// message is the message object echoed by chat.postMessage and chat.update.
func (s *Server) message(c *Call, ts string) map[string]any {
	m := map[string]any{
		"type": "message", "user": s.cfg.botUserID, "bot_id": botID, "team": teamID,
		"text": c.Text, "ts": ts,
	}
	if c.Blocks != nil {
		m["blocks"] = c.Blocks
	}
	if c.ThreadTS != "" {
		m["thread_ts"] = c.ThreadTS
	}
	if md := nonEmpty(c.Metadata); md != nil {
		m["metadata"] = md
	}
	return m
}

// completeUpload answers files.completeUploadExternal; s.mu must be held.
func (s *Server) completeUpload(c *Call) map[string]any {
	files, err := decodeList(*c, "files")
	if err != nil || len(files) == 0 {
		return slackErr("invalid_arguments")
	}
	out := make([]map[string]any, 0, len(files))
	for _, f := range files {
		id, _ := f["id"].(string)
		up, ok := s.files[id]
		if !ok {
			return slackErr("file_not_found")
		}
		title, _ := f["title"].(string)
		if title == "" {
			title = up.name
		}
		out = append(out, map[string]any{"id": id, "title": title, "name": up.name})
	}
	for _, ch := range sharedTo(c) {
		if e := s.readDenied(ch); e != "" {
			return slackErr(e)
		}
	}
	s.shareFiles(c, out)
	return map[string]any{"ok": true, "files": out}
}

// nextTS returns a unique message timestamp, increasing, from the wall clock
// in microseconds as Slack's are (so time-based oldest/latest bounds work);
// s.mu must be held.
func (s *Server) nextTS() string {
	now := s.cfg.now().UnixMicro()
	if now <= s.lastTS {
		now = s.lastTS + 1
	}
	s.lastTS = now
	return fmt.Sprintf("%d.%06d", now/1e6, now%1e6)
}

// handleResponseURL serves POSTs to URLs from ResponseURL.
func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	c, code := parseRequest(r, false)
	c.Method = "response_url"

	s.mu.Lock()
	var rep reply
	if f, ok := s.takeFault(c.Method); ok {
		rep = faultReply(&c, f)
	} else if !s.resps[r.URL.Path] || r.Method != http.MethodPost {
		rep = jsonReply(&c, http.StatusNotFound, slackErr("no_service"))
	} else if code != "" {
		rep = jsonReply(&c, http.StatusOK, slackErr(code))
	} else {
		rep = jsonReply(&c, http.StatusOK, map[string]any{"ok": true})
	}
	s.record(c)
	s.mu.Unlock()
	rep.write(w)
}

// handleUpload serves the upload of a file's bytes to an upload_url.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	c, _ := parseRequest(r, true)
	c.Method = "upload_url"
	id := strings.TrimPrefix(r.URL.Path, "/upload/v1/")

	s.mu.Lock()
	var rep reply
	if f, ok := s.takeFault(c.Method); ok {
		rep = faultReply(&c, f)
	} else if _, ok := s.files[id]; !ok || r.Method != http.MethodPost {
		c.Status = http.StatusNotFound
		rep = reply{status: c.Status, body: []byte("404 Not Found")}
	} else {
		c.Status, c.OK = http.StatusOK, true
		rep = reply{status: c.Status, header: http.Header{"Content-Type": {"text/plain"}}, body: fmt.Appendf(nil, "OK - %d", len(c.Upload))}
	}
	s.record(c)
	s.mu.Unlock()
	rep.write(w)
}

// Sign returns Slack's request signature of body sent at timestamp (Unix
// seconds), as documented in "Verifying requests from Slack":
// "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)).
// Send it as X-Slack-Signature with X-Slack-Request-Timestamp.
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", timestamp)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
