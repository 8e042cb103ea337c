package devdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// tailLines is how many lines of a failed command's output, or of the server
// log, an error carries.
const tailLines = 20

// runner runs the PostgreSQL binaries of one cluster, as the postgres OS user
// when runUser is set.
type runner struct {
	binDir  string
	runUser string // path of runuser(1), or "" to run the binaries directly
	osUser  string // the user runuser switches to
	workDir string // a folder the user running the binaries may enter
	env     []string
	logw    io.Writer
}

// run runs the binary name from binDir with args. Its output goes to the log
// writer; when it fails, the error names the command and carries the last
// lines of its output.
func (r *runner) run(ctx context.Context, name string, args ...string) error {
	argv := append([]string{filepath.Join(r.binDir, name)}, args...)
	if r.runUser != "" {
		argv = append([]string{r.runUser, "-u", r.osUser, "--"}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = r.env
	cmd.Dir = r.workDir
	// On cancellation, ask politely: runuser passes SIGTERM on, and initdb
	// then removes its half-made data folder; SIGKILL would reach runuser
	// only. WaitDelay kills whatever has not exited 5 s later, and guards
	// against a stray child holding our pipe open (pg_ctl start itself sends
	// the server's output to the log file).
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	tail := &tailBuffer{max: 16 << 10}
	out := io.MultiWriter(forgiving{r.logw}, tail)
	cmd.Stdout = out
	cmd.Stderr = out

	line := commandLine(argv)
	fmt.Fprintf(r.logw, "devdb: %s\n", line)
	if err := cmd.Run(); err != nil {
		// A canceled command usually reports just "signal: terminated";
		// say why it was stopped.
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		return &commandError{line: line, err: err, tail: tail.lastLines(tailLines)}
	}
	return nil
}

// commandError is a failed command with the end of its output.
type commandError struct {
	line string // the command line
	err  error  // why it failed, usually an *exec.ExitError
	tail string // the last lines of its output, indented
}

func (e *commandError) Error() string {
	return withTail(fmt.Errorf("devdb: %s: %w", e.line, e.err), "output", e.tail).Error()
}

func (e *commandError) Unwrap() error { return e.err }

// withTail appends the last lines of some output to err, keeping err
// wrapped.
func withTail(err error, what, tail string) error {
	if tail == "" {
		return err
	}
	return fmt.Errorf("%w\n--- last lines of %s ---\n%s", err, what, tail)
}

// fileTail returns the last n lines of a file, or "" when it cannot be read.
func fileTail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	tail := &tailBuffer{max: 16 << 10}
	if _, err := io.Copy(tail, f); err != nil {
		return ""
	}
	return tail.lastLines(n)
}

// commandLine renders argv for messages, quoting arguments that need it.
func commandLine(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$") {
			a = fmt.Sprintf("%q", a)
		}
		parts[i] = a
	}
	return strings.Join(parts, " ")
}

// childEnv is the environment of the PostgreSQL binaries: ours, minus the
// PG* variables that would point pg_ctl or the server at another data
// folder, port or user, and with the C locale for messages so that they are
// the same everywhere. The cluster's own locale is set by initdb.
func childEnv(environ []string) []string {
	env := make([]string, 0, len(environ)+1)
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || strings.HasPrefix(name, "LC_") || name == "LANG" || name == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// shellQuote quotes s for /bin/sh, which pg_ctl uses to start the server
// with the -o options.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// forgiving ignores write errors of the log writer, so that a broken log
// never fails a command.
type forgiving struct{ w io.Writer }

func (f forgiving) Write(p []byte) (int, error) {
	_, _ = f.w.Write(p)
	return len(p), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
	cut bool // bytes were dropped, so the first line kept may be partial
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.cut = true
	}
	return len(p), nil
}

// lastLines returns the last n whole lines kept, each indented, or "" when
// nothing was written.
func (t *tailBuffer) lastLines(n int) string {
	lines := strings.Split(string(bytes.TrimRight(t.buf, "\n")), "\n")
	if t.cut && len(lines) > 1 {
		lines = lines[1:]
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return ""
	}
	return "  " + strings.Join(lines, "\n  ")
}
