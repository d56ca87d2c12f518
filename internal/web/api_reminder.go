package web

import (
	"net/http"

	"mentorskap/internal/jobs"
)

func (s *Server) apiReminderTable() []apiRoute {
	return []apiRoute{
		{Method: "GET", Pattern: "/api/v1/me/reminders", Handler: s.apiGetReminders},
		{Method: "PUT", Pattern: "/api/v1/me/reminders", Handler: s.apiPutReminders},
	}
}

func (s *Server) apiGetReminders(w http.ResponseWriter, r *http.Request) {
	on, err := jobs.Enabled(r.Context(), s.DB, user(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, on)
}

// apiPutReminders changes the kinds named in the body and leaves the
// others as they are.
func (s *Server) apiPutReminders(w http.ResponseWriter, r *http.Request) {
	var in map[string]bool
	err := readJSON(r, &in)
	if err == nil {
		err = jobs.SetEnabled(r.Context(), s.DB, user(r).ID, in)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiGetReminders(w, r)
}
