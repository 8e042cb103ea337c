package postgres

import (
	"fmt"
	"hash/maphash"
	"testing"
)

// TestOpenOrdersIndexFindsEveryNumber: among the open orders' digests, a
// number of the export finds its own order, whatever the order the
// digests came in, and a number no open order has finds none; two open
// numbers sharing a hash leave the import without an index (it then
// compares every row).
func TestOpenOrdersIndexFindsEveryNumber(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 1000, 40000} {
		o := &openOrders{seed: maphash.MakeSeed()}
		for i := range n {
			number := fmt.Sprintf("45%08d", (i*7919)%n)
			o.keys = append(o.keys, openKey{hash: o.numberHash(number), digest: uint64(i), id: int64(1000 + (i*7919)%n)})
		}
		if !o.index() {
			t.Fatalf("%d orders: two numbers share a hash", n)
		}
		for i := range n {
			k := o.find(o.numberHash(fmt.Sprintf("45%08d", i)))
			if k < 0 || o.keys[k].id != int64(1000+i) {
				t.Fatalf("%d orders: 45%08d finds key %d", n, i, k)
			}
		}
		for _, absent := range []string{"45" + fmt.Sprint(n+1), "CDE-2026/0042", ""} {
			if k := o.find(o.numberHash(absent)); k >= 0 {
				t.Fatalf("%d orders: %q finds key %d (id %d)", n, absent, k, o.keys[k].id)
			}
		}
	}
	o := &openOrders{seed: maphash.MakeSeed()}
	h := o.numberHash("4500012345")
	o.keys = []openKey{{hash: h, id: 1}, {hash: o.numberHash("4500012346"), id: 2}, {hash: h, id: 3}}
	if o.index() {
		t.Fatal("two orders with the same hash are indexed")
	}
}
