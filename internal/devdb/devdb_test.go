//go:build unix

package devdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// startCluster starts a cluster in parent for a test and stops it at the
// end; the test fails when PostgreSQL is not installed, as orderbot needs it.
func startCluster(t testing.TB, parent string) *Cluster {
	t.Helper()
	if _, err := FindBinaries(); errors.Is(err, ErrNoPostgres) {
		t.Fatal(err)
	}
	begin := time.Now()
	c, err := Start(t.Context(), parent, t.Output())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("Start took %v", time.Since(begin).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return c
}

// reachableTempDir is t.TempDir made reachable by the postgres OS user. The
// testing package creates the top of t.TempDir() with mode 0700, which the
// postgres user, that Start uses when we are root, cannot enter.
func reachableTempDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestStartStop(t *testing.T) {
	t.Parallel()
	// A parent that does not exist yet, like <repo>/.devdb on a first run.
	parent := filepath.Join(reachableTempDir(t), ".devdb")
	c := startCluster(t, parent)

	if got := filepath.Dir(c.dir); got != parent {
		t.Errorf("cluster folder %s is not in %s", c.dir, parent)
	}
	conn, err := pgx.Connect(t.Context(), c.URL("postgres"))
	if err != nil {
		t.Fatalf("connect to %s: %v", c.URL("postgres"), err)
	}
	defer conn.Close(context.Background())

	for _, sql := range []string{"CREATE EXTENSION pg_trgm", "CREATE EXTENSION unaccent"} {
		if _, err := conn.Exec(t.Context(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	for _, tc := range []struct{ sql, want string }{
		{"SELECT unaccent('Établissements Müller')", "Etablissements Muller"},
		// These need a UTF-8 locale, not C: in C, é is no letter, so
		// pg_trgm would find no trigram in it.
		{"SELECT lower('ÉTABLISSEMENTS MÜLLER')", "établissements müller"},
		{"SELECT cardinality(show_trgm('é'))::text", "2"},
		{"SHOW listen_addresses", ""},
		{"SHOW fsync", "off"},
		{"SHOW server_encoding", "UTF8"},
	} {
		var got string
		if err := conn.QueryRow(t.Context(), tc.sql).Scan(&got); err != nil {
			t.Errorf("%s: %v", tc.sql, err)
		} else if got != tc.want {
			t.Errorf("%s = %q, want %q", tc.sql, got, tc.want)
		}
	}
	conn.Close(t.Context())

	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(c.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster folder %s still there after Stop (stat: %v)", c.dir, err)
	}
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestStartLongParent(t *testing.T) {
	t.Parallel()
	// Too long for a socket path: the socket goes to a short folder of its
	// own.
	parent := filepath.Join(reachableTempDir(t), strings.Repeat("long-folder-name-", 6))
	c := startCluster(t, parent)

	if c.socketDir == c.dir {
		t.Fatalf("socket in %s (%d bytes), want a shorter folder", c.dir, len(c.dir))
	}
	if n := len(c.socketDir + "/.s.PGSQL.5432"); n > maxSocketPath {
		t.Errorf("socket path is %d bytes", n)
	}
	conn, err := pgx.Connect(t.Context(), c.URL("postgres"))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	conn.Close(t.Context())

	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	for _, d := range []string{c.dir, c.socketDir} {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there after Stop (stat: %v)", d, err)
		}
	}
}

func TestStartFallsBackFromAnUnreachableParentAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs the cluster as another user")
	}
	if _, err := FindBinaries(); errors.Is(err, ErrNoPostgres) {
		t.Fatal(err)
	}
	t.Parallel()
	closed := filepath.Join(reachableTempDir(t), "closed")
	if err := os.Mkdir(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	parent := filepath.Join(closed, "devdb")
	var log strings.Builder
	c, err := Start(t.Context(), parent, &log)
	if err != nil {
		t.Fatalf("Start did not fall back to a reachable folder: %v", err)
	}
	defer c.Stop()
	if !strings.Contains(log.String(), "cannot enter "+closed+":") {
		t.Errorf("the log does not name %s:\n%s", closed, log.String())
	}
	if want := filepath.Join(os.TempDir(), "orderbot-devdb"); !strings.HasPrefix(c.dir, want) {
		t.Errorf("cluster in %s, want it under %s", c.dir, want)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("Start left %d entries in %s", len(entries), parent)
	}
}

func TestURLParses(t *testing.T) {
	c := &Cluster{socketDir: "/tmp/odd dir+&=?#"}
	cfg, err := pgx.ParseConfig(c.URL("my db/x"))
	if err != nil {
		t.Fatalf("ParseConfig(%s): %v", c.URL("my db/x"), err)
	}
	if cfg.Host != c.socketDir || cfg.Port != 5432 || cfg.Database != "my db/x" || cfg.User != "postgres" {
		t.Errorf("ParseConfig(%s) = host %q port %d database %q user %q", c.URL("my db/x"), cfg.Host, cfg.Port, cfg.Database, cfg.User)
	}
	c.socketDir = "/tmp/obpg123"
	if got, want := c.URL("postgres"), "postgres://postgres@/postgres?host=/tmp/obpg123&port=5432"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
}

func TestRunErrorHasCommandAndTail(t *testing.T) {
	bin := t.TempDir()
	script := "#!/bin/sh\nfor i in $(seq 1 30); do echo \"line $i\"; done\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "fails"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	r := &runner{binDir: bin, workDir: bin, env: os.Environ(), logw: &log}
	err := r.run(t.Context(), "fails", "--flag", "two words")
	if err == nil {
		t.Fatal("no error from a failing command")
	}
	msg := err.Error()
	for _, want := range []string{filepath.Join(bin, "fails") + ` --flag "two words": exit status 3`, "line 11\n", "line 30"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "line 10\n") {
		t.Errorf("error has more than %d lines of output:\n%s", tailLines, msg)
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 3 {
		t.Errorf("error does not wrap the exit status 3: %v", err)
	}
	if !strings.Contains(log.String(), "line 1\n") {
		t.Errorf("output did not reach the log writer: %q", log.String())
	}
}

func TestChildEnv(t *testing.T) {
	got := childEnv([]string{"PATH=/bin", "PGHOST=db", "PGDATA=/x", "PGPORT=1", "LANG=de_DE.UTF-8", "LC_MESSAGES=de_DE", "HOME=/root"})
	want := []string{"PATH=/bin", "HOME=/root", "LC_ALL=C"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("childEnv = %q, want %q", got, want)
	}
}

func TestFirstUnsearchable(t *testing.T) {
	top := t.TempDir()
	// The testing package makes the top of t.TempDir() 0700.
	if err := os.Chmod(filepath.Dir(top), 0o755); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(top, "open")
	closed := filepath.Join(open, "closed")
	deep := filepath.Join(closed, "deep")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(closed, 0o750); err != nil {
		t.Fatal(err)
	}
	const stranger = 54321
	for _, tc := range []struct {
		name string
		dir  string
		gids []int
		want string
	}{
		{"open folder", open, nil, ""},
		{"closed folder itself", closed, nil, closed},
		{"below a closed folder", deep, nil, closed},
		// New folders take our group.
		{"closed folder, member of its group", deep, []int{os.Getgid()}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := firstUnsearchable(tc.dir, stranger, tc.gids)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("firstUnsearchable(%s) = %q, want %q", tc.dir, got, tc.want)
			}
		})
	}
}

// BenchmarkStartStop measures a whole cluster life, what every test binary
// using devdb pays once:
//
//	go test -run '^$' -bench StartStop ./internal/devdb/
func BenchmarkStartStop(b *testing.B) {
	if _, err := FindBinaries(); errors.Is(err, ErrNoPostgres) {
		b.Skip(err)
	}
	parent := reachableTempDir(b)
	for b.Loop() {
		c, err := Start(b.Context(), parent, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Stop(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStartFailures drives start with fake initdb and pg_ctl scripts, to
// check what the errors carry and that nothing is left behind.
func TestStartFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		initdb  string // shell script body; $2 is the data folder
		pgCtl   string // shell script body; $4 is the server log
		wantErr []string
		wantLog []string
	}{{
		name:    "server does not start",
		initdb:  `mkdir -p "$2" && echo 15 > "$2/PG_VERSION"`,
		pgCtl:   `echo "pg_ctl: could not start server"; for i in $(seq 1 25); do echo "log line $i" >> "$4"; done; exit 1`,
		wantErr: []string{"pg_ctl -D", "exit status 1", "pg_ctl: could not start server", "last lines of " + "%DIR%/server.log", "log line 6\n", "log line 25"},
	}, {
		name:    "no C.UTF-8 locale",
		initdb:  `for a; do last=$a; done; if [ "$last" = --locale=C.UTF-8 ]; then echo 'initdb: error: invalid locale name "C.UTF-8"'; exit 1; fi; mkdir -p "$2" && echo 15 > "$2/PG_VERSION"`,
		pgCtl:   `exit 2`,
		wantErr: []string{"exit status 2"},
		wantLog: []string{"invalid locale name", "initdb -D %DIR%/data -U postgres -A trust -E UTF8 --no-sync --no-locale"},
	}, {
		name:    "initdb fails",
		initdb:  `echo "initdb: error: could not create directory: No space left on device"; exit 1`,
		wantErr: []string{"initdb -D", "--locale=C.UTF-8", "No space left on device"},
	}, {
		name:    "too old",
		initdb:  `mkdir -p "$2" && echo 13 > "$2/PG_VERSION"`,
		wantErr: []string{"PostgreSQL 13 is too old", "ORDERBOT_DATABASE_URL"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			for name, body := range map[string]string{"initdb": tc.initdb, "pg_ctl": tc.pgCtl} {
				script := "#!/bin/sh\n" + body + "\n"
				if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(t.TempDir(), "pg-x")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			c := &Cluster{dir: dir, socketDir: dir, run: &runner{binDir: bin, workDir: dir, env: os.Environ(), logw: &log}}
			err := c.start(t.Context(), nil)
			if err == nil {
				t.Fatal("start succeeded")
			}
			t.Logf("error: %v", err)
			for _, want := range tc.wantErr {
				if want = strings.ReplaceAll(want, "%DIR%", dir); !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), "log line 5\n") {
				t.Errorf("error has more than %d lines of the server log:\n%v", tailLines, err)
			}
			for _, want := range tc.wantLog {
				if want = strings.ReplaceAll(want, "%DIR%", dir); !strings.Contains(log.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, log.String())
				}
			}
			if err := c.Stop(); err != nil {
				t.Errorf("Stop after a failed start: %v", err)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s left behind (stat: %v)", dir, err)
			}
		})
	}
}

func TestStartCanceled(t *testing.T) {
	t.Parallel()
	parent := reachableTempDir(t)
	if _, err := FindBinaries(); errors.Is(err, ErrNoPostgres) {
		t.Fatal(err)
	}
	// initdb alone takes about a second, so this cancels in the middle.
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	c, err := Start(ctx, parent, t.Output())
	if err == nil {
		c.Stop()
		t.Skip("Start finished before the context was canceled")
	}
	t.Logf("error: %v", err)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error does not wrap context.DeadlineExceeded: %v", err)
	}
	if strings.Contains(err.Error(), "--no-locale") {
		t.Errorf("cancellation taken for a missing locale: %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("Start left %d entries in %s", len(entries), parent)
	}
}

func TestTailBuffer(t *testing.T) {
	tail := &tailBuffer{max: 20}
	for i := range 10 {
		fmt.Fprintf(tail, "line %d\n", i)
	}
	if got, want := tail.lastLines(2), "  line 8\n  line 9"; got != want {
		t.Errorf("lastLines(2) = %q, want %q", got, want)
	}
	// 20 bytes keep "ine 7", "line 8" and "line 9": the cut line is left out.
	if got, want := tail.lastLines(5), "  line 8\n  line 9"; got != want {
		t.Errorf("lastLines(5) = %q, want %q", got, want)
	}
	if got := (&tailBuffer{max: 10}).lastLines(3); got != "" {
		t.Errorf("lastLines of nothing = %q", got)
	}
}
