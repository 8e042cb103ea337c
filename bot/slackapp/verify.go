package slackapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxSkew is how far a request's timestamp may be from the clock: Slack's
// advice against replayed requests.
const maxSkew = 5 * time.Minute

// Verifier checks that an HTTP request comes from Slack: the signature of
// its body with the app's signing secret, and a timestamp within five
// minutes of now. Its clock is injected, so that Slack's documented example
// (of 2018) can be checked; slack-go's verifier reads the real clock.
type Verifier struct {
	secret []byte
	now    func() time.Time
}

// NewVerifier returns a Verifier for the signing secret; now is the clock
// (time.Now when nil).
func NewVerifier(secret string, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{secret: []byte(secret), now: now}
}

// Errors of Verify, for logs: the caller answers 401 whatever they are.
var (
	errNoSignature  = errors.New("no X-Slack-Signature or X-Slack-Request-Timestamp header")
	errBadTimestamp = errors.New("X-Slack-Request-Timestamp is not a number")
	errStale        = errors.New("X-Slack-Request-Timestamp is more than 5 minutes away from now")
	errBadSignature = errors.New("X-Slack-Signature does not match the body")
)

// Verify checks the headers of a request against its body.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	sig, ts := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || ts == "" {
		return errNoSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	if d := v.now().Sub(time.Unix(secs, 0)); d > maxSkew || d < -maxSkew {
		return errStale
	}
	mac := hmac.New(sha256.New, v.secret)
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	want := mac.Sum(nil)
	got, err := hex.DecodeString(strings.TrimPrefix(sig, "v0="))
	if err != nil || !strings.HasPrefix(sig, "v0=") || !hmac.Equal(got, want) {
		return errBadSignature
	}
	return nil
}
