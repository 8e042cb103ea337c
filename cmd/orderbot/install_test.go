package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeInstall runs the README's make install as a newcomer would, with
// no GOBIN set: the binary lands in $(go env GOPATH)/bin, make says so, and
// it knows the commit it was built from.
func TestMakeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and installs orderbot")
	}
	makeBin, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed")
	}
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	gopath := t.TempDir()
	cmd := exec.Command(makeBin, "--no-print-directory", "-C", root, "install")
	// A GOPATH of its own, the module cache where it was (nothing to
	// download), and GOFLAGS as the caller has them.
	cmd.Env = append(os.Environ(), "GOBIN=", "GOPATH="+gopath, "GOMODCACHE="+strings.TrimSpace(string(modcache)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	bin := filepath.Join(gopath, "bin", "orderbot")
	if !strings.Contains(string(out), "installed "+bin+"\n") {
		t.Errorf("make install does not say where orderbot went (%s):\n%s", bin, out)
	}
	version, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", bin, err)
	}
	if !strings.HasPrefix(string(version), "orderbot ") {
		t.Errorf("orderbot --version: %q", version)
	}
	git := exec.Command("git", "rev-parse", "HEAD")
	git.Dir = root
	if head, err := git.Output(); err == nil && len(head) >= 12 && !strings.Contains(string(version), "commit "+string(head[:12])) {
		t.Errorf("orderbot --version: %q, want the commit %s", version, head[:12])
	}
}
