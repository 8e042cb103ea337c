// Package ingest reads an ERP's open-order export (CSV or XLSX, whatever its
// separator, encoding, number and date formats) and turns each row into an
// orders.Entry through a Profile: the configuration that says which column
// holds what and what the ERP's status words mean. A new ERP needs a new
// profile, never new code.
//
// Reading is bounded by Limits (file size, rows, cell and row length, an
// XLSX workbook's unzipped size and shared strings), checked as the file
// streams or, for a workbook, before excelize opens it: past one, the file
// is refused in one line naming where and the setting, in bounded memory.
// A value the store cannot hold (see MaxAmountCents, MaxKeyBytes) or a NUL
// byte (CheckNUL) is a bad row naming its column.
package ingest

import "github.com/orderbot/orderbot/orders"

// Profile describes one ERP export. It is read from the configuration
// (import.profiles.<name>); see the README for a full example.
type Profile struct {
	// Kind is what the export holds: "orders" (the default: one row per
	// order, or per order line when line columns are mapped too), "lines"
	// (order lines, read by ReadLines: see LineFields) or "credit"
	// (customers' credit positions, read by ReadCredit: see CreditFields).
	Kind string `mapstructure:"kind" yaml:"kind"`
	// Format is "csv", "xlsx", or "" to go by the file's content (a ZIP
	// archive is read as XLSX, text as CSV); when set, the content must
	// agree.
	Format string `mapstructure:"format" yaml:"format"`
	// Separator is the CSV field separator ("," ";" "\t", also written
	// "tab", or "|"); "" takes it from an Excel "sep=" first line, or else
	// detects it from the header line.
	Separator string `mapstructure:"separator" yaml:"separator"`
	// Encoding is "utf-8", "windows-1252" (also cp1252, latin1), "utf-16",
	// or "" to detect it. A byte order mark always wins. A file whose bytes
	// are not in the encoding it is read in is refused at the line of the
	// first sign, saying which encoding it looks like: a byte that is not
	// UTF-8 under utf-8 (or after a UTF-8 byte order mark), a file that is
	// UTF-8 throughout under windows-1252, a UTF-8 character cut by the end
	// of the file. Detected, UTF-8 sequences read as UTF-8 and other bytes
	// as windows-1252, so that concatenated exports read right.
	Encoding string `mapstructure:"encoding" yaml:"encoding"`
	// Sheet is the XLSX sheet to read; "" means the first.
	Sheet string `mapstructure:"sheet" yaml:"sheet"`
	// Decimal is the decimal separator of amounts in text: "," or ".".
	// Thousands separators (space, no-break space, apostrophe, point or
	// comma, the one that is not the decimal) are ignored. "" guesses per
	// value (see ParseAmount). Numbers stored as numbers in an XLSX sheet
	// need no setting.
	Decimal string `mapstructure:"decimal" yaml:"decimal"`
	// DateFormat is "dd/mm/yyyy", "yyyy-mm-dd", "dd.mm.yyyy", "mm/dd/yyyy",
	// "yyyymmdd", or "" to accept any of the first three; Excel serial
	// dates are always accepted (see ParseDate).
	DateFormat string `mapstructure:"date_format" yaml:"date_format"`
	// PeopleBy says how the rep and assistant columns name people: "email",
	// "code" or "name". Required when a rep or assistant column is mapped.
	PeopleBy orders.PeopleKey `mapstructure:"people_by" yaml:"people_by"`
	// Columns maps order fields to the header text of the column feeding
	// them. Fields: number, customer_code, customer_name, customer_ref, rep,
	// assistant, status, block_reason, amount, currency, ordered_on,
	// requested_on, promised_on, expected_release. number and customer_code
	// are required, and status unless default_status is set. An orders
	// profile whose rows are order lines maps the line fields too (line and
	// quantity at least; see LineFields, number aside). A lines or a credit
	// profile maps the fields of its kind (LineFields, CreditFields).
	// Headers match whatever their case, accents and surrounding spaces.
	Columns map[string]string `mapstructure:"columns" yaml:"columns"`
	// Statuses maps the ERP's words or codes in the status column to
	// orderbot statuses, e.g. "Bloquée crédit": credit_limit. Matching
	// ignores case, accents and surrounding spaces; orderbot's own codes
	// and labels ("credit_limit", "Limite de crédit") need no entry.
	Statuses map[string]string `mapstructure:"statuses" yaml:"statuses"`
	// DefaultStatus is the status of an unmapped or blank value of the
	// status column; "" makes an unmapped value an error, and a blank one
	// too unless a block column holds the order.
	DefaultStatus string `mapstructure:"default_status" yaml:"default_status"`
	// Blocks are further columns that each may hold a block (a credit
	// status column, a delivery block column...).
	Blocks []BlockColumn `mapstructure:"blocks" yaml:"blocks"`
	// Priority orders blocked statuses, most urgent first: an order held for
	// several reasons takes the most urgent. Statuses it leaves out come
	// after, in SPEC.md's order; empty means SPEC.md's order.
	Priority []string `mapstructure:"priority" yaml:"priority"`
	// Constants give fields a value when no column feeds them, or when the
	// column's cell is blank, e.g. currency: EUR (the default currency
	// anyway). Any field but number.
	Constants map[string]string `mapstructure:"constants" yaml:"constants"`
	// HoldValues, in a credit profile, maps the words of the account_hold
	// column to "hold" (the whole account is on hold) or "none", e.g.
	// "Bloqué": hold. Matching ignores case, accents and surrounding
	// spaces; yes, oui, true, 1, hold and no, non, false, 0, none need no
	// entry, and a blank cell is no hold. Another word is a bad row.
	HoldValues map[string]string `mapstructure:"hold_values" yaml:"hold_values"`
}

// BlockColumn is a column whose values say whether, and why, an order is
// held.
type BlockColumn struct {
	// Column is the header text.
	Column string `mapstructure:"column" yaml:"column"`
	// Values maps the column's words or codes to blocked statuses, e.g.
	// "Z1": delivery_block, or to "none" for a value that means no block
	// ("OK"). A blank cell means no block; orderbot's own codes and labels
	// of blocked statuses need no entry.
	Values map[string]string `mapstructure:"values" yaml:"values"`
	// Default is the blocked status of an unmapped non-blank value, "none"
	// to ignore such values, or "" to make them an error.
	Default string `mapstructure:"default" yaml:"default"`
	// ReasonColumn, optional, is the header of the column with this block's
	// free-text reason; without it, the block_reason column gives it.
	ReasonColumn string `mapstructure:"reason_column" yaml:"reason_column"`
}
