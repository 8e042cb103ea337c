//go:build unix

package devdb

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// firstUnsearchable returns the first folder on the way from / down to dir
// (included) that a process with the given uid and group ids may not enter,
// or "" when dir can be reached. Only mode bits are considered, not ACLs.
func firstUnsearchable(dir string, uid int, gids []int) (string, error) {
	var chain []string
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		chain = append(chain, p)
		if p == filepath.Dir(p) {
			break
		}
	}
	slices.Reverse(chain)
	for _, p := range chain {
		fi, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return "", fmt.Errorf("stat %s: no owner information", p)
		}
		perm := fi.Mode().Perm()
		var can bool
		switch {
		case int(st.Uid) == uid:
			can = perm&0o100 != 0
		case slices.Contains(gids, int(st.Gid)):
			can = perm&0o010 != 0
		default:
			can = perm&0o001 != 0
		}
		if !can {
			return p, nil
		}
	}
	return "", nil
}

// processAlive reports whether a process with this PID exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
