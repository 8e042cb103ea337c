package postgres

import (
	"context"
	"encoding/binary"
	"errors"
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
// table (linear probing; three quarters full when sized right, grown past
// seven eighths) whose slot is the number hash itself scaled to the table,
// the hash being uniform. An order is found in one or two cache misses,
// where a binary search over two million orders made twenty, and the table
// needs no sorting: 32 bytes a slot.
type keptDigests struct {
	slots []keptDigest
	n     int // slots used
	// touched sums what addAll read ahead, so that reading it is not
	// left out.
	touched int64
}

// newKeptDigests returns a table three quarters full with n orders.
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
	if 8*(k.n+1) > 7*len(k.slots) {
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

// addAll keeps the digests of batch. Their slots are read first, one
// after the other, so that the processor fetches them from memory all at
// once rather than one probe at a time.
func (k *keptDigests) addAll(batch []keptDigest) {
	if 8*(k.n+len(batch)) <= 7*len(k.slots) {
		var touched int64
		for i := range batch {
			touched += k.slots[k.home(batch[i].key)].orderID
		}
		k.touched += touched
	}
	for _, d := range batch {
		k.add(d)
	}
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

// findAll sets the kept digest of each group, or nil. The groups' slots
// are read first, one after the other (see addAll).
func (k *keptDigests) findAll(groups []lineGroup) {
	if k == nil || len(k.slots) == 0 {
		return
	}
	var touched int64
	for i := range groups {
		touched += k.slots[k.home(groups[i].key)].orderID
	}
	k.touched += touched
	for i := range groups {
		groups[i].kept = k.find(groups[i].key)
	}
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
	// Sized by the planner's estimate: counting them would read the table
	// once more, and the table grows should it be short by an eighth.
	var n int
	if err := s.db.QueryRow(ctx, `SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'line_digests'::regclass`).Scan(&n); err != nil {
		return nil, fmt.Errorf("import lines: digests: %w", err)
	}
	known := newKeptDigests(n + 1024)
	tx, ok := s.db.(interface{ Conn() *pgx.Conn })
	if !ok {
		return known, s.lineDigestRows(ctx, known)
	}
	// COPY's binary format, parsed as it comes: a third of the time of
	// reading the rows of a query, each value scanned.
	w := &digestCopy{known: known}
	if _, err := tx.Conn().PgConn().CopyTo(ctx, w,
		`COPY (SELECT order_id, number_hash, digest FROM line_digests) TO STDOUT WITH (FORMAT binary)`); err != nil {
		return nil, fmt.Errorf("import lines: digests: %w", err)
	}
	if !w.done || len(w.buf) > 0 {
		return nil, errors.New("import lines: digests: the copy ended early")
	}
	w.flush()
	return known, nil
}

// lineDigestRows reads the digests into known through a query.
func (s *Store) lineDigestRows(ctx context.Context, known *keptDigests) error {
	rows, err := s.db.Query(ctx, `SELECT order_id, number_hash, digest FROM line_digests`)
	if err != nil {
		return fmt.Errorf("import lines: digests: %w", err)
	}
	var id, key, digest int64
	_, err = pgx.ForEachRow(rows, []any{&id, &key, &digest}, func() error {
		known.add(keptDigest{orderID: id, key: uint64(key), digest: uint64(digest)})
		return nil
	})
	if err != nil {
		return fmt.Errorf("import lines: digests: %w", err)
	}
	return nil
}

// digestCopy reads line_digests' rows (three bigints) as COPY's binary
// format writes them, however the messages split them, into known, a
// batch at a time: stored one after the other without other work between
// them, they are stored in a fraction of the time.
type digestCopy struct {
	known *keptDigests
	buf   []byte
	batch []keptDigest
	head  bool // the header is read
	done  bool // the trailer is read
}

// copySignature begins COPY's binary format.
const copySignature = "PGCOPY\n\xff\r\n\x00"

func (w *digestCopy) Write(p []byte) (int, error) {
	data := p
	if len(w.buf) > 0 {
		w.buf = append(w.buf, p...)
		data = w.buf
	}
	n, err := w.parse(data)
	w.buf = append(w.buf[:0], data[n:]...)
	return len(p), err
}

// parse reads the whole rows at the start of b, returning how many bytes
// they took.
func (w *digestCopy) parse(b []byte) (int, error) {
	i := 0
	if !w.head {
		if len(b) < 19 {
			return 0, nil
		}
		if string(b[:11]) != copySignature {
			return 0, errors.New("import lines: digests: not COPY's binary format")
		}
		i = 19 + int(binary.BigEndian.Uint32(b[15:19]))
		if len(b) < i {
			return 0, nil
		}
		w.head = true
	}
	for !w.done && len(b)-i >= 2 {
		switch int16(binary.BigEndian.Uint16(b[i:])) {
		case -1:
			w.done = true
			return i + 2, nil
		case 3:
		default:
			return i, errors.New("import lines: digests: a row of other than three columns")
		}
		if len(b)-i < 38 {
			break
		}
		r := b[i+2 : i+38]
		if binary.BigEndian.Uint32(r) != 8 || binary.BigEndian.Uint32(r[12:]) != 8 || binary.BigEndian.Uint32(r[24:]) != 8 {
			return i, errors.New("import lines: digests: a row with other than three bigints")
		}
		w.batch = append(w.batch, keptDigest{orderID: int64(binary.BigEndian.Uint64(r[4:])),
			key: binary.BigEndian.Uint64(r[16:]), digest: binary.BigEndian.Uint64(r[28:])})
		if len(w.batch) == 1024 {
			w.flush()
		}
		i += 38
	}
	return i, nil
}

// flush stores the batch read.
func (w *digestCopy) flush() {
	w.known.addAll(w.batch)
	w.batch = w.batch[:0]
}
