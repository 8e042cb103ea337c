package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvSource reads a CSV file's records.
type csvSource struct {
	name   string
	cr     *csv.Reader
	off    int // lines before the CSV reader's first: a "sep=;" line
	closer io.Closer
	done   *atomic.Int64
	size   int64
	// hint says why headers may not match: the profile's encoding is
	// not the one the file looks like.
	hint string
}

// openCSV sets up decoding and CSV parsing of br, whose first bytes are
// head (all of them when full): the encoding from the profile, a byte order
// mark, or the look of head; the separator from the profile, a "sep=" line
// as Excel writes it, or the header line.
func openCSV(name string, br *bufio.Reader, head []byte, full bool, c *compiled, closer io.Closer, done *atomic.Int64, size int64) (*csvSource, error) {
	var fallback transform.Transformer
	switch {
	case c.encoding == "utf-8":
		fallback = unicode.UTF8.NewDecoder()
	case c.encoding == "windows-1252":
		fallback = charmap.Windows1252.NewDecoder()
	case c.encoding == "utf-16":
		fallback = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case validUTF8Prefix(head, full):
		fallback = utf8Or1252{}
	default:
		fallback = charmap.Windows1252.NewDecoder()
	}
	// A byte order mark overrides everything, and goes.
	text := bufio.NewReaderSize(transform.NewReader(br, unicode.BOMOverride(fallback)), sniffSize)
	peek, err := text.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fileError(name, "cannot be read: %v", err)
	}
	s := &csvSource{name: name, closer: closer, done: done, size: size}
	utf8Like := validUTF8Prefix(head, full)
	switch {
	case bytes.HasPrefix(head, []byte("\xFF\xFE")) || bytes.HasPrefix(head, []byte("\xFE\xFF")) || bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
	case c.encoding == "windows-1252" && utf8Like && bytes.ContainsFunc(head, func(r rune) bool { return r >= utf8.RuneSelf }):
		s.hint = "the file looks like UTF-8, but the profile's encoding is windows-1252"
	case c.encoding == "utf-8" && !utf8Like:
		s.hint = "the file looks like Windows-1252, but the profile's encoding is utf-8"
	}
	sep := c.sep
	if line, rest, ok := bytes.Cut(peek, []byte("\n")); ok || len(peek) < sniffSize {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 5 && bytes.EqualFold(line[:4], []byte("sep=")) && bytes.IndexByte([]byte(",;\t|"), line[4]) >= 0 {
			if sep == 0 {
				sep = rune(line[4])
			}
			if _, err := text.Discard(len(peek) - len(rest)); err != nil {
				return nil, fileError(name, "cannot be read: %v", err)
			}
			s.off = 1
			peek = rest
		}
	}
	if sep == 0 {
		sep = detectSeparator(peek)
	}
	s.cr = csv.NewReader(text)
	s.cr.Comma = sep
	s.cr.FieldsPerRecord = -1
	s.cr.LazyQuotes = true // Boulangerie "Le Fournil" stays as written
	s.cr.ReuseRecord = true
	return s, nil
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
		line, _ := s.cr.FieldPos(0)
		return rec, line + s.off, nil
	}
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrFieldCount)) {
		return nil, pe.StartLine + s.off, &RowError{File: s.name, Line: pe.StartLine + s.off, Problem: "the row is not valid CSV: " + pe.Err.Error()}
	}
	return nil, 0, fileError(s.name, "cannot be read: %v", err)
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
