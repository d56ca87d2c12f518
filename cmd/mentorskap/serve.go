package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/web"
)

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "serve [--addr :8080] [--db mentorskap.db]", stdout, stderr)
	addr := fs.String("addr", envOr("MENTORSKAP_ADDR", ":8080"), "address to listen on (env MENTORSKAP_ADDR)")
	dsn := fs.String("db", envOr("MENTORSKAP_DB", "mentorskap.db"), "SQLite file, or a postgres:// URL (env MENTORSKAP_DB)")
	baseURL := fs.String("base-url", envOr("MENTORSKAP_BASE_URL", ""), "public URL of the site, used in emails (env MENTORSKAP_BASE_URL; default http://localhost<addr>)")
	trustProxy := fs.Bool("trust-proxy", envOr("MENTORSKAP_TRUST_PROXY", "") == "true", "take client address and scheme from X-Forwarded-* headers (env MENTORSKAP_TRUST_PROXY=true)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	app, err := openApp(ctx, *dsn, *baseURL, *addr, log)
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 1
	}
	defer app.db.Close()
	app.web.TrustProxy = *trustProxy

	srv := &http.Server{
		Addr:              *addr,
		Handler:           app.web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", *addr, "database", app.db.Dialect(), "version", version)

	select {
	case err := <-errc:
		log.Error("server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutdown", "err", err)
		return 1
	}
	return 0
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
	outbox := &notify.Outbox{Bundle: bundle, BaseURL: baseURL}
	a := &app{
		db:       db,
		bundle:   bundle,
		outbox:   outbox,
		accounts: &account.Service{DB: db, Clock: clk, Outbox: outbox},
		programs: &program.Service{DB: db, Clock: clk, Outbox: outbox},
	}
	a.web, err = web.New(&web.Server{
		DB: db, Log: log, Clock: clk, Bundle: bundle, Outbox: outbox,
		Accounts: a.accounts, Programs: a.programs, BaseURL: baseURL, Version: version,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}
