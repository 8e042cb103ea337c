package ingest

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/orderbot/orderbot/orders"
)

// ParseAmount reads an amount as ERP exports and spreadsheets write it and
// returns it in cents (hundredths), rounded half away from zero when it has
// more than two decimals. decimal is the decimal separator, ',' or '.'; the
// other one, spaces (including no-break and narrow no-break spaces) and
// apostrophes may group thousands, by groups of three digits. A zero decimal
// accepts either: the last of ',' and '.' is the decimal separator when both
// appear, a lone one that appears once is decimal, and one that appears
// several times groups thousands.
//
// The sign may lead ("-1 234,56"), trail as SAP writes it ("1.234,56-") or be
// accounting parentheses ("(1 234,56)"); currency symbols (€ $ £) around the
// number are ignored. "12 400,50", "12.400,50" (decimal ',') and "12,400.50"
// (decimal '.') are all 1240050 cents; "12,4,5" and "abc" are errors.
func ParseAmount(s string, decimal byte) (int64, error) {
	if cents, ok := plainAmount(s, decimal); ok {
		return cents, nil
	}
	return parseAmount(s, decimal)
}

// parseAmount is ParseAmount's general rules.
func parseAmount(s string, decimal byte) (int64, error) {
	bad := func() (int64, error) {
		return 0, orders.Errorf(orders.EInvalid, "%q is not a number", Clip(s))
	}
	t := trimAmount(s)
	neg := false
	switch {
	case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"):
		neg, t = true, trimAmount(t[1:len(t)-1])
	case strings.HasPrefix(t, "-"), strings.HasPrefix(t, "+"):
		neg, t = t[0] == '-', trimAmount(t[1:])
	case strings.HasPrefix(t, "\u2212"): // the typographic minus sign
		neg, t = true, trimAmount(t[len("\u2212"):])
	case strings.HasSuffix(t, "-"):
		neg, t = true, trimAmount(t[:len(t)-1])
	}
	if t == "" {
		return bad()
	}
	if decimal != ',' && decimal != '.' {
		decimal = guessDecimal(t)
	}
	intPart, frac, hasFrac := t, "", false
	if i := strings.IndexByte(t, decimal); i >= 0 {
		intPart, frac, hasFrac = t[:i], t[i+1:], true
		if frac == "" || !allDigits(frac) {
			return bad()
		}
	}
	cents, digits, ok := groupedValue(intPart, decimal)
	switch {
	case !ok || (digits == 0 && !hasFrac):
		return bad()
	case cents > math.MaxInt64/100-1:
		return 0, orders.Errorf(orders.EInvalid, "%q is too large an amount", Clip(s))
	}
	digit := func(i int) int64 {
		if i < len(frac) {
			return int64(frac[i] - '0')
		}
		return 0
	}
	cents = cents*100 + digit(0)*10 + digit(1)
	if digit(2) >= 5 {
		cents++ // half away from zero: the sign is applied after
	}
	if neg {
		cents = -cents
	}
	return cents, nil
}

// plainAmount reads the amounts most exports write, as ParseAmount would,
// without its general rules: an optional '-', digits (at most 15) grouped
// by ASCII spaces or not grouped at all, and an optional decimal separator
// (',' or '.', as the profile says) followed by one or two digits. It
// reports false for anything else, which ParseAmount reads the long way.
func plainAmount(s string, decimal byte) (int64, bool) {
	if decimal != ',' && decimal != '.' || s == "" {
		return 0, false
	}
	i, neg := 0, s[0] == '-'
	if neg {
		i++
	}
	var cents int64
	digits, group, groups := 0, 0, 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			cents = cents*10 + int64(c-'0')
			digits++
			group++
			continue
		}
		if c != ' ' || group == 0 || group > 3 || (groups > 0 && group != 3) {
			break
		}
		groups++
		group = 0
	}
	if digits == 0 || digits > 15 || (groups > 0 && group != 3) {
		return 0, false
	}
	cents *= 100
	switch frac := s[i:]; {
	case frac == "":
	case len(frac) == 2 && frac[0] == decimal && isDigit(frac[1]):
		cents += int64(frac[1]-'0') * 10
	case len(frac) == 3 && frac[0] == decimal && isDigit(frac[1]) && isDigit(frac[2]):
		cents += int64(frac[1]-'0')*10 + int64(frac[2]-'0')
	default:
		return 0, false
	}
	if neg {
		cents = -cents
	}
	return cents, true
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// trimAmount drops spaces and currency symbols around an amount.
func trimAmount(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return isGroupSpace(r) || r == '€' || r == '$' || r == '£' || r == '\t'
	})
}

// isGroupSpace reports whether r is a space that may group thousands.
func isGroupSpace(r rune) bool {
	return r == ' ' || r == '\u00A0' || r == '\u202F' || r == '\u2009'
}

// guessDecimal picks the decimal separator of an amount whose profile does
// not say: see ParseAmount.
func guessDecimal(t string) byte {
	lastComma, lastPoint := strings.LastIndexByte(t, ','), strings.LastIndexByte(t, '.')
	switch {
	case lastComma >= 0 && lastPoint >= 0:
		if lastComma > lastPoint {
			return ','
		}
		return '.'
	case lastComma >= 0 && strings.Count(t, ",") > 1:
		return '.'
	case lastPoint >= 0 && strings.Count(t, ".") > 1:
		return ','
	case lastPoint >= 0:
		return '.'
	}
	return ','
}

// groupedValue reads an integer part whose thousands may be grouped by one
// kind of separator (not decimal), checking the groups. It returns the
// value, capped past what cents can hold, and how many digits it has.
func groupedValue(s string, decimal byte) (value int64, digits int, ok bool) {
	var sep rune
	group, groups := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if value <= math.MaxInt64/100 {
				value = value*10 + int64(r-'0')
			}
			digits++
			group++
			continue
		case r == utf8.RuneError, r == rune(decimal):
			return 0, 0, false
		case r == ',' || r == '.' || r == '\'' || r == '’' || isGroupSpace(r):
			kind := r
			if isGroupSpace(r) {
				kind = ' '
			}
			if sep != 0 && kind != sep {
				return 0, 0, false
			}
			sep = kind
		default:
			return 0, 0, false
		}
		// A separator closes a group: the first holds 1 to 3 digits, the
		// others exactly 3.
		if group == 0 || group > 3 || (groups > 0 && group != 3) {
			return 0, 0, false
		}
		groups++
		group = 0
	}
	if groups > 0 && group != 3 {
		return 0, 0, false
	}
	return value, digits, true
}

// allDigits reports whether s is only ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseSheetAmount reads an amount from a spreadsheet cell: a number cell
// comes raw, with '.' and possibly an exponent ("1.5E-2"); a text cell is
// written as the ERP wrote it, in the profile's format.
func parseSheetAmount(s string, decimal byte) (int64, error) {
	t := strings.TrimSpace(s)
	if looksFloat(t) {
		if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return ParseAmount(strconv.FormatFloat(f, 'f', -1, 64), '.')
		}
	}
	return ParseAmount(s, decimal)
}

// looksFloat reports whether s is written the way a spreadsheet stores a
// number: digits, at most one '.', an optional sign and exponent.
func looksFloat(s string) bool {
	if s == "" || strings.Count(s, ".") > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E', c == '-', c == '+':
		default:
			return false
		}
	}
	return true
}
