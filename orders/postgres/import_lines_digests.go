package postgres

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/jackc/pgx/v5"
)

// keptDigest is what the last lines import kept of an order: the hash of
// its number, its ID, and the digest of its lines.
type keptDigest struct {
	key     uint64
	orderID int64
	digest  uint64
	// seen says whether the export's lines of the order were read: 0 not
	// yet, -1 staged, n > 0 skipped (n lines).
	seen int32
	// used marks a slot that holds an order; shared, the orders whose
	// numbers share a hash, which are left to the database to compare.
	used, shared bool
}

// keptDigests is what the last lines imports kept: an open-addressing
// table (linear probing, at most three quarters full) whose slot is the
// number hash itself scaled to the table, the hash being uniform. An order
// is found in one or two cache misses, where a binary search over two
// million orders made twenty, and the table needs no sorting: 32 bytes a
// slot.
type keptDigests struct {
	slots []keptDigest
	n     int // slots used
}

// newKeptDigests returns a table with room for n orders.
func newKeptDigests(n int) *keptDigests {
	return &keptDigests{slots: make([]keptDigest, n+n/3+1)}
}

// home returns the slot where a probe for key starts.
func (k *keptDigests) home(key uint64) int {
	hi, _ := bits.Mul64(key, uint64(len(k.slots)))
	return int(hi)
}

// add keeps d; an order whose number has the hash of another's makes both
// unknown.
func (k *keptDigests) add(d keptDigest) {
	if 4*(k.n+1) > 3*len(k.slots) {
		bigger := newKeptDigests(2 * len(k.slots))
		for _, s := range k.slots {
			if s.used {
				bigger.put(s)
			}
		}
		*k = *bigger
	}
	k.put(d)
}

// put keeps d in a table with room for it.
func (k *keptDigests) put(d keptDigest) {
	i := k.home(d.key)
	for k.slots[i].used {
		if k.slots[i].key == d.key {
			k.slots[i].shared = true
			return
		}
		if i++; i == len(k.slots) {
			i = 0
		}
	}
	d.used = true
	k.slots[i] = d
	k.n++
}

// find returns the kept digest of the order whose number hashes to key, or
// nil.
func (k *keptDigests) find(key uint64) *keptDigest {
	if k == nil || len(k.slots) == 0 {
		return nil
	}
	for i := k.home(key); k.slots[i].used; {
		if s := &k.slots[i]; s.key == key {
			if s.shared {
				return nil
			}
			return s
		}
		if i++; i == len(k.slots) {
			i = 0
		}
	}
	return nil
}

// lineDigests reads the digests of the orders' lines kept by the last
// lines imports. Two orders whose numbers share a hash are left out: their
// lines are compared in the database.
func (s *Store) lineDigests(ctx context.Context) (*keptDigests, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM line_digests`).Scan(&n); err != nil {
		return nil, fmt.Errorf("import lines: digests: %w", err)
	}
	known := newKeptDigests(n)
	rows, err := s.db.Query(ctx, `SELECT order_id, number_hash, digest FROM line_digests`)
	if err != nil {
		return nil, fmt.Errorf("import lines: digests: %w", err)
	}
	defer rows.Close()
	// Bigints in the binary format are read as they come, without the
	// scanning of each into Go values.
	raw := true
	for _, f := range rows.FieldDescriptions() {
		raw = raw && f.Format == pgx.BinaryFormatCode
	}
	var id, key, digest int64
	for rows.Next() {
		if v := rows.RawValues(); raw && len(v) == 3 && len(v[0]) == 8 && len(v[1]) == 8 && len(v[2]) == 8 {
			id, key, digest = int64(binary.BigEndian.Uint64(v[0])), int64(binary.BigEndian.Uint64(v[1])), int64(binary.BigEndian.Uint64(v[2]))
		} else if err := rows.Scan(&id, &key, &digest); err != nil {
			return nil, fmt.Errorf("import lines: digests: %w", err)
		}
		known.add(keptDigest{orderID: id, key: uint64(key), digest: uint64(digest)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("import lines: digests: %w", err)
	}
	return known, nil
}
