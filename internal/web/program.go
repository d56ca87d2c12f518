package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
)

func (s *Server) programRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs", s.requireUser(s.programList))
	mux.HandleFunc("GET /programs/new", s.requireUser(s.programNewForm))
	mux.HandleFunc("POST /programs", s.requireUser(s.programCreate))
	mux.HandleFunc("GET /programs/{id}", s.requireUser(s.programOverview))
	mux.HandleFunc("GET /programs/{id}/edit", s.requireUser(s.programEditForm))
	mux.HandleFunc("POST /programs/{id}/edit", s.requireUser(s.programUpdate))
	mux.HandleFunc("POST /programs/{id}/coordinators", s.requireUser(s.programAddCoordinator))
	mux.HandleFunc("GET /programs/{id}/participants", s.requireUser(s.participantList))
	mux.HandleFunc("POST /programs/{id}/participants/{user}/approve", s.requireUser(s.participantDecide(true)))
	mux.HandleFunc("POST /programs/{id}/participants/{user}/decline", s.requireUser(s.participantDecide(false)))
	mux.HandleFunc("GET /programs/{id}/pairs", s.requireUser(s.pairList))
	mux.HandleFunc("POST /programs/{id}/pairs", s.requireUser(s.pairCreate))
	mux.HandleFunc("POST /programs/{id}/pairs/{pair}/end", s.requireUser(s.pairEnd))
}

func programPath(id int64) string { return "/programs/" + strconv.FormatInt(id, 10) }

func (s *Server) programList(w http.ResponseWriter, r *http.Request) {
	coordinated, participating, err := s.Programs.Mine(r.Context(), httpx.User(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "program_list", programListData{Coordinated: coordinated, Participating: participating})
}

type programListData struct {
	Coordinated, Participating []program.Summary
}

// programFormData is what the settings form needs beside the values.
type programFormData struct {
	Program   *program.Program // nil when creating
	JoinRoles []string
	Choices   *cohortChoices // the other ways to start, when creating (cohort.go)
}

var joinRoles = []string{program.JoinChoose, program.JoinMentor, program.JoinMentee}

// roleField is one input for what the program calls a role in a language.
type roleField struct {
	Name, Lang, Role, Default string
}

// RoleFields lists the role-word inputs, a mentee and a mentor word per
// language, each with the catalog's forms as the example to follow.
func (programFormData) RoleFields() []roleField {
	var out []roleField
	for _, lang := range i18n.Languages {
		for _, role := range i18n.Roles {
			out = append(out, roleField{program.RoleField(role, lang), lang, role, i18n.DefaultRoleForms(lang, role)})
		}
	}
	return out
}

// roleNamesFrom reads the role-word inputs of the settings form.
func roleNamesFrom(f url.Values) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range i18n.Languages {
		out[lang] = map[string]string{}
		for _, role := range i18n.Roles {
			out[lang][role] = f.Get(program.RoleField(role, lang))
		}
	}
	return out
}

// settingsValues fills the settings form with a program's current (or
// default) values, the same way a submitted form would.
func settingsValues(st program.Settings) url.Values {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return ""
	}
	v := url.Values{
		"name": {st.Name}, "purpose": {st.Purpose}, "goals": {st.Goals}, "focus_areas": {st.FocusAreas},
		"start": {st.Start}, "end": {st.End},
		"min_meetings": {strconv.Itoa(st.MinMeetings)}, "max_gap_days": {strconv.Itoa(st.MaxGapDays)},
		"meeting_min_minutes": {strconv.Itoa(st.MeetingMinMinutes)}, "meeting_max_minutes": {strconv.Itoa(st.MeetingMaxMinutes)},
		"messages_allowed": {b(st.MessagesAllowed)}, "eval_followup": {b(st.EvalFollowup)},
		"eval_midpoint": {b(st.EvalMidpoint)}, "eval_final": {b(st.EvalFinal)},
		"default_language": {st.DefaultLanguage}, "join_enabled": {b(st.JoinEnabled)}, "join_role": {st.JoinRole},
	}
	for lang, roles := range st.RoleNames {
		for role, text := range roles {
			v.Set(program.RoleField(role, lang), text)
		}
	}
	return v
}

// settingsFrom reads the settings form. A number that does not parse reads
// as 0, which the range checks then reject with a clear message.
func settingsFrom(r *http.Request) program.Settings {
	f := r.PostForm
	num := func(k string) int {
		n, _ := strconv.Atoi(strings.TrimSpace(f.Get(k)))
		return n
	}
	on := func(k string) bool { return f.Get(k) != "" }
	return program.Settings{
		Name: f.Get("name"), Purpose: f.Get("purpose"), Goals: f.Get("goals"), FocusAreas: f.Get("focus_areas"),
		Start: f.Get("start"), End: f.Get("end"),
		MinMeetings: num("min_meetings"), MaxGapDays: num("max_gap_days"),
		MeetingMinMinutes: num("meeting_min_minutes"), MeetingMaxMinutes: num("meeting_max_minutes"),
		MessagesAllowed: on("messages_allowed"), EvalFollowup: on("eval_followup"),
		EvalMidpoint: on("eval_midpoint"), EvalFinal: on("eval_final"),
		DefaultLanguage: f.Get("default_language"), JoinEnabled: on("join_enabled"), JoinRole: f.Get("join_role"),
		RoleNames: roleNamesFrom(f),
	}
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, d programFormData, st program.Settings) {
	p := s.newPage(w, r, d)
	p.Form = settingsValues(st)
	s.renderPage(w, r, http.StatusOK, "program_form", p)
}

func (s *Server) programNewForm(w http.ResponseWriter, r *http.Request) {
	u := httpx.User(r)
	if !u.CanCreatePrograms() {
		s.fail(w, r, errs.E(errs.Forbidden, "program.error.cannot_create"))
		return
	}
	l := s.locale(r)
	def := program.Defaults(s.Clock.Now(), l.Lang())
	st := program.SettingsOf(def)
	if r.URL.Query().Get("preset") == "jobs" {
		// The job-mentoring program of seed 003: its goals, in the
		// coordinator's language, and its word for the mentee in Norwegian
		// (deltaker), ready to change before saving.
		st.Purpose = l.T("program.preset.jobs.purpose")
		st.Goals = l.T("program.preset.jobs.goals")
		st.FocusAreas = l.T("program.preset.jobs.focus")
		st.RoleNames["nb"][i18n.RoleMentee] = "deltaker, deltakeren, deltakere, deltakerne"
	}
	choices, err := s.cohortChoices(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSettings(w, r, programFormData{JoinRoles: joinRoles, Choices: choices}, st)
}

func (s *Server) programCreate(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	p, err := s.Programs.Create(r.Context(), httpx.User(r), settingsFrom(r))
	if err != nil {
		s.renderForm(w, r, "program_form", programFormData{JoinRoles: joinRoles}, err)
		return
	}
	s.redirect(w, r, programPath(p.ID), "program.created")
}

func (s *Server) programEditForm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	s.renderSettings(w, r, programFormData{Program: p, JoinRoles: joinRoles}, program.SettingsOf(*p))
}

func (s *Server) programUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	_, err = s.Programs.Update(r.Context(), httpx.User(r), id, settingsFrom(r))
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		p, perr := s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.renderForm(w, r, "program_form", programFormData{Program: p, JoinRoles: joinRoles}, err)
		return
	}
	s.redirect(w, r, programPath(id), "program.saved")
}

// overviewData serves both views of /programs/{id}: the coordinator's with
// counts and coordinators, and a participant's with only their own status
// and pair.
type overviewData struct {
	Program      *program.Program
	Coordinator  bool
	Counts       program.StatusCounts
	ActivePairs  int
	Coordinators []program.Coordinator
	Me           *program.Participant // the viewer's participation, for participants
	MyPairs      []program.Pair       // the viewer's pairs in this program
	Extras       programExtras        // self-match and chemistry links (selfmatch.go)
	JoinURL      string               // shown to coordinators so they can share it
	Launch       *launchView          // the launch checklist, for coordinators
}

func (s *Server) programOverview(w http.ResponseWriter, r *http.Request) {
	s.showOverview(w, r, http.StatusOK, nil)
}

// showOverview renders the overview, or, after a failed add-coordinator
// form, the overview with that form's problem.
func (s *Server) showOverview(w http.ResponseWriter, r *http.Request, code int, formErr error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	u := httpx.User(r)
	p, role, err := s.Programs.RequireMember(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = s.withProgramLanguage(r, p.DefaultLanguage)
	d := overviewData{Program: p, Coordinator: role == program.RoleCoordinator}
	if d.Coordinator {
		d.JoinURL = s.Outbox.Link("/join/" + p.JoinToken)
		if d.Counts, err = program.CountByStatus(ctx, s.DB, id); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Coordinators, err = program.Coordinators(ctx, s.DB, id); err != nil {
			s.fail(w, r, err)
			return
		}
		pairs, err := program.Pairs(ctx, s.DB, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, pr := range pairs {
			if pr.Active() {
				d.ActivePairs++
			}
		}
		if d.Launch, err = s.launch(r, p); err != nil {
			s.fail(w, r, err)
			return
		}
	} else {
		if d.Me, err = program.GetParticipant(ctx, s.DB, id, u.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	mine, err := program.PairsForUser(ctx, s.DB, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, pr := range mine {
		if pr.ProgramID == id {
			d.MyPairs = append(d.MyPairs, pr)
		}
	}
	if d.Extras, err = s.overviewExtras(r, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	if formErr != nil {
		s.renderForm(w, r, "program_overview", d, formErr)
		return
	}
	s.render(w, r, code, "program_overview", d)
}

func (s *Server) programAddCoordinator(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	err = s.Programs.AddCoordinator(r.Context(), httpx.User(r), id, r.PostForm.Get("email"))
	if err != nil {
		if e, ok := errs.As(err); ok && len(e.Fields) > 0 {
			s.showOverview(w, r, 0, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, programPath(id), "program.coordinator_added")
}

type participantListData struct {
	Program      *program.Program
	Participants []program.Participant
	Counts       program.StatusCounts
	Filter       program.ParticipantFilter
	Filtered     bool
	Roles        []string
	Statuses     []string
	Launch       *launchView // what is missing, when nobody has enrolled
	// The program's own questions and answers, and the answer filter.
	Roster         *question.Roster
	AnswerQuestion int64
	AnswerValue    string
}

// Answers lists a participant's answers in the reader's language.
func (d participantListData) Answers(p program.Participant, lang string) []question.Shown {
	return question.Show(d.Roster.Questions, d.Roster.Answers[p.ID], lang)
}

// ExportQuery is the list's filters as an address query, for the export.
func (d participantListData) ExportQuery() string {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("q", d.Filter.Search)
	set("role", d.Filter.Role)
	set("status", d.Filter.Status)
	if d.AnswerQuestion != 0 {
		v.Set("aq", strconv.FormatInt(d.AnswerQuestion, 10))
		set("av", d.AnswerValue)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (s *Server) participantList(w http.ResponseWriter, r *http.Request) {
	p, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	ctx, id := r.Context(), p.ID
	q := r.URL.Query()
	// Unknown filter values are ignored rather than refused: they come from
	// links and bookmarks, not from typing.
	f := participantFilterFrom(q)
	// With the program's own questions and their answers (question.go).
	ro, err := s.questions().Roster(ctx, httpx.User(r), id, f, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	aq, av := rosterFilter(q)
	if aq != 0 {
		ro.Filter(aq, av, s.locale(r).Lang())
	}
	list := ro.Participants
	counts, err := program.CountByStatus(ctx, s.DB, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := participantListData{
		Program: p, Participants: list, Counts: counts, Filter: f, Roster: ro, AnswerQuestion: aq, AnswerValue: av,
		Filtered: f.Search != "" || f.Role != "" || f.Status != "" || aq != 0,
		Roles:    []string{program.SideMentor, program.SideMentee},
		Statuses: []string{program.StatusPending, program.StatusApproved, program.StatusDeclined},
	}
	if len(list) == 0 && !d.Filtered {
		if d.Launch, err = s.launch(r, p); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "program_participants", d)
}

func (s *Server) participantDecide(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, uid, err := httpx.PathIDs(r, "id", "user")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.Programs.Decide(r.Context(), httpx.User(r), id, uid, approve); err != nil {
			s.fail(w, r, err)
			return
		}
		flash := "participant.declined_flash"
		if approve {
			flash = "participant.approved_flash"
		}
		s.redirect(w, r, programPath(id)+"/participants", flash)
	}
}

type pairListData struct {
	Program          *program.Program
	Pairs            []program.Pair
	Mentors, Mentees []program.Candidate
	// Next holds each pair's next booked meeting; a pair missing from it
	// has no next meeting booked.
	Next map[int64]*meeting.Meeting
	// Left holds, by closed pair, its approved mentees for whom it was
	// their latest pair: the coordinator may return them to the pool.
	Left map[int64][]leftMentee
}

// leftMentee is a mentee of a closed pair, in or out of the pool.
type leftMentee struct {
	UserID int64
	Name   string
	InPool bool
}

func (s *Server) pairData(r *http.Request, id int64) (pairListData, error) {
	ctx := r.Context()
	u := httpx.User(r)
	p, err := s.Programs.RequireCoordinator(ctx, u, id)
	if err != nil {
		return pairListData{}, err
	}
	d := pairListData{Program: p}
	if d.Pairs, err = s.Programs.ProgramPairs(ctx, u, id); err != nil {
		return d, err
	}
	if d.Next, err = meeting.NextByProgram(ctx, s.DB, id, s.Clock.Now()); err != nil {
		return d, err
	}
	if d.Mentors, d.Mentees, err = s.Programs.PairCandidates(ctx, u, id); err != nil {
		return d, err
	}
	h, err := program.LoadHistory(ctx, s.DB, id)
	if err != nil {
		return d, err
	}
	d.Left = map[int64][]leftMentee{}
	for _, m := range d.Mentees {
		if l, ok := h.Left[m.UserID]; ok {
			d.Left[l.PairID] = append(d.Left[l.PairID], leftMentee{UserID: m.UserID, Name: m.Name, InPool: l.InPool()})
		}
	}
	return d, nil
}

func (s *Server) pairList(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.pairData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "program_pairs", d)
}

// formIDs reads repeated numeric form values; anything unreadable is
// dropped, so it reads as "nobody chosen" and is refused by the domain.
func formIDs(vs []string) []int64 {
	var out []int64
	for _, v := range vs {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

func (s *Server) pairCreate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	create := s.Programs.CreatePair
	if r.PostForm.Get("again") != "" {
		create = s.Programs.CreatePairAgain
	}
	_, err = create(r.Context(), httpx.User(r), id, formIDs(r.PostForm["mentor"]), formIDs(r.PostForm["mentee"]))
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		d, derr := s.pairData(r, id)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.renderForm(w, r, "program_pairs", d, err)
		return
	}
	s.redirect(w, r, programPath(id)+"/pairs", "pair.created")
}

func (s *Server) pairEnd(w http.ResponseWriter, r *http.Request) {
	id, pid, err := httpx.PathIDs(r, "id", "pair")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	end := s.Programs.EndPair
	if r.PostForm.Get("return") != "" {
		end = s.Programs.EndPairReturning
	}
	if err := end(r.Context(), httpx.User(r), id, pid); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, programPath(id)+"/pairs", "pair.ended_flash")
}

// coordinatorProgram authorizes the caller as a coordinator of the program
// in the path. It answers the error itself and returns ok=false when the
// handler should stop.
func (s *Server) coordinatorProgram(w http.ResponseWriter, r *http.Request) (*program.Program, bool) {
	id, err := httpx.ProgramPathID(r)
	if err == nil {
		var p *program.Program
		if p, err = s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id); err == nil {
			return p, true
		}
	}
	s.fail(w, r, err)
	return nil, false
}
