package sample

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
)

var testNow = time.Date(2026, time.March, 10, 9, 30, 15, 123456789, time.FixedZone("CET", 3600))

// checkHistory checks what every order of a portfolio must satisfy, sample or
// generated: a chain of status changes ending in the order's status, times
// in order and in the past, blocks consistent with the status.
func checkHistory(t *testing.T, now time.Time, source string, tr orders.TrackedOrder) {
	t.Helper()
	o, h := tr.Order, tr.History
	if err := o.Validate(); err != nil {
		t.Errorf("order %s: %v", o.Number, err)
	}
	if len(h) == 0 {
		t.Errorf("order %s has no history", o.Number)
		return
	}
	if h[0].From != "" {
		t.Errorf("order %s: first change from %q, want from nothing", o.Number, h[0].From)
	}
	for i, c := range h {
		if c.Source != source {
			t.Errorf("order %s: change %d has source %q, want %q", o.Number, i, c.Source, source)
		}
		if !c.To.Valid() {
			t.Errorf("order %s: change %d to %q", o.Number, i, c.To)
		}
		if c.At.After(now) {
			t.Errorf("order %s: change %d at %v, after now %v", o.Number, i, c.At, now)
		}
		if i > 0 {
			if c.From != h[i-1].To {
				t.Errorf("order %s: change %d from %q, but the previous went to %q", o.Number, i, c.From, h[i-1].To)
			}
			if !c.At.After(h[i-1].At) {
				t.Errorf("order %s: change %d at %v, not after %v", o.Number, i, c.At, h[i-1].At)
			}
		}
	}
	last := h[len(h)-1]
	if last.To != o.Status || !last.At.Equal(o.StatusSince) {
		t.Errorf("order %s: history ends in %s at %v, order is %s since %v", o.Number, last.To, last.At, o.Status, o.StatusSince)
	}
	// Dates are the calendar day in now's location, written as midnight UTC.
	if y, m, d := h[0].At.In(now.Location()).Date(); o.OrderedOn == nil ||
		!o.OrderedOn.Equal(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("order %s: ordered on %v, first change at %v", o.Number, o.OrderedOn, h[0].At)
	}
	if o.Closed() != (o.ClosedAt != nil) {
		t.Errorf("order %s: status %s but closed at %v", o.Number, o.Status, o.ClosedAt)
	}
	if o.ClosedAt != nil && !o.ClosedAt.Equal(o.StatusSince) {
		t.Errorf("order %s: closed at %v, in status %s since %v", o.Number, *o.ClosedAt, o.Status, o.StatusSince)
	}
	if o.Blocked() != (len(o.Blocks) > 0) {
		t.Errorf("order %s: status %s with %d blocks", o.Number, o.Status, len(o.Blocks))
	}
	if len(o.Blocks) > 0 {
		if want := orders.DefaultPriority().StatusOf(o.Blocks, orders.StatusOpen); o.Status != want {
			t.Errorf("order %s: status %s, but its blocks make it %s", o.Number, o.Status, want)
		}
		if o.BlockReason == "" {
			t.Errorf("order %s is blocked with no reason", o.Number)
		}
	}
	for _, b := range o.Blocks {
		if b.Reason == "" || b.Since.After(now) || b.Since.Before(h[0].At) {
			t.Errorf("order %s: block %s %q since %v (order entered %v)", o.Number, b.Kind, b.Reason, b.Since, h[0].At)
		}
	}
	if o.Rep == nil || o.Rep.Email == "" || o.Rep.Role != orders.RoleRep {
		t.Errorf("order %s: rep %+v", o.Number, o.Rep)
	}
	if o.Assistant != nil && (o.Assistant.Email == "" || o.Assistant.Role != orders.RoleAssistant) {
		t.Errorf("order %s: assistant %+v", o.Number, o.Assistant)
	}
	if o.Customer.ID != 0 || o.Customer.Code == "" || o.Customer.Name == "" {
		t.Errorf("order %s: customer %+v", o.Number, o.Customer)
	}
	if o.AmountCents <= 0 {
		t.Errorf("order %s: amount %d", o.Number, o.AmountCents)
	}
}

func TestPortfolio(t *testing.T) {
	p := Portfolio(testNow)
	now := testNow.Truncate(time.Second)

	roles := map[orders.Role]int{}
	byEmail := map[string]orders.Person{}
	slackIDs := map[string]bool{}
	for _, person := range p.People {
		if err := person.Validate(); err != nil {
			t.Errorf("person %s: %v", person.Name, err)
		}
		roles[person.Role]++
		if _, dup := byEmail[person.Email]; dup || !strings.HasSuffix(person.Email, "@example.fr") {
			t.Errorf("e-mail %q is repeated or not @example.fr", person.Email)
		}
		byEmail[person.Email] = person
		if person.SlackUserID == "" || slackIDs[person.SlackUserID] {
			t.Errorf("%s: Slack ID %q missing or repeated", person.Name, person.SlackUserID)
		}
		slackIDs[person.SlackUserID] = true
		if person.Role == orders.RoleRep && !strings.HasPrefix(person.DigestChannel, "#") {
			t.Errorf("rep %s has digest channel %q", person.Name, person.DigestChannel)
		}
	}
	if roles[orders.RoleManager] != 1 || roles[orders.RoleRep] != 4 || roles[orders.RoleAssistant] != 3 {
		t.Errorf("roles: %v, want 1 manager, 4 reps, 3 assistants", roles)
	}

	customers := map[string]string{}
	names := map[string]string{}
	for _, c := range p.Customers {
		if _, dup := customers[c.Code]; dup || c.ID != 0 {
			t.Errorf("customer %+v is repeated or has an ID", c)
		}
		customers[c.Code] = c.Name
		names[c.Name] = c.Code
	}
	for _, name := range []string{
		"Boulangerie Dupré & Fils", "Établissements Müller SARL", "Spécialités du Monde", "Bénard Frères",
		"Carrefour Market Lyon 3", "Boucherie Lefèvre", "Boucherie Lefèvre & Cie",
		`O'Brien "<!channel>" & Co; DROP TABLE orders;--`, "Café *Gras* _Italique_ ~Barré~",
	} {
		if names[name] == "" {
			t.Errorf("no customer named %q", name)
		}
	}

	statuses := map[orders.Status]int{}
	open := map[string]int{}        // per customer name
	openBlocked := map[string]int{} // per customer name
	numberKeys := map[string]string{}
	var doubles, withLines, noAssistant, chf int
	for _, tr := range p.Orders {
		o := tr.Order
		checkHistory(t, now, "sample", tr)
		statuses[o.Status]++
		if name, ok := customers[o.Customer.Code]; !ok || name != o.Customer.Name {
			t.Errorf("order %s: customer %+v is not in the portfolio", o.Number, o.Customer)
		}
		if prev, dup := numberKeys[orders.NumberKey(o.Number)]; dup {
			t.Errorf("orders %s and %s have the same number key", prev, o.Number)
		}
		numberKeys[orders.NumberKey(o.Number)] = o.Number
		for _, who := range []*orders.Person{o.Rep, o.Assistant} {
			if who == nil {
				continue
			}
			if got, ok := byEmail[who.Email]; !ok || got.Role != who.Role || who.ID != 0 {
				t.Errorf("order %s: person %+v is not in the directory", o.Number, who)
			}
		}
		if o.AmountCents < 50_00 || o.AmountCents > 80_000_00 {
			t.Errorf("order %s: amount %d cents, want 50 € to 80,000 €", o.Number, o.AmountCents)
		}
		if o.Currency != "EUR" && o.Currency != "CHF" {
			t.Errorf("order %s: currency %s", o.Number, o.Currency)
		}
		if o.Currency == "CHF" {
			chf++
		}
		if !o.Closed() {
			open[o.Customer.Name]++
			if o.Blocked() {
				openBlocked[o.Customer.Name]++
				if age := now.Sub(o.StatusSince); age < time.Hour || age > 40*24*time.Hour {
					t.Errorf("order %s blocked for %v, want hours to 40 days", o.Number, age)
				}
			}
		}
		if len(o.Blocks) > 1 {
			doubles++
		}
		if len(o.Lines) > 0 {
			withLines++
			if o.Status != orders.StatusOutOfStock && !o.Blocked() {
				t.Errorf("order %s has lines but status %s", o.Number, o.Status)
			}
		}
		if o.Assistant == nil {
			noAssistant++
		}
	}
	for _, s := range orders.Statuses() {
		if statuses[s] == 0 {
			t.Errorf("no order is %s", s)
		}
	}
	if n := len(p.Orders); n < 55 || n > 70 {
		t.Errorf("%d orders, want about 60", n)
	}
	if doubles < 3 || withLines < 3 || noAssistant < 2 || chf < 2 {
		t.Errorf("%d double blocks, %d with lines, %d without assistant, %d in CHF", doubles, withLines, noAssistant, chf)
	}
	if dupre := "Boulangerie Dupré & Fils"; open[dupre] < 3 || openBlocked[dupre] < 1 {
		t.Errorf("%s: %d open orders, %d blocked; want 3 and 1 at least", dupre, open[dupre], openBlocked[dupre])
	}
	if open["Établissements Müller SARL"] == 0 {
		t.Error("Établissements Müller SARL has no open order")
	}
	if n := open[`O'Brien "<!channel>" & Co; DROP TABLE orders;--`]; n != 1 {
		t.Errorf("the metacharacter customer has %d open orders, want 1", n)
	}

	if again := Portfolio(testNow); !reflect.DeepEqual(p, again) {
		t.Error("two calls with the same time give different portfolios")
	}
}

func smallConfig() GenConfig {
	return GenConfig{Orders: 20_000, Customers: 2_000, Reps: 20, Assistants: 6, Seed: 42, Now: testNow}
}

func newGenerator(t testing.TB, cfg GenConfig) *Generator {
	t.Helper()
	g, err := NewGenerator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func allOrders(t testing.TB, g *Generator, batch int) []orders.TrackedOrder {
	t.Helper()
	var out []orders.TrackedOrder
	if err := g.Orders(batch, func(b []orders.TrackedOrder) error {
		out = append(out, b...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGeneratorDeterministic(t *testing.T) {
	a, b := newGenerator(t, smallConfig()), newGenerator(t, smallConfig())
	// b makes its orders before anything else: the order of calls must not matter.
	bo := allOrders(t, b, 3000)
	if !reflect.DeepEqual(a.People(), b.People()) {
		t.Error("People differ between two generators of the same config")
	}
	if !reflect.DeepEqual(a.Customers(), b.Customers()) {
		t.Error("Customers differ between two generators of the same config")
	}
	ao := allOrders(t, a, 7000) // the batch size must not matter either
	if len(ao) != len(bo) {
		t.Fatalf("%d and %d orders", len(ao), len(bo))
	}
	for i := range ao {
		if !reflect.DeepEqual(ao[i], bo[i]) {
			t.Fatalf("order %d differs:\n%+v\n%+v", i, ao[i], bo[i])
		}
	}
	if again := allOrders(t, a, 7000); !reflect.DeepEqual(again, ao) {
		t.Error("a second pass gives other orders")
	}

	other := smallConfig()
	other.Seed++
	if c := newGenerator(t, other); reflect.DeepEqual(c.Customers(), a.Customers()) {
		t.Error("another seed gives the same customers")
	}
}

func TestGeneratorPortfolio(t *testing.T) {
	cfg := smallConfig()
	g := newGenerator(t, cfg)
	now := cfg.Now.Truncate(time.Second)

	people := g.People()
	roles := map[orders.Role]int{}
	emails, slackIDs, channels := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range people {
		if err := p.Validate(); err != nil {
			t.Errorf("person %+v: %v", p, err)
		}
		roles[p.Role]++
		if emails[strings.ToLower(p.Email)] || slackIDs[p.SlackUserID] {
			t.Errorf("%s: e-mail %s or Slack ID %s repeated", p.Name, p.Email, p.SlackUserID)
		}
		emails[strings.ToLower(p.Email)], slackIDs[p.SlackUserID] = true, true
		if p.Role == orders.RoleRep {
			if !strings.HasPrefix(p.DigestChannel, "#ventes-") || channels[p.DigestChannel] {
				t.Errorf("rep %s: digest channel %q missing or repeated", p.Name, p.DigestChannel)
			}
			channels[p.DigestChannel] = true
		}
	}
	if roles[orders.RoleRep] != cfg.Reps || roles[orders.RoleAssistant] != cfg.Assistants || roles[orders.RoleManager] < 1 {
		t.Errorf("roles %v for %d reps and %d assistants", roles, cfg.Reps, cfg.Assistants)
	}

	customers := g.Customers()
	if len(customers) != cfg.Customers {
		t.Fatalf("%d customers, want %d", len(customers), cfg.Customers)
	}
	codes := map[string]string{}
	for i, c := range customers {
		if len(c.Code) != 8 || c.Code[0] != 'C' || codes[c.Code] != "" || c.Name == "" {
			t.Errorf("customer %d: %+v", i, c)
		}
		codes[c.Code] = c.Name
	}
	active := map[string]bool{}
	for i := range g.activeCustomers() {
		active[customers[g.openCustomer(i)].Code] = true
	}
	if want := cfg.Customers / 5; len(active) != want {
		t.Errorf("%d distinct active customers, want %d", len(active), want)
	}
	if g.openCustomer(g.activeCustomers()+3) != g.openCustomer(3) || g.openCustomer(-1) != g.openCustomer(g.activeCustomers()-1) {
		t.Error("OpenCustomer does not wrap around")
	}

	all := allOrders(t, g, 1500)
	if len(all) != cfg.Orders {
		t.Fatalf("%d orders, want %d", len(all), cfg.Orders)
	}
	statuses := map[orders.Status]int{}
	openPer := map[string]int{}
	var open, doubles, noAssistant, withRef int
	for i, tr := range all {
		o := tr.Order
		checkHistory(t, now, "generator", tr)
		if n := len(tr.History); n > 3 {
			t.Errorf("order %s has %d changes, want 1 to 3", o.Number, n)
		}
		if o.Number != g.OrderNumber(i) || len(o.Number) != 10 || !strings.HasPrefix(o.Number, "45") {
			t.Errorf("order %d is numbered %s, OrderNumber says %s", i, o.Number, g.OrderNumber(i))
		}
		if codes[o.Customer.Code] != o.Customer.Name {
			t.Errorf("order %s: customer %+v is not generated", o.Number, o.Customer)
		}
		if !emails[o.Rep.Email] || (o.Assistant != nil && !emails[o.Assistant.Email]) {
			t.Errorf("order %s: people not in the directory", o.Number)
		}
		if o.Currency != "EUR" || len(o.Lines) > 0 {
			t.Errorf("order %s: currency %s, %d lines", o.Number, o.Currency, len(o.Lines))
		}
		statuses[o.Status]++
		if !o.Closed() {
			open++
			openPer[o.Customer.Code]++
			if !active[o.Customer.Code] {
				t.Errorf("open order %s belongs to %s, not an active customer", o.Number, o.Customer.Code)
			}
		}
		if len(o.Blocks) > 1 {
			doubles++
		}
		if o.Assistant == nil {
			noAssistant++
		}
		if o.CustomerRef != "" {
			withRef++
		}
	}
	for _, s := range orders.Statuses() {
		if statuses[s] == 0 {
			t.Errorf("no order is %s", s)
		}
	}
	if share := float64(open) / float64(len(all)); share < 0.06 || share > 0.10 {
		t.Errorf("open share %.3f, want 0.08 ± 0.02", share)
	}
	if len(openPer) != len(active) {
		t.Errorf("%d customers have open orders, want every one of the %d active", len(openPer), len(active))
	}
	if doubles == 0 {
		t.Error("no order is held twice")
	}
	if share := float64(noAssistant) / float64(len(all)); share < 0.12 || share > 0.18 {
		t.Errorf("%.3f of orders without assistant, want about 0.15", share)
	}
	if share := float64(withRef) / float64(len(all)); share < 0.67 || share > 0.73 {
		t.Errorf("%.3f of orders with a customer reference, want about 0.7", share)
	}
	if statuses[orders.StatusCancelled] >= statuses[orders.StatusInvoiced]/10 {
		t.Errorf("%d cancelled for %d invoiced", statuses[orders.StatusCancelled], statuses[orders.StatusInvoiced])
	}
}

func TestGeneratorOpenShare(t *testing.T) {
	for _, share := range []float64{0.02, 0.3, 0.9, 1} {
		cfg := smallConfig()
		cfg.OpenShare, cfg.ActiveCustomerShare = share, 0.5
		g := newGenerator(t, cfg)
		open := 0
		for _, tr := range allOrders(t, g, 0) {
			if !tr.Order.Closed() {
				open++
			}
		}
		if got := float64(open) / float64(cfg.Orders); got < share-0.02 || got > share+0.02 {
			t.Errorf("OpenShare %.2f: %.3f of orders open", share, got)
		}
	}
}

func TestGeneratorStopsAtFirstError(t *testing.T) {
	g := newGenerator(t, smallConfig())
	stop := errors.New("stop")
	calls := 0
	err := g.Orders(1000, func(b []orders.TrackedOrder) error {
		if calls++; calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("Orders returned %v after %d calls, want stop after 2", err, calls)
	}
}

func TestNewGeneratorRejects(t *testing.T) {
	for _, tc := range []struct {
		field  string
		mutate func(*GenConfig)
	}{
		{"Orders", func(c *GenConfig) { c.Orders = 0 }},
		{"Orders", func(c *GenConfig) { c.Orders = MaxGenOrders + 1 }},
		{"Customers", func(c *GenConfig) { c.Customers = -1 }},
		{"Reps", func(c *GenConfig) { c.Reps = 0 }},
		{"Assistants", func(c *GenConfig) { c.Assistants = 0 }},
		{"OpenShare", func(c *GenConfig) { c.OpenShare = 1.5 }},
		{"OpenShare", func(c *GenConfig) { c.OpenShare = -0.1 }},
		{"ActiveCustomerShare", func(c *GenConfig) { c.ActiveCustomerShare = 2 }},
		{"Now", func(c *GenConfig) { c.Now = time.Time{} }},
	} {
		cfg := smallConfig()
		tc.mutate(&cfg)
		_, err := NewGenerator(cfg)
		if err == nil || !strings.Contains(err.Error(), "GenConfig."+tc.field+" ") || orders.ErrorCode(err) != orders.EInvalid {
			t.Errorf("%+v: error %v, want an invalid %s", cfg, err, tc.field)
		}
	}
	g := newGenerator(t, smallConfig())
	if c := g.cfg; c.OpenShare != DefaultOpenShare || c.ActiveCustomerShare != DefaultActiveCustomerShare {
		t.Errorf("zero shares became %v and %v, want the defaults", c.OpenShare, c.ActiveCustomerShare)
	}
	def := DefaultGenConfig()
	if def.Orders != 2_000_000 || def.Customers != 100_000 || def.Reps != 500 || def.Assistants != 150 || def.Now.IsZero() {
		t.Errorf("DefaultGenConfig() = %+v", def)
	}
}

// TestCustomerNamesAtScale counts distinct names among the 100,000 customers
// of the default configuration: name search must be measured on lists where
// many names share words, but most are still told apart.
func TestCustomerNamesAtScale(t *testing.T) {
	cfg := smallConfig()
	cfg.Customers, cfg.Orders = 100_000, 1
	g := newGenerator(t, cfg)
	distinct := map[string]bool{}
	boulangeries := 0
	for _, c := range g.Customers() {
		distinct[c.Name] = true
		if strings.Contains(c.Name, "Boulangerie") {
			boulangeries++
		}
	}
	t.Logf("%d distinct names of %d; %d contain Boulangerie", len(distinct), cfg.Customers, boulangeries)
	if len(distinct) < 60_000 {
		t.Errorf("%d distinct names of %d, want at least 60,000", len(distinct), cfg.Customers)
	}
	if boulangeries < 1000 {
		t.Errorf("only %d names contain Boulangerie: common words are not common", boulangeries)
	}
}

func TestWordLists(t *testing.T) {
	for name, list := range map[string][]string{
		"activities": activities[:], "institutions": institutions[:], "surnames": surnames[:], "firstNames": firstNames[:],
		"places": places[:], "legalForms": legalForms[:], "suffixes": suffixes[:],
	} {
		seen := map[string]bool{}
		for _, w := range list {
			if seen[w] || strings.TrimSpace(w) != w || w == "" {
				t.Errorf("%s: %q is repeated or badly spaced", name, w)
			}
			seen[w] = true
		}
	}
	if len(activities)+len(institutions) < 80 || len(surnames) < 290 || len(places) < 100 {
		t.Errorf("%d activities, %d surnames, %d places", len(activities)+len(institutions), len(surnames), len(places))
	}
}

// BenchmarkOrders2M generates the orders of DefaultGenConfig (2,000,000):
//
//	go test ./orders/sample/ -run '^$' -bench Orders2M -benchtime 1x -benchmem
func BenchmarkOrders2M(b *testing.B) {
	cfg := DefaultGenConfig()
	cfg.Now = testNow
	g := newGenerator(b, cfg)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := g.Orders(10_000, func(batch []orders.TrackedOrder) error {
			n += len(batch)
			return nil
		}); err != nil || n != cfg.Orders {
			b.Fatalf("%d orders, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(cfg.Orders), "ns/order")
}

// BenchmarkNewGenerator makes the people and 100,000 customers of DefaultGenConfig.
func BenchmarkNewGenerator(b *testing.B) {
	cfg := DefaultGenConfig()
	cfg.Now = testNow
	for b.Loop() {
		newGenerator(b, cfg)
	}
}
