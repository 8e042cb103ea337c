package understand_test

import (
	"strings"
	"testing"

	"github.com/orderbot/orderbot/bot/understand"
)

// minAccuracy is the share of the evaluation set the deterministic reading
// must get right.
const minAccuracy = 0.97

func TestEvaluationSet(t *testing.T) {
	cases, err := understand.EvalSet()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 250 {
		t.Fatalf("the evaluation set has %d messages, want at least 250", len(cases))
	}
	p, err := understand.New("")
	if err != nil {
		t.Fatal(err)
	}
	r := understand.Evaluate(cases, func(text string) understand.Question { return p.Parse(text) })
	var b strings.Builder
	r.Print(&b, true)
	t.Log("\n" + b.String())
	if r.Accuracy() < minAccuracy {
		t.Errorf("accuracy %.1f%%, want at least %.0f%%", 100*r.Accuracy(), 100*minAccuracy)
	}
}
