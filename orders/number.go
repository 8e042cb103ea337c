package orders

import (
	"strings"
	"unicode"
)

// NumberKey returns the form of an order number (or a customer reference) under
// which it is stored and looked up, so that the ways people type it all meet:
// case, spaces and punctuation do not count (spaces that group digits
// join them), a leading "#", "n°" or "no." is
// dropped, and leading zeros of each run of digits are ignored because ERPs pad
// numbers that people do not ("SO-000123", "so 123" and "#SO123" share a key).
// It returns "" when s holds no letter or digit.
func NumberKey(s string) string {
	if k, ok := asciiNumberKey(s); ok {
		return k
	}
	s = strings.TrimSpace(strings.ToUpper(s))
	s = trimNumberPrefix(s)
	var b strings.Builder
	inDigits, leading := false, false
	pendingZero := false
	runes := []rune(s)
	for i, r := range runes {
		switch {
		case r >= '0' && r <= '9':
			if !inDigits {
				inDigits, leading = true, true
			}
			if leading && r == '0' {
				pendingZero = true
				continue
			}
			leading, pendingZero = false, false
			b.WriteRune(r)
		case inDigits && unicode.IsSpace(r) && i+1 < len(runes) && runes[i+1] >= '0' && runes[i+1] <= '9':
			// "4 500 012 345": spaces group the digits of one number.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pendingZero {
				b.WriteByte('0')
			}
			inDigits, leading, pendingZero = false, false, false
			b.WriteRune(r)
		default:
			// Separators are dropped but end a run of digits.
			if pendingZero {
				b.WriteByte('0')
			}
			inDigits, leading, pendingZero = false, false, false
		}
	}
	if pendingZero {
		b.WriteByte('0')
	}
	return b.String()
}

// trimNumberPrefix drops the ways people introduce a number, which are not part of it.
func trimNumberPrefix(s string) string {
	numberPrefixes := [...]string{"#", "N°", "Nº", "NO.", "NO:", "NUM.", "N."}
	for changed := true; changed; {
		changed = false
		for _, p := range numberPrefixes {
			if strings.HasPrefix(s, p) {
				s = strings.TrimSpace(s[len(p):])
				changed = true
			}
		}
	}
	return s
}

// asciiNumberKey is NumberKey for the common case, a number of ASCII letters
// and digits only with no padding zero, without allocating more than the
// key; ok is false when s needs the general rules.
func asciiNumberKey(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	lower := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '0' && (i == 0 || s[i-1] < '0' || s[i-1] > '9'):
			return "", false // a leading zero of a run of digits
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
		case c >= 'a' && c <= 'z':
			lower = true
		default:
			return "", false
		}
	}
	if !lower {
		return s, true
	}
	return strings.ToUpper(s), true
}

// NumberVariants returns the keys one typing mistake away from key: a digit
// replaced, dropped, added, or two neighbours swapped. Letters are kept as
// they are: people mistype digits, not prefixes.
func NumberVariants(key string) []string {
	seen := map[string]bool{key: true}
	var out []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	for i := 0; i < len(key); i++ {
		if !isDigit(key[i]) {
			continue
		}
		add(key[:i] + key[i+1:])
		for d := byte('0'); d <= '9'; d++ {
			if d != key[i] {
				add(key[:i] + string(d) + key[i+1:])
			}
		}
		if i+1 < len(key) && isDigit(key[i+1]) {
			add(key[:i] + string(key[i+1]) + string(key[i]) + key[i+2:])
		}
	}
	for i := 0; i <= len(key); i++ {
		if (i > 0 && isDigit(key[i-1])) || (i < len(key) && isDigit(key[i])) {
			for d := byte('0'); d <= '9'; d++ {
				add(key[:i] + string(d) + key[i:])
			}
		}
	}
	return out
}
