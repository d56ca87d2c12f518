package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"mentorskap/internal/jobs"
	"mentorskap/internal/notify"
	"mentorskap/internal/webhook"
)

// metrics holds the server's own Prometheus registry. It is not the
// library's global one, so that two servers in one process (tests) count
// apart, and nothing registers into it by side effect.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	handler  http.Handler
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorskap_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mentorskap_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
	}
	m.registry.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newBuildInfo(s.Version),
		&stateCollector{s: s},
	)
	m.handler = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		// A database that does not answer leaves its gauges out of the
		// scrape rather than failing it: the request and process metrics
		// are what one looks at just then.
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      slogPrinter{s.Log},
	})
	return m
}

// observe counts one answered request. route is the ServeMux pattern, or
// "none" for requests no route took (refused before routing, or a method
// the mux did not know), so that the raw path, ids and tokens included,
// never becomes a label.
func (m *metrics) observe(route, method string, status int, took time.Duration) {
	if route == "" {
		route = "none"
	}
	method = metricMethod(method)
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(took.Seconds())
}

// metricMethod keeps the method label to the methods HTTP defines: a
// client can send any word as a method.
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// MetricsHandler serves /metrics for a listener of its own (serve's
// --metrics-addr). With MetricsToken set it asks for the token there too.
// It is not a route of the main router, which the confidentiality matrix
// lists, as it never answers there.
func (s *Server) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		s.serveMetrics(w, r)
	})
}

// metricsEndpoint answers /metrics on the main address when a token is
// configured, before authenticate would read the bearer token as an API
// token. Without a token the path falls through to the routes, which do
// not have it: metrics are never public by default.
func (s *Server) metricsEndpoint(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" || s.MetricsToken == "" {
			next.ServeHTTP(w, r)
			return
		}
		if a := accessOf(r); a != nil {
			a.route = "GET /metrics"
		}
		s.serveMetrics(w, r)
	})
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if s.MetricsToken != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.MetricsToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.metrics.handler.ServeHTTP(w, r)
}

// newBuildInfo is mentorskap_build_info: always 1, its labels say which
// build runs. The commit comes from the VCS stamp go build writes into the
// binary, so it is right without any -ldflags.
func newBuildInfo(version string) prometheus.Collector {
	commit := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if (version == "" || version == "dev") && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		dirty := false
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				commit = kv.Value
			case "vcs.modified":
				dirty = kv.Value == "true"
			}
		}
		if dirty && commit != "unknown" {
			commit += "-dirty"
		}
	}
	if version == "" {
		version = "dev"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "mentorskap_build_info",
		Help:        "Always 1; the labels name the running build.",
		ConstLabels: prometheus.Labels{"version": version, "commit": commit, "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}

// stateCollector reads the gauges that live in the database when scraped,
// one query per table, so that requests never pay for them.
type stateCollector struct{ s *Server }

var (
	descDBMaxOpen   = poolDesc("go_sql_max_open_connections", "Maximum number of open connections to the database.")
	descDBOpen      = poolDesc("go_sql_open_connections", "The number of established connections both in use and idle.")
	descDBInUse     = poolDesc("go_sql_in_use_connections", "The number of connections currently in use.")
	descDBIdle      = poolDesc("go_sql_idle_connections", "The number of idle connections.")
	descDBWaits     = poolDesc("go_sql_wait_count_total", "The total number of connections waited for.")
	descDBWaitTime  = poolDesc("go_sql_wait_duration_seconds_total", "The total time blocked waiting for a new connection.")
	descOutboxQueue = prometheus.NewDesc("mentorskap_outbox_queued_emails", "Emails not sent yet, failing ones included: the outbox's depth.", nil, nil)
	descOutboxFail  = prometheus.NewDesc("mentorskap_outbox_failing_emails", "Emails not sent whose last try failed; they are tried again.", nil, nil)
	descOutboxSent  = prometheus.NewDesc("mentorskap_outbox_sent_emails", "Emails delivered and still kept in the outbox table.", nil, nil)
	descJobsDue     = prometheus.NewDesc("mentorskap_jobs_due", "Jobs that may run now and that no instance holds.", nil, nil)
	descJobsRunning = prometheus.NewDesc("mentorskap_jobs_running", "Jobs held by an instance whose lease has not run out.", nil, nil)
	descJobsFailing = prometheus.NewDesc("mentorskap_jobs_failing", "Jobs not done whose last try failed; tries remain.", nil, nil)
	descJobsGaveUp  = prometheus.NewDesc("mentorskap_jobs_given_up", "Jobs that failed too often and are no longer tried.", nil, nil)
	// descWebhooks counts the delivery log by status (waiting, delivered,
	// failed, gave_up); rows go when their endpoint is removed.
	descWebhooks = prometheus.NewDesc("mentorskap_webhook_deliveries", "Webhook deliveries in the log, by status.", []string{"status"}, nil)
)

// poolDesc uses the names of client_golang's own database/sql collector,
// so existing dashboards fit; that collector wants the *sql.DB itself,
// which the store keeps to itself so that writes always go through it.
func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, []string{"db_name"}, nil)
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDBMaxOpen, descDBOpen, descDBInUse, descDBIdle, descDBWaits, descDBWaitTime,
		descOutboxQueue, descOutboxFail, descOutboxSent, descJobsDue, descJobsRunning, descJobsFailing, descJobsGaveUp, descWebhooks} {
		ch <- d
	}
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	for name, st := range c.s.DB.PoolStats() {
		ch <- prometheus.MustNewConstMetric(descDBMaxOpen, prometheus.GaugeValue, float64(st.MaxOpenConnections), name)
		ch <- prometheus.MustNewConstMetric(descDBOpen, prometheus.GaugeValue, float64(st.OpenConnections), name)
		ch <- prometheus.MustNewConstMetric(descDBInUse, prometheus.GaugeValue, float64(st.InUse), name)
		ch <- prometheus.MustNewConstMetric(descDBIdle, prometheus.GaugeValue, float64(st.Idle), name)
		ch <- prometheus.MustNewConstMetric(descDBWaits, prometheus.CounterValue, float64(st.WaitCount), name)
		ch <- prometheus.MustNewConstMetric(descDBWaitTime, prometheus.CounterValue, st.WaitDuration.Seconds(), name)
	}
	// A scrape must not hang on a stuck database: Prometheus gives up
	// after its own timeout (10 s by default) anyway.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if o, err := notify.Stats(ctx, c.s.DB); err != nil {
		ch <- prometheus.NewInvalidMetric(descOutboxQueue, err)
	} else {
		ch <- prometheus.MustNewConstMetric(descOutboxQueue, prometheus.GaugeValue, float64(o.Waiting))
		ch <- prometheus.MustNewConstMetric(descOutboxFail, prometheus.GaugeValue, float64(o.Failing))
		ch <- prometheus.MustNewConstMetric(descOutboxSent, prometheus.GaugeValue, float64(o.Sent))
	}
	if j, err := jobs.ReadStats(ctx, c.s.DB, c.s.Clock.Now()); err != nil {
		ch <- prometheus.NewInvalidMetric(descJobsDue, err)
	} else {
		ch <- prometheus.MustNewConstMetric(descJobsDue, prometheus.GaugeValue, float64(j.Due))
		ch <- prometheus.MustNewConstMetric(descJobsRunning, prometheus.GaugeValue, float64(j.Running))
		ch <- prometheus.MustNewConstMetric(descJobsFailing, prometheus.GaugeValue, float64(j.Failing))
		ch <- prometheus.MustNewConstMetric(descJobsGaveUp, prometheus.GaugeValue, float64(j.GaveUp))
	}
	if counts, err := webhook.Counts(ctx, c.s.DB); err != nil {
		ch <- prometheus.NewInvalidMetric(descWebhooks, err)
	} else {
		for status, n := range counts {
			ch <- prometheus.MustNewConstMetric(descWebhooks, prometheus.GaugeValue, float64(n), status)
		}
	}
}

// slogPrinter hands promhttp's error log to the server's logger.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	if p.log != nil {
		p.log.Error("metrics", "err", strings.TrimSpace(fmt.Sprintln(v...)))
	}
}
