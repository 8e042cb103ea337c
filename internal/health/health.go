// Package health answers the probes of whoever runs orderbot: /healthz
// says the process is alive, /readyz that it can do its work (PostgreSQL
// reachable, the schema current, Slack connected in Socket Mode).
package health

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Checks are what readiness depends on; a nil check is skipped.
type Checks struct {
	Ping          func(context.Context) error
	SchemaCurrent func(context.Context) (bool, error)
	// SlackConnected reports whether the Socket Mode connection is up.
	SlackConnected func() bool
}

// Live answers 200 while the process runs.
func Live() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
}

// probeTimeout bounds a readiness probe.
const probeTimeout = 2 * time.Second

// Ready answers 200 when every check passes, else 503; the body says what
// each check found.
func Ready(c Checks) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), probeTimeout)
		defer cancel()
		status := map[string]string{}
		ok := true
		fail := func(name, why string) { status[name], ok = why, false }
		if c.Ping != nil {
			if err := c.Ping(ctx); err != nil {
				fail("database", "unreachable")
			} else {
				status["database"] = "ok"
			}
		}
		if c.SchemaCurrent != nil && status["database"] == "ok" {
			switch current, err := c.SchemaCurrent(ctx); {
			case err != nil:
				fail("schema", "unknown")
			case !current:
				fail("schema", "migrations pending")
			default:
				status["schema"] = "ok"
			}
		}
		if c.SlackConnected != nil {
			if c.SlackConnected() {
				status["slack"] = "ok"
			} else {
				fail("slack", "not connected")
			}
		}
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(status)
	})
}
