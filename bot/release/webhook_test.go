package release_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/release"
	"github.com/orderbot/orderbot/orders"
)

const hookSecret = "whsec-negoce-durand-0123456789"

// receiver is the ERP's end of the webhook, as its README example does it:
// it checks the signature with the shared secret, and counts each
// decision by its idempotency key.
type receiver struct {
	t      *testing.T
	mu     sync.Mutex
	seen   map[string]int // idempotency key → accepted POSTs
	bodies map[string]release.Decision
	tries  int
	bad    int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.tries++
	// t=<unix>,v1=<hex HMAC-SHA256 of "<unix>.<body>">
	var ts, sig string
	for _, part := range strings.Split(r.Header.Get("X-Orderbot-Signature"), ",") {
		k, v, _ := strings.Cut(part, "=")
		if k == "t" {
			ts = v
		} else if k == "v1" {
			sig = v
		}
	}
	mac := hmac.New(sha256.New, []byte(hookSecret))
	mac.Write([]byte(ts + "." + string(body)))
	if ts == "" || !hmac.Equal([]byte(sig), []byte(hex.EncodeToString(mac.Sum(nil)))) {
		rc.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	var d release.Decision
	if err := json.Unmarshal(body, &d); err != nil || d.ID != key {
		rc.bad++
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	rc.seen[key]++
	rc.bodies[key] = d
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) count() (keys, tries int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.seen), rc.tries
}

// down is the ERP while it is down: it answers 503 to every try.
type down struct {
	mu    sync.Mutex
	tries int
}

func (d *down) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	d.mu.Lock()
	d.tries++
	d.mu.Unlock()
	http.Error(w, "maintenance", http.StatusServiceUnavailable)
}

func (d *down) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tries
}

func serve(t *testing.T, addr string, h http.Handler) *http.Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	return srv
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited too long for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWebhookEachDecisionOnceAcrossARestartedReceiver: the ERP answers
// 503, then is stopped (connections refused), then comes back; each
// decision reaches it once, signed, and never again.
func TestWebhookEachDecisionOnceAcrossARestartedReceiver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	maintenance := &down{}
	first := serve(t, addr, maintenance)

	w := setup(t, release.Webhook{URL: "http://" + addr + "/orderbot/releases", Secret: hookSecret,
		Backoff: func(int) time.Duration { return 100 * time.Millisecond }})
	// Two decisions: the credit block approved; a second order's declined.
	o, err := w.st.OrderByNumber(w.ctx, w.number)
	if err != nil {
		t.Fatal(err)
	}
	o.ID, o.Number = 0, "4500011040"
	if _, err := w.st.SaveOrder(w.ctx, o, postgresChange(w)); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, n := range []string{w.number, "4500011040"} {
		out, err := w.rel.Ask(w.ctx, w.rep, n, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.rel.Decide(w.ctx, w.credit, out.Request.ID, i == 0, "Règlement reçu le 26/11"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, out.Request.ID)
	}
	waitFor(t, "tries while the ERP is in maintenance", func() bool { return maintenance.count() >= 4 })
	_ = first.Close() // the ERP stops: connections are refused
	time.Sleep(300 * time.Millisecond)

	rc := &receiver{t: t, seen: map[string]int{}, bodies: map[string]release.Decision{}}
	second := serve(t, addr, rc)
	defer second.Close()
	waitFor(t, "both decisions", func() bool { keys, _ := rc.count(); return keys == 2 })
	w.idle()
	// Let retries that were due run, had any been left.
	time.Sleep(500 * time.Millisecond)
	w.idle()

	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bad != 0 {
		t.Errorf("%d requests failed the receiver's checks", rc.bad)
	}
	for key, n := range rc.seen {
		if n != 1 {
			t.Errorf("decision %s received %d times, want once", key, n)
		}
	}
	approved := rc.bodies["orderbot-release-"+itoa(ids[0])+"-approved"]
	if approved.Order != w.number || approved.Block != string(orders.StatusCreditLimit) || approved.Decision != "approved" ||
		!strings.EqualFold(approved.DecidedBy.Email, "credit.control@negoce-durand.fr") || approved.RequestedBy.Name != "François Dubœuf" ||
		approved.Reason != "Règlement reçu le 26/11" {
		t.Errorf("approved decision %+v", approved)
	}
	if d := rc.bodies["orderbot-release-"+itoa(ids[1])+"-declined"]; d.Order != "4500011040" || d.Decision != "declined" {
		t.Errorf("declined decision %+v", d)
	}
}

func TestSignVerify(t *testing.T) {
	body := []byte(`{"id":"orderbot-release-7-approved"}`)
	at := time.Unix(1795000000, 0)
	h := release.Sign(hookSecret, at, body)
	if !strings.HasPrefix(h, "t=1795000000,v1=") {
		t.Fatalf("header %q", h)
	}
	if err := release.Verify(hookSecret, h, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("a good signature: %v", err)
	}
	for name, err := range map[string]error{
		"other body":   release.Verify(hookSecret, h, []byte(`{"id":"orderbot-release-8-approved"}`), at, 5*time.Minute),
		"other secret": release.Verify("another-secret-0123", h, body, at, 5*time.Minute),
		"too old":      release.Verify(hookSecret, h, body, at.Add(time.Hour), 5*time.Minute),
		"no signature": release.Verify(hookSecret, "", body, at, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}
