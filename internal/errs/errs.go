// Package errs is the one coded error type of Mentorskap.
//
// Domain packages return *Error values carrying a Kind and a message key; the
// web layer maps the Kind to an HTTP status in exactly one place and translates
// the key into the visitor's language. Anything that is not an *Error is an
// internal error: it is logged and the visitor sees a generic page.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Kind says what went wrong from the caller's point of view.
type Kind int

const (
	Internal     Kind = iota
	Invalid           // the input breaks a rule; nothing was changed
	NotFound          // it does not exist, or the caller may not know it exists
	Conflict          // the state changed underneath the caller, or a duplicate
	Forbidden         // the caller is known but may not do this
	Unauthorized      // the caller must log in first
	TooMany           // throttled
	Malformed         // the request cannot be read at all (broken JSON); nothing was changed
	TooLarge          // the request body is over the limit; nothing was read
	Unsupported       // the body is in a format the endpoint does not take
	Unavailable       // a service the request needs (an OpenID Provider) did not answer; nothing was changed
)

// Msg is a translatable message: a catalog key and its arguments.
type Msg struct {
	Key  string
	Args []any
}

// Error is a coded error. Key is the catalog key of the message shown to the
// user; Fields holds per-field validation messages for forms.
type Error struct {
	Kind   Kind
	Key    string
	Args   []any
	Fields map[string]Msg
	Err    error // the cause, for logs only
	// RetryAfter is how long a throttled caller should wait (TooMany); the
	// web layer sends it as the Retry-After header.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := e.Key
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds a coded error with a message key.
func E(kind Kind, key string, args ...any) *Error {
	return &Error{Kind: kind, Key: key, Args: args}
}

// KindOf returns the kind of err; anything uncoded is Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns the coded error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err is a coded error of the given kind.
func Is(err error, kind Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == kind
}

// Validation collects field errors for one form or request.
type Validation struct {
	fields map[string]Msg
}

// Add records a message for field unless one is already there: the first
// problem with a field is the one worth showing.
func (v *Validation) Add(field, key string, args ...any) {
	if v.fields == nil {
		v.fields = map[string]Msg{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = Msg{Key: key, Args: args}
	}
}

// Check adds the message when ok is false.
func (v *Validation) Check(ok bool, field, key string, args ...any) {
	if !ok {
		v.Add(field, key, args...)
	}
}

// Has reports whether field already has a problem.
func (v *Validation) Has(field string) bool {
	_, ok := v.fields[field]
	return ok
}

// Err returns an Invalid error when any field failed, else nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Key: "error.invalid", Fields: v.fields}
}
