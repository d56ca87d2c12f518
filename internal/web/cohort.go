package web

import (
	"net/http"
	"net/url"
	"strconv"

	"mentorskap/internal/cohort"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

// The ways to start a program from another (package cohort): copy one the
// person runs into a new cohort, start from a template (built in or saved
// by an administrator), and, for administrators, save a program as a
// template or remove a saved one. The create-program page lists them all
// above its blank form; the API (api_cohort.go) does the same.
func (s *Server) cohortRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/copy", s.requireUser(s.cohortCopyForm))
	mux.HandleFunc("POST /programs/{id}/copy", s.requireUser(s.cohortCopy))
	mux.HandleFunc("GET /programs/new/template/{key}", s.requireUser(s.cohortTemplateForm))
	mux.HandleFunc("POST /programs/new/template/{key}", s.requireUser(s.cohortFromTemplate))
	mux.HandleFunc("GET /programs/{id}/save-template", s.requireAdmin(s.cohortSaveForm))
	mux.HandleFunc("POST /programs/{id}/save-template", s.requireAdmin(s.cohortSave))
	mux.HandleFunc("POST /program-templates/{template}/delete", s.requireAdmin(s.confirmFirst("template_delete", s.mayDeleteTemplate, s.cohortDeleteTemplate)))
}

func init() {
	p := "confirmfirst.template_delete."
	confirmTexts["template_delete"] = confirmText{p + "title", p + "happens", p + "told", p + "submit"}
}

func (s *Server) cohorts() *cohort.Service { return &cohort.Service{DB: s.DB, Clock: s.Clock} }

// cohortChoices is what the create-program page offers above its blank
// form: the templates and the programs the person may copy.
type cohortChoices struct {
	BuiltIn, Saved []cohort.Template
	Sources        []cohort.Source
}

// choices reads the chooser for the create-program page.
func (s *Server) cohortChoices(r *http.Request) (*cohortChoices, error) {
	u := httpx.User(r)
	ts, err := s.cohorts().Templates(r.Context(), u, s.locale(r).Lang())
	if err != nil {
		return nil, err
	}
	c := &cohortChoices{}
	for _, t := range ts {
		if t.BuiltIn() {
			c.BuiltIn = append(c.BuiltIn, t)
		} else {
			c.Saved = append(c.Saved, t)
		}
	}
	if c.Sources, err = s.cohorts().CopySources(r.Context(), u); err != nil {
		return nil, err
	}
	return c, nil
}

type cohortCopyData struct {
	Program *program.Program
}

func (s *Server) cohortCopyForm(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var p *program.Program
	if err == nil {
		p, err = s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.newPage(w, r, cohortCopyData{Program: p})
	// A guess the coordinator changes: the same time next year.
	pg.Form = url.Values{"name": {""}, "start": {p.Start.AddDate(1, 0, 0).Format(program.DateLayout)}}
	s.renderPage(w, r, http.StatusOK, "cohort_copy", pg)
}

func (s *Server) cohortCopy(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	p, err := s.cohorts().Copy(r.Context(), httpx.User(r), id, cohort.CopyInput{Name: r.PostForm.Get("name"), Start: r.PostForm.Get("start")})
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		src, perr := s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.renderForm(w, r, "cohort_copy", cohortCopyData{Program: src}, err)
		return
	}
	s.redirect(w, r, programPath(p.ID), "cohort.copied")
}

type cohortTemplateData struct {
	Template *cohort.Template
}

// Months is the template's length in whole months, 0 when it is in days.
func (d cohortTemplateData) Months() int { return d.Template.Blueprint.Months }

func (s *Server) cohortTemplateForm(w http.ResponseWriter, r *http.Request) {
	l := s.locale(r)
	t, err := s.cohorts().TemplateByKey(r.Context(), httpx.User(r), r.PathValue("key"), l.Lang())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.newPage(w, r, cohortTemplateData{Template: t})
	pg.Form = url.Values{"name": {""}, "start": {s.Clock.Now().UTC().Format(program.DateLayout)}, "default_language": {l.Lang()}}
	s.renderPage(w, r, http.StatusOK, "cohort_template", pg)
}

func (s *Server) cohortFromTemplate(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	key := r.PathValue("key")
	in := cohort.NewInput{Name: r.PostForm.Get("name"), Start: r.PostForm.Get("start"), Language: r.PostForm.Get("default_language")}
	p, err := s.cohorts().FromTemplate(r.Context(), httpx.User(r), key, in)
	if err != nil {
		t, terr := s.cohorts().TemplateByKey(r.Context(), httpx.User(r), key, s.locale(r).Lang())
		if terr != nil {
			s.fail(w, r, terr)
			return
		}
		s.renderForm(w, r, "cohort_template", cohortTemplateData{Template: t}, err)
		return
	}
	s.redirect(w, r, programPath(p.ID), "cohort.created")
}

func (s *Server) cohortSaveForm(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var p *program.Program
	if err == nil {
		p, err = program.Get(r.Context(), s.DB, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := s.newPage(w, r, cohortCopyData{Program: p})
	pg.Form = url.Values{"name": {p.Name}, "description": {p.Purpose}}
	s.renderPage(w, r, http.StatusOK, "cohort_save_template", pg)
}

func (s *Server) cohortSave(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	_, err = s.cohorts().SaveTemplate(r.Context(), httpx.User(r), id, cohort.SaveInput{Name: r.PostForm.Get("name"), Description: r.PostForm.Get("description")})
	if err != nil {
		p, perr := program.Get(r.Context(), s.DB, id)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.renderForm(w, r, "cohort_save_template", cohortCopyData{Program: p}, err)
		return
	}
	s.redirect(w, r, "/programs/new#h-templates", "cohort.template_saved")
}

// mayDeleteTemplate refuses, before the confirmation page, a template that
// is not there (or built in).
func (s *Server) mayDeleteTemplate(r *http.Request) error {
	key := r.PathValue("template")
	if _, err := strconv.ParseInt(key, 10, 64); err != nil {
		return errs.E(errs.NotFound, "cohort.error.template_not_found")
	}
	_, err := s.cohorts().TemplateByKey(r.Context(), httpx.User(r), key, "en")
	return err
}

func (s *Server) cohortDeleteTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "template")
	if err == nil {
		err = s.cohorts().DeleteTemplate(r.Context(), httpx.User(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/programs/new#h-templates", "cohort.template_deleted")
}
