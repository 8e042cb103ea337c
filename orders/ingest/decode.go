package ingest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// How a text file's bytes are read. A file is read whole under one rule,
// so that what was read is what the file says, and a byte that the rule
// cannot read is an error naming its line rather than a U+FFFD or mojibake
// in the store.
type decodeMode int

const (
	// decodeDetect: no encoding in the profile. A UTF-8 sequence is read as
	// UTF-8, any other byte as windows-1252, so that exports concatenated
	// from both read right. A valid UTF-8 sequence that windows-1252 text
	// could hold ("É" then a no-break space) is read as windows-1252 once
	// the file has shown windows-1252, or before it has shown anything.
	decodeDetect decodeMode = iota
	// decodeUTF8: the profile says utf-8; a byte that is not UTF-8 is an
	// error.
	decodeUTF8
	// decodeBOM: the file starts with a UTF-8 byte order mark; a byte that
	// is not UTF-8 is an error.
	decodeBOM
	// decode1252: the profile says windows-1252; every byte is read so,
	// but a file whose bytes are UTF-8 (valid UTF-8 sequences of characters
	// windows-1252 has, and no byte that is not UTF-8) is an error, found
	// in its first 64 KiB or at its end.
	decode1252
)

// decoder is the transform.Transformer that reads an 8-bit text file into
// UTF-8 under a decodeMode, counting lines to say where a problem is.
type decoder struct {
	mode decodeMode
	// crLines says lines end in a lone CR (old Mac files): a CR counts a
	// line, as a LF does.
	crLines bool
	line    int // the line of the next byte, from 1
	// sawUTF8 is set by a sequence read as UTF-8 (detect), or one that
	// windows-1252 reads as mojibake (decode1252); saw1252 by a byte that
	// is not UTF-8.
	sawUTF8, saw1252 bool
	// first is the first UTF-8 sequence seen and firstLine its line, for
	// the message of decode1252.
	first     string
	firstLine int
}

// decodeError is a byte the file's encoding rule cannot read; Line is its
// line.
type decodeError struct {
	Line int
	Msg  string
}

// Error returns the message without the file's name.
func (e *decodeError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// newDecoder returns a decoder; head, the first bytes of the file, sets
// what detection knows before it reads them.
func newDecoder(mode decodeMode, crLines bool, head []byte, full bool) *decoder {
	d := &decoder{mode: mode, crLines: crLines, line: 1}
	if mode == decodeDetect {
		// A file that starts as UTF-8 is UTF-8 until it shows otherwise:
		// Polish or Greek names read right even when windows-1252 could
		// not hold them.
		valid := validUTF8Prefix(head, full)
		d.sawUTF8 = valid && !isASCII(head)
		d.saw1252 = !valid
	}
	return d
}

// Reset implements transform.Transformer.
func (d *decoder) Reset() {
	*d = decoder{mode: d.mode, crLines: d.crLines, line: 1}
}

// headVerdict is decode1252's early refusal: the first bytes read (the
// 64 KiB that detection looks at) are UTF-8 and nothing else.
func (d *decoder) headVerdict() error {
	if d.mode == decode1252 && d.sawUTF8 && !d.saw1252 {
		return d.looksUTF8()
	}
	return nil
}

// looksUTF8 is decode1252's refusal.
func (d *decoder) looksUTF8() error {
	var garbled strings.Builder
	for i := 0; i < len(d.first); i++ {
		garbled.WriteRune(charmap.Windows1252.DecodeByte(d.first[i]))
	}
	return &decodeError{Line: d.firstLine, Msg: fmt.Sprintf(
		"the file looks like UTF-8 but the profile reads it as windows-1252 (%q would read as %q); set encoding: utf-8",
		d.first, garbled.String())}
}

// Transform implements transform.Transformer.
func (d *decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		if c < utf8.RuneSelf {
			// A run of ASCII goes as it is.
			end := nSrc + asciiRun(src[nSrc:min(len(src), nSrc+len(dst)-nDst)])
			if end == nSrc {
				return nDst, nSrc, transform.ErrShortDst
			}
			run := src[nSrc:end]
			d.line += bytes.Count(run, []byte{'\n'})
			if d.crLines {
				d.line += bytes.Count(run, []byte{'\r'})
			}
			nDst += copy(dst[nDst:], run)
			nSrc = end
			continue
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		cut := false // a UTF-8 sequence that the end of the file cuts
		if r == utf8.RuneError && size == 1 && !utf8.FullRune(src[nSrc:]) {
			if !atEOF {
				return nDst, nSrc, transform.ErrShortSrc
			}
			cut = validCut(src[nSrc:])
			if cut && (d.mode == decodeUTF8 || d.mode == decodeBOM || (d.mode == decodeDetect && d.sawUTF8 && !d.saw1252)) {
				return nDst, nSrc, &decodeError{Line: d.line, Msg: fmt.Sprintf(
					"the file ends in the middle of a UTF-8 character (%s): it looks cut short; export it again", byteList(src[nSrc:]))}
			}
		}
		valid := !(r == utf8.RuneError && size == 1)
		n := 1 // bytes to read as windows-1252
		switch d.mode {
		case decodeUTF8, decodeBOM:
			if !valid {
				return nDst, nSrc, &decodeError{Line: d.line, Msg: notUTF8(c, d.mode == decodeBOM)}
			}
			n = 0
		case decodeDetect:
			if valid && (d.sawUTF8 && !d.saw1252 || utf8Evidence(r, size) || !all1252(src[nSrc:nSrc+size])) {
				d.sawUTF8 = true
				n = 0
			} else {
				d.saw1252 = true
				if valid {
					n = size
				}
			}
		case decode1252:
			if valid {
				if utf8Evidence(r, size) && !d.sawUTF8 {
					d.sawUTF8 = true
					d.first, d.firstLine = string(src[nSrc:nSrc+size]), d.line
				}
				n = size
			} else if !cut {
				d.saw1252 = true
			}
		}
		if n == 0 {
			if nDst+size > len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
			nSrc += size
			continue
		}
		if nDst+3*n > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		for _, b := range src[nSrc : nSrc+n] {
			if charmap.Windows1252.DecodeByte(b) != utf8.RuneError {
				continue
			}
			if d.mode == decode1252 && d.sawUTF8 && !d.saw1252 {
				return nDst, nSrc, d.looksUTF8()
			}
			msg := "is not a character of windows-1252, as the profile reads the file"
			if d.mode == decodeDetect {
				msg = "is neither UTF-8 nor a character of windows-1252"
			}
			return nDst, nSrc, &decodeError{Line: d.line, Msg: fmt.Sprintf("byte 0x%02X %s: the file is damaged or in another encoding", b, msg)}
		}
		for _, b := range src[nSrc : nSrc+n] {
			nDst += utf8.EncodeRune(dst[nDst:], charmap.Windows1252.DecodeByte(b))
		}
		nSrc += n
	}
	if atEOF && d.mode == decode1252 && d.sawUTF8 && !d.saw1252 {
		return nDst, nSrc, d.looksUTF8()
	}
	return nDst, nSrc, nil
}

// notUTF8 says what byte c, not UTF-8 where the file must be, probably is.
func notUTF8(c byte, bom bool) string {
	r := charmap.Windows1252.DecodeByte(c)
	switch {
	case r == utf8.RuneError:
		return fmt.Sprintf("byte 0x%02X is not UTF-8, as the profile reads the file, nor a character of windows-1252: the file is damaged or in another encoding", c)
	case bom:
		return fmt.Sprintf("the file starts with a UTF-8 byte order mark but byte 0x%02X (%q in windows-1252) is not UTF-8: part of the file is in another encoding; export it again in one encoding", c, string(r))
	}
	return fmt.Sprintf("the file looks like windows-1252 but the profile reads it as utf-8 (byte 0x%02X, %q in windows-1252, is not UTF-8); set encoding: windows-1252", c, string(r))
}

// utf8Evidence reports whether a valid UTF-8 sequence of size bytes
// encoding r shows text written in UTF-8: windows-1252 text would hold
// those bytes only as unlikely pairs ("Ã©", "â€™"). A two-byte sequence
// of a character windows-1252 does not have ("É" then a no-break space
// makes U+0260) is no evidence: windows-1252 text holds such pairs.
func utf8Evidence(r rune, size int) bool {
	if size >= 3 {
		return true
	}
	_, ok := charmap.Windows1252.EncodeRune(r)
	return ok
}

// validCut reports whether b, shorter than a rune, is the start of a valid
// UTF-8 sequence.
func validCut(b []byte) bool {
	for _, tail := range []string{"\x80", "\x80\x80", "\x80\x80\x80"} {
		if utf8.Valid(append(append([]byte(nil), b...), tail...)) {
			return true
		}
	}
	return false
}

// byteList writes bytes for a message: "byte 0xC3", "bytes 0xE2 0x80".
func byteList(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("0x%02X", c)
	}
	if len(b) == 1 {
		return "byte " + parts[0]
	}
	return "bytes " + strings.Join(parts, " ")
}

// isASCII reports whether b is only ASCII.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// crReader makes every CR a LF, for files whose lines end in CR alone.
type crReader struct {
	r interface{ Read([]byte) (int, error) }
}

// Read implements io.Reader.
func (c crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// all1252 reports whether windows-1252 has a character for every byte of b.
func all1252(b []byte) bool {
	for _, c := range b {
		if charmap.Windows1252.DecodeByte(c) == utf8.RuneError {
			return false
		}
	}
	return true
}

// asciiRun returns how many bytes at the start of b are ASCII, eight at a
// time where it can.
func asciiRun(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b) && b[i] < utf8.RuneSelf; i++ {
	}
	return i
}
