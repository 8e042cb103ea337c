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
	if profileSeed(Profile{}, Limits{}) != profileSeed(Profile{}, Limits{}) {
		t.Error("two seeds of the same profile differ")
	}
}
