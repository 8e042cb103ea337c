package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// sniffSize is how much of a file decides what it is, its encoding and its
// separator.
const sniffSize = 64 << 10

// rowSource is a table read row by row: a CSV file or an XLSX sheet.
type rowSource interface {
	// next returns the next row's cells and the line (or sheet row) it
	// starts on; io.EOF at the end; a *RowError for a row that cannot be
	// read, after which reading goes on; any other error is final.
	next() (cells []string, line int, err error)
	// progress returns how far reading is, in units of the source's own.
	progress() (done, total int64)
	close() error
}

// Reader reads an export's rows one at a time and maps each to an
// orders.Entry through a Profile. It holds a few batches of rows at a
// time (a goroutine reads them ahead while the caller maps the rows it
// has), whatever the size of the file, within its Limits (an XLSX workbook
// is opened by excelize, which streams large sheets through temporary
// files, once its parts are checked). A Reader is not safe for concurrent
// use, except Progress.
type Reader struct {
	name   string
	c      *compiled
	src    rowSource
	xlsx   bool
	header []string // the header row's texts, trimmed
	// width is the number of header cells up to the last non-blank one.
	width  int
	col    [numFields]int // the column feeding each field, or -1
	blocks []blockIndex
	// extra is the column of each of the profile's further columns
	// (compiled.extra), or -1 for one it leaves out.
	extra []int
	// Lookups of the ERP's words, by the raw cell: exports repeat a handful
	// of values a million times.
	statusCache map[string]statusHit
	// defaultHit is the profile's default status, for a blank status cell.
	defaultHit statusHit
	// lastStatus is the status word last looked up, and what it gave.
	lastStatus struct {
		word string
		hit  statusHit
	}
	// blockSlab is the block the entries' blocks are taken from
	// (keepBlocks).
	blockSlab []orders.Block
	// dates is the block the entries' dates are taken from (newDate).
	dates []time.Time
	// ahead reads the rows after the header ahead, from the first Next.
	ahead  *readAhead
	err    error // final: every later Next returns it
	closed bool
	ctx    context.Context
	lim    Limits
	rows   int64 // rows read after the header, blank ones left out
	// seed is the seed of the rows' digests (profileSeed), digestBuf
	// where a row is laid out to be hashed, and skip what SkipWhen set.
	seed       uint64
	digestBuf  []byte
	digestCols []int
	skip       func(number string, line int, digest uint64) bool
}

// blockIndex is where a block column and its reason sit in the row.
type blockIndex struct {
	compiledBlock
	col, reason int // reason is -1 without a reason column
	cache       map[string]blockHit
}

// statusHit is a status column value looked up.
type statusHit struct {
	status orders.Status
	ok     bool
	// What the status says of the order (orders.Status's Blocked and
	// Closed).
	blocked, closed bool
}

// blockHit is a block column value looked up.
type blockHit struct {
	kind orders.Status // "" for no block
	ok   bool
}

// maxCache bounds the lookup caches: a column of free text must not grow
// them without end.
const maxCache = 4096

// Open opens the export at path and reads its header, so that a file that
// is not a table, is empty, or lacks a column the profile maps is refused at
// once with one line naming it. Whether it is CSV or XLSX is decided by its
// content (the profile's format, when set, must agree). Messages name the
// file as path is written. Open reads under DefaultLimits and cannot be
// interrupted: see OpenContext.
func Open(path string, p Profile) (*Reader, error) {
	return OpenContext(context.Background(), path, p, Limits{})
}

// OpenContext is Open under lim, reading (now and in Next) until ctx ends:
// a Reader whose context ended returns its error, a final one. A path that
// is not a regular file (a folder, a FIFO, a device) is refused before it
// is read.
func OpenContext(ctx context.Context, path string, p Profile, lim Limits) (*Reader, error) {
	c, ps := p.compile()
	r, err := openCompiled(ctx, path, c, ps, lim)
	if err != nil {
		return nil, err
	}
	r.seed = profileSeed(p, r.lim)
	return r, nil
}

// openCompiled opens the export at path through c, a profile compiled
// with the problems ps, as OpenContext does.
func openCompiled(ctx context.Context, path string, c *compiled, ps []Problem, lim Limits) (*Reader, error) {
	if len(ps) > 0 {
		return nil, fileError(path, "the profile is not valid: %v", &ProfileError{Problems: ps})
	}
	lim = lim.orDefault()
	f, size, err := openRegular(path, lim)
	if err != nil {
		return nil, err
	}
	r, err := newReader(ctx, path, f, f, size, path, c, lim)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return r, nil
}

// NewReader reads an export from r, named name in messages, as Open does. A
// stream holding an XLSX workbook is read into memory whole (excelize needs
// random access); use Open for large workbooks. Progress knows the total
// when r has a Size method (bytes.Reader, strings.Reader) or is a file.
// NewReader reads under DefaultLimits and cannot be interrupted: see
// NewReaderContext.
func NewReader(name string, r io.Reader, p Profile) (*Reader, error) {
	return NewReaderContext(context.Background(), name, r, p, Limits{})
}

// NewReaderContext is NewReader under lim, reading until ctx ends.
func NewReaderContext(ctx context.Context, name string, r io.Reader, p Profile, lim Limits) (*Reader, error) {
	c, ps := p.compile()
	if len(ps) > 0 {
		return nil, fileError(name, "the profile is not valid: %v", &ProfileError{Problems: ps})
	}
	lim = lim.orDefault()
	size := int64(-1)
	switch s := r.(type) {
	case interface{ Size() int64 }:
		size = s.Size()
	case interface{ Stat() (fs.FileInfo, error) }:
		if st, err := s.Stat(); err == nil {
			size = st.Size()
		}
	}
	if size > lim.MaxFileBytes {
		return nil, tooBig(name, size, lim)
	}
	rd, err := newReader(ctx, name, r, nil, size, "", c, lim)
	if err != nil {
		return nil, err
	}
	rd.seed = profileSeed(p, lim)
	return rd, nil
}

// newReader sniffs raw, opens the right kind of source and reads the
// header. closer, if any, is closed with the Reader; path, if any, lets
// excelize read the workbook from disk rather than from memory.
func newReader(ctx context.Context, name string, raw io.Reader, closer io.Closer, size int64, path string, c *compiled, lim Limits) (*Reader, error) {
	var done atomic.Int64
	br := bufio.NewReaderSize(&countingReader{r: ctxReader{ctx: ctx, r: raw}, n: &done, max: lim.MaxFileBytes}, sniffSize)
	head, err := br.Peek(sniffSize)
	full := err != nil
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fileError(name, "cannot be read: %v", err)
	}
	kind := sniff(head, c.encoding == "utf-16")
	switch kind {
	case contentEmpty:
		return nil, fileError(name, "the file is empty")
	case contentOLE:
		return nil, fileError(name, "an old Excel file (.xls) or a password-protected workbook, not a CSV or XLSX file: save it as .xlsx or .csv")
	case contentBinary:
		return nil, fileError(name, "not a CSV or XLSX file")
	case contentUTF16:
		return nil, fileError(name, "UTF-16 text without a byte order mark: set encoding: utf-16 in the profile")
	}
	got := "csv"
	if kind == contentZip {
		got = "xlsx"
	}
	if c.format != "" && c.format != got {
		what := "a CSV file"
		if got == "xlsx" {
			what = "an XLSX file"
		}
		return nil, fileError(name, "%s, but the profile's format is %s", what, c.format)
	}
	r := &Reader{name: name, c: c, ctx: ctx, lim: lim, statusCache: map[string]statusHit{}, defaultHit: newStatusHit(c.defaultStatus, true)}
	if got == "xlsx" {
		r.xlsx = true
		if closer != nil {
			_ = closer.Close() // the workbook is opened by its path
		}
		r.src, err = openXLSX(ctx, name, path, br, c.sheet, lim)
	} else {
		r.src, err = openCSV(name, br, head, full, c, closer, &done, size, lim)
	}
	if err != nil {
		return nil, err
	}
	if err := r.readHeader(); err != nil {
		_ = r.src.close()
		return nil, err
	}
	return r, nil
}

// plural writes n things.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// countingReader counts the bytes read through it, for Progress, and
// stops past max.
type countingReader struct {
	r   io.Reader
	n   *atomic.Int64
	max int64
}

// Read implements io.Reader.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n.Add(int64(n)) > c.max {
		return n, &limitError{field: -1, msg: "the file is longer than " + limitText(keyMaxFileBytes, c.max, "bytes")}
	}
	return n, err
}

// blank reports whether every cell is blank.
func blank(cells []string) bool {
	for _, v := range cells {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// readHeader takes the first non-blank row as the header and finds in it
// every column the profile maps.
func (r *Reader) readHeader() error {
	var cells []string
	headerLine := 0
	for {
		row, line, err := r.src.next()
		var bad *RowError
		var le *limitError
		switch {
		case errors.As(err, &le):
			return le.message(r.name, nil)
		case err == io.EOF:
			if x, ok := r.src.(*xlsxSource); ok {
				return fileError(r.name, "the sheet %q is empty", x.sheet)
			}
			return fileError(r.name, "the file is empty")
		case errors.As(err, &bad):
			return orders.Errorf(orders.EInvalid, "%s", bad.Error())
		case err != nil:
			return err
		}
		if !blank(row) {
			cells, headerLine = row, line
			break
		}
	}
	r.header = make([]string, len(cells))
	index := map[string]int{}
	twice := map[string]bool{}
	for i, h := range cells {
		if CheckNUL(h) != nil {
			return lineError(r.name, headerLine, "column %d: the header holds a NUL byte (\\0), which no text may hold", i+1)
		}
		r.header[i] = Clean(h)
		if r.header[i] != "" {
			r.width = i + 1
		}
		k := fold(r.header[i])
		if _, ok := index[k]; ok {
			twice[k] = true
			continue
		}
		index[k] = i
	}
	var missing []string
	find := func(name string) int {
		k := fold(name)
		i, ok := index[k]
		if !ok || k == "" {
			missing = append(missing, fmt.Sprintf("%q", name))
			return -1
		}
		return i
	}
	var doubled []string
	check := func(name string) {
		if twice[fold(name)] {
			doubled = append(doubled, fmt.Sprintf("%q", name))
		}
	}
	for f := range numFields {
		r.col[f] = -1
		if h := r.c.columns[f]; h != "" {
			r.col[f] = find(h)
			check(h)
		}
	}
	for _, b := range r.c.blocks {
		bi := blockIndex{compiledBlock: b, col: find(b.column), reason: -1, cache: map[string]blockHit{}}
		check(b.column)
		if b.reasonColumn != "" {
			bi.reason = find(b.reasonColumn)
			check(b.reasonColumn)
		}
		r.blocks = append(r.blocks, bi)
	}
	r.extra = make([]int, len(r.c.extra))
	for i, h := range r.c.extra {
		r.extra[i] = -1
		if h != "" {
			r.extra[i] = find(h)
			check(h)
		}
	}
	if len(missing) > 0 {
		what := "no column " + missing[0]
		if len(missing) > 1 {
			what = "no columns " + strings.Join(missing, ", ")
		}
		return fileError(r.name, "%s (columns are: %s)", what, r.columnList())
	}
	if len(doubled) > 0 {
		return fileError(r.name, "the header has the column %s twice, so which one to read is unclear", strings.Join(doubled, ", "))
	}
	return nil
}

// columnList lists the header's texts for a message.
func (r *Reader) columnList() string {
	const most = 40
	var names []string
	for _, h := range r.header {
		if h != "" {
			names = append(names, Clip(h))
		}
	}
	if len(names) == 0 {
		return "none"
	}
	if len(names) > most {
		names = append(names[:most], "…")
	}
	return strings.Join(names, ", ")
}

// Next returns the next row's entry. At the end it returns io.EOF. A bad row
// gives a *RowError, and the next call goes on with the row after it, so
// that a caller can collect every bad row; any other error (the file cannot
// be read any further) is final and returned again by later calls. Rows
// SkipWhen's function leaves out are not returned.
func (r *Reader) Next() (orders.Entry, error) {
	for {
		cells, line, err := r.nextRow()
		if err != nil {
			return orders.Entry{}, err
		}
		digest := r.rowDigest(cells)
		// A row holding a control character anywhere (a NUL byte in a
		// column no field reads is still a bad row) is always read.
		if r.skip != nil && noControls(cells[:min(len(cells), len(r.header))]) {
			if number, ok := r.plainNumber(cells); ok && r.skip(number, line, digest) {
				continue
			}
		}
		e, err := r.entry(cells, line)
		if err == nil {
			e.RowDigest = digest
		}
		return e, err
	}
}

// nextRow returns the next non-blank row's cells and line, checked against
// the limits and the header's width: Next's reading, for every kind of
// profile. Its errors are Next's.
func (r *Reader) nextRow() ([]string, int, error) {
	if r.closed {
		return nil, 0, fileError(r.name, "the reader is closed")
	}
	if r.err != nil {
		return nil, 0, r.err
	}
	if r.ahead == nil {
		r.ahead = startReadAhead(r.src)
	}
	for {
		cells, line, err := r.ahead.next()
		if err != nil {
			var bad *RowError
			var le *limitError
			switch {
			case errors.As(err, &bad):
				return nil, 0, err
			case errors.As(err, &le):
				r.err = le.message(r.name, r.header)
			default:
				r.err = err
			}
			return nil, 0, r.err
		}
		if blank(cells) {
			continue
		}
		if r.rows++; r.rows > r.lim.MaxRows {
			r.err = lineError(r.name, line, "more than %s after the header", limitText(keyMaxRows, r.lim.MaxRows, "rows"))
			return nil, 0, r.err
		}
		if !r.xlsx && (len(cells) < r.width || (len(cells) > len(r.header) && !blank(cells[len(r.header):]))) {
			problem := fmt.Sprintf("the row has %s, but the header has %d", plural(len(cells), "field"), len(r.header))
			if len(cells) < r.width && slices.ContainsFunc(cells, func(v string) bool { return strings.Contains(v, "\n") }) {
				problem += ` (a quote (") opened on this line may not be closed)`
			}
			return nil, 0, &RowError{File: r.name, Line: line, Problem: problem}
		}
		return cells, line, nil
	}
}

// Progress says how far reading is: bytes read and the file's size for a
// CSV file, rows read and the sheet's last row for an XLSX sheet. total is
// 0 when unknown. Only the ratio is meant for display (a progress bar); it
// is safe to call while another goroutine calls Next.
func (r *Reader) Progress() (done, total int64) {
	return r.src.progress()
}

// Close stops reading ahead and releases the file (and excelize's
// temporary files). A Reader left before its end must be closed: its
// goroutine waits for it.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.ahead != nil {
		r.ahead.close()
	}
	return r.src.close()
}

// Name returns the file's name as messages write it.
func (r *Reader) Name() string { return r.name }

// Header returns the header row's texts, trimmed.
func (r *Reader) Header() []string { return append([]string(nil), r.header...) }

// Column returns the header text, as the file writes it, of the column
// feeding an order field (one of Fields), or "" when no column does.
func (r *Reader) Column(field string) string {
	f, ok := fieldByName(field)
	if !ok || r.col[f] < 0 {
		return ""
	}
	return r.header[r.col[f]]
}
