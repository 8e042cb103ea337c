package understand

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/orderbot/orderbot/orders"
)

// evalSets are the evaluation sets: messages as sales people write them,
// each with the reading a colleague would give it, written by two people
// who had not seen the parser (heldout.jsonl after the parser was tuned on
// eval.jsonl).
//
//go:embed testdata/eval.jsonl testdata/heldout.jsonl
var evalSets embed.FS

// Case is one message of the evaluation set and its expected reading.
type Case struct {
	File   string `json:"-"`
	Line   int    `json:"-"`
	Text   string `json:"text"`
	Intent Intent `json:"intent"`
	Number string `json:"number,omitempty"`
	Name   string `json:"name,omitempty"`
	Code   string `json:"code,omitempty"`
	Ref    string `json:"ref,omitempty"`
	// Blocked and Status are checked only when the case gives them.
	Blocked *bool  `json:"blocked,omitempty"`
	Status  string `json:"status,omitempty"`
}

// EvalSet returns the evaluation set built into orderbot.
func EvalSet() ([]Case, error) {
	var all []Case
	for _, name := range []string{"eval.jsonl", "heldout.jsonl"} {
		b, err := evalSets.ReadFile("testdata/" + name)
		if err != nil {
			return nil, err
		}
		cases, err := ReadCases(name, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		all = append(all, cases...)
	}
	return all, nil
}

// ReadCases reads an evaluation set named file: one JSON object a line.
func ReadCases(file string, r io.Reader) ([]Case, error) {
	var out []Case
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var c Case
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
		c.File, c.Line = file, n
		out = append(out, c)
	}
	return out, sc.Err()
}

// Check tells whether q is the reading c expects, and if not, why.
func (c Case) Check(q Question) (bool, string) {
	if q.Intent != c.Intent {
		return false, fmt.Sprintf("intent %s, want %s", q.Intent, c.Intent)
	}
	switch {
	case c.Number != "" && orders.NumberKey(q.Number) != orders.NumberKey(c.Number):
		return false, fmt.Sprintf("number %q, want %q", q.Number, c.Number)
	case c.Name != "" && nameKey(q.CustomerName) != nameKey(c.Name):
		return false, fmt.Sprintf("customer %q, want %q", q.CustomerName, c.Name)
	case c.Code != "" && orders.NumberKey(q.CustomerCode) != orders.NumberKey(c.Code):
		return false, fmt.Sprintf("customer code %q, want %q", q.CustomerCode, c.Code)
	case c.Ref != "" && refKey(q.Ref) != refKey(c.Ref):
		return false, fmt.Sprintf("reference %q, want %q", q.Ref, c.Ref)
	case c.Blocked != nil && q.Blocked != *c.Blocked:
		return false, fmt.Sprintf("blocked %v, want %v", q.Blocked, *c.Blocked)
	case c.Status != "" && string(q.Status) != c.Status:
		return false, fmt.Sprintf("status %q, want %q", q.Status, c.Status)
	}
	return true, ""
}

// nameKey is how two spellings of a name are compared: folded, articles
// at either end aside.
func nameKey(s string) string {
	w := strings.Fields(Fold(s))
	for len(w) > 0 && nameInside[w[0]] {
		w = w[1:]
	}
	for len(w) > 0 && nameInside[w[len(w)-1]] {
		w = w[:len(w)-1]
	}
	return strings.Join(w, " ")
}

// refKey compares references: "PO-7781", "PO 7781" and "7781" are one.
func refKey(s string) string {
	k := orders.NumberKey(s)
	for _, p := range []string{"PO", "BC"} {
		if strings.HasPrefix(k, p) && len(k) > len(p) && k[len(p)] >= '0' && k[len(p)] <= '9' {
			return k[len(p):]
		}
	}
	return k
}

// Miss is a case read wrongly.
type Miss struct {
	Case Case
	Got  Question
	Why  string
}

// Report is how well a reader did over an evaluation set.
type Report struct {
	Total, Right int
	ByIntent     map[Intent][2]int // right, total
	Misses       []Miss
}

// Accuracy is the share of cases read right, 0 to 1.
func (r Report) Accuracy() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Right) / float64(r.Total)
}

// Evaluate reads every case with read and scores the readings.
func Evaluate(cases []Case, read func(text string) Question) Report {
	r := Report{ByIntent: map[Intent][2]int{}}
	for _, c := range cases {
		q := read(c.Text)
		ok, why := c.Check(q)
		s := r.ByIntent[c.Intent]
		s[1]++
		r.Total++
		if ok {
			s[0]++
			r.Right++
		} else {
			r.Misses = append(r.Misses, Miss{Case: c, Got: q, Why: why})
		}
		r.ByIntent[c.Intent] = s
	}
	return r
}

// Print writes the report: accuracy per intent, overall, and each miss
// when verbose.
func (r Report) Print(w io.Writer, verbose bool) {
	intents := Intents()
	fmt.Fprintf(w, "%-14s %8s %8s\n", "intent", "right", "accuracy")
	for _, in := range intents {
		s, ok := r.ByIntent[in]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%-14s %4d/%-4d %7.1f%%\n", in, s[0], s[1], 100*float64(s[0])/float64(s[1]))
	}
	fmt.Fprintf(w, "%-14s %4d/%-4d %7.1f%%\n", "overall", r.Right, r.Total, 100*r.Accuracy())
	if verbose {
		for _, m := range r.Misses {
			fmt.Fprintf(w, "%s:%d: %q: %s (read %s)\n", m.Case.File, m.Case.Line, m.Case.Text, m.Why, m.Got)
		}
	}
}
