package release

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/orderbot/orderbot/orders/postgres"
)

// Webhook is where the decisions go to the ERP.
type Webhook struct {
	// URL receives each decision, POSTed as JSON; empty sends nothing.
	URL string
	// Secret signs the bodies (HMAC-SHA256).
	Secret string
	// Client sends the requests; default one with a 30 s timeout.
	Client *http.Client
	// Backoff is the wait before the attempt after attempt (1 for the
	// first); default 2^attempt seconds, at most an hour.
	Backoff func(attempt int) time.Duration
}

// Headers of the webhook's requests.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of
	// t.body>".
	SignatureHeader = "X-Orderbot-Signature"
	// IdempotencyHeader carries the decision's key: the same on every
	// attempt, for the ERP to apply each decision once.
	IdempotencyHeader = "Idempotency-Key"
)

// Decision is the webhook's JSON body: one decision about the release of
// one block of an order.
type Decision struct {
	// ID is the key of the decision, as IdempotencyHeader carries it.
	ID string `json:"id"`
	// Request is the release request's number in orderbot.
	Request int64  `json:"request"`
	Order   string `json:"order"`
	// Block is the blocked status the request asked to lift.
	Block string `json:"block"`
	// Decision is "approved" or "declined".
	Decision    string    `json:"decision"`
	DecidedBy   Person    `json:"decided_by"`
	DecidedAt   time.Time `json:"decided_at"`
	Reason      string    `json:"reason"`
	RequestedBy Person    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	// RequestReason is why the release was asked for.
	RequestReason string `json:"request_reason"`
}

// Person names someone of the directory in the webhook.
type Person struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Code  string `json:"code,omitempty"`
}

// WebhookArgs sends the decision of request RequestID to the ERP.
type WebhookArgs struct {
	RequestID int64 `json:"request_id" river:"unique"`
}

// Kind names the job.
func (WebhookArgs) Kind() string { return "release_webhook" }

// InsertOpts makes the job unique by request, and tries it for four days
// (webhookAttempts, an hour apart after the first hour).
func (WebhookArgs) InsertOpts() river.InsertOpts {
	o := unique
	o.MaxAttempts = webhookAttempts
	return o
}

// webhookAttempts is how many times a decision is tried: 11 tries in the
// first hour (2 s, 4 s, … 34 min apart), then one an hour for four days.
const webhookAttempts = 11 + 4*24

// decisionOf is the webhook's body of decided request req.
func decisionOf(req postgres.ReleaseRequest) Decision {
	return Decision{ID: fmt.Sprintf("orderbot-release-%d-%s", req.ID, req.State), Request: req.ID, Order: req.Number,
		Block: string(req.Block), Decision: req.State,
		DecidedBy: Person{Email: req.Decider.Email, Name: req.Decider.Name, Code: req.Decider.Code},
		DecidedAt: req.DecidedAt.UTC(), Reason: req.DecisionReason,
		RequestedBy: Person{Email: req.Requester.Email, Name: req.Requester.Name, Code: req.Requester.Code},
		RequestedAt: req.RequestedAt.UTC(), RequestReason: req.Reason}
}

// Sign returns the signature header of body sent at t with secret:
// "t=<unix>,v1=<hex HMAC-SHA256 of "<unix>.<body>">".
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body and secret, and that it
// was made within tolerance of now: what a receiver does.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return fmt.Errorf("signature %q: want t=<unix>,v1=<hex>", header)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("signature made at %s, too far from now", time.Unix(sec, 0).UTC())
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return fmt.Errorf("signature does not match the body")
	}
	return nil
}

type webhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	r *Releases
}

// NextRetry waits the webhook's backoff before the next attempt.
func (w *webhookWorker) NextRetry(job *river.Job[WebhookArgs]) time.Time {
	b := w.r.cfg.Webhook.Backoff
	if b == nil {
		b = func(attempt int) time.Duration { return min(time.Hour, time.Second<<min(attempt, 12)) }
	}
	return time.Now().Add(b(job.Attempt))
}

// Work POSTs the decision, signed, and succeeds on a 2xx answer only.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	hook := w.r.cfg.Webhook
	if hook.URL == "" {
		return nil
	}
	req, err := w.r.cfg.Store.ReleaseRequest(ctx, job.Args.RequestID)
	if err != nil || req.DecidedAt == nil {
		return err
	}
	d := decisionOf(req)
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("User-Agent", "orderbot")
	hr.Header.Set(IdempotencyHeader, d.ID)
	hr.Header.Set(SignatureHeader, Sign(hook.Secret, time.Now(), body))
	client := hook.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(hr)
	if err != nil {
		return fmt.Errorf("release webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("release webhook: %s answered %s", redactedURL(hook.URL), resp.Status)
	}
	return nil
}

// redactedURL is u without its user information and query, for logs.
func redactedURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if at := strings.LastIndex(u, "@"); at >= 0 {
		if s := strings.Index(u, "://"); s >= 0 && s < at {
			u = u[:s+3] + u[at+1:]
		}
	}
	return u
}
