package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
)

// Pages of a meeting's documents (agenda, shared and private notes, action
// items) and the coordinator's meeting plan and libraries.
func (s *Server) notesRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}/meetings/{mid}/agenda", s.requireUser(s.notesAgendaPage))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/agenda", s.requireUser(s.notesAgendaSave))
	mux.HandleFunc("GET /pairs/{id}/meetings/{mid}/notes", s.requireUser(s.notesPage))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/notes", s.requireUser(s.notesSave))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/notes/private", s.requireUser(s.notesPrivateSave))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/notes/actions", s.requireUser(s.notesActionAdd))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/notes/actions/{aid}", s.requireUser(s.notesActionUpdate))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/notes/actions/{aid}/review", s.requireUser(s.notesActionReview))
	mux.HandleFunc("GET /programs/{id}/meeting-plan", s.requireUser(s.notesPlanPage))
	mux.HandleFunc("POST /programs/{id}/meeting-plan", s.requireUser(s.notesPlanSave))
	mux.HandleFunc("POST /programs/{id}/meeting-plan/reset", s.requireUser(s.notesPlanReset))
}

func notesMeetingPath(pairID, meetingID int64, doc string) string {
	return fmt.Sprintf("/pairs/%d/meetings/%d/%s", pairID, meetingID, doc)
}

// notesFormInt reads a whole number from a form; anything else reads as -1,
// which the domain's range checks refuse with a clear message.
func notesFormInt(f url.Values, name string) int {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

// notesProblem puts an error on a page: field messages by field name and one
// message for the whole form. It reports false for errors that are not
// about the input, which the caller hands to s.fail.
func notesProblem(p *Page, err error) bool {
	e, ok := errs.As(err)
	if !ok || (e.Kind != errs.Invalid && e.Kind != errs.Conflict) {
		return false
	}
	p.Errors = map[string]string{}
	for f, m := range e.Fields {
		p.Errors[f] = p.L.Msg(m.Key, m.Args)
	}
	if len(e.Fields) > 0 {
		p.Error = p.L.T("error.invalid")
	} else {
		p.Error = p.L.Msg(e.Key, e.Args)
	}
	return true
}

// notesRow is one editable entry of an ordered list: an agenda topic or a
// plan entry. Index is its place in the form, so that a problem found after
// sorting still lands next to the right inputs.
type notesRow struct {
	Index        int
	Order        int
	Source       string
	Title, Text  string // Text is the agenda note or the plan description
	Remove       bool
	Blank        bool // an empty row offered for a new entry
	TitleError   string
	TextError    string
	TextRendered template.HTML
}

// notesBlankRows is how many empty rows a list form offers for new entries.
const notesBlankRows = 3

// notesRowsFrom reads an ordered list form: rows title_N, text_N, order_N,
// remove_N and source_N, N below the "rows" count. Removed rows and empty
// new rows are dropped; the rest come back in the order asked for, with the
// form index of each.
func notesRowsFrom(f url.Values, limit int) (rows []notesRow, kept []notesRow) {
	// A form never offers more rows than the limit allows plus the blank
	// ones, so anything beyond is not from our page and is not read.
	n := min(max(notesFormInt(f, "rows"), 0), limit+notesBlankRows)
	for i := range n {
		k := strconv.Itoa(i)
		row := notesRow{Index: i, Order: notesFormInt(f, "order_"+k), Source: f.Get("source_" + k),
			Title: f.Get("title_" + k), Text: f.Get("text_" + k), Remove: f.Get("remove_"+k) != ""}
		rows = append(rows, row)
		if row.Remove || strings.TrimSpace(row.Title) == "" && strings.TrimSpace(row.Text) == "" {
			continue
		}
		kept = append(kept, row)
	}
	// A row given a new number lands at that place: moved down, it goes
	// after the row already there; moved up, before it.
	key := func(r notesRow) int {
		if r.Order <= 0 {
			return 1 << 30 // no position: last, in form order
		}
		k, was := 2*r.Order, r.Index+1
		switch {
		case r.Order > was:
			k++
		case r.Order < was:
			k--
		}
		return k
	}
	slices.SortStableFunc(kept, func(a, b notesRow) int { return key(a) - key(b) })
	return rows, kept
}

// applyRowOp carries out the button a mentee pressed beside a topic,
// "up:N", "down:N" or "remove:N" with N the row's form index, on the rows
// in their order. The agenda is then saved with everything else typed in
// the form, so the buttons work without JavaScript and lose nothing. An
// op naming no kept row, or a move past either end, changes nothing.
func applyRowOp(kept []notesRow, op string) []notesRow {
	verb, n, ok := strings.Cut(op, ":")
	idx, err := strconv.Atoi(n)
	if !ok || err != nil {
		return kept
	}
	at := slices.IndexFunc(kept, func(r notesRow) bool { return r.Index == idx })
	if at < 0 {
		return kept
	}
	switch verb {
	case "up":
		if at > 0 {
			kept[at-1], kept[at] = kept[at], kept[at-1]
		}
	case "down":
		if at < len(kept)-1 {
			kept[at+1], kept[at] = kept[at], kept[at+1]
		}
	case "remove":
		kept = slices.Delete(kept, at, at+1)
	}
	return kept
}

// notesRowErrors moves field messages named "<prefix><k>.title" (k the
// position after sorting) onto the form rows they came from.
func notesRowErrors(p *Page, rows []notesRow, kept []notesRow, prefix string) {
	for k, row := range kept {
		for i := range rows {
			if rows[i].Index != row.Index {
				continue
			}
			rows[i].TitleError = p.Errors[fmt.Sprintf("%s%d.title", prefix, k)]
			rows[i].TextError = p.Errors[fmt.Sprintf("%s%d.note", prefix, k)] + p.Errors[fmt.Sprintf("%s%d.description", prefix, k)]
		}
	}
}

// notesWithBlanks numbers rows for the form and adds empty ones at the end.
func notesWithBlanks(rows []notesRow) []notesRow {
	for i := range rows {
		rows[i].Index, rows[i].Order = i, i+1
	}
	for range notesBlankRows {
		n := len(rows)
		rows = append(rows, notesRow{Index: n, Order: n + 1, Blank: true, Source: meeting.SourceOwn})
	}
	return rows
}

// ---- Agenda ----

type notesAgendaData struct {
	A         *meeting.Agenda
	Rows      []notesRow         // the form's rows, for the mentee
	Items     []notesRow         // the saved agenda, for reading
	Picks     []notesPickSection // what the plan offers to add, ticked as in a form shown again
	Version   int
	Conflict  bool
	PairPath  string
	BookPath  string
	NotesPath string
}

// LastTopic is the form index of the last row holding a topic: it has no
// "move down" button.
func (d *notesAgendaData) LastTopic() int {
	last := -1
	for _, r := range d.Rows {
		if !r.Blank {
			last = r.Index
		}
	}
	return last
}

// notesPickSection is one kind of the plan's suggestions with its items
// ready to print: the form lists every item of the plan (some tens), and
// working out each one's name, value and marks in the template cost more
// than the rest of the page together.
type notesPickSection struct {
	Kind  string
	Items []notesPick
}

type notesPick struct {
	ID          string // the checkbox's id, for its label
	Value       string // "kind:title", as the save reads it
	Title       string
	Description string
	Suggested   bool // the theme the plan suggests for this meeting
	Checked     bool // ticked in a form shown again
}

// notesPicks lists the plan's suggestions of each kind; picked are the
// values ticked in a form shown again.
func notesPicks(a *meeting.Agenda, picked []string) []notesPickSection {
	out := make([]notesPickSection, 0, len(meeting.PlanKinds))
	for _, kind := range meeting.PlanKinds {
		list := a.Plan.List(kind)
		sec := notesPickSection{Kind: kind, Items: make([]notesPick, len(list))}
		for j, it := range list {
			v := kind + ":" + it.Title
			sec.Items[j] = notesPick{ID: "pick-" + kind + "-" + strconv.Itoa(j), Value: v, Title: it.Title,
				Description: it.Description, Suggested: kind == "theme" && j+1 == a.Meeting.Number,
				Checked: slices.Contains(picked, v)}
		}
		out = append(out, sec)
	}
	return out
}

func notesAgendaRows(items []meeting.AgendaItem) []notesRow {
	rows := make([]notesRow, len(items))
	for i, it := range items {
		rows[i] = notesRow{Source: it.Source, Title: it.Title, Text: it.Note, TextRendered: meeting.Markdown(it.Note)}
	}
	return rows
}

func (s *Server) notesAgendaData(a *meeting.Agenda) *notesAgendaData {
	d := &notesAgendaData{A: a, Items: notesAgendaRows(a.Items), Version: a.Version,
		PairPath:  fmt.Sprintf("/pairs/%d", a.Pair.ID),
		BookPath:  fmt.Sprintf("/pairs/%d/meetings/new", a.Pair.ID),
		NotesPath: notesMeetingPath(a.Pair.ID, a.Meeting.ID, "notes")}
	if a.CanEdit {
		d.Rows = notesWithBlanks(notesAgendaRows(a.Items))
		d.Picks = notesPicks(a, nil)
	}
	return d
}

func (s *Server) notesAgendaPage(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.Meetings.Agenda(r.Context(), httpx.User(r), pairID, meetingID, s.locale(r).Lang())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "notes_agenda", s.notesAgendaData(a))
}

func (s *Server) notesAgendaSave(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	f := r.PostForm
	rows, kept := notesRowsFrom(f, meeting.MaxAgendaItems)
	kept = applyRowOp(kept, f.Get("op"))
	items := make([]meeting.AgendaItem, 0, len(kept))
	have := map[string]bool{}
	for _, row := range kept {
		items = append(items, meeting.AgendaItem{Source: row.Source, Title: row.Title, Note: row.Text})
		have[strings.ToLower(strings.TrimSpace(row.Title))] = true
	}
	// Ticked suggestions come as "kind:title" and join the end of the list,
	// unless the same topic is already on it.
	for _, pick := range f["pick"] {
		kind, title, ok := strings.Cut(pick, ":")
		key := strings.ToLower(strings.TrimSpace(title))
		if !ok || have[key] {
			continue
		}
		have[key] = true
		items = append(items, meeting.AgendaItem{Source: kind, Title: title})
	}
	_, err = s.Meetings.SaveAgenda(r.Context(), httpx.User(r), pairID, meetingID, notesFormInt(f, "version"), items)
	if err == nil {
		to := notesMeetingPath(pairID, meetingID, "agenda")
		if f.Get("op") != "" {
			to += "#h-edit" // back to the buttons the mentee was using
		}
		s.redirect(w, r, to, "agenda.saved")
		return
	}
	// Show the form again with what the mentee wrote, whatever went wrong
	// with it: nothing typed is lost.
	a, lerr := s.Meetings.Agenda(r.Context(), httpx.User(r), pairID, meetingID, s.locale(r).Lang())
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	d := s.notesAgendaData(a)
	p := s.newPage(w, r, d)
	if !notesProblem(p, err) || !a.CanEdit {
		s.fail(w, r, err)
		return
	}
	d.Conflict = errs.Is(err, errs.Conflict)
	notesRowErrors(p, rows, kept, "items.")
	d.Rows = rows
	d.Picks = notesPicks(a, f["pick"])
	if d.Conflict {
		// The mentee saw the newer agenda above the form; saving again
		// replaces it on purpose.
		d.Version = a.Version
	} else {
		d.Version = notesFormInt(f, "version")
	}
	s.renderPage(w, r, httpx.Status(errs.KindOf(err)), "notes_agenda", p)
}

// ---- Notes ----

// notesField is one step of the meeting checklist.
type notesField struct {
	Name, Label, Hint string
	Value             string
	Rendered          template.HTML
	Error             string
}

type notesPageData struct {
	N         *meeting.MeetingNotes
	Edit      bool
	Fields    []notesField
	Time      string // time_minutes as shown in the form
	TimeError string
	Version   int
	Conflict  bool
	Agenda    []notesRow
	Private   template.HTML
	PrivText  string
	PrivVer   int
	PrivConf  bool
	// AddForm adds an action item; EditForms[i] edits Agreed[i].
	AddForm    notesActionForm
	EditForms  []notesActionForm
	Today      string // YYYY-MM-DD in the viewer's zone, for overdue marks
	PairPath   string
	BookPath   string
	AgendaPath string
	Path       string
	// EditAgreement opens the agreement editor from a held agreement
	// review meeting; empty for any other meeting.
	EditAgreement string
}

// Overdue reports whether an action item is past its due date.
func (d *notesPageData) Overdue(a meeting.ActionItem) bool { return a.Overdue(d.Today) }

// DueDate turns a due date into a time the locale can format.
func (d *notesPageData) DueDate(due string) time.Time {
	t, _ := program.ParseDate(due)
	return t
}

// notesActionForm is one action item form: adding one, or editing Agreed[i].
type notesActionForm struct {
	L                      *i18n.Locale
	Path                   string
	ID                     int64 // 0 for a new item
	Text, Owner, Due, Goal string
	Errors                 map[string]string // only on a form shown again
	Owners                 []program.PairMember
	Goals                  []meeting.GoalRef
}

// actionForms builds the action item forms from the saved items.
func (d *notesPageData) actionForms(l *i18n.Locale) {
	owners := append(slices.Clone(d.N.Pair.Mentors), d.N.Pair.Mentees...)
	form := func(id int64) notesActionForm {
		path := d.Path + "/actions"
		if id != 0 {
			path += "/" + strconv.FormatInt(id, 10)
		}
		return notesActionForm{L: l, Path: path, ID: id, Owners: owners, Goals: d.N.Goals}
	}
	d.AddForm = form(0)
	d.EditForms = nil
	for _, a := range d.N.Agreed {
		f := form(a.ID)
		f.Text, f.Owner, f.Due = a.Text, strconv.FormatInt(a.OwnerID, 10), a.Due
		if a.GoalID != 0 {
			f.Goal = strconv.FormatInt(a.GoalID, 10)
		}
		d.EditForms = append(d.EditForms, f)
	}
}

// actionFormAgain puts a refused action item form back as it was sent.
func (d *notesPageData) actionFormAgain(p *Page, f url.Values, id int64) {
	again := func(af *notesActionForm) {
		af.Text, af.Owner, af.Due, af.Goal = f.Get("text"), f.Get("owner"), f.Get("due"), f.Get("goal")
		af.Errors = p.Errors
		if len(af.Errors) == 0 {
			af.Errors = map[string]string{"text": p.Error}
		}
	}
	if id == 0 {
		again(&d.AddForm)
		return
	}
	for i := range d.EditForms {
		if d.EditForms[i].ID == id {
			again(&d.EditForms[i])
		}
	}
}

// notesChecklist lists the shared-notes fields in the order of the meeting
// checklist. Action items, the step between "move on" and "reflection",
// have their own section.
var notesChecklist = []struct{ name, label, hint string }{
	{"since_last", "notes.field.since_last", "notes.hint.since_last"},
	{"today", "notes.field.today", "notes.hint.today"},
	{"theme", "notes.field.theme", "notes.hint.theme"},
	{"next_steps", "notes.field.next_steps", "notes.hint.next_steps"},
	{"reflection", "notes.field.reflection", "notes.hint.reflection"},
	{"remember", "notes.field.remember", "notes.hint.remember"},
}

func notesValues(n meeting.Notes) map[string]string {
	return map[string]string{"since_last": n.SinceLast, "today": n.Today, "theme": n.Theme,
		"next_steps": n.NextSteps, "reflection": n.Reflection, "remember": n.Remember}
}

func notesFromForm(f url.Values) meeting.Notes {
	return meeting.Notes{SinceLast: f.Get("since_last"), Today: f.Get("today"), TimeMinutes: notesFormInt(f, "time_minutes"),
		Theme: f.Get("theme"), NextSteps: f.Get("next_steps"), Reflection: f.Get("reflection"), Remember: f.Get("remember")}
}

func (s *Server) notesPageData(r *http.Request, p *Page, n *meeting.MeetingNotes) *notesPageData {
	d := &notesPageData{N: n, Version: n.Version,
		Today:      meeting.Today(s.Clock.Now(), p.TZ()),
		PairPath:   fmt.Sprintf("/pairs/%d", n.Pair.ID),
		BookPath:   fmt.Sprintf("/pairs/%d/meetings/new", n.Pair.ID),
		AgendaPath: notesMeetingPath(n.Pair.ID, n.Meeting.ID, "agenda"),
		Path:       notesMeetingPath(n.Pair.ID, n.Meeting.ID, "notes"),
		Agenda:     notesAgendaRows(n.Agenda)}
	// values is what the form starts from, saved what the page shows.
	values, saved := notesValues(n.Notes), notesValues(n.Notes)
	switch {
	case n.Notes.Empty() && n.Meeting.Review():
		// The review's theme is the agreement, whatever meeting number
		// the plan would suggest a theme for.
		values["theme"] = p.L.T("meeting.purpose.agreement_review")
	case n.Notes.Empty() && n.Theme != nil:
		values["theme"] = n.Theme.Title
	}
	for _, c := range notesChecklist {
		d.Fields = append(d.Fields, notesField{Name: c.name, Label: p.L.T(c.label), Hint: p.L.T(c.hint),
			Value: values[c.name], Rendered: meeting.Markdown(saved[c.name])})
	}
	switch {
	case n.Notes.TimeMinutes > 0:
		d.Time = strconv.Itoa(n.Notes.TimeMinutes)
	case n.Notes.Empty():
		d.Time = strconv.Itoa(n.Meeting.Minutes)
	}
	d.Edit = n.CanWrite && (r.URL.Query().Get("edit") != "" || n.Notes.Empty())
	if now := s.Clock.Now(); n.Meeting.Review() && n.Meeting.Held(now) && n.Viewer.Member() && n.Pair.Allows(now, program.ActDraft) {
		d.EditAgreement = agreementEditFromReview(n.Pair.ID, n.Meeting.ID)
	}
	d.actionForms(p.L)
	if n.Private != nil {
		d.Private = meeting.Markdown(n.Private.Body)
		d.PrivText, d.PrivVer = n.Private.Body, n.Private.Version
	}
	return d
}

// notesShow renders the notes page; after a failed form, formErr says what
// went wrong and adjust puts the submitted values back.
func (s *Server) notesShow(w http.ResponseWriter, r *http.Request, formErr error, adjust func(p *Page, d *notesPageData)) {
	pairID, meetingID, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.Meetings.MeetingNotes(r.Context(), httpx.User(r), pairID, meetingID, s.locale(r).Lang())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r, nil)
	d := s.notesPageData(r, p, n)
	p.Data = d
	code := http.StatusOK
	if formErr != nil {
		if !notesProblem(p, formErr) {
			s.fail(w, r, formErr)
			return
		}
		code = httpx.Status(errs.KindOf(formErr))
		adjust(p, d)
	}
	s.renderPage(w, r, code, "notes_notes", p)
}

func (s *Server) notesPage(w http.ResponseWriter, r *http.Request) { s.notesShow(w, r, nil, nil) }

func (s *Server) notesSave(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	f := r.PostForm
	_, err = s.Meetings.SaveNotes(r.Context(), httpx.User(r), pairID, meetingID, notesFormInt(f, "version"), notesFromForm(f))
	if err == nil {
		s.redirect(w, r, notesMeetingPath(pairID, meetingID, "notes"), "notes.saved")
		return
	}
	s.notesShow(w, r, err, func(p *Page, d *notesPageData) {
		if !d.N.CanWrite {
			return
		}
		d.Edit = true
		d.Conflict = errs.Is(err, errs.Conflict)
		if !d.Conflict {
			d.Version = notesFormInt(f, "version")
		}
		for i := range d.Fields {
			d.Fields[i].Value = f.Get(d.Fields[i].Name)
			d.Fields[i].Error = p.Errors[d.Fields[i].Name]
		}
		d.Time, d.TimeError = f.Get("time_minutes"), p.Errors["time_minutes"]
	})
}

func (s *Server) notesPrivateSave(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	f := r.PostForm
	_, err = s.Meetings.SavePrivateNote(r.Context(), httpx.User(r), pairID, meetingID, notesFormInt(f, "version"), f.Get("body"))
	if err == nil {
		s.redirect(w, r, notesMeetingPath(pairID, meetingID, "notes")+"#private", "notes.private_saved")
		return
	}
	s.notesShow(w, r, err, func(p *Page, d *notesPageData) {
		d.PrivConf = errs.Is(err, errs.Conflict)
		if !d.PrivConf {
			d.PrivVer = notesFormInt(f, "version")
		}
		d.PrivText = f.Get("body")
	})
}

func notesActionFrom(f url.Values) meeting.ActionInput {
	id := func(k string) int64 {
		n, _ := strconv.ParseInt(f.Get(k), 10, 64)
		return n
	}
	return meeting.ActionInput{Text: f.Get("text"), OwnerID: id("owner"), Due: f.Get("due"), GoalID: id("goal")}
}

// notesActionForm reads the pair, the meeting and, withItem, the action
// item a form posts to, and parses the form; it answers a bad path itself.
func (s *Server) notesActionForm(w http.ResponseWriter, r *http.Request, withItem bool) (pairID, meetingID, itemID int64, ok bool) {
	pairID, meetingID, err := pairAndMeeting(r)
	if err == nil && withItem {
		itemID, err = httpx.PathID(r, "aid")
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, 0, false
	}
	r.ParseForm()
	return pairID, meetingID, itemID, true
}

// notesActionDone sends the user back to the meeting's notes at anchor, or
// shows them again with the problem and the form as again leaves it.
func (s *Server) notesActionDone(w http.ResponseWriter, r *http.Request, err error, pairID, meetingID int64, anchor, flash string, again func(*Page, *notesPageData)) {
	if err == nil {
		s.redirect(w, r, notesMeetingPath(pairID, meetingID, "notes")+anchor, flash)
		return
	}
	s.notesShow(w, r, err, again)
}

func (s *Server) notesActionAdd(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, _, ok := s.notesActionForm(w, r, false)
	if !ok {
		return
	}
	_, err := s.Meetings.AddActionItem(r.Context(), httpx.User(r), pairID, meetingID, notesActionFrom(r.PostForm))
	s.notesActionDone(w, r, err, pairID, meetingID, "#actions", "actions.added",
		func(p *Page, d *notesPageData) { d.actionFormAgain(p, r.PostForm, 0) })
}

func (s *Server) notesActionUpdate(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, itemID, ok := s.notesActionForm(w, r, true)
	if !ok {
		return
	}
	_, err := s.Meetings.UpdateActionItem(r.Context(), httpx.User(r), pairID, itemID, notesActionFrom(r.PostForm))
	s.notesActionDone(w, r, err, pairID, meetingID, "#actions", "actions.saved",
		func(p *Page, d *notesPageData) { d.actionFormAgain(p, r.PostForm, itemID) })
}

func (s *Server) notesActionReview(w http.ResponseWriter, r *http.Request) {
	pairID, meetingID, itemID, ok := s.notesActionForm(w, r, true)
	if !ok {
		return
	}
	_, err := s.Meetings.ReviewActionItem(r.Context(), httpx.User(r), pairID, meetingID, itemID, r.PostForm.Get("outcome"))
	s.notesActionDone(w, r, err, pairID, meetingID, "#review", "actions.reviewed", func(*Page, *notesPageData) {})
}

// ---- Meeting plan and libraries ----

type notesPlanSection struct {
	Kind string
	Rows []notesRow
}

type notesPlanData struct {
	Program  *program.Program
	Plan     *meeting.Plan
	Langs    []string
	Sections []notesPlanSection
	Version  int
	Conflict bool
	Path     string
}

func notesPlanPath(programID int64, lang string) string {
	return fmt.Sprintf("/programs/%d/meeting-plan?lang=%s", programID, url.QueryEscape(lang))
}

func (s *Server) notesPlanData(prog *program.Program, plan *meeting.Plan) *notesPlanData {
	d := &notesPlanData{Program: prog, Plan: plan, Langs: i18n.Languages, Version: plan.Version,
		Path: fmt.Sprintf("/programs/%d/meeting-plan", prog.ID)}
	for _, kind := range meeting.PlanKinds {
		var rows []notesRow
		for _, it := range plan.List(kind) {
			rows = append(rows, notesRow{Title: it.Title, Text: it.Description})
		}
		d.Sections = append(d.Sections, notesPlanSection{Kind: kind, Rows: notesWithBlanks(rows)})
	}
	return d
}

// notesPlanLang is the language the plan page edits: the one asked for, else
// the program's own.
func notesPlanLang(r *http.Request, prog *program.Program) string {
	if l := r.FormValue("lang"); l != "" {
		return l
	}
	return prog.DefaultLanguage
}

func (s *Server) notesPlanPage(w http.ResponseWriter, r *http.Request) {
	prog, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	id := prog.ID
	_, plan, err := s.Meetings.Plan(r.Context(), httpx.User(r), id, notesPlanLang(r, prog))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "notes_plan", s.notesPlanData(prog, plan))
}

func (s *Server) notesPlanSave(w http.ResponseWriter, r *http.Request) {
	prog, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	id := prog.ID
	r.ParseForm()
	f := r.PostForm
	lang, kind := notesPlanLang(r, prog), f.Get("kind")
	rows, kept := notesRowsFrom(f, meeting.MaxPlanItems)
	items := make([]meeting.PlanItem, 0, len(kept))
	for _, row := range kept {
		items = append(items, meeting.PlanItem{Title: row.Title, Description: row.Text})
	}
	_, err := s.Meetings.SavePlan(r.Context(), httpx.User(r), id, lang, notesFormInt(f, "version"), map[string][]meeting.PlanItem{kind: items})
	if err == nil {
		s.redirect(w, r, notesPlanPath(id, lang)+"#plan-"+kind, "plan.saved")
		return
	}
	_, plan, lerr := s.Meetings.Plan(r.Context(), httpx.User(r), id, lang)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	d := s.notesPlanData(prog, plan)
	p := s.newPage(w, r, d)
	if !notesProblem(p, err) {
		s.fail(w, r, err)
		return
	}
	d.Conflict = errs.Is(err, errs.Conflict)
	if !d.Conflict {
		d.Version = notesFormInt(f, "version")
	}
	notesRowErrors(p, rows, kept, kind+".")
	for i := range d.Sections {
		if d.Sections[i].Kind == kind {
			d.Sections[i].Rows = rows
		}
	}
	if msg := p.Errors[kind]; msg != "" {
		p.Error = msg
	}
	s.renderPage(w, r, httpx.Status(errs.KindOf(err)), "notes_plan", p)
}

func (s *Server) notesPlanReset(w http.ResponseWriter, r *http.Request) {
	prog, ok := s.coordinatorProgram(w, r)
	if !ok {
		return
	}
	id := prog.ID
	r.ParseForm()
	lang := notesPlanLang(r, prog)
	if err := s.Meetings.ResetPlan(r.Context(), httpx.User(r), id, lang); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, notesPlanPath(id, lang), "plan.reset_done")
}
