package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"mentorskap/internal/audit"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

// auditPageSize is how many rows one page of the log lists.
const auditPageSize = 50

func (s *Server) auditRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/audit", s.requireAdmin(s.auditAdminPage))
	mux.HandleFunc("GET /profile/access-log", s.requireUser(s.auditAccessLogPage))
}

// auditAccess writes the trail centrally, so that no pair page or endpoint
// can forget to: a successful request about one pair by someone outside it
// (under /pairs/{id} or /api/v1/pairs/{pairID}, or a program-level action
// on one pair, see pairInPath), and every answer sent as a file download
// (CSV, data export), is recorded after the handler ran.
// Refused requests leave no row: nothing was seen. Neither do redirects,
// nor answers about a pair the person may not view (see succeeded), and
// paths are canonical by the time they get here (see onlyCanonical), so
// the row names the path that was served.
func (s *Server) auditAccess(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := httpx.User(r)
		pairID := pairInPath(r.URL.Path)
		if u == nil {
			next.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		ctx, watch := audit.WithWatch(r.Context())
		ctx = program.WithViews(ctx)
		next.ServeHTTP(sw, r.WithContext(ctx))
		if !succeeded(r.Method, sw.status) || watch.Recorded() {
			return
		}
		now := s.Clock.Now()
		detail := r.Method + " " + r.URL.Path
		// The answer has gone out, so the access happened even if the
		// client hung up before reading all of it: the row must not be
		// lost with the request's cancelled context.
		ctx = context.WithoutCancel(ctx)
		var err error
		if isExport(sw.Header()) {
			err = audit.Record(ctx, s.DB, now, u.ID, audit.ActionExport, programInPath(r.URL.Path), pairID, u.ID, detail)
		} else if pairID > 0 {
			// The status is the handler's word; the pair's own rule says
			// whether this person could have seen it at all. A row for
			// someone who could not would tell the members a falsehood.
			// The handler has usually asked already (program.Viewed).
			v, ok := program.Viewed(ctx, u.ID, pairID)
			var verr error
			if !ok {
				_, v, verr = program.ViewPair(ctx, s.DB, u, pairID)
			}
			if verr != nil || v.Member() {
				if verr != nil && errs.KindOf(verr) == errs.Internal {
					s.Log.Error("audit", "request_id", httpx.RequestID(r), "err", verr)
				}
				return
			}
			action := audit.ActionPairView
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				action = audit.ActionPairChange
			}
			_, err = audit.PairAccess(ctx, s.DB, now, u.ID, pairID, action, detail)
		}
		if err != nil {
			// The answer is already sent; the failure must at least be seen.
			s.Log.Error("audit", "request_id", httpx.RequestID(r), "err", err)
		}
	})
}

// succeeded tells an answer that gave the person what they asked for: a
// 2xx, or the See Other that ends a form post which did its work. Any other
// redirect shows nothing, and ServeMux's own redirects come before any
// handler has asked who is there.
func succeeded(method string, status int) bool {
	if status >= 200 && status < 300 {
		return true
	}
	return status == http.StatusSeeOther && method != http.MethodGet && method != http.MethodHead
}

// isExport tells a data file apart from other downloads: a calendar entry
// or the pair's own agreement copy is not an export, a CSV or JSON file is.
func isExport(h http.Header) bool {
	if !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		return false
	}
	ct, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	switch strings.TrimSpace(ct) {
	case "text/csv", "application/json", "application/zip":
		return true
	}
	return false
}

// programPairSegments name the program-level routes that act on one pair,
// /programs/{id}/<segment>/{pair}/...: a coordinator ending a pair from the
// program's list or rematching it from the chemistry alerts reaches that
// pair as surely as opening its page does, and its members must see it.
var programPairSegments = []string{"/pairs/", "/chemistry/"}

// pairInPath returns the pair a path is about, or 0.
func pairInPath(path string) int64 {
	if id := idAfter(path, "/pairs/", "/api/v1/pairs/"); id > 0 {
		return id
	}
	for _, prefix := range []string{"/programs/", "/api/v1/programs/"} {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok {
			continue
		}
		_, rest, _ = strings.Cut(rest, "/") // past the program's id
		return idAfter("/"+rest, programPairSegments...)
	}
	return 0
}

// meetingUnderPath returns the meeting of a page under one,
// /pairs/{id}/meetings/{mid}/…, or 0: its agenda, notes and forms read the
// meeting as it is stored (meeting.Get), which the meeting's own page does
// not.
func meetingUnderPath(path string) int64 {
	rest, ok := strings.CutPrefix(path, "/pairs/")
	if !ok {
		return 0
	}
	_, rest, _ = strings.Cut(rest, "/") // past the pair's id
	rest, ok = strings.CutPrefix(rest, "meetings/")
	if !ok {
		return 0
	}
	seg, sub, _ := strings.Cut(rest, "/")
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil || id <= 0 || sub == "" {
		return 0
	}
	return id
}

// programInPath returns the program a path is about, or 0.
func programInPath(path string) int64 {
	return idAfter(path, "/programs/", "/api/v1/programs/")
}

func idAfter(path string, prefixes ...string) int64 {
	for _, p := range prefixes {
		rest, ok := strings.CutPrefix(path, p)
		if !ok {
			continue
		}
		seg, _, _ := strings.Cut(rest, "/")
		if id, err := strconv.ParseInt(seg, 10, 64); err == nil && id > 0 {
			return id
		}
	}
	return 0
}

type auditPageData struct {
	Entries []audit.Entry
	Filter  audit.Filter
	// Older is the query string of the next, older page; empty on the last.
	Older  string
	Action []string
}

func (s *Server) auditAdminPage(w http.ResponseWriter, r *http.Request) {
	f := audit.FilterFromQuery(r.URL.Query(), auditPageSize)
	entries, err := audit.List(r.Context(), s.DB, httpx.User(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auditPageData{Entries: entries, Filter: f,
		Action: []string{audit.ActionPairView, audit.ActionPairChange, audit.ActionExport}}
	if len(entries) == auditPageSize {
		q := r.URL.Query()
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		d.Older = q.Encode()
	}
	s.render(w, r, http.StatusOK, "audit_admin", d)
}

func (s *Server) auditAccessLogPage(w http.ResponseWriter, r *http.Request) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	entries, err := audit.AboutMe(r.Context(), s.DB, httpx.User(r), before, auditPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auditPageData{Entries: entries}
	if len(entries) == auditPageSize {
		d.Older = url.Values{"before": {strconv.FormatInt(entries[len(entries)-1].ID, 10)}}.Encode()
	}
	s.render(w, r, http.StatusOK, "audit_access_log", d)
}
