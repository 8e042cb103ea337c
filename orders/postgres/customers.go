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

// customerColumns are a search candidate's columns, over customers whose
// query is $1: word similarity (the query's words found inside the name,
// typos allowed), whether every word typed is a word of the name, and the
// similarity of the whole name, the tie-break that ranks "Dupré SA" above
// "Boulangerie Dupré & Fils" for "Dupré".
const customerColumns = `id, code, name, open_orders,
		word_similarity(orderbot_normalize($1), name_norm) AS score,
		string_to_array(orderbot_normalize($1), ' ') <@ string_to_array(name_norm, ' ') AS exact,
		similarity(orderbot_normalize($1), name_norm) AS whole`

// customerSearch ranks the candidates of the nearest-first trigram scans it
// is given ($2 rows each), keeping those scoring at least $3.
const customerSearch = `SELECT id, code, name, open_orders, score, exact FROM (%s) nearest
WHERE score >= $3
ORDER BY exact DESC, score DESC, whole DESC, name, id`

// openCustomersScan reads the customers with open orders nearest the query
// (through their own small index), and any customer without open orders whose
// name is exactly the query, which a person typing it surely means too.
const openCustomersScan = `(SELECT ` + customerColumns + ` FROM customers WHERE has_open
		ORDER BY name_norm <->> orderbot_normalize($1) LIMIT $2)
	UNION ALL
	(SELECT ` + customerColumns + ` FROM customers WHERE NOT has_open AND name_norm = orderbot_normalize($1) LIMIT $2)`

// allCustomersScan reads the customers nearest the query, all of them.
const allCustomersScan = `SELECT ` + customerColumns + ` FROM customers
	ORDER BY name_norm <->> orderbot_normalize($1) LIMIT $2`

// CustomersByName returns the customers whose name best matches name, best
// first, ignoring accents, case and punctuation and tolerating typos. Each
// candidate's Score tells how well it matched; orders.ClearMatch decides
// whether the first is clearly the one meant. Customers with open orders are
// searched first, because they are what people ask about; all customers are
// searched only when none of those matches well.
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
	open, err := s.searchCustomers(ctx, openCustomersScan, name, scan, limit)
	if err != nil {
		return nil, err
	}
	if len(open) > 0 && (open[0].ExactWords || open[0].Score >= orders.ClearMatchScore) {
		// Good candidates among the customers people ask about, even several
		// (the asker then chooses): no need to look further.
		return open, nil
	}
	all, err := s.searchCustomers(ctx, allCustomersScan, name, scan, limit)
	if err != nil {
		return nil, err
	}
	return mergeMatches(open, all, limit), nil
}

// customerSearchSQL is customerSearch over the candidates of scan.
func customerSearchSQL(scan string) string { return fmt.Sprintf(customerSearch, scan) }

func (s *Store) searchCustomers(ctx context.Context, scan, name string, n, limit int) ([]orders.CustomerMatch, error) {
	rows, err := s.db.Query(ctx, customerSearchSQL(scan), name, n, orders.MinMatchScore)
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
