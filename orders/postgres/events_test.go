package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders/postgres"
)

// TestQuestionTakenOverOnceLeaseRunsOut: a question held by a replica that
// stops renewing is taken over by one other replica, once; its former
// holder can then neither post nor close it, and the new holder finds when
// the answer first went out.
func TestQuestionTakenOverOnceLeaseRunsOut(t *testing.T) {
	t.Parallel()
	st := server.Store(t)
	ctx := context.Background()
	const key = "Ev0TAKE0001"
	payload := []byte(`{"user":"U0REP0001","text":"où en est la 4500012345 ?","channel":"C0VENTES1"}`)
	if ok, err := holdOne(st, key, payload, "replica-a", 300*time.Millisecond); err != nil || !ok {
		t.Fatalf("hold: %v, %v", ok, err)
	}
	if ok, err := holdOne(st, key, payload, "replica-b", time.Minute); err != nil || ok {
		t.Errorf("the same event held again: %v, %v", ok, err)
	}
	if err := st.MarkQuestionPosting(ctx, key, "replica-a", 0, 300*time.Millisecond); err != nil {
		t.Fatalf("posting: %v", err)
	}
	if got, err := st.TakeOverQuestions(ctx, "replica-b", time.Minute, 10); err != nil || len(got) != 0 {
		t.Errorf("taken over while its lease runs: %v, %v", got, err)
	}
	time.Sleep(400 * time.Millisecond)
	// Both survivors look; one gets it.
	b, errB := st.TakeOverQuestions(ctx, "replica-b", time.Minute, 10)
	c, errC := st.TakeOverQuestions(ctx, "replica-c", time.Minute, 10)
	if errB != nil || errC != nil || len(b) != 1 || len(c) != 0 {
		t.Fatalf("taken over: %v %v, %v %v; want once, by b", b, errB, c, errC)
	}
	q := b[0]
	var asked map[string]string
	if err := json.Unmarshal(q.Payload, &asked); err != nil || asked["text"] != "où en est la 4500012345 ?" {
		t.Errorf("the payload taken over: %s, %v", q.Payload, err)
	}
	if q.Key != key || q.Generation != 1 || q.PostingAt == nil || q.From != "replica-a" || q.ReceivedAt.IsZero() {
		t.Errorf("taken over as %s generation %d, posting at %v, from %s", q.Key, q.Generation, q.PostingAt, q.From)
	}
	if err := st.MarkQuestionPosting(ctx, key, "replica-a", 0, time.Minute); !errors.Is(err, postgres.ErrQuestionLost) {
		t.Errorf("the former holder marks it posting: %v", err)
	}
	if n, err := st.RenewQuestions(ctx, "replica-a", time.Minute); err != nil || n != 0 {
		t.Errorf("the former holder renews %d, %v", n, err)
	}
	if n, err := st.MarkQuestionsAnswered(ctx, "replica-a", []string{key}, []int{0}); err != nil || n != 0 {
		t.Errorf("the former holder closes it: %d, %v", n, err)
	}
	if err := st.MarkQuestionPosting(ctx, key, "replica-b", 1, time.Minute); err != nil {
		t.Errorf("the new holder marks it posting: %v", err)
	}
	if n, err := st.MarkQuestionsAnswered(ctx, "replica-b", []string{key}, []int{1}); err != nil || n != 1 {
		t.Errorf("the new holder closes it: %d, %v", n, err)
	}
	if got, err := st.TakeOverQuestions(ctx, "replica-c", time.Minute, 10); err != nil || len(got) != 0 {
		t.Errorf("an answered question taken over: %v, %v", got, err)
	}
}

// TestRenewedQuestionNotTakenOver: a holder renewing its lease keeps its
// questions however long it takes, and a replica taking over its own
// question gets a new generation, the old one fenced off.
func TestRenewedQuestionNotTakenOver(t *testing.T) {
	t.Parallel()
	st := server.Store(t)
	ctx := context.Background()
	for _, key := range []string{"Ev0RENEW001", postgres.CommandKey("1700000500.47445629121.aa")} {
		if ok, err := holdOne(st, key, []byte(`{}`), "replica-a", 300*time.Millisecond); err != nil || !ok {
			t.Fatalf("hold %s: %v, %v", key, ok, err)
		}
	}
	for range 4 {
		time.Sleep(150 * time.Millisecond)
		if n, err := st.RenewQuestions(ctx, "replica-a", 300*time.Millisecond); err != nil || n != 2 {
			t.Fatalf("renewed %d, %v", n, err)
		}
		if got, err := st.TakeOverQuestions(ctx, "replica-b", time.Minute, 10); err != nil || len(got) != 0 {
			t.Fatalf("taken over while renewed: %v, %v", got, err)
		}
	}
	time.Sleep(400 * time.Millisecond)
	got, err := st.TakeOverQuestions(ctx, "replica-a", time.Minute, 1)
	if err != nil || len(got) != 1 || got[0].Generation != 1 {
		t.Fatalf("taken over by its own replica, one at most: %v, %v", got, err)
	}
	if err := st.MarkQuestionPosting(ctx, got[0].Key, "replica-a", 0, time.Minute); !errors.Is(err, postgres.ErrQuestionLost) {
		t.Errorf("the claim before the takeover still posts: %v", err)
	}
}

// holdOne stores one question, as HoldQuestions stores a burst.
func holdOne(st *postgres.Store, key string, payload []byte, holder string, lease time.Duration) (bool, error) {
	got, err := st.HoldQuestions(context.Background(), []string{key}, []string{string(payload)}, holder, lease)
	return got[key], err
}

// TestBurstHeldInOneStatement: a burst of questions is stored at once;
// those stored before, by this replica or another, are not stored again.
func TestBurstHeldInOneStatement(t *testing.T) {
	t.Parallel()
	st := server.Store(t)
	ctx := context.Background()
	if ok, err := holdOne(st, "Ev0BURST002", []byte(`{"text":"4500012345"}`), "replica-b", time.Minute); err != nil || !ok {
		t.Fatalf("hold: %v, %v", ok, err)
	}
	keys := []string{"Ev0BURST001", "Ev0BURST002", postgres.CommandKey("1700000800.47445629121.bb"), "Ev0BURST004"}
	payloads := []string{`{"text":"où en est la 4500012345 ?"}`, `{"text":"4500012345"}`, `{"command":true,"text":"Dupré"}`, `{"text":"et l'avoir ?"}`}
	got, err := st.HoldQuestions(ctx, keys, payloads, "replica-a", time.Minute)
	if err != nil || len(got) != 3 || !got["Ev0BURST001"] || got["Ev0BURST002"] || !got[keys[2]] || !got["Ev0BURST004"] {
		t.Errorf("held %v, %v; want all but the one held before", got, err)
	}
	if n, err := st.RenewQuestions(ctx, "replica-a", time.Minute); err != nil || n != 3 {
		t.Errorf("replica-a holds %d, %v; want 3", n, err)
	}
}
