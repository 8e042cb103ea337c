package main

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/orderbot/orderbot/internal/metrics"
)

// TestVersion: orderbot --version prints which build it is, on one line,
// and needs neither configuration nor database.
func TestVersion(t *testing.T) {
	out, _, err := orderbot(t, map[string]string{"ORDERBOT_BOT_LANGUAGE": "de"}, "--version")
	if err != nil {
		t.Fatal(err)
	}
	want := "orderbot " + metrics.ReadBuild().String() + "\n"
	if out != want || !strings.Contains(out, runtime.Version()) || !strings.Contains(out, "commit ") {
		t.Errorf("orderbot --version printed %q, want %q", out, want)
	}
}

// TestServeMetricsAreWellNamedAndSayTheBuild lints everything serve's
// /metrics gives, as Prometheus's promlint would, and finds the build's
// labels and the database's state there.
func TestServeMetricsAreWellNamedAndSayTheBuild(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil)
	s.slack.WaitConnected(t, 1, 10*time.Second)
	addr := s.addr
	waitFor(t, "/metrics", func() bool { code, _ := get(t, "http://"+addr+"/metrics"); return code == 200 })
	_, body := get(t, "http://"+addr+"/metrics")
	problems, err := promlint.New(strings.NewReader(body)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
	b := metrics.ReadBuild()
	for _, want := range []string{
		`orderbot_build_info{commit="` + b.Commit + `",go_version="` + runtime.Version() + `",version="` + b.Version + `"} 1`,
		"orderbot_db_up 1",
		"orderbot_alerts_pending ",
		"orderbot_db_connections_open ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
