package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// CopyPeople inserts people in bulk with COPY and returns them with their
// IDs. It is for loading generated portfolios, not for imports: it neither
// merges with existing people nor checks more than the domain's rules.
func (s *Store) CopyPeople(ctx context.Context, people []orders.Person) ([]orders.Person, error) {
	for _, p := range people {
		if err := p.Validate(); err != nil {
			return nil, err
		}
	}
	ids, err := s.nextIDs(ctx, "people", len(people))
	if err != nil {
		return nil, err
	}
	out := append([]orders.Person(nil), people...)
	rows := make([][]any, len(out))
	for i := range out {
		p := &out[i]
		p.ID = ids[i]
		rows[i] = []any{p.ID, nullIfEmpty(p.Email), p.Name, string(p.Role), p.Code, nullIfEmpty(p.SlackUserID),
			p.DigestChannel, nullIfEmpty(string(p.Language)), p.Placeholder}
	}
	_, err = s.db.CopyFrom(ctx, pgx.Identifier{"people"},
		[]string{"id", "email", "name", "role", "code", "slack_user_id", "digest_channel", "language", "placeholder"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return nil, fmt.Errorf("copy people: %w", err)
	}
	return out, nil
}

// CopyCustomers inserts customers in bulk with COPY and returns them with
// their IDs.
func (s *Store) CopyCustomers(ctx context.Context, customers []orders.Customer) ([]orders.Customer, error) {
	ids, err := s.nextIDs(ctx, "customers", len(customers))
	if err != nil {
		return nil, err
	}
	out := append([]orders.Customer(nil), customers...)
	rows := make([][]any, len(out))
	for i := range out {
		out[i].ID = ids[i]
		rows[i] = []any{out[i].ID, out[i].Code, orders.NumberKey(out[i].Code), out[i].Name}
	}
	if _, err := s.db.CopyFrom(ctx, pgx.Identifier{"customers"}, []string{"id", "code", "code_key", "name"},
		pgx.CopyFromRows(rows)); err != nil {
		return nil, fmt.Errorf("copy customers: %w", err)
	}
	return out, nil
}

// CopyOrders inserts orders in bulk with COPY, with their blocks, lines and
// history. Their customers and people must be stored already (with IDs).
func (s *Store) CopyOrders(ctx context.Context, batch []orders.TrackedOrder) error {
	ids, err := s.nextIDs(ctx, "orders", len(batch))
	if err != nil {
		return err
	}
	var orderRows, blockRows, lineRows, historyRows [][]any
	for i, oh := range batch {
		o := oh.Order
		if err := o.Validate(); err != nil {
			return err
		}
		id := ids[i]
		var rep, asst any
		if o.Rep != nil {
			rep = o.Rep.ID
		}
		if o.Assistant != nil {
			asst = o.Assistant.ID
		}
		blocks := o.Blocks
		if o.Status.Closed() {
			blocks = nil
		}
		kinds, blocksKey := orders.BlockKeys(blocks)
		orderRows = append(orderRows, []any{id, o.Number, orders.NumberKey(o.Number), o.Customer.ID, o.CustomerRef,
			orders.NumberKey(o.CustomerRef), rep, asst, string(o.Status), o.BlockReason, o.StatusSince,
			o.ExpectedRelease, centsToNumeric(o.AmountCents), o.Currency, o.OrderedOn, o.RequestedOn, o.PromisedOn,
			o.ClosedAt, kinds, blocksKey})
		for _, b := range blocks {
			blockRows = append(blockRows, []any{id, string(b.Kind), b.Reason, b.Since, b.ExpectedRelease})
		}
		for _, l := range o.Lines {
			lineRows = append(lineRows, []any{id, l.Number, l.Item, l.Description, l.Quantity, l.Available, l.RestockOn,
				l.Shipped, l.Carrier, l.Tracking})
		}
		for _, h := range oh.History {
			historyRows = append(historyRows, []any{id, nullIfEmpty(string(h.From)), string(h.To), h.Reason, h.At,
				h.Source, nullIfZero(h.ImportID)})
		}
	}
	copies := []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"orders", []string{"id", "number", "number_key", "customer_id", "customer_ref", "customer_ref_key",
			"rep_id", "assistant_id", "status", "block_reason", "status_since", "expected_release", "amount",
			"currency", "ordered_on", "requested_on", "promised_on", "closed_at", "block_kinds", "blocks_key"}, orderRows},
		{"order_blocks", []string{"order_id", "kind", "reason", "since", "expected_release"}, blockRows},
		{"order_lines", []string{"order_id", "line_no", "item", "description", "quantity", "available", "restock_on",
			"shipped", "carrier", "tracking"}, lineRows},
		{"status_history", []string{"order_id", "from_status", "to_status", "reason", "at", "source", "import_id"}, historyRows},
	}
	for _, c := range copies {
		if len(c.rows) == 0 {
			continue
		}
		if _, err := s.db.CopyFrom(ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromRows(c.rows)); err != nil {
			return fmt.Errorf("copy %s: %w", strings.ReplaceAll(c.table, "_", " "), err)
		}
	}
	return nil
}

// nextIDs reserves n identity values of table's id column.
func (s *Store) nextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	return ids, nil
}

// Analyze refreshes the planner's statistics, after a bulk load.
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.db.Exec(ctx, `ANALYZE people, customers, orders, order_blocks, order_lines, status_history`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullIfZero(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// Truncate empties the portfolio: every order, customer and person, and
// whatever names them (CASCADE: lines, credit positions, follows). It is
// for development databases that are refilled with generated data.
func (s *Store) Truncate(ctx context.Context) error {
	if _, err := s.db.Exec(ctx, `TRUNCATE alert_events, status_history, order_lines, order_blocks, orders, customer_credit,
		customers, customer_words, people, import_runs CASCADE`); err != nil {
		return fmt.Errorf("empty the portfolio: %w", err)
	}
	return nil
}
