package api

import (
	"net/http"
	"strconv"
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

func (s *API) apiAuditList(w http.ResponseWriter, r *http.Request) {
	f := audit.FilterFromQuery(r.URL.Query(), audit.MaxPage)
	entries, err := audit.List(r.Context(), s.DB, httpx.User(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.NewList(toAPIAudit(entries)))
}

func (s *API) apiAccessLog(w http.ResponseWriter, r *http.Request) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	entries, err := audit.AboutMe(r.Context(), s.DB, httpx.User(r), before, audit.MaxPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.NewList(toAPIAudit(entries)))
}

// apiAuditEntry is one row of the log in the API.
type apiAuditEntry struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	ActorID     int64     `json:"actor_id,omitempty"`
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
