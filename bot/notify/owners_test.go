package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
)

// press sends a press to orderbot, over one transport or the other.
type press func(p map[string]any)

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// ownersApp starts orderbot's Slack app on w's store and fake Slack, with
// the alerts' buttons registered (reps and assistants limited to their own
// orders when ownOnly), taking presses over Socket Mode or, with http,
// over the signed interactivity URL.
func (w *world) ownersApp(n *notify.Notifier, ownOnly, overHTTP bool) press {
	w.t.Helper()
	parser, err := understand.New("")
	if err != nil {
		w.t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	answerer := bot.New(w.st, parser, nil, bot.Options{Access: bot.AccessAll, Language: orders.French, StaleAfter: 26 * time.Hour})
	api := slack.New("xoxb-test", slack.OptionAPIURL(w.slack.APIURL()), slack.OptionAppLevelToken("xapp-test"))
	actions := slackapp.NewActions()
	notify.NewOwners(w.st, n, w.notes, log, notify.OwnerOptions{OwnOnly: ownOnly, Loc: paris, Now: w.clock.now}).Register(actions)
	app := slackapp.New(answerer, render.New(render.Options{Location: paris}), slackapp.NewPoster(api, nil, nil), api, w.st, log,
		"U0BOT0001", slackapp.Options{Actions: actions})
	app.Start(context.Background())
	w.t.Cleanup(app.Stop)
	if overHTTP {
		mux := http.NewServeMux()
		app.Routes(mux, slackapp.NewVerifier(signingSecret, nil))
		srv := httptest.NewServer(mux)
		w.t.Cleanup(srv.Close)
		return func(p map[string]any) {
			if code, err := slackfake.PostInteractive(srv.Client(), srv.URL+"/slack/interactivity", signingSecret, p); err != nil || code != http.StatusOK {
				w.t.Fatalf("press posted: %d, %v", code, err)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = app.RunSocket(ctx, socketmode.New(api), nil) }()
	w.t.Cleanup(func() { cancel(); <-done })
	w.slack.WaitConnected(w.t, 1, 10*time.Second)
	return func(p map[string]any) { w.slack.SendInteractive(p) }
}

// alertPost returns the channel and ts of the alert orderbot posted to user.
func (w *world) alertPost(user string) (channel, ts string) {
	w.t.Helper()
	channel = w.dm(user)
	if err := w.st.Pool().QueryRow(w.ctx, `SELECT ts FROM deliveries WHERE kind = 'alert' AND channel_id = $1 AND state = 'sent'
		ORDER BY id LIMIT 1`, channel).Scan(&ts); err != nil {
		w.t.Fatal(err)
	}
	return channel, ts
}

// actionTS is Slack's action_ts of a press at t, the n-th of its second.
func actionTS(t time.Time, n int) string { return fmt.Sprintf("%d.%06d", t.Unix(), n) }

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// updatesOf returns the chat.update calls on ts.
func (w *world) updatesOf(ts string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range w.slack.Calls("chat.update") {
		if c.Form.Get("ts") == ts || c.JSON["ts"] == ts {
			out = append(out, c)
		}
	}
	return out
}

// blockedForClaire blocks three orders of François, assisted by Claire,
// and sends the alert: Claire gets one message of three orders.
func (w *world) blockedForClaire(n *notify.Notifier) (channel, ts string) {
	w.t.Helper()
	w.order("4500000001", w.rep, true, orders.StatusCreditLimit, 1825000, 7)
	w.order("4500000002", w.rep, true, orders.StatusOutOfStock, 386000, 7)
	w.order("4500000003", w.rep, true, orders.StatusAnomaly, 98000, 7)
	if err := n.SendAlerts(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	return w.alertPost("U0ADV0001")
}

// TestClaimShownInPlaceOverBothTransports: Claire presses "I'm on it" on
// her alert, over Socket Mode and over the signed HTTP URL; the alert is
// updated in place (chat.update) to say she is on it and since when, the
// claim is in the order's history, and the order's answer says who handles
// it. The press delivered twice is recorded once.
func TestClaimShownInPlaceOverBothTransports(t *testing.T) {
	for _, overHTTP := range []bool{false, true} {
		name := "socket"
		if overHTTP {
			name = "http"
		}
		t.Run(name, func(t *testing.T) {
			w := setup(t)
			n := w.notifier(notify.Options{})
			channel, ts := w.blockedForClaire(n)
			send := w.ownersApp(n, true, overHTTP)
			w.clock.set(time.Date(2026, 11, 27, 9, 12, 0, 0, paris))
			p := w.slack.BlockActions(slackfake.Press{User: "U0ADV0001", Channel: channel, MessageTS: ts,
				ActionID: "alert_claim:4500000002", Value: "4500000002", ActionTS: actionTS(w.clock.now(), 1)})
			send(p)
			send(p) // Slack's retry
			waitUntil(t, "the alert updated", func() bool { return len(w.updatesOf(ts)) >= 1 })
			up := w.updatesOf(ts)[0]
			text := blocksText(up)
			if !strings.Contains(text, "Claire Martin s'en occupe depuis le") {
				t.Errorf("the updated alert does not say who is on it:\n%s", text)
			}
			var buttons []string
			for _, b := range up.Blocks {
				if b["block_id"] == "alert:4500000002" {
					for _, e := range b["elements"].([]any) {
						buttons = append(buttons, e.(map[string]any)["action_id"].(string))
					}
				}
			}
			if len(buttons) != 1 || buttons[0] != "alert_release:4500000002" {
				t.Errorf("the claimed order's buttons: %q, want Not mine alone", buttons)
			}
			acts, err := w.st.AlertActions(w.ctx, "4500000002")
			if err != nil || len(acts) != 1 || acts[0].Action != "claim" || acts[0].By.Name != "Claire Martin" {
				t.Errorf("history %+v %v", acts, err)
			}
			o, err := w.st.OrderByNumber(w.ctx, "4500000002")
			if err != nil || o.HandledBy == nil || o.HandledBy.Name != "Claire Martin" {
				t.Fatalf("the order read: %+v %v", o.HandledBy, err)
			}
			answer := render.New(render.Options{Location: paris}).Console(bot.Answer{Kind: bot.OrderFound, Order: o})
			if !strings.Contains(answer, "Pris en charge par Claire Martin depuis le") {
				t.Errorf("the answer about the order:\n%s", answer)
			}
		})
	}
}

// TestWhoMayPressAnAlertsButtons: someone outside the directory, and a rep
// whose portfolio the order is not in (bot.access: own), are refused
// privately and nothing is recorded; a manager may act.
func TestWhoMayPressAnAlertsButtons(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	channel, ts := w.blockedForClaire(n)
	send := w.ownersApp(n, true, false)
	refusals := func() []slackfake.Call {
		var out []slackfake.Call
		for _, c := range w.slack.Calls("response_url") {
			if c.JSON["response_type"] == "ephemeral" {
				out = append(out, c)
			}
		}
		return out
	}
	send(w.slack.BlockActions(slackfake.Press{User: "U0STRANGE", Channel: channel, MessageTS: ts,
		ActionID: "alert_claim:4500000001", Value: "4500000001"}))
	waitUntil(t, "the stranger refused", func() bool { return len(refusals()) == 1 })
	if r := refusals()[0]; !strings.Contains(r.Text, "annuaire") {
		t.Errorf("the stranger was told %q", r.Text)
	}
	send(w.slack.BlockActions(slackfake.Press{User: "U0REP0002", Channel: channel, MessageTS: ts,
		ActionID: "alert_snooze_1:4500000001", Value: "4500000001"}))
	waitUntil(t, "Emma refused", func() bool { return len(refusals()) == 2 })
	if r := refusals()[1]; !strings.Contains(r.Text, "not in your portfolio") {
		t.Errorf("Emma was told %q", r.Text)
	}
	if acts, _ := w.st.AlertActions(w.ctx, "4500000001"); len(acts) != 0 || len(w.updatesOf(ts)) != 0 {
		t.Errorf("a refused press recorded %+v, updated %d", acts, len(w.updatesOf(ts)))
	}
	if _, err := w.st.UpsertPerson(w.ctx, orders.Person{Email: "nadia@example.fr", Name: "Nadia Benali", Role: orders.RoleManager,
		SlackUserID: "U0MGR0001"}); err != nil {
		t.Fatal(err)
	}
	send(w.slack.BlockActions(slackfake.Press{User: "U0MGR0001", Channel: channel, MessageTS: ts,
		ActionID: "alert_claim:4500000001", Value: "4500000001"}))
	waitUntil(t, "the manager's claim shown", func() bool { return len(w.updatesOf(ts)) == 1 })
	if !strings.Contains(blocksText(w.updatesOf(ts)[0]), "Nadia Benali s'en occupe") {
		t.Errorf("the alert after the manager's claim:\n%s", blocksText(w.updatesOf(ts)[0]))
	}
	// Someone else pressing "I'm on it" is told who has it.
	send(w.slack.BlockActions(slackfake.Press{User: "U0ADV0001", Channel: channel, MessageTS: ts,
		ActionID: "alert_claim:4500000001", Value: "4500000001"}))
	waitUntil(t, "Claire told", func() bool { return len(refusals()) == 3 })
	if r := refusals()[2]; !strings.Contains(r.Text, "Nadia Benali s'occupe déjà de la commande 4500000001") {
		t.Errorf("Claire was told %q", r.Text)
	}
}

// TestSnoozeAndNotMine: a snooze is confirmed privately, shown in place and
// recorded; "not mine" hands the alert to the rep (Claire is his only
// assistant), who gets it in a DM with its buttons, once.
func TestSnoozeAndNotMine(t *testing.T) {
	w := setup(t)
	n := w.notifier(notify.Options{})
	channel, ts := w.blockedForClaire(n)
	send := w.ownersApp(n, true, false)
	w.clock.set(time.Date(2026, 11, 27, 9, 30, 0, 0, paris))
	send(w.slack.BlockActions(slackfake.Press{User: "U0ADV0001", Channel: channel, MessageTS: ts,
		ActionID: "alert_snooze_3:4500000003", Value: "4500000003", ActionTS: actionTS(w.clock.now(), 2)}))
	waitUntil(t, "the snooze shown", func() bool { return len(w.updatesOf(ts)) == 1 })
	if text := blocksText(w.updatesOf(ts)[0]); !strings.Contains(text, "reportée au 30/11/2026 par Claire Martin") {
		t.Errorf("the alert after the snooze:\n%s", text)
	}
	waitUntil(t, "the snooze confirmed", func() bool { return len(w.slack.Calls("response_url")) == 1 })
	if r := w.slack.Calls("response_url")[0]; !strings.Contains(r.Text, "ne remontera pas à un responsable avant le 30/11/2026") {
		t.Errorf("the snooze was confirmed as %q", r.Text)
	}
	p := w.slack.BlockActions(slackfake.Press{User: "U0ADV0001", Channel: channel, MessageTS: ts,
		ActionID: "alert_release:4500000001", Value: "4500000001", ActionTS: actionTS(w.clock.now(), 3)})
	send(p)
	send(p)
	francois := w.dm("U0REP0001")
	waitUntil(t, "the alert handed to François", func() bool { return len(w.postsTo(francois)) == 1 })
	text := blocksText(w.postsTo(francois)[0])
	if !strings.Contains(text, "Claire Martin vous passe l'alerte de la commande bloquée 4500000001") ||
		!strings.Contains(text, "passée à François Dubœuf par Claire Martin") {
		t.Errorf("François's DM:\n%s", text)
	}
	waitUntil(t, "the hand-back shown", func() bool { return len(w.updatesOf(ts)) == 2 })
	acts, err := w.st.AlertActions(w.ctx, "4500000001")
	if err != nil || len(acts) != 1 || acts[0].Action != "release" || acts[0].To.ID != w.rep.ID {
		t.Errorf("history %+v %v", acts, err)
	}
	time.Sleep(200 * time.Millisecond) // the duplicate press, if it were handled
	if len(w.postsTo(francois)) != 1 {
		t.Errorf("François got %d hand-backs, want 1", len(w.postsTo(francois)))
	}
}
