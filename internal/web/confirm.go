package web

import (
	"net/http"
	"strconv"

	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// A coordinator's destructive actions (ending a pair, declining an
// application, revoking an invitation, rematching, removing a coordinator)
// are never one click: the lists link to a confirmation page, served by
// GET, that says what will happen and who is told, and only its form posts
// the action. It is a plain page so it works without JavaScript; the POST
// endpoints stay as they were, so the JSON API and scripts are unchanged.
func (s *Server) confirmRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/pairs/{pair}/end", s.requireUser(s.confirmPairEnd))
	mux.HandleFunc("GET /programs/{id}/participants/{user}/decline", s.requireUser(s.confirmDecline))
	mux.HandleFunc("GET /programs/{id}/invitations/{inv}/revoke", s.requireUser(s.confirmRevoke))
	mux.HandleFunc("GET /programs/{id}/chemistry/{pair}/rematch", s.requireUser(s.confirmRematch))
	mux.HandleFunc("GET /programs/{id}/coordinators/{user}/remove", s.requireUser(s.confirmRemoveCoordinator))
	mux.HandleFunc("POST /programs/{id}/coordinators/{user}/remove", s.requireUser(s.removeCoordinator))
	mux.HandleFunc("GET /programs/{id}/evaluations/questions/{qid}/remove", s.requireUser(s.confirmRemoveQuestion))
}

// confirmData is what the confirmation page shows; every text is already
// translated for the viewer.
type confirmData struct {
	Program *program.Program
	Title   string
	Subject string   // who or what the action is about, shown under the title
	Happens []string // what will happen, in order
	Told    []string // who is told, and how
	Action  string   // where the form posts
	Submit  string   // the button's label
	Back    string   // where "keep it" leads
	// Hidden are form values the action needs besides the path.
	Hidden map[string]string
	// ReturnMentees offers putting the pair's mentees back in the pool,
	// labelled for that many mentees (ending a pair only).
	ReturnMentees int
}

func (s *Server) showConfirm(w http.ResponseWriter, r *http.Request, d confirmData) {
	s.render(w, r, http.StatusOK, "confirm", d)
}

// programPair loads a pair of the program the coordinator runs.
func (s *Server) programPair(r *http.Request) (*program.Program, *program.Pair, error) {
	id, pid, err := httpx.PathIDs(r, "id", "pair")
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id)
	if err != nil {
		return nil, nil, err
	}
	pair, err := program.GetPair(r.Context(), s.DB, pid)
	if err != nil {
		return nil, nil, err
	}
	if pair.ProgramID != id {
		return nil, nil, errs.E(errs.NotFound, "pair.error.not_found")
	}
	return p, withFormerNames(s.locale(r), pair), nil
}

func (s *Server) confirmPairEnd(w http.ResponseWriter, r *http.Request) {
	s.confirmPairAction(w, r, program.ActEnd, "confirm.error.pair_ended", func(l *i18n.Locale, p *program.Program, pair *program.Pair, names string) confirmData {
		return confirmData{
			Title:         l.T("confirm.end.title"),
			Happens:       []string{l.T("confirm.end.happens_closed"), l.T("confirm.end.happens_meetings"), l.T("confirm.end.happens_record")},
			Told:          []string{l.T("confirm.end.told", "names", names)},
			Action:        programPath(p.ID) + "/pairs/" + strconv.FormatInt(pair.ID, 10) + "/end",
			Submit:        l.T("pair.end"),
			Back:          programPath(p.ID) + "/pairs",
			ReturnMentees: len(pair.Mentees),
		}
	})
}

func (s *Server) confirmRematch(w http.ResponseWriter, r *http.Request) {
	s.confirmPairAction(w, r, program.ActRematch, "chemistry.error.ended", func(l *i18n.Locale, p *program.Program, pair *program.Pair, names string) confirmData {
		return confirmData{
			Title:   l.T("confirm.rematch.title"),
			Happens: []string{l.T("confirm.end.happens_closed"), l.T("confirm.rematch.happens_pool"), l.T("confirm.rematch.happens_exclude")},
			Told:    []string{l.T("confirm.rematch.told", "names", names)},
			Action:  programPath(p.ID) + "/chemistry/" + strconv.FormatInt(pair.ID, 10) + "/rematch",
			Submit:  l.T("chemistry.rematch"),
			Back:    evaluation.AlertsPath(p.ID),
		}
	})
}

// confirmPairAction shows the confirmation of act on a pair of the
// coordinator's program, once the pair's stage allows it; page gives what
// differs between ending and rematching, and names everyone in the pair.
func (s *Server) confirmPairAction(w http.ResponseWriter, r *http.Request, act program.Action, refusedKey string,
	page func(l *i18n.Locale, p *program.Program, pair *program.Pair, names string) confirmData) {
	p, pair, err := s.programPair(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !pair.Allows(s.Clock.Now(), act) {
		s.fail(w, r, errs.E(errs.Conflict, refusedKey))
		return
	}
	l := s.locale(r)
	names := program.Names(append(append([]program.PairMember{}, pair.Mentors...), pair.Mentees...))
	d := page(l, p, pair, names)
	d.Program = p
	d.Subject = l.T("confirm.pair_subject", "mentors", program.Names(pair.Mentors), "mentees", program.Names(pair.Mentees))
	s.showConfirm(w, r, d)
}

func (s *Server) confirmDecline(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	uid, err := httpx.PathID(r, "user")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	part, err := program.GetParticipant(r.Context(), s.DB, p.ID, uid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Only an application still waiting is declined from the list; an
	// approved person leaves through their pair's ending instead.
	if part.Status != program.StatusPending {
		s.fail(w, r, errs.E(errs.Conflict, "confirm.error.not_pending"))
		return
	}
	l := s.locale(r)
	s.showConfirm(w, r, confirmData{
		Program: p,
		Title:   l.T("confirm.decline.title"),
		Subject: part.Name + " · " + l.T("program.role."+part.Role),
		Happens: []string{l.T("confirm.decline.happens"), l.T("confirm.decline.happens_undo")},
		Told:    []string{l.T("confirm.decline.told", "name", part.Name)},
		Action:  programPath(p.ID) + "/participants/" + strconv.FormatInt(uid, 10) + "/decline",
		Submit:  l.T("participants.decline"),
		Back:    programPath(p.ID) + "/participants",
	})
}

func (s *Server) confirmRevoke(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	inv, err := httpx.PathID(r, "inv")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.Programs.Invitations(r.Context(), httpx.User(r), p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var found *program.Invitation
	for i := range list {
		if list[i].ID == inv {
			found = &list[i]
		}
	}
	if found == nil {
		s.fail(w, r, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	if found.Status(s.Clock.Now()) != program.InviteOpen {
		s.fail(w, r, errs.E(errs.Conflict, "confirm.error.invitation_closed"))
		return
	}
	l := s.locale(r)
	who := found.Email
	if found.Name != "" {
		who = found.Name + " · " + found.Email
	}
	s.showConfirm(w, r, confirmData{
		Program: p,
		Title:   l.T("confirm.revoke.title"),
		Subject: who,
		Happens: []string{l.T("confirm.revoke.happens"), l.T("confirm.revoke.happens_again")},
		Told:    []string{l.T("confirm.revoke.told")},
		Action:  programPath(p.ID) + "/invitations/" + strconv.FormatInt(inv, 10) + "/revoke",
		Submit:  l.T("enrol.invitations.revoke"),
		Back:    programPath(p.ID) + "/invitations",
	})
}

func (s *Server) confirmRemoveCoordinator(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	uid, err := httpx.PathID(r, "user")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := program.Coordinators(r.Context(), s.DB, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var found *program.Coordinator
	for i := range list {
		if list[i].UserID == uid {
			found = &list[i]
		}
	}
	if found == nil {
		s.fail(w, r, errs.E(errs.NotFound, "confirm.error.not_coordinator"))
		return
	}
	if len(list) == 1 {
		s.fail(w, r, errs.E(errs.Conflict, "confirm.error.last_coordinator"))
		return
	}
	l := s.locale(r)
	happens := []string{l.T("confirm.coordinator.happens", "name", found.Name), l.T("confirm.coordinator.happens_pairs")}
	if uid == httpx.User(r).ID {
		happens = append(happens, l.T("confirm.coordinator.happens_self"))
	}
	s.showConfirm(w, r, confirmData{
		Program: p,
		Title:   l.T("confirm.coordinator.title"),
		Subject: found.Name + " · " + found.Email,
		Happens: happens,
		Told:    []string{l.T("confirm.coordinator.told")},
		Action:  programPath(p.ID) + "/coordinators/" + strconv.FormatInt(uid, 10) + "/remove",
		Submit:  l.T("confirm.coordinator.submit"),
		Back:    programPath(p.ID),
	})
}

func (s *Server) removeCoordinator(w http.ResponseWriter, r *http.Request) {
	id, uid, err := httpx.PathIDs(r, "id", "user")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Programs.RemoveCoordinator(r.Context(), httpx.User(r), id, uid); err != nil {
		s.fail(w, r, err)
		return
	}
	// Someone who removed themselves can no longer open the program.
	to := programPath(id)
	if uid == httpx.User(r).ID && !httpx.User(r).IsAdmin() {
		to = "/programs"
	}
	s.redirect(w, r, to, "confirm.coordinator.removed_flash")
}

func (s *Server) confirmRemoveQuestion(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	qid, err := httpx.PathID(r, "qid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kind, lang := editorTarget(r)
	if lang == "" {
		lang = s.locale(r).Lang()
	}
	list, err := evaluation.ListQuestions(r.Context(), s.DB, p.ID, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var found *evaluation.Question
	for i := range list {
		if list[i].ID == qid {
			found = &list[i]
		}
	}
	if found == nil {
		s.fail(w, r, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	l := s.locale(r)
	s.showConfirm(w, r, confirmData{
		Program: p,
		Title:   l.T("confirm.question.title"),
		Subject: l.T("checkpoint.title."+kind) + " · " + found.In(lang).Prompt,
		Happens: []string{l.T("confirm.question.happens"), l.T("confirm.question.happens_answers")},
		Told:    []string{l.T("confirm.question.told")},
		Action:  programPath(p.ID) + "/evaluations/questions/" + strconv.FormatInt(qid, 10) + "/remove",
		Hidden:  map[string]string{"kind": kind, "lang": lang},
		Submit:  l.T("checkpoint.remove"),
		Back:    questionsBack(p.ID, kind, lang),
	})
}
