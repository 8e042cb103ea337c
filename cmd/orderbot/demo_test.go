package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestDemoSaysWhatItIsDoing: the demo's first seconds (a cluster started,
// the schema migrated, the portfolio loaded) each get a line on stderr
// before the demo speaks, so that make demo is never silent for long.
func TestDemoSaysWhatItIsDoing(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"ORDERBOT_DATABASE_URL": server.NewEmptyDatabase(t), "ORDERBOT_DATABASE_MIGRATE_ON_START": "false"}
	var out, errw bytes.Buffer
	// stdout and stderr in one stream too, in the order written, as a
	// terminal shows them.
	err := run(context.Background(), []string{"demo"}, func(k string) string { return vars[k] }, strings.NewReader("\n"),
		&out, io.MultiWriter(&out, &errw))
	if err != nil {
		t.Fatal(err)
	}
	steps := []string{"migrating the database schema", "loading the sample portfolio", "Sample portfolio loaded"}
	at := -1
	for _, s := range steps {
		i := strings.Index(out.String(), s)
		if i <= at {
			t.Fatalf("the demo does not say %q after the step before:\n%s", s, out.String())
		}
		at = i
	}
	lines := strings.Split(strings.TrimSpace(errw.String()), "\n")
	if len(lines) < 2 || !strings.Contains(lines[0], "migrating") || !strings.Contains(lines[1], "loading") {
		t.Errorf("stderr: %q, want one line a step", errw.String())
	}
}
