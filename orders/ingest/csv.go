package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync/atomic"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvSource reads a CSV file's records.
type csvSource struct {
	name   string
	cr     *csvLines
	off    int // lines before the CSV reader's first: a "sep=;" line
	closer io.Closer
	done   *atomic.Int64
	size   int64
}

// Byte order marks.
var (
	bomUTF8    = []byte("\xEF\xBB\xBF")
	bomUTF16LE = []byte("\xFF\xFE")
	bomUTF16BE = []byte("\xFE\xFF")
)

// openCSV sets up decoding and CSV parsing of br, whose first bytes are
// head (all of them when full): the encoding from a byte order mark, the
// profile, or the bytes themselves (see decodeMode); the separator from the
// profile, a "sep=" line as Excel writes it, or the header line.
func openCSV(name string, br *bufio.Reader, head []byte, full bool, c *compiled, closer io.Closer, done *atomic.Int64, size int64, lim Limits) (*csvSource, error) {
	var dec transform.Transformer
	var d *decoder
	crLines := false
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		d = newDecoder(decodeBOM, false, nil, false)
	case bytes.HasPrefix(head, bomUTF16LE), c.encoding == "utf-16" && !bytes.HasPrefix(head, bomUTF16BE):
		dec = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case bytes.HasPrefix(head, bomUTF16BE):
		dec = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	default:
		mode := decodeDetect
		switch c.encoding {
		case "utf-8":
			mode = decodeUTF8
		case "windows-1252":
			mode = decode1252
		}
		// Old Mac files end lines in CR alone: no LF at all in the first
		// 64 KiB, and CRs.
		crLines = bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0
		d = newDecoder(mode, crLines, head, full)
	}
	// A byte order mark says the encoding, and goes.
	for _, bom := range [][]byte{bomUTF8, bomUTF16LE, bomUTF16BE} {
		if bytes.HasPrefix(head, bom) {
			if _, err := br.Discard(len(bom)); err != nil {
				return nil, fileError(name, "cannot be read: %v", err)
			}
			break
		}
	}
	if d != nil {
		dec = d
	}
	var decoded io.Reader = transform.NewReader(br, dec)
	if crLines {
		decoded = crReader{decoded}
	}
	text := bufio.NewReaderSize(decoded, sniffSize)
	peek, err := text.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(name, err)
	}
	if d != nil {
		if err := d.headVerdict(); err != nil {
			return nil, readError(name, err)
		}
	}
	s := &csvSource{name: name, closer: closer, done: done, size: size}
	sep := c.sep
	if line, rest, ok := bytes.Cut(peek, []byte("\n")); ok || len(peek) < sniffSize {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 5 && bytes.EqualFold(line[:4], []byte("sep=")) && bytes.IndexByte([]byte(",;\t|"), line[4]) >= 0 {
			if sep == 0 {
				sep = rune(line[4])
			}
			if _, err := text.Discard(len(peek) - len(rest)); err != nil {
				return nil, readError(name, err)
			}
			s.off = 1
			peek = rest
		}
	}
	if sep == 0 {
		sep = detectSeparator(peek)
	}
	s.cr = newCSVLines(newCSVLimiter(text, byte(sep), lim, 1+s.off), byte(sep))
	return s, nil
}

// readError is the final error of a file that cannot be read further: a
// byte its encoding cannot read, with its line, a limit passed, reading
// interrupted, or what the system said.
func readError(name string, err error) error {
	var de *decodeError
	var le *limitError
	switch {
	case errors.As(err, &de):
		return lineError(name, de.Line, "%s", de.Msg)
	case errors.As(err, &le):
		return le.message(name, nil)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: reading stopped: %w", name, err)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path once, not "f.csv: cannot be read: read f.csv: ..."
	}
	return fileError(name, "cannot be read: %v", err)
}

// detectSeparator returns the most frequent of ';', '\t', ',' and '|'
// outside quotes in the first line that holds anything else, preferring
// them in that order on a tie.
func detectSeparator(b []byte) rune {
	candidates := [...]byte{';', '\t', ',', '|'}
	// counts are those of the current line; all, of every line scanned,
	// decide when no line holds anything but separators.
	var counts, all [len(candidates)]int
	inQuotes, started := false, false
scan:
	for _, ch := range b {
		switch {
		case ch == '"':
			inQuotes = !inQuotes
			started = true
		case inQuotes:
		case ch == '\n':
			if started {
				break scan
			}
			counts = [len(candidates)]int{}
		case ch == ' ' || ch == '\r':
		default:
			if i := bytes.IndexByte(candidates[:], ch); i >= 0 {
				counts[i]++
				all[i]++
			} else {
				started = true
			}
		}
	}
	if !started {
		counts = all
	}
	best := 0
	for i := range candidates {
		if counts[i] > counts[best] {
			best = i
		}
	}
	if counts[best] == 0 {
		return ','
	}
	return rune(candidates[best])
}

// next implements rowSource.
func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.cr.Read()
	if err == nil {
		return rec, s.cr.recLine + s.off, nil
	}
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrFieldCount)) {
		return nil, pe.StartLine + s.off, &RowError{File: s.name, Line: pe.StartLine + s.off, Problem: "the row is not valid CSV: " + pe.Err.Error()}
	}
	var le *limitError
	if errors.As(err, &le) {
		return nil, le.line, le // the reader names the column
	}
	return nil, 0, readError(s.name, err)
}

// progress implements rowSource: bytes.
func (s *csvSource) progress() (int64, int64) {
	total := s.size
	if total < 0 {
		total = 0
	}
	return s.done.Load(), total
}

// close implements rowSource.
func (s *csvSource) close() error {
	if s.closer == nil {
		return nil
	}
	return s.closer.Close()
}
