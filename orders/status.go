package orders

// Status is where an order stands in the portfolio, as SPEC.md §1 classifies it.
type Status string

// The statuses an order can have. Blocked statuses need someone to act;
// closed statuses take the order out of the open portfolio.
const (
	StatusOpen           Status = "open"
	StatusPicking        Status = "picking"
	StatusOutOfStock     Status = "out_of_stock"
	StatusAnomaly        Status = "anomaly"
	StatusCreditLimit    Status = "credit_limit"
	StatusDeliveryBlock  Status = "delivery_block"
	StatusFinancialBlock Status = "financial_block"
	StatusInvoiced       Status = "invoiced"
	StatusCancelled      Status = "cancelled"
)

// Language is a language orderbot answers in.
type Language string

// The languages orderbot speaks.
const (
	French  Language = "fr"
	English Language = "en"
)

// statusInfo is everything orderbot knows about one status, in one row so
// that adding a status cannot leave a label or a rule behind.
type statusInfo struct {
	status  Status
	fr, en  string
	blocked bool
	closed  bool
}

// statusTable lists the statuses in their display order; its order is also the
// default urgency of blocked statuses (earlier is more urgent) used when an
// order is held for several reasons at once.
var statusTable = [...]statusInfo{
	{StatusFinancialBlock, "Blocage financier", "Financial block", true, false},
	{StatusCreditLimit, "Limite de crédit", "Credit limit", true, false},
	{StatusAnomaly, "Anomalie", "Anomaly", true, false},
	{StatusDeliveryBlock, "Blocage de livraison", "Delivery block", true, false},
	{StatusOutOfStock, "En rupture", "Out of stock", true, false},
	{StatusPicking, "En préparation", "Picking", false, false},
	{StatusOpen, "En cours", "Open", false, false},
	{StatusInvoiced, "Facturée", "Invoiced", false, true},
	{StatusCancelled, "Annulée", "Cancelled", false, true},
}

func (s Status) info() (statusInfo, bool) {
	for _, i := range statusTable {
		if i.status == s {
			return i, true
		}
	}
	return statusInfo{}, false
}

// Statuses returns every status, blocked ones first, most urgent first.
func Statuses() []Status {
	out := make([]Status, len(statusTable))
	for i, s := range statusTable {
		out[i] = s.status
	}
	return out
}

// BlockedStatuses returns the statuses that hold an order until someone acts.
func BlockedStatuses() []Status { return filterStatuses(func(i statusInfo) bool { return i.blocked }) }

// ClosedStatuses returns the statuses that take an order out of the portfolio.
func ClosedStatuses() []Status { return filterStatuses(func(i statusInfo) bool { return i.closed }) }

func filterStatuses(keep func(statusInfo) bool) []Status {
	var out []Status
	for _, i := range statusTable {
		if keep(i) {
			out = append(out, i.status)
		}
	}
	return out
}

// ParseStatus returns the status whose code is s, or an error naming it.
func ParseStatus(s string) (Status, error) {
	if _, ok := Status(s).info(); ok {
		return Status(s), nil
	}
	return "", Errorf(EInvalid, "%q is not an order status (want one of %v)", s, Statuses())
}

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool { _, ok := s.info(); return ok }

// Blocked reports whether an order in this status waits for someone to act.
func (s Status) Blocked() bool { i, _ := s.info(); return i.blocked }

// Closed reports whether an order in this status has left the open portfolio.
func (s Status) Closed() bool { i, _ := s.info(); return i.closed }

// Label returns the status as a person reads it in lang (French by default).
func (s Status) Label(lang Language) string {
	i, ok := s.info()
	if !ok {
		return string(s)
	}
	if lang == English {
		return i.en
	}
	return i.fr
}

// String returns the status code.
func (s Status) String() string { return string(s) }

// Priority orders blocked statuses by urgency: when an ERP holds an order for
// several reasons at once, the order's status is the most urgent of them.
// The zero value is the default order of SPEC.md §1.
type Priority []Status

// DefaultPriority returns the blocked statuses, most urgent first.
func DefaultPriority() Priority { return Priority(BlockedStatuses()) }

// Validate checks that p names each blocked status at most once and nothing else.
func (p Priority) Validate() error {
	seen := map[Status]bool{}
	for _, s := range p {
		if !s.Blocked() {
			return Errorf(EInvalid, "%q in the block priority is not a blocked status", s)
		}
		if seen[s] {
			return Errorf(EInvalid, "%q appears twice in the block priority", s)
		}
		seen[s] = true
	}
	return nil
}

// rank returns the position of s in p; statuses p does not name come after
// those it names, in the default order.
func (p Priority) rank(s Status) int {
	if len(p) == 0 {
		p = DefaultPriority()
	}
	for i, q := range p {
		if q == s {
			return i
		}
	}
	for i, q := range DefaultPriority() {
		if q == s {
			return len(p) + i
		}
	}
	return len(p) + len(statusTable)
}

// StatusOf returns the status an order held by blocks has: the most urgent
// block's kind, or fallback when no block is active.
func (p Priority) StatusOf(blocks []Block, fallback Status) Status {
	best, bestRank := fallback, -1
	for _, b := range blocks {
		if r := p.rank(b.Kind); bestRank < 0 || r < bestRank {
			best, bestRank = b.Kind, r
		}
	}
	return best
}

// Less reports whether a is more urgent than b.
func (p Priority) Less(a, b Status) bool { return p.rank(a) < p.rank(b) }

// ParseLanguage returns the language whose code is s ("fr" or "en").
func ParseLanguage(s string) (Language, error) {
	switch Language(s) {
	case French, English:
		return Language(s), nil
	}
	return "", Errorf(EInvalid, "%q is not a supported language (fr, en)", s)
}
