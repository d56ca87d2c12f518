package web

import (
	"context"
	"net/http"
	"strconv"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
)

func (s *Server) selfMatchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/suggestions", s.requireUser(s.suggestionsPage))
	mux.HandleFunc("POST /programs/{id}/suggestions", s.requireUser(s.suggestionsRequest))
	mux.HandleFunc("GET /programs/{id}/requests", s.requireUser(s.requestsPage))
	mux.HandleFunc("POST /programs/{id}/requests/{request}/accept", s.requireUser(s.requestAnswer(matchAccept)))
	mux.HandleFunc("POST /programs/{id}/requests/{request}/decline", s.requireUser(s.requestAnswer(matchDecline)))
	mux.HandleFunc("POST /programs/{id}/requests/{request}/withdraw", s.requireUser(s.requestAnswer(matchWithdraw)))
}

func (s *Server) suggestionsPage(w http.ResponseWriter, r *http.Request) {
	v, r, err := s.selfMatchView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "selfmatch_suggestions", v)
}

// selfMatchView loads the mentee's view and switches to the program's
// language where the visitor has not chosen one.
func (s *Server) selfMatchView(r *http.Request) (*matching.SelfMatch, *http.Request, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, r, err
	}
	v, err := s.Matching.SelfMatchFor(r.Context(), httpx.User(r), id)
	if err != nil {
		return nil, r, err
	}
	return v, s.withProgramLanguage(r, v.Program.DefaultLanguage), nil
}

func (s *Server) suggestionsRequest(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	mentor, _ := strconv.ParseInt(r.PostForm.Get("mentor"), 10, 64)
	_, err = s.Matching.RequestMentor(r.Context(), httpx.User(r), id, mentor, r.PostForm.Get("note"))
	if err == nil {
		s.redirect(w, r, matching.SuggestionsPath(id), "selfmatch.requested_flash")
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, err)
		return
	}
	v, r, verr := s.selfMatchView(r)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.renderForm(w, r, "selfmatch_suggestions", v, err)
}

func (s *Server) requestsPage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.Matching.MentorInbox(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.withProgramLanguage(r, b.Program.DefaultLanguage)
	s.render(w, r, http.StatusOK, "selfmatch_requests", b)
}

// What a person does with a request: the mentor accepts or declines it,
// the mentee who sent it withdraws it.
type matchAnswer int

const (
	matchAccept matchAnswer = iota
	matchDecline
	matchWithdraw
)

// do runs the answer through the domain, which decides who may.
func (a matchAnswer) do(ctx context.Context, m *matching.Service, u *account.User, programID, requestID int64) (*matching.Request, error) {
	switch a {
	case matchAccept:
		return m.AcceptRequest(ctx, u, programID, requestID)
	case matchDecline:
		return m.DeclineRequest(ctx, u, programID, requestID)
	}
	return m.WithdrawRequest(ctx, u, programID, requestID)
}

func (s *Server) requestAnswer(a matchAnswer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, rid, err := httpx.PathIDs(r, "id", "request")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if _, err := a.do(r.Context(), s.Matching, httpx.User(r), id, rid); err != nil {
			s.fail(w, r, err)
			return
		}
		switch a {
		case matchAccept:
			s.redirect(w, r, matching.RequestsPath(id), "selfmatch.accepted_flash")
		case matchDecline:
			s.redirect(w, r, matching.RequestsPath(id), "selfmatch.declined_flash")
		default:
			s.redirect(w, r, matching.SuggestionsPath(id), "selfmatch.withdrawn_flash")
		}
	}
}

// programExtras is what self-match and the chemistry check add to the
// program overview: links for the people they concern, with counts of
// what waits for them.
type programExtras struct {
	ChooseMentor    bool                      // the viewer is an approved mentee without a pair
	MentorRequests  bool                      // the viewer is an approved mentor who can be asked
	OpenRequests    int                       // requests waiting for the viewer's answer
	ChemistryAlerts int                       // pairs with a chemistry concern, for coordinators
	ChemistryDue    map[int64]*evaluation.Due // the viewer's unanswered chemistry check per pair
}

// overviewExtras fills programExtras for the viewer of the overview.
func (s *Server) overviewExtras(r *http.Request, d *overviewData) (programExtras, error) {
	ctx := r.Context()
	id := d.Program.ID
	var x programExtras
	set, err := matching.LoadSettings(ctx, s.DB, id)
	if err != nil {
		return x, err
	}
	if d.Coordinator {
		x.ChemistryAlerts, err = evaluation.AlertCount(ctx, s.DB, id)
		return x, err
	}
	now := s.Clock.Now()
	if me := d.Me; me != nil && me.Status == program.StatusApproved {
		switch me.Role {
		case program.SideMentee:
			x.ChooseMentor = set.SelfMatch && !hasActivePair(d.MyPairs)
		case program.SideMentor:
			if x.OpenRequests, err = matching.OpenRequestsFor(ctx, s.DB, id, me.UserID, now); err != nil {
				return x, err
			}
			// Requests sent before the coordinator turned self-match off
			// can still be answered.
			x.MentorRequests = set.SelfMatch || x.OpenRequests > 0
		}
	}
	for _, p := range d.MyPairs {
		if !p.Active() {
			continue
		}
		due, err := evaluation.DueFor(ctx, s.DB, p.ID, httpx.User(r).ID, now)
		if err != nil {
			return x, err
		}
		for _, dd := range due.Waiting {
			if dd.Kind == evaluation.KindChemistry {
				if x.ChemistryDue == nil {
					x.ChemistryDue = map[int64]*evaluation.Due{}
				}
				x.ChemistryDue[p.ID] = &dd
			}
		}
	}
	return x, nil
}

func hasActivePair(ps []program.Pair) bool {
	for _, p := range ps {
		if p.Active() {
			return true
		}
	}
	return false
}
