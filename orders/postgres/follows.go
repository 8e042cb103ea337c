package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// Follow is what one person follows: an order (OrderID), or every order
// of a customer (CustomerID).
type Follow struct {
	OrderID    int64
	Number     string
	Status     orders.Status
	CustomerID int64
	// CustomerName and CustomerCode name the customer followed, or the
	// order's.
	CustomerName, CustomerCode string
	// Auto says the follow came from asking about a blocked order.
	Auto  bool
	Since time.Time
}

// Follow records that person follows an order (orderID) or every order of
// a customer (customerID), auto when asking about a blocked order made
// them, and reports whether it is new (false: followed before).
func (s *Store) Follow(ctx context.Context, personID, orderID, customerID int64, auto bool) (bool, error) {
	column, target, conflict := "order_id", orderID, "(order_id, person_id) WHERE order_id IS NOT NULL"
	switch {
	case orderID != 0:
	case customerID != 0:
		column, target, conflict = "customer_id", customerID, "(customer_id, person_id) WHERE customer_id IS NOT NULL"
	default:
		return false, orders.Errorf(orders.EInvalid, "a follow names an order or a customer")
	}
	tag, err := s.db.Exec(ctx, `INSERT INTO follows (person_id, `+column+`, auto) VALUES ($1, $2, $3)
		ON CONFLICT `+conflict+` DO NOTHING`, personID, target, auto)
	if err != nil {
		return false, fmt.Errorf("follow: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Unfollow ends person's follow of an order (orderID) or a customer
// (customerID), and reports whether there was one.
func (s *Store) Unfollow(ctx context.Context, personID, orderID, customerID int64) (bool, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM follows WHERE person_id = $1
		AND (order_id = $2 OR customer_id = $3)`, personID, orderID, customerID)
	if err != nil {
		return false, fmt.Errorf("unfollow: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}

// Follows returns what person follows: orders by number, then customers
// by name.
func (s *Store) Follows(ctx context.Context, personID int64) ([]Follow, error) {
	rows, err := s.db.Query(ctx, `SELECT coalesce(o.id, 0), coalesce(o.number, ''), coalesce(o.status, ''),
			c.id, c.name, c.code, f.auto, f.created_at
		FROM follows f
		LEFT JOIN orders o ON o.id = f.order_id
		JOIN customers c ON c.id = coalesce(f.customer_id, o.customer_id)
		WHERE f.person_id = $1
		ORDER BY f.order_id IS NULL, o.number_key, c.name, f.id`, personID)
	if err != nil {
		return nil, fmt.Errorf("follows: %w", err)
	}
	defer rows.Close()
	var out []Follow
	for rows.Next() {
		var f Follow
		var status string
		if err := rows.Scan(&f.OrderID, &f.Number, &status, &f.CustomerID, &f.CustomerName, &f.CustomerCode, &f.Auto, &f.Since); err != nil {
			return nil, fmt.Errorf("follows: %w", err)
		}
		f.Status = orders.Status(status)
		if f.OrderID != 0 {
			f.CustomerID = 0 // the order's customer, not followed as such
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FollowsOrder reports whether person follows the order, itself or
// through its customer.
func (s *Store) FollowsOrder(ctx context.Context, personID, orderID int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT FROM follows f JOIN orders o ON o.id = $2
		WHERE f.person_id = $1 AND (f.order_id = o.id OR f.customer_id = o.customer_id))`, personID, orderID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("follows order: %w", err)
	}
	return ok, nil
}

// RememberAnswer records orderbot's answer about an order (channel and
// ts) to the person of a Slack user, when they follow the order, to be
// updated in place when it changes; a later answer in the same channel
// replaces it. It reports whether it was recorded.
func (s *Store) RememberAnswer(ctx context.Context, slackUserID string, orderID int64, channel, ts string, lang orders.Language) (bool, error) {
	if lang == "" {
		lang = orders.French
	}
	tag, err := s.db.Exec(ctx, `INSERT INTO follow_answers (person_id, order_id, channel, ts, language)
		SELECT p.id, o.id, $3, $4, $5 FROM people p JOIN orders o ON o.id = $2
		WHERE p.slack_user_id = $1 AND EXISTS (SELECT FROM follows f
			WHERE f.person_id = p.id AND (f.order_id = o.id OR f.customer_id = o.customer_id))
		ON CONFLICT (person_id, order_id, channel) DO UPDATE SET ts = excluded.ts, language = excluded.language,
			posted_at = now()`, slackUserID, orderID, channel, ts, string(lang))
	if err != nil {
		return false, fmt.Errorf("remember answer: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// FollowAnswer is orderbot's answer about a followed order.
type FollowAnswer struct {
	OrderID     int64
	Channel, TS string
	Lang        orders.Language
}

// FollowAnswers returns person's remembered answers about the orders.
func (s *Store) FollowAnswers(ctx context.Context, personID int64, orderIDs []int64) ([]FollowAnswer, error) {
	rows, err := s.db.Query(ctx, `SELECT order_id, channel, ts, language FROM follow_answers
		WHERE person_id = $1 AND order_id = ANY($2) ORDER BY order_id, channel`, personID, orderIDs)
	if err != nil {
		return nil, fmt.Errorf("follow answers: %w", err)
	}
	defer rows.Close()
	var out []FollowAnswer
	for rows.Next() {
		var a FollowAnswer
		var lang string
		if err := rows.Scan(&a.OrderID, &a.Channel, &a.TS, &lang); err != nil {
			return nil, fmt.Errorf("follow answers: %w", err)
		}
		a.Lang = orders.Language(lang)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ForgetFollowAnswers forgets person's answers about the orders (closed:
// nothing will change them again).
func (s *Store) ForgetFollowAnswers(ctx context.Context, personID int64, orderIDs []int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM follow_answers WHERE person_id = $1 AND order_id = ANY($2)`,
		personID, orderIDs); err != nil {
		return fmt.Errorf("forget follow answers: %w", err)
	}
	return nil
}
