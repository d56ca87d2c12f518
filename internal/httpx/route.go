package httpx

import (
	"net/http"
	"strconv"

	"mentorskap/internal/errs"
)

// Route is one endpoint of the JSON API. The API's table of routes is the
// single list of endpoints: registration reads it, and a test compares it
// with the OpenAPI document so that neither can drift from the other.
type Route struct {
	Method  string
	Pattern string // a ServeMux path pattern; the OpenAPI path is spelt the same
	Handler http.HandlerFunc
	Public  bool // reachable without logging in
}

// Prefix is where version 1 of the API lives.
const Prefix = "/api/v1"

// NoStore keeps API answers, which may carry tokens and personal data, out
// of shared caches.
func NoStore(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h(w, r)
	}
}

// PathID reads a numeric id from the path. A malformed id names nothing, so
// it is a 404 like any unknown id.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "error.not_found")
	}
	return id, nil
}

// PathIDs reads two ids from the path, the first before the second, so a
// path wrong in both answers for the first as it always has.
func PathIDs(r *http.Request, first, second string) (int64, int64, error) {
	a, err := PathID(r, first)
	if err != nil {
		return 0, 0, err
	}
	b, err := PathID(r, second)
	return a, b, err
}

// ProgramPathID reads the program's id from the path: {programID} in the
// API (every id there is named for its thing), {id} on the pages.
func ProgramPathID(r *http.Request) (int64, error) {
	if r.PathValue("programID") != "" {
		return PathID(r, "programID")
	}
	return PathID(r, "id")
}

// RenameFields turns the domain's field names in validation errors into the
// API's JSON names, where they differ.
func RenameFields(err error, names map[string]string) error {
	return MapFields(err, func(f string) string {
		if n, ok := names[f]; ok {
			return n
		}
		return f
	})
}

// MapFields renames every field of a validation error with name, for the
// names no table can list (the target date of the n-th goal).
func MapFields(err error, name func(string) string) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	fields := make(map[string]errs.Msg, len(e.Fields))
	for f, m := range e.Fields {
		fields[name(f)] = m
	}
	out := *e
	out.Fields = fields
	return &out
}

// Itoa writes an id as the API and the pages spell it.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }

// PrefixFields puts a prefix before each field name of a validation error,
// so that errors about answer keys land on the q.<key> inputs.
func PrefixFields(err error, prefix string) error {
	return MapFields(err, func(f string) string { return prefix + f })
}
