package postgres

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/orderbot/orderbot/orders"
)

// streamedLineHash is how the digests kept by earlier imports were made:
// each field written to a streaming digest.
func streamedLineHash(l orders.Line) uint64 {
	d := xxhash.New()
	var b [8]byte
	num := func(v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		_, _ = d.Write(b[:])
	}
	text := func(s string) {
		_, _ = d.WriteString(s)
		_, _ = d.Write([]byte{0})
	}
	num(uint64(l.Number))
	text(l.Item)
	text(l.Description)
	num(math.Float64bits(l.Quantity))
	num(math.Float64bits(l.Available))
	num(math.Float64bits(l.Shipped))
	restock := int64(math.MinInt64)
	if l.RestockOn != nil {
		restock = l.RestockOn.Unix()
	}
	num(uint64(restock))
	text(l.Carrier)
	text(l.Tracking)
	return d.Sum64()
}

func TestLineHashIsTheDigestKeptBefore(t *testing.T) {
	restock := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	var buf []byte
	for _, l := range []orders.Line{
		{Number: 1, Item: "CHAI-24", Description: "Chai 24 × 500 g", Quantity: 12, RestockOn: &restock},
		{Number: 2, Item: "1234", Description: "Café moulu 1 kg", Quantity: 40, Available: 12.5},
		{Number: 10, Item: "4711", Description: "Farine T65", Quantity: 8, Shipped: 8, Carrier: "DHL", Tracking: "JD014600006281"},
		{},
	} {
		var h uint64
		h, buf = lineHash(l, buf)
		if want := streamedLineHash(l); h != want {
			t.Errorf("lineHash(%+v) = %x, want %x", l, h, want)
		}
	}
}

func TestKeptDigestsFindsEachOrderAndNoneOfAHashShared(t *testing.T) {
	key := func(i int64) uint64 { return xxhash.Sum64String(time.Duration(i).String()) }
	k := newKeptDigests(3) // grows past its first size
	for i := int64(1); i <= 1000; i++ {
		k.add(keptDigest{key: key(i), orderID: i, digest: uint64(i)})
	}
	k.add(keptDigest{key: key(7), orderID: 5000})
	for i := int64(1); i <= 1000; i++ {
		d := k.find(key(i))
		switch {
		case i == 7 && d != nil:
			t.Errorf("order 7, whose number's hash another shares, found: %+v", *d)
		case i != 7 && (d == nil || d.orderID != i || d.digest != uint64(i)):
			t.Errorf("order %d: %+v", i, d)
		}
	}
	if d := k.find(key(1001)); d != nil {
		t.Errorf("an order not kept found: %+v", *d)
	}
	var none *keptDigests
	if none.find(1) != nil {
		t.Error("found in no table")
	}
}

func TestDigestCopyReadsRowsHoweverTheyAreSplit(t *testing.T) {
	stream := []byte(copySignature)
	stream = binary.BigEndian.AppendUint32(stream, 0)
	stream = binary.BigEndian.AppendUint32(stream, 4)
	stream = append(stream, "ext!"...)
	for i := uint64(1); i <= 3; i++ {
		stream = binary.BigEndian.AppendUint16(stream, 3)
		for _, v := range []uint64{i, i * 1000, i * 7} {
			stream = binary.BigEndian.AppendUint32(stream, 8)
			stream = binary.BigEndian.AppendUint64(stream, v)
		}
	}
	stream = binary.BigEndian.AppendUint16(stream, 0xFFFF)
	for _, size := range []int{1, 5, 38, len(stream)} {
		w := &digestCopy{known: newKeptDigests(3)}
		for b := stream; len(b) > 0; {
			n := min(size, len(b))
			if _, err := w.Write(b[:n]); err != nil {
				t.Fatalf("writes of %d bytes: %v", size, err)
			}
			b = b[n:]
		}
		w.flush()
		if !w.done || len(w.buf) > 0 {
			t.Errorf("writes of %d bytes: done %v, %d bytes left", size, w.done, len(w.buf))
		}
		for i := uint64(1); i <= 3; i++ {
			if d := w.known.find(i * 1000); d == nil || d.orderID != int64(i) || d.digest != i*7 {
				t.Errorf("writes of %d bytes: order %d: %+v", size, i, d)
			}
		}
	}
}
