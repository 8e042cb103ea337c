// Package devdb starts a private, throwaway PostgreSQL cluster for
// development commands (orderbot demo) and tests when no database URL is
// configured, so that working on orderbot needs PostgreSQL installed but no
// server set up.
//
// Each cluster lives in its own fresh folder, listens only on a Unix socket
// (so parallel test binaries never fight over a port), runs with durability
// switched off for speed, and is deleted by Stop. When the process runs as
// root, PostgreSQL refuses to run as root, so the cluster is owned by and run
// as the postgres OS user.
package devdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// port only names the socket file (.s.PGSQL.5432): the cluster listens
	// on no TCP port, and its socket folder is private, so every cluster can
	// use the same number.
	port = 5432
	// maxSocketPath keeps the socket path under the ~107 byte limit of
	// sun_path, with a margin.
	maxSocketPath = 100
	// minMajor is the oldest PostgreSQL orderbot supports.
	minMajor = 14
	// readyTimeout bounds the wait for the first successful ping.
	readyTimeout = 10 * time.Second
	// serverUser is the OS user the cluster runs as when we are root.
	serverUser = "postgres"
)

// Cluster is a running private PostgreSQL cluster. Its superuser is postgres
// and needs no password; it has the databases initdb creates (postgres,
// template0, template1).
type Cluster struct {
	dir       string // the cluster folder: data/, server.log and usually the socket
	socketDir string // dir, or a short folder of its own when dir is too long
	run       *runner
	opts      string // the server's options, for Resume
	logFile   string

	mu      sync.Mutex
	stopped bool
}

// Start creates a new cluster in a fresh subfolder of parent (e.g.
// "<repo>/.devdb"), starts it listening only on a Unix socket, and returns
// once it accepts connections. parent is created if missing. The output of
// initdb and pg_ctl goes to logw, which may be nil or io.Discard.
//
// When Start fails it leaves nothing running and removes what it created;
// the error names the failed command and carries the end of its output or of
// the server log. ctx bounds the start; the cluster outlives it and runs
// until Stop, so callers must Stop it, also when interrupted, or its folder
// and server stay behind.
//
// When running as root, the postgres OS user must be able to enter parent
// and every folder above it; when it cannot, the cluster goes to the folder
// orderbot-devdb of the system's temporary folder instead, and logw says so.
func Start(ctx context.Context, parent string, logw io.Writer) (*Cluster, error) {
	if logw == nil {
		logw = io.Discard
	}
	binDir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	// Absolute, because the binaries run with the cluster folder as working
	// directory.
	parent, err = filepath.Abs(parent)
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("devdb: create cluster folder: %w", err)
	}

	r := &runner{binDir: binDir, env: childEnv(os.Environ()), logw: logw}
	var owner *user.User
	if os.Geteuid() == 0 {
		owner, err = rootSetup(r, parent)
		var unreachable *unreachableError
		if errors.As(err, &unreachable) {
			// A checkout under a private folder (a CI workspace made by
			// mktemp, a home folder) is common: the system's temporary
			// folder is open to every user.
			fallback := filepath.Join(os.TempDir(), "orderbot-devdb")
			fmt.Fprintf(logw, "devdb: %v; using %s instead\n", err, fallback)
			if err := os.MkdirAll(fallback, 0o755); err != nil {
				return nil, fmt.Errorf("devdb: create cluster folder: %w", err)
			}
			parent = fallback
			owner, err = rootSetup(r, parent)
		}
		if err != nil {
			return nil, err
		}
	}

	pruneOrphans(parent, r)
	dir, err := os.MkdirTemp(parent, "pg-*")
	if err != nil {
		return nil, fmt.Errorf("devdb: create cluster folder: %w", err)
	}
	c := &Cluster{dir: dir, socketDir: dir, run: r}
	r.workDir = dir
	err = writeOwner(dir)
	if err == nil {
		err = c.start(ctx, owner)
	}
	if err != nil {
		if serr := c.Stop(); serr != nil {
			err = errors.Join(err, serr)
		}
		return nil, err
	}
	return c, nil
}

// rootSetup makes r run the binaries as the postgres OS user, and checks
// that this user can reach parent. It returns that user.
func rootSetup(r *runner, parent string) (*user.User, error) {
	u, err := user.Lookup(serverUser)
	if errors.As(err, new(user.UnknownUserError)) {
		return nil, fmt.Errorf("devdb: running as root, PostgreSQL must run as the %q OS user, which does not exist: install the postgresql package or run as another user", serverUser)
	}
	if err != nil {
		return nil, fmt.Errorf("devdb: look up the %q OS user: %w", serverUser, err)
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		for _, p := range []string{"/usr/sbin/runuser", "/sbin/runuser"} {
			if isExecutable(p) {
				runuser, err = p, nil
				break
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("devdb: running as root, PostgreSQL must run as the %q OS user, but runuser (util-linux) was not found", serverUser)
	}
	uid, gids, err := ids(u)
	if err != nil {
		return nil, err
	}
	blocked, err := firstUnsearchable(parent, uid, gids)
	if err != nil {
		return nil, fmt.Errorf("devdb: check access to %s: %w", parent, err)
	}
	if blocked != "" {
		return nil, &unreachableError{dir: blocked}
	}
	r.runUser, r.osUser = runuser, u.Username
	return u, nil
}

// unreachableError says that the postgres OS user cannot enter a folder on
// the way to the cluster folder.
type unreachableError struct{ dir string }

func (e *unreachableError) Error() string {
	return fmt.Sprintf("devdb: running as root, PostgreSQL runs as the %q OS user, which cannot enter %s: choose a cluster folder it can reach or make it traversable (chmod o+x %s)", serverUser, e.dir, e.dir)
}

// ids returns the numeric uid and group ids of u.
func ids(u *user.User) (uid int, gids []int, err error) {
	uid, err = strconv.Atoi(u.Uid)
	if err != nil {
		return 0, nil, fmt.Errorf("devdb: uid of %s: %w", u.Username, err)
	}
	groups, err := u.GroupIds()
	if err != nil {
		groups = []string{u.Gid}
	}
	for _, g := range groups {
		if n, err := strconv.Atoi(g); err == nil {
			gids = append(gids, n)
		}
	}
	return uid, gids, nil
}

// start initialises and starts the cluster in c.dir. owner, when set, is the
// OS user the cluster must belong to.
func (c *Cluster) start(ctx context.Context, owner *user.User) error {
	if len(c.dir)+len("/.s.PGSQL.")+len(strconv.Itoa(port)) > maxSocketPath {
		sock, err := os.MkdirTemp("", "obpg")
		if err != nil {
			return fmt.Errorf("devdb: create socket folder: %w", err)
		}
		c.socketDir = sock
		if len(sock)+len("/.s.PGSQL.")+len(strconv.Itoa(port)) > maxSocketPath {
			return fmt.Errorf("devdb: socket folder %s is too long for a Unix socket path; set TMPDIR to a shorter folder", sock)
		}
	}
	if owner != nil {
		for _, d := range uniq(c.dir, c.socketDir) {
			if err := chownTree(d, owner); err != nil {
				return err
			}
		}
	}

	data := filepath.Join(c.dir, "data")
	initdb := func(locale ...string) error {
		args := append([]string{"-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"}, locale...)
		return c.run.run(ctx, "initdb", args...)
	}
	// C.UTF-8 gives byte-order collation like C, but lets pg_trgm and
	// upper/lower treat letters such as é as letters. Without it, fall back
	// to the C locale, which every system has.
	if err := initdb("--locale=C.UTF-8"); err != nil {
		// initdb says "invalid locale name" (or "invalid locale settings")
		// before it creates anything.
		var ce *commandError
		if ctx.Err() != nil || !errors.As(err, &ce) || !strings.Contains(ce.tail, "invalid locale") {
			return err
		}
		fmt.Fprintf(c.run.logw, "devdb: locale C.UTF-8 unavailable, using --no-locale\n")
		if err := os.RemoveAll(data); err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
		if err := initdb("--no-locale"); err != nil {
			return err
		}
	}
	if err := checkVersion(data); err != nil {
		return err
	}

	logFile := filepath.Join(c.dir, "server.log")
	opts := strings.Join([]string{
		"-c listen_addresses=''",
		"-p " + strconv.Itoa(port),
		"-k " + shellQuote(c.socketDir),
		// A throwaway cluster needs no durability; these make it fast.
		"-c fsync=off",
		"-c synchronous_commit=off",
		"-c full_page_writes=off",
		"-c max_connections=200",
		"-c shared_buffers=128MB",
	}, " ")
	c.opts, c.logFile = opts, logFile
	return c.serverStart(ctx)
}

// serverStart starts the server of an initialised cluster and waits for it.
func (c *Cluster) serverStart(ctx context.Context) error {
	data := filepath.Join(c.dir, "data")
	if err := c.run.run(ctx, "pg_ctl", "-D", data, "-l", c.logFile, "-w", "-t", "60", "-o", c.opts, "start"); err != nil {
		return withTail(err, c.logFile, fileTail(c.logFile, tailLines))
	}
	if err := c.waitReady(ctx); err != nil {
		return withTail(err, c.logFile, fileTail(c.logFile, tailLines))
	}
	return nil
}

// Pause shuts the server down, keeping its data, as an operator restarting
// PostgreSQL does; Resume starts it again. For tests of how orderbot lives
// through a database outage.
func (c *Cluster) Pause(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return errors.New("devdb: the cluster is stopped")
	}
	return c.run.run(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "-t", "60", "stop")
}

// Resume starts a paused server again.
func (c *Cluster) Resume(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return errors.New("devdb: the cluster is stopped")
	}
	return c.serverStart(ctx)
}

// checkVersion refuses clusters older than minMajor, which initdb records in
// data/PG_VERSION.
func checkVersion(data string) error {
	b, err := os.ReadFile(filepath.Join(data, "PG_VERSION"))
	if err != nil {
		return fmt.Errorf("devdb: read PostgreSQL version: %w", err)
	}
	v := strings.TrimSpace(string(b))
	major, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("devdb: PostgreSQL version %q: %w", v, err)
	}
	if major < minMajor {
		return fmt.Errorf("devdb: PostgreSQL %d is too old: install PostgreSQL %d or newer or set ORDERBOT_DATABASE_URL to an existing server", major, minMajor)
	}
	return nil
}

// waitReady connects and pings until the server answers. pg_ctl -w has
// already waited for the server to say it is ready; this proves that a
// client can actually get in through the socket.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		err := ping(ctx, c.URL("postgres"))
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devdb: server in %s does not accept connections: %w", c.dir, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func ping(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return conn.Ping(ctx)
}

// URL returns a pgx (and libpq) connection URL for database as the
// superuser postgres, e.g.
// postgres://postgres@/postgres?host=/path/to/socketdir&port=5432. Only the
// postgres database exists at first; create others through it.
func (c *Cluster) URL(database string) string {
	// Percent-encoding only: pgx, like libpq, keeps a "+" as is. Slashes may
	// stay unescaped in a query, which keeps the URL readable.
	host := strings.NewReplacer("+", "%20", "%2F", "/").Replace(url.QueryEscape(c.socketDir))
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&port=%d", url.PathEscape(database), host, port)
}

// Stop shuts the server down (pg_ctl stop -m fast, -m immediate if that
// fails) and removes the cluster folder with all its data. Calling it again
// does nothing and returns nil.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	c.stopped = true

	var errs []error
	data := filepath.Join(c.dir, "data")
	// No postmaster.pid means no server: Start failed before starting it.
	if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); err == nil {
		// Not bound by a context: pg_ctl -t bounds the wait, and giving up
		// early would leave a server running.
		ctx := context.Background()
		if err := c.run.run(ctx, "pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
			fmt.Fprintf(c.run.logw, "devdb: fast shutdown failed, trying immediate: %v\n", err)
			if err2 := c.run.run(ctx, "pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "60", "stop"); err2 != nil {
				errs = append(errs, err, err2)
			}
		}
	}
	for _, d := range uniq(c.dir, c.socketDir) {
		if err := os.RemoveAll(d); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("devdb: stop cluster in %s: %w", c.dir, err)
	}
	return nil
}

// chownTree gives dir and everything in it to u.
func chownTree(dir string, u *user.User) error {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return fmt.Errorf("devdb: uid of %s: %w", u.Username, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return fmt.Errorf("devdb: gid of %s: %w", u.Username, err)
	}
	err = filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
	if err != nil {
		return fmt.Errorf("devdb: give %s to the %s user: %w", dir, u.Username, err)
	}
	return nil
}

// uniq returns its distinct arguments in order.
func uniq(dirs ...string) []string {
	var out []string
	for _, d := range dirs {
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}
