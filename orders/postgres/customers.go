package postgres

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// DefaultMatchLimit is how many candidates a name search returns when the
// caller sets no limit.
const DefaultMatchLimit = 8

// CustomerByCode returns the customer whose ERP code is code, typed loosely
// (case, spaces, punctuation and padding zeros do not count).
func (s *Store) CustomerByCode(ctx context.Context, code string) (orders.Customer, error) {
	key := orders.NumberKey(code)
	var c orders.Customer
	err := s.db.QueryRow(ctx, `SELECT id, code, name FROM customers WHERE code_key = $1
		ORDER BY code = $2 DESC, id LIMIT 1`, key, strings.TrimSpace(code)).Scan(&c.ID, &c.Code, &c.Name)
	if err != nil {
		return c, notFound(err, "no customer with the code %q", code)
	}
	return c, nil
}

// customerSearch finds customers by name, in one statement. The query ($1)
// is normalised and cut into words; each word of three letters or more is
// matched against the dictionary of the words of all names, nearest first by
// trigram distance, so that "boulangeire" finds "boulangerie" and "benrad"
// "benard"; the customers holding a match of every such word (or of any, in
// the loosest scope) come through a full-text index, and are ranked: names
// holding every word as typed first, then by word similarity to the query,
// then by similarity of the whole name, which ranks "Dupré SA" above
// "Boulangerie Dupré & Fils" for "Dupré". A word typed as it is written in
// some name is taken as meant; only a word no name holds is read as a typo.
// The candidates holding the words are taken shortest name first (or, when
// any of the words will do, those holding the most first), as many as
// maxCandidates: for a word as common as "boulangerie" the list is for the
// asker to choose from anyway. $2 is the lowest score kept, $3
// how many candidates come back. The first %s selects the customers searched
// and the way words combine, the second orders them for the cut, the third
// adds other candidates.
const customerSearch = `WITH query AS (
	SELECT orderbot_normalize($1) AS q
), near AS (
	SELECT typed.i, array_agg(w.word ORDER BY w.d) AS words
	FROM query, unnest(string_to_array(query.q, ' ')) WITH ORDINALITY AS typed(word, i)
	JOIN LATERAL (
		SELECT word, d FROM (
			SELECT word, d, bool_or(word = typed.word) OVER () AS known FROM (
				SELECT word, word <-> typed.word AS d FROM customer_words
				ORDER BY word <-> typed.word LIMIT ` + nearWords + `
			) k
		) nearest
		WHERE (word = typed.word OR NOT known) AND d <= ` + maxWordDistance + ` AND word ~ '^[a-z0-9]+$'
	) w ON true
	WHERE length(typed.word) >= 3 AND typed.word ~ '^[a-z0-9]+$'
	GROUP BY typed.i
), words AS (
	SELECT string_agg('(' || array_to_string(words, ' | ') || ')', ' & ')::tsquery AS every_word,
		string_agg(array_to_string(words, ' | '), ' | ')::tsquery AS any_word
	FROM near
), candidates AS (
	(SELECT id, code, name, open_orders, name_norm FROM customers WHERE %s
	ORDER BY %s LIMIT ` + maxCandidates + `)
	%s
)
SELECT id, code, name, open_orders, score, exact FROM (
	SELECT id, code, name, open_orders,
		word_similarity(query.q, name_norm) AS score,
		string_to_array(query.q, ' ') <@ string_to_array(name_norm, ' ') AS exact,
		similarity(query.q, name_norm) AS whole
	FROM candidates, query
) ranked
WHERE score >= $2
ORDER BY exact DESC, score DESC, whole DESC, name, id
LIMIT $3`

// How loosely a typed word may match a word of the names: among its nearest
// words, those within this trigram distance (1 - similarity). A transposed
// pair of letters ("benrad") is about 0.73 from the right word.
const (
	nearWords       = "8"
	maxWordDistance = "0.76"
	maxCandidates   = "300"
)

// searchScope is where one pass of the name search looks.
type searchScope int

const (
	// openScope: customers with open orders holding every word, and any
	// customer whose name is exactly what was typed (also the only way to
	// find a name without a Latin letter or digit).
	openScope searchScope = iota
	// allScope: all customers holding every word.
	allScope
	// looseScope: all customers holding any of the words.
	looseScope
)

// customerSearchSQL is customerSearch for scope.
func customerSearchSQL(scope searchScope) string {
	switch scope {
	case openScope:
		return fmt.Sprintf(customerSearch, `has_open AND name_tsv @@ (SELECT every_word FROM words)`, `length(name_norm)`,
			`UNION SELECT id, code, name, open_orders, name_norm FROM customers, query
	WHERE name_norm = query.q`)
	case allScope:
		return fmt.Sprintf(customerSearch, `name_tsv @@ (SELECT every_word FROM words)`, `length(name_norm)`, "")
	}
	// Holding more of the words comes first.
	return fmt.Sprintf(customerSearch, `name_tsv @@ (SELECT any_word FROM words)`,
		`ts_rank_cd(name_tsv, (SELECT any_word FROM words)) DESC, length(name_norm)`, "")
}

// CustomersByName returns the customers whose name best matches name, best
// first, ignoring accents, case and punctuation and tolerating typos. Each
// candidate's Score tells how well it matched; orders.ClearMatch decides
// whether the first is clearly the one meant. Customers with open orders are
// searched first, because they are what people ask about; all customers are
// searched only when none of those matches well, and for any of the words
// typed only when no customer holds them all.
func (s *Store) CustomersByName(ctx context.Context, name string, limit int) ([]orders.CustomerMatch, error) {
	if strings.TrimSpace(name) == "" {
		return nil, orders.Errorf(orders.EInvalid, "a customer name is needed")
	}
	if limit <= 0 {
		limit = DefaultMatchLimit
	}
	var found []orders.CustomerMatch
	for _, scope := range []searchScope{openScope, allScope, looseScope} {
		more, err := s.searchCustomers(ctx, scope, name, limit)
		if err != nil {
			return nil, err
		}
		found = mergeMatches(found, more, limit)
		good := len(found) > 0 && (found[0].ExactWords || found[0].Score >= orders.ClearMatchScore)
		if good || (scope == allScope && len(found) > 0) {
			// Good candidates, even several (the asker then chooses), or
			// customers holding every word typed: no need to look further.
			break
		}
	}
	return found, nil
}

func (s *Store) searchCustomers(ctx context.Context, scope searchScope, name string, limit int) ([]orders.CustomerMatch, error) {
	rows, err := s.db.Query(ctx, customerSearchSQL(scope), name, orders.MinMatchScore, limit)
	if err != nil {
		return nil, fmt.Errorf("search customers by name: %w", err)
	}
	matches, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.CustomerMatch, error) {
		var m orders.CustomerMatch
		var score float32
		err := r.Scan(&m.ID, &m.Code, &m.Name, &m.OpenOrders, &score, &m.ExactWords)
		m.Score = float64(score)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("search customers by name: %w", err)
	}
	return matches, nil
}

// mergeMatches joins two ranked candidate lists without duplicates, best
// first; at equal scores customers with open orders come first.
func mergeMatches(a, b []orders.CustomerMatch, limit int) []orders.CustomerMatch {
	seen := map[int64]bool{}
	var out []orders.CustomerMatch
	for _, m := range append(append([]orders.CustomerMatch{}, a...), b...) {
		if !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ExactWords != out[j].ExactWords {
			return out[i].ExactWords
		}
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].OpenOrders > 0 && out[j].OpenOrders == 0
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// CustomerByID returns the customer whose id is id: the one a person chose
// from a list of candidates.
func (s *Store) CustomerByID(ctx context.Context, id int64) (orders.Customer, error) {
	var c orders.Customer
	err := s.db.QueryRow(ctx, `SELECT id, code, name FROM customers WHERE id = $1`, id).Scan(&c.ID, &c.Code, &c.Name)
	if err != nil {
		return c, notFound(err, "no customer %d", id)
	}
	return c, nil
}
