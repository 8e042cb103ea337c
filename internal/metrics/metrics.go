// Package metrics holds orderbot's Prometheus metrics: questions by intent
// and outcome with their latency, model calls, Slack API calls by method and
// status (429s included), deliveries by kind and outcome, imports, Slack
// events answered before, questions taken over from a replica that died,
// the PostgreSQL pool, whether the database answers
// and the alerts waiting, and which build runs. Everything lives in one
// Metrics value registered on a registry of its own (no global state), and
// is served at /metrics. Names follow Prometheus's conventions (checked by
// promlint in the tests): counters end in _total, gauges never do, times are
// in seconds.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/orderbot/orderbot/orders"
)

// Metrics are orderbot's metrics.
type Metrics struct {
	reg *prometheus.Registry

	questions    *prometheus.CounterVec
	latency      prometheus.Histogram
	slackCalls   *prometheus.CounterVec
	deliveries   *prometheus.CounterVec
	panics       *prometheus.CounterVec
	importRuns   *prometheus.CounterVec
	importRows   prometheus.Counter
	duplicates   prometheus.Counter
	takenOver    *prometheus.CounterVec
	modelCalls   *prometheus.CounterVec
	modelSeconds prometheus.Histogram
}

// New returns the metrics on a registry of their own, with Go's and the
// process's.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		reg: reg,
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orderbot_questions_total",
			Help: "Questions answered, by intent and outcome."}, []string{"intent", "outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "orderbot_answer_seconds",
			Help:    "Time to answer a question (understanding, store, rendering).",
			Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10}}),
		slackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orderbot_slack_api_calls_total",
			Help: "Slack Web API calls, by method and HTTP status (0: no answer)."}, []string{"method", "status"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orderbot_deliveries_total",
			Help: "Alerts, digests and summaries, by kind and outcome (sent, retry, failed, skipped)."}, []string{"kind", "outcome"}),
		panics: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orderbot_delivery_panics_total",
			Help: "Alerts, digests and summaries whose rendering or posting panicked (each parked as failed), by kind."}, []string{"kind"}),
		importRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orderbot_import_runs_total",
			Help: "Imports through the push API, by outcome (applied, rejected, failed)."}, []string{"outcome"}),
		importRows: prometheus.NewCounter(prometheus.CounterOpts{Name: "orderbot_import_rows_total",
			Help: "Orders received by the push API and applied."}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{Name: "orderbot_slack_events_duplicate_total",
			Help: "Slack events not answered because they were answered before (retries, other replicas)."}),
		takenOver: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orderbot_questions_taken_over_total",
			Help: "Acknowledged questions this replica took over after their holder's lease ran out, by replica."},
			[]string{"replica"}),
		modelCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orderbot_model_calls_total",
			Help: "Calls to the language model, by outcome (ok, unusable, failed, refused by the breaker)."}, []string{"outcome"}),
		modelSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "orderbot_model_seconds",
			Help:    "Time waiting on the language model, a call at a time.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2, 3, 5, 10, 30}}),
	}
	reg.MustRegister(m.questions, m.latency, m.slackCalls, m.deliveries, m.panics, m.importRuns, m.importRows, m.duplicates,
		m.takenOver, m.modelCalls, m.modelSeconds)
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Question counts an answered question.
func (m *Metrics) Question(q orders.AskedQuestion) {
	intent := q.Intent
	if intent == "" {
		intent = "none"
	}
	m.questions.WithLabelValues(intent, q.Outcome).Inc()
	m.latency.Observe(q.Latency.Seconds())
}

// Delivery counts the outcome of a delivery; "panicked" (a delivery that
// panicked, reported failed as well) goes to a counter of its own.
func (m *Metrics) Delivery(kind, outcome string) {
	if outcome == "panicked" {
		m.panics.WithLabelValues(kind).Inc()
		return
	}
	m.deliveries.WithLabelValues(kind, outcome).Inc()
}

// Import counts a push API import and the rows it applied.
func (m *Metrics) Import(outcome string, rows int) {
	m.importRuns.WithLabelValues(outcome).Inc()
	if outcome == "applied" {
		m.importRows.Add(float64(rows))
	}
}

// Duplicate counts a Slack event answered before.
func (m *Metrics) Duplicate() { m.duplicates.Inc() }

// TakenOver counts a question replica took over from a holder whose
// lease ran out.
func (m *Metrics) TakenOver(replica string) { m.takenOver.WithLabelValues(replica).Inc() }

// ModelCall counts a call to the model and its duration.
func (m *Metrics) ModelCall(outcome string, took time.Duration) {
	m.modelCalls.WithLabelValues(outcome).Inc()
	m.modelSeconds.Observe(took.Seconds())
}

// Pool adds the PostgreSQL pool's figures.
func (m *Metrics) Pool(pool *pgxpool.Pool) {
	stat := func(f func(*pgxpool.Stat) float64) func() float64 { return func() float64 { return f(pool.Stat()) } }
	gauge := func(name, help string, read func() float64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, read))
	}
	gauge("orderbot_db_connections_open", "Open PostgreSQL connections.", stat(func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) }))
	gauge("orderbot_db_connections_acquired", "PostgreSQL connections in use.", stat(func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }))
	gauge("orderbot_db_connections_idle", "Idle PostgreSQL connections.", stat(func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }))
	gauge("orderbot_db_connections_max", "The pool's connection limit.", stat(func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }))
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "orderbot_db_acquire_waits_total",
		Help: "Times a query waited for a free connection."}, stat(func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) })))
}

// Store is what the metrics read of the store at each scrape.
type Store interface {
	Ping(context.Context) error
	PendingAlerts(context.Context) (int, error)
}

// scrapeTimeout bounds what one scrape waits on the database.
const scrapeTimeout = 2 * time.Second

// Database exports, at each scrape, orderbot_db_up (1 when st answered a
// ping, 0 when not) and, when it answered, orderbot_alerts_pending: a
// figure the database could not give is left out, never shown as 0, so
// that an alert on it does not mistake an outage for a quiet day.
func (m *Metrics) Database(st Store) {
	m.reg.MustRegister(&storeCollector{
		st: st,
		up: prometheus.NewDesc("orderbot_db_up",
			"1 when PostgreSQL answered the scrape's ping, 0 when it did not.", nil, nil),
		pending: prometheus.NewDesc("orderbot_alerts_pending",
			"Transitions waiting to be alerted; absent when the database did not answer.", nil, nil),
	})
}

// storeCollector reads the store when scraped.
type storeCollector struct {
	st          Store
	up, pending *prometheus.Desc
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.up; ch <- c.pending }

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if err := c.st.Ping(ctx); err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	if n, err := c.st.PendingAlerts(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(n))
	}
}

// Transport counts the Slack Web API calls made through next.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		status := "0"
		if resp != nil {
			status = strconv.Itoa(resp.StatusCode)
		}
		m.slackCalls.WithLabelValues(slackMethod(r.URL.Path), status).Inc()
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// slackMethod names a Web API call by its method ("chat.postMessage"); a
// response URL or an upload URL, which carry secrets in their paths, by
// what they are.
func slackMethod(path string) string {
	switch {
	case strings.Contains(path, "/api/"):
		return path[strings.LastIndex(path, "/")+1:]
	case strings.Contains(path, "/commands/"), strings.Contains(path, "/actions/"), strings.Contains(path, "/response/"):
		return "response_url"
	}
	return "other"
}
