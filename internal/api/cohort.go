package api

import (
	"mentorskap/internal/httpx"
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
func (s *API) apiCohortTable() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/copy", Handler: s.requireUser(s.apiCopyProgram)},
		{Method: "GET", Pattern: "/api/v1/program-templates", Handler: s.requireUser(s.apiListTemplates)},
		{Method: "POST", Pattern: "/api/v1/program-templates/{templateKey}/programs", Handler: s.requireUser(s.apiProgramFromTemplate)},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/template", Handler: s.requireUser(s.apiSaveTemplate)},
		{Method: "DELETE", Pattern: "/api/v1/program-templates/{templateKey}", Handler: s.requireUser(s.apiDeleteTemplate)},
	}
}

// cohortFieldNames are the API's names for the forms' fields.
var cohortFieldNames = map[string]string{"start": "starts_on"}

type apiCopyInput struct {
	Name     string `json:"name"`
	StartsOn string `json:"starts_on"`
}

func (s *API) apiCopyProgram(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Authorize before reading the body, so a stranger learns nothing from
	// validation messages.
	if _, err := s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiCopyInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.cohorts().Copy(r.Context(), httpx.User(r), id, cohort.CopyInput{Name: in.Name, Start: in.StartsOn})
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, cohortFieldNames))
		return
	}
	s.apiCreatedProgram(w, r, p)
}

func (s *API) apiCreatedProgram(w http.ResponseWriter, r *http.Request, p *program.Program) {
	w.Header().Set("Location", httpx.Prefix+"/programs/"+httpx.Itoa(p.ID))
	httpx.WriteJSON(w, http.StatusCreated, s.programView(r, p, program.RoleCoordinator))
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

func (s *API) apiListTemplates(w http.ResponseWriter, r *http.Request) {
	ts, err := s.cohorts().Templates(r.Context(), httpx.User(r), s.locale(r).Lang())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiProgramTemplate, 0, len(ts))
	for _, t := range ts {
		out = append(out, toAPIProgramTemplate(t))
	}
	httpx.WritePage(w, r, s.fail, out)
}

type apiFromTemplateInput struct {
	Name            string `json:"name"`
	StartsOn        string `json:"starts_on"`
	DefaultLanguage string `json:"default_language"`
}

func (s *API) apiProgramFromTemplate(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("templateKey")
	if _, err := s.cohorts().TemplateByKey(r.Context(), httpx.User(r), key, "en"); err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiFromTemplateInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.DefaultLanguage == "" {
		in.DefaultLanguage = s.locale(r).Lang()
	}
	p, err := s.cohorts().FromTemplate(r.Context(), httpx.User(r), key, cohort.NewInput{Name: in.Name, Start: in.StartsOn, Language: in.DefaultLanguage})
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, cohortFieldNames))
		return
	}
	s.apiCreatedProgram(w, r, p)
}

type apiSaveTemplateInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *API) apiSaveTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !httpx.User(r).IsAdmin() {
		// The program's coordinators learn that only administrators may;
		// anyone else learns nothing about the program.
		if _, err := s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id); err != nil {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, errs.E(errs.Forbidden, "cohort.error.admin_only"))
		return
	}
	var in apiSaveTemplateInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.cohorts().SaveTemplate(r.Context(), httpx.User(r), id, cohort.SaveInput{Name: in.Name, Description: in.Description})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", httpx.Prefix+"/program-templates/"+t.Key)
	httpx.WriteJSON(w, http.StatusCreated, toAPIProgramTemplate(*t))
}

func (s *API) apiDeleteTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("templateKey"), 10, 64)
	if err != nil || id <= 0 {
		// Built-in templates (and anything else that is not a saved one)
		// cannot be removed: for an administrator that is "not found".
		if httpx.User(r).IsAdmin() {
			s.fail(w, r, errs.E(errs.NotFound, "cohort.error.template_not_found"))
			return
		}
		id = 0
	}
	if err := s.cohorts().DeleteTemplate(r.Context(), httpx.User(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// cohorts is the program templates' and copies' service, built from what
// API holds, as the pages build theirs.
func (s *API) cohorts() *cohort.Service { return &cohort.Service{DB: s.DB, Clock: s.Clock} }
