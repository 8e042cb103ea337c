package main

import (
	"errors"
	"strings"
	"testing"
)

// TestDevPostgresPassesTheExitStatusOn: make test runs the tests through
// orderbot dev postgres, so CI sees their exit status through it: a
// failure, a signal, success.
func TestDevPostgresPassesTheExitStatusOn(t *testing.T) {
	vars := map[string]string{testDatabaseEnv: "postgres://postgres@127.0.0.1:5432/postgres"}
	for _, c := range []struct {
		script string
		want   int
	}{
		{"exit 0", 0},
		{"exit 3", 3},
		{"exit 125", 125},
		{"kill -TERM $$", 128 + 15},
	} {
		_, _, err := orderbot(t, vars, "dev", "postgres", "--", "sh", "-c", c.script)
		if got := exitStatus(err); got != c.want {
			t.Errorf("dev postgres -- sh -c %q: exit status %d (%v), want %d", c.script, got, err, c.want)
		}
	}
}

// TestExitStatus: any other failure of orderbot is status 1.
func TestExitStatus(t *testing.T) {
	if got := exitStatus(nil); got != 0 {
		t.Errorf("no error: %d", got)
	}
	if got := exitStatus(errors.New("database.url: not a URL")); got != 1 {
		t.Errorf("an error: %d", got)
	}
	_, _, err := orderbot(t, map[string]string{testDatabaseEnv: "x"}, "dev", "postgres", "--", "/nonexistent/command")
	if got := exitStatus(err); got != 1 || !strings.Contains(err.Error(), "/nonexistent/command") {
		t.Errorf("a command that does not exist: %d, %v", got, err)
	}
}
