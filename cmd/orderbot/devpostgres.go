package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderbot/orderbot/internal/devdb"
)

// childGrace is how long an interrupted command may take to end before it
// is killed.
const childGrace = 10 * time.Second

// childExit turns how the command name ended into orderbot's own end: its
// exit status passed on, a signal as a shell reports it (128 + the
// signal's number).
func childExit(name string, err error) error {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return err
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return &exitError{status: 128 + int(ws.Signal()), msg: fmt.Sprintf("%s was stopped by signal %s", name, ws.Signal())}
	}
	return &exitError{status: exit.ExitCode(), msg: fmt.Sprintf("%s exited with status %d", name, exit.ExitCode())}
}

// testDatabaseEnv names the server the tests create their databases on.
const testDatabaseEnv = "ORDERBOT_TEST_DATABASE_URL"

func postgresCommand(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "postgres -- COMMAND [ARGS...]",
		Short: "Run a command with a private throwaway PostgreSQL cluster",
		Long: `Starts a private PostgreSQL cluster in .devdb (from the PostgreSQL server
binaries installed on this machine), runs COMMAND with ` + testDatabaseEnv + `
and ORDERBOT_DATABASE_URL pointing at it, then stops and deletes it.
When ` + testDatabaseEnv + ` is already set, COMMAND runs against that server
and no cluster is started.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			child := exec.CommandContext(cmd.Context(), args[0], args[1:]...)
			child.Stdin, child.Stdout, child.Stderr = e.stdin, e.stdout, e.stderr
			child.Env = os.Environ()
			if url := e.getenv(testDatabaseEnv); url == "" {
				c, err := devdb.Start(cmd.Context(), filepath.Join(".", ".devdb"), io.Discard)
				if err != nil {
					return err
				}
				defer func() {
					if err := c.Stop(); err != nil {
						fmt.Fprintln(e.stderr, "orderbot:", err)
					}
				}()
				child.Env = append(child.Env, testDatabaseEnv+"="+c.URL("postgres"), "ORDERBOT_DATABASE_URL="+c.URL("postgres"))
			}
			// Interrupted, the command gets SIGTERM and time to say what
			// it was doing (go test prints its failures), not SIGKILL.
			child.Cancel = func() error { return child.Process.Signal(syscall.SIGTERM) }
			child.WaitDelay = childGrace
			return childExit(args[0], child.Run())
		},
	}
}
