package devdb

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ownerFile, in a cluster folder, holds the PID of the process that started
// the cluster. A process killed before it could Stop its cluster (a test
// binary hitting its timeout, an interrupted demo) leaves the server running
// and the folder behind; the next Start in the same parent finds them by
// their dead owner and removes them.
const ownerFile = "owner.pid"

// pruneOrphans stops and removes the clusters in parent whose owner process
// is gone. Folders without an owner file (being created, or not ours) are
// left alone. Failures are only logged: they must not stop a new cluster.
func pruneOrphans(parent string, r *runner) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "pg-") {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		rr := *r
		rr.workDir = dir
		orphan := &Cluster{dir: dir, socketDir: dir, run: &rr}
		if err := orphan.Stop(); err != nil {
			fmt.Fprintf(r.logw, "devdb: remove the cluster left by process %d: %v\n", pid, err)
		}
	}
}

// writeOwner records this process as the owner of the cluster in dir.
func writeOwner(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return fmt.Errorf("devdb: record the cluster's owner: %w", err)
	}
	return nil
}
