package ingest

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/cespare/xxhash/v2"
)

// rowDigestScheme names how rowDigest reads a row: changing it changes
// every digest, so that no import trusts a digest of another scheme.
const rowDigestScheme = "orderbot row digest 2"

// profileSeed is the seed of the row digests of exports read through p
// under lim by this build of orderbot: the same row read another way
// (another mapping of columns or words, another date format, other
// limits, another version of the reading rules) has another digest, so
// that the first import after such a change reads every row again.
func profileSeed(p Profile, lim Limits) uint64 {
	b, err := json.Marshal(struct {
		Scheme  string
		Build   string
		Profile Profile
		Limits  Limits
	}{rowDigestScheme, buildStamp(), p, lim})
	if err != nil {
		// Profiles are plain data: this does not happen, and a seed
		// of the scheme alone still changes with it.
		return xxhash.Sum64String(rowDigestScheme)
	}
	return xxhash.Sum64(b)
}

// buildStamp names the build reading the export: the commit it was built
// from when the build recorded it and the tree was clean, else a hash of
// the executable itself (an image built without its repository, a build
// of a changed tree), so that any other reading rules give other digests.
func buildStamp() string {
	info, ok := debug.ReadBuildInfo()
	if ok {
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" && modified == "false" {
			return info.Main.Version + " " + rev
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := xxhash.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return fmt.Sprintf("executable %x", h.Sum64())
}

// rowDigest returns the digest of the cells the row is read from (those of
// the mapped fields, of the block columns and their reasons, in that
// order, whatever their place in the file) and of the file's kind (a sheet
// reads amounts otherwise), each preceded by its length, so that no two
// different rows write the same bytes. It is never 0 (which stands for no
// digest).
func (r *Reader) rowDigest(cells []string) uint64 {
	if r.digestCols == nil {
		for _, c := range r.col {
			r.digestCols = append(r.digestCols, c)
		}
		for _, bi := range r.blocks {
			r.digestCols = append(r.digestCols, bi.col, bi.reason)
		}
		r.digestCols = append(r.digestCols, r.extra...)
	}
	kind := byte(0)
	if r.xlsx {
		kind = 1
	}
	b := append(r.digestBuf[:0], byte(r.seed), byte(r.seed>>8), byte(r.seed>>16), byte(r.seed>>24),
		byte(r.seed>>32), byte(r.seed>>40), byte(r.seed>>48), byte(r.seed>>56), kind)
	for _, i := range r.digestCols {
		v := ""
		if i >= 0 && i < len(cells) {
			v = cells[i]
		}
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	r.digestBuf = b
	if d := xxhash.Sum64(b); d != 0 {
		return d
	}
	return 1
}

// SkipWhen makes Next leave out, without reading them into entries, the
// rows for which skip, given the row's order number, its line and its
// digest (the RowDigest its entry would have), returns true: an import
// that knows what each open order was last imported from skips the rows
// that have not changed, most of a daily export. skip is called from
// Next's goroutine, once per row (not one holding a control character,
// which is always read and checked), before the row is checked: a row left
// out is not checked, which only a row read before, through the same
// profile under the same limits by the same build, may be. nil reads every
// row.
func (r *Reader) SkipWhen(skip func(number string, line int, digest uint64) bool) {
	r.skip = skip
}

// plainNumber returns the row's order number as its entry would have it,
// for a row whose cells hold no control character (Next checks them
// first); ok is false when the row gives no number.
func (r *Reader) plainNumber(cells []string) (number string, ok bool) {
	i := r.col[fNumber]
	if i < 0 || i >= len(cells) {
		return "", false
	}
	w := entryRow{r: r, cells: cells, plain: true}
	number, _ = w.value(fNumber)
	return number, number != ""
}
