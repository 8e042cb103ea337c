package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
)

// csvLines reads CSV records as encoding/csv does (LazyQuotes, any number
// of fields, empty lines skipped, CRLF read as LF), splitting here the
// lines that hold no quote, most lines of an ERP's export, at about half
// encoding/csv's cost; a line holding a quote, and the lines its record
// goes on over, are read by encoding/csv. Line numbers count every line of
// the input, from 1.
type csvLines struct {
	br  *bufio.Reader
	sep byte
	// numLine is the number of lines read; recLine, the line the last
	// record started on.
	numLine, recLine int
	long             []byte // a line longer than br's buffer
	rec              []string
	// cr reads the records holding a quote, from feed.
	cr   *csv.Reader
	feed *lineFeed
}

// newCSVLines reads CSV records from r, fields separated by sep.
func newCSVLines(r io.Reader, sep byte) *csvLines {
	c := &csvLines{br: bufio.NewReaderSize(r, 64<<10), sep: sep}
	c.feed = &lineFeed{c: c}
	c.cr = csv.NewReader(c.feed)
	c.cr.Comma = rune(sep)
	c.cr.FieldsPerRecord = -1
	c.cr.LazyQuotes = true // Boulangerie "Le Fournil" stays as written
	c.cr.ReuseRecord = true
	return c
}

// rawLine reads the next line as it is (its line end included), or what
// is left before the end of the input, counting it.
func (c *csvLines) rawLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = c.br.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if len(line) > 0 {
		c.numLine++
	}
	return line, err
}

// Read returns the next record and an error as encoding/csv's Read does;
// a *csv.ParseError's lines count every line of the input.
func (c *csvLines) Read() ([]string, error) {
	for {
		line, err := c.rawLine()
		if len(line) == 0 {
			if err == nil {
				continue
			}
			return nil, err
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if bytes.IndexByte(line, '"') >= 0 {
			return c.quoted(line)
		}
		// encoding/csv's readLine: a CR before the end of the input is
		// dropped, CRLF read as LF; then an empty line is skipped.
		n := len(line)
		if line[n-1] == '\n' {
			n--
			if n > 0 && line[n-1] == '\r' {
				n--
			}
		} else if line[n-1] == '\r' {
			n--
		}
		if n == 0 {
			if err == io.EOF {
				return nil, io.EOF
			}
			continue
		}
		c.recLine = c.numLine
		str := string(line[:n])
		c.rec = c.rec[:0]
		for {
			i := bytes.IndexByte(line[:n], c.sep)
			if i < 0 {
				c.rec = append(c.rec, str)
				break
			}
			c.rec = append(c.rec, str[:i])
			str, line, n = str[i+1:], line[i+1:], n-i-1
		}
		return c.rec, nil
	}
}

// quoted reads, through encoding/csv, the record starting with line (read
// already, and counted).
func (c *csvLines) quoted(line []byte) ([]string, error) {
	c.recLine = c.numLine
	before := c.feed.lines
	c.feed.pending = append(c.feed.pending[:0], line...)
	c.feed.lines++
	rec, err := c.cr.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// encoding/csv counts the lines it was fed.
		shift := c.recLine - (before + 1)
		err = &csv.ParseError{StartLine: pe.StartLine + shift, Line: pe.Line + shift, Column: pe.Column, Err: pe.Err}
	}
	return rec, err
}

// lineFeed gives encoding/csv the line a record starts on, then the lines
// it asks for after it, one at a time, so that it never reads a line the
// record does not hold.
type lineFeed struct {
	c       *csvLines
	pending []byte
	lines   int // lines given so far
	err     error
}

// Read implements io.Reader.
func (f *lineFeed) Read(p []byte) (int, error) {
	if len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		line, err := f.c.rawLine()
		f.pending = append(f.pending[:0], line...)
		if len(line) > 0 {
			f.lines++
		}
		if err != nil {
			f.err = err
		}
		if len(f.pending) == 0 {
			return 0, f.err
		}
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}
