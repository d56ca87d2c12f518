package web

import (
	"net/http"

	"mentorskap/internal/program"
)

// homeData is the start page of a logged-in person: what they run, what
// they take part in, and who they are paired with.
type homeData struct {
	Coordinated   []program.Summary
	Participating []program.Summary
	Pairs         []program.Pair // active pairs only
	// Ended pairs stay readable; without a link here their pages could be
	// found only through the email that said they had ended.
	Ended     []program.Pair
	CanCreate bool
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	if u == nil {
		if need, err := s.Accounts.NeedsSetup(r.Context()); err == nil && need {
			http.Redirect(w, r, "/setup", http.StatusSeeOther)
			return
		}
		s.render(w, r, http.StatusOK, "welcome", nil)
		return
	}
	coordinated, participating, err := s.Programs.Mine(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pairs, err := program.PairsForUser(r.Context(), s.DB, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := homeData{Coordinated: coordinated, Participating: participating, CanCreate: u.CanCreatePrograms()}
	for _, p := range pairs {
		if p.Active() {
			d.Pairs = append(d.Pairs, p)
		} else {
			d.Ended = append(d.Ended, p)
		}
	}
	s.render(w, r, http.StatusOK, "home", d)
}
