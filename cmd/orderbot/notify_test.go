package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/internal/slackfake"
)

func TestDigestAndSummaryCommands(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"ORDERBOT_DATABASE_URL": sampleDatabase(t)}
	out, stderr, err := orderbot(t, vars, "digest", "preview", "--rep", "francois.duboeuf@example.fr")
	if err != nil || !strings.Contains(out, "Digest du") || !strings.Contains(out, "Bloquées à ce jour") {
		t.Errorf("digest preview: %v %s\n%s", err, stderr, out)
	}
	if _, _, err := orderbot(t, vars, "digest", "preview", "--rep", "nobody@example.fr"); err == nil || !strings.Contains(err.Error(), "--rep") {
		t.Errorf("digest preview of nobody: %v", err)
	}
	if _, _, err := orderbot(t, vars, "digest", "preview", "--rep", "francois.duboeuf@example.fr", "--date", "27/11/2026"); err == nil ||
		!strings.Contains(err.Error(), "--date") {
		t.Errorf("digest preview with a bad date: %v", err)
	}
	chart := filepath.Join(t.TempDir(), "summary.png")
	out, stderr, err = orderbot(t, vars, "summary", "preview", "--date", "2026-11-27", "--chart", chart)
	if err != nil || !strings.Contains(out, "Portefeuille au 27/11/2026") || !strings.Contains(out, "Par commercial") {
		t.Errorf("summary preview: %v %s\n%s", err, stderr, out)
	}
	b, err := os.ReadFile(chart)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("the chart written is not a PNG: %v", err)
	}

	// digest run posts what is due, once however often it runs.
	fake := slackfake.New(t)
	vars["ORDERBOT_SLACK_BOT_TOKEN"] = "xoxb-test"
	vars["ORDERBOT_SLACK_APP_TOKEN"] = "xapp-test"
	vars["ORDERBOT_SLACK_API_URL"] = fake.APIURL()
	vars["ORDERBOT_DIGEST_SUMMARY_CHANNEL"] = "C0MANAGERS"
	vars["ORDERBOT_DIGEST_DAYS"] = "all"
	vars["ORDERBOT_DIGEST_TIME"] = digestTimeJustPassed(t)
	vars["ORDERBOT_DIGEST_SUMMARY_TIME"] = digestTimeJustPassed(t)
	for range 2 {
		if _, stderr, err := orderbot(t, vars, "digest", "run"); err != nil {
			t.Fatalf("digest run: %v %s", err, stderr)
		}
	}
	per := map[string]int{}
	for _, p := range fake.Posts() {
		per[p.Channel]++
	}
	for _, ch := range []string{"#ventes-sud", "#ventes-nord-est", "#ventes-export", "#ventes-idf", "C0MANAGERS"} {
		if per[ch] != 1 {
			t.Errorf("%s got %d posts after two runs, want 1 (%v)", ch, per[ch], per)
		}
	}
	if n := len(fake.Calls("upload_url")); n != 1 {
		t.Errorf("%d charts uploaded, want 1", n)
	}
	out, _, err = orderbot(t, vars, "alerts", "status")
	if err != nil || !strings.HasPrefix(out, "waiting ") {
		t.Errorf("alerts status: %v\n%s", err, out)
	}
}
