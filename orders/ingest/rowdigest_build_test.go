package ingest

import (
	"strings"
	"testing"
)

// TestBuildStampNamesThisExecutable: a test binary records no commit, so
// its rows' digests are seeded with a hash of the executable: the same for
// every reader of this process.
func TestBuildStampNamesThisExecutable(t *testing.T) {
	a, b := buildStamp(), buildStamp()
	if !strings.HasPrefix(a, "executable ") || len(a) < len("executable ")+8 || a != b {
		t.Errorf("build stamps %q and %q, want the same hash of the executable", a, b)
	}
	// Two profiles saying the same (their maps built in another order)
	// seed alike; another decimal mark seeds otherwise.
	one := Profile{Decimal: ",", Statuses: map[string]string{"En cours": "open", "Rupture": "out_of_stock"}}
	same := Profile{Decimal: ",", Statuses: map[string]string{"Rupture": "out_of_stock"}}
	same.Statuses["En cours"] = "open"
	other := Profile{Decimal: ".", Statuses: one.Statuses}
	if profileSeed(one, Limits{}) != profileSeed(same, Limits{}) || profileSeed(one, Limits{}) == profileSeed(other, Limits{}) {
		t.Error("seeds do not follow what the profiles say")
	}
}
