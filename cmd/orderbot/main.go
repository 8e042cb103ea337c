// Command orderbot is the Slack bot that answers "where is my order?" from a
// company's open-order portfolio. main only wires the process to run, which
// takes everything it touches of the OS as parameters so that tests call it
// directly.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	// Time zones load even where the system has no zoneinfo database.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "orderbot:", oneLine(err))
	}
	os.Exit(exitStatus(err))
}

// exitStatus is the status the process ends with after err: 0 for none,
// the status a command asked for (dev postgres passes its child's on), 1
// for any other failure.
func exitStatus(err error) int {
	var exit *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.status
	}
	return 1
}

// exitError is a failure that ends the process with a status of its own.
type exitError struct {
	status int
	msg    string
}

func (e *exitError) Error() string { return e.msg }

// oneLine returns an error's message on one line: drivers' errors span
// several (one per address tried), and a failure is one line for whoever
// reads the log.
func oneLine(err error) string {
	lines := strings.FieldsFunc(err.Error(), func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}

// env is what a command needs of the process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run executes the orderbot command line args.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := rootCommand(env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}
