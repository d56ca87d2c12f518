package web

import (
	"net/http"
	"time"

	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
)

// startActions is how many of the viewer's open action items the start page
// lists; each pair's page lists the rest.
const startActions = 10

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
	// Actions are the viewer's own open action items in their active
	// pairs, the first startActions of ActionsAll; Today marks the overdue.
	Actions    []meeting.ActionItem
	ActionsAll int
	Today      string
}

// Pair is the viewer's active pair with the id, for naming it beside an
// action item.
func (d homeData) Pair(id int64) program.Pair {
	for _, p := range d.Pairs {
		if p.ID == id {
			return p
		}
	}
	return program.Pair{}
}

// MoreActions counts the viewer's open items not listed.
func (d homeData) MoreActions() int { return d.ActionsAll - len(d.Actions) }

// Date reads a due date for display in the reader's locale.
func (d homeData) Date(s string) time.Time {
	t, _ := program.ParseDate(s)
	return t
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
	ids := make([]int64, 0, len(d.Pairs))
	for _, p := range d.Pairs {
		ids = append(ids, p.ID)
	}
	if d.Actions, d.ActionsAll, err = meeting.OwnedOpenActionItems(r.Context(), s.DB, u.ID, ids, startActions); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Today = s.today(r)
	s.render(w, r, http.StatusOK, "home", d)
}
