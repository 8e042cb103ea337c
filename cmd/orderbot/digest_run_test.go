package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders/postgres"
	"github.com/orderbot/orderbot/orders/sample"
)

// digestTimeJustPassed is a digest time (digest.time) half an hour ago in
// the default time zone: with digest.days "all", a digest is due now and
// its time came after the sample portfolio was imported, an hour ago (a
// digest due before the first import is not posted).
func digestTimeJustPassed(t testing.TB) string {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return time.Now().In(paris).Add(-30 * time.Minute).Format("15:04")
}

// TestDigestRunForAPastDay: orderbot has run for ten days; today's digests
// went out; an operator then runs the digest of three days ago. It covers
// that day (its period ends on that day, after it starts), and a day to
// come is refused.
func TestDigestRunForAPastDay(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	url := server.NewDatabase(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	data := sample.Portfolio(now)
	if err := data.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordLoad(ctx, "sample", now.AddDate(0, 0, -10), len(data.Orders)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	fake := slackfake.New(t)
	vars := map[string]string{"ORDERBOT_DATABASE_URL": url, "ORDERBOT_SLACK_BOT_TOKEN": "xoxb-test",
		"ORDERBOT_SLACK_APP_TOKEN": "xapp-test", "ORDERBOT_SLACK_API_URL": fake.APIURL(), "ORDERBOT_DIGEST_DAYS": "all"}
	if _, stderr, err := orderbot(t, vars, "digest", "run"); err != nil {
		t.Fatalf("digest run: %v %s", err, stderr)
	}
	day := now.In(paris).AddDate(0, 0, -3)
	if _, stderr, err := orderbot(t, vars, "digest", "run", "--date", day.Format(time.DateOnly)); err != nil {
		t.Fatalf("digest run --date: %v %s", err, stderr)
	}
	slot := time.Date(day.Year(), day.Month(), day.Day(), 8, 30, 0, 0, paris)
	since := regexp.MustCompile(`depuis le (\d\d/\d\d/\d{4} à \d\d:\d\d)`)
	var seen int
	for _, p := range fake.Posts() {
		if p.Channel != "#ventes-sud" || !strings.Contains(p.Text, "Digest du "+slot.Format("02/01/2006")) {
			continue
		}
		seen++
		var text strings.Builder
		for _, b := range p.Blocks {
			if txt, ok := b["text"].(map[string]any); ok {
				text.WriteString(txt["text"].(string) + "\n")
			}
		}
		m := since.FindStringSubmatch(text.String())
		if m == nil {
			t.Fatalf("the digest of %s says not since when:\n%s", day.Format(time.DateOnly), text.String())
		}
		from, err := time.ParseInLocation("02/01/2006 à 15:04", m[1], paris)
		if err != nil {
			t.Fatal(err)
		}
		if !from.Before(slot) || slot.Sub(from) > 24*time.Hour {
			t.Errorf("the digest of %s covers from %s:\n%s", slot, from, text.String())
		}
	}
	if seen != 1 {
		t.Errorf("%d digests of %s in #ventes-sud, want 1", seen, day.Format(time.DateOnly))
	}
	tomorrow := now.In(paris).AddDate(0, 0, 1).Format(time.DateOnly)
	if _, _, err := orderbot(t, vars, "digest", "run", "--date", tomorrow); err == nil || !strings.Contains(err.Error(), "--date") {
		t.Errorf("digest run --date %s (tomorrow): %v", tomorrow, err)
	}
}
