package web

import (
	"net/http"
	"strconv"

	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

func (s *Server) evaluationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}/chemistry", s.requireUser(s.chemistryPage))
	mux.HandleFunc("POST /pairs/{id}/chemistry", s.requireUser(s.chemistrySave))
	mux.HandleFunc("GET /programs/{id}/chemistry", s.requireUser(s.chemistryOverview))
	mux.HandleFunc("POST /programs/{id}/chemistry/{pair}/rematch", s.requireUser(s.chemistryRematch))
}

// chemistryPageData is a member's chemistry check with the answers the
// form offers.
type chemistryPageData struct {
	*evaluation.Chemistry
	Answers []string
	MaxLen  int
}

func (s *Server) chemistryData(r *http.Request) (chemistryPageData, *http.Request, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return chemistryPageData{}, r, err
	}
	c, err := s.Evals.Chemistry(r.Context(), httpx.User(r), id)
	if err != nil {
		return chemistryPageData{}, r, err
	}
	r = s.withProgramLanguage(r, c.Program.DefaultLanguage)
	return chemistryPageData{Chemistry: c, Answers: evaluation.Answers, MaxLen: evaluation.MaxCommentLen}, r, nil
}

func (s *Server) chemistryPage(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.chemistryData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r, d)
	if d.Mine != nil {
		// The form starts from the person's own answer, so changing it
		// is one click.
		p.Form = map[string][]string{"answer": {d.Mine.Answer}, "comment": {d.Mine.Comment}}
	}
	s.renderPage(w, r, http.StatusOK, "evaluation_chemistry", p)
}

func (s *Server) chemistrySave(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	err = s.Evals.AnswerChemistry(r.Context(), httpx.User(r), id, r.PostForm.Get("answer"), r.PostForm.Get("comment"))
	if err == nil {
		s.redirect(w, r, "/pairs/"+strconv.FormatInt(id, 10)+"/chemistry", "chemistry.saved_flash")
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, err)
		return
	}
	d, r, derr := s.chemistryData(r)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.renderForm(w, r, "evaluation_chemistry", d, err)
}

type chemistryOverviewData struct {
	Program *program.Program
	Pairs   []evaluation.PairChemistry
}

func (s *Server) chemistryOverview(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prog, pairs, err := s.Evals.ChemistryOverview(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.withProgramLanguage(r, prog.DefaultLanguage)
	s.render(w, r, http.StatusOK, "evaluation_chemistry_overview", chemistryOverviewData{Program: prog, Pairs: pairs})
}

func (s *Server) chemistryRematch(w http.ResponseWriter, r *http.Request) {
	id, pairID, err := httpx.PathIDs(r, "id", "pair")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Evals.Rematch(r.Context(), httpx.User(r), id, pairID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, evaluation.AlertsPath(id), "chemistry.rematched_flash")
}
