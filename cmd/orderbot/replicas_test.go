//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/slackfake"
)

// The replicas' questions are held under the default lease: a replica
// that dies leaves them to the others at most a lease and a third of it
// later (its last renewal, then the others' next look), plus the time to
// answer. The tests wait that long, with room for a loaded machine.
const (
	questionLease = 15 * time.Second
	takeoverTime  = questionLease + questionLease/3
	answerRoom    = 15 * time.Second
	// burstPause is the pause of each of the burst's four senders between
	// two mentions: a hundred mentions in about two seconds.
	burstPause = 80 * time.Millisecond
)

// buildOrderbot builds the orderbot binary for the test.
func buildOrderbot(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "orderbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// replica is one `orderbot serve` process.
type replica struct {
	cmd    *exec.Cmd
	addr   string
	stderr *syncBuffer
	done   chan struct{} // closed when the process exited
}

// startReplica runs bin serve on the database db against fake, with vars
// added to its environment, until the test ends.
func startReplica(t testing.TB, bin, db string, fake *slackfake.Server, vars map[string]string) *replica {
	t.Helper()
	r := &replica{addr: freeAddr(t), stderr: &syncBuffer{}, done: make(chan struct{})}
	env := map[string]string{"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"), "ORDERBOT_DATABASE_URL": db,
		"ORDERBOT_SLACK_BOT_TOKEN": "xoxb-test", "ORDERBOT_SLACK_APP_TOKEN": "xapp-test", "ORDERBOT_SLACK_API_URL": fake.APIURL(),
		"ORDERBOT_SLACK_HTTP_ADDR": r.addr, "ORDERBOT_LOG_FORMAT": "json"}
	for k, v := range vars {
		env[k] = v
	}
	r.cmd = exec.Command(bin, "serve")
	r.cmd.Dir = t.TempDir()
	for k, v := range env {
		r.cmd.Env = append(r.cmd.Env, k+"="+v)
	}
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
		if t.Failed() {
			t.Logf("replica %s:\n%s", r.addr, r.stderr.String())
		}
	})
	return r
}

// takenOver reads the questions a replica took over, from its log and
// from its metrics, and fails t when they disagree.
func (r *replica) takenOver(t testing.TB) int {
	t.Helper()
	logged := 0
	sc := bufio.NewScanner(strings.NewReader(r.stderr.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"msg":"slack question taken over"`) {
			logged++
		}
	}
	var counted float64
	resp, err := http.Get("http://" + r.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sc = bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), " "); ok && strings.HasPrefix(name, "orderbot_questions_taken_over_total{replica=") {
			v, _ := strconv.ParseFloat(value, 64)
			counted += v
		}
	}
	if int(counted) != logged {
		t.Errorf("replica %s logged %d takeovers, counted %v in orderbot_questions_taken_over_total", r.addr, logged, counted)
	}
	return logged
}

// burst is n mentions in ten channels, each mention answered in its own
// thread: the answers of one channel wait for Slack's pace (a post a
// second), so that a replica killed in the middle holds questions it
// acknowledged and has not answered yet.
type burst struct {
	n      int
	prefix string
}

func (b burst) channel(i int) string { return fmt.Sprintf("C0%s%02d", b.prefix, i%10) }

func (b burst) thread(i int) string { return fmt.Sprintf("1700009000.%06d", i) }

func (b burst) event(i int) (string, map[string]any) {
	return fmt.Sprintf("Ev%s%04d", b.prefix, i), mention("U0REP0001", b.channel(i), b.thread(i), "où en est la 4500012345 ?")
}

// awaitAnswers waits, until deadline, for every question of b to be
// answered, and returns when the last answer came; then checks, after room
// for a duplicate to show, that each got exactly one answer.
func (b burst) awaitAnswers(t testing.TB, fake *slackfake.Server, deadline time.Time) time.Time {
	t.Helper()
	answers := func() map[string][]slackfake.Call {
		out := map[string][]slackfake.Call{}
		for _, c := range fake.Calls("chat.postMessage") {
			if c.OK && strings.HasPrefix(c.Channel, "C0"+b.prefix) {
				out[c.Channel+"/"+c.ThreadTS] = append(out[c.Channel+"/"+c.ThreadTS], c)
			}
		}
		return out
	}
	for len(answers()) < b.n && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // room for a duplicate to show
	got := answers()
	var last time.Time
	for i := range b.n {
		a := got[b.channel(i)+"/"+b.thread(i)]
		switch {
		case len(a) == 0:
			t.Errorf("mention %d never answered", i)
		case len(a) > 1:
			t.Errorf("mention %d answered %d times", i, len(a))
		case !strings.Contains(a[0].Text, "4500012345"):
			t.Errorf("mention %d answered %q", i, a[0].Text)
		default:
			if a[0].At.After(last) {
				last = a[0].At
			}
		}
	}
	return last
}

// TestKilledReplicaLosesNoQuestion runs two (and three) serve processes on
// one database behind the Slack stand-in, which like Slack sends each
// envelope to one connection only, and kills one with SIGKILL in the
// middle of a burst of 100 mentions: every mention is answered exactly
// once, within the takeover time. An envelope the killed replica never
// acknowledged is sent again, as Slack does.
func TestKilledReplicaLosesNoQuestion(t *testing.T) {
	t.Parallel()
	bin := buildOrderbot(t)
	for _, replicas := range []int{2, 3} {
		t.Run(strconv.Itoa(replicas), func(t *testing.T) {
			t.Parallel()
			k := killMidBurst(t, bin, replicas)
			t.Logf("%d replicas, one killed after %d mentions: %d envelopes sent again, %d mentions taken over, "+
				"the last answer %.1f s after the kill", replicas, k.n/2, k.resent, k.taken, k.took.Seconds())
		})
	}
}

// killing is what killMidBurst saw.
type killing struct {
	n, resent, taken int
	// took is the time from the kill to the last answer.
	took time.Duration
}

// killMidBurst runs replicas serve processes of bin on one database behind
// a fresh Slack stand-in, kills the first with SIGKILL in the middle of a
// burst of 100 mentions, and fails t unless every mention is answered
// exactly once within the takeover time.
func killMidBurst(t testing.TB, bin string, replicas int) killing {
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	var rs []*replica
	for range replicas {
		rs = append(rs, startReplica(t, bin, db, fake, nil))
	}
	fake.WaitConnected(t, replicas, 30*time.Second)
	b := burst{n: 100, prefix: fmt.Sprintf("KILL%d", replicas)}
	envelopes := make([]string, b.n)
	var sent atomic.Int64
	var killedAt time.Time
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < b.n; i += 4 {
				envelopes[i] = fake.SendEvent(b.event(i))
				if sent.Add(1) == int64(b.n/2) {
					_ = rs[0].cmd.Process.Kill()
					killedAt = time.Now()
				}
				time.Sleep(burstPause)
			}
		})
	}
	wg.Wait()
	<-rs[0].done
	// Slack sends an envelope not acknowledged again, to another
	// connection: those the killed replica read but never answered for.
	time.Sleep(time.Second)
	acked := map[string]bool{}
	for _, a := range fake.Acks() {
		acked[a.EnvelopeID] = true
	}
	k := killing{n: b.n}
	for i, env := range envelopes {
		if !acked[env] {
			fake.SendEvent(b.event(i))
			k.resent++
		}
	}
	k.took = b.awaitAnswers(t, fake, killedAt.Add(takeoverTime+answerRoom)).Sub(killedAt)
	for _, r := range rs[1:] {
		k.taken += r.takenOver(t)
	}
	return k
}

// TestKilledReplicaLosesNoQuestionOverHTTP: two serve processes in HTTP
// mode behind a round-robin load balancer, one killed with SIGKILL in the
// middle of a burst of 100 mentions: every mention is answered exactly
// once, within the takeover time. A request that fails (the replica died
// before answering it, the balancer answered 502) is sent again, as Slack
// retries an event.
func TestKilledReplicaLosesNoQuestionOverHTTP(t *testing.T) {
	t.Parallel()
	const secret = "test-signing-secret"
	bin := buildOrderbot(t)
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	vars := map[string]string{"ORDERBOT_SLACK_MODE": "http", "ORDERBOT_SLACK_SIGNING_SECRET": secret}
	rs := []*replica{startReplica(t, bin, db, fake, vars), startReplica(t, bin, db, fake, vars)}
	for _, r := range rs {
		waitFor(t, "the replica's HTTP server", func() bool {
			resp, err := http.Get("http://" + r.addr + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			return err == nil && resp.StatusCode == 200
		})
	}
	var next atomic.Int64
	lb := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		r := rs[next.Add(1)%int64(len(rs))]
		pr.SetURL(&url.URL{Scheme: "http", Host: r.addr})
	}, ErrorLog: log.New(io.Discard, "", 0)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	front := &http.Server{Handler: lb}
	go func() { _ = front.Serve(ln) }()
	t.Cleanup(func() { _ = front.Close() })
	lbAddr := ln.Addr().String()

	post := func(id string, ev map[string]any) int {
		body, _ := json.Marshal(map[string]any{"token": "x", "team_id": "T0FAKE", "api_app_id": "A0FAKE", "type": "event_callback",
			"event_id": id, "event_time": time.Now().Unix(), "event": ev})
		now := time.Now().Unix()
		req, _ := http.NewRequest(http.MethodPost, "http://"+lbAddr+"/slack/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
		req.Header.Set("X-Slack-Signature", slackfake.Sign(secret, now, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	b := burst{n: 100, prefix: "HTTP"}
	var sent, retried atomic.Int64
	var killedAt time.Time
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < b.n; i += 4 {
				// Slack tries an event up to four times.
				for try := 0; try < 4 && post(b.event(i)) != 200; try++ {
					retried.Add(1)
				}
				if sent.Add(1) == int64(b.n/2) {
					_ = rs[0].cmd.Process.Kill()
					killedAt = time.Now()
				}
				time.Sleep(burstPause)
			}
		})
	}
	wg.Wait()
	last := b.awaitAnswers(t, fake, killedAt.Add(takeoverTime+answerRoom))
	t.Logf("HTTP mode, one replica of two killed after %d mentions: %d requests sent again, %d mentions taken over, "+
		"the last answer %.1f s after the kill", b.n/2, retried.Load(), rs[1].takenOver(t), last.Sub(killedAt).Seconds())
}
