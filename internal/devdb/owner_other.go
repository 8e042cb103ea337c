//go:build !unix

package devdb

// firstUnsearchable is only needed when running as root, which only happens
// on Unix; elsewhere every folder is assumed reachable.
func firstUnsearchable(dir string, uid int, gids []int) (string, error) {
	return "", nil
}

// processAlive cannot tell elsewhere: every owner is taken as alive, so no
// cluster is pruned.
func processAlive(pid int) bool { return true }
