package postgres

import (
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/orderbot/orderbot/orders"
)

// lineCopyColumns are import_lines' columns in the order lineCopy writes
// them.
const lineCopyColumns = `row_no, number, line_no, item, description, quantity, available, restock_on, shipped,
	carrier, tracking, number_hash, digest, order_id, number_key, first_line`

// lineCopy is the lines to stage as COPY's text format reads them: an
// io.Reader that encodes the lines take gives as they are read. The
// quantities are written with 15 significant digits, as PostgreSQL casts a
// float8 to numeric, so that import_lines holds them as order_lines does
// (numeric(15, 3)) and comparing casts nothing; and the text format costs
// a fraction of pgx's encoding of each value of a row.
type lineCopy struct {
	take    func() (stagedLine, bool)
	buf     []byte // encoded, from off on not read yet
	off     int
	eof     bool
	n       int64 // lines encoded
	unknown int64 // of them, without their order's ID
}

func (c *lineCopy) Read(p []byte) (int, error) {
	// What the last read left (less than a line) goes first.
	if c.off > 0 {
		c.buf, c.off = c.buf[:copy(c.buf, c.buf[c.off:])], 0
	}
	for len(c.buf) < len(p) && !c.eof {
		sl, ok := c.take()
		if !ok {
			c.eof = true
			break
		}
		c.buf = c.appendLine(c.buf, sl)
		c.n++
	}
	if len(c.buf) == 0 {
		return 0, io.EOF
	}
	c.off = copy(p, c.buf)
	return c.off, nil
}

// appendLine appends sl as a line of COPY's text format.
func (c *lineCopy) appendLine(b []byte, sl stagedLine) []byte {
	r, l := sl.row, sl.row.Line
	b = strconv.AppendInt(b, int64(r.Row), 10)
	b = appendText(append(b, '\t'), r.Order)
	b = strconv.AppendInt(append(b, '\t'), int64(l.Number), 10)
	b = appendText(append(b, '\t'), l.Item)
	b = appendText(append(b, '\t'), l.Description)
	b = strconv.AppendFloat(append(b, '\t'), l.Quantity, 'g', 15, 64)
	b = strconv.AppendFloat(append(b, '\t'), l.Available, 'g', 15, 64)
	b = append(b, '\t')
	if l.RestockOn != nil {
		b = l.RestockOn.AppendFormat(b, "2006-01-02")
	} else {
		b = append(b, `\N`...)
	}
	b = strconv.AppendFloat(append(b, '\t'), l.Shipped, 'g', 15, 64)
	b = appendText(append(b, '\t'), l.Carrier)
	b = appendText(append(b, '\t'), l.Tracking)
	b = strconv.AppendInt(append(b, '\t'), int64(sl.key), 10)
	b = lineCopyInt(append(b, '\t'), sl.digest)
	b = lineCopyInt(append(b, '\t'), sl.orderID)
	b = append(b, '\t')
	if sl.orderID == nil {
		b = appendText(b, orders.NumberKey(r.Order))
		c.unknown++
	} else {
		b = append(b, `\N`...)
	}
	if sl.first {
		return append(b, "\tt\n"...)
	}
	return append(b, "\tf\n"...)
}

// lineCopyInt appends v, or NULL, as COPY's text format writes them.
func lineCopyInt(b []byte, v *int64) []byte {
	if v == nil {
		return append(b, `\N`...)
	}
	return strconv.AppendInt(b, *v, 10)
}

// copyLines stages lines from take into import_lines, returning how many,
// and how many of them without their order's ID.
func (s *Store) copyLines(ctx context.Context, take func() (stagedLine, bool)) (n, unknown int64, err error) {
	return s.copyLinesInto(ctx, "import_lines", take)
}

// copyLinesInto is copyLines into table, import_lines or a table of its
// columns.
func (s *Store) copyLinesInto(ctx context.Context, table string, take func() (stagedLine, bool)) (n, unknown int64, err error) {
	tx, ok := s.db.(interface{ Conn() *pgx.Conn })
	if !ok {
		return 0, 0, errors.New("import lines: staging lines needs a transaction")
	}
	c := &lineCopy{take: take}
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, c, `COPY `+table+` (`+lineCopyColumns+`) FROM STDIN`)
	return tag.RowsAffected(), c.unknown, err
}
