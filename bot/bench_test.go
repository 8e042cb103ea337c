package bot_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/benchdata"
	"github.com/orderbot/orderbot/orders/postgres"
)

// The question benchmarks (make bench) answer questions end to end over the
// full-scale generated portfolio: understanding, access, the store, the
// question log and Slack rendering. PostgreSQL's raw figures for the same
// lookups are the store benchmarks' pgbench sub-benchmarks.

var benchPortfolio benchdata.Loader

func benchAnswerer(b *testing.B) (*benchdata.Data, *bot.Answerer, bot.Asker, func()) {
	d := benchPortfolio.Get(b, server)
	var email string
	if err := d.Store.Pool().QueryRow(context.Background(), `SELECT email FROM people WHERE role = 'rep' AND email IS NOT NULL
		ORDER BY id LIMIT 1`).Scan(&email); err != nil {
		b.Fatal(err)
	}
	p, err := understand.New("")
	if err != nil {
		b.Fatal(err)
	}
	log := postgres.NewQuestionLog(d.Store, func(err error) { b.Error(err) })
	a := bot.New(d.Store, p, log, bot.Options{Access: bot.AccessAll})
	// The portfolio's vocabulary, as at start: no build in the background
	// while the questions are timed.
	if err := a.LoadVocabulary(context.Background()); err != nil {
		b.Fatal(err)
	}
	return d, a, bot.Asker{Email: email, Transport: "bench"}, log.Close
}

func benchQuestions(b *testing.B, questions []string, want bot.Kind) {
	d, a, who, done := benchAnswerer(b)
	_ = d
	defer done()
	r := render.New(render.Options{})
	ctx := context.Background()
	benchdata.Measure(b, questions, func(q string) error {
		ans, err := a.Ask(ctx, who, q)
		if err != nil {
			return err
		}
		if want != "" && ans.Kind != want {
			b.Fatalf("%q: %s, want %s", q, ans, want)
		}
		_, err = json.Marshal(r.Slack(ans))
		return err
	})
}

// BenchmarkQuestionOrderNumber: "où en est la cde N ?" answered and
// rendered for Slack, over 2,000,000 orders (target p99 ≤ 3 ms).
func BenchmarkQuestionOrderNumber(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	qs := make([]string, len(d.Numbers))
	for i, n := range d.Numbers {
		qs[i] = "où en est la cde " + n + " stp ?"
	}
	benchQuestions(b, qs, bot.OrderFound)
}

// BenchmarkQuestionCustomerName: "commandes de NAME" answered and rendered
// for Slack, over 100,000 customers (target p99 ≤ 20 ms).
func BenchmarkQuestionCustomerName(b *testing.B) {
	d := benchPortfolio.Get(b, server)
	qs := make([]string, len(d.Names))
	for i, n := range d.Names {
		qs[i] = "commandes de " + n
	}
	benchQuestions(b, qs, "")
}
