package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"mentorskap/internal/errs"
)

// WriteJSON answers with a JSON document.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// ReadJSON decodes a request body strictly: unknown fields are an error, so a
// typo in a client does not silently do nothing. What is wrong decides the
// status: a body that is not JSON at all is 400, one over the size limit
// 413, one declared as another type 415, and JSON that does not fit the
// endpoint 422 with the field named.
func ReadJSON(r *http.Request, v any) error {
	if mt := MediaType(r.Header.Get("Content-Type")); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return errs.E(errs.Unsupported, "api.error.content_type")
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return BodyError(err)
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

// MediaType is a Content-Type without its parameters, in lower case.
func MediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// BodyError tells a body over the limit from one that broke off.
func BodyError(err error) error {
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

// SendFile answers with a finished download: never cached, always saved as
// a file of the name given rather than shown as a page of this site.
func SendFile(w http.ResponseWriter, contentType, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
