// Package web is the HTTP face of Mentorskap: routes, middleware, pages
// and static files; it mounts the JSON API (internal/api) beside them. Handlers decode input, call a
// domain package and render; rules live in the domain packages.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/brand"
	"mentorskap/internal/clock"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/report"
	"mentorskap/internal/store"
)

// Server holds what the handlers need. Build it with New; everything is
// passed in, nothing is global.
type Server struct {
	DB         *store.DB
	Log        *slog.Logger
	Clock      clock.Clock
	Bundle     *i18n.Bundle
	Accounts   *account.Service
	Programs   *program.Service
	Matching   *matching.Service
	Agreements *agreement.Service
	Meetings   *meeting.Service
	Goals      *goal.Service
	Evals      *evaluation.Service
	Outbox     *notify.Outbox
	BaseURL    string
	TrustProxy bool // take the client address from X-Forwarded-For
	// TrustProxyHops is how many proxies in front of the site append to
	// X-Forwarded-For: the client is the address that many entries from
	// the right. Zero counts as one.
	TrustProxyHops int
	Version        string

	// API serves /api/v1 beside the pages (internal/api); nil serves none.
	API interface{ Register(*http.ServeMux) }
	// Brand is the brand every page shows, kept for a while; the API
	// clears the same one when it saves a brand. New makes one if nil.
	Brand *brand.Cache

	// RequireAdmin2FA makes administrators enrol in two-factor login
	// before they can use anything else.
	RequireAdmin2FA bool

	// MetricsToken, when set, serves /metrics on the main address to
	// requests that bear it. Without it /metrics is served only by
	// MetricsHandler on a listener of its own, if at all.
	MetricsToken string

	// ReportSources contribute sections to the funder report (custom
	// questions, events, outcome follow-up); main wires them.
	ReportSources []report.Source

	pages  *pages
	noFold bool // render with the general templates only (tests compare)
	// renderedBy, when set, learns of each page rendered whether it was
	// folded and whether the compiled closures wrote it (tests check that
	// every folded page was compiled).
	renderedBy func(name string, folded, compiled bool)
	handler    http.Handler
	metrics    *metrics
	draining   *atomic.Bool // a pointer, as tests copy a Server to vary it
}

// New wires the server. The templates are parsed once per process: they are
// embedded and never change, and tests build hundreds of servers.
func New(s *Server) (*Server, error) {
	p, err := sharedPages()
	if err != nil {
		return nil, err
	}
	s.pages = p
	s.metrics = newMetrics(s)
	s.draining = new(atomic.Bool)
	if s.Brand == nil {
		s.Brand = new(brand.Cache)
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.middleware(s.securityGuard(routed(mux)))
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// secure reports whether cookies should carry the Secure flag: when the site
// is served over HTTPS, directly or behind a proxy that says so.
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.BaseURL, "https://") ||
		(s.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

// clientIP is the address login throttling counts against. Behind trusted
// proxies it is read from X-Forwarded-For counting from the right: each
// proxy appends the address it was reached from, while everything to the
// left of what our own proxies wrote came from the client, who can write
// anything there. With one proxy (the default) that is the last entry.
func (s *Server) clientIP(r *http.Request) string {
	if s.TrustProxy {
		var hops []string
		for _, h := range r.Header.Values("X-Forwarded-For") {
			for _, a := range strings.Split(h, ",") {
				hops = append(hops, strings.TrimSpace(a))
			}
		}
		if len(hops) > 0 {
			// Fewer entries than proxies means the request skipped the
			// outer ones; the leftmost is then the one the first proxy saw.
			n := max(s.TrustProxyHops, 1)
			if ip, ok := parseHop(hops[max(len(hops)-n, 0)]); ok {
				return ip
			}
		}
	}
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// parseHop reads one X-Forwarded-For entry, which some proxies write with
// a port.
func parseHop(s string) (string, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	return "", false
}

type ctxKey int

const (
	keyAccess ctxKey = iota // *access: what the access log and metrics learn on the way in
)

// today is the date in the viewer's time zone that due dates are compared
// with, the same on every page and API answer (see meeting.Today).
func (s *Server) today(r *http.Request) string {
	tz := "UTC"
	if u := httpx.User(r); u != nil {
		tz = u.Timezone
	}
	return meeting.Today(s.Clock.Now(), tz)
}

// locale returns the visitor's locale, chosen by the middleware.
func (s *Server) locale(r *http.Request) *i18n.Locale { return httpx.Locale(r, s.Bundle) }

// withProgramLanguage makes a program's default language the visitor's
// language on pages inside that program, unless the visitor chose one or
// their browser asked for one we have: the person's setting, then
// Accept-Language, then the program's default.
func (s *Server) withProgramLanguage(r *http.Request, lang string) *http.Request {
	if s.chooseLang(r, httpx.User(r)) != "" || !i18n.Supported(lang) {
		return r
	}
	return httpx.WithLocale(r, s.Bundle.Locale(lang))
}

func with(r *http.Request, k ctxKey, v any) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), k, v))
}
