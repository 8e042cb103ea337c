package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// The reading of questions learns the words of one portfolio from these
// queries, after each import: the shapes of its order numbers, the block
// reasons its ERP writes, its customers' and people's names.

// RecentNumbers returns the numbers of the last limit orders stored: a
// sample that tells the shapes of the portfolio's numbers as they are
// written today.
func (s *Store) RecentNumbers(ctx context.Context, limit int) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT number FROM orders ORDER BY id DESC LIMIT $1`, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("recent order numbers: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("recent order numbers: %w", err)
	}
	return out, nil
}

// BlockReasons returns the reasons of the blocks holding open orders, by
// kind of block, with how many open orders each holds (an order blocked
// without blocks of its own counts with its status and block reason); at
// most limit of them, the most frequent first.
func (s *Store) BlockReasons(ctx context.Context, limit int) (map[orders.Status]map[string]int, error) {
	rows, err := s.db.Query(ctx, `SELECT kind, reason, count(*) FROM (
			SELECT b.kind, b.reason FROM order_blocks b JOIN orders o ON o.id = b.order_id
			WHERE o.closed_at IS NULL AND b.reason <> ''
			UNION ALL
			SELECT o.status, o.block_reason FROM orders o
			WHERE o.closed_at IS NULL AND o.block_kinds = '' AND o.status = ANY($1) AND o.block_reason <> ''
		) r GROUP BY kind, reason ORDER BY count(*) DESC, kind, reason LIMIT $2`,
		statusStrings(orders.BlockedStatuses()), listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("block reasons: %w", err)
	}
	defer rows.Close()
	out := map[orders.Status]map[string]int{}
	for rows.Next() {
		var kind, reason string
		var n int
		if err := rows.Scan(&kind, &reason, &n); err != nil {
			return nil, fmt.Errorf("block reasons: %w", err)
		}
		k := orders.Status(kind)
		if out[k] == nil {
			out[k] = map[string]int{}
		}
		out[k][reason] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("block reasons: %w", err)
	}
	return out, nil
}

// CustomerNames returns the names of at most limit customers, those with
// open orders first.
func (s *Store) CustomerNames(ctx context.Context, limit int) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT name FROM customers ORDER BY has_open DESC, id LIMIT $1`, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("customer names: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("customer names: %w", err)
	}
	return out, nil
}

// Directory returns the people of the directory, and the placeholders
// that orders named before it did, by name.
func (s *Store) Directory(ctx context.Context) ([]orders.Person, error) {
	rows, err := s.db.Query(ctx, `SELECT `+personColumns+` FROM people ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("the directory: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Person, error) { return scanPerson(r) })
	if err != nil {
		return nil, fmt.Errorf("the directory: %w", err)
	}
	return out, nil
}

// DataVersion returns when the data of the last orders import was
// extracted (known is false when nothing was imported yet), and the id of
// the last finished import run of any kind, orders or people: when it
// changes, an import may have brought new numbers, reasons, customers or
// people.
func (s *Store) DataVersion(ctx context.Context) (asOf time.Time, known bool, run int64, err error) {
	var at *time.Time
	err = s.db.QueryRow(ctx, `SELECT
			(SELECT as_of FROM import_runs WHERE kind = 'orders' AND finished_at IS NOT NULL ORDER BY as_of DESC, id DESC LIMIT 1),
			coalesce((SELECT max(id) FROM import_runs WHERE finished_at IS NOT NULL), 0)`).Scan(&at, &run)
	if err != nil {
		return time.Time{}, false, 0, fmt.Errorf("the last import: %w", err)
	}
	if at == nil {
		return time.Time{}, false, run, nil
	}
	return *at, true, run, nil
}

// ShortItems returns the items open orders are short of, each as a line
// with its code and description only, the most wanted first (by how many
// open orders are short of them); at most limit of them.
func (s *Store) ShortItems(ctx context.Context, limit int) ([]orders.Line, error) {
	rows, err := s.db.Query(ctx, `SELECT l.item, max(l.description) FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE `+shortLine+` AND o.closed_at IS NULL AND l.item <> ''
		GROUP BY l.item ORDER BY count(DISTINCT l.order_id) DESC, l.item LIMIT $1`, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("items short: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orders.Line, error) {
		var l orders.Line
		err := r.Scan(&l.Item, &l.Description)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("items short: %w", err)
	}
	return out, nil
}
