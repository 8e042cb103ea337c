//go:build unix

package devdb

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartRemovesClustersWhoseOwnerDied(t *testing.T) {
	t.Parallel()
	parent := reachableTempDir(t)
	orphan := startCluster(t, parent)

	// Its owner "dies": the file now names a process that has exited.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(orphan.dir, ownerFile), []byte(strconv.Itoa(dead.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	// A live cluster of this process stays.
	alive := startCluster(t, parent)

	next := startCluster(t, parent)
	if _, err := os.Stat(orphan.dir); !os.IsNotExist(err) {
		t.Errorf("the orphan's folder %s is still there (stat: %v)", orphan.dir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, orphan.URL("postgres")); err == nil {
		conn.Close(ctx)
		t.Error("the orphan's server still accepts connections")
	}
	for _, c := range []*Cluster{alive, next} {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err != nil {
			t.Errorf("a live cluster was harmed: %v", err)
			continue
		}
		conn.Close(ctx)
	}
}
