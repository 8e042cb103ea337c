package postgres

import (
	"context"
	"fmt"

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
		ORDER BY open DESC, rank, number LIMIT $3`, args...)
	if err != nil {
		return nil, fmt.Errorf("numbers like %q: %w", number, err)
	}
	var out []string
	seen := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("numbers like %q: %w", number, err)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, rows.Err()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
