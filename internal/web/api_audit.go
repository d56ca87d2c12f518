package web

import (
	"net/http"
	"strconv"

	"mentorskap/internal/audit"
)

func (s *Server) apiAuditTable() []apiRoute {
	return []apiRoute{
		{Method: "GET", Pattern: "/api/v1/audit", Handler: s.apiAuditList},
		{Method: "GET", Pattern: "/api/v1/me/access-log", Handler: s.apiAccessLog},
	}
}

func (s *Server) apiAuditList(w http.ResponseWriter, r *http.Request) {
	f := auditFilter(r.URL.Query())
	f.Limit = audit.MaxPage
	entries, err := audit.List(r.Context(), s.DB, user(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIList(toAPIAudit(entries)))
}

func (s *Server) apiAccessLog(w http.ResponseWriter, r *http.Request) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	entries, err := audit.AboutMe(r.Context(), s.DB, user(r), before, audit.MaxPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAPIList(toAPIAudit(entries)))
}
