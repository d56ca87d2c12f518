package web

import "net/http"

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if user(r) == nil {
		if need, err := s.Accounts.NeedsSetup(r.Context()); err == nil && need {
			http.Redirect(w, r, "/setup", http.StatusSeeOther)
			return
		}
		s.render(w, r, http.StatusOK, "welcome", nil)
		return
	}
	s.render(w, r, http.StatusOK, "home", nil)
}
