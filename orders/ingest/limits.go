package ingest

import (
	"context"
	"fmt"
)

// Limits bound what reading one file may cost, so that a wrong file, a
// damaged one or a zip bomb is refused in one line, with where and the
// setting that refused it, instead of filling memory or the disk. Each is
// a setting of the configuration (named beside it); a zero or negative
// field takes its default (see DefaultLimits).
type Limits struct {
	// MaxFileBytes (import.max_file_bytes) is the largest file read.
	MaxFileBytes int64
	// MaxRows (import.max_rows) is the most rows read after the header,
	// blank rows left out.
	MaxRows int64
	// MaxFieldBytes (import.max_field_bytes) is the longest cell, in bytes
	// of UTF-8.
	MaxFieldBytes int64
	// MaxRowBytes (import.max_row_bytes) is the longest row, all its cells
	// together.
	MaxRowBytes int64
	// MaxXLSXUncompressedBytes (import.max_xlsx_uncompressed_bytes) is the
	// most an XLSX workbook may hold once unzipped, all its parts together.
	MaxXLSXUncompressedBytes int64
	// MaxSharedStrings (import.max_shared_strings) is the most strings an
	// XLSX workbook's shared string table may hold.
	MaxSharedStrings int64
}

// The configuration keys of the limits, as messages name them.
const (
	keyMaxFileBytes     = "import.max_file_bytes"
	keyMaxRows          = "import.max_rows"
	keyMaxFieldBytes    = "import.max_field_bytes"
	keyMaxRowBytes      = "import.max_row_bytes"
	keyMaxXLSXBytes     = "import.max_xlsx_uncompressed_bytes"
	keyMaxSharedStrings = "import.max_shared_strings"
)

// DefaultLimits returns the limits of a configuration that sets none: far
// above any real export, far below what would hurt.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes: 1 << 30, // 1 GiB: 5 million rows of a wide CSV export
		MaxRows:      5_000_000,
		// Excel's own limit, 32,767 characters, in UTF-8 at its widest.
		MaxFieldBytes:            128 << 10,
		MaxRowBytes:              1 << 20,
		MaxXLSXUncompressedBytes: 1 << 30,
		MaxSharedStrings:         1_000_000,
	}
}

// orDefault returns l with every unset field at its default.
func (l Limits) orDefault() Limits {
	d := DefaultLimits()
	for _, f := range []struct{ v, def *int64 }{
		{&l.MaxFileBytes, &d.MaxFileBytes}, {&l.MaxRows, &d.MaxRows}, {&l.MaxFieldBytes, &d.MaxFieldBytes},
		{&l.MaxRowBytes, &d.MaxRowBytes}, {&l.MaxXLSXUncompressedBytes, &d.MaxXLSXUncompressedBytes},
		{&l.MaxSharedStrings, &d.MaxSharedStrings},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// limitText writes a limit for a message: "import.max_field_bytes,
// 131072 bytes".
func limitText(key string, n int64, unit string) string {
	return fmt.Sprintf("%s, %d %s", key, n, unit)
}

// ctxReader reads r until ctx ends, so that Ctrl-C stops reading even in
// the middle of a long cell.
type ctxReader struct {
	ctx context.Context
	r   interface{ Read([]byte) (int, error) }
}

// Read implements io.Reader.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
