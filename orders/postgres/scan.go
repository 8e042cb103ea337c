package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// personJSON builds the object a person is read back from, or NULL; people
// come through LEFT JOINs, and one nullable object reads more simply than
// nine nullable columns.
func personJSON(alias string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s.id IS NULL THEN NULL ELSE jsonb_build_object(
		'id', %[1]s.id, 'email', %[1]s.email, 'name', %[1]s.name, 'role', %[1]s.role, 'code', %[1]s.code,
		'slack_user_id', %[1]s.slack_user_id, 'digest_channel', %[1]s.digest_channel,
		'language', %[1]s.language, 'placeholder', %[1]s.placeholder) END`, alias)
}

// orderSelect returns the SELECT that reads orders with their customer, rep,
// assistant and active blocks (and lines and the customer's credit position
// when withLines), from "orders o".
func orderSelect(withLines bool) string {
	lines, credit, handled := "NULL::jsonb", "NULL::jsonb", "NULL::jsonb"
	if withLines {
		handled = `(SELECT jsonb_build_object('name', p.name, 'since', w.claimed_at) FROM alert_owners w
			JOIN people p ON p.id = w.claimed_by WHERE w.order_id = o.id AND w.since = o.status_since)`
		credit = `(SELECT jsonb_build_object('limit', (cr.credit_limit * 100)::bigint,
			'exposure', (cr.exposure * 100)::bigint, 'overdue', (cr.overdue * 100)::bigint,
			'overdue_since', cr.overdue_since, 'currency', cr.currency, 'account_hold', cr.account_hold,
			'as_of', cr.as_of) FROM customer_credit cr WHERE cr.customer_id = c.id)`
		lines = `(SELECT jsonb_agg(jsonb_build_object('line_no', l.line_no, 'item', l.item,
			'description', l.description, 'quantity', l.quantity, 'available', l.available,
			'restock_on', l.restock_on, 'shipped', l.shipped, 'carrier', l.carrier, 'tracking', l.tracking)
			ORDER BY l.line_no) FROM order_lines l WHERE l.order_id = o.id)`
	}
	return `SELECT o.id, o.number, c.id, c.code, c.name, o.customer_ref,
		` + personJSON("r") + `, ` + personJSON("a") + `,
		o.status, o.block_reason, o.status_since, o.expected_release, (o.amount * 100)::bigint, o.currency,
		o.ordered_on, o.requested_on, o.promised_on, o.closed_at, o.updated_at,
		(SELECT jsonb_agg(jsonb_build_object('kind', b.kind, 'reason', b.reason, 'since', b.since,
			'expected_release', b.expected_release) ORDER BY b.since, b.kind)
			FROM order_blocks b WHERE b.order_id = o.id),
		` + lines + `, ` + credit + `, ` + handled + `
	FROM orders o
	JOIN customers c ON c.id = o.customer_id
	LEFT JOIN people r ON r.id = o.rep_id
	LEFT JOIN people a ON a.id = o.assistant_id`
}

type personRow struct {
	ID            int64   `json:"id"`
	Email         *string `json:"email"`
	Name          string  `json:"name"`
	Role          string  `json:"role"`
	Code          string  `json:"code"`
	SlackUserID   *string `json:"slack_user_id"`
	DigestChannel string  `json:"digest_channel"`
	Language      *string `json:"language"`
	Placeholder   bool    `json:"placeholder"`
}

func (p personRow) person() orders.Person {
	return orders.Person{
		ID: p.ID, Email: deref(p.Email), Name: p.Name, Role: orders.Role(p.Role), Code: p.Code,
		SlackUserID: deref(p.SlackUserID), DigestChannel: p.DigestChannel,
		Language: orders.Language(deref(p.Language)), Placeholder: p.Placeholder,
	}
}

type blockRow struct {
	Kind            string    `json:"kind"`
	Reason          string    `json:"reason"`
	Since           time.Time `json:"since"`
	ExpectedRelease *string   `json:"expected_release"`
}

type creditRow struct {
	Limit        int64     `json:"limit"`
	Exposure     int64     `json:"exposure"`
	Overdue      int64     `json:"overdue"`
	OverdueSince *string   `json:"overdue_since"`
	Currency     string    `json:"currency"`
	AccountHold  bool      `json:"account_hold"`
	AsOf         time.Time `json:"as_of"`
}

func (r creditRow) credit() (*orders.Credit, error) {
	since, err := parseDate(r.OverdueSince)
	if err != nil {
		return nil, err
	}
	return &orders.Credit{LimitCents: r.Limit, ExposureCents: r.Exposure, OverdueCents: r.Overdue,
		OverdueSince: since, Currency: r.Currency, AccountHold: r.AccountHold, AsOf: r.AsOf}, nil
}

type lineRow struct {
	LineNo      int     `json:"line_no"`
	Item        string  `json:"item"`
	Description string  `json:"description"`
	Quantity    float64 `json:"quantity"`
	Available   float64 `json:"available"`
	RestockOn   *string `json:"restock_on"`
	Shipped     float64 `json:"shipped"`
	Carrier     string  `json:"carrier"`
	Tracking    string  `json:"tracking"`
}

// scanOrder reads one row of orderSelect.
func scanOrder(row pgx.Row) (orders.Order, error) {
	var (
		o         orders.Order
		rep, asst *personRow
		status    string
		blocks    []blockRow
		lines     []lineRow
		credit    *creditRow
	)
	err := row.Scan(&o.ID, &o.Number, &o.Customer.ID, &o.Customer.Code, &o.Customer.Name, &o.CustomerRef,
		&rep, &asst,
		&status, &o.BlockReason, &o.StatusSince, &o.ExpectedRelease, &o.AmountCents, &o.Currency,
		&o.OrderedOn, &o.RequestedOn, &o.PromisedOn, &o.ClosedAt, &o.UpdatedAt,
		&blocks, &lines, &credit, &o.HandledBy)
	if err != nil {
		return o, err
	}
	if credit != nil {
		if o.Customer.Credit, err = credit.credit(); err != nil {
			return o, err
		}
	}
	o.Status = orders.Status(status)
	if rep != nil {
		p := rep.person()
		o.Rep = &p
	}
	if asst != nil {
		p := asst.person()
		o.Assistant = &p
	}
	for _, b := range blocks {
		rel, err := parseDate(b.ExpectedRelease)
		if err != nil {
			return o, err
		}
		o.Blocks = append(o.Blocks, orders.Block{Kind: orders.Status(b.Kind), Reason: b.Reason, Since: b.Since, ExpectedRelease: rel})
	}
	for _, l := range lines {
		restock, err := parseDate(l.RestockOn)
		if err != nil {
			return o, err
		}
		o.Lines = append(o.Lines, orders.Line{Number: l.LineNo, Item: l.Item, Description: l.Description,
			Quantity: l.Quantity, Available: l.Available, RestockOn: restock, Shipped: l.Shipped,
			Carrier: l.Carrier, Tracking: l.Tracking})
	}
	return o, nil
}

// collectOrders reads every row of an orderSelect query.
func collectOrders(rows pgx.Rows) ([]orders.Order, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Order, error) { return scanOrder(r) })
}

func parseDate(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, *s)
	if err != nil {
		return nil, fmt.Errorf("read date %q: %w", *s, err)
	}
	return &t, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
