package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/orders"
)

// TestFirstStartPostsNoDigestOfBefore: orderbot is installed on a Sunday
// afternoon with a first import of the portfolio. Friday's digest, the
// latest due, covers days orderbot knew nothing of: it is not posted.
// Monday's covers from the first import on: the orders blocked before it
// are not news, the one blocked on Sunday evening is.
func TestFirstStartPostsNoDigestOfBefore(t *testing.T) {
	w := setupBare(t)
	n := w.notifier(notify.Options{})
	install := time.Date(2026, 11, 29, 15, 0, 0, 0, paris)
	w.clock.set(install)
	w.order("4500000301", w.rep, true, orders.StatusCreditLimit, 100000, 0)
	w.order("4500000302", w.rep, true, orders.StatusOutOfStock, 200000, 0)
	w.order("4500000303", w.rep, true, orders.StatusOpen, 300000, 0)
	if err := w.st.RecordLoad(w.ctx, "first export", install, 3); err != nil {
		t.Fatal(err)
	}
	w.clock.set(install.Add(5 * time.Minute))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	if posts := w.postsTo(digestChannel); len(posts) != 0 {
		t.Fatalf("a digest of before the first import went out on the first start:\n%s", blocksText(posts[0]))
	}
	w.clock.set(time.Date(2026, 11, 29, 18, 0, 0, 0, paris))
	w.order("4500000303", w.rep, true, orders.StatusAnomaly, 300000, 0)
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(digestChannel)
	if len(posts) != 1 {
		t.Fatalf("%d digests on Monday, want 1", len(posts))
	}
	monday := blocksText(posts[0])
	if !strings.Contains(monday, "Digest du 30/11/2026") || !strings.Contains(monday, "depuis le 29/11/2026 à 15:00") ||
		!strings.Contains(monday, "4500000303") || strings.Contains(monday, "4500000301") || strings.Contains(monday, "4500000302") {
		t.Errorf("Monday's digest, the first, covers from the first import and lists the order blocked since:\n%s", monday)
	}
}

// TestNoImportNoDigest: before any import there is nothing to digest.
func TestNoImportNoDigest(t *testing.T) {
	w := setupBare(t)
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	if err := w.notifier(notify.Options{}).SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	if posts := w.slack.Posts(); len(posts) != 0 {
		t.Errorf("%d digests before any import", len(posts))
	}
}

// TestLateDigestNamesItsDay: Friday's digest, posted on Saturday after an
// outage, is Friday's.
func TestLateDigestNamesItsDay(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	w.clock.set(time.Date(2026, 11, 28, 10, 0, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(digestChannel)
	if len(posts) != 1 || !strings.Contains(posts[0].Text, "Digest du 27/11/2026") {
		t.Fatalf("Friday's digest posted on Saturday: %v", posts)
	}
}

// TestDigestRunForAPastDay: an operator runs the digest of Thursday 26
// November on Monday (`orderbot digest run --date 2026-11-26`), after
// Friday's and Monday's went out: it covers Wednesday's digest time to
// Thursday's, not what happened since, and the next digest still starts
// where Monday's ended.
func TestDigestRunForAPastDay(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	w.clock.set(time.Date(2026, 11, 25, 15, 0, 0, 0, paris))
	w.order("4500000401", w.rep, true, orders.StatusCreditLimit, 100000, 0) // Wednesday: Thursday's news
	w.clock.set(time.Date(2026, 11, 27, 8, 31, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.set(time.Date(2026, 11, 28, 11, 0, 0, 0, paris))
	w.order("4500000402", w.rep, true, orders.StatusOutOfStock, 200000, 0) // Saturday: Monday's news
	w.clock.set(time.Date(2026, 11, 30, 8, 31, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.set(time.Date(2026, 11, 30, 10, 0, 0, 0, paris))
	thursday := time.Date(2026, 11, 26, 8, 30, 0, 0, paris)
	if err := w.notifier(notify.Options{Now: func() time.Time { return thursday }}).SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts := w.postsTo(digestChannel)
	if len(posts) != 3 {
		t.Fatalf("%d digests, want Friday's, Monday's and Thursday's", len(posts))
	}
	text := blocksText(posts[2])
	if !strings.Contains(text, "Digest du 26/11/2026") || !strings.Contains(text, "depuis le 25/11/2026 à 08:30") ||
		!strings.Contains(text, "4500000401") || strings.Contains(text, "4500000402") {
		t.Errorf("Thursday's digest, run on Monday, covers Wednesday 08:30 to Thursday 08:30:\n%s", text)
	}
	w.clock.set(time.Date(2026, 12, 1, 8, 31, 0, 0, paris))
	if err := n.SendDigests(w.ctx); err != nil {
		t.Fatal(err)
	}
	posts = w.postsTo(digestChannel)
	if tuesday := blocksText(posts[len(posts)-1]); len(posts) != 4 || !strings.Contains(tuesday, "depuis le 30/11/2026 à 08:31") {
		t.Errorf("Tuesday's digest does not start where Monday's ended:\n%s", tuesday)
	}
}

// TestNoSummaryOfBeforeTheFirstImport: the managers' summary follows the
// digests' rule: none before any import, none for a day before the first
// one, the first after it.
func TestNoSummaryOfBeforeTheFirstImport(t *testing.T) {
	w := setupBare(t)
	n := w.notifier(notify.Options{SummaryChannel: "C0MANAGERS"})
	w.clock.set(time.Date(2026, 11, 29, 15, 0, 0, 0, paris))
	if err := n.SendSummary(w.ctx); err != nil {
		t.Fatal(err)
	}
	if posts := w.postsTo("C0MANAGERS"); len(posts) != 0 {
		t.Fatalf("a summary before any import:\n%s", blocksText(posts[0]))
	}
	w.order("4500000401", w.rep, true, orders.StatusCreditLimit, 100000, 0)
	if err := w.st.RecordLoad(w.ctx, "first export", w.clock.now(), 1); err != nil {
		t.Fatal(err)
	}
	w.clock.advance(5 * time.Minute)
	if err := n.SendSummary(w.ctx); err != nil {
		t.Fatal(err)
	}
	if posts := w.postsTo("C0MANAGERS"); len(posts) != 0 {
		t.Fatalf("Friday's summary went out on Sunday's first start:\n%s", blocksText(posts[0]))
	}
	w.clock.set(time.Date(2026, 11, 30, 18, 31, 0, 0, paris))
	if err := n.SendSummary(w.ctx); err != nil {
		t.Fatal(err)
	}
	if posts := w.postsTo("C0MANAGERS"); len(posts) != 1 || !strings.Contains(blocksText(posts[0]), "4500000401") {
		t.Fatalf("Monday's summary, the first: %d posts", len(posts))
	}
}
