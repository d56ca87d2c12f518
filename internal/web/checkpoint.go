package web

import (
	"fmt"
	"net/http"
	"strconv"

	"mentorskap/internal/dashboard"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
)

func (s *Server) checkpointRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}/evaluations/{kind}", s.requireUser(s.checkpointPage))
	mux.HandleFunc("POST /pairs/{id}/evaluations/{kind}", s.requireUser(s.checkpointSave))
	mux.HandleFunc("GET /programs/{id}/evaluations", s.requireUser(s.checkpointOverview))
	mux.HandleFunc("GET /programs/{id}/evaluations/questions", s.requireUser(s.checkpointQuestions))
	mux.HandleFunc("POST /programs/{id}/evaluations/questions", s.requireUser(s.checkpointAddQuestion))
	mux.HandleFunc("POST /programs/{id}/evaluations/questions/{qid}", s.requireUser(s.checkpointEditQuestion))
	mux.HandleFunc("POST /programs/{id}/evaluations/questions/{qid}/move", s.requireUser(s.checkpointMoveQuestion))
	mux.HandleFunc("POST /programs/{id}/evaluations/questions/{qid}/remove", s.requireUser(s.checkpointRemoveQuestion))
	mux.HandleFunc("POST /programs/{id}/evaluations/settings", s.requireUser(s.checkpointSettings))
}

// checkpointFormData is a member's check point with what the form offers.
type checkpointFormData struct {
	*evaluation.Form
	Statuses []string
	Scale    []int
	MaxLen   int
	// Review offers the agreement review meeting beside the follow-up's
	// questions (or the questions it was merged into); nil elsewhere.
	Review *reviewOffer
}

func (s *Server) checkpointFormFor(r *http.Request) (checkpointFormData, *http.Request, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return checkpointFormData{}, r, err
	}
	f, err := s.Evals.Form(r.Context(), httpx.User(r), id, r.PathValue("kind"))
	if err != nil {
		return checkpointFormData{}, r, err
	}
	r = s.withProgramLanguage(r, f.Program.DefaultLanguage)
	d := checkpointFormData{Form: f, Statuses: evaluation.GoalStatuses, Scale: []int{1, 2, 3, 4, 5}, MaxLen: evaluation.MaxAnswerLen}
	if f.Open() && f.Carries(evaluation.KindFollowup) {
		ms, err := meeting.ForPair(r.Context(), s.DB, id)
		if err != nil {
			return d, r, err
		}
		// The form is the follow-up's own, so the pair is in it.
		d.Review = newReviewOffer(f.Pair, ms, f.Now, true)
	}
	return d, r, nil
}

// answerValue is how the form shows a stored answer.
func answerValue(qu evaluation.Question, a evaluation.Answer) string {
	switch {
	case qu.Type == evaluation.TypeText:
		return a.Text
	case a.Value == nil:
		return ""
	case qu.Type == evaluation.TypeYesNo:
		return map[int]string{0: "no", 1: "yes"}[*a.Value]
	default:
		return strconv.Itoa(*a.Value)
	}
}

func (s *Server) checkpointPage(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.checkpointFormFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r, d)
	// The form starts from the person's own earlier answers, if any.
	p.Form = map[string][]string{}
	for _, qu := range d.Questions {
		if a, ok := d.Mine[qu.ID]; ok {
			p.Form.Set(evaluation.QuestionField(qu.ID), answerValue(qu, a))
		}
	}
	for id, rv := range d.Reviews {
		p.Form.Set(evaluation.GoalField(id), rv.Status)
		p.Form.Set(evaluation.GoalField(id)+"_comment", rv.Comment)
	}
	s.renderPage(w, r, http.StatusOK, "checkpoint_form", p)
}

func (s *Server) checkpointSave(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.checkpointFormFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	sub := evaluation.Submission{Answers: map[int64]string{}, Goals: map[int64]evaluation.GoalReview{}}
	for _, qu := range d.Questions {
		sub.Answers[qu.ID] = r.PostForm.Get(evaluation.QuestionField(qu.ID))
	}
	for _, g := range d.Goals {
		f := evaluation.GoalField(g.ID)
		sub.Goals[g.ID] = evaluation.GoalReview{Status: r.PostForm.Get(f), Comment: r.PostForm.Get(f + "_comment")}
	}
	err = s.Evals.Submit(r.Context(), httpx.User(r), d.Pair.ID, d.Kind, sub)
	if err == nil {
		s.redirect(w, r, "/pairs/"+strconv.FormatInt(d.Pair.ID, 10)+"/evaluations/"+d.Kind, "checkpoint.saved_flash")
		return
	}
	s.renderForm(w, r, "checkpoint_form", d, err)
}

type checkpointOverviewData struct {
	*evaluation.Overview
	Kinds  []string
	Charts map[string]analyticsChart // results drawn, by resultChartKey
}

// resultChartKey names the chart of one question's results, or of the
// final evaluation's goals (question -1).
func resultChartKey(kind string, question int) string { return kind + "/" + strconv.Itoa(question) }

// ChartOf is the chart of a question's results, when it has answers.
func (d checkpointOverviewData) ChartOf(kind string, question int) *analyticsChart {
	if c, ok := d.Charts[resultChartKey(kind, question)]; ok {
		return &c
	}
	return nil
}

// resultCharts draws the pooled answers of each closed question as a
// column chart whose title says how many answered (n): a scale's spread
// over 1 to 5, yes against no, each option of a choice, and how the goals
// were judged at the final evaluation.
func resultCharts(l *i18n.Locale, res evaluation.Results) map[string]analyticsChart {
	num := func(f float64) string { return l.Decimal(f, 0) }
	out := map[string]analyticsChart{}
	add := func(key string, c dashboard.Chart) {
		out[key] = chartsWithTables([]dashboard.Chart{c})[0]
	}
	for _, k := range res.Kinds {
		for i, q := range k.Questions {
			if q.Count == 0 {
				continue
			}
			t := q.In(l.Lang())
			c := dashboard.Chart{ID: fmt.Sprintf("res-%s-%d", k.Kind, i+1), Title: t.Prompt,
				Desc: l.T("results.desc."+q.Type, "n", l.Int(q.Count)), Series: []string{l.T("results.answers")}, Format: num}
			switch q.Type {
			case evaluation.TypeScale:
				for v, n := range q.Counts {
					c.Bars = append(c.Bars, dashboard.Bar{Label: l.Int(v + 1), Values: []float64{float64(n)}})
				}
			case evaluation.TypeYesNo:
				c.Bars = []dashboard.Bar{{Label: l.T("checkpoint.answer.yes"), Values: []float64{float64(q.Yes())}},
					{Label: l.T("checkpoint.answer.no"), Values: []float64{float64(q.No())}}}
			case evaluation.TypeChoice:
				for j, n := range q.Counts {
					label := l.Int(j + 1)
					if j < len(t.Options) {
						label = t.Options[j]
					}
					c.Bars = append(c.Bars, dashboard.Bar{Label: label, Values: []float64{float64(n)}})
				}
			default:
				continue
			}
			add(resultChartKey(k.Kind, i), c)
		}
		if k.Kind == evaluation.KindFinal {
			n := 0
			c := dashboard.Chart{ID: "res-final-goals", Title: l.T("checkpoint.goals_results"),
				Series: []string{l.T("results.goals")}, Format: num}
			for _, st := range []string{"reached", "partly", "not_reached"} {
				n += k.Goals[st]
				c.Bars = append(c.Bars, dashboard.Bar{Label: l.T("checkpoint.goal_status." + st), Values: []float64{float64(k.Goals[st])}})
			}
			if n > 0 {
				c.Desc = l.T("results.goals_desc", "n", l.Int(n))
				add(resultChartKey(k.Kind, -1), c)
			}
		}
	}
	return out
}

func (s *Server) checkpointOverview(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.Evals.Overview(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.withProgramLanguage(r, o.Program.DefaultLanguage)
	s.render(w, r, http.StatusOK, "checkpoint_overview", checkpointOverviewData{Overview: o, Kinds: evaluation.QuestionKinds,
		Charts: resultCharts(s.locale(r), o.Results)})
}

// checkpointQuestionsData is the question editor for one check point and
// one language.
type checkpointQuestionsData struct {
	*evaluation.QuestionSet
	Lang      string
	Kinds     []string
	Types     []string
	Languages []string
}

// editorTarget reads which check point and language the editor shows; the
// form posts them back as fields.
func editorTarget(r *http.Request) (kind, lang string) {
	kind, lang = r.FormValue("kind"), r.FormValue("lang")
	if kind == "" {
		kind = evaluation.KindFollowup
	}
	if !i18n.Supported(lang) {
		lang = ""
	}
	return kind, lang
}

func (s *Server) questionsData(r *http.Request) (checkpointQuestionsData, *http.Request, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return checkpointQuestionsData{}, r, err
	}
	kind, lang := editorTarget(r)
	set, err := s.Evals.Questions(r.Context(), httpx.User(r), id, kind)
	if err != nil {
		return checkpointQuestionsData{}, r, err
	}
	r = s.withProgramLanguage(r, set.Program.DefaultLanguage)
	if lang == "" {
		lang = s.locale(r).Lang()
	}
	return checkpointQuestionsData{QuestionSet: set, Lang: lang, Kinds: evaluation.QuestionKinds,
		Types: evaluation.Types, Languages: i18n.Languages}, r, nil
}

func (s *Server) checkpointQuestions(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.questionsData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "checkpoint_questions", d)
}

// questionsBack is where the editor returns after a change.
func questionsBack(programID int64, kind, lang string) string {
	return "/programs/" + strconv.FormatInt(programID, 10) + "/evaluations/questions?kind=" + kind + "&lang=" + lang
}

// questionChange runs one editor action and either returns to the editor
// or shows it again with the error.
func (s *Server) questionChange(w http.ResponseWriter, r *http.Request, flash string, do func(programID int64, kind, lang string) error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	kind, lang := editorTarget(r)
	if lang == "" {
		lang = s.locale(r).Lang()
	}
	err = do(id, kind, lang)
	if err == nil {
		s.redirect(w, r, questionsBack(id, kind, lang), flash)
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, err)
		return
	}
	d, r, derr := s.questionsData(r)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.renderForm(w, r, "checkpoint_questions", d, err)
}

func formQuestionInput(r *http.Request) evaluation.QuestionInput {
	return evaluation.QuestionInput{Type: r.PostForm.Get("type"), Prompt: r.PostForm.Get("prompt"), Options: r.PostForm.Get("options")}
}

func (s *Server) checkpointAddQuestion(w http.ResponseWriter, r *http.Request) {
	s.questionChange(w, r, "checkpoint.question_added_flash", func(programID int64, kind, lang string) error {
		_, err := s.Evals.AddQuestion(r.Context(), httpx.User(r), programID, kind, lang, formQuestionInput(r))
		return err
	})
}

func (s *Server) checkpointEditQuestion(w http.ResponseWriter, r *http.Request) {
	s.questionChange(w, r, "checkpoint.question_saved_flash", func(programID int64, kind, lang string) error {
		qid, err := httpx.PathID(r, "qid")
		if err != nil {
			return err
		}
		return s.Evals.EditQuestion(r.Context(), httpx.User(r), programID, qid, lang, formQuestionInput(r))
	})
}

func (s *Server) checkpointMoveQuestion(w http.ResponseWriter, r *http.Request) {
	s.questionChange(w, r, "checkpoint.question_moved_flash", func(programID int64, kind, lang string) error {
		qid, err := httpx.PathID(r, "qid")
		if err != nil {
			return err
		}
		return s.Evals.MoveQuestion(r.Context(), httpx.User(r), programID, qid, r.PostForm.Get("direction") == "up")
	})
}

func (s *Server) checkpointRemoveQuestion(w http.ResponseWriter, r *http.Request) {
	s.questionChange(w, r, "checkpoint.question_removed_flash", func(programID int64, kind, lang string) error {
		qid, err := httpx.PathID(r, "qid")
		if err != nil {
			return err
		}
		return s.Evals.RemoveQuestion(r.Context(), httpx.User(r), programID, qid)
	})
}

func (s *Server) checkpointSettings(w http.ResponseWriter, r *http.Request) {
	s.questionChange(w, r, "checkpoint.settings_saved_flash", func(programID int64, kind, lang string) error {
		return s.Evals.SetShareText(r.Context(), httpx.User(r), programID, r.PostForm.Get("share_text") == "on")
	})
}
