package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/cespare/xxhash/v2"
	"github.com/jackc/pgx/v5"
)

// restageOtherSpellings stages, with their order's ID, the lines skipped
// as unchanged of the orders that the export also names otherwise
// ("SO1234" and SO-001234): the lines found by number (or number key) are
// only part of such an order's, and replacing its lines by them alone
// would drop those skipped. It returns how many lines it staged. Only the
// orders found by number are looked at: few, on a daily export.
func (s *Store) restageOtherSpellings(ctx context.Context, src LineSource, g *lineStager) (int, error) {
	if g.unknown == 0 || g.known == nil || g.readErr != nil || src.Reopen == nil {
		return 0, nil
	}
	rows, err := s.db.Query(ctx, `SELECT DISTINCT d.number_hash FROM import_lines_known k
		JOIN line_digests d ON d.order_id = k.order_id
		WHERE k.first_line IS NULL AND d.number_hash <> k.number_hash`)
	if err != nil {
		return 0, fmt.Errorf("import lines: %w", err)
	}
	hashes, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("import lines: %w", err)
	}
	skipped := map[uint64]*keptDigest{}
	for _, h := range hashes {
		if kept := g.known.find(uint64(h)); kept != nil && kept.seen > 0 {
			skipped[uint64(h)] = kept
		}
	}
	if len(skipped) == 0 {
		return 0, nil
	}
	next, err := src.Reopen()
	if err != nil {
		return 0, err
	}
	var readErr error
	n, _, err := s.copyLinesInto(ctx, "import_lines_known", func() (stagedLine, bool) {
		for {
			r, err := next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				return stagedLine{}, false
			}
			key := xxhash.Sum64String(r.Order)
			if kept := skipped[key]; kept != nil {
				// No digest: the order's lines came in more than one group.
				return stagedLine{row: r, key: key, orderID: &kept.orderID}, true
			}
		}
	})
	switch {
	case readErr != nil && !isInputErrors(readErr):
		return 0, readErr
	case err != nil:
		return 0, fmt.Errorf("import lines: load again: %w", err)
	}
	for _, kept := range skipped {
		g.unchangedRows -= int(kept.seen)
		g.unchangedOrders--
		kept.seen = -1
	}
	return int(n), nil
}
