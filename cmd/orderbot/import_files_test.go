//go:build unix

package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportRefusesFilesThatNeverEnd: a FIFO or a device such as /dev/zero
// would be hashed for ever; both imports refuse them at once, in one line.
func TestImportRefusesFilesThatNeverEnd(t *testing.T) {
	vars, cfg, dir, _ := importSetup(t)
	fifo := filepath.Join(dir, "export.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Were the import to wait for a writer, this one would let it go.
	t.Cleanup(func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	for _, c := range []struct{ path, kind string }{
		{fifo, "a FIFO"},
		{"/dev/zero", "a character device"},
		{dir, "a directory"},
	} {
		for _, args := range [][]string{
			{"--config", cfg, "import", "orders", c.path, "--profile", "sage_fr"},
			{"--config", cfg, "import", "people", c.path},
		} {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				var out strings.Builder
				done <- run(ctx, args, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &out)
			}()
			select {
			case err := <-done:
				want := c.path + " is not a regular file (" + c.kind + ")"
				if err == nil || err.Error() != want {
					t.Errorf("%s: %v, want %q", strings.Join(args[2:4], " "), err, want)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("%s %s: still reading after 30 s", strings.Join(args[2:4], " "), c.path)
			}
			cancel()
		}
	}
}

// endless is a stream that never ends, and cancels a context once read
// past a mebibyte.
type endless struct {
	read   int64
	cancel context.CancelFunc
}

func (e *endless) Read(p []byte) (int, error) {
	clear(p)
	if e.read += int64(len(p)); e.read > 1<<20 {
		e.cancel()
	}
	if e.read > 256<<20 {
		return 0, io.EOF // an end for the code that never stops
	}
	return len(p), nil
}

// TestHashingStopsWhenTheImportIsInterrupted: Ctrl-C or SIGTERM cancel
// run's context; hashing a large file stops then.
func TestHashingStopsWhenTheImportIsInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &endless{cancel: cancel}
	sum, err := streamSHA256(ctx, r)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("hashing an interrupted stream: %q, %v; want context.Canceled", sum, err)
	}
	if r.read > 2<<20 {
		t.Errorf("hashing read %d bytes after the cancellation", r.read-(1<<20))
	}
}

// TestImportInterruptedSaysNothingWasImported: an import whose context
// ends (Ctrl-C, SIGTERM) says so, rather than the error of the step it
// stopped, and leaves the store as it was.
func TestImportInterruptedSaysNothingWasImported(t *testing.T) {
	vars, cfg, dir, st := importSetup(t)
	file := filepath.Join(dir, "export.csv")
	write1252(t, file, sageHeader+"4500012345;C001;Client;;;;En cours;;10,00;01/11/2026;;\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out strings.Builder
	err := run(ctx, []string{"--config", cfg, "import", "orders", file, "--profile", "sage_fr"},
		func(k string) string { return vars[k] }, strings.NewReader(""), &out, &out)
	if want := "the import of " + file + " was interrupted: nothing was imported"; err == nil || err.Error() != want {
		t.Errorf("interrupted: %v, want %q", err, want)
	}
	if dump := tablesDump(t, st, "orders", "import_runs"); dump != "orders:\n\nimport_runs:\n\n" {
		t.Errorf("an interrupted import wrote:\n%s", dump)
	}
}
