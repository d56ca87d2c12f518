package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"mentorskap/internal/dashboard"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
)

// A program's own questions (internal/question): the coordinators' editor,
// the fields on the participant's profile, the answers on the participants
// list, its export and the pair's cards.
func (s *Server) questionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/questions", s.requireUser(s.questionList))
	mux.HandleFunc("POST /programs/{id}/questions", s.requireUser(s.questionAdd))
	mux.HandleFunc("GET /programs/{id}/questions/{qid}", s.requireUser(s.questionEditPage))
	mux.HandleFunc("POST /programs/{id}/questions/{qid}", s.requireUser(s.questionEdit))
	mux.HandleFunc("POST /programs/{id}/questions/{qid}/matching", s.requireUser(s.questionMatching))
	mux.HandleFunc("POST /programs/{id}/questions/{qid}/move", s.requireUser(s.questionMove))
	mux.HandleFunc("GET /programs/{id}/questions/{qid}/remove", s.requireUser(s.questionConfirmRemove))
	mux.HandleFunc("POST /programs/{id}/questions/{qid}/remove", s.requireUser(s.questionRemove))
	mux.HandleFunc("POST /programs/{id}/questions/{qid}/restore", s.requireUser(s.questionRestore))
	mux.HandleFunc("GET /programs/{id}/export/participants.csv", s.requireUser(s.exportParticipants))
}

func (s *Server) questions() *question.Service {
	return &question.Service{DB: s.DB, Clock: s.Clock}
}

func questionsPath(programID int64) string { return programPath(programID) + "/questions" }

func questionPath(programID, questionID int64) string {
	return questionsPath(programID) + "/" + strconv.FormatInt(questionID, 10)
}

// questionLang is the language the editor writes in: the form's or the
// address's lang, else the reader's.
func (s *Server) questionLang(r *http.Request) string {
	if l := r.FormValue("lang"); i18n.Supported(l) {
		return l
	}
	return s.locale(r).Lang()
}

type questionListData struct {
	*question.Editor
	Lang         string
	Languages    []string
	Kinds        []string
	Audiences    []string
	Visibilities []string
}

// ShowOptions: the add form offers options for whichever kind is chosen.
func (questionListData) ShowOptions() bool { return true }

// ShowOptions: only a choice question has options to edit.
func (d questionEditData) ShowOptions() bool { return d.Question.Choice() }

func (s *Server) questionListData(r *http.Request) (questionListData, *http.Request, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return questionListData{}, r, err
	}
	ed, err := s.questions().Editor(r.Context(), httpx.User(r), id)
	if err != nil {
		return questionListData{}, r, err
	}
	r = s.withProgramLanguage(r, ed.Program.DefaultLanguage)
	return questionListData{Editor: ed, Lang: s.questionLang(r), Languages: i18n.Languages, Kinds: question.Kinds,
		Audiences: question.Audiences, Visibilities: question.Visibilities}, r, nil
}

func (s *Server) questionList(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.questionListData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := s.newPage(w, r, d)
	page.Form = url.Values{"audience": {question.AudienceAll}, "visibility": {question.VisibleCoordinator}}
	s.renderPage(w, r, http.StatusOK, "question_list", page)
}

func questionInputFrom(f url.Values) question.Input {
	return question.Input{Kind: f.Get("kind"), Label: f.Get("label"), Help: f.Get("help"), Options: f.Get("options"),
		Required: f.Get("required") != "", Audience: f.Get("audience"), Visibility: f.Get("visibility"),
		Reporting: f.Get("reporting") != ""}
}

func (s *Server) questionAdd(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	lang := s.questionLang(r)
	qid, err := s.questions().Add(r.Context(), httpx.User(r), id, lang, questionInputFrom(r.PostForm))
	if err == nil {
		s.redirect(w, r, questionPath(id, qid)+"?lang="+lang, "question.added")
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, err)
		return
	}
	d, r, derr := s.questionListData(r)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.renderForm(w, r, "question_list", d, err)
}

// pointCell is one cell of the compatibility table on the edit page.
type pointCell struct {
	Name  string // the form field: points.<mentee option>.<mentor option>
	Label string // for screen readers: both options
	Value int
}

type pointRow struct {
	Option string
	Cells  []pointCell
}

type questionEditData struct {
	Program      *program.Program
	Question     *question.Question
	Lang         string
	Languages    []string
	Audiences    []string
	Visibilities []string
	Modes        []string
	MaxWeight    int
	MaxPoints    int
	Options      []string // the options' labels in Lang, one per line for the form
	Table        []pointRow
	MentorHeads  []string
}

func (s *Server) questionEditData(r *http.Request) (questionEditData, *http.Request, error) {
	id, qid, err := httpx.PathIDs(r, "id", "qid")
	if err != nil {
		return questionEditData{}, r, err
	}
	prog, qu, err := s.questions().Get(r.Context(), httpx.User(r), id, qid)
	if err != nil {
		return questionEditData{}, r, err
	}
	r = s.withProgramLanguage(r, prog.DefaultLanguage)
	lang := s.questionLang(r)
	d := questionEditData{Program: prog, Question: qu, Lang: lang, Languages: i18n.Languages,
		Audiences: question.Audiences, Visibilities: question.Visibilities, Modes: question.MatchModes,
		MaxWeight: question.MaxWeight, MaxPoints: question.MaxPoints}
	reader := s.locale(r).Lang()
	for _, o := range qu.Options {
		d.Options = append(d.Options, qu.OptionText(o, lang))
		d.MentorHeads = append(d.MentorHeads, qu.OptionText(o, reader))
	}
	for _, a := range qu.Options {
		row := pointRow{Option: qu.OptionText(a, reader)}
		for _, b := range qu.Options {
			row.Cells = append(row.Cells, pointCell{Name: "points." + strconv.FormatInt(a.ID, 10) + "." + strconv.FormatInt(b.ID, 10),
				Label: qu.OptionText(a, reader) + " – " + qu.OptionText(b, reader), Value: qu.Points[[2]int64{a.ID, b.ID}]})
		}
		d.Table = append(d.Table, row)
	}
	return d, r, nil
}

// questionEditValues fills the edit forms from the saved question.
func questionEditValues(d questionEditData) url.Values {
	q := d.Question
	v := url.Values{}
	v.Set("label", q.Label[d.Lang])
	v.Set("help", q.Help[d.Lang])
	var opts []string
	for _, o := range q.Options {
		opts = append(opts, o.Label[d.Lang])
	}
	v.Set("options", strings.Join(opts, "\n"))
	if q.Required {
		v.Set("required", "1")
	}
	if q.Reporting {
		v.Set("reporting", "1")
	}
	v.Set("audience", q.Audience)
	v.Set("visibility", q.Visibility)
	v.Set("match_mode", q.MatchMode)
	v.Set("match_weight", strconv.Itoa(q.MatchWeight))
	for _, row := range d.Table {
		for _, c := range row.Cells {
			v.Set(c.Name, strconv.Itoa(c.Value))
		}
	}
	return v
}

func (s *Server) questionEditPage(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.questionEditData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := s.newPage(w, r, d)
	page.Form = questionEditValues(d)
	s.renderPage(w, r, http.StatusOK, "question_edit", page)
}

// ownQuestionChange runs one action on a question and returns to where the
// coordinator was, or shows the edit page again with the error.
func (s *Server) ownQuestionChange(w http.ResponseWriter, r *http.Request, back func(id, qid int64, lang string) string, flash string,
	do func(id, qid int64, lang string) error) {
	id, qid, err := httpx.PathIDs(r, "id", "qid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	lang := s.questionLang(r)
	err = do(id, qid, lang)
	if err == nil {
		s.redirect(w, r, back(id, qid, lang), flash)
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, err)
		return
	}
	d, r, derr := s.questionEditData(r)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.renderForm(w, r, "question_edit", d, err)
}

func backToQuestion(id, qid int64, lang string) string {
	return questionPath(id, qid) + "?lang=" + lang
}
func backToQuestions(id, _ int64, lang string) string { return questionsPath(id) + "?lang=" + lang }

func (s *Server) questionEdit(w http.ResponseWriter, r *http.Request) {
	s.ownQuestionChange(w, r, backToQuestion, "question.saved", func(id, qid int64, lang string) error {
		return s.questions().Edit(r.Context(), httpx.User(r), id, qid, lang, questionInputFrom(r.PostForm))
	})
}

// criterionFrom reads the matching form: the mode, the weight and the
// table's cells (points.<mentee option>.<mentor option>).
func criterionFrom(f url.Values) question.Criterion {
	c := question.Criterion{Mode: f.Get("match_mode"), Weight: matchFormInt(f, "match_weight"), Points: map[[2]int64]int{}}
	for k, v := range f {
		rest, ok := strings.CutPrefix(k, "points.")
		if !ok || len(v) == 0 {
			continue
		}
		a, b, _ := strings.Cut(rest, ".")
		n := matchFormInt(f, k)
		if strings.TrimSpace(v[0]) == "" {
			n = 0
		}
		c.Points[[2]int64{matchFormID(a), matchFormID(b)}] = n
	}
	return c
}

func (s *Server) questionMatching(w http.ResponseWriter, r *http.Request) {
	s.ownQuestionChange(w, r, backToQuestion, "question.matching_saved", func(id, qid int64, lang string) error {
		return s.questions().SetCriterion(r.Context(), httpx.User(r), id, qid, criterionFrom(r.PostForm))
	})
}

func (s *Server) questionMove(w http.ResponseWriter, r *http.Request) {
	s.ownQuestionChange(w, r, backToQuestions, "question.moved", func(id, qid int64, lang string) error {
		return s.questions().Move(r.Context(), httpx.User(r), id, qid, r.PostForm.Get("direction") == "up")
	})
}

func (s *Server) questionRestore(w http.ResponseWriter, r *http.Request) {
	s.ownQuestionChange(w, r, backToQuestions, "question.restored", func(id, qid int64, lang string) error {
		return s.questions().Restore(r.Context(), httpx.User(r), id, qid)
	})
}

// questionConfirmRemove says what removing a question does, with how many
// answers it has, before the coordinator removes it.
func (s *Server) questionConfirmRemove(w http.ResponseWriter, r *http.Request) {
	d, r, err := s.questionEditData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locale(r)
	q := d.Question
	happens := []string{l.T("question.remove.happens")}
	if q.Answers > 0 {
		happens = append(happens, l.N("question.remove.happens_answers", q.Answers))
	}
	if q.Matching() {
		happens = append(happens, l.T("question.remove.happens_matching"))
	}
	s.showConfirm(w, r, confirmData{
		Program: d.Program,
		Title:   l.T("question.remove.title"),
		Subject: q.Text(l.Lang()),
		Happens: happens,
		Told:    []string{l.T("question.remove.told")},
		Action:  questionPath(d.Program.ID, q.ID) + "/remove",
		Hidden:  map[string]string{"lang": d.Lang},
		Submit:  l.T("question.remove.submit"),
		Back:    questionsPath(d.Program.ID) + "?lang=" + d.Lang,
	})
}

func (s *Server) questionRemove(w http.ResponseWriter, r *http.Request) {
	s.ownQuestionChange(w, r, backToQuestions, "question.removed", func(id, qid int64, lang string) error {
		_, err := s.questions().Remove(r.Context(), httpx.User(r), id, qid)
		return err
	})
}

// --- answering, on the participant's profile ---

// questionField is one of the program's questions on a form.
type questionField struct {
	Name     string // the form field, question.Field(id)
	Kind     string
	Label    string
	Help     string
	Required bool
	Options  []questionOption
}

type questionOption struct{ Value, Label string }

// questionFields turns questions into form fields in lang.
func questionFields(qs []question.Question, lang string) []questionField {
	out := make([]questionField, 0, len(qs))
	for _, q := range qs {
		f := questionField{Name: question.Field(q.ID), Kind: q.Kind, Label: q.Text(lang), Help: q.HelpText(lang), Required: q.Required}
		for _, o := range q.Options {
			f.Options = append(f.Options, questionOption{Value: strconv.FormatInt(o.ID, 10), Label: q.OptionText(o, lang)})
		}
		out = append(out, f)
	}
	return out
}

// answerValues adds stored answers to a form's values.
func answerValues(v url.Values, qs []question.Question, answers map[int64]string) {
	for _, q := range qs {
		a := answers[q.ID]
		if a == "" {
			continue
		}
		if q.Choice() {
			v[question.Field(q.ID)] = strings.Split(a, ",")
		} else {
			v.Set(question.Field(q.ID), a)
		}
	}
}

// answersFrom reads every asked question's answer from a submitted form; a
// question with nothing ticked or typed is an empty answer.
func answersFrom(f url.Values, qs []question.Question) map[int64][]string {
	out := make(map[int64][]string, len(qs))
	for _, q := range qs {
		out[q.ID] = f[question.Field(q.ID)]
	}
	return out
}

// --- the participants list and its export ---

// rosterFilter reads the answer filter of the participants list: the
// question (aq) and the answer wanted (av, blank for any answer).
func rosterFilter(q url.Values) (int64, string) {
	return matchFormID(q.Get("aq")), strings.TrimSpace(q.Get("av"))
}

func (s *Server) exportParticipants(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendParticipantsCSV(w, r, id, false)
}

// sendParticipantsCSV answers with the participants export, filtered as
// the list is; codes gives the API's column names and values.
func (s *Server) sendParticipantsCSV(w http.ResponseWriter, r *http.Request, id int64, codes bool) {
	q := r.URL.Query()
	f := participantFilterFrom(q)
	ro, err := s.questions().Roster(r.Context(), httpx.User(r), id, f, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if aq, av := rosterFilter(q); aq != 0 {
		ro.Filter(aq, av, s.locale(r).Lang())
	}
	l := s.locale(s.withProgramLanguage(r, ro.Program.DefaultLanguage))
	h := question.ExportHeader{Name: "name", Email: "email", Role: "role", Status: "status", Organisation: "organisation", Field: "field",
		RoleName: func(v string) string { return v }, StatusName: func(v string) string { return v }}
	if !codes {
		h = question.ExportHeader{Name: l.T("field.name"), Email: l.T("field.email"), Role: l.T("participants.role"),
			Status: l.T("participants.status"), Organisation: l.T("enrol.field.organisation"), Field: l.T("enrol.field.field"),
			RoleName:   func(v string) string { return l.T("program.role." + v) },
			StatusName: func(v string) string { return l.T("participant.status." + v) }}
	}
	var buf bytes.Buffer
	if err := ro.WriteCSV(&buf, h, l.Lang(), dashboard.SafeCell); err != nil {
		s.fail(w, r, err)
		return
	}
	sendCSV(w, "program-"+strconv.FormatInt(id, 10)+"-participants.csv", buf.Bytes())
}

// participantFilterFrom reads the list's filters from the address; unknown
// values are ignored rather than refused: they come from links.
func participantFilterFrom(q url.Values) program.ParticipantFilter {
	f := program.ParticipantFilter{Search: strings.TrimSpace(q.Get("q"))}
	if v := q.Get("role"); v == program.SideMentor || v == program.SideMentee {
		f.Role = v
	}
	if v := q.Get("status"); v == program.StatusPending || v == program.StatusApproved || v == program.StatusDeclined {
		f.Status = v
	}
	return f
}
