package web

import (
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/cohort"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
)

// Cohorts and templates (package cohort): copy a program into a new
// cohort, list the templates, start a program from one, and, for
// administrators, save a program as a template or remove a saved one.
func (s *Server) apiCohortTable() []apiRoute {
	return []apiRoute{
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/copy", Handler: s.requireUser(s.apiCopyProgram)},
		{Method: "GET", Pattern: "/api/v1/program-templates", Handler: s.requireUser(s.apiListTemplates)},
		{Method: "POST", Pattern: "/api/v1/program-templates/{templateKey}/programs", Handler: s.requireUser(s.apiProgramFromTemplate)},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/template", Handler: s.requireUser(s.apiSaveTemplate)},
		{Method: "DELETE", Pattern: "/api/v1/program-templates/{templateKey}", Handler: s.requireUser(s.apiDeleteTemplate)},
	}
}

// cohortFieldNames are the API's names for the forms' fields.
var cohortFieldNames = map[string]string{"start": "start_date"}

type apiCopyInput struct {
	Name      string `json:"name"`
	StartDate string `json:"start_date"`
}

func (s *Server) apiCopyProgram(w http.ResponseWriter, r *http.Request) {
	id, err := programPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Authorize before reading the body, so a stranger learns nothing from
	// validation messages.
	if _, err := s.Programs.RequireCoordinator(r.Context(), user(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiCopyInput
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.cohorts().Copy(r.Context(), user(r), id, cohort.CopyInput{Name: in.Name, Start: in.StartDate})
	if err != nil {
		s.fail(w, r, renameFields(err, cohortFieldNames))
		return
	}
	s.apiCreatedProgram(w, r, p)
}

func (s *Server) apiCreatedProgram(w http.ResponseWriter, r *http.Request, p *program.Program) {
	w.Header().Set("Location", apiPrefix+"/programs/"+apiItoa(p.ID))
	writeJSON(w, http.StatusCreated, s.programView(r, p, program.RoleCoordinator))
}

// apiProgramTemplate is a template as the chooser lists it: what a program made
// from it gets, in short.
type apiProgramTemplate struct {
	Key           string     `json:"key"`
	BuiltIn       bool       `json:"built_in"`
	Name          string     `json:"name"`
	Description   string     `json:"description"`
	LengthMonths  int        `json:"length_months,omitempty"`
	LengthDays    int        `json:"length_days,omitempty"`
	MinMeetings   int        `json:"min_meetings,omitempty"`
	MaxGapDays    int        `json:"max_gap_days,omitempty"`
	EvalFollowup  bool       `json:"eval_followup"`
	EvalMidpoint  bool       `json:"eval_midpoint"`
	EvalFinal     bool       `json:"eval_final"`
	PlanLanguages []string   `json:"plan_languages"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
}

func toAPIProgramTemplate(t cohort.Template) apiProgramTemplate {
	b := t.Blueprint
	out := apiProgramTemplate{Key: t.Key, BuiltIn: t.BuiltIn(), Name: t.Name, Description: t.Description,
		LengthMonths: b.Months, LengthDays: b.Days, MinMeetings: b.MinMeetings, MaxGapDays: b.MaxGapDays,
		EvalFollowup: b.EvalFollowup, EvalMidpoint: b.EvalMidpoint, EvalFinal: b.EvalFinal, PlanLanguages: []string{}}
	for _, lang := range []string{"en", "nb", "sv", "id"} {
		if _, ok := b.Plans[lang]; ok {
			out.PlanLanguages = append(out.PlanLanguages, lang)
		}
	}
	if !t.BuiltIn() {
		at := t.CreatedAt.UTC()
		out.CreatedAt = &at
	}
	return out
}

func (s *Server) apiListTemplates(w http.ResponseWriter, r *http.Request) {
	ts, err := s.cohorts().Templates(r.Context(), user(r), s.locale(r).Lang())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiProgramTemplate, 0, len(ts))
	for _, t := range ts {
		out = append(out, toAPIProgramTemplate(t))
	}
	writeJSON(w, http.StatusOK, newAPIList(out))
}

type apiFromTemplateInput struct {
	Name            string `json:"name"`
	StartDate       string `json:"start_date"`
	DefaultLanguage string `json:"default_language"`
}

func (s *Server) apiProgramFromTemplate(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("templateKey")
	if _, err := s.cohorts().TemplateByKey(r.Context(), user(r), key, "en"); err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiFromTemplateInput
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.DefaultLanguage == "" {
		in.DefaultLanguage = s.locale(r).Lang()
	}
	p, err := s.cohorts().FromTemplate(r.Context(), user(r), key, cohort.NewInput{Name: in.Name, Start: in.StartDate, Language: in.DefaultLanguage})
	if err != nil {
		s.fail(w, r, renameFields(err, cohortFieldNames))
		return
	}
	s.apiCreatedProgram(w, r, p)
}

type apiSaveTemplateInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *Server) apiSaveTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := programPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !user(r).IsAdmin() {
		// The program's coordinators learn that only administrators may;
		// anyone else learns nothing about the program.
		if _, err := s.Programs.RequireCoordinator(r.Context(), user(r), id); err != nil {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, errs.E(errs.Forbidden, "cohort.error.admin_only"))
		return
	}
	var in apiSaveTemplateInput
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.cohorts().SaveTemplate(r.Context(), user(r), id, cohort.SaveInput{Name: in.Name, Description: in.Description})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", apiPrefix+"/program-templates/"+t.Key)
	writeJSON(w, http.StatusCreated, toAPIProgramTemplate(*t))
}

func (s *Server) apiDeleteTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("templateKey"), 10, 64)
	if err != nil || id <= 0 {
		// Built-in templates (and anything else that is not a saved one)
		// cannot be removed: for an administrator that is "not found".
		if user(r).IsAdmin() {
			s.fail(w, r, errs.E(errs.NotFound, "cohort.error.template_not_found"))
			return
		}
		id = 0
	}
	if err := s.cohorts().DeleteTemplate(r.Context(), user(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
