//go:build unix

package devdb

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeInstall creates root/<dir> holding the given empty executables.
func fakeInstall(t *testing.T, root, dir string, names ...string) string {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(dir))
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(full, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return full
}

func TestFindBinaries(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    []string            // PATH entries, relative to the fake root
		install map[string][]string // folder (relative to the fake root) → executables
		want    string              // folder relative to the fake root; "" for ErrNoPostgres
	}{{
		name:    "nothing installed",
		path:    []string{"usr/bin"},
		install: map[string][]string{"usr/bin": {"psql"}},
	}, {
		name:    "on PATH",
		path:    []string{"usr/bin", "usr/local/bin"},
		install: map[string][]string{"usr/local/bin": {"initdb", "pg_ctl"}, "usr/lib/postgresql/17/bin": {"initdb", "pg_ctl"}},
		want:    "usr/local/bin",
	}, {
		name:    "PATH folder needs both binaries",
		path:    []string{"usr/bin", "usr/local/bin"},
		install: map[string][]string{"usr/bin": {"pg_ctl"}, "usr/local/bin": {"initdb", "pg_ctl"}},
		want:    "usr/local/bin",
	}, {
		name: "highest Debian version, numerically",
		path: []string{"usr/bin"},
		install: map[string][]string{
			"usr/lib/postgresql/9.6/bin": {"initdb", "pg_ctl"},
			"usr/lib/postgresql/10/bin":  {"initdb", "pg_ctl"},
			"usr/lib/postgresql/15/bin":  {"initdb", "pg_ctl"},
			"usr/lib/postgresql/9/bin":   {"initdb", "pg_ctl"},
		},
		want: "usr/lib/postgresql/15/bin",
	}, {
		name: "highest complete version",
		install: map[string][]string{
			"usr/lib/postgresql/14/bin": {"initdb", "pg_ctl"},
			"usr/lib/postgresql/16/bin": {"psql"}, // client only
		},
		want: "usr/lib/postgresql/14/bin",
	}, {
		name: "RHEL layout",
		install: map[string][]string{
			"usr/pgsql-9.6/bin": {"initdb", "pg_ctl"},
			"usr/pgsql-13/bin":  {"initdb", "pg_ctl"},
		},
		want: "usr/pgsql-13/bin",
	}, {
		name: "Homebrew versioned",
		install: map[string][]string{
			"opt/homebrew/opt/postgresql@16/bin": {"initdb", "pg_ctl"},
			"opt/homebrew/opt/postgresql@17/bin": {"initdb", "pg_ctl"},
		},
		want: "opt/homebrew/opt/postgresql@17/bin",
	}, {
		name:    "source build",
		install: map[string][]string{"usr/local/pgsql/bin": {"initdb", "pg_ctl"}},
		want:    "usr/local/pgsql/bin",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for dir, names := range tc.install {
				fakeInstall(t, root, dir, names...)
			}
			var path []string
			for _, p := range tc.path {
				path = append(path, filepath.Join(root, p))
			}
			got, err := findBinaries(strings.Join(path, string(os.PathListSeparator)), root)
			if tc.want == "" {
				if !errors.Is(err, ErrNoPostgres) {
					t.Fatalf("findBinaries = %q, %v; want ErrNoPostgres", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("findBinaries: %v", err)
			}
			if want := filepath.Join(root, tc.want); got != want {
				t.Errorf("findBinaries = %s, want %s", got, want)
			}
		})
	}
}

// On Debian-like systems /usr/local/bin/initdb may be a symlink into the
// realDir install folder, which also holds postgres, psql, pg_dump.
func TestFindBinariesFollowsSymlinks(t *testing.T) {
	root := t.TempDir()
	realDir := fakeInstall(t, root, "usr/lib/postgresql/15/bin", "initdb", "pg_ctl", "postgres")
	link := fakeInstall(t, root, "usr/local/bin")
	for _, name := range []string{"initdb", "pg_ctl"} {
		if err := os.Symlink(filepath.Join(realDir, name), filepath.Join(link, name)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := findBinaries(link, filepath.Join(root, "elsewhere"))
	if err != nil {
		t.Fatal(err)
	}
	if got != realDir {
		t.Errorf("findBinaries = %s, want %s", got, realDir)
	}
}

func TestFindBinariesIgnoresNonExecutables(t *testing.T) {
	root := t.TempDir()
	dir := fakeInstall(t, root, "usr/lib/postgresql/16/bin", "initdb", "pg_ctl")
	if err := os.Chmod(filepath.Join(dir, "pg_ctl"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := findBinaries("", root); !errors.Is(err, ErrNoPostgres) {
		t.Errorf("findBinaries = %q, %v; want ErrNoPostgres", got, err)
	}
}

func TestErrNoPostgresMessage(t *testing.T) {
	msg := ErrNoPostgres.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("message has several lines: %q", msg)
	}
	for _, want := range []string{"initdb", "pg_ctl", "install PostgreSQL 14 or newer", "apt-get install postgresql", "ORDERBOT_DATABASE_URL"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b []int
		want int
	}{
		{[]int{10}, []int{9, 6}, 1},
		{[]int{9, 6}, []int{9}, 1},
		{[]int{15}, []int{15}, 0},
		{nil, []int{9}, -1},
		{[]int{16}, []int{17}, -1},
	} {
		if got := compareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("compareVersions(%v, %v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
