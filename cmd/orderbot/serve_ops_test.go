package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/devdb"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

// get fetches a URL of serve's HTTP server.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric reads one sample of /metrics, 0 when absent.
func metric(t *testing.T, addr, sample string) float64 {
	t.Helper()
	_, body := get(t, "http://"+addr+"/metrics")
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, sample+" ") {
			v, _ := strconv.ParseFloat(strings.TrimSpace(line[len(sample):]), 64)
			return v
		}
	}
	return 0
}

// TestServeLivesThroughAPostgresRestart stops the PostgreSQL server of a
// running serve (a private cluster of the test's own) and starts it again.
func TestServeLivesThroughAPostgresRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cluster, err := devdb.Start(ctx, os.TempDir(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	url := cluster.URL("postgres")
	st, err := postgres.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	data := sample.Portfolio(time.Now())
	if err := data.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.Close()

	s := launch(t, slackfake.New(t, slackfake.WithUsers(slackUsers)), url, nil)
	s.slack.WaitConnected(t, 1, 10*time.Second)
	base := "http://" + s.addr
	waitFor(t, "readiness", func() bool { code, _ := get(t, base+"/readyz"); return code == 200 })
	ask := func(n int) string {
		ch := fmt.Sprintf("D0PGR%04d", n)
		s.slack.SendEvent(fmt.Sprintf("EvPG%04d", n), dm("U0REP0001", ch, fmt.Sprintf("1700003000.%06d", n), "4500012345"))
		waitFor(t, "an answer", func() bool { return len(postsTo(s.slack, ch)) == 1 })
		return textOf(postsTo(s.slack, ch)[0])
	}
	if got := ask(1); !strings.Contains(got, "Commande 4500012345") {
		t.Fatalf("before the restart: %s", got)
	}

	if err := cluster.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "unreachable") {
		t.Errorf("/readyz with PostgreSQL down: %d %s", code, body)
	}
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz with PostgreSQL down: %d", code)
	}
	if got := ask(2); !strings.Contains(got, "indisponibles") {
		t.Errorf("with PostgreSQL down, the answer is: %s", got)
	}

	if err := cluster.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "readiness after the restart", func() bool { code, _ := get(t, base+"/readyz"); return code == 200 })
	if got := ask(3); !strings.Contains(got, "Commande 4500012345") {
		t.Errorf("after the restart: %s", got)
	}
}

func TestServeMetrics(t *testing.T) {
	t.Parallel()
	s := startServe(t, map[string]string{"ORDERBOT_API_TOKENS": "push-token", "ORDERBOT_DIGEST_DAYS": "all",
		"ORDERBOT_DIGEST_TIME": digestTimeJustPassed(t)})
	s.slack.WaitConnected(t, 1, 10*time.Second)
	addr := s.addr
	waitFor(t, "/metrics", func() bool { code, _ := get(t, "http://"+addr+"/metrics"); return code == 200 })

	before := metric(t, addr, `orderbot_questions_total{intent="order",outcome="order"}`)
	s.slack.SendEvent("EvM001", dm("U0REP0001", "D0MET0001", "1700004000.000100", "4500012345"))
	waitFor(t, "the question counted", func() bool {
		return metric(t, addr, `orderbot_questions_total{intent="order",outcome="order"}`) == before+1
	})
	if n := metric(t, addr, `orderbot_answer_seconds_count`); n < 1 {
		t.Errorf("answer latency count %v", n)
	}
	if n := metric(t, addr, `orderbot_slack_api_calls_total{method="chat.postMessage",status="200"}`); n < 1 {
		t.Errorf("chat.postMessage calls %v", n)
	}

	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/orders",
		strings.NewReader(`[{"number": "4500099001", "customer_code": "C001234", "status": "open", "amount": 10}]`))
	req.Header.Set("Authorization", "Bearer push-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || metric(t, addr, `orderbot_import_runs_total{outcome="applied"}`) != 1 ||
		metric(t, addr, `orderbot_import_rows_total`) != 1 {
		t.Errorf("a push: %d, metrics %v runs %v rows", resp.StatusCode, metric(t, addr, `orderbot_import_runs_total{outcome="applied"}`),
			metric(t, addr, `orderbot_import_rows_total`))
	}
	// Serve sends the digests due as it starts.
	waitFor(t, "the digests counted", func() bool { return metric(t, addr, `orderbot_deliveries_total{kind="digest",outcome="sent"}`) >= 4 })
	for _, name := range []string{"orderbot_db_connections_max", "orderbot_alerts_pending", "go_goroutines"} {
		if _, body := get(t, "http://"+addr+"/metrics"); !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

// TestTwoReplicas runs two serve processes on one database and one Slack
// app: every question, alert and digest goes out once.
func TestTwoReplicas(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	// Transitions waiting to be alerted when the replicas start.
	st, err := postgres.Open(context.Background(), db, 2)
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.OrderByNumber(context.Background(), "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		o.Number = fmt.Sprintf("4500098%03d", i)
		o.Status, o.BlockReason = orders.StatusCreditLimit, "encours"
		o.Blocks = []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "encours"}}
		if _, err := st.SaveOrder(context.Background(), o, postgres.Change{At: time.Now(), Source: "test", ImportID: int64(100 + i%2)}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	vars := map[string]string{"ORDERBOT_DIGEST_DAYS": "all", "ORDERBOT_DIGEST_TIME": digestTimeJustPassed(t)}
	a, b := launch(t, fake, db, vars), launch(t, fake, db, vars)
	_ = a
	_ = b
	fake.WaitConnected(t, 2, 10*time.Second)
	const n = 40
	for i := range n {
		fake.SendEvent(fmt.Sprintf("EvR%04d", i), dm("U0REP0001", fmt.Sprintf("D0REP%04d", i), fmt.Sprintf("1700005000.%06d", i), "4500012345"))
	}
	waitFor(t, "the answers", func() bool {
		for i := range n {
			if len(postsTo(fake, fmt.Sprintf("D0REP%04d", i))) == 0 {
				return false
			}
		}
		return true
	})
	// Digests: one per rep channel; alerts: one per import for Claire.
	waitFor(t, "the digests", func() bool {
		for _, ch := range []string{"#ventes-sud", "#ventes-nord-est", "#ventes-export", "#ventes-idf"} {
			if len(postsTo(fake, ch)) == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(1500 * time.Millisecond) // room for a duplicate to show
	for i := range n {
		if got := len(postsTo(fake, fmt.Sprintf("D0REP%04d", i))); got != 1 {
			t.Errorf("question %d answered %d times", i, got)
		}
	}
	for _, ch := range []string{"#ventes-sud", "#ventes-nord-est", "#ventes-export", "#ventes-idf"} {
		if got := len(postsTo(fake, ch)); got != 1 {
			t.Errorf("%s got %d digests", ch, got)
		}
	}
	var alerts int
	var mu sync.Mutex
	for _, c := range fake.Posts() {
		if strings.HasPrefix(c.Channel, "D") && strings.Contains(c.Text, "bloquée") {
			mu.Lock()
			alerts++
			mu.Unlock()
		}
	}
	if alerts != 2 {
		t.Errorf("%d alert messages, want one per import (2)", alerts)
	}
}

// TestServeFinishesQuestionsInHand stops serve (as SIGTERM does, through
// its context) while a question waits on a slow model: the answer still
// goes out before serve returns.
func TestServeFinishesQuestionsInHand(t *testing.T) {
	t.Parallel()
	slow := make(chan struct{})
	model, calls := modelServer(t, http.StatusOK, "customer_orders", `{"name":"Dupré"}`)
	inner := model.Config.Handler
	model.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(slow)
		time.Sleep(1500 * time.Millisecond)
		inner.ServeHTTP(w, r)
	})
	s := startServe(t, map[string]string{"ORDERBOT_LLM_BASE_URL": model.URL + "/v1", "ORDERBOT_LLM_MODEL": "m"})
	s.slack.WaitConnected(t, 1, 10*time.Second)
	s.slack.SendEvent("EvT001", dm("U0REP0001", "D0TERM001", "1700006000.000100", "ils attendent toujours leur palette les boulangers de la rue Dupré"))
	select {
	case <-slow:
	case <-time.After(10 * time.Second):
		t.Fatal("the question never reached the model")
	}
	s.stop()
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve stops with %v", err)
		}
		s.done <- err
	case <-time.After(30 * time.Second):
		t.Fatal("serve does not stop")
	}
	p := postsTo(s.slack, "D0TERM001")
	if len(p) != 2 || !strings.Contains(textOf(p[1]), "Boulangerie Dupré") || calls.Load() != 1 {
		t.Errorf("the question in hand when serve stopped: %d posts, %d model calls", len(p), calls.Load())
	}
}
