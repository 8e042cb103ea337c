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
// each with the reading a colleague would give it, written by people who
// had not seen the parser (heldout.jsonl after the parser was tuned on
// eval.jsonl; kinds.jsonl before the parser learnt several numbers,
// scopes, reasons in the portfolio's words, follow-ups and languages;
// fresh.jsonl, with new names and wordings, after it had learnt them on
// kinds.jsonl, to see how well that held).
// portfolio.json describes the portfolio they speak of, as the store
// describes its own to build a Vocabulary.
//
//go:embed testdata/eval.jsonl testdata/heldout.jsonl testdata/kinds.jsonl testdata/fresh.jsonl testdata/portfolio.json
var evalSets embed.FS

// evalFiles are the evaluation sets, in the order they are read.
var evalFiles = [...]string{"eval.jsonl", "heldout.jsonl", "kinds.jsonl", "fresh.jsonl"}

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
	// Numbers and Names list every order number or customer expected, in
	// order. When a case gives Number or Name alone, the reading must
	// hold that one and no other.
	Numbers []string `json:"numbers,omitempty"`
	Names   []string `json:"names,omitempty"`
	// Scope is checked when given; "none" expects no scope.
	Scope  string `json:"scope,omitempty"`
	Person string `json:"person,omitempty"`
	Role   string `json:"role,omitempty"`
	// Reason is the portfolio's words for the block reason asked about.
	Reason string `json:"reason,omitempty"`
	// FollowUp is checked when given. After is the previous message of
	// the conversation: it is read first, and the case's message as its
	// follow-up (see Question.Follow).
	FollowUp string `json:"followup,omitempty"`
	After    string `json:"after,omitempty"`
	// Lang, when present, is the language the message is written in; ""
	// expects none (the words do not tell).
	Lang *string `json:"lang,omitempty"`
	// Kind is the kind of question the case tests, for the report:
	// several, notnumber, scope, reason, names, followup, prefix,
	// language. Empty for the first sets.
	Kind string `json:"kind,omitempty"`
}

// EvalSet returns the evaluation set built into orderbot.
func EvalSet() ([]Case, error) {
	var all []Case
	for _, name := range evalFiles {
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

// EvalVocabulary returns the vocabulary of the portfolio the evaluation
// sets speak of (testdata/portfolio.json), as the store would build it.
func EvalVocabulary() (*Vocabulary, error) {
	b, err := evalSets.ReadFile("testdata/portfolio.json")
	if err != nil {
		return nil, err
	}
	var src VocabularySource
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&src); err != nil {
		return nil, fmt.Errorf("portfolio.json: %w", err)
	}
	return NewVocabulary(src), nil
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
	numbers, names := c.Numbers, c.Names
	if numbers == nil && c.Number != "" {
		numbers = []string{c.Number}
	}
	if names == nil && c.Name != "" {
		names = []string{c.Name}
	}
	switch {
	case numbers != nil && !sameList(orNone(q.Numbers, q.Number), numbers, orders.NumberKey):
		return false, fmt.Sprintf("numbers %q, want %q", orNone(q.Numbers, q.Number), numbers)
	case names != nil && !sameList(orNone(q.CustomerNames, q.CustomerName), names, nameKey):
		return false, fmt.Sprintf("customers %q, want %q", orNone(q.CustomerNames, q.CustomerName), names)
	case c.Code != "" && orders.NumberKey(q.CustomerCode) != orders.NumberKey(c.Code):
		return false, fmt.Sprintf("customer code %q, want %q", q.CustomerCode, c.Code)
	case c.Ref != "" && refKey(q.Ref) != refKey(c.Ref):
		return false, fmt.Sprintf("reference %q, want %q", q.Ref, c.Ref)
	case c.Blocked != nil && q.Blocked != *c.Blocked:
		return false, fmt.Sprintf("blocked %v, want %v", q.Blocked, *c.Blocked)
	case c.Status != "" && string(q.Status) != c.Status:
		return false, fmt.Sprintf("status %q, want %q", q.Status, c.Status)
	case c.Scope != "" && string(q.Scope) != strings.TrimPrefix(c.Scope, "none"):
		return false, fmt.Sprintf("scope %q, want %q", q.Scope, c.Scope)
	case c.Person != "" && nameKey(q.Person) != nameKey(c.Person):
		return false, fmt.Sprintf("person %q, want %q", q.Person, c.Person)
	case c.Role != "" && string(q.PersonRole) != c.Role:
		return false, fmt.Sprintf("person's role %q, want %q", q.PersonRole, c.Role)
	case c.Reason != "" && nameKey(q.Reason) != nameKey(c.Reason):
		return false, fmt.Sprintf("reason %q, want %q", q.Reason, c.Reason)
	case c.FollowUp != "" && string(q.FollowUp) != c.FollowUp:
		return false, fmt.Sprintf("follow-up %q, want %q", q.FollowUp, c.FollowUp)
	case c.Lang != nil && string(q.Lang) != *c.Lang:
		return false, fmt.Sprintf("language %q, want %q", q.Lang, *c.Lang)
	}
	return true, ""
}

// orNone returns list, or one as a list when list is empty and one is
// not: readers that know only the first value are scored on it.
func orNone(list []string, one string) []string {
	if len(list) == 0 && one != "" {
		return []string{one}
	}
	return list
}

// sameList reports whether got and want hold the same values in the same
// order, compared by key.
func sameList(got, want []string, key func(string) string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if key(got[i]) != key(want[i]) {
			return false
		}
	}
	return true
}

// nameKey is how two spellings of a name are compared: folded, a
// possessive glued ("Trail's", "trails"), legal forms ("GmbH", "S.A.", "Ets")
// and single letters aside, articles at either end aside.
func nameKey(s string) string {
	var w []string
	for _, x := range strings.Fields(Fold(possessive.ReplaceAllString(s, "${1}s"))) {
		if !companyForms[x] && len(x) > 1 {
			w = append(w, x)
		}
	}
	for len(w) > 0 && nameInside[w[0]] {
		w = w[1:]
	}
	for len(w) > 0 && nameInside[w[len(w)-1]] {
		w = w[:len(w)-1]
	}
	return strings.Join(w, " ")
}

// companyForms are the words a company's name may carry or not, as its
// writer pleases: legal forms and "Établissements".
var companyForms = words(`sa sas sarl sasu eurl snc sci gmbh ag kg ltd ltda inc corp co cie llc plc bv nv spa srl hb ab oy
	ets etablissements etablissement`)

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
	ByKind       map[string][2]int // right, total, for the cases that name their kind
	// ByLang counts the messages by language: the one a case gives, or
	// the one read.
	ByLang map[orders.Language]int
	Misses []Miss
}

// Accuracy is the share of cases read right, 0 to 1.
func (r Report) Accuracy() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Right) / float64(r.Total)
}

// Evaluate reads every case with read and scores the readings. A case
// with a previous message (After) is read as its follow-up: both are
// read, the case's message continuing the previous one.
func Evaluate(cases []Case, read func(text string) Question) Report {
	r := Report{ByIntent: map[Intent][2]int{}, ByKind: map[string][2]int{}, ByLang: map[orders.Language]int{}}
	for _, c := range cases {
		q := read(c.Text)
		if c.After != "" {
			q = q.Follow(read(c.After))
		}
		if c.Lang != nil {
			r.ByLang[orders.Language(*c.Lang)]++
		} else {
			r.ByLang[q.Lang]++
		}
		ok, why := c.Check(q)
		s, k := r.ByIntent[c.Intent], r.ByKind[c.Kind]
		s[1]++
		k[1]++
		r.Total++
		if ok {
			s[0]++
			k[0]++
			r.Right++
		} else {
			r.Misses = append(r.Misses, Miss{Case: c, Got: q, Why: why})
		}
		r.ByIntent[c.Intent] = s
		if c.Kind != "" {
			r.ByKind[c.Kind] = k
		}
	}
	return r
}

// Kinds returns the kinds of question the evaluation sets name, in the
// order reports list them.
func Kinds() []string {
	return []string{"several", "notnumber", "scope", "reason", "names", "followup", "prefix", "language"}
}

// Print writes the report: accuracy per intent, per kind of question,
// overall, and each miss when verbose.
func (r Report) Print(w io.Writer, verbose bool) {
	line := func(name string, s [2]int) {
		fmt.Fprintf(w, "%-14s %4d/%-4d %7.1f%%\n", name, s[0], s[1], 100*float64(s[0])/float64(s[1]))
	}
	fmt.Fprintf(w, "%-14s %9s %8s\n", "intent", "right", "accuracy")
	for _, in := range Intents() {
		if s, ok := r.ByIntent[in]; ok {
			line(string(in), s)
		}
	}
	if len(r.ByKind) > 0 {
		fmt.Fprintf(w, "%-14s\n", "kind")
		for _, k := range Kinds() {
			if s, ok := r.ByKind[k]; ok {
				line(k, s)
			}
		}
	}
	line("overall", [2]int{r.Right, r.Total})
	fmt.Fprintf(w, "%d messages in French, %d in English, %d in neither\n", r.ByLang[orders.French], r.ByLang[orders.English], r.ByLang[""])
	if verbose {
		for _, m := range r.Misses {
			fmt.Fprintf(w, "%s:%d: %q: %s (read %s)\n", m.Case.File, m.Case.Line, m.Case.Text, m.Why, m.Got)
		}
	}
}
