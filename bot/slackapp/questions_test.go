package slackapp

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders/postgres"
)

// deadReplica holds questions as a replica that died would have left
// them: stored with its claim, which it no longer renews.
type deadReplica struct {
	t   *testing.T
	st  *postgres.Store
	api *slack.Client
}

const deadLease = 800 * time.Millisecond

func newDeadReplica(t *testing.T, fake *slackfake.Server, db string) *deadReplica {
	st, err := postgres.Open(context.Background(), db, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return &deadReplica{t: t, st: st, api: slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL()))}
}

// hold stores q under key, held by the dead replica.
func (d *deadReplica) hold(key string, q question) {
	d.t.Helper()
	payload, _ := json.Marshal(q)
	if got, err := d.st.HoldQuestions(context.Background(), []string{key}, []string{string(payload)}, "replica-dead", deadLease); err != nil || !got[key] {
		d.t.Fatalf("hold %s: %v, %v", key, got, err)
	}
}

// post marks key's question posting and posts msg as the dead replica
// did, marked as its answer (or its notice), before it died.
func (d *deadReplica) post(key string, q question, text string, notice bool) string {
	d.t.Helper()
	if err := d.st.MarkQuestionPosting(context.Background(), key, "replica-dead", 0, deadLease); err != nil {
		d.t.Fatal(err)
	}
	opts := append([]slack.MsgOption{slack.MsgOptionText(text, false)}, mark(&claim{key: key}, notice)...)
	if q.Thread != "" {
		opts = append(opts, slack.MsgOptionTS(q.Thread))
	}
	_, ts, err := d.api.PostMessage(q.Channel, opts...)
	if err != nil {
		d.t.Fatal(err)
	}
	return ts
}

// unanswered counts the questions not marked answered.
func (d *deadReplica) unanswered() int {
	var n int
	if err := d.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM slack_events WHERE state <> 'done'`).Scan(&n); err != nil {
		d.t.Fatal(err)
	}
	return n
}

// TestQuestionsOfADeadReplicaAnswered: a mention, a direct message and a
// slash command acknowledged by a replica that died before answering are
// answered once each by a replica still running, once their lease ran out.
func TestQuestionsOfADeadReplicaAnswered(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	dead := newDeadReplica(t, fake, db)
	cmdURL := fake.ResponseURL()
	dead.hold("EvDead0001", question{User: "U0REP0001", Text: "<@U0BOT0001> où en est la 4500012345 ?", Channel: "C0VENTES1",
		Thread: "1700000600.000100"})
	dead.hold("EvDead0002", question{User: "U0REP0002", Text: "commandes de boulangerie dupre", Channel: "D0DEAD001"})
	dead.hold(postgres.CommandKey("1700000601.47445629121.0f3c"), question{Command: true, User: "U0REP0001",
		Text: "4500012345", Channel: "C0SLASH01", ResponseURL: cmdURL})
	var takenOver atomic.Int64
	startApp(t, fake, db, 100, Options{Lease: 300 * time.Millisecond, OnTakeOver: func() { takenOver.Add(1) }})
	waitFor(t, "the questions answered", func() bool { return dead.unanswered() == 0 })

	mention := messagesTo(fake, "C0VENTES1")
	if len(mention) != 1 || mention[0].ThreadTS != "1700000600.000100" || !strings.Contains(mention[0].Text, "4500012345") {
		t.Errorf("the mention got %d answers: %+v", len(mention), mention)
	} else if p, _ := mention[0].Metadata["event_payload"].(map[string]any); mention[0].Metadata["event_type"] != answerMark || p["key"] != "EvDead0001" {
		t.Errorf("the answer is marked %v", mention[0].Metadata)
	}
	if dm := messagesTo(fake, "D0DEAD001"); len(dm) != 1 || !strings.Contains(dm[0].Text, "Dupré") {
		t.Errorf("the direct message got %d answers: %+v", len(dm), dm)
	}
	var responses int
	for _, c := range fake.Calls("response_url") {
		if c.OK && strings.HasSuffix(cmdURL, c.Path) {
			responses++
		}
	}
	if responses != 1 {
		t.Errorf("the slash command got %d answers", responses)
	}
	if n := takenOver.Load(); n != 3 {
		t.Errorf("%d questions counted taken over, want 3", n)
	}
}

// TestAnswerOfADeadReplicaNotPostedAgain: a replica died after its answer
// went out, before it marked the question answered; another died after
// posting its notice that the model was consulted. The replica taking
// over finds the answer and posts nothing, and puts its answer in place of
// the notice.
func TestAnswerOfADeadReplicaNotPostedAgain(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	db := sampleDatabase(t)
	dead := newDeadReplica(t, fake, db)
	answered := question{User: "U0REP0001", Text: "<@U0BOT0001> 4500012345", Channel: "C0VENTES2", Thread: "1700000700.000100"}
	dead.hold("EvDead0101", answered)
	dead.post("EvDead0101", answered, "La commande 4500012345 est en préparation.", false)
	looking := question{User: "U0REP0002", Text: "commandes de boulangerie dupre", Channel: "D0DEAD002"}
	dead.hold("EvDead0102", looking)
	notice := dead.post("EvDead0102", looking, "Je cherche…", true)
	startApp(t, fake, db, 100, Options{Lease: 300 * time.Millisecond})
	waitFor(t, "the questions answered", func() bool { return dead.unanswered() == 0 })

	if p := messagesTo(fake, "C0VENTES2"); len(p) != 1 {
		t.Errorf("the question answered before its replica died got %d answers", len(p))
	}
	if p := messagesTo(fake, "D0DEAD002"); len(p) != 1 {
		t.Errorf("the direct message got %d posts, want its notice only", len(p))
	}
	updates := fake.Calls("chat.update")
	if len(updates) != 1 || updates[0].Channel != "D0DEAD002" || !strings.Contains(updates[0].Text, "Dupré") ||
		updates[0].Form.Get("ts") != notice {
		t.Errorf("the notice is replaced by %+v", updates)
	}
}

// messagesTo returns the messages posted to channel (not their updates).
func messagesTo(s *slackfake.Server, channel string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range s.Calls("chat.postMessage") {
		if c.OK && c.Channel == channel {
			out = append(out, c)
		}
	}
	return out
}

// giveUpDuring is the store with an asker giving up waiting while the
// statement that stores its question runs.
type giveUpDuring struct {
	Store
	during func()
}

func (s giveUpDuring) HoldQuestions(ctx context.Context, keys, payloads []string, holder string, lease time.Duration) (map[string]bool, error) {
	s.during()
	return s.Store.HoldQuestions(ctx, keys, payloads, holder, lease)
}

// TestQuestionStoredLateIsNotAnsweredTwice: when the store is too slow to
// take a question within the time Slack gives (a long import holds it),
// the question is answered without a claim. A question whose asker gave
// up before its turn came is then not stored at all, and one given up
// while it was being stored is stored as answered: no replica answers it
// again when this one stops renewing it.
func TestQuestionStoredLateIsNotAnsweredTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sampleDatabase(t)
	st, err := postgres.Open(ctx, db, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	request := func(key string) holdRequest {
		return holdRequest{key: key, payload: `{"user":"U0REP0001","text":"4500012345"}`, answer: make(chan holdAnswer, 1),
			state: new(atomic.Int32)}
	}
	before, during, waited := request("EvGaveUpBefore"), request("EvGaveUpDuring"), request("EvWaited")
	before.state.Store(holdGivenUp)
	a := &App{store: giveUpDuring{Store: st, during: func() { during.state.Store(holdGivenUp) }}, log: slog.New(slog.NewTextHandler(t.Output(), nil)),
		opt: Options{Replica: "orderbot-test", Lease: time.Minute}}
	a.storeBatch([]holdRequest{before, during, waited})

	if ans := <-waited.answer; ans.err != nil || !ans.fresh {
		t.Errorf("the question waited for: %+v, want stored now", ans)
	}
	want := map[string]string{"EvGaveUpBefore": "", "EvGaveUpDuring": "done", "EvWaited": "held"}
	for key, state := range want {
		var got string
		err := conn.QueryRow(ctx, `SELECT coalesce((SELECT state FROM slack_events WHERE event_id = $1), '')`, key).Scan(&got)
		if err != nil || got != state {
			t.Errorf("question %s: state %q (%v), want %q", key, got, err, state)
		}
	}
}
