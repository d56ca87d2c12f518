package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/meeting/ics"
	"mentorskap/internal/program"
)

func (s *Server) meetingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /pairs/{id}/meetings", s.requireUser(s.meetingList))
	mux.HandleFunc("GET /pairs/{id}/meetings/new", s.requireUser(s.meetingNew))
	mux.HandleFunc("POST /pairs/{id}/meetings", s.requireUser(s.meetingPropose))
	mux.HandleFunc("GET /pairs/{id}/meetings/{mid}", s.requireUser(s.meetingShow))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/accept", s.requireUser(s.meetingAccept))
	mux.HandleFunc("GET /pairs/{id}/meetings/{mid}/change", s.requireUser(s.meetingChangeForm))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/counter", s.requireUser(s.meetingReschedule(false)))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/move", s.requireUser(s.meetingReschedule(true)))
	mux.HandleFunc("GET /pairs/{id}/meetings/{mid}/cancel", s.requireUser(s.meetingCancelForm))
	mux.HandleFunc("POST /pairs/{id}/meetings/{mid}/cancel", s.requireUser(s.meetingCancel))
	mux.HandleFunc("GET /pairs/{id}/meetings/{mid}/ics", s.requireUser(s.meetingICS("id", "mid")))

	mux.HandleFunc("GET /calendar", s.requireUser(s.calendarPage))
	mux.HandleFunc("POST /calendar/renew", s.requireUser(s.calendarRenew))
	mux.HandleFunc("POST /calendar/revoke", s.requireUser(s.confirmFirst("calendar_revoke", nil, s.calendarRevoke)))
	// The feed is read by calendar applications, which cannot log in: the
	// secret in the address is the key.
	mux.HandleFunc("GET /calendar/{file}", s.calendarFeed)
}

func meetingsPath(pairID int64) string { return meeting.PairPath(pairID) + "/meetings" }

// siteLink makes an absolute address for things read outside the site:
// calendar files and feeds.
func (s *Server) siteLink(path string) string { return strings.TrimRight(s.BaseURL, "/") + path }

// pairAndMeeting reads the {id} and {mid} path values.
func pairAndMeeting(r *http.Request) (int64, int64, error) { return httpx.PathIDs(r, "id", "mid") }

// pairNames names a pair for the person looking: the people they meet, or
// both sides for a coordinator.
func pairNames(l *i18n.Locale, p *program.Pair, v program.PairViewer) string {
	p = withFormerNames(l, p)
	if v.Member() {
		return p.OtherNames(v.UserID)
	}
	return l.T("pairhome.both_sides", "mentors", program.Names(p.Mentors), "mentees", program.Names(p.Mentees))
}

type meetingListData struct {
	Names    string
	Access   *meeting.Access
	CanBook  bool // a member of a pair whose stage allows booking
	Upcoming []meetingRow
	Past     []meetingRow // newest first
	Late     []meeting.LateCount
	Now      time.Time
}

func (s *Server) meetingList(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, ms, late, err := s.Meetings.List(r.Context(), httpx.User(r), pairID, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &meetingListData{Access: a, Now: s.Clock.Now(), Names: pairNames(s.locale(r), a.Pair, a.Viewer), Late: late}
	d.CanBook = a.Member() && a.Pair.Allows(d.Now, program.ActBook)
	p := s.newPage(w, r, d)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Upcoming(d.Now) {
			d.Upcoming = append(d.Upcoming, newMeetingRow(p, &ms[i], ms[i].State(d.Now)))
		} else {
			d.Past = append(d.Past, newMeetingRow(p, &ms[i], ms[i].State(d.Now)))
		}
	}
	slices.Reverse(d.Upcoming) // soonest first
	s.renderPage(w, r, http.StatusOK, "meeting_list", p)
}

// meetingRow is a meeting in a list, its words said in Go rather than in
// the template: a pair's lists grow by a line per meeting, and each value
// a template works out for a line (a method or function called by
// reflection, a key made with printf) cost more than printing the line.
type meetingRow struct {
	Path       string
	Title      string // "Meeting 3", or "Meeting" when it has no number
	When       string // its start in the viewer's zone
	Minutes    string
	State      string // as Meeting.State or the status, for the badge's class
	StateLabel string
	LateCancel bool
	Notes      bool // shared notes written, where the viewer may know it (the pair's timeline)
}

// newMeetingRow words m for p's viewer, showing it in state.
func newMeetingRow(p *Page, m *meeting.Meeting, state string) meetingRow {
	row := meetingRow{Path: meeting.MeetingPath(m.PairID, m.ID), When: p.When(m.StartsAt),
		Minutes: p.L.N("meeting.minutes", m.Minutes), State: state,
		StateLabel: p.L.T("meeting.state." + state), LateCancel: m.LateCancel}
	if m.Number != 0 {
		row.Title = p.L.T("meeting.number", "n", m.Number)
	} else {
		row.Title = p.L.T("meeting.title")
	}
	return row
}

// meetingFormData is the form that proposes, counters or moves a meeting.
type meetingFormData struct {
	Pair      *program.Pair
	Meeting   *meeting.Meeting // nil when proposing a new one
	Mode      string           // "new", "counter" or "move"
	Action    string
	MinLen    int
	MaxLen    int
	Timezones []string
	Defaults  meeting.Proposal
	// AskLength shows the box that accepts a length outside the agreed
	// range, after the person was warned.
	AskLength bool
	// Purpose is meeting.PurposeReview when booking the agreement review;
	// Agenda is then the agenda it starts with.
	Purpose string
	Agenda  []meeting.AgendaItem
}

// newMeetingForm builds the form for a member of the pair; coordinators and
// strangers get the domain's answer (Forbidden, NotFound).
func (s *Server) newMeetingForm(r *http.Request, pairID int64, m *meeting.Meeting) (*meetingFormData, error) {
	a, err := meeting.Open(r.Context(), s.DB, httpx.User(r), pairID)
	if err != nil {
		return nil, err
	}
	if !a.Member() {
		return nil, errs.E(errs.Forbidden, "pair.error.members_only")
	}
	act := program.ActBook
	if m != nil {
		act = program.ActReschedule
	}
	if !a.Pair.Allows(s.Clock.Now(), act) {
		return nil, errs.E(errs.Conflict, "meeting.error.pair_ended")
	}
	d := &meetingFormData{Pair: a.Pair, Meeting: m, Mode: "new", Action: meetingsPath(pairID),
		MinLen: a.Terms.MeetingMinMinutes, MaxLen: a.Terms.MeetingMaxMinutes, Timezones: commonTimezones}
	tz := httpx.User(r).Timezone
	if tz == "" {
		tz = "UTC"
	}
	if m == nil && r.FormValue("purpose") == meeting.PurposeReview {
		// The same rule the booking itself obeys, so that a form that
		// cannot be sent is never shown.
		now := s.Clock.Now()
		if !a.Pair.Allows(now, program.ActFollowUp) {
			return nil, errs.E(errs.Conflict, "meeting.error.review_not_now")
		}
		ms, err := meeting.ForPair(r.Context(), s.DB, pairID)
		if err != nil {
			return nil, err
		}
		if meeting.ReviewOf(ms) != nil {
			return nil, errs.E(errs.Conflict, "meeting.error.review_booked")
		}
		prog, err := program.Get(r.Context(), s.DB, a.Pair.ProgramID)
		if err != nil {
			return nil, err
		}
		d.Mode, d.Purpose, d.Agenda = "review", meeting.PurposeReview, meeting.ReviewAgenda(meeting.PairLanguage(a.Pair, prog))
	}
	if m == nil {
		// A week from now at the same hour is a fair first guess; the
		// person changes it anyway.
		start := i18n.In(s.Clock.Now().Add(7*24*time.Hour), tz).Truncate(time.Hour)
		minutes := a.Terms.TypicalMinutes
		if minutes < d.MinLen || (d.MaxLen > 0 && minutes > d.MaxLen) {
			minutes = d.MinLen
		}
		d.Defaults = meeting.Proposal{Date: start.Format(program.DateLayout), Time: start.Format("15:04"), Timezone: tz, Minutes: minutes}
		return d, nil
	}
	d.Defaults = meeting.ProposalOf(m)
	d.Mode, d.Action = "counter", meeting.MeetingPath(pairID, m.ID)+"/counter"
	if m.Confirmed() {
		d.Mode, d.Action = "move", meeting.MeetingPath(pairID, m.ID)+"/move"
	}
	return d, nil
}

// proposalForm reads the planning form. The time zone falls back to the
// person's own.
func proposalForm(r *http.Request) meeting.Proposal {
	r.ParseForm()
	f := r.PostForm
	minutes, _ := strconv.Atoi(strings.TrimSpace(f.Get("minutes")))
	tz := strings.TrimSpace(f.Get("timezone"))
	if tz == "" {
		tz = httpx.User(r).Timezone
	}
	in := meeting.Proposal{Date: f.Get("date"), Time: f.Get("time"), Timezone: tz, Minutes: minutes,
		Place: f.Get("place"), OnlineURL: f.Get("online_url"), Reason: f.Get("reason"),
		ConfirmLength: f.Get("confirm_length") != "", Purpose: f.Get("purpose")}
	for n := 2; n <= meeting.MaxOptions; n++ {
		in.More = append(in.More, meeting.Slot{Date: f.Get(meeting.OptionField("date", n)), Time: f.Get(meeting.OptionField("time", n))})
	}
	return in
}

// lengthWarned reports whether err is only about a length outside the
// agreed range, which the person may confirm.
func lengthWarned(err error) bool {
	e, ok := errs.As(err)
	if !ok {
		return false
	}
	m, ok := e.Fields["minutes"]
	return ok && m.Key == meeting.LengthWarning
}

func (s *Server) meetingNew(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.newMeetingForm(r, pairID, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_form", d)
}

func (s *Server) meetingPropose(w http.ResponseWriter, r *http.Request) {
	pairID, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := proposalForm(r)
	m, err := s.Meetings.Propose(r.Context(), httpx.User(r), pairID, in)
	if err != nil {
		s.meetingFormError(w, r, pairID, nil, err)
		return
	}
	s.redirect(w, r, meeting.MeetingPath(pairID, m.ID), "meeting.proposed_flash")
}

// meetingFormError shows the planning form again with the person's input
// and the problems, or fails for anything that is not about the input.
func (s *Server) meetingFormError(w http.ResponseWriter, r *http.Request, pairID int64, m *meeting.Meeting, err error) {
	if k := errs.KindOf(err); k != errs.Invalid {
		s.fail(w, r, err)
		return
	}
	d, derr := s.newMeetingForm(r, pairID, m)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.AskLength = lengthWarned(err)
	s.renderForm(w, r, "meeting_form", d, err)
}

type meetingShowData struct {
	*meeting.Detail
	Names   string
	CanBook bool // a member of a pair whose stage allows booking
	Now     time.Time
	// Ahead is set for a meeting that has not started and is not
	// cancelled: the page leads with its agenda.
	Ahead bool
}

// BookNext reports whether the page offers to book the next meeting: once
// this one has happened or been called off, and only when nothing later
// is booked. Before it, the agenda comes first and a second booking
// would compete with it.
func (d meetingShowData) BookNext() bool { return d.CanBook && !d.LaterBooked && !d.Ahead }

func (s *Server) meetingShow(w http.ResponseWriter, r *http.Request) {
	pairID, mid, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Meetings.Get(r.Context(), httpx.User(r), pairID, mid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := meetingShowData{Detail: d, Now: s.Clock.Now(), Names: pairNames(s.locale(r), d.Pair, d.Viewer)}
	data.CanBook = d.Member() && d.Pair.Allows(data.Now, program.ActBook)
	data.Ahead = !d.Meeting.Cancelled() && d.Meeting.StartsAt.After(data.Now)
	s.render(w, r, http.StatusOK, "meeting_show", data)
}

func (s *Server) meetingAccept(w http.ResponseWriter, r *http.Request) {
	pairID, mid, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	seen, err := strconv.Atoi(r.PostForm.Get("sequence"))
	if err != nil {
		seen = -1
	}
	// The time picked among those offered; a form with one time sends none.
	option := 1
	if v := r.PostForm.Get("option"); v != "" {
		if option, err = strconv.Atoi(v); err != nil {
			option = 0 // refused below as no such option
		}
	}
	if _, err := s.Meetings.AcceptOption(r.Context(), httpx.User(r), pairID, mid, seen, option); err != nil {
		if errs.KindOf(err) == errs.Conflict {
			// The page the person saw is out of date: show the meeting as
			// it is now, with what happened.
			s.redirect(w, r, meeting.MeetingPath(pairID, mid), conflictFlash(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, meeting.MeetingPath(pairID, mid), "meeting.accepted_flash")
}

// conflictFlash turns a conflict about a meeting into the flash the next
// page shows; only our own message keys ever travel in the flash cookie.
func conflictFlash(err error) string {
	if e, ok := errs.As(err); ok && strings.HasPrefix(e.Key, "meeting.error.") {
		return e.Key
	}
	return "meeting.error.changed"
}

func (s *Server) meetingChangeForm(w http.ResponseWriter, r *http.Request) {
	pairID, mid, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.changeForm(r, pairID, mid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_form", d)
}

// changeForm loads a meeting that the person may still counter or move.
func (s *Server) changeForm(r *http.Request, pairID, mid int64) (*meetingFormData, error) {
	det, err := s.Meetings.Get(r.Context(), httpx.User(r), pairID, mid)
	if err != nil {
		return nil, err
	}
	if !det.Member() {
		return nil, errs.E(errs.Forbidden, "pair.error.members_only")
	}
	if !det.CanCounter && !det.CanMove {
		return nil, errs.E(errs.Conflict, "meeting.error.not_changeable")
	}
	return s.newMeetingForm(r, pairID, det.Meeting)
}

func (s *Server) meetingReschedule(move bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pairID, mid, err := pairAndMeeting(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		in := proposalForm(r)
		flash := "meeting.countered_flash"
		if move {
			_, err = s.Meetings.Move(r.Context(), httpx.User(r), pairID, mid, in)
			flash = "meeting.moved_flash"
		} else {
			_, err = s.Meetings.Counter(r.Context(), httpx.User(r), pairID, mid, in)
		}
		if err != nil {
			if errs.KindOf(err) == errs.Invalid {
				d, derr := s.changeForm(r, pairID, mid)
				if derr != nil {
					s.fail(w, r, derr)
					return
				}
				d.AskLength = lengthWarned(err)
				s.renderForm(w, r, "meeting_form", d, err)
				return
			}
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, meeting.MeetingPath(pairID, mid), flash)
	}
}

func (s *Server) meetingCancelForm(w http.ResponseWriter, r *http.Request) {
	pairID, mid, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.cancelData(r, pairID, mid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_cancel", d)
}

func (s *Server) cancelData(r *http.Request, pairID, mid int64) (*meeting.Detail, error) {
	d, err := s.Meetings.Get(r.Context(), httpx.User(r), pairID, mid)
	if err != nil {
		return nil, err
	}
	if !d.Member() {
		return nil, errs.E(errs.Forbidden, "pair.error.members_only")
	}
	if !d.CanCancel {
		return nil, errs.E(errs.Conflict, "meeting.error.not_changeable")
	}
	return d, nil
}

func (s *Server) meetingCancel(w http.ResponseWriter, r *http.Request) {
	pairID, mid, err := pairAndMeeting(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	m, err := s.Meetings.Cancel(r.Context(), httpx.User(r), pairID, mid, r.PostForm.Get("reason"))
	if err != nil {
		if errs.KindOf(err) == errs.Invalid {
			d, derr := s.cancelData(r, pairID, mid)
			if derr != nil {
				s.fail(w, r, derr)
				return
			}
			s.renderForm(w, r, "meeting_cancel", d, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	flash := "meeting.cancelled_flash"
	if m.LateCancel {
		flash = "meeting.cancelled_late_flash"
	}
	s.redirect(w, r, meeting.MeetingPath(pairID, mid), flash)
}

// meetingICS answers with a meeting's calendar file, for the page and the
// API routes, which name the pair and the meeting differently.
func (s *Server) meetingICS(pair, meetingName string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pairID, mid, err := httpx.PathIDs(r, pair, meetingName)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data, m, err := s.Meetings.ICS(r.Context(), httpx.User(r), pairID, mid, s.locale(r), s.siteLink(meeting.MeetingPath(pairID, mid)))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeICS(w, data, meeting.ICSName(m), true)
	}
}

// writeICS answers with a calendar file; attachment asks the browser to
// save it rather than show it.
func writeICS(w http.ResponseWriter, data []byte, name string, attachment bool) {
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if attachment {
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

type calendarData struct {
	Since   *time.Time // when the current feed address was made
	FeedURL string     // shown once, right after renewing
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	s.renderCalendar(w, r, "")
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, token string) {
	since, err := s.Meetings.FeedStatus(r.Context(), httpx.User(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := calendarData{Since: since}
	if token != "" {
		d.FeedURL = s.siteLink("/calendar/" + token + ".ics")
	}
	s.render(w, r, http.StatusOK, "meeting_calendar", d)
}

func (s *Server) calendarRenew(w http.ResponseWriter, r *http.Request) {
	token, err := s.Meetings.RenewFeed(r.Context(), httpx.User(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Shown on this answer only, never stored in a cookie or a redirect.
	s.renderCalendar(w, r, token)
}

func (s *Server) calendarRevoke(w http.ResponseWriter, r *http.Request) {
	if err := s.Meetings.RevokeFeed(r.Context(), httpx.User(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/calendar", "calendar.revoked_flash")
}

func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.fail(w, r, errNotFound)
		return
	}
	f, err := meeting.FeedFor(r.Context(), s.DB, token, s.Clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.Bundle.Locale(f.User.Language)
	events := make([]ics.CalendarEvent, 0, len(f.Items))
	for _, it := range f.Items {
		m := it.Meeting
		events = append(events, meeting.EventFor(&m, l, it.Others, s.siteLink(meeting.MeetingPath(m.PairID, m.ID))))
	}
	writeICS(w, ics.Calendar(l.T("calendar.feed_name"), events), "mentorskap.ics", false)
}
