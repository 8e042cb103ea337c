package ingest

import (
	"strconv"
	"strings"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// The date formats a profile may name in date_format.
const (
	DateDMY     = "dd/mm/yyyy" // French and most of Europe; also d/m/yyyy and dd/mm/yy
	DateISO     = "yyyy-mm-dd"
	DateDotDMY  = "dd.mm.yyyy" // German, Swiss, SAP
	DateMDY     = "mm/dd/yyyy" // US; never guessed, only when named
	DateCompact = "yyyymmdd"   // SAP's internal form
)

// DateFormats returns the formats date_format accepts besides "" (any but
// mm/dd/yyyy).
func DateFormats() []string {
	return []string{DateDMY, DateISO, DateDotDMY, DateMDY, DateCompact}
}

// excelMaxSerial is 9999-12-31, the last date Excel knows.
const excelMaxSerial = 2958465

// ParseDate reads a date as exports write it, in format (one of
// DateFormats, or "" for dd/mm/yyyy, yyyy-mm-dd and dd.mm.yyyy alike), and
// returns it at midnight UTC. Whatever the format, it also accepts Excel
// serial dates (46353, or 46353.25 whose time is dropped), a time after the
// date ("2026-11-27T06:00:00", "27/11/2026 06:00", which is dropped too),
// any of '/', '.' and '-' between the parts, one-digit days and months and,
// after a day and a month, a two-digit year (20yy); an ISO date is accepted
// whatever the format. A blank value, or one of
// zeros ("00.00.0000", as SAP writes "no date"), is no date: the zero Time
// and no error.
func ParseDate(s, format string) (time.Time, error) {
	if d, ok := fastDMY(s, format); ok {
		return d, nil
	}
	t := strings.TrimSpace(s)
	if t == "" || strings.Trim(t, "0./-: T") == "" {
		return time.Time{}, nil
	}
	bad := func() (time.Time, error) {
		want := format
		if want == "" {
			want = "dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy"
		}
		return time.Time{}, orders.Errorf(orders.EInvalid, "%q is not a date (%s)", Clip(s), want)
	}
	switch format {
	case "", DateDMY, DateISO, DateDotDMY, DateMDY, DateCompact:
	default:
		return time.Time{}, orders.Errorf(orders.EInvalid, "%q is not a date format (%s)", format, strings.Join(DateFormats(), ", "))
	}
	if isSerial(t) {
		whole, _, _ := strings.Cut(t, ".")
		n, err := strconv.Atoi(whole)
		switch {
		case err != nil:
			return bad()
		case len(whole) == 8 && n > excelMaxSerial:
			return ymd(whole[:4], whole[4:6], whole[6:], bad)
		case format == DateCompact && len(whole) == 8:
			return ymd(whole[:4], whole[4:6], whole[6:], bad)
		}
		return excelSerial(n, bad)
	}
	// Drop a time of day.
	if i := strings.IndexAny(t, "T "); i > 0 {
		t = t[:i]
	}
	var parts [3]string
	sep := strings.IndexAny(t, "/.-")
	if sep < 0 {
		return bad()
	}
	rest, ok := t, false
	for i := range parts {
		if i < 2 {
			parts[i], rest, ok = strings.Cut(rest, t[sep:sep+1])
			if !ok {
				return bad()
			}
		} else {
			parts[i] = rest
		}
	}
	for _, p := range parts {
		if p == "" || len(p) > 4 || !allDigits(p) {
			return bad()
		}
	}
	// A four-digit first part can only be a year: yyyy-mm-dd is accepted
	// whatever the format, as ISO dates are unambiguous.
	order := format
	switch {
	case len(parts[0]) == 4:
		order = DateISO
	case order == DateISO:
		return bad()
	case order == "" || order == DateCompact:
		order = DateDMY
	}
	switch order {
	case DateISO:
		if len(parts[1]) > 2 || len(parts[2]) > 2 {
			return bad()
		}
		return ymd(parts[0], parts[1], parts[2], bad)
	case DateMDY:
		parts[0], parts[1] = parts[1], parts[0]
	}
	if len(parts[0]) > 2 || len(parts[1]) > 2 || (len(parts[2]) != 4 && len(parts[2]) != 2) {
		return bad()
	}
	year := parts[2]
	if len(year) == 2 {
		year = "20" + year
	}
	return ymd(year, parts[1], parts[0], bad)
}

// isSerial reports whether s is written like a spreadsheet's date serial:
// digits, optionally a fraction for the time of day.
func isSerial(s string) bool {
	whole, frac, hasFrac := strings.Cut(s, ".")
	return whole != "" && allDigits(whole) && (!hasFrac || (frac != "" && allDigits(frac)))
}

// excelSerial converts an Excel serial date, keeping Excel's 1900 leap-year
// bug: serial 60 is 29 February 1900, which did not exist, and serials
// before it are one day later than a plain count from 1899-12-30 gives.
func excelSerial(n int, bad func() (time.Time, error)) (time.Time, error) {
	switch {
	case n < 1 || n > excelMaxSerial || n == 60:
		return bad()
	case n < 60:
		return time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), nil
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), nil
}

// ymd builds a date from its parts, refusing days that do not exist
// (31/02) rather than letting time.Date roll them over.
func ymd(ys, ms, ds string, bad func() (time.Time, error)) (time.Time, error) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil || y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return bad()
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != time.Month(m) {
		return bad()
	}
	return t, nil
}

// fastDMY reads the commonest date of French exports, dd/mm/yyyy or
// dd.mm.yyyy, without allocating; ok is false when s is anything else (or
// not a real day), for ParseDate's general rules to decide.
func fastDMY(s, format string) (time.Time, bool) {
	if len(s) != 10 || (format != "" && format != DateDMY && format != DateDotDMY) {
		return time.Time{}, false
	}
	sep := s[2]
	if (sep != '/' && sep != '.') || s[5] != sep {
		return time.Time{}, false
	}
	n := 0
	for _, i := range [...]int{0, 1, 3, 4, 6, 7, 8, 9} {
		c := s[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		n = n*10 + int(c-'0')
	}
	day, month, year := n/1000000, n/10000%100, n%10000
	if month < 1 || month > 12 || day < 1 || year < 1000 {
		return time.Time{}, false
	}
	if day > 28 && day > daysIn(month, year) {
		return time.Time{}, false // 31/02: the general rules say what is wrong
	}
	return time.Unix(civilDays(year, month, day)*86400, 0).UTC(), true
}

// daysIn returns the number of days of month in year (Gregorian).
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// civilDays returns the days from 1970-01-01 to a Gregorian date, as
// time.Date would count them but without its normalizing.
func civilDays(year, month, day int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y / 400 // years here are 1000 and after: no negative division
	yoe := y - era*400
	mp := int64(month+9) % 12 // March is 0
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
