package postgres

import (
	"context"
	"fmt"
	"strings"
)

// shortLine is the condition of a line short of stock, as the partial
// indexes of migration 00016 write it: the quantity neither shipped nor
// available.
const shortLine = "l.quantity > l.shipped + l.available"

// shortOfCond is the condition of OrderFilter.ShortOf: an order with a
// line short of item, by its code (whatever its case) or by every word of
// its description as orderbot_normalize writes them. Both go through the
// partial indexes of the short lines; the orders are found by id.
func shortOfCond(item string, args *[]any) string {
	*args = append(*args, strings.TrimSpace(item))
	n := len(*args)
	return fmt.Sprintf(`o.id IN (
		SELECT l.order_id FROM order_lines l WHERE %[1]s AND upper(l.item) = upper($%[2]d::text)
		UNION
		SELECT l.order_id FROM order_lines l WHERE %[1]s
			AND string_to_array(orderbot_normalize(l.description), ' ') @> string_to_array(orderbot_normalize($%[2]d::text), ' ')
			AND orderbot_normalize($%[2]d::text) <> '')`, shortLine, n)
}

// Shortfall is what an order lacks in its lines and its customer's
// credit: how many of its lines are short of stock, and how far its
// customer's exposure is over the credit limit, in the credit's currency.
type Shortfall struct {
	ShortItems  int
	ExcessCents int64
	Currency    string
}

// Shortfalls returns the shortfall of each order of numbers that has one
// (short lines, or a customer over the credit limit); the others are
// absent.
func (s *Store) Shortfalls(ctx context.Context, numbers []string) (map[string]Shortfall, error) {
	out := map[string]Shortfall{}
	if len(numbers) == 0 {
		return out, nil
	}
	rows, err := s.db.Query(ctx, `SELECT o.number,
			(SELECT count(*) FROM order_lines l WHERE l.order_id = o.id AND `+shortLine+`),
			coalesce((greatest(cc.exposure - cc.credit_limit, 0) * 100)::bigint, 0), coalesce(cc.currency, '')
		FROM orders o LEFT JOIN customer_credit cc ON cc.customer_id = o.customer_id
		WHERE o.number = ANY($1)`, numbers)
	if err != nil {
		return nil, fmt.Errorf("shortfalls of %d orders: %w", len(numbers), err)
	}
	defer rows.Close()
	for rows.Next() {
		var number string
		var f Shortfall
		if err := rows.Scan(&number, &f.ShortItems, &f.ExcessCents, &f.Currency); err != nil {
			return nil, fmt.Errorf("shortfalls of %d orders: %w", len(numbers), err)
		}
		if f.ShortItems > 0 || f.ExcessCents > 0 {
			out[number] = f
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("shortfalls of %d orders: %w", len(numbers), err)
	}
	return out, nil
}
