package web

import (
	"net/http"
	"net/url"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
)

// responder answers errors the way the API does; pages share it for
// anything under /api/ and for the status and message of their own.
func (s *Server) responder() httpx.Responder { return httpx.Responder{Log: s.Log, Bundle: s.Bundle} }

// fail answers with an error: a problem document for the API, a page
// otherwise. Internal errors are logged with the request id and shown as a
// generic message that quotes the id.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if httpx.IsAPI(r) {
		s.responder().Fail(w, r, err)
		return
	}
	code, detail := s.responder().Explain(r, err)
	httpx.SetRetryAfter(w, err)
	if errs.KindOf(err) == errs.Unauthorized && r.Method == http.MethodGet {
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
	s.responder().Problem(w, r, code, detail, err)
}
