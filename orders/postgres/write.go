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
// (whatever its case) and returns them with their ID. Without an e-mail, the
// person is the one with the same ERP code, else the same name. A placeholder
// never overwrites a real entry; a real entry replaces a placeholder.
func (s *Store) UpsertPerson(ctx context.Context, p orders.Person) (orders.Person, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	p.Email = strings.TrimSpace(p.Email)
	if p.Email == "" {
		return s.upsertPersonWithoutEmail(ctx, p)
	}
	err := s.db.QueryRow(ctx, `INSERT INTO people (email, name, role, code, slack_user_id, digest_channel, language, placeholder)
		VALUES ($1, $2, $3, $4, nullif($5, ''), $6, nullif($7, ''), $8)
		ON CONFLICT (lower(email)) WHERE email IS NOT NULL DO UPDATE SET
			email = excluded.email, name = excluded.name, role = excluded.role, code = excluded.code,
			slack_user_id = coalesce(excluded.slack_user_id, people.slack_user_id),
			digest_channel = excluded.digest_channel, language = excluded.language,
			placeholder = excluded.placeholder, updated_at = now()
			WHERE people.placeholder OR NOT excluded.placeholder
		RETURNING id`,
		p.Email, p.Name, p.Role, p.Code, p.SlackUserID, p.DigestChannel, p.Language, p.Placeholder).Scan(&p.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		// A placeholder for someone the directory already knows: keep them.
		return s.PersonByEmail(ctx, p.Email)
	}
	if err != nil {
		return p, translate(err, "save person %s", p.Email)
	}
	return p, nil
}

func (s *Store) upsertPersonWithoutEmail(ctx context.Context, p orders.Person) (orders.Person, error) {
	err := s.db.QueryRow(ctx, `SELECT id FROM people WHERE email IS NULL
		AND CASE WHEN $1 <> '' THEN code = $1 ELSE lower(name) = lower($2) END
		ORDER BY id LIMIT 1`, p.Code, p.Name).Scan(&p.ID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = s.db.QueryRow(ctx, `INSERT INTO people (name, role, code, slack_user_id, digest_channel, language, placeholder)
			VALUES ($1, $2, $3, nullif($4, ''), $5, nullif($6, ''), $7) RETURNING id`,
			p.Name, p.Role, p.Code, p.SlackUserID, p.DigestChannel, p.Language, p.Placeholder).Scan(&p.ID)
	case err == nil:
		_, err = s.db.Exec(ctx, `UPDATE people SET name = $2, role = $3, code = $4,
			slack_user_id = coalesce(nullif($5, ''), slack_user_id), digest_channel = $6, language = nullif($7, ''),
			placeholder = $8, updated_at = now() WHERE id = $1 AND (placeholder OR NOT $8)`,
			p.ID, p.Name, p.Role, p.Code, p.SlackUserID, p.DigestChannel, p.Language, p.Placeholder)
	}
	if err != nil {
		return p, translate(err, "save person %s", p.Name)
	}
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
	if errors.Is(err, pgx.ErrNoRows) {
		// The customer exists unchanged: the guarded update returned no row.
		err = s.db.QueryRow(ctx, `SELECT id FROM customers WHERE code = $1`, c.Code).Scan(&c.ID)
	}
	if err != nil {
		return c, translate(err, "save customer %s", c.Code)
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
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = s.InTx(ctx, func(tx *Store) error {
			var err error
			res, err = tx.saveOrder(ctx, o, ch)
			return err
		})
		if !retryable(err) {
			break
		}
	}
	return res, err
}

func (s *Store) saveOrder(ctx context.Context, o orders.Order, ch Change) (SaveResult, error) {
	var res SaveResult
	o, err := s.resolveOrderRefs(ctx, o)
	if err != nil {
		return res, err
	}
	prevSince, err := s.lockOrder(ctx, o, &res)
	if err != nil {
		return res, err
	}
	since := prevSince
	if res.StatusChanged {
		since = o.StatusSince
		if since.IsZero() {
			since = ch.At
		}
	}
	blocks := o.Blocks
	if o.Status.Closed() {
		blocks = nil
	}
	if err := s.writeOrderRow(ctx, o, since, blocks, &res); err != nil {
		return res, err
	}
	if err := s.writeBlocksAndLines(ctx, o, blocks, ch, res.OrderID); err != nil {
		return res, err
	}
	if res.StatusChanged {
		if err := s.recordTransition(ctx, o, ch, res, since); err != nil {
			return res, err
		}
	}
	return res, nil
}

// resolveOrderRefs fills in the IDs of the order's customer, by its exact
// code, and of its people.
func (s *Store) resolveOrderRefs(ctx context.Context, o orders.Order) (orders.Order, error) {
	if o.Customer.ID == 0 {
		// The exact code: the loose match of CustomerByCode is for people
		// typing, never for deciding whose order this is.
		err := s.db.QueryRow(ctx, `SELECT id FROM customers WHERE code = $1`, o.Customer.Code).Scan(&o.Customer.ID)
		if err != nil {
			return o, notFound(err, "order %s: no customer with the code %q", o.Number, o.Customer.Code)
		}
	}
	var err error
	if o.Rep, err = s.resolvePerson(ctx, o.Number, o.Rep); err != nil {
		return o, err
	}
	if o.Assistant, err = s.resolvePerson(ctx, o.Number, o.Assistant); err != nil {
		return o, err
	}
	return o, nil
}

// lockOrder queues behind the other writers of the order's number and
// reads what it was: res says whether it is new and whether its status
// changes; the time returned is since when it had its status.
func (s *Store) lockOrder(ctx context.Context, o orders.Order, res *SaveResult) (time.Time, error) {
	// Writers of the same number queue here, so that two creating it at
	// once do not both try to insert it; and an import, which reads every
	// open order before writing, runs alone.
	if _, err := s.db.Exec(ctx, `SELECT pg_advisory_xact_lock_shared(hashtextextended('orderbot import orders', 0)),
		pg_advisory_xact_lock(hashtextextended($1, 0))`, o.Number); err != nil {
		return time.Time{}, fmt.Errorf("save order %s: %w", o.Number, err)
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
		return time.Time{}, fmt.Errorf("save order %s: %w", o.Number, err)
	}
	return prevSince, nil
}

// writeOrderRow inserts or updates the order's row, in its status since
// since, with blocks as its blocks.
func (s *Store) writeOrderRow(ctx context.Context, o orders.Order, since time.Time, blocks []orders.Block, res *SaveResult) error {
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
	kinds, blocksKey := orders.BlockKeys(blocks)
	args := []any{o.Number, orders.NumberKey(o.Number), o.Customer.ID, o.CustomerRef, orders.NumberKey(o.CustomerRef),
		personID(o.Rep), personID(o.Assistant), o.Status, o.BlockReason, since, o.ExpectedRelease,
		centsToNumeric(o.AmountCents), o.Currency, o.OrderedOn, o.RequestedOn, o.PromisedOn, closedAt, kinds, blocksKey}
	var err error
	if res.Created {
		err = s.db.QueryRow(ctx, `INSERT INTO orders (number, number_key, customer_id, customer_ref, customer_ref_key,
			rep_id, assistant_id, status, block_reason, status_since, expected_release, amount, currency,
			ordered_on, requested_on, promised_on, closed_at, block_kinds, blocks_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`, args...).
			Scan(&res.OrderID)
	} else {
		_, err = s.db.Exec(ctx, `UPDATE orders SET number_key = $2, customer_id = $3, customer_ref = $4,
			customer_ref_key = $5, rep_id = $6, assistant_id = $7, status = $8, block_reason = $9,
			status_since = $10, expected_release = $11, amount = $12, currency = $13, ordered_on = $14,
			requested_on = $15, promised_on = $16, closed_at = $17, block_kinds = $18, blocks_key = $19,
			import_key = '', updated_at = now()
			WHERE number = $1`, args...)
	}
	if err != nil {
		return translate(err, "save order %s", o.Number)
	}
	return nil
}

// writeBlocksAndLines saves the order's blocks and lines: blocks still
// active keep their start, the others are replaced; lines are replaced
// whole. One round trip for all of it.
func (s *Store) writeBlocksAndLines(ctx context.Context, o orders.Order, blocks []orders.Block, ch Change, orderID int64) error {
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM order_blocks WHERE order_id = $1 AND kind <> ALL($2)`, orderID, blockKinds(blocks))
	for _, b := range blocks {
		bsince := b.Since
		if bsince.IsZero() {
			bsince = ch.At
		}
		batch.Queue(`INSERT INTO order_blocks (order_id, kind, reason, since, expected_release)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id, kind) DO UPDATE
			SET reason = excluded.reason, expected_release = excluded.expected_release`,
			orderID, b.Kind, b.Reason, bsince, b.ExpectedRelease)
	}
	batch.Queue(`DELETE FROM order_lines WHERE order_id = $1`, orderID)
	for _, l := range o.Lines {
		batch.Queue(`INSERT INTO order_lines (order_id, line_no, item, description, quantity, available, restock_on,
				shipped, carrier, tracking)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, orderID, l.Number, l.Item, l.Description, l.Quantity,
			l.Available, l.RestockOn, l.Shipped, l.Carrier, l.Tracking)
	}
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return translate(err, "save the blocks and lines of order %s", o.Number)
	}
	return nil
}

// recordTransition writes the history row of the order's change of
// status and, for a transition into a block, its alert event, as an
// import's are.
func (s *Store) recordTransition(ctx context.Context, o orders.Order, ch Change, res SaveResult, since time.Time) error {
	if _, err := s.db.Exec(ctx, `INSERT INTO status_history (order_id, from_status, to_status, reason, at, source, import_id)
		VALUES ($1, nullif($2, ''), $3, $4, $5, $6, nullif($7, 0))`,
		res.OrderID, res.From, o.Status, o.BlockReason, since, ch.Source, ch.ImportID); err != nil {
		return fmt.Errorf("record status change of order %s: %w", o.Number, err)
	}
	if !o.Status.Blocked() {
		return nil
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO alert_events (order_id, import_id, from_status, to_status, reason, at)
		VALUES ($1, nullif($2, 0), nullif($3, ''), $4, $5, $6)`,
		res.OrderID, ch.ImportID, res.From, o.Status, o.BlockReason, since); err != nil {
		return fmt.Errorf("queue the alert of order %s: %w", o.Number, err)
	}
	return nil
}

// resolvePerson returns p with its ID, found by e-mail when only that is
// known; an order naming someone the directory does not hold is refused.
func (s *Store) resolvePerson(ctx context.Context, number string, p *orders.Person) (*orders.Person, error) {
	if p == nil || p.ID != 0 {
		return p, nil
	}
	if p.Email == "" {
		return nil, orders.Errorf(orders.EInvalid, "order %s names %q, who has neither an ID nor an e-mail", number, p.Name)
	}
	found, err := s.PersonByEmail(ctx, p.Email)
	if err != nil {
		return nil, fmt.Errorf("order %s: %w", number, err)
	}
	return &found, nil
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
