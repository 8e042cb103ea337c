package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// teamCond is the condition of f's AnyRepID and AnyAssistantID: an order
// of any of the reps, or followed by any of the assistants.
func teamCond(f orders.OrderFilter, args *[]any) string {
	var either []string
	if len(f.AnyRepID) > 0 {
		*args = append(*args, f.AnyRepID)
		either = append(either, fmt.Sprintf("o.rep_id = ANY($%d)", len(*args)))
	}
	if len(f.AnyAssistantID) > 0 {
		*args = append(*args, f.AnyAssistantID)
		either = append(either, fmt.Sprintf("o.assistant_id = ANY($%d)", len(*args)))
	}
	return "(" + strings.Join(either, " OR ") + ")"
}

// reasonCond is the condition of f's Reason: an active block (of f's
// HeldFor kind, when set) whose reason holds every word of it, as
// orderbot_normalize writes them: no case, no accents, no punctuation.
// The blocks are found through the index of their reasons' words, and
// their orders by id.
func reasonCond(f orders.OrderFilter, args *[]any) string {
	*args = append(*args, f.Reason)
	cond := fmt.Sprintf("b.reason_words @> string_to_array(orderbot_normalize($%d::text), ' ')", len(*args))
	if f.HeldFor != "" {
		*args = append(*args, string(f.HeldFor))
		cond += fmt.Sprintf(" AND b.kind = $%d", len(*args))
	}
	return "o.id IN (SELECT b.order_id FROM order_blocks b WHERE " + cond + ")"
}

// PeopleNamed returns the people of the directory (placeholders that
// orders named included) whose name holds every word of name, whatever
// their case, accents and punctuation ("Claire" finds Claire Martin,
// "duboeuf" François Dubœuf): the person whose name is exactly name
// first, at most limit of them.
func (s *Store) PeopleNamed(ctx context.Context, name string, limit int) ([]orders.Person, error) {
	if strings.TrimSpace(name) == "" {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+personColumns+` FROM people
		WHERE string_to_array(orderbot_normalize(name), ' ') @> string_to_array(orderbot_normalize($1::text), ' ')
		ORDER BY orderbot_normalize(name) = orderbot_normalize($1::text) DESC, placeholder, name, id
		LIMIT $2`, name, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("people named %q: %w", name, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Person, error) { return scanPerson(r) })
	if err != nil {
		return nil, fmt.Errorf("people named %q: %w", name, err)
	}
	return out, nil
}

// OpenOrderPeople returns the reps and the assistants of the open orders
// f selects (its people and customer; statuses do not count), by name:
// the assistants of a rep's orders, the reps whose orders an assistant
// follows.
func (s *Store) OpenOrderPeople(ctx context.Context, f orders.OrderFilter) ([]orders.Person, error) {
	f.Statuses, f.BlockedOnly, f.HeldFor, f.Reason = nil, false, "", ""
	where, args := openFilter(f)
	rows, err := s.db.Query(ctx, `SELECT `+personColumns+` FROM people WHERE id IN (
			SELECT o.rep_id FROM orders o WHERE `+where+` AND o.rep_id IS NOT NULL
			UNION
			SELECT o.assistant_id FROM orders o WHERE `+where+` AND o.assistant_id IS NOT NULL)
		ORDER BY name, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("people of open orders: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Person, error) { return scanPerson(r) })
	if err != nil {
		return nil, fmt.Errorf("people of open orders: %w", err)
	}
	return out, nil
}

// NextOrder returns the order, open or closed, whose number comes next
// after number among those of its shape (the same letters before the
// digits, as many digits: "4500012346" after "4500012345", "SO-001301"
// after "SO-001234"), within the orders of f's RepID and AssistantID. It
// is not found when none comes after.
func (s *Store) NextOrder(ctx context.Context, number string, f orders.OrderFilter) (orders.Order, error) {
	key := orders.NumberKey(number)
	if key == "" {
		return orders.Order{}, orders.Errorf(orders.EInvalid, "%q is not an order number", number)
	}
	prefix := key[:len(key)-len(strings.TrimLeft(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
	args := []any{key, prefix}
	scope := ""
	if f.RepID != 0 {
		args = append(args, f.RepID)
		scope += fmt.Sprintf(" AND o.rep_id = $%d", len(args))
	}
	if f.AssistantID != 0 {
		args = append(args, f.AssistantID)
		scope += fmt.Sprintf(" AND o.assistant_id = $%d", len(args))
	}
	rows, err := s.db.Query(ctx, orderSelect(false)+`
		WHERE o.number_key > $1 AND length(o.number_key) = length($1) AND left(o.number_key, length($2)) = $2
			AND o.number_key !~ ('^' || $2 || '[A-Z]')`+scope+`
		ORDER BY o.number_key, o.id LIMIT 1`, args...)
	if err != nil {
		return orders.Order{}, fmt.Errorf("order after %q: %w", number, err)
	}
	found, err := collectOrders(rows)
	switch {
	case err != nil:
		return orders.Order{}, fmt.Errorf("order after %q: %w", number, err)
	case len(found) == 0:
		return orders.Order{}, orders.Errorf(orders.ENotFound, "no order after %q", number)
	}
	return found[0], nil
}
