package postgres

import (
	"hash/maphash"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
)

// TestDigestsReadBackAsWritten: the open orders' digests and ids read
// without allocating are those the import wrote, and a number hashes the
// same from bytes as from a string.
func TestDigestsReadBackAsWritten(t *testing.T) {
	for _, d := range []uint64{0, 1, 0xdeadbeef, 0x0123456789abcdef, ^uint64(0)} {
		got, ok := parseHex64(appendHex64(nil, d))
		if !ok || got != d {
			t.Errorf("parseHex64(appendHex64(%x)) = %x, %v", d, got, ok)
		}
	}
	for _, bad := range []string{"0123456789ABCDEF", "01234567x9abcdef"} {
		if _, ok := parseHex64([]byte(bad)); ok {
			t.Errorf("parseHex64(%q) is read", bad)
		}
	}
	for s, want := range map[string]int64{"0": 0, "42": 42, "9000000000000000": 9e15} {
		if got, ok := parseDecimal([]byte(s)); !ok || got != want {
			t.Errorf("parseDecimal(%q) = %d, %v", s, got, ok)
		}
	}
	for _, bad := range []string{"", "-1", "12a", "1234567890123456789"} {
		if _, ok := parseDecimal([]byte(bad)); ok {
			t.Errorf("parseDecimal(%q) is read", bad)
		}
	}
	o := &openOrders{seed: maphash.MakeSeed()}
	for _, n := range []string{"4500012346", "CDE-2026/0042", "", "é"} {
		if o.numberHash(n) != o.numberHashBytes([]byte(n)) {
			t.Errorf("%q hashes differently from bytes", n)
		}
	}
}

// TestEntryDigestCoversEverythingButTheLine: the digest that lets an
// import skip a row changes with every field the row states, and not with
// its line.
func TestEntryDigestCoversEverythingButTheLine(t *testing.T) {
	day := func(d int) *time.Time { t := time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC); return &t }
	base := func() orders.Entry {
		return orders.Entry{Line: 2, Number: "4500012346", CustomerCode: "C001234", CustomerName: "Boulangerie Dupré",
			CustomerRef: "PO-42", Rep: "claire.martin@example.fr", Assistant: "helene.lefevre@example.fr",
			Status: orders.StatusCreditLimit, BlockReason: "encours dépassé", AmountCents: 1240000, Currency: "EUR",
			OrderedOn: day(1), RequestedOn: day(8), PromisedOn: day(10), ExpectedRelease: day(12),
			Blocks: []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "encours dépassé", ExpectedRelease: day(12)}}}
	}
	want, _ := entryDigest(nil, base())
	moved := base()
	moved.Line = 900
	if d, _ := entryDigest(nil, moved); d != want {
		t.Error("the line number changes the digest")
	}
	for name, change := range map[string]func(*orders.Entry){
		"number":        func(e *orders.Entry) { e.Number = "4500012347" },
		"customer":      func(e *orders.Entry) { e.CustomerCode = "C001235" },
		"name":          func(e *orders.Entry) { e.CustomerName = "Boulangerie Dupre" },
		"reference":     func(e *orders.Entry) { e.CustomerRef = "" },
		"rep":           func(e *orders.Entry) { e.Rep = "john.smith@example.fr" },
		"assistant":     func(e *orders.Entry) { e.Assistant = "" },
		"status":        func(e *orders.Entry) { e.Status = orders.StatusOpen },
		"reason":        func(e *orders.Entry) { e.BlockReason = "encours dépassé de 12 400 €" },
		"amount":        func(e *orders.Entry) { e.AmountCents = 1240001 },
		"currency":      func(e *orders.Entry) { e.Currency = "CHF" },
		"ordered":       func(e *orders.Entry) { e.OrderedOn = day(2) },
		"requested":     func(e *orders.Entry) { e.RequestedOn = nil },
		"promised":      func(e *orders.Entry) { e.PromisedOn = day(11) },
		"release":       func(e *orders.Entry) { e.ExpectedRelease = nil },
		"block reason":  func(e *orders.Entry) { e.Blocks[0].Reason = "impayé" },
		"block release": func(e *orders.Entry) { e.Blocks[0].ExpectedRelease = day(13) },
		"a block more": func(e *orders.Entry) {
			e.Blocks = append(e.Blocks, orders.Block{Kind: orders.StatusDeliveryBlock})
		},
		// Texts are framed: moving a letter from one field to the next is
		// a change.
		"framing": func(e *orders.Entry) { e.Number, e.CustomerCode = "4500012346C", "001234" },
	} {
		e := base()
		change(&e)
		if d, _ := entryDigest(nil, e); d == want {
			t.Errorf("changing the %s leaves the digest as it was", name)
		}
	}
}
