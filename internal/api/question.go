package api

import (
	"bytes"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/httpx"
	"net/http"
	"strconv"
	"strings"

	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
)

// The program's own questions in the API (internal/question): the
// coordinators' editing, a participant's own answers, and every answer of
// a participant for the coordinators.
func (s *API) apiQuestionTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/questions", Handler: s.apiListProgramQuestions},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/questions", Handler: s.apiAddProgramQuestion},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/questions/{questionID}", Handler: s.apiEditProgramQuestion},
		{Method: "DELETE", Pattern: "/api/v1/programs/{programID}/questions/{questionID}", Handler: s.apiRemoveProgramQuestion},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/questions/{questionID}/move", Handler: s.apiMoveProgramQuestion},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/questions/{questionID}/restore", Handler: s.apiRestoreProgramQuestion},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/questions/{questionID}/matching", Handler: s.apiProgramQuestionMatching},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/answers", Handler: s.apiMyAnswers},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/answers", Handler: s.apiPutMyAnswers},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/participants/{userID}/answers", Handler: s.apiParticipantAnswers},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/export/participants.csv", Handler: s.apiExportParticipants},
	}
}

type apiQuestionOption struct {
	ID    int64             `json:"id"`
	Label map[string]string `json:"label"`
}

type apiQuestionPoints struct {
	MenteeOption int64 `json:"mentee_option"`
	MentorOption int64 `json:"mentor_option"`
	Points       int   `json:"points"`
}

type apiProgramQuestion struct {
	ID          int64               `json:"id"`
	Kind        string              `json:"kind"`
	Label       map[string]string   `json:"label"`
	Help        map[string]string   `json:"help"`
	Required    bool                `json:"required"`
	Audience    string              `json:"audience"`
	Visibility  string              `json:"visibility"`
	Reporting   bool                `json:"reporting"`
	Position    int                 `json:"position"`
	Options     []apiQuestionOption `json:"options"`
	MatchMode   string              `json:"match_mode"`
	MatchWeight int                 `json:"match_weight"`
	Points      []apiQuestionPoints `json:"points"`
	Removed     bool                `json:"removed"`
	Answers     int                 `json:"answers"`
}

func toAPIProgramQuestion(q question.Question) apiProgramQuestion {
	out := apiProgramQuestion{ID: q.ID, Kind: q.Kind, Label: q.Label, Help: q.Help, Required: q.Required, Audience: q.Audience,
		Visibility: q.Visibility, Reporting: q.Reporting, Position: q.Position, Options: []apiQuestionOption{},
		MatchMode: q.MatchMode, MatchWeight: q.MatchWeight, Points: []apiQuestionPoints{}, Removed: q.Archived != nil, Answers: q.Answers}
	if out.Label == nil {
		out.Label = map[string]string{}
	}
	if out.Help == nil {
		out.Help = map[string]string{}
	}
	for _, o := range q.Options {
		out.Options = append(out.Options, apiQuestionOption{ID: o.ID, Label: o.Label})
	}
	for _, a := range q.Options {
		for _, b := range q.Options {
			if p := q.Points[[2]int64{a.ID, b.ID}]; p > 0 {
				out.Points = append(out.Points, apiQuestionPoints{MenteeOption: a.ID, MentorOption: b.ID, Points: p})
			}
		}
	}
	return out
}

func (s *API) apiListProgramQuestions(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "programID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ed, err := s.questions().Editor(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []apiProgramQuestion{}
	for _, q := range ed.Questions {
		out = append(out, toAPIProgramQuestion(q))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"questions": out})
}

// apiQuestionInput is a question as the API takes it: texts in one language.
type apiQuestionInput struct {
	Language   string   `json:"language"`
	Kind       string   `json:"kind"`
	Label      string   `json:"label"`
	Help       string   `json:"help"`
	Options    []string `json:"options"`
	Required   bool     `json:"required"`
	Audience   string   `json:"audience"`
	Visibility string   `json:"visibility"`
	Reporting  bool     `json:"reporting"`
}

func (in apiQuestionInput) domain() question.Input {
	if in.Audience == "" {
		in.Audience = question.AudienceAll
	}
	if in.Visibility == "" {
		in.Visibility = question.VisibleCoordinator
	}
	return question.Input{Kind: in.Kind, Label: in.Label, Help: in.Help, Options: strings.Join(in.Options, "\n"),
		Required: in.Required, Audience: in.Audience, Visibility: in.Visibility, Reporting: in.Reporting}
}

func (s *API) writeProgramQuestion(w http.ResponseWriter, r *http.Request, code int, programID, qid int64) {
	_, q, err := s.questions().Get(r.Context(), httpx.User(r), programID, qid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, code, toAPIProgramQuestion(*q))
}

func (s *API) apiAddProgramQuestion(w http.ResponseWriter, r *http.Request) {
	var in apiQuestionInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	qid, err := s.questions().Add(r.Context(), httpx.User(r), prog.ID, in.Language, in.domain())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeProgramQuestion(w, r, http.StatusCreated, prog.ID, qid)
}

func (s *API) apiEditProgramQuestion(w http.ResponseWriter, r *http.Request) {
	var in apiQuestionInput
	prog, qid, ok := s.coordinatorInputAt(w, r, &in, "questionID")
	if !ok {
		return
	}
	if err := s.questions().Edit(r.Context(), httpx.User(r), prog.ID, qid, in.Language, in.domain()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeProgramQuestion(w, r, http.StatusOK, prog.ID, qid)
}

func (s *API) apiRemoveProgramQuestion(w http.ResponseWriter, r *http.Request) {
	prog, qid, ok := s.coordinatorInputAt(w, r, nil, "questionID")
	if !ok {
		return
	}
	n, err := s.questions().Remove(r.Context(), httpx.User(r), prog.ID, qid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"removed": true, "answers_kept": n})
}

func (s *API) apiRestoreProgramQuestion(w http.ResponseWriter, r *http.Request) {
	prog, qid, ok := s.coordinatorInputAt(w, r, nil, "questionID")
	if !ok {
		return
	}
	if err := s.questions().Restore(r.Context(), httpx.User(r), prog.ID, qid); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeProgramQuestion(w, r, http.StatusOK, prog.ID, qid)
}

func (s *API) apiMoveProgramQuestion(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Direction string `json:"direction"`
	}
	prog, qid, ok := s.coordinatorInputAt(w, r, &in, "questionID")
	if !ok {
		return
	}
	if in.Direction != "up" && in.Direction != "down" {
		var v errs.Validation
		v.Add("direction", "error.choice_invalid")
		s.fail(w, r, v.Err())
		return
	}
	if err := s.questions().Move(r.Context(), httpx.User(r), prog.ID, qid, in.Direction == "up"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiListProgramQuestions(w, r)
}

func (s *API) apiProgramQuestionMatching(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Mode   string              `json:"mode"`
		Weight int                 `json:"weight"`
		Points []apiQuestionPoints `json:"points"`
	}
	prog, qid, ok := s.coordinatorInputAt(w, r, &in, "questionID")
	if !ok {
		return
	}
	c := question.Criterion{Mode: in.Mode, Weight: in.Weight, Points: map[[2]int64]int{}}
	for _, p := range in.Points {
		c.Points[[2]int64{p.MenteeOption, p.MentorOption}] = p.Points
	}
	if err := s.questions().SetCriterion(r.Context(), httpx.User(r), prog.ID, qid, c); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeProgramQuestion(w, r, http.StatusOK, prog.ID, qid)
}

// apiOwnAnswer is one answer: the text, number or date as a string, or the
// chosen option ids.
type apiOwnAnswer struct {
	QuestionID int64   `json:"question_id"`
	Question   string  `json:"question"`
	Kind       string  `json:"kind"`
	Value      string  `json:"value"`
	Options    []int64 `json:"options"`
	Text       string  `json:"text"` // the answer as a reader of the caller's language sees it
}

func apiOwnAnswers(qs []question.Question, answers map[int64]string, lang string) []apiOwnAnswer {
	out := []apiOwnAnswer{}
	for _, q := range qs {
		v, ok := answers[q.ID]
		if !ok {
			continue
		}
		a := apiOwnAnswer{QuestionID: q.ID, Question: q.Text(lang), Kind: q.Kind, Options: []int64{}, Text: q.Display(v, lang)}
		if q.Choice() {
			a.Options = append(a.Options, q.Chosen(v)...)
		} else {
			a.Value = v
		}
		out = append(out, a)
	}
	return out
}

func (s *API) writeMyAnswers(w http.ResponseWriter, r *http.Request, programID int64) {
	m, err := s.questions().Mine(r.Context(), httpx.User(r), programID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.locale(r).Lang()
	qs := []map[string]any{}
	for _, q := range m.Questions {
		opts := []map[string]any{}
		for _, o := range q.Options {
			opts = append(opts, map[string]any{"id": o.ID, "label": q.OptionText(o, lang)})
		}
		qs = append(qs, map[string]any{"id": q.ID, "kind": q.Kind, "label": q.Text(lang), "help": q.HelpText(lang),
			"required": q.Required, "options": opts})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"questions": qs, "answers": apiOwnAnswers(m.Questions, m.Answers, lang)})
}

func (s *API) apiMyAnswers(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "programID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeMyAnswers(w, r, id)
}

func (s *API) apiPutMyAnswers(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "programID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A stranger learns nothing from validation: the participation is
	// checked before the body is read.
	if _, err := s.questions().Mine(r.Context(), httpx.User(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Answers []struct {
			QuestionID int64   `json:"question_id"`
			Value      string  `json:"value"`
			Options    []int64 `json:"options"`
		} `json:"answers"`
	}
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	given := map[int64][]string{}
	for _, a := range in.Answers {
		if a.Options != nil {
			vals := []string{}
			for _, o := range a.Options {
				vals = append(vals, strconv.FormatInt(o, 10))
			}
			given[a.QuestionID] = vals
			continue
		}
		given[a.QuestionID] = []string{a.Value}
	}
	if err := s.questions().SaveMine(r.Context(), httpx.User(r), id, given); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeMyAnswers(w, r, id)
}

func (s *API) apiParticipantAnswers(w http.ResponseWriter, r *http.Request) {
	prog, uid, ok := s.coordinatorInputAt(w, r, nil, "userID")
	if !ok {
		return
	}
	part, err := program.GetParticipant(r.Context(), s.DB, prog.ID, uid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	qs, err := question.List(r.Context(), s.DB, prog.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ans, err := question.AnswersOf(r.Context(), s.DB, part.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"answers": apiOwnAnswers(qs, ans, s.locale(r).Lang())})
}

func (s *API) apiExportParticipants(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "programID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendParticipantsCSV(w, r, id, true)
}

// questions is the program's own questions, built from what API holds, as
// the pages build theirs.
func (s *API) questions() *question.Service {
	return &question.Service{DB: s.DB, Clock: s.Clock}
}

// sendParticipantsCSV answers with the participants export, filtered as
// the list is (role, status, q, and aq/av for an answer to one of the
// program's questions), with the API's column names and values as codes.
func (s *API) sendParticipantsCSV(w http.ResponseWriter, r *http.Request, id int64, _ bool) {
	q := r.URL.Query()
	f := program.ParticipantFilter{Search: strings.TrimSpace(q.Get("q"))}
	if v := q.Get("role"); v == program.SideMentor || v == program.SideMentee {
		f.Role = v
	}
	if v := q.Get("status"); v == program.StatusPending || v == program.StatusApproved || v == program.StatusDeclined {
		f.Status = v
	}
	ro, err := s.questions().Roster(r.Context(), httpx.User(r), id, f, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if aq, _ := strconv.ParseInt(strings.TrimSpace(q.Get("aq")), 10, 64); aq != 0 {
		ro.Filter(aq, strings.TrimSpace(q.Get("av")), s.locale(r).Lang())
	}
	lang := s.locale(s.withProgramLanguage(r, ro.Program.DefaultLanguage)).Lang()
	h := question.ExportHeader{Name: "name", Email: "email", Role: "role", Status: "status", Organisation: "organisation", Field: "field",
		RoleName: func(v string) string { return v }, StatusName: func(v string) string { return v }}
	var buf bytes.Buffer
	if err := ro.WriteCSV(&buf, h, lang, dashboard.SafeCell); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="program-`+strconv.FormatInt(id, 10)+`-participants.csv"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
