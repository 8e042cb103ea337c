package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/orderbot/orderbot/internal/metrics"
	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

// scrape returns what /metrics serves.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// everything is a Metrics with every metric registered and each observed
// once, over the store st.
func everything(t *testing.T, st *postgres.Store) *metrics.Metrics {
	t.Helper()
	m := metrics.New()
	m.BuildInfo(metrics.Build{Version: "v1.4.0", Commit: "4f1c2a9e0b7d5c3e2a1f0e9d8c7b6a5f4e3d2c1b", GoVersion: "go1.26.0"})
	m.Pool(st.Pool())
	m.Database(st)
	m.Question(orders.AskedQuestion{Intent: "order", Outcome: "order", Latency: 30 * time.Millisecond})
	m.Delivery("digest", "sent")
	m.Delivery("alert", "panicked")
	m.Import("applied", 12)
	m.Duplicate()
	m.TakenOver("orderbot-1")
	m.ModelCall("ok", 1200*time.Millisecond)
	rt := m.Transport(roundTrip(func(*http.Request) (*http.Response, error) { return &http.Response{StatusCode: 200}, nil }))
	if _, err := rt.RoundTrip(httptest.NewRequest("POST", "https://slack.com/api/chat.postMessage", nil)); err != nil {
		t.Fatal(err)
	}
	return m
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNamesFollowPrometheusConventions lints every metric served, as
// Prometheus's promlint does: a gauge ending in _total, a counter without
// it, a time not in seconds, are refused.
func TestNamesFollowPrometheusConventions(t *testing.T) {
	st := server.Store(t)
	m := everything(t, st)
	problems, err := promlint.New(strings.NewReader(scrape(t, m))).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

// TestModelTimeIsAHistogram: the model's time is a distribution (how slow
// is the slowest tenth?), not a running sum.
func TestModelTimeIsAHistogram(t *testing.T) {
	m := metrics.New()
	m.ModelCall("ok", 1200*time.Millisecond)
	m.ModelCall("failed", 5*time.Second)
	body := scrape(t, m)
	for _, want := range []string{
		"# TYPE orderbot_model_seconds histogram",
		`orderbot_model_seconds_bucket{le="2"} 1`,
		`orderbot_model_seconds_bucket{le="5"} 2`,
		"orderbot_model_seconds_count 2",
		`orderbot_model_calls_total{outcome="ok"} 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %q:\n%s", want, grep(body, "orderbot_model"))
		}
	}
}

// TestDatabaseDownShowsAsDown: with PostgreSQL up, orderbot_db_up is 1 and
// the alerts waiting are counted; once it stops answering, orderbot_db_up
// is 0 and the count is absent rather than a reassuring 0.
func TestDatabaseDownShowsAsDown(t *testing.T) {
	url := server.NewDatabase(t)
	st, err := postgres.Open(context.Background(), url, 2)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	m.Database(st)
	m.Pool(st.Pool())
	up := `
# HELP orderbot_db_up 1 when PostgreSQL answered the scrape's ping, 0 when it did not.
# TYPE orderbot_db_up gauge
orderbot_db_up 1
# HELP orderbot_alerts_pending Transitions waiting to be alerted; absent when the database did not answer.
# TYPE orderbot_alerts_pending gauge
orderbot_alerts_pending 0
`
	if err := compare(t, m, strings.NewReader(up), "orderbot_db_up", "orderbot_alerts_pending"); err != nil {
		t.Errorf("database up: %v", err)
	}
	st.Close() // every query now fails, as with the server down
	down := `
# HELP orderbot_db_up 1 when PostgreSQL answered the scrape's ping, 0 when it did not.
# TYPE orderbot_db_up gauge
orderbot_db_up 0
`
	if err := compare(t, m, strings.NewReader(down), "orderbot_db_up", "orderbot_alerts_pending"); err != nil {
		t.Errorf("database down: %v", err)
	}
	if body := scrape(t, m); strings.Contains(body, "orderbot_alerts_pending 0") {
		t.Errorf("with the database down, /metrics says no alert is pending:\n%s", grep(body, "orderbot_"))
	}
}

// TestPoolGaugesHaveNoTotal: the pool's open connections are a gauge named
// as one.
func TestPoolGaugesHaveNoTotal(t *testing.T) {
	st := server.Store(t)
	m := metrics.New()
	m.Pool(st.Pool())
	body := scrape(t, m)
	if !strings.Contains(body, "# TYPE orderbot_db_connections_open gauge\n") {
		t.Errorf("/metrics lacks the gauge orderbot_db_connections_open:\n%s", grep(body, "orderbot_db"))
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "# TYPE ") && strings.HasSuffix(line, " gauge") && strings.Contains(line, "_total ") {
			t.Errorf("a gauge named as a counter: %s", line)
		}
	}
}

// TestBuildInfo: orderbot_build_info is 1, its labels the build's.
func TestBuildInfo(t *testing.T) {
	m := metrics.New()
	m.BuildInfo(metrics.Build{Version: "(devel)", Commit: "4f1c2a9e0b7d5c3e2a1f0e9d8c7b6a5f4e3d2c1b", Modified: true, GoVersion: "go1.26.8"})
	want := `
# HELP orderbot_build_info Always 1; its labels say which orderbot build is running.
# TYPE orderbot_build_info gauge
orderbot_build_info{commit="4f1c2a9e0b7d5c3e2a1f0e9d8c7b6a5f4e3d2c1b-modified",go_version="go1.26.8",version="(devel)"} 1
`
	if err := compare(t, m, strings.NewReader(want), "orderbot_build_info"); err != nil {
		t.Error(err)
	}
}

// TestBuildOf reads what the Go toolchain records: a tagged release, a
// checkout built with go build or go install (Go 1.24 and later give it a
// pseudo-version), go run or go test (nothing of the VCS).
func TestBuildOf(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "4f1c2a9e0b7d5c3e2a1f0e9d8c7b6a5f4e3d2c1b"},
		{Key: "vcs.time", Value: "2026-11-27T06:00:00Z"}, {Key: "vcs.modified", Value: "false"}}
	dirty := append(rev[:3:3], debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	cases := []struct {
		name string
		bi   *debug.BuildInfo
		want metrics.Build
		line string
	}{
		{"a tagged release", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.0"}},
			metrics.Build{Version: "v1.4.0", Commit: "unknown", GoVersion: "go1.26.0"}, "v1.4.0 (commit unknown, go1.26.0)"},
		{"a tagged checkout", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.0"}, Settings: rev},
			metrics.Build{Version: "v1.4.0", Commit: rev[1].Value, GoVersion: "go1.26.0"}, "v1.4.0 (commit 4f1c2a9e0b7d, go1.26.0)"},
		{"an untagged checkout", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "v0.0.0-20261127060000-4f1c2a9e0b7d"}, Settings: rev},
			metrics.Build{Version: "(devel)", Commit: rev[1].Value, GoVersion: "go1.26.8"}, "(devel) (commit 4f1c2a9e0b7d, go1.26.8)"},
		{"an untagged checkout with changes", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "v0.0.0-20261127060000-4f1c2a9e0b7d+dirty"}, Settings: dirty},
			metrics.Build{Version: "(devel)", Commit: rev[1].Value, Modified: true, GoVersion: "go1.26.8"},
			"(devel) (commit 4f1c2a9e0b7d, modified, go1.26.8)"},
		{"a commit after a tag", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "v1.4.1-0.20261127060000-4f1c2a9e0b7d"}, Settings: rev},
			metrics.Build{Version: "(devel)", Commit: rev[1].Value, GoVersion: "go1.26.8"}, "(devel) (commit 4f1c2a9e0b7d, go1.26.8)"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			metrics.Build{Version: "(devel)", Commit: "unknown", GoVersion: "go1.26.8"}, "(devel) (commit unknown, go1.26.8)"},
		{"no build information", nil, metrics.Build{Version: "(devel)", Commit: "unknown", GoVersion: "unknown"},
			"(devel) (commit unknown, unknown)"},
	}
	for _, c := range cases {
		got := metrics.BuildOf(c.bi)
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
		if got.String() != c.line {
			t.Errorf("%s: %q, want %q", c.name, got.String(), c.line)
		}
	}
}

// compare scrapes m's /metrics as Prometheus would and compares the
// metrics named with want, in the text format.
func compare(t *testing.T, m *metrics.Metrics, want io.Reader, names ...string) error {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	return testutil.ScrapeAndCompare(srv.URL, want, names...)
}

// grep keeps the lines of s that contain sub.
func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
