package api

import (
	"net/http"
	"time"

	"mentorskap/internal/audit"
	"mentorskap/internal/httpx"
)

func (s *API) apiAuditTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/audit", Handler: s.apiAuditList},
		{Method: "GET", Pattern: "/api/v1/me/access-log", Handler: s.apiAccessLog},
	}
}

// The log is read a page at a time, newest first; the cursor is the id of
// the last entry of the page before.

func (s *API) apiAuditList(w http.ResponseWriter, r *http.Request) {
	limit, before, err := httpx.KeysetParams(r)
	var entries []audit.Entry
	if err == nil {
		limit = min(limit, audit.MaxPage)
		f := audit.FilterFromQuery(r.URL.Query(), limit)
		f.Before = before
		entries, err = audit.List(r.Context(), s.DB, httpx.User(r), f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAuditPage(w, r, entries, limit)
}

func (s *API) apiAccessLog(w http.ResponseWriter, r *http.Request) {
	limit, before, err := httpx.KeysetParams(r)
	var entries []audit.Entry
	if err == nil {
		limit = min(limit, audit.MaxPage)
		entries, err = audit.AboutMe(r.Context(), s.DB, httpx.User(r), before, limit)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAuditPage(w, r, entries, limit)
}

func writeAuditPage(w http.ResponseWriter, r *http.Request, entries []audit.Entry, limit int) {
	page := httpx.Page[apiAuditEntry]{Items: toAPIAudit(entries)}
	if n := len(entries); n > 0 {
		page.Next = httpx.NextPage(r, n, limit, httpx.Itoa(entries[n-1].ID))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
}

// apiAuditEntry is one row of the log in the API.
type apiAuditEntry struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"created_at"`
	ActorID     int64     `json:"actor_user_id,omitempty"`
	ActorName   string    `json:"actor_name"`
	Action      string    `json:"action"`
	ProgramID   int64     `json:"program_id,omitempty"`
	ProgramName string    `json:"program_name,omitempty"`
	PairID      int64     `json:"pair_id,omitempty"`
	SubjectID   int64     `json:"subject_user_id,omitempty"`
	Detail      string    `json:"detail"`
}

func toAPIAudit(es []audit.Entry) []apiAuditEntry {
	out := make([]apiAuditEntry, 0, len(es))
	for _, e := range es {
		out = append(out, apiAuditEntry{ID: e.ID, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action,
			ProgramID: e.ProgramID, ProgramName: e.ProgramName, PairID: e.PairID, SubjectID: e.SubjectUserID, Detail: e.Detail})
	}
	return out
}
