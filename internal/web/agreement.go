package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
)

func (s *Server) agreementRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}/preparation", s.requireUser(s.agreementPrepPage))
	mux.HandleFunc("POST /pairs/{id}/preparation", s.requireUser(s.agreementPrepSave))
	mux.HandleFunc("GET /pairs/{id}/agreement", s.requireUser(s.agreementPage))
	mux.HandleFunc("GET /pairs/{id}/agreement/edit", s.requireUser(s.agreementEditPage))
	mux.HandleFunc("POST /pairs/{id}/agreement/edit", s.requireUser(s.agreementSave))
	mux.HandleFunc("POST /pairs/{id}/agreement/sign", s.requireUser(s.agreementSign))
	mux.HandleFunc("GET /pairs/{id}/agreement/versions", s.requireUser(s.agreementVersionsPage))
	mux.HandleFunc("GET /pairs/{id}/agreement/versions/{n}", s.requireUser(s.agreementVersionPage))
	mux.HandleFunc("GET /pairs/{id}/agreement/compare", s.requireUser(s.agreementComparePage))
	mux.HandleFunc("GET /programs/{id}/agreement-template", s.requireUser(s.agreementTemplatePage))
	mux.HandleFunc("POST /programs/{id}/agreement-template", s.requireUser(s.agreementTemplateSave))
}

func agreementPath(pairID int64) string {
	return "/pairs/" + strconv.FormatInt(pairID, 10) + "/agreement"
}

// agreementLanguage makes the program's default language the fallback on a
// pair's agreement pages, as on the program's own pages.
func (s *Server) agreementLanguage(r *http.Request, prog *program.Program) *http.Request {
	return s.withProgramLanguage(r, prog.DefaultLanguage)
}

// agreementView loads the pair's agreement for the asking person, or
// answers the error itself.
func (s *Server) agreementView(w http.ResponseWriter, r *http.Request) (*http.Request, *agreement.View, bool) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		var vw *agreement.View
		if vw, err = s.Agreements.View(r.Context(), httpx.User(r), id); err == nil {
			return s.agreementLanguage(r, vw.Program), vw, true
		}
	}
	s.fail(w, r, err)
	return r, nil, false
}

// agreementPageData is the agreement's main page: its state for everyone
// who may look at the pair, and the text for those who may read it.
type agreementPageData struct {
	View     *agreement.View
	Shown    *agreement.Version // the version whose text is shown; nil when none may be
	Sections []agreement.Section
	// Signable is set when the viewer may sign Shown now.
	Signable bool
	Mine     *agreement.Signature // the viewer's signature on Shown
	Others   string               // the other side's names

	MentorNames, MenteeNames string
}

func (s *Server) agreementPageDataFor(r *http.Request, vw *agreement.View) agreementPageData {
	named := withFormerNames(s.locale(r), vw.Pair)
	d := agreementPageData{View: vw, Others: named.OtherNames(vw.Viewer.UserID),
		MentorNames: program.Names(named.Mentors), MenteeNames: program.Names(named.Mentees)}
	st := vw.Status
	switch {
	case vw.Viewer.Member():
		d.Shown = st.Current
	case st.CoordinatorMaySee():
		d.Shown = st.InForce
	}
	if d.Shown != nil {
		d.Sections = agreement.Sections(d.Shown.Content, s.locale(r))
		if vw.Viewer.Member() {
			d.Mine = d.Shown.SignedByUser(vw.Viewer.UserID)
			d.Signable = d.Mine == nil && vw.Pair.Allows(s.Clock.Now(), program.ActSign) && d.Shown.Intact
		}
	}
	return d
}

func (s *Server) agreementPage(w http.ResponseWriter, r *http.Request) {
	r, vw, ok := s.agreementView(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "agreement_view", s.agreementPageDataFor(r, vw))
}

func (s *Server) agreementSign(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	number, _ := strconv.Atoi(r.PostForm.Get("version"))
	v, err := s.Agreements.Sign(r.Context(), httpx.User(r), id, number, r.PostForm.Get("password"), r.PostForm.Get("typed_name"))
	if err != nil {
		kind := errs.KindOf(err)
		if kind != errs.Invalid && kind != errs.Conflict && kind != errs.TooMany {
			s.fail(w, r, err)
			return
		}
		r.PostForm.Del("password") // never written back into the page
		r, vw, ok := s.agreementView(w, r)
		if !ok {
			return
		}
		s.renderForm(w, r, "agreement_view", s.agreementPageDataFor(r, vw), err)
		return
	}
	flash := "agreement.signed"
	if v.Complete() {
		flash = "agreement.now_active"
	}
	s.redirect(w, r, agreementPath(id), flash)
}

// agreementGoalRow names the inputs of one goal (or sub-goal) row of the
// drafting form.
type agreementGoalRow struct {
	N                           int // 1-based, for the legend
	Key, Title, Measure, Target string
	Subs                        []agreementGoalRow
}

// agreementEditData is the drafting form.
type agreementEditData struct {
	View  *agreement.View
	Fresh bool // prefilled, never saved
	Goals []agreementGoalRow
	// Newer is the version someone else saved while the viewer edited,
	// with what the viewer's text would change in it.
	Newer     *agreement.Version
	Changes   []agreement.Change
	Prep      *agreement.Preparation // the viewer's own answers, for reference
	Voluntary string                 // the no-fault clause, which the pair does not edit
	Shares    []string
	Relations []string
	// Review is the agreement review meeting the change comes from, when
	// the editor was opened from its notes.
	Review *meeting.Meeting
}

var (
	agreementShares    = []string{agreement.ShareNothing, agreement.ShareAgreed, agreement.ShareMeetings}
	agreementRelations = []string{agreement.RelationProfessional, agreement.RelationSocial}
)

// agreementMaxRows bounds how many goal rows a submitted form is read for.
const agreementMaxRows = agreement.MaxGoals + 10

func (s *Server) agreementEditPage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Agreements.DraftFor(r.Context(), httpx.User(r), id, s.locale(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.agreementLanguage(r, d.View.Program)
	if d.Fresh { // the prefill is in the page's language, which may have just changed
		if d, err = s.Agreements.DraftFor(r.Context(), httpx.User(r), id, s.locale(r)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := d.View.Pair.Require(s.Clock.Now(), program.ActDraft, "agreement.error.pair_ended"); err != nil {
		s.fail(w, r, err)
		return
	}
	form := agreementValues(d.Content)
	form.Set("base_version", strconv.Itoa(d.Base))
	if rv := r.URL.Query().Get("review"); rv != "" {
		form.Set("review_meeting", rv)
	}
	data := s.agreementEditDataFor(r, d.View, form)
	data.Fresh, data.Voluntary = d.Fresh, d.Content.Voluntary
	p := s.newPage(w, r, data)
	p.Form = form
	s.renderPage(w, r, http.StatusOK, "agreement_edit", p)
}

func (s *Server) agreementEditDataFor(r *http.Request, vw *agreement.View, form url.Values) agreementEditData {
	d := agreementEditData{View: vw, Goals: agreementGoalRows(form), Shares: agreementShares, Relations: agreementRelations}
	if cur := vw.Status.Current; cur != nil {
		d.Voluntary = cur.Content.Voluntary
	} else if t, err := agreement.TemplateFor(r.Context(), s.DB, vw.Pair.ProgramID); err == nil {
		d.Voluntary = t.ClausesIn(s.locale(r)).Voluntary
	}
	if prep, err := s.Agreements.Preparation(r.Context(), httpx.User(r), vw.Pair.ID, s.locale(r)); err == nil {
		d.Prep = prep
	}
	// A link to a meeting that is not the pair's review is shown as a
	// plain edit; saving with it is refused by the agreement service.
	if id, err := strconv.ParseInt(form.Get("review_meeting"), 10, 64); err == nil && id > 0 {
		if m, err := meeting.InPair(r.Context(), s.DB, vw.Pair.ID, id); err == nil && m.Review() {
			d.Review = m
		}
	}
	return d
}

func (s *Server) agreementSave(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	base, _ := strconv.Atoi(r.PostForm.Get("base_version"))
	c := agreementContentFrom(r.PostForm)
	review, _ := strconv.ParseInt(r.PostForm.Get("review_meeting"), 10, 64)
	v, err := s.Agreements.SaveDraftFrom(r.Context(), httpx.User(r), id, base, c, s.locale(r), review)
	if err == nil {
		flash := "agreement.saved"
		if v.Number == base {
			flash = "agreement.unchanged"
		}
		s.redirect(w, r, agreementPath(id), flash)
		return
	}
	kind := errs.KindOf(err)
	if kind != errs.Invalid && kind != errs.Conflict {
		s.fail(w, r, err)
		return
	}
	vw, verr := agreement.ViewAgreement(r.Context(), s.DB, httpx.User(r), id)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	r = s.agreementLanguage(r, vw.Program)
	data := s.agreementEditDataFor(r, vw, r.PostForm)
	if cur := vw.Status.Current; kind == errs.Conflict && cur != nil && cur.Number != base {
		// Keep what the person typed, show what changed underneath, and
		// base the form on the newest version so that saving again is a
		// deliberate choice made with both texts in view.
		data.Newer = cur
		data.Changes = agreement.Diff(cur.Content, withParties(c, cur.Content), s.locale(r))
		r.PostForm.Set("base_version", strconv.Itoa(cur.Number))
	}
	s.renderForm(w, r, "agreement_edit", data, err)
}

// withParties gives typed content the parts the pair does not type, so a
// comparison shows only what the person changed.
func withParties(c, from agreement.Content) agreement.Content {
	c.Parties, c.Voluntary = from.Parties, from.Voluntary
	return c
}

// agreementValues fills the drafting form from content, the same way a
// submitted form would. Input names are the content's JSON paths, which
// are also the field names of validation errors.
func agreementValues(c agreement.Content) url.Values {
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	f := url.Values{}
	set := func(k, v string) { f.Set(k, v) }
	set("start_date", c.StartDate)
	set("end_date", c.EndDate)
	set("meeting_count", itoa(c.MeetingCount))
	set("frequency", c.Frequency)
	set("typical_minutes", itoa(c.TypicalMinutes))
	set("max_minutes", itoa(c.MaxMinutes))
	set("places", c.Places)
	set("communication", c.Communication)
	set("response_time", c.ResponseTime)
	if c.InAppMessages {
		set("in_app_messages", "1")
	}
	set("cancel_rule", c.CancelRule)
	set("cancel_notice_hours", strconv.Itoa(c.CancelNoticeHours))
	set("urgent_rule", c.UrgentRule)
	set("mentor_role", c.MentorRole)
	set("mentee_role", c.MenteeRole)
	for side, m := range map[string]agreement.Commitments{"mentor": c.Mentor, "mentee": c.Mentee} {
		set(side+".will", m.Will)
		set(side+".will_not", m.WillNot)
		set(side+".can", m.Can)
		set(side+".cannot", m.Cannot)
	}
	set("topics_in", c.TopicsIn)
	set("topics_out", c.TopicsOut)
	set("relationship", c.Relationship)
	set("confidentiality", c.Confidentiality)
	set("coordinator_sees", c.CoordinatorSees)
	set("costs", c.Costs)
	set("unmet_expectations", c.Unmet)
	for i, g := range c.Goals {
		p := "goals." + strconv.Itoa(i) + "."
		setGoal(f, p, g)
		for j, sg := range g.SubGoals {
			setGoal(f, p+"sub_goals."+strconv.Itoa(j)+".", sg)
		}
	}
	return f
}

func setGoal(f url.Values, prefix string, g agreement.Goal) {
	f.Set(prefix+"key", g.Key)
	f.Set(prefix+"title", g.Title)
	f.Set(prefix+"measure", g.Measure)
	f.Set(prefix+"target_date", g.TargetDate)
}

// agreementContentFrom reads the drafting form. A number that does not
// parse reads as 0, which validation rejects with a clear message. Goal
// rows keep their position, blank ones included, so that a message about
// goals.3.title lands next to the row the person typed in.
func agreementContentFrom(f url.Values) agreement.Content {
	num := func(k string) int {
		n, _ := strconv.Atoi(strings.TrimSpace(f.Get(k)))
		return n
	}
	commit := func(side string) agreement.Commitments {
		return agreement.Commitments{Will: f.Get(side + ".will"), WillNot: f.Get(side + ".will_not"),
			Can: f.Get(side + ".can"), Cannot: f.Get(side + ".cannot")}
	}
	c := agreement.Content{
		StartDate: f.Get("start_date"), EndDate: f.Get("end_date"),
		MeetingCount: num("meeting_count"), Frequency: f.Get("frequency"),
		TypicalMinutes: num("typical_minutes"), MaxMinutes: num("max_minutes"),
		Places: f.Get("places"), Communication: f.Get("communication"), ResponseTime: f.Get("response_time"),
		InAppMessages: f.Get("in_app_messages") != "",
		CancelRule:    f.Get("cancel_rule"), CancelNoticeHours: num("cancel_notice_hours"), UrgentRule: f.Get("urgent_rule"),
		MentorRole: f.Get("mentor_role"), MenteeRole: f.Get("mentee_role"),
		Mentor: commit("mentor"), Mentee: commit("mentee"),
		TopicsIn: f.Get("topics_in"), TopicsOut: f.Get("topics_out"), Relationship: f.Get("relationship"),
		Confidentiality: f.Get("confidentiality"), CoordinatorSees: f.Get("coordinator_sees"),
		Costs: f.Get("costs"), Unmet: f.Get("unmet_expectations"),
	}
	goal := func(prefix string) agreement.Goal {
		return agreement.Goal{Key: f.Get(prefix + "key"), Title: f.Get(prefix + "title"),
			Measure: f.Get(prefix + "measure"), TargetDate: f.Get(prefix + "target_date")}
	}
	last := lastRow(f, "goals.")
	for i := 0; i <= last; i++ {
		p := "goals." + strconv.Itoa(i) + "."
		g := goal(p)
		for j := 0; j <= lastRow(f, p+"sub_goals."); j++ {
			g.SubGoals = append(g.SubGoals, goal(p+"sub_goals."+strconv.Itoa(j)+"."))
		}
		c.Goals = append(c.Goals, g)
	}
	return c
}

// lastRow is the highest row index under prefix that has any input, or -1.
func lastRow(f url.Values, prefix string) int {
	last := -1
	for i := 0; i < agreementMaxRows; i++ {
		p := prefix + strconv.Itoa(i) + "."
		for _, k := range []string{"key", "title", "measure", "target_date"} {
			if _, ok := f[p+k]; ok {
				last = i
			}
		}
	}
	return last
}

// filledRow is the highest row index under prefix with anything typed in
// it, or -1.
func filledRow(f url.Values, prefix string) int {
	last := -1
	for i := 0; i < agreementMaxRows; i++ {
		p := prefix + strconv.Itoa(i) + "."
		if strings.TrimSpace(f.Get(p+"title")+f.Get(p+"measure")+f.Get(p+"target_date")) != "" ||
			prefix == "goals." && filledRow(f, p+"sub_goals.") >= 0 {
			last = i
		}
	}
	return last
}

// agreementGoalRows lays out the goal rows of the form: every row up to
// the last one in use, and one blank row to add a goal (or a sub-goal).
func agreementGoalRows(f url.Values) []agreementGoalRow {
	row := func(prefix string, n int) agreementGoalRow {
		return agreementGoalRow{N: n, Key: prefix + "key", Title: prefix + "title", Measure: prefix + "measure", Target: prefix + "target_date"}
	}
	var out []agreementGoalRow
	goals := min(filledRow(f, "goals.")+2, agreement.MaxGoals)
	for i := 0; i < goals; i++ {
		p := "goals." + strconv.Itoa(i) + "."
		g := row(p, i+1)
		subs := min(filledRow(f, p+"sub_goals.")+2, agreement.MaxSubGoals)
		for j := 0; j < subs; j++ {
			g.Subs = append(g.Subs, row(p+"sub_goals."+strconv.Itoa(j)+".", j+1))
		}
		out = append(out, g)
	}
	return out
}

// agreementVersionsData is the history of a pair's agreement.
type agreementVersionsData struct {
	View     *agreement.View
	Versions []agreement.Version
}

func (s *Server) agreementVersionsPage(w http.ResponseWriter, r *http.Request) {
	r, vw, ok := s.agreementView(w, r)
	if !ok {
		return
	}
	vs, err := agreement.Versions(r.Context(), s.DB, vw.Pair.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "agreement_versions", agreementVersionsData{View: vw, Versions: vs})
}

// agreementVersionData is one version, read-only.
type agreementVersionData struct {
	View     *agreement.View
	Version  *agreement.Version
	Sections []agreement.Section
	InForce  bool
}

func (s *Server) agreementVersionPage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := agreement.VersionNumber(r.PathValue("n"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, vw, err := agreement.ReadVersion(r.Context(), s.DB, httpx.User(r), id, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.agreementLanguage(r, vw.Program)
	in := vw.Status.InForce != nil && vw.Status.InForce.Number == v.Number
	s.render(w, r, http.StatusOK, "agreement_version", agreementVersionData{View: vw, Version: v,
		Sections: agreement.Sections(v.Content, s.locale(r)), InForce: in})
}

// agreementCompareData is the comparison of two versions.
type agreementCompareData struct {
	Pair *program.Pair
	*agreement.Comparison
	Numbers []int
}

func (s *Server) agreementComparePage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	from, _ := strconv.Atoi(q.Get("from"))
	to, _ := strconv.Atoi(q.Get("to"))
	u := httpx.User(r)
	p, _, err := program.RequirePairMember(r.Context(), s.DB, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.pairLanguage(r, p)
	cmp, err := s.Agreements.Compare(r.Context(), u, id, from, to, s.locale(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, err := agreement.Versions(r.Context(), s.DB, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := agreementCompareData{Pair: p, Comparison: cmp}
	for _, v := range vs {
		d.Numbers = append(d.Numbers, v.Number)
	}
	s.render(w, r, http.StatusOK, "agreement_compare", d)
}

// agreementPrepData is a person's private preparation.
type agreementPrepData struct {
	Prep         *agreement.Preparation
	Others       string
	MentorPrompt bool
}

func (s *Server) agreementPrepPage(w http.ResponseWriter, r *http.Request) {
	r, vw, ok := s.agreementView(w, r)
	if !ok {
		return
	}
	prep, err := s.Agreements.Preparation(r.Context(), httpx.User(r), vw.Pair.ID, s.locale(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r, agreementPrepData{Prep: prep, Others: withFormerNames(s.locale(r), vw.Pair).OtherNames(vw.Viewer.UserID), MentorPrompt: vw.MentorPrompt})
	p.Form = url.Values{}
	for k, a := range prep.Answers {
		p.Form.Set("q."+k, a)
	}
	s.renderPage(w, r, http.StatusOK, "agreement_prep", p)
}

func (s *Server) agreementPrepSave(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	answers := map[string]string{}
	for k, v := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "q."); ok && len(v) > 0 {
			answers[key] = v[0]
		}
	}
	_, err = s.Agreements.SavePreparation(r.Context(), httpx.User(r), id, s.locale(r), answers)
	if err == nil {
		s.redirect(w, r, "/pairs/"+strconv.FormatInt(id, 10)+"/preparation", "prep.saved")
		return
	}
	if errs.KindOf(err) != errs.Invalid {
		s.fail(w, r, err)
		return
	}
	r, vw, ok := s.agreementView(w, r)
	if !ok {
		return
	}
	prep, perr := s.Agreements.Preparation(r.Context(), httpx.User(r), id, s.locale(r))
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	s.renderForm(w, r, "agreement_prep", agreementPrepData{Prep: prep, Others: withFormerNames(s.locale(r), vw.Pair).OtherNames(vw.Viewer.UserID),
		MentorPrompt: vw.MentorPrompt}, httpx.PrefixFields(err, "q."))
}

// agreementTemplateData is the coordinator's template form for one
// language.
type agreementTemplateData struct {
	Program   *program.Program
	Lang      string
	Template  *agreement.Template
	Questions []int // the rows of the existing questions
	NewRows   []int
	Audiences []string
}

// agreementNewQuestions is how many blank rows the template form offers
// for new questions.
const agreementNewQuestions = 3

var agreementAudiences = []string{agreement.AudienceBoth, agreement.AudienceMentor, agreement.AudienceMentee}

// templateLang picks the language being edited: the one asked for, else
// the page's.
func (s *Server) templateLang(r *http.Request, asked string) string {
	if i18n.Supported(asked) {
		return asked
	}
	return s.locale(r).Lang()
}

func (s *Server) agreementTemplateDataFor(t *agreement.Template, prog *program.Program, lang string) agreementTemplateData {
	d := agreementTemplateData{Program: prog, Lang: lang, Template: t, Audiences: agreementAudiences}
	for i := range t.Questions {
		d.Questions = append(d.Questions, i)
	}
	for j := range agreementNewQuestions {
		d.NewRows = append(d.NewRows, j)
	}
	return d
}

// agreementTemplateValues fills the template form for one language with
// the texts pairs get today, ours where the coordinator has not written
// their own, so there is always something to start from.
func (s *Server) agreementTemplateValues(t *agreement.Template, lang string) url.Values {
	l := s.Bundle.Locale(lang)
	f := url.Values{"lang": {lang}}
	clauses := t.ClausesIn(l)
	for _, name := range agreement.ClauseNames {
		f.Set("clauses."+name, clauses.Get(name))
	}
	for i, q := range t.Questions {
		p := "questions." + strconv.Itoa(i) + "."
		f.Set(p+"text", agreement.QuestionText(q, l))
		f.Set(p+"audience", q.Audience)
	}
	return f
}

func (s *Server) agreementTemplatePage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, prog, err := s.Agreements.Template(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.agreementLanguage(r, prog)
	lang := s.templateLang(r, r.URL.Query().Get("lang"))
	p := s.newPage(w, r, s.agreementTemplateDataFor(t, prog, lang))
	p.Form = s.agreementTemplateValues(t, lang)
	s.renderPage(w, r, http.StatusOK, "agreement_template", p)
}

func (s *Server) agreementTemplateSave(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, prog, err := s.Agreements.Template(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.agreementLanguage(r, prog)
	r.ParseForm()
	f := r.PostForm
	lang := f.Get("lang")
	if !i18n.Supported(lang) {
		s.fail(w, r, errs.E(errs.Invalid, "agreement.error.language"))
		return
	}
	// The form edits one language: the other languages' texts stay.
	t.Clauses[lang] = agreement.ClausesFrom(func(name string) string { return f.Get("clauses." + name) })
	var qs []agreement.Question
	for i, q := range t.Questions {
		p := "questions." + strconv.Itoa(i) + "."
		if f.Get(p+"remove") != "" {
			continue
		}
		if q.Text == nil {
			q.Text = map[string]string{}
		}
		q.Text[lang] = f.Get(p + "text")
		q.Audience = f.Get(p + "audience")
		qs = append(qs, q)
	}
	for j := range agreementNewQuestions {
		p := "new." + strconv.Itoa(j) + "."
		if text := strings.TrimSpace(f.Get(p + "text")); text != "" {
			qs = append(qs, agreement.Question{Audience: f.Get(p + "audience"), Text: map[string]string{lang: text}})
		}
	}
	t.Questions = qs
	if _, err := s.Agreements.SaveTemplate(r.Context(), httpx.User(r), id, *t); err != nil {
		if errs.KindOf(err) != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		fresh, _, terr := s.Agreements.Template(r.Context(), httpx.User(r), id)
		if terr != nil {
			s.fail(w, r, terr)
			return
		}
		s.renderForm(w, r, "agreement_template", s.agreementTemplateDataFor(fresh, prog, lang), templateFormFields(err, lang))
		return
	}
	s.redirect(w, r, "/programs/"+strconv.FormatInt(id, 10)+"/agreement-template?lang="+lang, "agreement.template_saved")
}

// templateFormFields maps the template's field names (clauses.nb.costs,
// questions.2.text.nb) to the inputs of the one-language form.
func templateFormFields(err error, lang string) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	fields := make(map[string]errs.Msg, len(e.Fields))
	for f, m := range e.Fields {
		if rest, ok := strings.CutPrefix(f, "clauses."+lang+"."); ok {
			f = "clauses." + rest
		} else if q, ok := strings.CutSuffix(f, ".text."+lang); ok {
			f = q + ".text"
		}
		fields[f] = m
	}
	out := *e
	out.Fields = fields
	return &out
}
