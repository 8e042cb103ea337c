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

// customerSearch is the nearest-first trigram search over one of the two name
// indexes. Candidates are taken by word similarity (the query's words found
// inside the name, typos allowed), then ranked: names holding every word
// typed first, then by word similarity, with the similarity of the whole name
// as tie-break so that "Dupré" ranks "Dupré SA" above "Boulangerie Dupré &
// Fils".
const customerSearch = `SELECT id, code, name, open_orders, score, exact FROM (
	SELECT id, code, name, open_orders,
		word_similarity(orderbot_normalize($1), name_norm) AS score,
		string_to_array(orderbot_normalize($1), ' ') <@ string_to_array(name_norm, ' ') AS exact,
		similarity(orderbot_normalize($1), name_norm) AS whole
	FROM customers
	WHERE %s
	ORDER BY name_norm <->> orderbot_normalize($1)
	LIMIT $2
) nearest
WHERE score >= $3
ORDER BY exact DESC, score DESC, whole DESC, name, id`

// CustomersByName returns the customers whose name best matches name, best
// first, ignoring accents, case and punctuation and tolerating typos. Each
// candidate's Score tells how well it matched; orders.ClearMatch decides
// whether the first is clearly the one meant. Customers with open orders are
// searched first, because they are what people ask about; all customers are
// searched only when none of those matches clearly.
func (s *Store) CustomersByName(ctx context.Context, name string, limit int) ([]orders.CustomerMatch, error) {
	if strings.TrimSpace(name) == "" {
		return nil, orders.Errorf(orders.EInvalid, "a customer name is needed")
	}
	if limit <= 0 {
		limit = DefaultMatchLimit
	}
	// The KNN scan reads a few more than asked, so that the re-ranking by
	// whole-name similarity has ties to break.
	scan := limit * 2
	open, err := s.searchCustomers(ctx, "open_orders > 0", name, scan, limit)
	if err != nil {
		return nil, err
	}
	if _, clear := orders.ClearMatch(open); clear {
		return open, nil
	}
	all, err := s.searchCustomers(ctx, "true", name, scan, limit)
	if err != nil {
		return nil, err
	}
	return mergeMatches(open, all, limit), nil
}

// customerSearchSQL is customerSearch over the customers where selects.
func customerSearchSQL(where string) string { return fmt.Sprintf(customerSearch, where) }

func (s *Store) searchCustomers(ctx context.Context, where, name string, scan, limit int) ([]orders.CustomerMatch, error) {
	rows, err := s.db.Query(ctx, customerSearchSQL(where), name, scan, orders.MinMatchScore)
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
	if len(matches) > limit {
		matches = matches[:limit]
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
