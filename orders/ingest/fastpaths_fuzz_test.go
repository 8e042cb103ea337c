package ingest

import (
	"testing"
	"time"
)

// FuzzPlainAmount checks ParseAmount's short way against its general
// rules: whatever plainAmount reads, parseAmount reads the same.
func FuzzPlainAmount(f *testing.F) {
	for _, s := range []string{"12 400,50", "-1 234,5", "0", "-0,07", "123456789012345", "1 234 567.89", "12 34", ",5", "1 234,567", "- 5"} {
		f.Add(s, byte(','))
		f.Add(s, byte('.'))
	}
	f.Fuzz(func(t *testing.T, s string, decimal byte) {
		got, ok := plainAmount(s, decimal)
		if !ok {
			return
		}
		want, err := parseAmount(s, decimal)
		if err != nil || got != want {
			t.Fatalf("plainAmount(%q, %q) = %d; parseAmount says %d, %v", s, decimal, got, want, err)
		}
	})
}

// FuzzFastDMY checks the short way of reading dd/mm/yyyy against
// time.Date: the same day, and a day that does not exist is left to the
// general rules.
func FuzzFastDMY(f *testing.F) {
	for _, s := range []string{"27/11/2026", "29/02/2024", "29/02/2100", "31/04/2026", "01.01.1000", "31/12/9999", "00/01/2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastDMY(s, "")
		if !ok {
			return
		}
		day, month, year := atoi(s[0:2]), atoi(s[3:5]), atoi(s[6:10])
		want := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
		if want.Day() != day || !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("fastDMY(%q) = %v, time.Date says %v", s, got, want)
		}
	})
}

// FuzzNoControls checks noControls, eight bytes at a time, against a
// byte at a time.
func FuzzNoControls(f *testing.F) {
	for _, s := range []string{"Boulangerie Dupré", "a\x7fb", "12345678\x1f", "\x00", "\u00a0\u0080"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		want := true
		for _, c := range []byte(a + b) {
			if c < 0x20 || c == 0x7f {
				want = false
			}
		}
		if got := noControls([]string{a, b}); got != want {
			t.Fatalf("noControls(%q, %q) = %v", a, b, got)
		}
	})
}

// atoi reads digits, for the tests.
func atoi(s string) int {
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
	}
	return n
}
