package understand_test

import (
	"strings"
	"testing"

	"github.com/orderbot/orderbot/bot/understand"
)

// minAccuracy is the share of the evaluation set the deterministic reading
// must get right, with the portfolio's vocabulary as orderbot has it after
// an import.
const minAccuracy = 0.98

// minAccuracyBare is the share it must get right without any vocabulary,
// as before the first import.
const minAccuracyBare = 0.90

func TestEvaluationSet(t *testing.T) {
	cases, err := understand.EvalSet()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 600 {
		t.Fatalf("the evaluation set has %d messages, want at least 600", len(cases))
	}
	v, err := understand.EvalVocabulary()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		v    *understand.Vocabulary
		min  float64
	}{
		{"with the portfolio's vocabulary", v, minAccuracy},
		{"without a vocabulary", nil, minAccuracyBare},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := understand.NewWith(understand.Options{Vocabulary: tc.v})
			if err != nil {
				t.Fatal(err)
			}
			r := understand.Evaluate(cases, p.Parse)
			var b strings.Builder
			r.Print(&b, true)
			t.Log("\n" + b.String())
			if r.Accuracy() < tc.min {
				t.Errorf("accuracy %.1f%%, want at least %.0f%%", 100*r.Accuracy(), 100*tc.min)
			}
		})
	}
}
