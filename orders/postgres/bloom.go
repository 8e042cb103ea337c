package postgres

// bloom is a fixed-size Bloom filter of strings: it tells, in constant
// memory whatever the number of strings added, whether a string may have
// been added before (maybe) or surely not. An import uses it to find the
// order numbers an export may hold twice without keeping every number.
type bloom struct {
	bits []uint64
	mask uint64
}

// bloomBits is the filter's size: 2^27 bits (16 MiB), a false positive
// every million rows at 1,000,000 rows, a few hundred at 5,000,000.
const bloomBits = 1 << 27

func newBloom() *bloom {
	return &bloom{bits: make([]uint64, bloomBits/64), mask: bloomBits - 1}
}

// add adds s and reports whether it may have been added before.
func (b *bloom) add(s string) bool {
	// FNV-1a, 64 bits, split in two for double hashing.
	sum := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		sum ^= uint64(s[i])
		sum *= 1099511628211
	}
	h1, h2 := sum&0xffffffff, sum>>32|1
	seen := true
	for i := uint64(0); i < 4; i++ {
		bit := (h1 + i*h2) & b.mask
		word, m := bit/64, uint64(1)<<(bit%64)
		if b.bits[word]&m == 0 {
			seen = false
			b.bits[word] |= m
		}
	}
	return seen
}
