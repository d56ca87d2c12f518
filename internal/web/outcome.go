package web

import (
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/httpx"
	"mentorskap/internal/outcome"
	"mentorskap/internal/program"
)

// The outcome follow-up: a participant answers their questionnaire on
// /outcomes/{id}; a coordinator turns the follow-up on and reads its
// counts on /programs/{id}/outcomes.
func (s *Server) outcomeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /outcomes/{id}", s.requireUser(s.outcomePage))
	mux.HandleFunc("POST /outcomes/{id}", s.requireUser(s.outcomeSave))
	mux.HandleFunc("GET /programs/{id}/outcomes", s.requireUser(s.outcomeResults))
	mux.HandleFunc("POST /programs/{id}/outcomes/settings", s.requireUser(s.outcomeSettings))
}

// outcomes is the follow-up's service over the server's database, clock
// and outbox.
func (s *Server) outcomes() *outcome.Service {
	return &outcome.Service{DB: s.DB, Clock: s.Clock, Outbox: s.Outbox}
}

// outcomeFormData is a person's questionnaire with what the form offers.
type outcomeFormData struct {
	Survey   *outcome.Survey
	Program  *program.Program
	Open     bool
	Statuses []string
	Scale    []int
	MaxLen   int
}

func (s *Server) outcomeFormFor(r *http.Request) (outcomeFormData, *http.Request, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return outcomeFormData{}, r, err
	}
	v, prog, err := s.outcomes().Get(r.Context(), httpx.User(r), id)
	if err != nil {
		return outcomeFormData{}, r, err
	}
	r = s.withProgramLanguage(r, prog.DefaultLanguage)
	return outcomeFormData{Survey: v, Program: prog, Open: v.Open(s.Clock.Now()),
		Statuses: outcome.Statuses, Scale: outcome.Scale, MaxLen: outcome.MaxCommentLen}, r, nil
}

func (s *Server) outcomePage(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.outcomeFormFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "outcome_form", d)
}

func (s *Server) outcomeSave(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.outcomeFormFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	a := outcome.Answer{Status: r.PostForm.Get("status"), Helped: outcome.ParseHelped(r.PostForm.Get("helped")),
		Comment: r.PostForm.Get("comment")}
	err = s.outcomes().Submit(r.Context(), httpx.User(r), d.Survey.ID, a)
	if err == nil {
		s.redirect(w, r, d.Survey.Path(), "outcome.saved_flash")
		return
	}
	// A second answer or a late one is told on the page, with the
	// answer given (or the closing day) instead of the form.
	if d2, r2, derr := s.outcomeFormFor(r); derr == nil {
		d, r = d2, r2
	}
	s.renderForm(w, r, "outcome_form", d, err)
}

// outcomeResultsData is the coordinator's page: the settings and the
// counts, never a name.
type outcomeResultsData struct {
	*outcome.Results
	Statuses []string
	Scale    []int
}

func (s *Server) outcomeResults(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.outcomes().Results(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.withProgramLanguage(r, res.Program.DefaultLanguage)
	p := s.newPage(w, r, outcomeResultsData{Results: res, Statuses: outcome.Statuses, Scale: outcome.Scale})
	p.Form = map[string][]string{}
	if res.Settings.Enabled {
		p.Form.Set("enabled", "1")
	}
	if res.Settings.IncludeMentors {
		p.Form.Set("include_mentors", "1")
	}
	s.renderPage(w, r, http.StatusOK, "outcome_results", p)
}

func (s *Server) outcomeSettings(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	in := outcome.Settings{Enabled: r.PostForm.Get("enabled") != "", IncludeMentors: r.PostForm.Get("include_mentors") != ""}
	if err := s.outcomes().SetSettings(r.Context(), httpx.User(r), id, in); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, outcomesPath(id), "outcome.settings.saved_flash")
}

func outcomesPath(programID int64) string {
	return "/programs/" + strconv.FormatInt(programID, 10) + "/outcomes"
}

// homeOutcomes lists the questionnaires waiting on the person, for the
// start page. Only someone with an ended pair can have one, so the others
// pay no query for it.
func (s *Server) homeOutcomes(r *http.Request, userID int64, ended int, now time.Time) []outcome.Survey {
	if ended == 0 {
		return nil
	}
	list, err := outcome.OpenFor(r.Context(), s.DB, userID, now)
	if err != nil {
		s.Log.Error("open outcome questionnaires", "err", err, "request_id", httpx.RequestID(r))
		return nil
	}
	return list
}
