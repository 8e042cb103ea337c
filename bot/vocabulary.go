package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orderbot/orderbot/bot/understand"
)

// The reading of questions knows the portfolio's own words (the shapes of
// its order numbers, its block reasons, its customers' and people's names)
// from a vocabulary built from the store. Building it takes a moment (some
// 0.6 s at 100,000 customers), so no question waits for it: it is built
// once at start (LoadVocabulary), then again in the background whenever
// an answer reading the data's age sees a new import run.

// The most of each thing the vocabulary is built from.
const (
	vocabularyNumbers   = 10000  // a sample tells the numbers' shapes
	vocabularyReasons   = 50000  // distinct reasons, the most frequent first
	vocabularyCustomers = 200000 // past the largest portfolios of SPEC.md
	vocabularyItems     = 50000  // distinct items short, the most wanted first
)

// vocabularyEvery is the least time between two builds: an ERP pushing
// orders through the API makes an import run each time.
const vocabularyEvery = time.Minute

// vocabularyTimeout bounds a build in the background.
const vocabularyTimeout = time.Minute

// vocabState is where the vocabulary in use stands.
type vocabState struct {
	run      int64     // the import run it was built after; -1 before any
	building bool      // a build runs in the background
	started  time.Time // when the last build in the background started
}

// LoadVocabulary builds the reading's vocabulary from the store and puts
// it in use. Call it at start, so that the first questions are read with
// the portfolio's words; answers then notice imports and rebuild it in the
// background.
func (a *Answerer) LoadVocabulary(ctx context.Context) error {
	_, _, run, err := a.store.DataVersion(ctx)
	if err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	return a.buildVocabulary(ctx, run)
}

// buildVocabulary builds the vocabulary of the store as of import run
// run, and puts it in use.
func (a *Answerer) buildVocabulary(ctx context.Context, run int64) error {
	src, err := vocabularySource(ctx, a.store)
	if err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	a.parser.SetVocabulary(understand.NewVocabulary(src))
	a.mu.Lock()
	a.vocab.run = max(a.vocab.run, run)
	a.mu.Unlock()
	return nil
}

// refreshVocabulary starts building the vocabulary in the background when
// run, the last import run seen at now, is newer than the one it was
// built after; unless a build runs, or the last one started less than
// vocabularyEvery ago (the next answer that reads the data's age will
// see the run again).
func (a *Answerer) refreshVocabulary(ctx context.Context, run int64, now time.Time) {
	a.mu.Lock()
	v := &a.vocab
	due := run > v.run && !v.building && (v.started.IsZero() || now.Sub(v.started) >= vocabularyEvery || now.Before(v.started))
	if due {
		v.building, v.started = true, now
	}
	a.mu.Unlock()
	if !due {
		return
	}
	a.builds.Add(1)
	go func() {
		defer a.builds.Done()
		// The question that noticed the import is answered: the build is
		// not cut short with it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), vocabularyTimeout)
		defer cancel()
		err := a.buildVocabulary(ctx, run)
		a.mu.Lock()
		a.vocab.building = false
		a.mu.Unlock()
		if err != nil {
			a.opt.Log.Warn("the vocabulary of questions is not rebuilt; the next answer retries", "err", err)
		}
	}()
}

// vocabularySource reads what the vocabulary is built from.
func vocabularySource(ctx context.Context, st VocabularyStore) (understand.VocabularySource, error) {
	var src understand.VocabularySource
	var err error
	if src.Numbers, err = st.RecentNumbers(ctx, vocabularyNumbers); err != nil {
		return src, err
	}
	reasons, err := st.BlockReasons(ctx, vocabularyReasons)
	if err != nil {
		return src, err
	}
	for kind, texts := range reasons {
		for text, n := range texts {
			src.Reasons = append(src.Reasons, understand.ReasonText{Kind: kind, Text: text, Orders: n})
		}
	}
	// The same vocabulary from the same data, whatever the maps' order.
	slices.SortFunc(src.Reasons, func(x, y understand.ReasonText) int {
		return cmp.Or(cmp.Compare(y.Orders, x.Orders), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Text, y.Text))
	})
	if src.Customers, err = st.CustomerNames(ctx, vocabularyCustomers); err != nil {
		return src, err
	}
	items, err := st.ShortItems(ctx, vocabularyItems)
	if err != nil {
		return src, err
	}
	for _, l := range items {
		src.Items = append(src.Items, understand.ItemName{Code: l.Item, Description: l.Description})
	}
	people, err := st.Directory(ctx)
	if err != nil {
		return src, err
	}
	for _, p := range people {
		src.People = append(src.People, understand.PersonName{Name: p.Name, Role: p.Role})
	}
	return src, nil
}
