package httpx

import (
	"context"
	"io"
	"net/http"

	"mentorskap/internal/account"
	"mentorskap/internal/i18n"
)

type ctxKey int

const (
	keyUser ctxKey = iota
	keyLocale
	keyRequestID
	keySession
	keyRawBody
)

func with(r *http.Request, k ctxKey, v any) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), k, v))
}

// User returns the logged-in person, or nil.
func User(r *http.Request) *account.User {
	u, _ := r.Context().Value(keyUser).(*account.User)
	return u
}

// WithUser records the person the request is made by.
func WithUser(r *http.Request, u *account.User) *http.Request { return with(r, keyUser, u) }

// Locale returns the visitor's locale as the middleware chose it, or the
// bundle's English when none was chosen (a request that failed before).
func Locale(r *http.Request, b *i18n.Bundle) *i18n.Locale {
	if l, ok := r.Context().Value(keyLocale).(*i18n.Locale); ok {
		return l
	}
	return b.Locale("en")
}

// WithLocale records the visitor's language.
func WithLocale(r *http.Request, l *i18n.Locale) *http.Request { return with(r, keyLocale, l) }

// RequestID is the id the log and error messages quote for the request.
func RequestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// WithRequestID records the request's id.
func WithRequestID(r *http.Request, id string) *http.Request { return with(r, keyRequestID, id) }

// Session is the session cookie's value the request came with, if any.
func Session(r *http.Request) string {
	s, _ := r.Context().Value(keySession).(string)
	return s
}

// WithSession records the request's session.
func WithSession(r *http.Request, session string) *http.Request { return with(r, keySession, session) }

// WithRawBody keeps the request body as it was before the site-wide size
// limit, for RaiseBodyLimit.
func WithRawBody(r *http.Request, body io.ReadCloser) *http.Request { return with(r, keyRawBody, body) }

// RaiseBodyLimit lets an upload handler accept up to n bytes instead of the
// site-wide limit. Wrapping r.Body again would not do: the outer limit
// cannot lift the inner one, so the unwrapped body is kept for this.
func RaiseBodyLimit(w http.ResponseWriter, r *http.Request, n int64) {
	if raw, ok := r.Context().Value(keyRawBody).(io.ReadCloser); ok {
		r.Body = http.MaxBytesReader(w, raw, n)
	}
}

// LangCookie is the language switcher's cookie.
const LangCookie = "mentorskap_lang"

// ChooseLang is the language a visitor asked for: the person's setting,
// then the switcher's cookie, then Accept-Language; empty when none of
// them names a language we have.
func ChooseLang(r *http.Request, u *account.User) string {
	if u != nil && i18n.Supported(u.Language) {
		return u.Language
	}
	if c, err := r.Cookie(LangCookie); err == nil && i18n.Supported(c.Value) {
		return c.Value
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}
