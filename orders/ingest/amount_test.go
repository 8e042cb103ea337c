package ingest_test

import (
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in      string
		decimal byte
		want    int64
		err     string // the whole message, "" for none
	}{
		{"12 400,50", ',', 1240050, ""},
		{"12400,5", ',', 1240050, ""},
		{"12.400,50", ',', 1240050, ""},
		{"12,400.50", '.', 1240050, ""},
		{"12400.50", '.', 1240050, ""},
		{"-1 234,56", ',', -123456, ""},
		{"1 234,56 €", ',', 123456, ""},
		{"€ 1 234,56", ',', 123456, ""},
		{"$1,234.56", '.', 123456, ""},
		{"12\u00a0400,50", ',', 1240050, ""},
		{"12\u202f400,50", ',', 1240050, ""},
		{"1'234.50", '.', 123450, ""},
		{"1.234,56-", ',', -123456, ""},
		{"(1 234,56)", ',', -123456, ""},
		{"+7", ',', 700, ""},
		{"\u22127,5", ',', -750, ""},
		{"0", ',', 0, ""},
		{",5", ',', 50, ""},
		{"1 234 567,891", ',', 123456789, ""},
		// Half away from zero.
		{"0,125", ',', 13, ""},
		{"0,1249", ',', 12, ""},
		{"-0,125", ',', -13, ""},
		{"2.675", '.', 268, ""},
		// No decimal given: the last separator, or a lone one, is decimal.
		{"12 400,50", 0, 1240050, ""},
		{"12,400.50", 0, 1240050, ""},
		{"12.400,50", 0, 1240050, ""},
		{"1,234,567", 0, 123456700, ""},
		{"1.234.567", 0, 123456700, ""},
		{"1,5", 0, 150, ""},
		{"1.5", 0, 150, ""},
		// Errors.
		{"12,4,5", ',', 0, `"12,4,5" is not a number`},
		{"12,4,5", '.', 0, `"12,4,5" is not a number`},
		{"1,2.3,4", '.', 0, `"1,2.3,4" is not a number`},
		{"1,2.3,4", ',', 0, `"1,2.3,4" is not a number`},
		{"abc", ',', 0, `"abc" is not a number`},
		{"", ',', 0, `"" is not a number`},
		{"-", ',', 0, `"-" is not a number`},
		{"12,", ',', 0, `"12," is not a number`},
		{"12400.50", ',', 0, `"12400.50" is not a number`},
		{"1 2", ',', 0, `"1 2" is not a number`},
		{"1.234 567", ',', 0, `"1.234 567" is not a number`},
		{"--5", ',', 0, `"--5" is not a number`},
		{"-5-", ',', 0, `"-5-" is not a number`},
		{"1e5", '.', 0, `"1e5" is not a number`},
		{"12 400,50 EUR", ',', 0, `"12 400,50 EUR" is not a number`},
		{"99999999999999999999", ',', 0, `"99999999999999999999" is too large an amount`},
		{"92233720368547758,07", ',', 0, `"92233720368547758,07" is too large an amount`},
	}
	for _, tt := range tests {
		got, err := ingest.ParseAmount(tt.in, tt.decimal)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseAmount(%q, %q) = error %v", tt.in, tt.decimal, err)
		case tt.err != "" && (err == nil || orders.ErrorMessage(err) != tt.err || orders.ErrorCode(err) != orders.EInvalid):
			t.Errorf("ParseAmount(%q, %q) = %d, %v; want error %q", tt.in, tt.decimal, got, err, tt.err)
		case tt.err == "" && got != tt.want:
			t.Errorf("ParseAmount(%q, %q) = %d, want %d", tt.in, tt.decimal, got, tt.want)
		}
	}
}
