package ingest

import (
	"fmt"
	"strings"

	"github.com/orderbot/orderbot/orders"
)

// What the store can hold (orders/postgres/migrations): amounts are
// numeric(15, 2), and the text that PostgreSQL indexes (order numbers and
// their keys, customer codes and names, customers' references, people's
// e-mails, codes and names) must fit a B-tree entry, at most 2,704 bytes
// once normalised (unaccent may make a character longer). A row past these
// is a bad row naming its column, never a PostgreSQL error at the end of
// the import.
const (
	// MaxAmountCents is the largest amount, in cents, either way:
	// 9,999,999,999,999.99.
	MaxAmountCents = 999_999_999_999_999
	// MaxKeyBytes is the longest indexed text, in bytes of UTF-8.
	MaxKeyBytes = 500
)

// CheckNUL returns an invalid-input error when s holds a NUL byte, which
// no text of orderbot may hold: PostgreSQL's text cannot store it, and in
// an export it means a damaged file or one that is not text. Exports, the
// people file and the push API apply this one rule; the message, "holds a
// NUL byte (\0), which no text may hold", names no field: the caller says
// which.
func CheckNUL(s string) error {
	if strings.IndexByte(s, 0) < 0 {
		return nil
	}
	return orders.Errorf(orders.EInvalid, `holds a NUL byte (\0), which no text may hold`)
}

// tooLong returns the problem of an indexed text longer than MaxKeyBytes,
// or "".
func tooLong(v, what string) string {
	if len(v) <= MaxKeyBytes {
		return ""
	}
	return fmt.Sprintf("the text is %d bytes long, more than %s may be (%d)", len(v), what, MaxKeyBytes)
}

// amountTooLarge returns the problem of an amount the store cannot hold,
// or "".
func amountTooLarge(v string, cents int64) string {
	if cents <= MaxAmountCents && cents >= -MaxAmountCents {
		return ""
	}
	return fmt.Sprintf("%q is too large an amount (at most 9 999 999 999 999,99 either way)", Clip(v))
}
