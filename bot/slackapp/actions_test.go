package slackapp

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// presses records the presses a handler got.
type presses struct {
	mu  sync.Mutex
	got []Click
}

func (p *presses) add(c Click) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, c)
}

func (p *presses) all() []Click {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Click(nil), p.got...)
}

// followActions routes "follow" buttons to a handler that records each
// press and refuses those of U0STRANGE, as the follow handler refuses
// someone who may not see the order.
func followActions(p *presses) *Actions {
	r := NewActions()
	r.Handle("follow", func(ctx context.Context, c Click) error {
		p.add(c)
		if c.User == "U0STRANGE" {
			return &Refusal{Message: render.Message{Text: "Vous n'avez pas accès à la commande 4500012345."}}
		}
		return c.Respond(ctx, render.Message{Text: "Vous suivez la commande 4500012345."}, false, true)
	})
	return r
}

// TestClickHandledOnceAcrossReplicas: one press delivered to two replicas
// (Slack's retry) is handled once, by the handler registered for its
// prefix, with who pressed, where and what; a press refused by its
// handler is answered privately.
func TestClickHandledOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	var p presses
	var dup duplicates
	startApp(t, fake, db, 100, Options{Actions: followActions(&p), OnDuplicate: dup.seen})
	startApp(t, fake, db, 100, Options{Actions: followActions(&p), OnDuplicate: dup.seen})
	fake.WaitConnected(t, 2, 10*time.Second)
	press := fake.BlockActions(slackfake.Press{User: "U0REP0001", Channel: "D0FOLLOW1", MessageTS: "1700000600.000200",
		ActionID: "follow_order", Value: "4500012345", ActionTS: "1700000601.123456"})
	fake.SendInteractive(press)
	fake.SendInteractive(press) // the other replica
	waitFor(t, "the press handled and answered", func() bool { return len(fake.Calls("response_url")) == 1 })
	waitFor(t, "the second delivery recognised", func() bool { return dup.n.Load() == 1 })
	fake.WaitAcks(t, 2, 10*time.Second)
	got := p.all()
	if len(got) != 1 {
		t.Fatalf("the press was handled %d times, want once", len(got))
	}
	c := got[0]
	if c.User != "U0REP0001" || c.Channel != "D0FOLLOW1" || c.MessageTS != "1700000600.000200" || c.ActionID != "follow_order" ||
		c.Value != "4500012345" || c.ResponseURL == "" || c.TriggerID == "" || c.Asker.SlackUserID != "U0REP0001" {
		t.Errorf("the handler got %+v", c)
	}
	if r := fake.Calls("response_url")[0]; r.JSON["replace_original"] != true || !strings.Contains(r.Text, "suivez") {
		t.Errorf("the answer to the press: %v", r.JSON)
	}

	// A press the handler refuses is answered to the presser only.
	fake.SendInteractive(fake.BlockActions(slackfake.Press{User: "U0STRANGE", Channel: "C0SHARED1", MessageTS: "1700000700.000100",
		ActionID: "follow_order", Value: "4500012345"}))
	waitFor(t, "the refusal", func() bool { return len(fake.Calls("response_url")) == 2 })
	if r := fake.Calls("response_url")[1]; r.JSON["response_type"] != "ephemeral" || !strings.Contains(r.Text, "pas accès") {
		t.Errorf("the refusal: %v", r.JSON)
	}
	// A button of no registered prefix is no handler's business.
	if len(p.all()) != 2 {
		t.Errorf("handled %d presses, want 2", len(p.all()))
	}
}

// TestClickOverSignedHTTP: the interactivity URL takes a signed press,
// acknowledges it and has it handled once however often it is posted; an
// unsigned one is refused.
func TestClickOverSignedHTTP(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	var p presses
	var dup duplicates
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	app := newHTTPApp(t, fake, sampleDatabase(t), Options{Actions: followActions(&p), OnDuplicate: dup.seen})
	mux := http.NewServeMux()
	app.Routes(mux, NewVerifier(secret, nil))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	press := fake.BlockActions(slackfake.Press{User: "U0REP0002", Channel: "C0VENTES1", MessageTS: "1700000800.000100",
		ThreadTS: "1700000799.000100", ActionID: "follow_order", Value: "4500012345"})
	for range 2 {
		if code, err := slackfake.PostInteractive(srv.Client(), srv.URL+"/slack/interactivity", secret, press); err != nil || code != http.StatusOK {
			t.Fatalf("a signed press: %d, %v", code, err)
		}
	}
	if code, _ := slackfake.PostInteractive(srv.Client(), srv.URL+"/slack/interactivity", "not-the-secret", press); code != http.StatusUnauthorized {
		t.Errorf("a press signed with another secret: %d, want 401", code)
	}
	waitFor(t, "the press handled", func() bool { return len(fake.Calls("response_url")) == 1 })
	waitFor(t, "the second post recognised", func() bool { return dup.n.Load() == 1 })
	if got := p.all(); len(got) != 1 || got[0].ThreadTS != "1700000799.000100" {
		t.Errorf("presses handled: %+v, want the one press, in its thread", got)
	}
}

// TestClickOfADeadReplicaHandled: a press stored with its claim by a
// replica that died before handling it is handled by another.
func TestClickOfADeadReplicaHandled(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	click := Click{User: "U0REP0001", Channel: "D0FOLLOW2", MessageTS: "1700000900.000100", ActionID: "follow_order",
		Value: "4500012345", ActionTS: "1700000901.000001", ResponseURL: fake.ResponseURL()}
	newDeadReplica(t, fake, db).hold(ClickKey(click), question{User: click.User, Channel: click.Channel, Click: &click})
	var p presses
	startApp(t, fake, db, 100, Options{Actions: followActions(&p), Lease: deadLease})
	waitFor(t, "the press taken over and handled", func() bool { return len(fake.Calls("response_url")) == 1 })
	if got := p.all(); len(got) != 1 || got[0].Value != "4500012345" || got[0].Asker.SlackUserID != "U0REP0001" {
		t.Errorf("presses handled: %+v", got)
	}
}

// newHTTPApp returns a started App taking HTTP requests, stopped when the
// test ends.
func newHTTPApp(t *testing.T, fake *slackfake.Server, db string, opt Options) *App {
	t.Helper()
	st, err := postgres.Open(context.Background(), db, 4)
	if err != nil {
		t.Fatal(err)
	}
	parser, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	answerer := bot.New(st, parser, noLog{}, bot.Options{Access: bot.AccessAll, Language: orders.French, StaleAfter: 26 * time.Hour})
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))
	poster := NewPoster(api, nil, func(err error) { t.Errorf("fatal: %v", err) })
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := New(answerer, render.New(render.Options{Location: time.UTC}), poster, api, st, log, "U0BOT0001", opt)
	app.Start(context.Background())
	t.Cleanup(func() { app.Stop(); st.Close() })
	return app
}

// TestAnswerButtonOfADeadReplicaAnswered: the press of an answer's own
// button ("show more", a customer chosen) is stored with its claim before
// Slack is acknowledged like any press, so one acknowledged by a replica
// that died before answering is answered by another, in place of the
// button's message.
func TestAnswerButtonOfADeadReplicaAnswered(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	value := bot.Action{Question: understand.Question{Intent: understand.Order, Numbers: []string{"4500012345"}}}.Value()
	click := Click{User: "U0REP0001", Channel: "D0MORE0001", MessageTS: "1700000950.000100", ActionID: render.ActionMore,
		Value: value, ActionTS: "1700000951.000001", ResponseURL: fake.ResponseURL()}
	newDeadReplica(t, fake, db).hold(ClickKey(click), question{User: click.User, Channel: click.Channel, Click: &click})
	startApp(t, fake, db, 100, Options{Lease: deadLease})
	waitFor(t, "the press taken over and answered", func() bool { return len(fake.Calls("response_url")) == 1 })
	if r := fake.Calls("response_url")[0]; r.JSON["replace_original"] != true || !strings.Contains(r.Text, "4500012345") {
		t.Errorf("the answer to the button: %+v; want order 4500012345 in place of the button's message", r)
	}
}

// TestPanickingHandlerSparesTheReplica: a button whose handler panics
// (a bug met by odd data) ends that press only; the replica lives on and
// handles the next press.
func TestPanickingHandlerSparesTheReplica(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	var p presses
	actions := followActions(&p)
	actions.Handle("boom", func(context.Context, Click) error { panic("a nil owner") })
	startApp(t, fake, db, 1, Options{Actions: actions})
	fake.WaitConnected(t, 1, 10*time.Second)
	fake.SendInteractive(fake.BlockActions(slackfake.Press{User: "U0REP0001", Channel: "D0BOOM0001", MessageTS: "1700000700.000100",
		ActionID: "boom_order", Value: "4500012345", ActionTS: "1700000701.000001"}))
	fake.SendInteractive(fake.BlockActions(slackfake.Press{User: "U0REP0001", Channel: "D0BOOM0001", MessageTS: "1700000700.000100",
		ActionID: "follow_order", Value: "4500012345", ActionTS: "1700000702.000001"}))
	waitFor(t, "the press after the panic handled", func() bool { return len(fake.Calls("response_url")) == 1 })
}
