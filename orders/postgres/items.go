package postgres

import (
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
