package web

import (
	"net/http"
	"strconv"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
)

// The coordinator's whole-cohort matching: run a proposal, review it,
// edit it and publish it. Every action is a small form that posts and
// redirects back to the review; a refused one shows the review again
// with the reason.
func (s *Server) matchingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/matching", s.requireUser(s.matchingReview))
	mux.HandleFunc("POST /programs/{id}/matching/run", s.requireUser(s.matchingAction("matching.run_flash", s.matchingRun)))
	mux.HandleFunc("POST /programs/{id}/matching/rows/{mentee}/lock", s.requireUser(s.matchingAction("matching.locked_flash", s.matchingLock(true))))
	mux.HandleFunc("POST /programs/{id}/matching/rows/{mentee}/unlock", s.requireUser(s.matchingAction("matching.unlocked_flash", s.matchingLock(false))))
	mux.HandleFunc("POST /programs/{id}/matching/rows/{mentee}/remove", s.requireUser(s.matchingAction("matching.removed_flash", s.matchingRemove)))
	mux.HandleFunc("POST /programs/{id}/matching/swap", s.requireUser(s.matchingAction("matching.swapped_flash", s.matchingSwap)))
	mux.HandleFunc("POST /programs/{id}/matching/manual", s.requireUser(s.matchingAction("matching.manual_flash", s.matchingManual)))
	mux.HandleFunc("POST /programs/{id}/matching/publish", s.requireUser(s.matchingPublish))
	mux.HandleFunc("POST /programs/{id}/participants/{user}/return", s.requireUser(s.returnToPool))
}

// returnToPool puts a mentee whose pair closed back among those waiting
// for a mentor, from the matching review or the pair list ("from"), and
// goes back there; a refusal shows that page with the reason.
func (s *Server) returnToPool(w http.ResponseWriter, r *http.Request) {
	id, mentee, err := httpx.PathIDs(r, "id", "user")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	fromPairs := r.PostForm.Get("from") == "pairs"
	err = s.Programs.ReturnToPool(r.Context(), httpx.User(r), id, mentee)
	switch {
	case err == nil && fromPairs:
		s.redirect(w, r, programPath(id)+"/pairs", "matching.returned_flash")
	case err == nil:
		s.redirect(w, r, matchingPath(id), "matching.returned_flash")
	case fromPairs && (errs.KindOf(err) == errs.Invalid || errs.KindOf(err) == errs.Conflict):
		d, derr := s.pairData(r, id)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.renderForm(w, r, "program_pairs", d, err)
	default:
		s.matchingRefused(w, r, id, err)
	}
}

func matchingPath(id int64) string { return programPath(id) + "/matching" }

func (s *Server) matchingReview(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rv, err := s.Matching.Review(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.matchingPage(r, rv)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "matching_review", d)
}

// matchingPageData is the review with, when there is nobody to match and
// no draft, the launch step that would give the page something to do.
type matchingPageData struct {
	*matching.Review
	Launch *launchView
	// People holds the profile card of everyone in the draft, by user id,
	// so each proposed pair shows both people side by side.
	People map[int64]matchCard
}

// matchCard is one person's profile card in the review. It carries the
// locale because a template partial sees only the value it is given.
type matchCard struct {
	L *i18n.Locale
	*program.Participant
}

func (s *Server) matchingPage(r *http.Request, rv *matching.Review) (matchingPageData, error) {
	d := matchingPageData{Review: rv, People: map[int64]matchCard{}}
	if len(rv.Pairs) > 0 {
		list, err := program.ListParticipants(r.Context(), s.DB, rv.Program.ID, program.ParticipantFilter{Status: program.StatusApproved})
		if err != nil {
			return d, err
		}
		l := s.locale(r)
		for i := range list {
			d.People[list[i].UserID] = matchCard{L: l, Participant: &list[i]}
		}
	}
	if rv.Draft == nil && rv.Mentees == 0 {
		var err error
		d.Launch, err = s.launch(r, rv.Program)
		return d, err
	}
	return d, nil
}

// matchingAction wraps an edit of the draft: on success back to the
// review with a flash, on a refusal the review again with the reason.
func (s *Server) matchingAction(flash string, do func(r *http.Request, programID int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r.ParseForm()
		if err := do(r, id); err != nil {
			s.matchingRefused(w, r, id, err)
			return
		}
		to := matchingPath(id)
		if m := r.PathValue("mentee"); m != "" {
			to += "#m-" + m // back to the row acted on; do has checked it is a number
		}
		s.redirect(w, r, to, flash)
	}
}

// matchingRefused shows the review with what was wrong. Only a refusal
// the coordinator can act on (invalid input, a stale draft) comes back to
// the form; anything else, including a stranger's request, is an error
// page from fail.
func (s *Server) matchingRefused(w http.ResponseWriter, r *http.Request, id int64, err error) {
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, err)
		return
	}
	rv, rerr := s.Matching.Review(r.Context(), httpx.User(r), id)
	if rerr != nil {
		s.fail(w, r, rerr)
		return
	}
	d, derr := s.matchingPage(r, rv)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.renderForm(w, r, "matching_review", d, err)
}

// matchingFormID reads one numeric form value; anything else reads as 0, "nobody
// chosen", which the domain refuses with a message for the field.
func matchingFormID(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.PostForm.Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func (s *Server) matchingRun(r *http.Request, id int64) error {
	_, err := s.Matching.Run(r.Context(), httpx.User(r), id)
	return err
}

func (s *Server) matchingLock(locked bool) func(r *http.Request, id int64) error {
	return func(r *http.Request, id int64) error {
		mentee, err := httpx.PathID(r, "mentee")
		if err != nil {
			return err
		}
		return s.Matching.SetLocked(r.Context(), httpx.User(r), id, mentee, locked)
	}
}

func (s *Server) matchingRemove(r *http.Request, id int64) error {
	mentee, err := httpx.PathID(r, "mentee")
	if err != nil {
		return err
	}
	return s.Matching.Remove(r.Context(), httpx.User(r), id, mentee)
}

func (s *Server) matchingSwap(r *http.Request, id int64) error {
	err := s.Matching.Swap(r.Context(), httpx.User(r), id, matchingFormID(r, "swap_mentee"), matchingFormID(r, "swap_other"))
	// The swap form has field names of its own, so that its problems do
	// not show on the manual pairing form beside it.
	return httpx.RenameFields(err, map[string]string{"mentee": "swap_mentee", "other_mentee": "swap_other"})
}

func (s *Server) matchingManual(r *http.Request, id int64) error {
	return s.Matching.AddManual(r.Context(), httpx.User(r), id, matchingFormID(r, "mentee"), matchingFormID(r, "mentor"))
}

func (s *Server) matchingPublish(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if version <= 0 {
		// The form always sends the version it showed; without it the
		// coordinator could publish changes they have not seen.
		s.matchingRefused(w, r, id, errs.E(errs.Conflict, "matching.error.changed"))
		return
	}
	if _, err := s.Matching.Publish(r.Context(), httpx.User(r), id, version); err != nil {
		s.matchingRefused(w, r, id, err)
		return
	}
	s.redirect(w, r, programPath(id)+"/pairs", "matching.published_flash")
}
