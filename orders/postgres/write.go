package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/orderbot/orderbot/orders"
)

// Change says when, by what and in which import run a write happened; it is
// what the status history records.
type Change struct {
	At       time.Time
	Source   string // "import:<profile>", "api", "sample", ...
	ImportID int64
}

// UpsertPerson creates the person, or updates the one with the same e-mail
// (whatever its case), and returns them with their ID. A real entry replaces
// a placeholder of the same e-mail.
func (s *Store) UpsertPerson(ctx context.Context, p orders.Person) (orders.Person, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO people (email, name, role, code, slack_user_id, digest_channel, language, placeholder)
		VALUES (nullif($1, ''), $2, $3, $4, nullif($5, ''), $6, nullif($7, ''), $8)
		ON CONFLICT (lower(email)) WHERE email IS NOT NULL DO UPDATE SET
			email = excluded.email, name = excluded.name, role = excluded.role, code = excluded.code,
			slack_user_id = coalesce(excluded.slack_user_id, people.slack_user_id),
			digest_channel = excluded.digest_channel, language = excluded.language,
			placeholder = excluded.placeholder, updated_at = now()
		RETURNING id`,
		strings.TrimSpace(p.Email), p.Name, p.Role, p.Code, p.SlackUserID, p.DigestChannel, p.Language, p.Placeholder).Scan(&id)
	if err != nil {
		return p, fmt.Errorf("save person %q: %w", p.Email, err)
	}
	p.ID = id
	return p, nil
}

// UpsertCustomer creates the customer, or renames the one with the same code,
// and returns it with its ID.
func (s *Store) UpsertCustomer(ctx context.Context, c orders.Customer) (orders.Customer, error) {
	if orders.NumberKey(c.Code) == "" {
		return c, orders.Errorf(orders.EInvalid, "the customer code %q has no letter or digit", c.Code)
	}
	if strings.TrimSpace(c.Name) == "" {
		return c, orders.Errorf(orders.EInvalid, "customer %s has no name", c.Code)
	}
	err := s.db.QueryRow(ctx, `INSERT INTO customers (code, code_key, name) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, updated_at = now()
			WHERE customers.name IS DISTINCT FROM excluded.name
		RETURNING id`, c.Code, orders.NumberKey(c.Code), c.Name).Scan(&c.ID)
	if err == nil {
		return c, nil
	}
	// An unchanged customer returns no row from the guarded update.
	err = s.db.QueryRow(ctx, `SELECT id FROM customers WHERE code = $1`, c.Code).Scan(&c.ID)
	if err != nil {
		return c, fmt.Errorf("save customer %q: %w", c.Code, err)
	}
	return c, nil
}

// SaveResult tells what SaveOrder did.
type SaveResult struct {
	OrderID       int64
	Created       bool
	StatusChanged bool
	From          orders.Status // the status before, empty for a new order
}

// SaveOrder creates or updates the order with o's number, replacing its
// active blocks and lines, and records a status change in the history when
// the status differs from the stored one (or the order is new). A block that
// stays active keeps the time it started; an order entering a closed status
// gets its closing time. Everything is written in one transaction.
func (s *Store) SaveOrder(ctx context.Context, o orders.Order, ch Change) (SaveResult, error) {
	var res SaveResult
	if err := o.Validate(); err != nil {
		return res, err
	}
	if ch.At.IsZero() {
		ch.At = time.Now()
	}
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		res, err = tx.saveOrder(ctx, o, ch)
		return err
	})
	return res, err
}

func (s *Store) saveOrder(ctx context.Context, o orders.Order, ch Change) (SaveResult, error) {
	var res SaveResult
	if o.Customer.ID == 0 {
		c, err := s.CustomerByCode(ctx, o.Customer.Code)
		if err != nil {
			return res, err
		}
		o.Customer.ID = c.ID
	}
	var prevSince time.Time
	var prevStatus string
	err := s.db.QueryRow(ctx, `SELECT id, status, status_since FROM orders WHERE number = $1 FOR UPDATE`, o.Number).
		Scan(&res.OrderID, &prevStatus, &prevSince)
	switch {
	case err == nil:
		res.From = orders.Status(prevStatus)
		res.StatusChanged = res.From != o.Status
	case errors.Is(err, pgx.ErrNoRows):
		res.Created, res.StatusChanged = true, true
	default:
		return res, fmt.Errorf("save order %s: %w", o.Number, err)
	}

	since := prevSince
	if res.StatusChanged {
		since = o.StatusSince
		if since.IsZero() {
			since = ch.At
		}
	}
	var closedAt *time.Time
	if o.Status.Closed() {
		closedAt = o.ClosedAt
		if closedAt == nil {
			closedAt = &since
		}
	}
	personID := func(p *orders.Person) *int64 {
		if p == nil || p.ID == 0 {
			return nil
		}
		return &p.ID
	}
	args := []any{o.Number, orders.NumberKey(o.Number), o.Customer.ID, o.CustomerRef, orders.NumberKey(o.CustomerRef),
		personID(o.Rep), personID(o.Assistant), o.Status, o.BlockReason, since, o.ExpectedRelease,
		centsToNumeric(o.AmountCents), o.Currency, o.OrderedOn, o.RequestedOn, o.PromisedOn, closedAt}
	if res.Created {
		err = s.db.QueryRow(ctx, `INSERT INTO orders (number, number_key, customer_id, customer_ref, customer_ref_key,
			rep_id, assistant_id, status, block_reason, status_since, expected_release, amount, currency,
			ordered_on, requested_on, promised_on, closed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`, args...).
			Scan(&res.OrderID)
	} else {
		_, err = s.db.Exec(ctx, `UPDATE orders SET number_key = $2, customer_id = $3, customer_ref = $4,
			customer_ref_key = $5, rep_id = $6, assistant_id = $7, status = $8, block_reason = $9,
			status_since = $10, expected_release = $11, amount = $12, currency = $13, ordered_on = $14,
			requested_on = $15, promised_on = $16, closed_at = $17, updated_at = now()
			WHERE number = $1`, args...)
	}
	if err != nil {
		return res, fmt.Errorf("save order %s: %w", o.Number, err)
	}

	// Blocks: those still active keep their start; the others are replaced.
	if _, err := s.db.Exec(ctx, `DELETE FROM order_blocks WHERE order_id = $1 AND kind <> ALL($2)`,
		res.OrderID, blockKinds(o.Blocks)); err != nil {
		return res, fmt.Errorf("save blocks of order %s: %w", o.Number, err)
	}
	for _, b := range o.Blocks {
		bsince := b.Since
		if bsince.IsZero() {
			bsince = ch.At
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO order_blocks (order_id, kind, reason, since, expected_release)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id, kind) DO UPDATE
			SET reason = excluded.reason, expected_release = excluded.expected_release`,
			res.OrderID, b.Kind, b.Reason, bsince, b.ExpectedRelease); err != nil {
			return res, fmt.Errorf("save blocks of order %s: %w", o.Number, err)
		}
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM order_lines WHERE order_id = $1`, res.OrderID); err != nil {
		return res, fmt.Errorf("save lines of order %s: %w", o.Number, err)
	}
	for _, l := range o.Lines {
		if _, err := s.db.Exec(ctx, `INSERT INTO order_lines (order_id, line_no, product, qty_ordered, qty_available, restock_on)
			VALUES ($1, $2, $3, $4, $5, $6)`, res.OrderID, l.Number, l.Product, l.QtyOrdered, l.QtyAvailable, l.RestockOn); err != nil {
			return res, fmt.Errorf("save line %d of order %s: %w", l.Number, o.Number, err)
		}
	}
	if res.StatusChanged {
		if _, err := s.db.Exec(ctx, `INSERT INTO status_history (order_id, from_status, to_status, reason, at, source, import_id)
			VALUES ($1, nullif($2, ''), $3, $4, $5, $6, nullif($7, 0))`,
			res.OrderID, res.From, o.Status, o.BlockReason, since, ch.Source, ch.ImportID); err != nil {
			return res, fmt.Errorf("record status change of order %s: %w", o.Number, err)
		}
	}
	return res, nil
}

func blockKinds(bs []orders.Block) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, string(b.Kind))
	}
	return out
}

// centsToNumeric is an amount in hundredths as an exact PostgreSQL numeric.
func centsToNumeric(c int64) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(c), Exp: -2, Valid: true}
}
