package slackapp

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"golang.org/x/time/rate"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/internal/testdb"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var server *testdb.Server

func TestMain(m *testing.M) { os.Exit(testdb.Run(m, &server)) }

// slackUsers are the accounts of the fake workspace, as users.info knows
// them: people of the sample directory.
var slackUsers = map[string]string{
	"U0REP0001": "francois.duboeuf@example.fr",
	"U0REP0002": "camille.rousseau@example.fr",
}

// sampleDatabase returns the URL of a fresh database holding the sample
// portfolio, imported an hour ago.
func sampleDatabase(t testing.TB) string { return server.SampleDatabase(t) }

// noLog is an audit log of questions that keeps nothing.
type noLog struct{}

func (noLog) Record(orders.AskedQuestion) {}

// duplicates counts the requests an app did not answer because they were
// answered before.
type duplicates struct{ n atomic.Int64 }

func (d *duplicates) seen() { d.n.Add(1) }

// startApp runs an App over Socket Mode against fake, on the database db,
// posting every a second to a channel and taking over the questions other
// replicas left, until the test ends or the returned function is called,
// when it stops as serve does: no more requests, then the questions in
// hand answered and their answers posted.
func startApp(t *testing.T, fake *slackfake.Server, db string, every rate.Limit, opt Options) (stop func()) {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, db, 4)
	if err != nil {
		t.Fatal(err)
	}
	parser, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	answerer := bot.New(st, parser, noLog{}, bot.Options{Access: bot.AccessAll, Language: orders.French, StaleAfter: 26 * time.Hour})
	renderer := render.New(render.Options{Location: time.UTC})
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken("xapp-test"))
	poster := NewPoster(api, nil, func(err error) { t.Errorf("fatal: %v", err) })
	poster.every = every
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := New(answerer, renderer, poster, api, st, log, "U0BOT0001", opt)
	app.Start(context.Background())
	run, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- app.RunSocket(run, socketmode.New(api), nil) }()
	var takingOver sync.WaitGroup
	takingOver.Go(func() { app.TakeOver(run) })
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("RunSocket: %v", err)
			}
			takingOver.Wait()
			app.Stop()
			st.Close()
		})
	}
	t.Cleanup(stop)
	return stop
}

func mention(user, channel, ts, text string) map[string]any {
	return map[string]any{"type": "app_mention", "user": user, "text": "<@U0BOT0001> " + text, "ts": ts,
		"channel": channel, "event_ts": ts}
}

func dm(user, channel, ts, text string) map[string]any {
	return map[string]any{"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
		"channel": channel, "event_ts": ts}
}

// waitFor waits up to 20 s for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBusyChannelHoldsUpNoOne: forty questions waiting for one channel's
// pace do not keep a direct message waiting. The channel's answers go at
// its pace (here ten a second, to keep the test short; Slack's is one);
// the direct message's answer passes them.
func TestBusyChannelHoldsUpNoOne(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	startApp(t, fake, sampleDatabase(t), 10, Options{})
	fake.WaitConnected(t, 1, 10*time.Second)
	const busy, quiet = "C0BUSY001", "D0QUIET01"
	for i := range 40 {
		fake.SendEvent(fmt.Sprintf("EvBusy%02d", i), mention("U0REP0001", busy, fmt.Sprintf("1700000100.%06d", i),
			"où en est la 4500012345 ?"))
	}
	fake.SendEvent("EvQuiet", dm("U0REP0002", quiet, "1700000200.000100", "commandes de boulangerie dupre"))
	posts := fake.WaitPosts(t, 41, 60*time.Second)
	var inBusy, after int
	dmAt := -1
	for i, p := range posts {
		switch p.Channel {
		case busy:
			inBusy++
			if dmAt >= 0 {
				after++
			}
		case quiet:
			dmAt = i
			if !strings.Contains(p.Text, "Dupré") {
				t.Errorf("the DM is answered: %s", p.Text)
			}
		default:
			t.Errorf("a post to %s", p.Channel)
		}
	}
	if inBusy != 40 {
		t.Errorf("%d answers in the busy channel, want 40", inBusy)
	}
	if after < 20 {
		t.Errorf("the DM's answer came after %d of the busy channel's 40 answers, want it before most of them", 40-after)
	}
}

// TestSocketAcknowledgesEnvelopesOnly: Slack's hello carries no envelope
// and wants no acknowledgement; an event does.
func TestSocketAcknowledgesEnvelopesOnly(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	startApp(t, fake, sampleDatabase(t), 100, Options{})
	fake.WaitConnected(t, 1, 10*time.Second)
	env := fake.SendEvent("EvAck001", dm("U0REP0001", "D0ACK0001", "1700000300.000100", "4500012345"))
	if acks := fake.WaitAcks(t, 1, 10*time.Second); acks[0].EnvelopeID != env {
		t.Errorf("acknowledged %q, want %q", acks[0].EnvelopeID, env)
	}
	fake.WaitPosts(t, 1, 10*time.Second)
	if s := fake.Strays(); len(s) != 0 {
		t.Errorf("orderbot sent Slack messages that acknowledge no envelope: %q", s)
	}
}

// TestSlashCommandAnsweredOnce: a slash command delivered twice (same
// trigger_id), here to two replicas sharing one database, is answered once;
// another command is answered.
func TestSlashCommandAnsweredOnce(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	var dup duplicates
	startApp(t, fake, db, 100, Options{OnDuplicate: dup.seen})
	startApp(t, fake, db, 100, Options{OnDuplicate: dup.seen})
	fake.WaitConnected(t, 2, 10*time.Second)
	answers := func(url string) int {
		n := 0
		for _, c := range fake.Calls("response_url") {
			if c.OK && strings.HasSuffix(url, c.Path) {
				n++
			}
		}
		return n
	}
	first := map[string]string{"command": "/commande", "text": "4500012345", "user_id": "U0REP0001", "channel_id": "C0SLASH01",
		"trigger_id": "1700000400.47445629121.0f3c2a9b8d7e6f5a4b3c2d1e0f9a8b7c", "response_url": fake.ResponseURL()}
	fake.SendSlashCommand(first)
	fake.SendSlashCommand(first) // the other replica, round robin
	waitFor(t, "the replayed command recognised", func() bool { return dup.n.Load() == 1 })
	waitFor(t, "the command's answer", func() bool { return answers(first["response_url"]) == 1 })

	second := map[string]string{"command": "/order", "text": "4500012345", "user_id": "U0REP0001", "channel_id": "C0SLASH01",
		"trigger_id": "1700000401.47445629121.99aa88bb77cc66dd55ee44ff33001122", "response_url": fake.ResponseURL()}
	fake.SendSlashCommand(second)
	waitFor(t, "another command's answer", func() bool { return answers(second["response_url"]) == 1 })
	if n := answers(first["response_url"]); n != 1 || dup.n.Load() != 1 {
		t.Errorf("the command sent twice got %d answers (%d duplicates seen), want 1", n, dup.n.Load())
	}
}

// TestStopPostsTheAnswersInHand: questions acknowledged before the app
// stops are answered, and their answers posted at the channel's pace,
// before Stop returns.
func TestStopPostsTheAnswersInHand(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	stop := startApp(t, fake, sampleDatabase(t), 10, Options{})
	fake.WaitConnected(t, 1, 10*time.Second)
	for i := range 8 {
		fake.SendEvent(fmt.Sprintf("EvStop%02d", i), mention("U0REP0001", "C0STOP001", fmt.Sprintf("1700000500.%06d", i), "4500012345"))
	}
	fake.WaitAcks(t, 8, 10*time.Second)
	stop()
	if n := len(fake.Posts()); n != 8 {
		t.Errorf("%d answers posted when Stop returns, want the 8 questions in hand answered", n)
	}
}
