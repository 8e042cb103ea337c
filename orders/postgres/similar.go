package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// SimilarNumbers returns the numbers of the orders someone typing number
// may have meant, open orders first, at most limit: numbers one typo away
// (a digit wrong, missing, extra, or two digits swapped) and, for a short
// number, the numbers ending with it ("12345" for 4500012345). f's RepID
// and AssistantID keep the suggestions within the asker's portfolio.
func (s *Store) SimilarNumbers(ctx context.Context, number string, f orders.OrderFilter, limit int) ([]string, error) {
	key := orders.NumberKey(number)
	if key == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 5
	}
	scope, args := "", []any{orders.NumberVariants(key), key, limit}
	if f.RepID != 0 {
		args = append(args, f.RepID)
		scope += fmt.Sprintf(" AND o.rep_id = $%d", len(args))
	}
	if f.AssistantID != 0 {
		args = append(args, f.AssistantID)
		scope += fmt.Sprintf(" AND o.assistant_id = $%d", len(args))
	}
	suffix := "false"
	if n := len(key); n >= 4 && n <= 8 && allDigits(key) {
		suffix = `reverse(o.number_key) LIKE reverse($2) || '%'`
	}
	rows, err := s.db.Query(ctx, `SELECT number FROM (
			SELECT o.number, o.closed_at IS NULL AS open, 0 AS rank FROM orders o
			WHERE o.number_key = ANY($1)`+scope+`
			UNION ALL
			SELECT o.number, o.closed_at IS NULL, 1 FROM orders o
			WHERE `+suffix+` AND o.number_key <> $2`+scope+`
		) found
		GROUP BY number ORDER BY bool_or(open) DESC, min(rank), number LIMIT $3`, args...)
	if err != nil {
		return nil, fmt.Errorf("numbers like %q: %w", number, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("numbers like %q: %w", number, err)
	}
	return out, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// OpenOrderCounts returns how many open orders each of the customers has
// among those f selects (its RepID and AssistantID): how a person who sees
// only their own portfolio learns which customers are theirs to ask about.
// Customers without such orders are absent.
func (s *Store) OpenOrderCounts(ctx context.Context, customerIDs []int64, f orders.OrderFilter) (map[int64]int, error) {
	out := map[int64]int{}
	if len(customerIDs) == 0 {
		return out, nil
	}
	f.CustomerID, f.Statuses, f.BlockedOnly, f.HeldFor = 0, nil, false, ""
	where, args := openFilter(f)
	args = append(args, customerIDs)
	rows, err := s.db.Query(ctx, fmt.Sprintf(`SELECT o.customer_id, count(*) FROM orders o
		WHERE %s AND o.customer_id = ANY($%d) GROUP BY o.customer_id`, where, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("open orders by customer: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("open orders by customer: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
