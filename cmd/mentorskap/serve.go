package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/api"
	"mentorskap/internal/brand"
	"mentorskap/internal/clock"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/event"
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/jobs"
	"mentorskap/internal/matching"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/outcome"
	"mentorskap/internal/privacy"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
	"mentorskap/internal/report"
	"mentorskap/internal/store"
	"mentorskap/internal/web"
)

func runServe(args []string, stdout, stderr io.Writer) int {
	return serve(context.Background(), args, stdout, stderr)
}

// serve runs the web application until ctx ends or the process gets SIGINT
// or SIGTERM, then shuts down gracefully. Taking ctx lets tests stop it.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "serve [--addr :8080] [--db mentorskap.db]", stdout, stderr)
	addr := fs.String("addr", envOr("MENTORSKAP_ADDR", ":8080"), "address to listen on (env MENTORSKAP_ADDR)")
	dsn := fs.String("db", envOr("MENTORSKAP_DB", "mentorskap.db"), "SQLite file, or a postgres:// URL (env MENTORSKAP_DB)")
	baseURL := fs.String("base-url", envOr("MENTORSKAP_BASE_URL", ""), "public URL of the site, used in emails (env MENTORSKAP_BASE_URL; default http://localhost<addr>)")
	trustProxy := fs.Bool("trust-proxy", envOr("MENTORSKAP_TRUST_PROXY", "") == "true", "take client address and scheme from X-Forwarded-* headers (env MENTORSKAP_TRUST_PROXY=true)")
	defHops, hopsErr := envInt("MENTORSKAP_TRUST_PROXY_HOPS", 1)
	trustHops := fs.Int("trust-proxy-hops", defHops, "with --trust-proxy: how many proxies append to X-Forwarded-For; the client is that many entries from the right (env MENTORSKAP_TRUST_PROXY_HOPS)")
	logMailBodies := fs.Bool("log-mail-bodies", envOr("MENTORSKAP_LOG_MAIL_BODIES", "") == "true", "without --smtp-host, also write each email's text to the log; for development only, as emails hold private text and login links (env MENTORSKAP_LOG_MAIL_BODIES=true)")
	smtpHost := fs.String("smtp-host", envOr("MENTORSKAP_SMTP_HOST", ""), "SMTP server; without it emails are not sent, only listed in the log and on /admin/outbox (env MENTORSKAP_SMTP_HOST)")
	defPort, portErr := envInt("MENTORSKAP_SMTP_PORT", 587)
	smtpPort := fs.Int("smtp-port", defPort, "SMTP port (env MENTORSKAP_SMTP_PORT)")
	smtpUser := fs.String("smtp-user", envOr("MENTORSKAP_SMTP_USER", ""), "SMTP user name; the password is read from MENTORSKAP_SMTP_PASSWORD only (env MENTORSKAP_SMTP_USER)")
	smtpTLS := fs.String("smtp-tls", envOr("MENTORSKAP_SMTP_TLS", notify.TLSStartTLS), "SMTP encryption: starttls, tls (implicit, port 465) or none (env MENTORSKAP_SMTP_TLS)")
	requireAdmin2FA := fs.Bool("require-admin-2fa", envOr("MENTORSKAP_REQUIRE_ADMIN_2FA", "") == "true", "administrators must turn on two-factor login before using anything else (env MENTORSKAP_REQUIRE_ADMIN_2FA=true)")
	smtpFrom := fs.String("smtp-from", envOr("MENTORSKAP_SMTP_FROM", ""), `sender, e.g. "Mentorskap <noreply@example.org>" (env MENTORSKAP_SMTP_FROM)`)
	defIdle, idleErr := envDuration("MENTORSKAP_SESSION_IDLE", account.DefaultSessionIdle)
	sessionIdle := fs.Duration("session-idle", defIdle, "a session nobody uses for this long ends (env MENTORSKAP_SESSION_IDLE)")
	defLifetime, lifetimeErr := envDuration("MENTORSKAP_SESSION_LIFETIME", account.DefaultSessionLifetime)
	sessionLifetime := fs.Duration("session-lifetime", defLifetime, "every session ends this long after login (env MENTORSKAP_SESSION_LIFETIME)")
	defHashMem, hashMemErr := envInt("MENTORSKAP_HASH_MEMORY", account.DefaultHashMemory>>20)
	hashMemory := fs.Int("hash-memory", defHashMem, fmt.Sprintf("MiB that password hashing may use at once, %d MiB per login checked (env MENTORSKAP_HASH_MEMORY)", account.HashCost>>20))
	// Operating it: log format, metrics, draining on shutdown.
	logFormat := fs.String("log-format", envOr("MENTORSKAP_LOG_FORMAT", "text"), "text, or json: one object a line for log collectors (env MENTORSKAP_LOG_FORMAT)")
	metricsAddr := fs.String("metrics-addr", envOr("MENTORSKAP_METRICS_ADDR", ""), "also listen here and serve Prometheus metrics on /metrics, e.g. 127.0.0.1:9100; off by default (env MENTORSKAP_METRICS_ADDR)")
	metricsToken := fs.String("metrics-token", envOr("MENTORSKAP_METRICS_TOKEN", ""), "serve /metrics on the main address to requests bearing this token, and ask for it on --metrics-addr too; prefer the environment, as flags show in the process list (env MENTORSKAP_METRICS_TOKEN)")
	oidcList := fs.String("oidc-providers", envOr("MENTORSKAP_OIDC_PROVIDERS", ""), "OpenID Connect providers to offer at login, comma separated, e.g. entra,feide; each one's settings are read from MENTORSKAP_OIDC_<NAME>_ISSUER, _CLIENT_ID, _SECRET, _LABEL, _SCOPES, _LOGO, _ALLOW_CREATE, _DOMAINS, _TRUST_EMAIL (see the README); administrators can add more on /admin/sso (env MENTORSKAP_OIDC_PROVIDERS)")
	defDrain, drainErr := envDuration("MENTORSKAP_DRAIN_DELAY", 5*time.Second)
	drainDelay := fs.Duration("drain-delay", defDrain, "on SIGTERM, how long /readyz answers 503 while requests are still served, so that load balancers stop sending any; a second signal cuts it short (env MENTORSKAP_DRAIN_DELAY)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file, for measuring (see bench/README.md)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "mentorskap:", err)
			return 1
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	for _, err := range []error{portErr, hopsErr, idleErr, lifetimeErr, hashMemErr, drainErr} {
		if err != nil {
			fmt.Fprintln(stderr, "mentorskap:", err)
			return 2
		}
	}
	if *trustHops < 1 {
		fmt.Fprintln(stderr, "mentorskap: --trust-proxy-hops must be 1 or more")
		return 2
	}
	if *sessionIdle <= 0 || *sessionLifetime <= 0 || *sessionIdle > *sessionLifetime {
		fmt.Fprintln(stderr, "mentorskap: --session-idle and --session-lifetime must be positive, and the idle timeout no longer than the lifetime")
		return 2
	}
	if *hashMemory < account.HashCost>>20 {
		fmt.Fprintf(stderr, "mentorskap: --hash-memory must be at least %d (MiB), what one password hash needs\n", account.HashCost>>20)
		return 2
	}
	if *drainDelay < 0 {
		fmt.Fprintln(stderr, "mentorskap: --drain-delay must not be negative")
		return 2
	}
	var log *slog.Logger
	switch *logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		fmt.Fprintf(stderr, "mentorskap: --log-format must be text or json, not %q\n", *logFormat)
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	var sender notify.Sender = notify.LogSender{Log: log, Bodies: *logMailBodies}
	if *smtpHost != "" {
		// The password comes from the environment only, so that it never
		// shows in the process list.
		port := *smtpPort
		if *smtpTLS == notify.TLSImplicit && !flagSet(fs, "smtp-port") && os.Getenv("MENTORSKAP_SMTP_PORT") == "" {
			port = 465 // implicit TLS has its own port; 587 would hang on the handshake
		}
		s, err := notify.NewSMTPSender(notify.SMTPConfig{Host: *smtpHost, Port: port, Username: *smtpUser,
			Password: os.Getenv("MENTORSKAP_SMTP_PASSWORD"), TLS: *smtpTLS, From: *smtpFrom})
		if err != nil {
			fmt.Fprintln(stderr, "mentorskap:", err)
			return 2
		}
		sender = s
		log.Info("email over SMTP", "host", *smtpHost, "port", port, "tls", *smtpTLS)
	}

	if os.Getenv("GOGC") == "" {
		// A page view allocates a few hundred kilobytes that die at
		// once, over a small live heap; collecting at three times the
		// live heap instead of twice took about half the collector's
		// tenth of the CPU time under load (bench/README.md) for some
		// tens of megabytes. GOGC set in the environment still decides.
		debug.SetGCPercent(200)
	}
	app, err := openApp(ctx, *dsn, *baseURL, *addr, log)
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 1
	}
	defer app.db.Close()
	if app.db.Dialect() == store.SQLite {
		// Tells "mentorskap restore" that this file is being served.
		inUse, err := store.LockInUse(*dsn)
		if err != nil {
			fmt.Fprintln(stderr, "mentorskap:", err)
			return 1
		}
		defer inUse.Close()
	}
	app.web.TrustProxy = *trustProxy
	app.web.TrustProxyHops = *trustHops
	app.web.RequireAdmin2FA = *requireAdmin2FA
	app.web.MetricsToken = *metricsToken
	app.accounts.SessionIdle = *sessionIdle
	app.accounts.SessionLifetime = *sessionLifetime
	if app.accounts.SSO.Static, err = oidcProviders(*oidcList, os.Getenv); err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 2
	}
	app.accounts.Hashing = account.NewHashGate(int64(*hashMemory)<<20, account.HashWait)
	log.Info("password hashing", "memory_mib", *hashMemory, "at_once", app.accounts.Hashing.Slots())

	// The worker gets its own context: it stops after the HTTP server has
	// drained, so that emails queued by the last requests are still tried.
	worker := notify.NewWorker(app.db, sender, clock.System{}, log)
	app.outbox.Wake = worker.Wake
	workerCtx, stopWorker := context.WithCancel(context.Background())
	workerDone := make(chan struct{})
	go func() { defer close(workerDone); worker.Run(workerCtx) }()
	defer func() { stopWorker(); <-workerDone }()
	// Reminders, the weekly digest and closing pairs at their planned end
	// run as jobs; any number of instances share the table. Stopping hands
	// held jobs back to the others.
	jobWorker := jobs.NewWorker(app.db, clock.System{}, log)
	(&jobs.Reminders{Outbox: app.outbox}).Register(jobWorker, app.web.Agreements)
	privacy.RegisterPurge(jobWorker, app.outbox)
	// The outcome follow-up, 3 and 6 months after a pair ends.
	outcome.Register(jobWorker, app.outbox)
	// Event reminders, queued when an event is planned or moved.
	(&event.Service{DB: app.db, Clock: clock.System{}, Outbox: app.outbox, Bundle: app.bundle}).Register(jobWorker)
	// Webhook deliveries: a plain client with a timeout per request (set in
	// jobs.sendWebhook); redirects are not followed, so a delivery goes to
	// the registered address only.
	jobWorker.HandleWebhooks(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }})
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); jobWorker.Run(workerCtx) }()
	defer func() { stopWorker(); <-jobsDone }()
	switch {
	case *smtpHost != "":
	case *logMailBodies:
		log.Warn("no SMTP server configured: emails are written to the log with their text (--log-mail-bodies); for development only")
	default:
		log.Info("no SMTP server configured: emails are not sent; the log and /admin/outbox show who each is for and its subject, and --log-mail-bodies adds the text for development")
	}

	srv := &http.Server{
		Addr:              *addr,
		Handler:           app.web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	servers := []*http.Server{srv}
	if *metricsAddr != "" {
		// Metrics on an address of their own, which the firewall keeps
		// to the monitoring network; shut down last, so that scrapes
		// still see the drain.
		servers = append(servers, &http.Server{Addr: *metricsAddr, Handler: app.web.MetricsHandler(),
			ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second})
		log.Info("metrics", "addr", *metricsAddr, "token", *metricsToken != "")
	} else if *metricsToken != "" {
		log.Info("metrics on /metrics for requests with the token")
	}
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() { errc <- s.ListenAndServe() }()
	}
	log.Info("listening", "addr", *addr, "database", app.db.Dialect(), "version", version)

	select {
	case err := <-errc:
		log.Error("server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	if err := stopServing(app.web, drainWait(*drainDelay, log), log, servers...); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	return 0
}

// drainWait closes its channel after delay, or at once on a second SIGINT
// or SIGTERM: someone pressing Ctrl-C twice means now.
func drainWait(delay time.Duration, log *slog.Logger) <-chan struct{} {
	done := make(chan struct{})
	if delay <= 0 {
		close(done)
		return done
	}
	log.Info("draining: /readyz answers 503 while requests are still served", "for", delay)
	again := make(chan os.Signal, 1)
	signal.Notify(again, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		defer close(done)
		defer signal.Stop(again)
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-again:
		}
	}()
	return done
}

// stopServing takes the instance out of a load balancer's rotation before
// it stops: /readyz answers 503 at once, requests are served until drained
// closes, and only then do the servers shut down gracefully, finishing the
// requests under way.
func stopServing(w *web.Server, drained <-chan struct{}, log *slog.Logger, servers ...*http.Server) error {
	w.Drain()
	<-drained
	log.Info("shutting down")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var errAll error
	for _, s := range servers {
		if err := s.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errAll = errors.Join(errAll, err)
		}
	}
	return errAll
}

// app is everything wired together, shared by the subcommands.
type app struct {
	db       *store.DB
	bundle   *i18n.Bundle
	accounts *account.Service
	programs *program.Service
	outbox   *notify.Outbox
	web      *web.Server
}

// openApp opens and migrates the database and wires the services. This is
// the one place where the parts of the program meet.
func openApp(ctx context.Context, dsn, baseURL, addr string, log *slog.Logger) (*app, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	bundle, err := i18n.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	if baseURL == "" {
		baseURL = "http://localhost" + addr
		if addr != "" && addr[0] != ':' {
			baseURL = "http://" + addr
		}
	}
	clk := clock.System{}
	// The pages, the API and the emails show one brand, kept for a few
	// seconds (brand.Cache).
	brandCache := new(brand.Cache)
	outbox := &notify.Outbox{Bundle: bundle, BaseURL: baseURL, Brand: brandCache}
	// Passkeys are bound to the site's host name; with a base URL a browser
	// cannot use for them (an IP address) they are not offered.
	wa, err := account.NewWebAuthn(baseURL)
	if err != nil {
		db.Close()
		return nil, err
	}
	a := &app{
		db:       db,
		bundle:   bundle,
		outbox:   outbox,
		accounts: &account.Service{DB: db, Clock: clk, Outbox: outbox, SSO: &account.OIDC{}, WebAuthn: wa},
		programs: &program.Service{DB: db, Clock: clk, Outbox: outbox},
	}
	// The pages and the API call the same services; each gets them
	// explicitly.
	matchingSvc := &matching.Service{DB: db, Clock: clk, Outbox: outbox}
	agreements := &agreement.Service{DB: db, Clock: clk, Outbox: outbox}
	meetings := &meeting.Service{DB: db, Clock: clk, Outbox: outbox}
	goals := &goal.Service{DB: db, Clock: clk, Outbox: outbox}
	evals := &evaluation.Service{DB: db, Clock: clk, Outbox: outbox}
	// The sections other features add to the funder report.
	reportSources := []report.Source{
		(&question.Reports{DB: db, I18n: bundle}).ReportTables,
		(&event.Service{DB: db, Clock: clk, Outbox: outbox, Bundle: bundle}).ReportTables,
		(&outcome.Service{DB: db, Clock: clk, Outbox: outbox}).ReportTables,
	}
	v1 := &api.API{
		DB: db, Log: log, Clock: clk, Bundle: bundle, Outbox: outbox, BaseURL: baseURL,
		Accounts: a.accounts, Programs: a.programs, Matching: matchingSvc, Agreements: agreements,
		Meetings: meetings, Goals: goals, Evals: evals, Brand: brandCache, ReportSources: reportSources,
	}
	a.web, err = web.New(&web.Server{
		DB: db, Log: log, Clock: clk, Bundle: bundle, Outbox: outbox,
		Accounts: a.accounts, Programs: a.programs, BaseURL: baseURL, Version: version,
		Matching: matchingSvc, Agreements: agreements, Meetings: meetings, Goals: goals, Evals: evals,
		API: v1, Brand: brandCache, ReportSources: reportSources,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// envDuration reads a duration ("12h", "30m") from the environment, or def
// when it is unset.
func envDuration(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return def, fmt.Errorf("%s=%q is not a duration such as 12h or 30m", name, v)
	}
	return d, nil
}

// envInt reads a whole number from the environment, or def when it is unset.
func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, fmt.Errorf("%s=%q is not a number", name, v)
	}
	return n, nil
}
