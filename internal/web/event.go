package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/event"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
)

// A program's events: coordinators plan, change and call off kick-offs,
// trainings, network meetings and closings and mark who came; the people
// each event is for answer yes, no or maybe. The API (api_event.go) does
// the same; both call package event.
func (s *Server) eventRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/events", s.requireUser(s.eventList))
	mux.HandleFunc("GET /programs/{id}/events/new", s.requireUser(s.eventNewForm))
	mux.HandleFunc("POST /programs/{id}/events", s.requireUser(s.eventCreate))
	mux.HandleFunc("GET /programs/{id}/events/{event}", s.requireUser(s.eventShow))
	mux.HandleFunc("GET /programs/{id}/events/{event}/event.ics", s.requireUser(s.eventICS))
	mux.HandleFunc("GET /programs/{id}/events/{event}/edit", s.requireUser(s.eventEditForm))
	mux.HandleFunc("POST /programs/{id}/events/{event}/edit", s.requireUser(s.eventUpdate))
	mux.HandleFunc("POST /programs/{id}/events/{event}/cancel", s.requireUser(s.confirmFirst("event_cancel", s.mayCancelEvent, s.eventCancel)))
	mux.HandleFunc("POST /programs/{id}/events/{event}/rsvp", s.requireUser(s.eventRespond))
	mux.HandleFunc("GET /programs/{id}/events/{event}/attendance", s.requireUser(s.eventAttendanceForm))
	mux.HandleFunc("POST /programs/{id}/events/{event}/attendance", s.requireUser(s.eventAttendanceSave))
}

func init() {
	p := "confirmfirst.event_cancel."
	confirmTexts["event_cancel"] = confirmText{p + "title", p + "happens", p + "told", p + "submit"}
}

// events is the event use cases, built from what the server already holds.
func (s *Server) events() *event.Service {
	return &event.Service{DB: s.DB, Clock: s.Clock, Outbox: s.Outbox, Bundle: s.Bundle}
}

type eventListData struct {
	Viewer *event.Viewer
	Events []event.Listed
}

func (s *Server) eventList(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, list, err := s.events().List(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "event_list", eventListData{Viewer: v, Events: list})
}

// eventFormData is the form that plans or changes an event.
type eventFormData struct {
	ProgramID   int64
	ProgramName string
	Event       *event.Event // nil for a new one
	Action      string
	Defaults    event.Input
	Kinds       []string
	Audiences   []string
	Timezones   []string
}

func (s *Server) eventForm(r *http.Request, programID int64, e *event.Event) (eventFormData, error) {
	p, err := s.Programs.RequireCoordinator(r.Context(), httpx.User(r), programID)
	if err != nil {
		return eventFormData{}, err
	}
	d := eventFormData{ProgramID: p.ID, ProgramName: p.Name, Event: e, Action: event.ListPath(p.ID),
		Kinds: event.Kinds, Audiences: event.Audiences, Timezones: i18n.Zones()}
	if e != nil {
		d.Action = event.Path(p.ID, e.ID) + "/edit"
		d.Defaults = event.InputOf(e)
	} else {
		d.Defaults = event.Input{Kind: event.KindKickoff, Audience: event.AudienceAll, Timezone: httpx.User(r).Timezone,
			Start: "17:00", End: "19:00"}
	}
	return d, nil
}

func (s *Server) eventNewForm(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.eventForm(r, id, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "event_form", d)
}

// eventInput reads the event form.
func eventInput(r *http.Request) (event.Input, error) {
	f := r.PostForm
	in := event.Input{Kind: f.Get("kind"), Title: f.Get("title"), Description: f.Get("description"),
		Date: f.Get("date"), Start: f.Get("start"), End: f.Get("end"), EndDate: f.Get("end_date"),
		Timezone: f.Get("timezone"), Place: f.Get("place"), OnlineURL: f.Get("online_url"), Audience: f.Get("audience")}
	if c := strings.TrimSpace(f.Get("capacity")); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil {
			var v errs.Validation
			v.Add("capacity", "event.error.capacity", "max", event.MaxCapacity)
			return in, v.Err()
		}
		in.Capacity = n
	}
	return in, nil
}

func (s *Server) eventCreate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.eventForm(r, id, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	in, err := eventInput(r)
	var e *event.Event
	if err == nil {
		e, err = s.events().Create(r.Context(), httpx.User(r), id, in)
	}
	if err != nil {
		s.renderForm(w, r, "event_form", d, err)
		return
	}
	s.redirect(w, r, event.Path(id, e.ID), "event.created")
}

func (s *Server) eventShow(w http.ResponseWriter, r *http.Request) {
	id, eid, err := httpx.PathIDs(r, "id", "event")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.events().Get(r.Context(), httpx.User(r), id, eid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "event_show", eventShowData{Detail: d, Answers: event.Answers,
		Started: d.Event.Started(s.Clock.Now())})
}

type eventShowData struct {
	*event.Detail
	Answers []string
	Started bool
}

// Ends says when the event ends for a reader in tz: the clock time alone
// on the day it starts, the date too when it runs over.
func (d eventShowData) Ends(l *i18n.Locale, tz string) string {
	s, e := i18n.In(d.Event.StartsAt, tz), i18n.In(d.Event.EndsAt, tz)
	if s.Format(time.DateOnly) == e.Format(time.DateOnly) {
		return l.Time(e)
	}
	return l.DateTime(d.Event.EndsAt, tz)
}

// eventICS is the event's calendar file, for anyone who may see the event.
func (s *Server) eventICS(w http.ResponseWriter, r *http.Request) {
	id, eid, err := httpx.PathIDs(r, "id", "event")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.events().Get(r.Context(), httpx.User(r), id, eid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := d.Viewer.Program.LocaleFor(s.locale(r))
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+event.FileName(d.Event)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(event.Calendar(d.Event, l, s.Outbox.Link(event.Path(id, eid))))
}

func (s *Server) eventEditForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.eventEditData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "event_form", d)
}

func (s *Server) eventEditData(r *http.Request) (eventFormData, error) {
	id, eid, err := httpx.PathIDs(r, "id", "event")
	if err != nil {
		return eventFormData{}, err
	}
	if err := s.events().MayCancel(r.Context(), httpx.User(r), id, eid); err != nil {
		return eventFormData{}, err
	}
	det, err := s.events().Get(r.Context(), httpx.User(r), id, eid)
	if err != nil {
		return eventFormData{}, err
	}
	return s.eventForm(r, id, det.Event)
}

func (s *Server) eventUpdate(w http.ResponseWriter, r *http.Request) {
	d, err := s.eventEditData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	in, err := eventInput(r)
	if err == nil {
		_, err = s.events().Update(r.Context(), httpx.User(r), d.ProgramID, d.Event.ID, in)
	}
	if err != nil {
		s.renderForm(w, r, "event_form", d, err)
		return
	}
	s.redirect(w, r, event.Path(d.ProgramID, d.Event.ID), "event.updated")
}

func (s *Server) mayCancelEvent(r *http.Request) error {
	id, eid, err := httpx.PathIDs(r, "id", "event")
	if err != nil {
		return err
	}
	return s.events().MayCancel(r.Context(), httpx.User(r), id, eid)
}

func (s *Server) eventCancel(w http.ResponseWriter, r *http.Request) {
	id, eid, err := httpx.PathIDs(r, "id", "event")
	if err == nil {
		_, err = s.events().Cancel(r.Context(), httpx.User(r), id, eid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, event.Path(id, eid), "event.cancelled")
}

func (s *Server) eventRespond(w http.ResponseWriter, r *http.Request) {
	id, eid, err := httpx.PathIDs(r, "id", "event")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	d, err := s.events().Respond(r.Context(), httpx.User(r), id, eid, r.PostForm.Get("response"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash := "event.answered"
	if d.Mine != nil && d.Mine.Response == event.Waiting {
		flash = "event.answered_waiting"
	}
	s.redirect(w, r, event.Path(id, eid), flash)
}

type eventAttendanceData struct {
	*event.Attendance
	ProgramID int64
	Started   bool
}

func (s *Server) eventAttendanceForm(w http.ResponseWriter, r *http.Request) {
	id, eid, err := httpx.PathIDs(r, "id", "event")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.events().AttendanceOf(r.Context(), httpx.User(r), id, eid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "event_attendance", eventAttendanceData{Attendance: a, ProgramID: id,
		Started: a.Event.Started(s.Clock.Now())})
}

func (s *Server) eventAttendanceSave(w http.ResponseWriter, r *http.Request) {
	id, eid, err := httpx.PathIDs(r, "id", "event")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	var came []int64
	for _, v := range r.PostForm["attended"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(w, r, errs.E(errs.Invalid, "error.invalid"))
			return
		}
		came = append(came, n)
	}
	if _, err := s.events().SetAttendance(r.Context(), httpx.User(r), id, eid, came); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, event.Path(id, eid), "event.attendance_saved")
}
