package postgres

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// stagingColumns are the columns of the import's staging table, in the
// order copyEntries writes them.
const stagingColumns = `line, row_key, number, number_key, customer_code, customer_code_key, customer_name, customer_ref,
	customer_ref_key, rep, assistant, status, bk_kinds, bk_reasons, bk_releases, block_kinds, blocks_key,
	block_reason, amount, currency, ordered_on, requested_on, promised_on, expected_release`

// openOrders is what an import knows of the open orders before reading the
// export, in about 45 bytes an order whatever the size of the export: each
// order's id and the first half of its last import's digest, indexed by
// numberHash, and whether a row of the export named it yet (and which
// line).
type openOrders struct {
	seed maphash.Seed
	keys []openKey
	// slots index keys by hash, open addressing with linear probing: a
	// slot holds its key's index plus one (0 for an empty slot) in its low
	// 32 bits, and the high 32 bits of the key's hash.b, so that a lookup
	// reads one slot and the key it wants, rarely another: about two
	// cache misses, where a binary search over a million keys made twenty.
	slots []uint64
	seen  []uint64 // a bit per key
	lines []int32
	// last is the key found last: an export lists its orders in about the
	// order the store holds them (both follow the ERP's numbering), so that
	// the next row's order is most often the next key, found without a
	// probe of the slots (which costs two cache misses).
	last int
	// trusted says the digests tell an unchanged order: every open order
	// was compared under the directory the import reads names through.
	// Otherwise every row is staged and compared.
	trusted bool
}

type openKey struct {
	hash   numberKey
	digest uint64
	id     int64
}

// numberKey is a 128-bit hash of an order number: two numbers sharing one
// is not a thing to plan for (and twiceNamed would still catch it).
type numberKey struct{ a, b uint64 }

// slotIndex is the part of a slot holding its key's index plus one.
const slotIndex = 1<<32 - 1

// slot returns where a lookup of h starts: the low 32 bits of h.b scaled
// to the slots (the high ones are the slot's tag).
func (o *openOrders) slot(h numberKey) int {
	return int(uint64(uint32(h.b)) * uint64(len(o.slots)) >> 32)
}

// next returns the slot after i, the first after the last.
func (o *openOrders) next(i int) int {
	if i++; i == len(o.slots) {
		return 0
	}
	return i
}

// find returns the index of the order whose number hashes to h, or -1.
func (o *openOrders) find(h numberKey) int {
	if k := o.last + 1; k < len(o.keys) && o.keys[k].hash == h {
		o.last = k
		return k
	}
	k := o.probe(h)
	if k >= 0 {
		o.last = k
	}
	return k
}

// probe looks h up in the slots.
func (o *openOrders) probe(h numberKey) int {
	tag := h.b &^ slotIndex
	for i := o.slot(h); ; i = o.next(i) {
		v := o.slots[i]
		if v == 0 {
			return -1
		}
		if v&^slotIndex == tag {
			if k := int(v&slotIndex) - 1; o.keys[k].hash == h {
				return k
			}
		}
	}
}

// index builds the slots of o.keys; it reports false when two keys share
// a hash.
func (o *openOrders) index() bool {
	// Seven keys for ten slots: a lookup reads about two slots, side by
	// side, for some 11 bytes a key.
	o.slots = make([]uint64, len(o.keys)*10/7+2)
	for k, key := range o.keys {
		tag := key.hash.b &^ slotIndex
		for i := o.slot(key.hash); ; i = o.next(i) {
			v := o.slots[i]
			if v == 0 {
				o.slots[i] = tag | uint64(k+1)
				break
			}
			if v&^slotIndex == tag && o.keys[int(v&slotIndex)-1].hash == key.hash {
				return false
			}
		}
	}
	return true
}

func (o *openOrders) isSeen(i int) bool { return o.seen[i/64]&(1<<(i%64)) != 0 }

func (o *openOrders) markSeen(i int, line int) {
	o.seen[i/64] |= 1 << (i % 64)
	o.lines[i] = int32(line)
}

// numberHash keys an order number among the open orders: FNV-1a and a
// seeded maphash, 64 bits each. Both sides of a comparison are hashed in
// the same process, so the seed need not be stable.
func (o *openOrders) numberHash(s string) numberKey {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return numberKey{a: h, b: maphash.String(o.seed, s)}
}

// numberHashBytes is numberHash of a number held in bytes.
func (o *openOrders) numberHashBytes(s []byte) numberKey {
	h := uint64(14695981039346656037)
	for _, c := range s {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return numberKey{a: h, b: maphash.Bytes(o.seed, s)}
}

// openOrderDigests reads every open order's number, id and digest,
// streamed by COPY: the import then decides in Go, row by row as it reads
// the export, which rows leave their order unchanged, and sends the server
// only the others. It returns nil when two open numbers share a hash.
func (s *Store) openOrderDigests(ctx context.Context, expected int) (*openOrders, error) {
	tx, ok := s.db.(pgx.Tx)
	if !ok {
		return nil, errors.New("import: open orders are read inside a transaction")
	}
	known := &openOrders{seed: maphash.MakeSeed(), last: -1}
	keys := make([]openKey, 0, expected)
	w := &lineWriter{line: func(l []byte) error {
		number, rest, _ := bytes.Cut(l, []byte{'\t'})
		key, id, _ := bytes.Cut(rest, []byte{'\t'})
		n, ok := parseDecimal(id)
		if !ok {
			return fmt.Errorf("read open orders: order id %q", id)
		}
		var digest uint64
		if len(key) >= 16 {
			digest, _ = parseHex64(key[:16])
		}
		var h numberKey
		if bytes.IndexByte(number, '\\') < 0 {
			h = known.numberHashBytes(number)
		} else {
			h = known.numberHash(unescapeText(number))
		}
		keys = append(keys, openKey{hash: h, digest: digest, id: n})
		return nil
	}}
	if _, err := tx.Conn().PgConn().CopyTo(ctx, w,
		`COPY (SELECT number, import_key, id FROM orders WHERE closed_at IS NULL) TO STDOUT`); err != nil {
		return nil, fmt.Errorf("import: read open orders: %w", err)
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	known.keys = keys
	if !known.index() {
		// Two open numbers share a hash: not worth a cleverer index for a
		// once-in-a-lifetime event; the import compares every row.
		return nil, nil
	}
	known.seen, known.lines = make([]uint64, len(keys)/64+1), make([]int32, len(keys))
	return known, nil
}

// parseDecimal reads a non-negative decimal integer without allocating.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// parseHex64 reads 16 lower-case hexadecimal digits, as appendHex64 writes
// them, without allocating.
func parseHex64(b []byte) (uint64, bool) {
	var d uint64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			d = d<<4 | uint64(c-'0')
		case c >= 'a' && c <= 'f':
			d = d<<4 | uint64(c-'a'+10)
		default:
			return 0, false
		}
	}
	return d, true
}

// lineWriter calls line for every line written to it.
type lineWriter struct {
	buf  []byte
	line func([]byte) error
}

func (w *lineWriter) Write(p []byte) (int, error) {
	// COPY TO sends a row a message: most writes are one whole line,
	// handled where it lies, without copying it.
	rest := p
	if len(w.buf) > 0 {
		w.buf = append(w.buf, p...)
		rest = w.buf
	}
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		if err := w.line(rest[:i]); err != nil {
			return 0, err
		}
		rest = rest[i+1:]
	}
	// What is left of a line waits for the next write, in a buffer of its
	// own (p is the caller's, and rest may be the buffer itself).
	w.buf = append(w.buf[:0], rest...)
	return len(p), nil
}

func (w *lineWriter) flush() error {
	if len(w.buf) > 0 {
		return w.line(w.buf)
	}
	return nil
}

// unescapeText reads a field of COPY's text format.
func unescapeText(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		switch b[i] {
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'v':
			out = append(out, '\v')
		default:
			out = append(out, b[i])
		}
	}
	return string(out)
}

// loadResult is what copyEntries did.
type loadResult struct {
	rows      int // entries read
	unchanged int // entries whose order was open and unchanged, not staged
	// twice are the entries naming an open order an earlier entry named:
	// duplicates, unless their numbers only share a hash.
	twice   []twiceEntry
	readErr error // what next ended with, other than io.EOF
}

// twiceEntry is an entry naming an order an earlier line of the export named.
type twiceEntry struct {
	entry orders.Entry
	first int   // the earlier line
	id    int64 // the order
}

// copyEntries streams the entries next yields into the staging table, in
// COPY's text format: PostgreSQL parses text faster than pgx encodes values
// one by one. One goroutine reads the export and sorts its rows (see
// rowSorter), another encodes those to stage while the server loads them.
// When known trusts its digests, an entry naming an open order of known
// whose digest is unchanged is counted and not sent at all, which is most
// of them in a daily export; with skipRows (see ImportRequest.SkipRows),
// such a row is not even read into an entry. known (which may be nil)
// records what was seen.
func (s *Store) copyEntries(ctx context.Context, table string, known *openOrders,
	skipRows func(func(number string, line int, digest uint64) bool), next func() (orders.Entry, error)) (loadResult, error) {
	var res loadResult
	tx, ok := s.db.(pgx.Tx)
	if !ok {
		return res, errors.New("import: the staging table is loaded inside a transaction")
	}
	sorter := &rowSorter{known: known, res: &res}
	if skipRows != nil && known != nil && known.trusted {
		skipRows(sorter.skip)
		defer skipRows(nil)
	}
	pr, pw := io.Pipe()
	var (
		done    = make(chan struct{})
		batches = make(chan []stagedEntry, 8)
		stop    = make(chan struct{})
		// Batches the encoder is done with, to be filled again: reading
		// makes no garbage of its own.
		free = make(chan []stagedEntry, 10)
	)
	go func() {
		defer close(batches)
		res.readErr = readBatches(next, sorter.keep, batches, free, stop)
	}()
	go func() {
		defer close(done)
		w := bufio.NewWriterSize(pw, 256<<10)
		var line, out []byte
		for batch := range batches {
			for _, se := range batch {
				line = appendEntry(line[:0], se.entry)
				tab := bytes.IndexByte(line, '\t')
				out = strconv.AppendInt(out[:0], int64(se.entry.Line), 10)
				out = append(out, '\t')
				out = appendHex64(out, se.digest)
				out = append(out, line[tab:]...)
				if _, err := w.Write(out); err != nil {
					// The server stopped reading: CopyFrom reports why.
					close(stop)
					for range batches {
					}
					_ = pw.CloseWithError(err)
					return
				}
			}
			clear(batch) // no entry's texts outlive their row
			select {
			case free <- batch[:0]:
			default:
			}
		}
		_ = pw.CloseWithError(w.Flush())
	}()
	_, err := tx.Conn().PgConn().CopyFrom(ctx, pr, `COPY `+table+` (`+stagingColumns+`) FROM STDIN`)
	_ = pr.Close() // unblocks the writer if the server gave up
	<-done
	if err != nil {
		return res, fmt.Errorf("import: load the export: %w", err)
	}
	return res, nil
}

// stagedEntry is an entry to stage, with its digest.
type stagedEntry struct {
	entry  orders.Entry
	digest uint64
}

// rowSorter tells, row by row in the export's order, which rows are
// staged: not those naming an open order an earlier row named (kept in
// res.twice), nor, when known trusts its digests, those whose order's
// digest is unchanged. It counts the rows in res. Its methods run on the
// goroutine reading the export, one row after the other.
type rowSorter struct {
	known   *openOrders
	res     *loadResult
	scratch []byte
}

// keep sorts an entry read: it returns the entry's digest, and whether to
// stage it.
func (s *rowSorter) keep(e orders.Entry) (uint64, bool) {
	s.res.rows++
	digest := e.RowDigest
	if digest == 0 {
		digest, s.scratch = entryDigest(s.scratch, e)
	}
	k := s.known
	if k == nil {
		return digest, true
	}
	i := k.find(k.numberHash(e.Number))
	if i < 0 {
		return digest, true
	}
	if k.isSeen(i) {
		s.res.twice = append(s.res.twice, twiceEntry{entry: e, first: int(k.lines[i]), id: k.keys[i].id})
		return digest, false
	}
	k.markSeen(i, e.Line)
	if k.trusted && k.keys[i].digest == digest {
		s.res.unchanged++
		return digest, false
	}
	return digest, true
}

// skip sorts a row before it is read into an entry: it reports whether the
// row names, for the first time in the export, an open order whose digest
// it has (then counted as unchanged); any other row is read, and kept or
// not by keep.
func (s *rowSorter) skip(number string, line int, digest uint64) bool {
	k := s.known
	i := k.find(k.numberHash(number))
	if i < 0 || k.isSeen(i) || k.keys[i].digest != digest {
		return false
	}
	k.markSeen(i, line)
	s.res.rows++
	s.res.unchanged++
	return true
}

// readBatches sends the entries next yields that keep stages to batches,
// 512 at a time, filling again the batches it gets back from free, until
// next ends or stop is closed. It returns what next ended with, other
// than io.EOF.
func readBatches(next func() (orders.Entry, error), keep func(orders.Entry) (uint64, bool),
	batches chan<- []stagedEntry, free <-chan []stagedEntry, stop <-chan struct{}) error {
	batch := make([]stagedEntry, 0, 512)
	var readErr error
	for {
		e, err := next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		digest, ok := keep(e)
		if !ok {
			continue
		}
		batch = append(batch, stagedEntry{entry: e, digest: digest})
		if len(batch) == cap(batch) {
			select {
			case batches <- batch:
			case <-stop:
				return readErr
			}
			select {
			case batch = <-free:
			default:
				batch = make([]stagedEntry, 0, 512)
			}
		}
	}
	if len(batch) > 0 {
		select {
		case batches <- batch:
		case <-stop:
		}
	}
	return readErr
}

// entryDigest returns the digest of everything e states but its line
// number (the import_key of the order it writes), computed from the
// entry's fields without encoding the row, which only the rows that are
// staged need; scratch is reused from call to call. Each text is preceded
// by its length, so that no two different entries write the same bytes.
func entryDigest(scratch []byte, e orders.Entry) (uint64, []byte) {
	b := scratch[:0]
	text := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	date := func(d *time.Time) {
		if d == nil {
			b = append(b, 0)
			return
		}
		y, m, day := d.Date()
		b = binary.AppendVarint(append(b, 1), int64(y)*512+int64(m)*32+int64(day))
	}
	for _, s := range [...]string{e.Number, e.CustomerCode, e.CustomerName, e.CustomerRef, e.Rep, e.Assistant,
		string(e.Status), e.BlockReason, e.Currency} {
		text(s)
	}
	b = binary.AppendVarint(b, e.AmountCents)
	for _, d := range [...]*time.Time{e.OrderedOn, e.RequestedOn, e.PromisedOn, e.ExpectedRelease} {
		date(d)
	}
	blocks := e.Blocks
	if e.Status.Closed() {
		blocks = nil
	}
	b = binary.AppendUvarint(b, uint64(len(blocks)))
	for _, k := range blocks {
		text(string(k.Kind))
		text(k.Reason)
		date(k.ExpectedRelease)
	}
	return xxhash.Sum64(b), b
}

// appendEntry appends e as one line of COPY's text format.
func appendEntry(b []byte, e orders.Entry) []byte {
	blocks := e.Blocks
	if e.Status.Closed() {
		blocks = nil
	}
	kinds, all := orders.BlockKeys(blocks)
	sorted := blocks
	if len(blocks) > 1 {
		sorted = append([]orders.Block(nil), blocks...)
	}
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j].Kind < sorted[j-1].Kind; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	b = strconv.AppendInt(b, int64(e.Line), 10)
	for _, f := range []string{e.Number, orders.NumberKey(e.Number), e.CustomerCode, orders.NumberKey(e.CustomerCode),
		e.CustomerName, e.CustomerRef, orders.NumberKey(e.CustomerRef), e.Rep, e.Assistant, string(e.Status)} {
		b = appendText(append(b, '\t'), f)
	}
	// The blocks, as three arrays in the same order.
	if len(sorted) == 0 {
		b = append(b, "\t{}\t{}\t{}"...)
		return appendEntryTail(b, e, kinds, all)
	}
	b = append(b, '\t')
	b = appendArray(b, len(sorted), func(b []byte, i int) []byte { return appendArrayText(b, string(sorted[i].Kind)) })
	b = append(b, '\t')
	b = appendArray(b, len(sorted), func(b []byte, i int) []byte { return appendArrayText(b, sorted[i].Reason) })
	b = append(b, '\t')
	b = appendArray(b, len(sorted), func(b []byte, i int) []byte {
		if d := sorted[i].ExpectedRelease; d != nil {
			return appendDate(b, *d)
		}
		return append(b, "NULL"...)
	})
	return appendEntryTail(b, e, kinds, all)
}

// appendEntryTail appends the fields of e after its blocks.
func appendEntryTail(b []byte, e orders.Entry, kinds, all string) []byte {
	for _, f := range []string{kinds, all, e.BlockReason} {
		b = appendText(append(b, '\t'), f)
	}
	b = append(b, '\t')
	b = appendCents(b, e.AmountCents)
	b = appendText(append(b, '\t'), e.Currency)
	for _, d := range []*time.Time{e.OrderedOn, e.RequestedOn, e.PromisedOn, e.ExpectedRelease} {
		b = append(b, '\t')
		if d == nil {
			b = append(b, `\N`...)
		} else {
			b = appendDate(b, *d)
		}
	}
	return append(b, '\n')
}

// appendHex64 appends d as 16 hexadecimal digits.
func appendHex64(b []byte, d uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[d>>uint(shift)&0xf])
	}
	return b
}

// appendText appends s escaped for COPY's text format.
func appendText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendDate appends t as YYYY-MM-DD, faster than Format.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 1000 || y > 9999 {
		return t.AppendFormat(b, time.DateOnly)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// appendArray appends an array literal of n elements, each written by elem.
func appendArray(b []byte, n int, elem func([]byte, int) []byte) []byte {
	b = append(b, '{')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, i)
	}
	return append(b, '}')
}

// appendArrayText appends s as a quoted array element, escaped first for
// the array literal and then for COPY.
func appendArrayText(b []byte, s string) []byte {
	var q strings.Builder
	q.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			q.WriteByte('\\')
		}
		q.WriteRune(r)
	}
	q.WriteByte('"')
	return appendText(b, q.String())
}

// appendCents appends an amount in hundredths as a decimal number.
func appendCents(b []byte, c int64) []byte {
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	b = strconv.AppendInt(b, c/100, 10)
	b = append(b, '.')
	if c%100 < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, c%100, 10)
}
