package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// DefaultListLimit is how many orders a list returns when the filter sets no limit.
const DefaultListLimit = 50

// orderByNumberSQL finds the orders keyed $1, the ERP's exact spelling ($2)
// first, then open ones; two rows at most, enough to tell an ambiguity.
var orderByNumberSQL = orderSelect(true) + `
	WHERE o.number_key = $1 ORDER BY o.number = $2 DESC, o.closed_at IS NULL DESC, o.id DESC LIMIT 2`

// OrderByNumber returns the order whose number is number, typed the way people
// type it (see orders.NumberKey), with its customer, rep, assistant, active
// blocks and lines. The ERP's exact spelling wins; when two different numbers
// share the key and neither is spelled as typed, the error is a conflict
// naming both, for the asker to choose.
func (s *Store) OrderByNumber(ctx context.Context, number string) (orders.Order, error) {
	key := orders.NumberKey(number)
	if key == "" {
		return orders.Order{}, orders.Errorf(orders.EInvalid, "%q is not an order number", number)
	}
	typed := strings.TrimSpace(number)
	rows, err := s.db.Query(ctx, orderByNumberSQL, key, typed)
	if err != nil {
		return orders.Order{}, fmt.Errorf("order %q: %w", number, err)
	}
	found, err := collectOrders(rows)
	switch {
	case err != nil:
		return orders.Order{}, fmt.Errorf("order %q: %w", number, err)
	case len(found) == 0:
		return orders.Order{}, orders.Errorf(orders.ENotFound, "no order numbered %q", number)
	case len(found) == 2 && found[0].Number != typed:
		return orders.Order{}, orders.Errorf(orders.EConflict, "%q could be order %s or order %s", number, found[0].Number, found[1].Number)
	}
	return found[0], nil
}

// OrdersByCustomerRef returns the orders whose customer reference (the
// customer's PO number) is ref, typed loosely as order numbers are; open
// orders first, then the most recent.
func (s *Store) OrdersByCustomerRef(ctx context.Context, ref string, limit int) ([]orders.Order, error) {
	key := orders.NumberKey(ref)
	if key == "" {
		return nil, orders.Errorf(orders.EInvalid, "%q is not a customer reference", ref)
	}
	rows, err := s.db.Query(ctx, orderSelect(false)+`
		WHERE o.customer_ref_key = $1 AND o.customer_ref_key <> ''
		ORDER BY o.closed_at IS NULL DESC, o.ordered_on DESC NULLS LAST, o.id DESC LIMIT $2`, key, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("orders by customer reference: %w", err)
	}
	return collectOrders(rows)
}

// OpenOrders returns the open orders f selects, blocked first (most urgent
// status, then oldest block), and totals over all of them.
func (s *Store) OpenOrders(ctx context.Context, f orders.OrderFilter) (orders.OrderList, error) {
	where, args := openFilter(f)
	list := orders.OrderList{TotalCents: map[string]int64{}, BlockedCents: map[string]int64{}}

	blocked := statusStrings(orders.BlockedStatuses())
	var urgency strings.Builder
	urgency.WriteString("CASE o.status")
	for i, st := range orders.Statuses() {
		fmt.Fprintf(&urgency, " WHEN '%s' THEN %d", st, i)
	}
	urgency.WriteString(" END")

	batch := &pgx.Batch{}
	batch.Queue(orderSelect(strings.TrimSpace(f.ShortOf) != "")+" WHERE "+where+
		" ORDER BY "+urgency.String()+", o.status_since, o.id LIMIT "+fmt.Sprint(listLimit(f.Limit)), args...).
		Query(func(rows pgx.Rows) error {
			var err error
			list.Orders, err = collectOrders(rows)
			return err
		})
	totalsArgs := append(append([]any{}, args...), blocked)
	batch.Queue(`SELECT o.currency, count(*), (sum(o.amount) * 100)::bigint,
			count(*) FILTER (WHERE o.status = ANY($`+fmt.Sprint(len(totalsArgs))+`)),
			coalesce((sum(o.amount) FILTER (WHERE o.status = ANY($`+fmt.Sprint(len(totalsArgs))+`)) * 100)::bigint, 0)
		FROM orders o WHERE `+where+` GROUP BY o.currency`, totalsArgs...).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var cur string
				var n, cents, nb, bcents int64
				if err := rows.Scan(&cur, &n, &cents, &nb, &bcents); err != nil {
					return err
				}
				list.Total += int(n)
				list.Blocked += int(nb)
				list.TotalCents[cur] += cents
				if nb > 0 {
					list.BlockedCents[cur] += bcents
				}
			}
			return rows.Err()
		})
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return list, fmt.Errorf("open orders: %w", err)
	}
	return list, nil
}

// openFilter returns the WHERE clause and arguments selecting the open orders
// of f. Only the conditions f uses are written, so each shape of question gets
// a plan made for it.
func openFilter(f orders.OrderFilter) (string, []any) {
	conds := []string{"o.closed_at IS NULL"}
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.CustomerID != 0 {
		add("o.customer_id = $%d", f.CustomerID)
	}
	if f.RepID != 0 {
		add("o.rep_id = $%d", f.RepID)
	}
	if f.AssistantID != 0 {
		add("o.assistant_id = $%d", f.AssistantID)
	}
	if len(f.Statuses) > 0 {
		add("o.status = ANY($%d)", statusStrings(f.Statuses))
	}
	if f.BlockedOnly {
		add("o.status = ANY($%d)", statusStrings(orders.BlockedStatuses()))
	}
	if f.HeldFor != "" {
		args = append(args, string(f.HeldFor))
		conds = append(conds, fmt.Sprintf("(o.status = $%d OR position($%d in o.block_kinds) > 0)", len(args), len(args)))
	}
	if len(f.AnyRepID) > 0 || len(f.AnyAssistantID) > 0 {
		conds = append(conds, teamCond(f, &args))
	}
	if strings.TrimSpace(f.Reason) != "" {
		conds = append(conds, reasonCond(f, &args))
	}
	if strings.TrimSpace(f.ShortOf) != "" {
		conds = append(conds, shortOfCond(f.ShortOf, &args))
	}
	return strings.Join(conds, " AND "), args
}

func statusStrings(st []orders.Status) []string {
	out := make([]string, len(st))
	for i, s := range st {
		out[i] = string(s)
	}
	return out
}

func listLimit(n int) int {
	if n <= 0 {
		return DefaultListLimit
	}
	return n
}

// History returns the status changes of an order, oldest first.
func (s *Store) History(ctx context.Context, orderID int64) ([]orders.StatusChange, error) {
	rows, err := s.db.Query(ctx, `SELECT id, order_id, coalesce(from_status, ''), to_status, reason, at, source,
		coalesce(import_id, 0) FROM status_history WHERE order_id = $1 ORDER BY at, id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("history of order %d: %w", orderID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.StatusChange, error) {
		var c orders.StatusChange
		var from, to string
		err := r.Scan(&c.ID, &c.OrderID, &from, &to, &c.Reason, &c.At, &c.Source, &c.ImportID)
		c.From, c.To = orders.Status(from), orders.Status(to)
		return c, err
	})
}

// Empty reports whether the store holds no order at all.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var any bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT FROM orders)`).Scan(&any); err != nil {
		return false, fmt.Errorf("count orders: %w", err)
	}
	return !any, nil
}
