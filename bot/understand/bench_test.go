package understand_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/internal/benchdata"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/sample"
)

// The understanding benchmarks read questions as people type them over a
// portfolio of the size SPEC.md §5 names: 100,000 customers, 650 people,
// and 100,000 distinct block reasons (far more than an ERP writes, to show
// that the size of the vocabulary does not matter). Target: p99 < 1 ms.
//
//	go test -run '^$' -bench Understand -benchtime 20000x ./bot/understand/

// largeSource returns the vocabulary source of a large portfolio and the
// questions people ask about it.
func largeSource(b *testing.B) (understand.VocabularySource, []string) {
	b.Helper()
	cfg := sample.DefaultGenConfig()
	cfg.Now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	g, err := sample.NewGenerator(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var src understand.VocabularySource
	r := rand.New(rand.NewPCG(3, 5))
	for range 10_000 {
		src.Numbers = append(src.Numbers, g.OrderNumber(r.IntN(cfg.Orders)))
	}
	var words []string
	for _, c := range g.Customers() {
		src.Customers = append(src.Customers, c.Name)
		if len(words) < 5000 {
			words = append(words, strings.Fields(c.Name)...)
		}
	}
	for _, p := range g.People() {
		src.People = append(src.People, understand.PersonName{Name: p.Name, Role: p.Role})
	}
	words = append(words, strings.Fields(`référence client manquante factures échues impayées encours dépassé
		adresse livraison incomplète créneau confirmer quai fermé documents douaniers compléter missing customer
		reference overdue invoices credit limit exceeded customs delivery slot dock closed awaiting stock supplier`)...)
	kinds := []orders.Status{orders.StatusAnomaly, orders.StatusCreditLimit, orders.StatusDeliveryBlock,
		orders.StatusFinancialBlock, orders.StatusOutOfStock}
	for i := range 100_000 {
		n := 2 + r.IntN(6)
		w := make([]string, n)
		for j := range w {
			w[j] = words[r.IntN(len(words))]
		}
		src.Reasons = append(src.Reasons, understand.ReasonText{Kind: kinds[i%len(kinds)], Text: strings.Join(w, " ") + fmt.Sprintf(" %d", i), Orders: 1 + r.IntN(50)})
	}
	var qs []string
	cases, err := understand.EvalSet()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		qs = append(qs, c.Text)
	}
	customers := g.Customers()
	name := func() string { return benchdata.Mangle(r, customers[r.IntN(len(customers))].Name) }
	number := func() string { return g.OrderNumber(r.IntN(cfg.Orders)) }
	reason := func() string {
		w := strings.Fields(src.Reasons[r.IntN(len(src.Reasons))].Text)
		return strings.Join(w[:min(len(w)-1, 3)], " ")
	}
	for range 1000 {
		qs = append(qs,
			"où en est la cde "+number()+" ?",
			"status of "+number()+", "+number()+" and "+number(),
			"commandes de "+name(),
			"orders for "+name()+" and "+name()+" pls",
			name()+" : des cdes bloquées ?",
			"cdes bloquées pour "+reason(),
			"what about "+name()+"?",
			"la "+number()+" doit être livrée au 75008 Paris, tél 06 12 34 56 78",
		)
	}
	return src, qs
}

// BenchmarkUnderstand reads questions without a vocabulary, and with the
// vocabulary of a large portfolio, reporting latency percentiles.
func BenchmarkUnderstand(b *testing.B) {
	src, qs := largeSource(b)
	large := understand.NewVocabulary(src)
	for _, tc := range []struct {
		name string
		v    *understand.Vocabulary
	}{
		{"no-vocabulary", nil},
		{"100k-customers-100k-reasons", large},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p, err := understand.NewWith(understand.Options{Vocabulary: tc.v})
			if err != nil {
				b.Fatal(err)
			}
			benchdata.Measure(b, qs, func(q string) error {
				p.Parse(q)
				return nil
			})
		})
	}
}

// BenchmarkNewVocabulary builds the vocabulary of a large portfolio, as
// after each import.
func BenchmarkNewVocabulary(b *testing.B) {
	src, _ := largeSource(b)
	b.ResetTimer()
	for range b.N {
		understand.NewVocabulary(src)
	}
}
