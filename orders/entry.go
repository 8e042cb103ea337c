package orders

import "time"

// PeopleKey says how an ERP export names the rep and the assistant of an
// order.
type PeopleKey string

// The ways an export names people.
const (
	ByEmail PeopleKey = "email"
	ByCode  PeopleKey = "code"
	ByName  PeopleKey = "name"
)

// Entry is one order as an ERP export states it: what an import applies to
// the portfolio. Its status is already decided (blocks and priority
// applied); people are named as the export names them.
type Entry struct {
	// Line is where the entry was read (file line, or sheet row), for
	// messages.
	Line         int
	Number       string
	CustomerCode string
	CustomerName string
	CustomerRef  string
	// Rep and Assistant are the export's e-mail, code or full name of the
	// person (see PeopleKey); empty when the export names nobody.
	Rep       string
	Assistant string
	Status    Status
	// Blocks are the active blocks; their Since is left zero (the import
	// dates them).
	Blocks          []Block
	BlockReason     string
	AmountCents     int64
	Currency        string
	OrderedOn       *time.Time
	RequestedOn     *time.Time
	PromisedOn      *time.Time
	ExpectedRelease *time.Time
	// RowDigest is a digest of the export row the entry was read from and
	// of how it was read (the profile, the limits): two entries with the
	// same RowDigest say the same. 0 when unknown (an entry made
	// otherwise).
	RowDigest uint64
}
