package sample

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// Defaults and limits of a generated portfolio.
const (
	// DefaultOpenShare is the share of orders still open when GenConfig.OpenShare is zero.
	DefaultOpenShare = 0.08
	// DefaultActiveCustomerShare is the share of customers with open orders
	// when GenConfig.ActiveCustomerShare is zero.
	DefaultActiveCustomerShare = 0.2
	// DefaultBatchSize is the batch size Orders uses when given zero or less.
	DefaultBatchSize = 10_000
	// MaxGenOrders is the most orders a generator makes: their numbers are
	// "45" and 8 digits, from 4520000000 up, which leaves 4500000000 to
	// 4519999999 to the sample portfolio and to tests.
	MaxGenOrders = 80_000_000
	// MaxGenCustomers is the most customers a generator makes: their codes
	// are "C" and 7 digits.
	MaxGenCustomers = 9_999_999
)

const (
	genSource       = "generator"
	orderNumberBase = 4_520_000_000
	historySpan     = 3 * 365 * 24 * time.Hour
	// One random stream per kind of output, so that each can be produced
	// alone, in any order, and always the same.
	streamPeople    = 0x70656f706c65
	streamCustomers = 0x637573746f6d
	streamRanks     = 0x72616e6b73
	streamOrders    = 0x6f7264657273
)

// GenConfig sizes and seeds a generated portfolio. The same GenConfig always
// gives the same people, customers and orders, byte for byte.
type GenConfig struct {
	Orders     int // orders in all, open and closed
	Customers  int
	Reps       int
	Assistants int
	// OpenShare is the share of orders still open, in (0, 1]; zero means
	// DefaultOpenShare.
	OpenShare float64
	// ActiveCustomerShare is the share of customers that have open orders, in
	// (0, 1]; zero means DefaultActiveCustomerShare. In real portfolios the
	// customers people ask about are a minority of all customers.
	ActiveCustomerShare float64
	Seed                int64
	// Now is the moment the portfolio is generated at: every date and time is
	// before it, order dates spread over the three years before it.
	Now time.Time
}

// DefaultGenConfig returns the scale of SPEC.md §5: 2,000,000 orders,
// 100,000 customers, 500 reps and 150 assistants, with the default shares.
// Now is today's midnight UTC; set it to a fixed time for output that is
// identical from one day to the next.
func DefaultGenConfig() GenConfig {
	return GenConfig{
		Orders:              2_000_000,
		Customers:           100_000,
		Reps:                500,
		Assistants:          150,
		OpenShare:           DefaultOpenShare,
		ActiveCustomerShare: DefaultActiveCustomerShare,
		Seed:                1,
		Now:                 time.Now().UTC().Truncate(24 * time.Hour),
	}
}

// Generator makes a portfolio of any size, deterministically. People and
// customers are made once by NewGenerator; orders are made again on each call
// to Orders and streamed in batches, so that millions of them never sit in
// memory together. A Generator is safe for concurrent use.
//
// The model: order numbers follow the order dates (the ERP numbers them as
// they come), over three years. Open orders are mostly the recent ones, with
// a tail of old stuck ones, and belong only to the active customers; a few big
// customers order much more than the rest. Each customer has one rep, by
// index; each rep works with one assistant, who follows about 85 % of the
// rep's orders.
type Generator struct {
	cfg       GenConfig
	now       time.Time
	managers  int
	active    int // customers with open orders: the ranks [0, active)
	stride    int // the customer of rank r is (r*stride + offset) mod Customers
	offset    int
	window    int     // the last window orders hold most of the open ones
	pIn, pOut float64 // the chance an order is open, in and out of the window
	people    []orders.Person
	customers []orders.Customer
}

// NewGenerator checks cfg and makes the people and customers. Zero shares take
// their defaults; an error names the field that is wrong.
func NewGenerator(cfg GenConfig) (*Generator, error) {
	if cfg.OpenShare == 0 {
		cfg.OpenShare = DefaultOpenShare
	}
	if cfg.ActiveCustomerShare == 0 {
		cfg.ActiveCustomerShare = DefaultActiveCustomerShare
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	g := &Generator{cfg: cfg, now: cfg.Now.Truncate(time.Second), managers: 1 + cfg.Reps/100}
	g.active = max(1, int(math.Round(float64(cfg.Customers)*cfg.ActiveCustomerShare)))

	n := cfg.Customers
	g.stride = int(float64(n)*0.6180339887) | 1
	for gcd(g.stride, n) != 1 {
		g.stride++
	}
	g.offset = rand.New(rand.NewPCG(uint64(cfg.Seed), streamRanks)).IntN(n)

	open := cfg.OpenShare * float64(cfg.Orders)
	g.window, g.pIn = cfg.Orders, cfg.OpenShare
	if w := int(math.Ceil(1.25 * open)); cfg.OpenShare <= 0.7 && w < cfg.Orders {
		// Nine open orders in ten among the most recent; the rest spread
		// over the years, as orders nobody closed.
		g.window = w
		g.pIn = 0.9 * open / float64(w)
		g.pOut = 0.1 * open / float64(cfg.Orders-w)
	}

	g.people = g.makePeople()
	g.customers = g.makeCustomers()
	return g, nil
}

func (c GenConfig) validate() error {
	invalid := func(field, rule string, v any) error {
		return orders.Errorf(orders.EInvalid, "GenConfig.%s must be %s, not %v", field, rule, v)
	}
	switch {
	case c.Orders < 1 || c.Orders > MaxGenOrders:
		return invalid("Orders", "between 1 and "+strconv.Itoa(MaxGenOrders), c.Orders)
	case c.Customers < 1 || c.Customers > MaxGenCustomers:
		return invalid("Customers", "between 1 and "+strconv.Itoa(MaxGenCustomers), c.Customers)
	case c.Reps < 1:
		return invalid("Reps", "positive", c.Reps)
	case c.Assistants < 1:
		return invalid("Assistants", "positive", c.Assistants)
	case !(c.OpenShare > 0 && c.OpenShare <= 1):
		return invalid("OpenShare", "in (0, 1]", c.OpenShare)
	case !(c.ActiveCustomerShare > 0 && c.ActiveCustomerShare <= 1):
		return invalid("ActiveCustomerShare", "in (0, 1]", c.ActiveCustomerShare)
	case c.Now.IsZero():
		return orders.Errorf(orders.EInvalid, "GenConfig.Now must be set")
	}
	return nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// People returns the directory: a few managers (one per hundred reps, at
// least one), then the reps, then the assistants. E-mails
// (firstname.lastname@example.com, numbered when two people share a name),
// Slack user IDs and reps' digest channels are unique. The slice is the
// caller's.
func (g *Generator) People() []orders.Person { return slices.Clone(g.people) }

// Customers returns the customers, codes "C0000001" upwards. The slice is
// the caller's.
func (g *Generator) Customers() []orders.Customer { return slices.Clone(g.customers) }

// activeCustomers returns how many customers have open orders.
func (g *Generator) activeCustomers() int { return g.active }

// openCustomer returns the index of the i-th customer that has open orders,
// biggest first; i wraps around activeCustomers. Each of them has at least
// one open order as long as there are at least as many open orders as
// active customers.
func (g *Generator) openCustomer(i int) int {
	i %= g.active
	if i < 0 {
		i += g.active
	}
	return g.customerOfRank(i)
}

// customerOfRank returns the index of the customer of rank r (0 is the
// biggest): a fixed permutation, so that big customers are spread over the
// codes and the names rather than being the first ones.
func (g *Generator) customerOfRank(r int) int {
	return int((int64(r)*int64(g.stride) + int64(g.offset)) % int64(g.cfg.Customers))
}

// OrderNumber returns the number of the i-th order (0-based), for benchmarks
// to pick numbers that exist.
func (g *Generator) OrderNumber(i int) string {
	return strconv.FormatInt(orderNumberBase+int64(i), 10)
}

func (g *Generator) makePeople() []orders.Person {
	r := rand.New(rand.NewPCG(uint64(g.cfg.Seed), streamPeople))
	total := g.managers + g.cfg.Reps + g.cfg.Assistants
	people := make([]orders.Person, 0, total)
	taken := make(map[string]int, total)
	for i := range total {
		first := firstNames[r.IntN(len(firstNames))]
		last := surnames[skewed(r, len(surnames), 1.6)]
		local := asciiSlug(first, '-') + "." + asciiSlug(last, '-')
		// Generated locals have no digit, so a numbered one cannot collide.
		if taken[local]++; taken[local] > 1 {
			local += strconv.Itoa(taken[local])
		}
		p := orders.Person{
			Email:       local + "@example.com",
			Name:        first + " " + last,
			SlackUserID: "UG" + pad(int64(i+1), 7),
			Language:    orders.French,
		}
		if r.IntN(100) < 15 {
			p.Language = orders.English
		}
		switch {
		case i < g.managers:
			p.Role, p.Code = orders.RoleManager, "M"+pad(int64(i+1), 3)
		case i < g.managers+g.cfg.Reps:
			n := i - g.managers + 1
			p.Role, p.Code = orders.RoleRep, "R"+pad(int64(n), 4)
			p.DigestChannel = "#ventes-" + strings.ReplaceAll(local, ".", "-")
		default:
			n := i - g.managers - g.cfg.Reps + 1
			p.Role, p.Code = orders.RoleAssistant, "A"+pad(int64(n), 4)
		}
		people = append(people, p)
	}
	return people
}

func (g *Generator) makeCustomers() []orders.Customer {
	r := rand.New(rand.NewPCG(uint64(g.cfg.Seed), streamCustomers))
	customers := make([]orders.Customer, g.cfg.Customers)
	var b strings.Builder
	for i := range customers {
		b.Reset()
		writeCustomerName(&b, r)
		customers[i] = orders.Customer{Code: "C" + pad(int64(i+1), 7), Name: b.String()}
	}
	return customers
}

// writeCustomerName writes a name the way French companies are named. Common
// words are favoured, as in life: there are many "Boulangerie Martin".
func writeCustomerName(b *strings.Builder, r *rand.Rand) {
	activity := func() string { return activities[skewed(r, len(activities), 1.2)] }
	surname := func() string { return surnames[skewed(r, len(surnames), 1.4)] }
	place := func() string { return places[r.IntN(len(places))] }
	words := func(w ...string) {
		for i, s := range w {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
	}
	// Two different surnames, for partners' names.
	pair := func() (string, string) {
		x, y := surname(), surname()
		for x == y {
			y = surname()
		}
		return x, y
	}
	switch p := r.IntN(100); {
	case p < 28:
		words(activity(), surname())
		if r.IntN(20) < 7 {
			words("", suffixes[r.IntN(len(suffixes))])
		}
	case p < 42:
		x, y := pair()
		words(activity(), x+"-"+y)
	case p < 50:
		words(activity(), place())
	case p < 56:
		words(institutions[r.IntN(len(institutions))], place())
	case p < 63:
		x, y := pair()
		words(activity(), x, "&", y)
	case p < 73:
		words(activity(), firstNames[r.IntN(len(firstNames))], surname())
	case p < 82:
		words(activity(), surname(), place())
	case p < 88:
		words(surname(), legalForms[r.IntN(len(legalForms))])
	case p < 92:
		words(surname(), [...]string{"& Fils", "Frères", "Père & Fils", "& Associés"}[r.IntN(4)])
	case p < 98:
		words("Établissements", surname())
		if r.IntN(2) == 0 {
			words("", legalForms[r.IntN(len(legalForms))])
		}
	default:
		words("Chez", firstNames[r.IntN(len(firstNames))])
	}
}

// skewed returns an index in [0, n) favouring the first ones; the larger k,
// the stronger the preference.
func skewed(r *rand.Rand, n int, k float64) int {
	return min(n-1, int(float64(n)*math.Pow(r.Float64(), k)))
}

// Orders makes every order, oldest first, and hands them to fn in batches of
// batchSize (DefaultBatchSize when zero or less); it returns fn's first error
// as is, without making the rest. Each batch is new: fn may keep it. Within
// one call, orders share their Rep and Assistant values, which fn must not
// modify. Every order passes Validate and has no Lines.
func (g *Generator) Orders(batchSize int, fn func([]orders.TrackedOrder) error) error {
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	people := g.People()
	s := orderStream{
		g:    g,
		r:    rand.New(rand.NewPCG(uint64(g.cfg.Seed), streamOrders)),
		reps: people[g.managers : g.managers+g.cfg.Reps],
		advs: people[g.managers+g.cfg.Reps:],
		prio: orders.DefaultPriority(),
	}
	for start := 0; start < g.cfg.Orders; start += batchSize {
		if err := fn(s.batch(start, min(batchSize, g.cfg.Orders-start))); err != nil {
			return err
		}
	}
	return nil
}

// orderStream is the state of one pass of Orders.
type orderStream struct {
	g          *Generator
	r          *rand.Rand
	reps, advs []orders.Person
	prio       orders.Priority
	openSeen   int
	start      int // where the current order's history begins in history
	// Backing arrays of the current batch: orders point into them, which
	// spares millions of small allocations.
	history []orders.StatusChange
	days    []time.Time
}

func (s *orderStream) batch(start, n int) []orders.TrackedOrder {
	out := make([]orders.TrackedOrder, n)
	// Growing past these capacities is harmless: orders keep pointing into
	// the old arrays, whose values do not change.
	s.history = make([]orders.StatusChange, 0, 3*n)
	s.days = make([]time.Time, 0, 4*n)
	for k := range out {
		s.order(start+k, &out[k])
	}
	return out
}

// day returns a pointer to t's calendar day, from the batch's backing array.
func (s *orderStream) day(t time.Time) *time.Time {
	y, m, d := t.Date()
	s.days = append(s.days, time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	return &s.days[len(s.days)-1]
}

// order makes the i-th order into t: when it was entered, whether it is
// still open, whose it is, its terms, then its history and the status that
// history leads to. The steps draw from s.r in this order, always the same.
func (s *orderStream) order(i int, t *orders.TrackedOrder) {
	orderedAt := s.orderedAt(i)
	open := s.isOpen(i)
	o := &t.Order
	s.terms(o, i, s.g.customerOfRank(s.customerRank(open)), open, orderedAt)
	s.start = len(s.history)
	if open {
		s.openHistory(o, orderedAt)
	} else {
		s.closedHistory(o, orderedAt)
	}
	s.settle(t)
}

// orderedAt returns when the i-th order was entered: the ERP numbers orders
// as they come, so the date follows the index.
func (s *orderStream) orderedAt(i int) time.Time {
	n := s.g.cfg.Orders
	ageSec := int64(historySpan/time.Second)*int64(n-1-i)/int64(n) + 1800 + s.r.Int64N(36*3600)
	return s.g.now.Add(-time.Duration(ageSec) * time.Second)
}

// isOpen draws whether the i-th order is still open, more likely among the
// recent ones.
func (s *orderStream) isOpen(i int) bool {
	g := s.g
	p := g.pOut
	if i >= g.cfg.Orders-g.window {
		p = g.pIn
	}
	return s.r.Float64() < p
}

// customerRank returns the rank of the order's customer: open orders go to
// the active customers, each of them getting one first.
func (s *orderStream) customerRank(open bool) int {
	g := s.g
	var rank int
	switch {
	case open && s.openSeen < g.active:
		rank = s.openSeen // every active customer gets an open order first
	case open:
		// The biggest customer gets about 1 % of the open orders.
		rank = skewed(s.r, g.active, 2)
	default:
		rank = skewed(s.r, g.cfg.Customers, 2.5)
	}
	if open {
		s.openSeen++
	}
	return rank
}

// terms fills in the i-th order's number, customer ci, people, amount,
// reference and dates.
func (s *orderStream) terms(o *orders.Order, i, ci int, open bool, orderedAt time.Time) {
	g, r := s.g, s.r
	repIdx := ci % g.cfg.Reps
	o.Number = g.OrderNumber(i)
	o.Customer = orders.Customer{Code: g.customers[ci].Code, Name: g.customers[ci].Name}
	o.Rep = &s.reps[repIdx]
	if r.IntN(100) < 85 {
		o.Assistant = &s.advs[repIdx%g.cfg.Assistants]
	}
	o.Currency = "EUR"
	o.AmountCents = amountCents(r)
	if r.IntN(10) < 7 {
		o.CustomerRef = "PO-" + strconv.Itoa(1000+r.IntN(999_000))
	}
	o.OrderedOn = s.day(orderedAt)
	requested := orderedAt.Add(time.Duration(2+r.IntN(20)) * 24 * time.Hour)
	o.RequestedOn = s.day(requested)
	promiseShare := 90
	if open {
		promiseShare = 75
	}
	if r.IntN(100) < promiseShare {
		o.PromisedOn = s.day(requested.Add(time.Duration(r.IntN(11)) * 24 * time.Hour))
	}
}

// change appends a status change to the current order's history, which
// starts at s.start.
func (s *orderStream) change(to orders.Status, reason string, when time.Time) {
	var from orders.Status
	if len(s.history) > s.start {
		from = s.history[len(s.history)-1].To
	}
	s.history = append(s.history, orders.StatusChange{From: from, To: to, Reason: reason, At: when, Source: genSource})
}

// between returns the time at fraction f of the way from orderedAt to now,
// in whole seconds.
func (s *orderStream) between(orderedAt time.Time, f float64) time.Time {
	elapsed := s.g.now.Sub(orderedAt)
	return orderedAt.Add(time.Duration(float64(elapsed) * f)).Truncate(time.Second)
}

// openStatus draws the status of an open order.
func (s *orderStream) openStatus() orders.Status {
	// The spread of open orders over statuses, in percent, cumulated.
	spread := [...]struct {
		status orders.Status
		upTo   int
	}{
		{orders.StatusOpen, 45}, {orders.StatusPicking, 60}, {orders.StatusOutOfStock, 72},
		{orders.StatusAnomaly, 79}, {orders.StatusCreditLimit, 88}, {orders.StatusDeliveryBlock, 95},
		{orders.StatusFinancialBlock, 100},
	}
	u := s.r.IntN(100)
	for _, sp := range spread {
		if u < sp.upTo {
			return sp.status
		}
	}
	return orders.StatusOpen
}

// openHistory writes the history of an open order, and its blocks: held
// once, or twice with a second block arriving while the first holds.
func (s *orderStream) openHistory(o *orders.Order, orderedAt time.Time) {
	r := s.r
	switch status := s.openStatus(); {
	case status == orders.StatusOpen:
		s.change(orders.StatusOpen, "commande saisie", orderedAt)
	case status == orders.StatusPicking:
		s.change(orders.StatusOpen, "commande saisie", orderedAt)
		s.change(orders.StatusPicking, "préparation lancée", s.between(orderedAt, 0.05+0.9*r.Float64()))
	case r.IntN(10) > 0:
		b := s.block(status, orderedAt)
		if r.IntN(4) == 0 {
			s.change(status, b.Reason, orderedAt) // held as soon as entered
		} else {
			s.change(orders.StatusOpen, "commande saisie", orderedAt)
			b.Since = s.between(orderedAt, 0.05+0.9*r.Float64())
			s.change(status, b.Reason, b.Since)
		}
		o.Blocks = []orders.Block{b}
	default:
		// Held twice: a second block arrives while the first holds.
		other := orders.BlockedStatuses()
		other = slices.DeleteFunc(other, func(k orders.Status) bool { return k == status })
		b1 := s.block(status, s.between(orderedAt, 0.05+0.45*r.Float64()))
		b2 := s.block(other[r.IntN(len(other))], s.between(orderedAt, 0.55+0.4*r.Float64()))
		o.Blocks = []orders.Block{b1, b2}
		s.change(orders.StatusOpen, "commande saisie", orderedAt)
		s.change(b1.Kind, b1.Reason, b1.Since)
		if s.prio.StatusOf(o.Blocks, orders.StatusOpen) == b2.Kind {
			s.change(b2.Kind, b2.Reason, b2.Since)
		}
	}
}

// closedHistory writes the history of a closed order, cancelled or
// invoiced, and when it was closed.
func (s *orderStream) closedHistory(o *orders.Order, orderedAt time.Time) {
	r := s.r
	elapsed := s.g.now.Sub(orderedAt)
	closeAfter := time.Duration(3600+r.Int64N(45*86400)) * time.Second
	closedAt := orderedAt.Add(min(closeAfter, time.Duration(float64(elapsed)*(0.6+0.35*r.Float64())))).Truncate(time.Second)
	mid := orderedAt.Add(time.Duration(float64(closedAt.Sub(orderedAt)) * (0.3 + 0.4*r.Float64()))).Truncate(time.Second)
	v := r.IntN(100)
	switch {
	case v < 5:
		s.change(orders.StatusOpen, "commande saisie", orderedAt)
		if r.IntN(10) < 3 {
			s.change(orders.StatusAnomaly, "bon de commande non signé", mid)
		}
		s.change(orders.StatusCancelled, "annulée à la demande du client", closedAt)
	case v < 14:
		// Counter sale: invoiced as it is entered.
		closedAt = orderedAt
		s.change(orders.StatusInvoiced, "vente comptoir", orderedAt)
	case v < 40:
		s.change(orders.StatusOpen, "commande saisie", orderedAt)
		s.change(orders.StatusInvoiced, "facturée", closedAt)
	default:
		s.change(orders.StatusOpen, "commande saisie", orderedAt)
		s.change(orders.StatusPicking, "préparation lancée", mid)
		s.change(orders.StatusInvoiced, "facturée", closedAt)
	}
	s.days = append(s.days, closedAt)
	o.ClosedAt = &s.days[len(s.days)-1]
}

// settle gives t its history, from s.start, and the order the status, block
// reason and update time that history and its blocks lead to.
func (s *orderStream) settle(t *orders.TrackedOrder) {
	o := &t.Order
	t.History = s.history[s.start:len(s.history):len(s.history)]
	last := t.History[len(t.History)-1]
	o.Status, o.StatusSince, o.UpdatedAt = last.To, last.At, last.At
	for _, b := range o.Blocks {
		if b.Kind == o.Status {
			o.BlockReason, o.ExpectedRelease = b.Reason, b.ExpectedRelease
		}
		if b.Since.After(o.UpdatedAt) {
			o.UpdatedAt = b.Since
		}
	}
}

// block returns a block of kind k since the given time, with a reason and,
// where the ERP would know it, an expected release date.
func (s *orderStream) block(k orders.Status, since time.Time) orders.Block {
	r := s.r
	b := orders.Block{Kind: k, Reason: blockReason(r, k, since.Year()), Since: since}
	var share, maxDays int
	switch k {
	case orders.StatusOutOfStock:
		share, maxDays = 70, 30
	case orders.StatusDeliveryBlock:
		share, maxDays = 40, 10
	case orders.StatusCreditLimit:
		share, maxDays = 15, 7
	}
	if r.IntN(100) < share {
		b.ExpectedRelease = s.day(s.g.now.Add(time.Duration(1+r.IntN(maxDays)) * 24 * time.Hour))
	}
	return b
}

// blockReason returns the free text an ERP gives for a block of kind k.
func blockReason(r *rand.Rand, k orders.Status, year int) string {
	switch k {
	case orders.StatusOutOfStock:
		sku := strconv.Itoa(1000 + r.IntN(89_000))
		switch r.IntN(3) {
		case 0:
			return "SKU " + sku + " manquant"
		case 1:
			return "rupture fournisseur sur SKU " + sku
		}
		return "reliquat de " + strconv.Itoa(1+r.IntN(40)) + " colis en attente fournisseur"
	case orders.StatusAnomaly:
		if r.IntN(5) == 0 {
			return "prix unitaire incohérent ligne " + strconv.Itoa(1+r.IntN(12))
		}
		return [...]string{"adresse de facturation manquante", "RIB manquant", "TVA intracommunautaire invalide",
			"n° de commande client manquant", "code article inconnu", "bon de commande non signé",
			"conditions de paiement à valider"}[r.IntN(7)]
	case orders.StatusCreditLimit:
		switch r.IntN(4) {
		case 0:
			return "limite de crédit atteinte (plafond " + thousands(int64(5+r.IntN(96))*1000) + " €)"
		case 1:
			return "assurance-crédit refusée"
		}
		return "encours dépassé de " + thousands(int64(100+r.IntN(60_000))) + " €"
	case orders.StatusDeliveryBlock:
		return [...]string{"adresse de livraison incomplète", "créneau de livraison à confirmer",
			"quai fermé, rappeler le client", "livraison suspendue à la demande du client",
			"transporteur à affréter (hors zone)", "documents douaniers à compléter"}[r.IntN(6)]
	case orders.StatusFinancialBlock:
		switch r.IntN(4) {
		case 0:
			return "litige facture F-" + strconv.Itoa(year) + "-" + pad(int64(1+r.IntN(9999)), 4)
		case 1:
			return strconv.Itoa(2+r.IntN(6)) + " factures échues impayées"
		case 2:
			return "relance niveau " + strconv.Itoa(1+r.IntN(3)) + " sans réponse"
		}
		return "chèque impayé"
	}
	return ""
}

// amountCents returns an amount excluding tax with the long tail of real
// order books: a median of 1,200 €, a few orders past 100,000 €.
func amountCents(r *rand.Rand) int64 {
	v := math.Exp(math.Log(120_000) + 1.25*r.NormFloat64())
	return int64(min(max(v, 1_500), 150_000_000))
}

// thousands writes n with a space between groups of three digits, the
// French way ("12 400").
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// pad returns n in decimal with leading zeros up to width digits.
func pad(n int64, width int) string {
	s := strconv.FormatInt(n, 10)
	if len(s) >= width {
		return s
	}
	return strings.Repeat("0", width-len(s)) + s
}

// asciiSlug returns s lower-cased, without accents, with spaces and
// apostrophes replaced by sep: how names become e-mail addresses.
func asciiSlug(s string, sep byte) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch c {
		case 'à', 'â', 'ä', 'á':
			b.WriteByte('a')
		case 'é', 'è', 'ê', 'ë':
			b.WriteByte('e')
		case 'î', 'ï', 'í':
			b.WriteByte('i')
		case 'ô', 'ö', 'ó':
			b.WriteByte('o')
		case 'ù', 'û', 'ü', 'ú':
			b.WriteByte('u')
		case 'ç':
			b.WriteByte('c')
		case 'ñ':
			b.WriteByte('n')
		case 'ÿ':
			b.WriteByte('y')
		case 'œ':
			b.WriteString("oe")
		case 'æ':
			b.WriteString("ae")
		case ' ', '\'', '-':
			b.WriteByte(sep)
		default:
			if c < 128 {
				b.WriteRune(c)
			}
		}
	}
	return b.String()
}
