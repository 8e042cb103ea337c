package main

import (
	"net/http"

	"github.com/orderbot/orderbot/bot/slackapp"
	"github.com/orderbot/orderbot/internal/health"
	"github.com/orderbot/orderbot/internal/metrics"
	"github.com/orderbot/orderbot/orders/orderapi"
)

// routes is every endpoint of orderbot serve, in one place: Slack's (in
// HTTP mode, when verifier is set), the push API, health and metrics.
func routes(app *slackapp.App, verifier *slackapp.Verifier, push *orderapi.API, m *metrics.Metrics, checks health.Checks) http.Handler {
	mux := http.NewServeMux()
	if verifier != nil {
		app.Routes(mux, verifier)
	}
	push.Routes(mux)
	mux.Handle("GET /healthz", health.Live())
	mux.Handle("GET /readyz", health.Ready(checks))
	mux.Handle("GET /metrics", m.Handler())
	return mux
}
