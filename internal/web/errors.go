package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
)

// status maps an error kind to its HTTP status. This is the only place that
// does it.
func status(k errs.Kind) int {
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
	default:
		return http.StatusInternalServerError
	}
}

// setRetryAfter tells a throttled client when to come back (RFC 9110).
func setRetryAfter(w http.ResponseWriter, err error) {
	if e, ok := errs.As(err); ok && e.Kind == errs.TooMany && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}

// isAPI reports whether the request wants JSON answers.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// fail answers with an error: a problem document for the API, a page
// otherwise. Internal errors are logged with the request id and shown as a
// generic message that quotes the id.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := errs.KindOf(err)
	l := s.locale(r)
	code := status(kind)
	var detail string
	if e, ok := errs.As(err); ok && kind != errs.Internal {
		detail = l.Msg(e.Key, e.Args)
	} else {
		s.Log.Error("internal error", "request_id", requestID(r), "method", r.Method, "path", r.URL.Path, "err", err)
		detail = l.T("error.internal", "id", requestID(r))
	}
	setRetryAfter(w, err)
	if isAPI(r) {
		s.problem(w, r, code, detail, err)
		return
	}
	if kind == errs.Unauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.render(w, r, code, "error", errorPage{Status: code, Message: detail})
}

type errorPage struct {
	Status  int
	Message string
}

// problem writes an RFC 9457 problem document.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, code int, detail string, err error) {
	l := s.locale(r)
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

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// readJSON decodes a request body strictly: unknown fields are an error, so a
// typo in a client does not silently do nothing.
func readJSON(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	// PostgreSQL cannot store NUL in text, and no one types it.
	if err != nil || bytes.Contains(data, []byte(`\u0000`)) {
		return &errs.Error{Kind: errs.Invalid, Key: "error.bad_json", Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &errs.Error{Kind: errs.Invalid, Key: "error.bad_json", Err: err}
	}
	return nil
}
