package postgres

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// stagingColumns are the columns of the import's staging table, in the
// order copyEntries writes them.
const stagingColumns = `line, row_key, number, number_key, customer_code, customer_code_key, customer_name, customer_ref,
	customer_ref_key, rep, assistant, status, bk_kinds, bk_reasons, bk_releases, block_kinds, blocks_key,
	block_reason, amount, currency, ordered_on, requested_on, promised_on, expected_release`

// copyEntries streams the entries next yields into the staging table, in
// COPY's text format: PostgreSQL parses text faster than pgx encodes values
// one by one, and the entries are read and written by one goroutine while
// the server loads them on another core. It returns how many entries it
// loaded, the order numbers that may appear twice (a Bloom filter's
// suspects, for the database to check), and the error next ended with
// other than io.EOF, if any.
func (s *Store) copyEntries(ctx context.Context, table string, next func() (orders.Entry, error)) (int, []string, error, error) {
	tx, ok := s.db.(pgx.Tx)
	if !ok {
		return 0, nil, nil, errors.New("import: the staging table is loaded inside a transaction")
	}
	pr, pw := io.Pipe()
	var (
		rows     int
		suspects []string
		readErr  error
		done     = make(chan struct{})
		batches  = make(chan []orders.Entry, 8)
		stop     = make(chan struct{})
	)
	// One goroutine reads the export, another writes COPY's lines: parsing
	// and encoding each take a core's share while the server loads.
	go func() {
		defer close(batches)
		batch := make([]orders.Entry, 0, 512)
		for {
			e, err := next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				break
			}
			batch = append(batch, e)
			if len(batch) == cap(batch) {
				select {
				case batches <- batch:
				case <-stop:
					return
				}
				batch = make([]orders.Entry, 0, 512)
			}
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-stop:
			}
		}
	}()
	go func() {
		defer close(done)
		w := bufio.NewWriterSize(pw, 256<<10)
		var line, out, sum []byte
		h := fnv.New128a()
		seen := newBloom()
		for batch := range batches {
			for _, e := range batch {
				rows++
				if seen.add(e.Number) && len(suspects) < maxSuspects {
					suspects = append(suspects, e.Number)
				}
				line = appendEntry(line[:0], e)
				// The row's digest covers everything but its line number.
				h.Reset()
				tab := bytes.IndexByte(line, '\t')
				h.Write(line[tab:])
				sum = h.Sum(sum[:0])
				out = strconv.AppendInt(out[:0], int64(e.Line), 10)
				out = append(out, '\t')
				out = hex.AppendEncode(out, sum)
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
		}
		_ = pw.CloseWithError(w.Flush())
	}()
	_, err := tx.Conn().PgConn().CopyFrom(ctx, pr, `COPY `+table+` (`+stagingColumns+`) FROM STDIN`)
	_ = pr.Close() // unblocks the writer if the server gave up
	<-done
	if err != nil {
		return rows, suspects, readErr, fmt.Errorf("import: load the export: %w", err)
	}
	return rows, suspects, readErr, nil
}

// maxSuspects bounds the numbers the Bloom filter suspects of appearing
// twice; past it, the database checks every number.
const maxSuspects = 100_000

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
