package api

import (
	"net/http"

	"mentorskap/internal/httpx"
	"mentorskap/internal/jobs"
)

func (s *API) apiReminderTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/me/reminders", Handler: s.apiGetReminders},
		{Method: "PUT", Pattern: "/api/v1/me/reminders", Handler: s.apiPutReminders},
	}
}

func (s *API) apiGetReminders(w http.ResponseWriter, r *http.Request) {
	on, err := jobs.Enabled(r.Context(), s.DB, httpx.User(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, on)
}

// apiPutReminders changes the kinds named in the body and leaves the
// others as they are.
func (s *API) apiPutReminders(w http.ResponseWriter, r *http.Request) {
	var in map[string]bool
	err := httpx.ReadJSON(r, &in)
	if err == nil {
		err = jobs.SetEnabled(r.Context(), s.DB, httpx.User(r).ID, in)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiGetReminders(w, r)
}
