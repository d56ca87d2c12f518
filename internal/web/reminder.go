package web

import (
	"net/http"

	"mentorskap/internal/httpx"
	"mentorskap/internal/jobs"
)

func (s *Server) reminderRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /profile/reminders", s.requireUser(s.reminderPage))
	mux.HandleFunc("POST /profile/reminders", s.requireUser(s.reminderSave))
}

type reminderChoice struct {
	Kind string
	On   bool
}

type reminderData struct{ Kinds []reminderChoice }

func (s *Server) reminderPage(w http.ResponseWriter, r *http.Request) {
	on, err := jobs.Enabled(r.Context(), s.DB, httpx.User(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var d reminderData
	for _, k := range jobs.Kinds {
		d.Kinds = append(d.Kinds, reminderChoice{Kind: k, On: on[k]})
	}
	s.render(w, r, http.StatusOK, "reminder_settings", d)
}

// reminderSave takes the whole form: an unticked box is not sent by the
// browser, so every kind missing from it is turned off.
func (s *Server) reminderSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err)
		return
	}
	on := make(map[string]bool, len(jobs.Kinds))
	for _, k := range jobs.Kinds {
		on[k] = r.PostForm.Get(k) != ""
	}
	if err := jobs.SetEnabled(r.Context(), s.DB, httpx.User(r).ID, on); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile/reminders", "reminder.saved")
}
