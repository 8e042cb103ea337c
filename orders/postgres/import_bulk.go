package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// bulkTables are the tables a first load fills whose derived indexes it
// builds once the rows are in: the search words, trigram and text-search
// indexes of customers, the orders' lookups, the blocks' reason words and
// the history's.
var bulkTables = []string{"orders", "order_blocks", "status_history", "customers", "customer_words"}

// derivedIndex is an index dropped for a first load, to be built again.
type derivedIndex struct{ name, def string }

// dropDerivedIndexes drops the indexes of bulkTables that no constraint
// needs (primary keys and unique constraints stay: the import looks rows up
// through them), in the import's transaction, and returns their
// definitions for buildDerivedIndexes. Building an index over a million
// rows at once takes a fraction of the time of entering each row into it;
// until the transaction ends, questions about the tables wait for it (the
// store held no order before a first load), and a rollback or a crash
// leaves the indexes as they were.
func (s *Store) dropDerivedIndexes(ctx context.Context) ([]derivedIndex, error) {
	rows, err := s.db.Query(ctx, `SELECT ic.relname, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		WHERE t.relname = ANY($1) AND t.relnamespace = current_schema()::regnamespace
			AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		ORDER BY t.relname, ic.relname`, bulkTables)
	if err != nil {
		return nil, fmt.Errorf("import: derived indexes: %w", err)
	}
	idx, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (derivedIndex, error) {
		var d derivedIndex
		err := r.Scan(&d.name, &d.def)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("import: derived indexes: %w", err)
	}
	batch := &pgx.Batch{}
	for _, d := range idx {
		batch.Queue(`DROP INDEX ` + pgx.Identifier{d.name}.Sanitize())
	}
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("import: drop derived indexes: %w", err)
	}
	return idx, nil
}

// buildDerivedIndexes builds the indexes dropDerivedIndexes dropped, each
// in one pass over its table's rows, then gathers the tables' statistics:
// without them the first questions after a first load would be planned
// for empty tables (a scan of every order to find one).
func (s *Store) buildDerivedIndexes(ctx context.Context, idx []derivedIndex) error {
	if len(idx) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	batch.Queue(`SET LOCAL maintenance_work_mem = '256MB'`)
	for _, d := range idx {
		batch.Queue(d.def)
	}
	batch.Queue(`ANALYZE ` + strings.Join(bulkTables, ", "))
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("import: build derived indexes: %w", err)
	}
	return nil
}
