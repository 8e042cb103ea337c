// Package orders is orderbot's domain: the open-order portfolio, its statuses
// and blocks, the people responsible for each order, and the rules about them.
// It imports no database, Slack or model package; adapters depend on it, never
// the other way round.
package orders

import (
	"sort"
	"strings"
	"time"
)

// Role is what a person does in the sales organisation.
type Role string

// The roles of the directory.
const (
	RoleRep       Role = "rep"       // owns the customer relationship
	RoleAssistant Role = "assistant" // follows orders administratively (ADV)
	RoleManager   Role = "manager"   // sees the whole portfolio
)

// ParseRole returns the role whose code is s.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleRep, RoleAssistant, RoleManager:
		return Role(s), nil
	}
	return "", Errorf(EInvalid, "%q is not a role (rep, assistant, manager)", s)
}

// Person is someone in the directory.
type Person struct {
	ID            int64
	Email         string
	Name          string
	Role          Role
	Code          string   // how the ERP names them, when it uses a code
	SlackUserID   string   // empty until known
	DigestChannel string   // reps: where their daily digest goes
	Language      Language // empty means the configured default
	// Manager is the e-mail of the person's manager, empty when the
	// directory names none: who hears of their blocked orders nobody took on.
	Manager string
	// Placeholder marks a person created because an order named them before
	// the directory did; they get no answers until the directory is imported.
	Placeholder bool
}

// Customer is a company that orders.
type Customer struct {
	ID   int64
	Code string // the ERP's customer code, unique
	Name string
	// Credit is the customer's credit position, nil when no credit export
	// gave it (or when the query did not ask for it).
	Credit *Credit
}

// CustomerMatch is a customer found by name, with how well it matched.
type CustomerMatch struct {
	Customer
	// Score is the similarity of the query to the name, from 0 to 1; 1 means
	// every word of the query is found in the name.
	Score float64
	// ExactWords tells that every word of the query is a whole word of the
	// name (accents, case and punctuation aside): typed, not guessed.
	ExactWords bool
	// OpenOrders is how many open orders the customer has.
	OpenOrders int
}

// Block is one active reason an order is held. An order may be held for
// several reasons at once; its status is the most urgent one.
type Block struct {
	Kind   Status // a blocked status
	Reason string // free text from the ERP: "encours dépassé de 12 400 €"
	Since  time.Time
	// ExpectedRelease is when the block should lift, when the ERP knows.
	ExpectedRelease *time.Time
}

// Line is one product line of an order, as the ERP's line export gives it.
// Quantities are in the item's unit; Available is what can be shipped now
// of what is not shipped yet.
type Line struct {
	Number      int
	Item        string // the item's code: "1234", "CHAI-24"
	Description string // "Chai 24 × 500 g"
	Quantity    float64
	Available   float64
	// RestockOn is when the missing quantity is expected, when known.
	RestockOn *time.Time
	Shipped   float64
	Carrier   string // "DHL", as the ERP names it
	Tracking  string // the carrier's tracking number
}

// Missing is the quantity of the line that can be neither shipped nor has
// been: what the order is short of.
func (l Line) Missing() float64 { return max(0, l.Quantity-l.Shipped-l.Available) }

// Short reports whether the line is short of stock.
func (l Line) Short() bool { return l.Missing() > 0 }

// Credit is a customer's credit position, as the ERP last exported it.
// Amounts are in hundredths of Currency.
type Credit struct {
	LimitCents    int64
	ExposureCents int64 // open orders plus open receivables
	OverdueCents  int64 // receivables past due
	// OverdueSince is the due date of the oldest overdue invoice.
	OverdueSince *time.Time
	Currency     string
	// AccountHold says the whole account is on hold, whatever the figures.
	AccountHold bool
	// AsOf is when the ERP's export was taken.
	AsOf time.Time
}

// ExcessCents is how far the exposure is over the limit, 0 when under.
func (c Credit) ExcessCents() int64 { return max(0, c.ExposureCents-c.LimitCents) }

// ReleasePaymentCents is the payment that would bring the account back
// within its terms: the exposure under the limit and nothing overdue. A
// payment lowers the exposure and, applied to the oldest invoices, the
// overdue amount, so the larger of the two is enough for both.
func (c Credit) ReleasePaymentCents() int64 { return max(c.ExcessCents(), c.OverdueCents) }

// Order is one customer order, open or closed.
type Order struct {
	ID          int64
	Number      string // as the ERP writes it
	Customer    Customer
	CustomerRef string // the customer's own reference (their PO number)
	Rep         *Person
	Assistant   *Person
	Status      Status
	BlockReason string
	StatusSince time.Time
	// ExpectedRelease is when the order should be released, when known.
	ExpectedRelease *time.Time
	Blocks          []Block
	AmountCents     int64 // excluding tax, in hundredths of Currency
	Currency        string
	OrderedOn       *time.Time
	RequestedOn     *time.Time
	PromisedOn      *time.Time
	ClosedAt        *time.Time
	Lines           []Line
	UpdatedAt       time.Time
	// HandledBy is who claimed the alert of the block the order is in,
	// nil when nobody did (read with the order's lines).
	HandledBy *Handling
}

// Handling is a claim of a blocked order's alert: who is on it, since when.
type Handling struct {
	Name  string    `json:"name"`
	Since time.Time `json:"since"`
}

// Blocked reports whether the order waits for someone to act.
func (o Order) Blocked() bool { return o.Status.Blocked() }

// Closed reports whether the order has left the open portfolio.
func (o Order) Closed() bool { return o.Status.Closed() }

// StatusChange is one entry of an order's history: every change is kept so
// that "blocked since", "newly blocked" and aging are exact, never guessed.
type StatusChange struct {
	ID       int64
	OrderID  int64
	From     Status // empty for the order's first status
	To       Status
	Reason   string
	At       time.Time
	Source   string // "import:<profile>", "api", "sample", ...
	ImportID int64  // the import run that made the change, 0 if none
}

// OrderFilter selects open orders. Zero fields do not filter.
type OrderFilter struct {
	CustomerID  int64
	RepID       int64
	AssistantID int64
	Statuses    []Status
	BlockedOnly bool
	// HeldFor selects the orders held for this kind of block, whether it
	// is their status or one of their other active blocks.
	HeldFor Status
	// AnyRepID and AnyAssistantID select the orders of any of these reps
	// or followed by any of these assistants, an order in either list
	// being selected: a team's portfolio. Both empty, they do not filter.
	AnyRepID, AnyAssistantID []int64
	// Reason selects the orders held (for HeldFor, when set) by a block
	// whose reason holds every word of Reason, whatever their case, accents
	// and punctuation: "factures échues" finds "3 factures échues
	// impayées (21 480 €)". An order blocked without blocks of its own
	// (saved by hand with a status and a reason only; imports and the push
	// API always write the status's block) is not selected by it.
	Reason string
	// ShortOf selects the orders with a line short of this item: its code
	// (whatever its case), or every word of its description (whatever
	// their case, accents and punctuation). Their lines come with them.
	ShortOf string
	// Limit caps how many orders come back (the totals still count them all);
	// zero means the store's default.
	Limit int
}

// OrderList is a page of open orders, blocked first, with totals over every
// order the filter selects.
type OrderList struct {
	Orders       []Order
	Total        int
	TotalCents   map[string]int64 // per currency
	Blocked      int
	BlockedCents map[string]int64 // per currency
}

// Validate checks what an order must have before it is stored, and says in
// one sentence what is wrong.
func (o Order) Validate() error {
	switch {
	case NumberKey(o.Number) == "":
		return Errorf(EInvalid, "the order number %q has no letter or digit", o.Number)
	case !o.Status.Valid():
		return Errorf(EInvalid, "order %s: %q is not an order status", o.Number, o.Status)
	case o.Customer.ID == 0 && o.Customer.Code == "":
		return Errorf(EInvalid, "order %s has no customer", o.Number)
	case !isCurrencyCode(o.Currency):
		return Errorf(EInvalid, "order %s: %q is not a currency code (three capital letters, like EUR)", o.Number, o.Currency)
	}
	seen := map[Status]bool{}
	for _, b := range o.Blocks {
		if !b.Kind.Blocked() {
			return Errorf(EInvalid, "order %s: %q is not a kind of block", o.Number, b.Kind)
		}
		if seen[b.Kind] {
			return Errorf(EInvalid, "order %s is blocked twice for %q", o.Number, b.Kind)
		}
		seen[b.Kind] = true
	}
	if len(o.Blocks) > 0 && !o.Status.Closed() && !seen[o.Status] {
		return Errorf(EInvalid, "order %s has the status %q, which none of its blocks is", o.Number, o.Status)
	}
	lines := map[int]bool{}
	for _, l := range o.Lines {
		if lines[l.Number] {
			return Errorf(EInvalid, "order %s has line %d twice", o.Number, l.Number)
		}
		lines[l.Number] = true
	}
	return nil
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Validate checks a person before they are stored.
func (p Person) Validate() error {
	if strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.Email) == "" {
		return Errorf(EInvalid, "a person needs a name or an e-mail")
	}
	if p.Email != "" && !strings.Contains(p.Email, "@") {
		return Errorf(EInvalid, "%q is not an e-mail address", p.Email)
	}
	if _, err := ParseRole(string(p.Role)); err != nil {
		return err
	}
	if p.Language != "" {
		if _, err := ParseLanguage(string(p.Language)); err != nil {
			return err
		}
	}
	return nil
}

// TrackedOrder is an order with the status changes that led to it, oldest
// first: how generated and sample portfolios are loaded in bulk.
type TrackedOrder struct {
	Order   Order
	History []StatusChange
}

// BlockKeys returns what tells two sets of blocks apart, in a form a store
// compares cheaply: kinds lists the kinds, sorted and comma-separated (a
// change there is a change of status for the history); all adds each
// block's reason and expected release. Blocks' start times do not count.
func BlockKeys(blocks []Block) (kinds, all string) {
	sorted := append([]Block(nil), blocks...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Kind < sorted[j].Kind })
	var k, a strings.Builder
	for i, b := range sorted {
		if i > 0 {
			k.WriteByte(',')
			a.WriteByte('\x1e')
		}
		k.WriteString(string(b.Kind))
		a.WriteString(string(b.Kind))
		a.WriteByte('\x1f')
		a.WriteString(b.Reason)
		a.WriteByte('\x1f')
		if b.ExpectedRelease != nil {
			a.WriteString(b.ExpectedRelease.Format(time.DateOnly))
		}
	}
	return k.String(), a.String()
}

// AskedQuestion is one question orderbot answered, as the audit log keeps it.
type AskedQuestion struct {
	At        time.Time
	PersonID  int64  // 0 when the asker is not in the directory
	Asker     string // the Slack user ID or e-mail the transport gave
	Transport string // "slack", "console", ...
	Intent    string
	Outcome   string
	Results   int
	Latency   time.Duration
	Text      string
}
