package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// xmlScanner is a streaming lexer over the XML of a workbook part, for the
// checks that run before excelize reads it: it never holds more than one
// tag (up to maxTag bytes) and the first bytes of a text, whatever the size
// of the part, so that a part made to blow up a parser is measured without
// being parsed. It knows tags, text (character data and CDATA), comments,
// processing instructions and declarations, and nothing of namespaces but
// the prefix it drops from names. It is not a validating parser: excelize
// reads the part afterwards, and refuses what is not well-formed.
type xmlScanner struct {
	r      *bufio.Reader
	maxTag int
	tag    []byte // the current tag's bytes, between < and >
}

// xmlKind is what a token is.
type xmlKind int

const (
	xmlStart xmlKind = iota // <name attrs> or <name attrs/> (empty)
	xmlEnd                  // </name>
	xmlText                 // character data or CDATA
)

// xmlToken is one token; its slices are valid until the next call.
type xmlToken struct {
	kind  xmlKind
	name  []byte // the local name (prefix dropped)
	attrs []byte // a start tag's attributes, as written
	empty bool   // a start tag closed at once: <c r="A1"/>
	// size is a token's bytes as the part writes them: a text's length,
	// or a tag's with its < and >.
	size int64
	head []byte // a text's first bytes, up to textHead
}

// textHead is how much of a text a token keeps: enough for a number.
const textHead = 32

// errXMLTag is a tag longer than the scanner holds.
var errXMLTag = errors.New("a tag longer than 64 KiB")

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 64<<10), maxTag: 64 << 10}
}

// next reads the next token into t; io.EOF at the end of the part.
// Comments, processing instructions and declarations are skipped.
func (s *xmlScanner) next(t *xmlToken) error {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		if c != '<' {
			if err := s.r.UnreadByte(); err != nil {
				return err
			}
			return s.text(t)
		}
		skipped, err := s.markup(t)
		if err != nil || !skipped {
			return err
		}
	}
}

// text reads character data up to the next '<' or the end.
func (s *xmlScanner) text(t *xmlToken) error {
	*t = xmlToken{kind: xmlText, head: t.head[:0]}
	for {
		chunk, err := s.r.ReadSlice('<')
		n := len(chunk)
		if err == nil {
			n-- // the '<' starts the next token
		}
		t.add(chunk[:n])
		switch {
		case err == nil:
			return s.r.UnreadByte()
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return nil
		default:
			return err
		}
	}
}

// add counts b in a text token, keeping its first bytes.
func (t *xmlToken) add(b []byte) {
	t.size += int64(len(b))
	if room := textHead - len(t.head); room > 0 {
		t.head = append(t.head, b[:min(room, len(b))]...)
	}
}

// markup reads what follows a '<': a tag into t, or CDATA as text;
// skipped is true for a comment, a processing instruction or a
// declaration, which give no token.
func (s *xmlScanner) markup(t *xmlToken) (skipped bool, err error) {
	peek, _ := s.r.Peek(8)
	switch {
	case bytes.HasPrefix(peek, []byte("!--")):
		if _, err := s.r.Discard(3); err != nil {
			return false, err
		}
		_, err := s.skipTo("-->")
		return true, err
	case bytes.HasPrefix(peek, []byte("![CDATA[")):
		if _, err := s.r.Discard(8); err != nil {
			return false, err
		}
		*t = xmlToken{kind: xmlText, head: t.head[:0]}
		return false, s.cdata(t)
	case bytes.HasPrefix(peek, []byte("?")), bytes.HasPrefix(peek, []byte("!")):
		end := "?>"
		if peek[0] == '!' {
			end = ">"
		}
		if _, err := s.r.Discard(1); err != nil {
			return false, err
		}
		_, err := s.skipTo(end)
		return true, err
	}
	// A tag: up to the '>' that no quoted attribute value holds.
	s.tag = s.tag[:0]
	var quote byte
	for {
		chunk, err := s.r.ReadSlice('>')
		for _, c := range chunk {
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			}
		}
		if len(s.tag)+len(chunk) > s.maxTag {
			return false, errXMLTag
		}
		switch {
		case err == nil && quote == 0:
			s.tag = append(s.tag, chunk[:len(chunk)-1]...)
			return false, s.parseTag(t)
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
			s.tag = append(s.tag, chunk...)
		case errors.Is(err, io.EOF):
			return false, io.ErrUnexpectedEOF
		default:
			return false, err
		}
	}
}

// parseTag makes a token of the tag in s.tag.
func (s *xmlScanner) parseTag(t *xmlToken) error {
	b := s.tag
	*t = xmlToken{kind: xmlStart, head: t.head[:0], size: int64(len(b)) + 2}
	if len(b) > 0 && b[0] == '/' {
		t.kind = xmlEnd
		b = b[1:]
	}
	if len(b) > 0 && b[len(b)-1] == '/' {
		t.empty = true
		b = b[:len(b)-1]
	}
	end := bytes.IndexAny(b, " \t\r\n")
	if end < 0 {
		end = len(b)
	}
	t.name, t.attrs = b[:end], b[end:]
	// As encoding/xml splits a name: at its one colon between two parts.
	if i := bytes.IndexByte(t.name, ':'); i > 0 && i < len(t.name)-1 && bytes.Count(t.name, []byte{':'}) == 1 {
		t.name = t.name[i+1:]
	}
	return nil
}

// cdata reads a CDATA section's text, up to "]]>"; its head is left empty.
func (s *xmlScanner) cdata(t *xmlToken) error {
	n, err := s.skipTo("]]>")
	t.size = n - 3
	return err
}

// skipTo discards bytes up to and with end, and returns how many.
func (s *xmlScanner) skipTo(end string) (int64, error) {
	var win []byte // the last len(end) bytes read
	var n int64
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return n, io.ErrUnexpectedEOF
			}
			return n, err
		}
		n++
		if len(win) == len(end) {
			win = append(win[:0], win[1:]...)
		}
		win = append(win, c)
		if string(win) == end {
			return n, nil
		}
	}
}

// attr returns the value of the attribute whose local name is name, and
// whether the tag has it. Entities in the value are left as written.
func attr(attrs []byte, name string) ([]byte, bool) {
	b := attrs
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return nil, false
		}
		key := bytes.TrimRight(b[:eq], " \t\r\n")
		if i := bytes.IndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		b = bytes.TrimLeft(b[eq+1:], " \t\r\n")
		if len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
			return nil, false
		}
		end := bytes.IndexByte(b[1:], b[0])
		if end < 0 {
			return nil, false
		}
		value := b[1 : 1+end]
		b = b[end+2:]
		if string(key) == name {
			return value, true
		}
	}
}
