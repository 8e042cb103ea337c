package ingest_test

import (
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in, format string
		want       time.Time // zero: no date
		err        string
	}{
		{"27/11/2026", "dd/mm/yyyy", day(2026, 11, 27), ""},
		{"7/1/2026", "dd/mm/yyyy", day(2026, 1, 7), ""},
		{"27/11/26", "dd/mm/yyyy", day(2026, 11, 27), ""},
		{"27-11-2026", "dd/mm/yyyy", day(2026, 11, 27), ""},
		{"2026-11-27", "dd/mm/yyyy", day(2026, 11, 27), ""}, // ISO is never ambiguous
		{"2026-11-27", "yyyy-mm-dd", day(2026, 11, 27), ""},
		{"2026-11-27T06:00:00", "yyyy-mm-dd", day(2026, 11, 27), ""},
		{"2026-11-27T23:30:00+01:00", "", day(2026, 11, 27), ""},
		{"27.11.2026", "dd.mm.yyyy", day(2026, 11, 27), ""},
		{"27/11/2026 06:00", "", day(2026, 11, 27), ""},
		{"27.11.2026", "", day(2026, 11, 27), ""},
		{"29/02/2028", "", day(2028, 2, 29), ""},
		{"11/27/2026", "mm/dd/yyyy", day(2026, 11, 27), ""},
		{"20261127", "yyyymmdd", day(2026, 11, 27), ""},
		{"20261127", "", day(2026, 11, 27), ""},
		// Excel serials, whatever the format.
		{"46353", "dd/mm/yyyy", day(2026, 11, 27), ""},
		{"46353.5", "", day(2026, 11, 27), ""},
		{"1", "", day(1900, 1, 1), ""},
		{"59", "", day(1900, 2, 28), ""},
		{"61", "", day(1900, 3, 1), ""},
		{"2958465", "", day(9999, 12, 31), ""},
		// No date.
		{"", "dd/mm/yyyy", time.Time{}, ""},
		{"   ", "", time.Time{}, ""},
		{"00.00.0000", "dd.mm.yyyy", time.Time{}, ""},
		{"0000-00-00", "", time.Time{}, ""},
		// Errors.
		{"31/02/2026", "dd/mm/yyyy", time.Time{}, `"31/02/2026" is not a date (dd/mm/yyyy)`},
		{"29/02/2026", "", time.Time{}, `"29/02/2026" is not a date (dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy)`},
		{"27/13/2026", "dd/mm/yyyy", time.Time{}, `"27/13/2026" is not a date (dd/mm/yyyy)`},
		{"11/27/2026", "dd/mm/yyyy", time.Time{}, `"11/27/2026" is not a date (dd/mm/yyyy)`},
		{"27/11/2026", "yyyy-mm-dd", time.Time{}, `"27/11/2026" is not a date (yyyy-mm-dd)`},
		{"demain", "", time.Time{}, `"demain" is not a date (dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy)`},
		{"27/11", "", time.Time{}, `"27/11" is not a date (dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy)`},
		{"27/11/202", "", time.Time{}, `"27/11/202" is not a date (dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy)`},
		{"60", "", time.Time{}, `"60" is not a date (dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy)`},
		{"2958466", "", time.Time{}, `"2958466" is not a date (dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy)`},
		{"-5", "", time.Time{}, `"-5" is not a date (dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy)`},
		{"20261327", "", time.Time{}, `"20261327" is not a date (dd/mm/yyyy, yyyy-mm-dd or dd.mm.yyyy)`},
		{"27/11/2026", "dd-mm-yy", time.Time{}, `"dd-mm-yy" is not a date format (dd/mm/yyyy, yyyy-mm-dd, dd.mm.yyyy, mm/dd/yyyy, yyyymmdd)`},
	}
	for _, tt := range tests {
		got, err := ingest.ParseDate(tt.in, tt.format)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseDate(%q, %q) = error %v", tt.in, tt.format, err)
		case tt.err != "" && (err == nil || orders.ErrorMessage(err) != tt.err || orders.ErrorCode(err) != orders.EInvalid):
			t.Errorf("ParseDate(%q, %q) = %v, %v; want error %q", tt.in, tt.format, got, err, tt.err)
		case tt.err == "" && !got.Equal(tt.want):
			t.Errorf("ParseDate(%q, %q) = %v, want %v", tt.in, tt.format, got, tt.want)
		case tt.err == "" && !got.IsZero() && got.Location() != time.UTC:
			t.Errorf("ParseDate(%q, %q) is in %v, want UTC", tt.in, tt.format, got.Location())
		}
	}
}
