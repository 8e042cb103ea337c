// Package golden compares rendered messages with golden files, for the
// tests of the packages that render them; each test binary's -update flag
// rewrites the files instead.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Check compares got with the file dir/name, or writes it there when update.
func Check(tb testing.TB, dir, name string, got []byte, update bool) {
	tb.Helper()
	path := filepath.Join(dir, name)
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run the package's tests with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
