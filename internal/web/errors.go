package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
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
		if e.Key == "error.not_found" && isAPI(r) {
			// The page's "could not find that page" tells a program
			// nothing; say which address named nothing the caller may see.
			detail = l.T("api.error.not_found", "path", r.URL.Path)
		}
	} else {
		s.Log.Error("internal error", "request_id", requestID(r), "method", r.Method, "path", loggedPath(r.URL.Path), "err", err)
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
// typo in a client does not silently do nothing. What is wrong decides the
// status: a body that is not JSON at all is 400, one over the size limit
// 413, one declared as another type 415, and JSON that does not fit the
// endpoint 422 with the field named.
func readJSON(r *http.Request, v any) error {
	if mt := mediaType(r.Header.Get("Content-Type")); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return errs.E(errs.Unsupported, "api.error.content_type")
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	// PostgreSQL cannot store NUL in text, and no one types it.
	if bytes.Contains(data, []byte(`\u0000`)) {
		return errs.E(errs.Invalid, "error.bad_json")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	// One document per request: anything after it is a broken body, not a
	// second request to ignore.
	if _, err := dec.Token(); err != io.EOF {
		return &errs.Error{Kind: errs.Malformed, Key: "error.bad_json", Err: err}
	}
	return nil
}

// mediaType is a Content-Type without its parameters, in lower case.
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// bodyError tells a body over the limit from one that broke off.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &errs.Error{Kind: errs.TooLarge, Key: "error.too_large", Args: []any{"max", tooBig.Limit >> 10}, Err: err}
	}
	return &errs.Error{Kind: errs.Malformed, Key: "error.bad_json", Err: err}
}

// jsonError names what is wrong with a decoded body: broken JSON is
// malformed; a field of the wrong type or one the endpoint does not know
// is invalid input, with the field named as the JSON names it.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Err: err,
			Fields: map[string]errs.Msg{typeErr.Field: {Key: "api.error.json_type", Args: []any{"type", jsonKind(typeErr.Type)}}}}
	case errors.As(err, &typeErr):
		return &errs.Error{Kind: errs.Invalid, Key: "api.error.json_shape", Args: []any{"type", jsonKind(typeErr.Type)}, Err: err}
	}
	// encoding/json has no error type for an unknown field, only this
	// message; the field name is quoted in it.
	if rest, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, uerr := strconv.Unquote(rest); uerr == nil {
			return &errs.Error{Kind: errs.Invalid, Key: "api.error.unknown_field", Args: []any{"field", name}, Err: err,
				Fields: map[string]errs.Msg{name: {Key: "api.error.unknown_field", Args: []any{"field", name}}}}
		}
	}
	return &errs.Error{Kind: errs.Malformed, Key: "error.bad_json", Err: err}
}

// jsonKind names a Go type the way JSON does, for messages to API users.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		if t.String() == "time.Time" {
			return "string"
		}
		return "object"
	}
	return "value"
}
