package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

const (
	sessionCookie = "mentorskap_session"
	langCookie    = httpx.LangCookie
	flashCookie   = "mentorskap_flash"
	// maxBody bounds every request body; uploads that need more (CSV) raise
	// it for themselves.
	maxBody = 1 << 20
)

func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// This runs before authenticate, so the language comes from the
		// cookie or the browser.
		r = httpx.WithLocale(r, s.Bundle.Locale(s.chooseLang(r, nil)))
		s.fail(w, r, errs.E(errs.Forbidden, "error.cross_origin"))
	}))
	h := s.authenticate(s.auditAccess(next))
	h = cop.Handler(h)
	h = s.metricsEndpoint(h)
	h = s.onlyCanonical(h)
	h = s.headers(h)
	return s.recoverAndLog(h)
}

// onlyCanonical answers a request whose path is not spelt the one way the
// routes and the access log read it, before anything looks at who asks.
// ServeMux would route "/pairs/4/./messages" or "//pairs/4" on its own
// (with a redirect that the layers above saw as a success), and a "%2e" or
// an encoded slash means one thing to the router and another to code that
// reads the decoded path. GET and HEAD are sent to the canonical path;
// anything else, and any path with an encoded slash or backslash, is
// refused: no page or client of ours writes them.
func (s *Server) onlyCanonical(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, esc := r.URL.Path, strings.ToLower(r.URL.EscapedPath())
		refuse := !strings.HasPrefix(p, "/") || strings.Contains(esc, "%2f") || strings.Contains(esc, "%5c") ||
			strings.IndexFunc(p, unsafePathRune) >= 0
		switch {
		case !refuse && canonicalPath(p) && !strings.Contains(esc, "%2e"):
			next.ServeHTTP(w, r)
		case !refuse && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			to := url.URL{Path: cleanPath(p), RawQuery: r.URL.RawQuery}
			http.Redirect(w, r, to.String(), http.StatusMovedPermanently)
		default:
			r = httpx.WithLocale(r, s.Bundle.Locale(s.chooseLang(r, nil)))
			s.fail(w, r, errNotFound)
		}
	})
}

// canonicalPath reports whether p is an absolute path with no empty, "."
// or ".." segment; a trailing slash is allowed.
func canonicalPath(p string) bool {
	return strings.HasPrefix(p, "/") && cleanPath(p) == p
}

// cleanPath is path.Clean keeping a trailing slash, as ServeMux cleans.
func cleanPath(p string) string {
	np := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && np != "/" {
		np += "/"
	}
	return np
}

// unsafePathRune tells characters that never belong in a path of ours:
// controls and white space, which browsers strip or mangle, and the
// backslash, which they read as a slash.
func unsafePathRune(r rune) bool {
	return r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// access is what the layers inside learn about a request that its access
// log line and metrics report once it is answered: the route that took it
// and who asked. The outer layer cannot read them off its own *Request,
// as each layer passes on a copy.
type access struct {
	route  string // the ServeMux pattern, never the path
	userID int64
}

func accessOf(r *http.Request) *access {
	a, _ := r.Context().Value(keyAccess).(*access)
	return a
}

// routed notes the pattern the mux chose. ServeMux sets Pattern on the
// request it was handed, so it is there once the handler returns (or
// panics).
func routed(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if a := accessOf(r); a != nil {
				a.route = r.Pattern
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

func (s *Server) recoverAndLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		r = httpx.WithRequestID(r, id)
		acc := &access{}
		r = with(r, keyAccess, acc)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.Error("panic", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.fail(sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			took := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK // what net/http sends for a handler that wrote nothing
			}
			s.metrics.observe(acc.route, r.Method, status, took)
			// The person is named by id only: an email or a name in
			// the log would be personal data kept as long as the logs.
			attrs := []slog.Attr{slog.String("request_id", id), slog.String("method", r.Method),
				slog.String("route", acc.route), slog.String("path", httpx.LoggedPath(r.URL.Path)),
				slog.Int("status", status), slog.Duration("duration", took),
				slog.Float64("duration_ms", float64(took.Microseconds())/1000)}
			if acc.userID != 0 {
				attrs = append(attrs, slog.Int64("user_id", acc.userID))
			}
			s.Log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()
		raw := r.Body
		r.Body = http.MaxBytesReader(sw, raw, maxBody)
		r = httpx.WithRawBody(r, raw)
		next.ServeHTTP(sw, r)
	})
}

// permissionsPolicy turns off every powerful browser feature the site does
// not use, so a script that got in somehow cannot reach the camera, the
// microphone, the person's location or a payment sheet. Passkeys are the
// one it uses: WebAuthn is allowed for this origin only.
const permissionsPolicy = "accelerometer=(), ambient-light-sensor=(), autoplay=(), bluetooth=(), camera=(), " +
	"display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), " +
	"idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), " +
	"publickey-credentials-create=(self), publickey-credentials-get=(self), screen-wake-lock=(), serial=(), usb=(), web-share=(), xr-spatial-tracking=()"

func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Permissions-Policy", permissionsPolicy)
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate finds the person behind a session cookie or bearer token and
// picks the language: the person's setting, then the switcher's cookie, then
// Accept-Language, then English. Pages inside a program may still fall back
// to the program's default language (see programLocale).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		// Forms that ask for the password again count wrong ones per
		// address too, as the login does, and hash within the same bound.
		anonymous := account.WithHashGate(account.WithClientIP(r.Context(), s.clientIP(r)), s.Accounts.Hashing)
		ctx := anonymous
		_, cookieErr := r.Cookie(s.sessionCookie(r))
		end := func() {}
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && (cookieErr == nil || r.Header.Get("Authorization") != "") {
			// A page view reads its pair once for the handler, the
			// pair's terms and the access log's check (see
			// program.WithReadMemo), and reads everything, who asks
			// included, in one transaction (see store.WithSnapshot),
			// ended by renderPage before the templates run.
			ctx = meeting.WithReadMemo(program.WithReadMemo(ctx))
			ctx, end = s.DB.WithSnapshot(ctx)
			defer end()
		}
		r = r.WithContext(ctx)
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			u, err := s.Accounts.UserByToken(ctx, strings.TrimSpace(strings.TrimPrefix(auth, "Bearer ")))
			if err != nil {
				r = httpx.WithLocale(r, s.Bundle.Locale(s.chooseLang(r, nil)))
				s.fail(w, r, err)
				return
			}
			r = httpx.WithUser(r, u)
		} else if c, err := r.Cookie(s.sessionCookie(r)); err == nil {
			// The pair a page is about is read with the session (one
			// round trip on PostgreSQL) and checked against who asks
			// only by the handler, as it would be without this.
			var reads store.Reads
			check := s.Accounts.ReadSession(&reads, c.Value)
			if id := pairInPath(r.URL.Path); id > 0 {
				program.ReadPair(ctx, &reads, id)
			}
			if id := meetingUnderPath(r.URL.Path); id > 0 {
				meeting.ReadMeeting(ctx, &reads, id)
			}
			var u *account.User
			err := reads.Run(ctx, s.DB)
			if err == nil {
				u, err = check(ctx)
			}
			switch {
			case err == nil:
				r = httpx.WithUser(r, u)
				r = httpx.WithSession(r, c.Value)
			case errs.Is(err, errs.Unauthorized):
				s.clearCookie(w, r, s.sessionCookie(r))
			default:
				s.fail(w, r, err)
				return
			}
		}
		if httpx.User(r) == nil {
			// Nobody known: no snapshot holds a reader connection while
			// an anonymous answer, a calendar feed say, goes out.
			end()
			r = r.WithContext(anonymous)
		}
		if u, a := httpx.User(r), accessOf(r); u != nil && a != nil {
			a.userID = u.ID
		}
		r = httpx.WithLocale(r, s.Bundle.Locale(s.chooseLang(r, httpx.User(r))))
		next.ServeHTTP(w, r)
	})
}

func (s *Server) chooseLang(r *http.Request, u *account.User) string { return httpx.ChooseLang(r, u) }

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// requireUser sends anonymous visitors to the login page (pages) or answers
// 401 (API).
func (s *Server) requireUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if httpx.User(r) == nil {
			s.fail(w, r, errs.E(errs.Unauthorized, "error.login_required"))
			return
		}
		h(w, r)
	}
}

// requireAdmin lets only administrators through.
func (s *Server) requireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return s.requireUser(func(w http.ResponseWriter, r *http.Request) {
		if !httpx.User(r).IsAdmin() {
			s.fail(w, r, errs.E(errs.Forbidden, "error.forbidden"))
			return
		}
		h(w, r)
	})
}
