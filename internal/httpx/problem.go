package httpx

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
)

// Status maps an error kind to its HTTP status. This is the only place that
// does it.
func Status(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooMany:
		return http.StatusTooManyRequests
	case errs.Malformed:
		return http.StatusBadRequest
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.Unsupported:
		return http.StatusUnsupportedMediaType
	case errs.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// SetRetryAfter tells a throttled client when to come back (RFC 9110).
func SetRetryAfter(w http.ResponseWriter, err error) {
	if e, ok := errs.As(err); ok && e.Kind == errs.TooMany && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}

// IsAPI reports whether the request wants JSON answers.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Responder answers errors. Pages and API build one from their logger and
// bundle; it holds nothing else.
type Responder struct {
	Log    *slog.Logger
	Bundle *i18n.Bundle
}

// Explain gives the status and the translated message for err. Internal
// errors are logged with the request id and explained by a generic message
// that quotes the id.
func (x Responder) Explain(r *http.Request, err error) (int, string) {
	kind := errs.KindOf(err)
	l := Locale(r, x.Bundle)
	if e, ok := errs.As(err); ok && kind != errs.Internal {
		detail := l.Msg(e.Key, e.Args)
		if e.Key == "error.not_found" && IsAPI(r) {
			// The page's "could not find that page" tells a program
			// nothing; say which address named nothing the caller may see.
			detail = l.T("api.error.not_found", "path", r.URL.Path)
		}
		return Status(kind), detail
	}
	x.Log.Error("internal error", "request_id", RequestID(r), "method", r.Method, "path", LoggedPath(r.URL.Path), "err", err)
	return Status(kind), l.T("error.internal", "id", RequestID(r))
}

// Fail answers with a problem document for err.
func (x Responder) Fail(w http.ResponseWriter, r *http.Request, err error) {
	code, detail := x.Explain(r, err)
	SetRetryAfter(w, err)
	x.Problem(w, r, code, detail, err)
}

// Problem writes an RFC 9457 problem document; the fields of an invalid
// input error are named under "errors".
func (x Responder) Problem(w http.ResponseWriter, r *http.Request, code int, detail string, err error) {
	l := Locale(r, x.Bundle)
	body := map[string]any{
		"type":   "about:blank",
		"title":  http.StatusText(code),
		"status": code,
		"detail": detail,
	}
	if e, ok := errs.As(err); ok && len(e.Fields) > 0 {
		fields := map[string]string{}
		for f, m := range e.Fields {
			fields[f] = l.Msg(m.Key, m.Args)
		}
		body["errors"] = fields
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", l.Lang())
	if code == http.StatusUnauthorized {
		// RFC 6750: tell API clients how to authenticate.
		w.Header().Set("WWW-Authenticate", `Bearer realm="mentorskap"`)
	}
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(body)
}

// RequireUser answers 401 to anonymous callers.
func (x Responder) RequireUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if User(r) == nil {
			x.Fail(w, r, errs.E(errs.Unauthorized, "error.login_required"))
			return
		}
		h(w, r)
	}
}

// RequireAdmin lets only administrators through.
func (x Responder) RequireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return x.RequireUser(func(w http.ResponseWriter, r *http.Request) {
		if !User(r).IsAdmin() {
			x.Fail(w, r, errs.E(errs.Forbidden, "error.forbidden"))
			return
		}
		h(w, r)
	})
}

// secretPaths begin the paths whose next segment is a secret: a password
// reset or invitation token, a join link, a calendar feed's key. Logs are
// read by more people than the link was meant for, so they name the route
// and not the key.
var secretPaths = []string{"/reset/", "/invite/", "/join/", "/calendar/"}

// LoggedPath is the path as the log may show it.
func LoggedPath(p string) string {
	for _, prefix := range secretPaths {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok || rest == "" {
			continue
		}
		_, tail, more := strings.Cut(rest, "/")
		if more {
			return prefix + "…/" + tail
		}
		return prefix + "…"
	}
	return p
}
