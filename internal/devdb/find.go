package devdb

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNoPostgres is returned when no PostgreSQL server binaries can be found.
// Its message is a single line telling the user how to fix it, so that a
// command can print it as is.
var ErrNoPostgres = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL 14 or newer (e.g. apt-get install postgresql) or set ORDERBOT_DATABASE_URL to an existing server")

// FindBinaries returns the folder holding initdb and pg_ctl. It looks on PATH
// first, then in the usual install locations, because distributions such as
// Debian keep the server binaries out of PATH (/usr/lib/postgresql/<v>/bin).
// Among several installed versions the highest wins. It returns ErrNoPostgres
// when nothing is found.
func FindBinaries() (dir string, err error) {
	return findBinaries(os.Getenv("PATH"), "/")
}

// installPatterns are the places PostgreSQL is installed outside PATH,
// relative to the file system root, most common first. A "*" stands for the
// version; within one pattern the highest version is preferred.
func installPatterns() []string {
	return []string{
		"usr/lib/postgresql/*/bin",                          // Debian, Ubuntu
		"usr/pgsql-*/bin",                                   // RHEL, Fedora (PGDG)
		"usr/local/pgsql/bin",                               // built from source
		"opt/homebrew/opt/postgresql@*/bin",                 // Homebrew, Apple silicon
		"usr/local/opt/postgresql@*/bin",                    // Homebrew, Intel
		"opt/homebrew/bin",                                  // Homebrew, unversioned
		"Applications/Postgres.app/Contents/Versions/*/bin", // Postgres.app
	}
}

// findBinaries is FindBinaries with the PATH list and the file system root
// as parameters, so tests can build a fake installation.
func findBinaries(pathList, root string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		// Relative PATH entries depend on the working directory; like
		// exec.LookPath, do not trust them.
		if dir == "" || !filepath.IsAbs(dir) || !hasBinaries(dir) {
			continue
		}
		// /usr/local/bin/initdb is often a symlink into the real install
		// folder; prefer that folder, which also holds pg_dump, psql, etc.
		if target, err := filepath.EvalSymlinks(filepath.Join(dir, "initdb")); err == nil {
			if realDir := filepath.Dir(target); realDir != dir && hasBinaries(realDir) {
				return realDir, nil
			}
		}
		return dir, nil
	}
	for _, pattern := range installPatterns() {
		matches, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
		if err != nil {
			continue
		}
		slices.SortStableFunc(matches, func(a, b string) int {
			return compareVersions(versionIn(b, pattern), versionIn(a, pattern))
		})
		for _, dir := range matches {
			if hasBinaries(dir) {
				return dir, nil
			}
		}
	}
	return "", ErrNoPostgres
}

// hasBinaries reports whether dir holds executable initdb and pg_ctl.
func hasBinaries(dir string) bool {
	return isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "pg_ctl"))
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// versionIn returns the numbers found in the path element of match that the
// "*" of pattern stands for: "15" for /usr/lib/postgresql/15/bin, [9 6] for
// /usr/pgsql-9.6/bin. It returns nil when there is no version.
func versionIn(match, pattern string) []int {
	pat := strings.Split(pattern, "/")
	star := slices.IndexFunc(pat, func(s string) bool { return strings.Contains(s, "*") })
	if star < 0 {
		return nil
	}
	elems := strings.Split(filepath.ToSlash(match), "/")
	// The pattern is anchored at the root and matched the end of the path.
	i := len(elems) - len(pat) + star
	if i < 0 || i >= len(elems) {
		return nil
	}
	prefix, suffix, _ := strings.Cut(pat[star], "*")
	v := strings.TrimSuffix(strings.TrimPrefix(elems[i], prefix), suffix)
	var nums []int
	for part := range strings.SplitSeq(v, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			break
		}
		nums = append(nums, n)
	}
	return nums
}

// compareVersions orders versions numerically, so that 10 is above 9.6; a
// missing version ("latest") sorts below every number.
func compareVersions(a, b []int) int {
	for i := range max(len(a), len(b)) {
		x, y := -1, -1
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}
