package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
)

func (s *API) apiCheckpointTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/evaluations/{kind}", Handler: s.apiGetEvaluation},
		{Method: "PUT", Pattern: "/api/v1/pairs/{pairID}/evaluations/{kind}", Handler: s.apiAnswerEvaluation},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/evaluations", Handler: s.apiEvaluationOverview},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/evaluations/questions", Handler: s.apiListQuestions},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/evaluations/questions", Handler: s.apiAddQuestion},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/evaluations/questions/{questionID}", Handler: s.apiEditQuestion},
		{Method: "DELETE", Pattern: "/api/v1/programs/{programID}/evaluations/questions/{questionID}", Handler: s.apiRemoveQuestion},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/evaluations/questions/{questionID}/move", Handler: s.apiMoveQuestion},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/evaluations/settings", Handler: s.apiEvaluationSettings},
	}
}

type apiQuestion struct {
	ID       int64    `json:"id"`
	Kind     string   `json:"kind"`
	Type     string   `json:"type"`
	Position int      `json:"position"`
	Language string   `json:"language"`
	Prompt   string   `json:"prompt"`
	Options  []string `json:"options"`
}

func toAPIQuestion(q evaluation.Question, lang string) apiQuestion {
	t := q.In(lang)
	return apiQuestion{ID: q.ID, Kind: q.Kind, Type: q.Type, Position: q.Position, Language: lang, Prompt: t.Prompt, Options: nonNil(t.Options)}
}

type apiAnswer struct {
	QuestionID int64  `json:"question_id"`
	Value      *int   `json:"value"`
	Text       string `json:"text"`
}

type apiGoalReview struct {
	GoalID  int64  `json:"goal_id"`
	Title   string `json:"title,omitempty"`
	Status  string `json:"status"`
	Comment string `json:"comment"`
}

// apiEvaluation is a member's own view of a check point: never the other
// side's answers.
type apiEvaluation struct {
	Kind        string          `json:"kind"`
	Scheduled   bool            `json:"scheduled"`
	Open        bool            `json:"open"`
	DueAt       *time.Time      `json:"due_at"`
	SubmittedAt *time.Time      `json:"submitted_at"`
	Questions   []apiQuestion   `json:"questions"`
	Answers     []apiAnswer     `json:"answers"`
	Goals       []apiGoalReview `json:"goals"`
	// With names the check points merged into this one, whose questions
	// are among Questions; Adjustment says why this one is not asked on
	// its own.
	With       []string       `json:"with"`
	Adjustment *apiAdjustment `json:"adjustment"`
}

// apiAdjustment is why a check point is merged into another or left out.
type apiAdjustment struct {
	Outcome   string    `json:"outcome"`
	Into      string    `json:"into"`
	NaturalAt time.Time `json:"natural_at"`
	Reason    string    `json:"reason"` // in the caller's language
}

func toAPIEvaluation(f *evaluation.Form, l *i18n.Locale, tz string) apiEvaluation {
	out := apiEvaluation{Kind: f.Kind, Scheduled: f.Scheduled, Open: f.Open(), SubmittedAt: apiUTC(f.Submitted),
		Questions: []apiQuestion{}, Answers: []apiAnswer{}, Goals: []apiGoalReview{}, With: []string{}}
	for _, sec := range f.Sections {
		if sec.Kind != f.Kind {
			out.With = append(out.With, sec.Kind)
		}
	}
	if a := f.Adjustment; a != nil {
		out.Adjustment = &apiAdjustment{Outcome: a.Outcome, Into: a.Into, NaturalAt: a.Natural.UTC(),
			Reason: l.T(a.Reason, "date", l.Date(i18n.In(a.Natural, tz)))}
	}
	if f.Scheduled {
		out.DueAt = apiUTC(&f.DueAt)
	}
	for _, q := range f.Questions {
		out.Questions = append(out.Questions, toAPIQuestion(q, f.Lang))
		if a, ok := f.Mine[q.ID]; ok {
			out.Answers = append(out.Answers, apiAnswer{QuestionID: q.ID, Value: a.Value, Text: a.Text})
		}
	}
	// Every goal to re-assess is listed; status stays empty until answered.
	for _, g := range f.Goals {
		r := f.Reviews[g.ID]
		out.Goals = append(out.Goals, apiGoalReview{GoalID: g.ID, Title: g.Title, Status: r.Status, Comment: r.Comment})
	}
	return out
}

func (s *API) apiGetEvaluation(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.Evals.Form(r.Context(), httpx.User(r), id, r.PathValue("kind"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIEvaluation(f, s.locale(r), httpx.User(r).Timezone))
}

type evaluationInput struct {
	Answers []apiAnswer     `json:"answers"`
	Goals   []apiGoalReview `json:"goals"`
}

func (s *API) apiAnswerEvaluation(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, u, kind := r.Context(), httpx.User(r), r.PathValue("kind")
	f, err := s.Evals.Form(ctx, u, id, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in evaluationInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	types := map[int64]string{}
	for _, q := range f.Questions {
		types[q.ID] = q.Type
	}
	// The API speaks numbers and booleans as numbers; the domain reads
	// the form's words, so yes/no is spelt out here.
	sub := evaluation.Submission{Answers: map[int64]string{}, Goals: map[int64]evaluation.GoalReview{}}
	for _, a := range in.Answers {
		switch {
		case types[a.QuestionID] == evaluation.TypeText:
			sub.Answers[a.QuestionID] = a.Text
		case a.Value == nil:
		case types[a.QuestionID] == evaluation.TypeYesNo && (*a.Value == 0 || *a.Value == 1):
			sub.Answers[a.QuestionID] = []string{"no", "yes"}[*a.Value]
		default:
			sub.Answers[a.QuestionID] = strconv.Itoa(*a.Value)
		}
	}
	for _, g := range in.Goals {
		sub.Goals[g.GoalID] = evaluation.GoalReview{Status: g.Status, Comment: g.Comment}
	}
	if err := s.Evals.Submit(ctx, u, id, kind, sub); err != nil {
		s.fail(w, r, err)
		return
	}
	if f, err = s.Evals.Form(ctx, u, id, kind); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIEvaluation(f, s.locale(r), httpx.User(r).Timezone))
}

type apiResponder struct {
	UserID int64      `json:"user_id"`
	Name   string     `json:"name"`
	Side   string     `json:"side"`
	At     *time.Time `json:"answered_at"`
}

type apiCheckCompletion struct {
	Kind       string         `json:"kind"`
	Scheduled  bool           `json:"scheduled"`
	DueAt      *time.Time     `json:"due_at"`
	Responders []apiResponder `json:"responders"`
}

type apiPairCompletion struct {
	Pair   apiPair              `json:"pair"`
	Checks []apiCheckCompletion `json:"checks"`
}

type apiQuestionResult struct {
	apiQuestion
	Count   int      `json:"count"`
	Average *float64 `json:"average"`
	Counts  []int    `json:"counts"`
	Texts   []string `json:"texts"`
}

type apiKindResults struct {
	Kind      string              `json:"kind"`
	Responses int                 `json:"responses"`
	Questions []apiQuestionResult `json:"questions"`
	Goals     map[string]int      `json:"goals"`
}

type apiEvaluationOverview struct {
	ShareText  bool                `json:"share_text"`
	Results    []apiKindResults    `json:"results"`
	Completion []apiPairCompletion `json:"completion"`
}

func (s *API) apiEvaluationOverview(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.Evals.Overview(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.locale(s.withProgramLanguage(r, o.Program.DefaultLanguage)).Lang()
	out := apiEvaluationOverview{ShareText: o.Results.ShareText, Results: []apiKindResults{}, Completion: []apiPairCompletion{}}
	for _, k := range o.Results.Kinds {
		kr := apiKindResults{Kind: k.Kind, Responses: k.Responses, Questions: []apiQuestionResult{}, Goals: map[string]int{}}
		if k.Kind == evaluation.KindFinal {
			for _, st := range evaluation.GoalStatuses {
				kr.Goals[st] = k.Goals[st]
			}
		}
		for _, q := range k.Questions {
			qr := apiQuestionResult{apiQuestion: toAPIQuestion(q.Question, lang), Count: q.Count, Counts: nonNil(q.Counts), Texts: nonNil(q.Texts)}
			if q.Type == evaluation.TypeScale && q.Count > 0 {
				avg := q.Average
				qr.Average = &avg
			}
			kr.Questions = append(kr.Questions, qr)
		}
		out.Results = append(out.Results, kr)
	}
	for i := range o.Completion {
		pc := &o.Completion[i]
		ac := apiPairCompletion{Pair: toAPIPair(&pc.Pair), Checks: []apiCheckCompletion{}}
		for _, c := range pc.Checks {
			cc := apiCheckCompletion{Kind: c.Kind, Scheduled: c.Scheduled, Responders: []apiResponder{}}
			if c.Scheduled {
				cc.DueAt = apiUTC(&c.DueAt)
			}
			for _, rs := range c.Responders {
				cc.Responders = append(cc.Responders, apiResponder{UserID: rs.UserID, Name: rs.Name, Side: rs.Side, At: apiUTC(rs.At)})
			}
			ac.Checks = append(ac.Checks, cc)
		}
		out.Completion = append(out.Completion, ac)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// apiQuestionLang is the language the caller asked for, else the
// program's.
func (s *API) apiQuestionLang(r *http.Request, fallback string) string {
	if l := r.URL.Query().Get("language"); i18n.Supported(l) {
		return l
	}
	return fallback
}

func (s *API) apiListQuestions(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = evaluation.KindFollowup
	}
	set, err := s.Evals.Questions(r.Context(), httpx.User(r), id, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.apiQuestionLang(r, set.Program.DefaultLanguage)
	out := make([]apiQuestion, 0, len(set.Questions))
	for _, q := range set.Questions {
		out = append(out, toAPIQuestion(q, lang))
	}
	httpx.WritePage(w, r, s.fail, out)
}

type questionInput struct {
	Kind     string   `json:"kind"`
	Type     string   `json:"type"`
	Language string   `json:"language"`
	Prompt   string   `json:"prompt"`
	Options  []string `json:"options"`
}

func (in questionInput) domain() evaluation.QuestionInput {
	return evaluation.QuestionInput{Type: in.Type, Prompt: in.Prompt, Options: strings.Join(in.Options, "\n")}
}

// writeQuestion answers with the question as it now reads.
func (s *API) writeQuestion(w http.ResponseWriter, r *http.Request, code int, programID, questionID int64, lang string) {
	for _, kind := range evaluation.QuestionKinds {
		set, err := s.Evals.Questions(r.Context(), httpx.User(r), programID, kind)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, q := range set.Questions {
			if q.ID == questionID {
				httpx.WriteJSON(w, code, toAPIQuestion(q, lang))
				return
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *API) apiAddQuestion(w http.ResponseWriter, r *http.Request) {
	// Only the program's coordinators get as far as having their body read.
	var in questionInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	ctx, u, id := r.Context(), httpx.User(r), prog.ID
	qid, err := s.Evals.AddQuestion(ctx, u, id, in.Kind, in.Language, in.domain())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeQuestion(w, r, http.StatusCreated, id, qid, in.Language)
}

func (s *API) apiEditQuestion(w http.ResponseWriter, r *http.Request) {
	// Only the program's coordinators get as far as having their body read.
	var in questionInput
	prog, qid, ok := s.coordinatorInputAt(w, r, &in, "questionID")
	if !ok {
		return
	}
	ctx, u, id := r.Context(), httpx.User(r), prog.ID
	if err := s.Evals.EditQuestion(ctx, u, id, qid, in.Language, in.domain()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeQuestion(w, r, http.StatusOK, id, qid, in.Language)
}

func (s *API) apiRemoveQuestion(w http.ResponseWriter, r *http.Request) {
	id, qid, err := httpx.PathIDs(r, "id", "questionID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Evals.RemoveQuestion(r.Context(), httpx.User(r), id, qid); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type moveInput struct {
	Direction string `json:"direction"`
}

func (s *API) apiMoveQuestion(w http.ResponseWriter, r *http.Request) {
	// Only the program's coordinators get as far as having their body read.
	var in moveInput
	prog, qid, ok := s.coordinatorInputAt(w, r, &in, "questionID")
	if !ok {
		return
	}
	ctx, u, id := r.Context(), httpx.User(r), prog.ID
	if in.Direction != "up" && in.Direction != "down" {
		var v errs.Validation
		v.Add("direction", "checkpoint.error.direction")
		s.fail(w, r, v.Err())
		return
	}
	if err := s.Evals.MoveQuestion(ctx, u, id, qid, in.Direction == "up"); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type evaluationSettings struct {
	ShareText bool `json:"share_text"`
}

func (s *API) apiEvaluationSettings(w http.ResponseWriter, r *http.Request) {
	// Only the program's coordinators get as far as having their body read.
	var in evaluationSettings
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	ctx, u, id := r.Context(), httpx.User(r), prog.ID
	if err := s.Evals.SetShareText(ctx, u, id, in.ShareText); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, in)
}
