package ingest

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// fold is the form under which header texts and the ERP's status words are
// compared: case, accents and runs of spaces do not count, because the same
// export reaches us re-saved by Excel, re-encoded, or typed by hand in the
// profile ("N° Commande", "n° commande ", "N° COMMANDE").
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			// Accents go, and so do invisible format characters (a stray
			// byte order mark, a zero-width space).
			t := transform.Chain(norm.NFD, runes.Remove(runes.Predicate(func(r rune) bool {
				return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r)
			})), norm.NFC)
			if r, _, err := transform.String(t, s); err == nil {
				s = r
			}
			break
		}
	}
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// Clean makes a cell's text fit for the store and for one-line display:
// control characters (a line break inside a quoted field, a stray NUL)
// become spaces and surrounding spaces go. Cells are valid UTF-8 already:
// the CSV decoders replace what is not, and XML holds nothing else. The
// push API cleans its texts with it too.
func Clean(s string) string {
	dirty := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			dirty = true
			break
		}
	}
	if dirty {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, s)
	}
	// Most cells start and end with a visible ASCII character: nothing to
	// trim, and no need to decode runes to know it.
	if s == "" || (s[0] > ' ' && s[0] < utf8.RuneSelf && s[len(s)-1] > ' ' && s[len(s)-1] < utf8.RuneSelf) {
		return s
	}
	return strings.TrimFunc(s, unicode.IsSpace)
}

// Clip shortens a value quoted in an error message so that the message
// stays one readable line whatever the cell (or field) holds.
func Clip(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// What the first bytes of a file say it is.
type content int

const (
	contentEmpty  content = iota // no bytes at all
	contentText                  // something a CSV reader can try
	contentZip                   // a ZIP archive: XLSX, if anything
	contentOLE                   // an OLE compound file: .xls, or an encrypted .xlsx
	contentUTF16                 // UTF-16 text without a byte order mark
	contentBinary                // anything else: PDF, image, executable...
)

// sniff classifies a file by its first bytes (up to 64 KiB); utf16 says
// the profile announces UTF-16 text, whose NUL bytes are no sign of binary.
// A few NUL bytes in text are no sign of binary either: they are refused
// where they are, with their line and column.
func sniff(b []byte, utf16 bool) content {
	switch {
	case len(b) == 0:
		return contentEmpty
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return contentZip
	case bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return contentOLE
	case bytes.HasPrefix(b, []byte("\xFF\xFE")), bytes.HasPrefix(b, []byte("\xFE\xFF")):
		return contentText // UTF-16 with its BOM, as Excel's "Unicode text" writes it
	}
	for _, magic := range []string{"%PDF", "\x89PNG", "GIF8", "\xFF\xD8\xFF", "\x1F\x8B", "BZh", "\x7FELF", "MZ", "Rar!", "7z\xBC\xAF"} {
		if bytes.HasPrefix(b, []byte(magic)) {
			return contentBinary
		}
	}
	if utf16 {
		return contentText
	}
	controls, nuls, oddNULs := 0, 0, 0
	for i, c := range b {
		switch {
		case c == 0:
			nuls++
			if i%2 == 1 {
				oddNULs++
			}
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1a:
			controls++
		}
	}
	switch {
	case len(b) >= 4 && oddNULs*5 >= len(b)*2 && nuls-oddNULs <= len(b)/100:
		// Every other byte NUL: ASCII text in UTF-16LE.
		return contentUTF16
	case nuls >= 16 && nuls > len(b)/100, controls > len(b)/100:
		return contentBinary
	}
	return contentText
}

// validUTF8Prefix reports whether b, the first bytes of a longer stream
// when full is false, is valid UTF-8, ignoring a rune cut at its end.
func validUTF8Prefix(b []byte, full bool) bool {
	if !full {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}
