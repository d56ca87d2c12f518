package api

import (
	"net/http"
	"strings"
	"time"

	"mentorskap/internal/event"
	"mentorskap/internal/httpx"
)

// A program's events through the API: what the event pages (event.go) do,
// for the same people. Coordinators plan, change, cancel and mark
// attendance; participants list the events meant for them and answer.
func (s *API) apiEventTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/events", Handler: s.apiListEvents},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/events", Handler: s.apiCreateEvent},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/events/{eventID}", Handler: s.apiGetEvent},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/events/{eventID}", Handler: s.apiUpdateEvent},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/events/{eventID}/cancel", Handler: s.apiCancelEvent},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/events/{eventID}/response", Handler: s.apiRespondEvent},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/events/{eventID}/attendance", Handler: s.apiEventAttendance},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/events/{eventID}/attendance", Handler: s.apiSetEventAttendance},
	}
}

type apiEventCounts struct {
	Invited  int `json:"invited"`
	Yes      int `json:"yes"`
	Maybe    int `json:"maybe"`
	No       int `json:"no"`
	Waiting  int `json:"waiting"`
	Attended int `json:"attended"`
}

type apiEventPerson struct {
	UserID      int64      `json:"user_id"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	Response    string     `json:"response"`
	RespondedAt *time.Time `json:"responded_at"`
	Attended    bool       `json:"attended"`
}

type apiEvent struct {
	ID           int64          `json:"id"`
	ProgramID    int64          `json:"program_id"`
	Kind         string         `json:"kind"`
	Title        string         `json:"title"`
	Description  string         `json:"description"`
	StartsAt     time.Time      `json:"starts_at"`
	EndsAt       time.Time      `json:"ends_at"`
	Timezone     string         `json:"timezone"`
	Place        string         `json:"place"`
	OnlineURL    string         `json:"online_url"`
	Audience     string         `json:"audience"`
	Capacity     int            `json:"capacity"`
	Sequence     int            `json:"sequence"`
	CancelledAt  *time.Time     `json:"cancelled_at"`
	AttendanceAt *time.Time     `json:"attendance_at"`
	Counts       apiEventCounts `json:"counts"`
	// MyResponse is the asking participant's own answer; "" for
	// coordinators and for people who have not answered.
	MyResponse string `json:"my_response"`
	// WaitingPosition is the participant's place in line (1 is next), 0
	// when not waiting.
	WaitingPosition int `json:"waiting_position,omitempty"`
	// People is everyone invited, for coordinators on a single event.
	People []apiEventPerson `json:"people,omitempty"`
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toAPIEvent(e *event.Event) apiEvent {
	return apiEvent{ID: e.ID, ProgramID: e.ProgramID, Kind: e.Kind, Title: e.Title, Description: e.Description,
		StartsAt: e.StartsAt.UTC(), EndsAt: e.EndsAt.UTC(), Timezone: e.Timezone, Place: e.Place, OnlineURL: e.OnlineURL,
		Audience: e.Audience, Capacity: e.Capacity, Sequence: e.Sequence,
		CancelledAt: utcPtr(e.CancelledAt), AttendanceAt: utcPtr(e.AttendanceAt),
		Counts: apiEventCounts{Invited: e.Invited, Yes: e.Yes, Maybe: e.Maybe, No: e.No, Waiting: e.Waiting, Attended: e.Attended}}
}

func toAPIPeople(list []event.Invite) []apiEventPerson {
	out := make([]apiEventPerson, 0, len(list))
	for _, p := range list {
		out = append(out, apiEventPerson{UserID: p.UserID, Name: p.Name, Role: p.Role, Response: p.Response,
			RespondedAt: utcPtr(p.RespondedAt), Attended: p.Attended})
	}
	return out
}

func toAPIEventDetail(d *event.Detail) apiEvent {
	out := toAPIEvent(d.Event)
	if d.Mine != nil {
		out.MyResponse = d.Mine.Response
	}
	out.WaitingPosition = d.Position
	if d.Viewer.Coordinator {
		out.People = toAPIPeople(d.People)
	}
	return out
}

// apiEventInput is the body that plans or changes an event: the form's
// fields, times as typed in the event's zone.
type apiEventInput struct {
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Description string `json:"description"`
	StartsOn    string `json:"starts_on"`
	Start       string `json:"start"`
	End         string `json:"end"`
	EndsOn      string `json:"ends_on"`
	Timezone    string `json:"timezone"`
	Place       string `json:"place"`
	OnlineURL   string `json:"online_url"`
	Audience    string `json:"audience"`
	Capacity    int    `json:"capacity"`
}

// eventFieldNames are the API's names for the event form's fields.
var eventFieldNames = map[string]string{"date": "starts_on", "end_date": "ends_on"}

func (s *API) readEventInput(r *http.Request) (event.Input, error) {
	var in apiEventInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		return event.Input{}, err
	}
	if strings.TrimSpace(in.Timezone) == "" {
		in.Timezone = httpx.User(r).Timezone
	}
	return event.Input{Kind: in.Kind, Title: in.Title, Description: in.Description, Date: in.StartsOn, Start: in.Start,
		End: in.End, EndDate: in.EndsOn, Timezone: in.Timezone, Place: in.Place, OnlineURL: in.OnlineURL,
		Audience: in.Audience, Capacity: in.Capacity}, nil
}

func eventAPIPath(programID, eventID int64) string {
	return httpx.Prefix + "/programs/" + httpx.Itoa(programID) + "/events/" + httpx.Itoa(eventID)
}

func (s *API) apiListEvents(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, list, err := s.events().List(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiEvent, 0, len(list))
	for i := range list {
		e := toAPIEvent(&list[i].Event)
		e.MyResponse = list[i].Mine.Response
		out = append(out, e)
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiCreateEvent(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := s.readEventInput(r)
	var e *event.Event
	if err == nil {
		e, err = s.events().Create(r.Context(), httpx.User(r), id, in)
	}
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, eventFieldNames))
		return
	}
	w.Header().Set("Location", eventAPIPath(id, e.ID))
	httpx.WriteJSON(w, http.StatusCreated, toAPIEvent(e))
}

func (s *API) apiEventIDs(w http.ResponseWriter, r *http.Request) (int64, int64, bool) {
	id, err := httpx.ProgramPathID(r)
	var eid int64
	if err == nil {
		eid, err = httpx.PathID(r, "eventID")
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, false
	}
	return id, eid, true
}

func (s *API) apiGetEvent(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.apiEventIDs(w, r)
	if !ok {
		return
	}
	d, err := s.events().Get(r.Context(), httpx.User(r), id, eid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIEventDetail(d))
}

func (s *API) apiUpdateEvent(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.apiEventIDs(w, r)
	if !ok {
		return
	}
	in, err := s.readEventInput(r)
	var e *event.Event
	if err == nil {
		e, err = s.events().Update(r.Context(), httpx.User(r), id, eid, in)
	}
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, eventFieldNames))
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIEvent(e))
}

func (s *API) apiCancelEvent(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.apiEventIDs(w, r)
	if !ok {
		return
	}
	e, err := s.events().Cancel(r.Context(), httpx.User(r), id, eid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIEvent(e))
}

func (s *API) apiRespondEvent(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.apiEventIDs(w, r)
	if !ok {
		return
	}
	var in struct {
		Response string `json:"response"`
	}
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.events().Respond(r.Context(), httpx.User(r), id, eid, in.Response)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIEventDetail(d))
}

type apiAttendance struct {
	Event  apiEvent         `json:"event"`
	People []apiEventPerson `json:"people"`
}

func (s *API) apiEventAttendance(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.apiEventIDs(w, r)
	if !ok {
		return
	}
	a, err := s.events().AttendanceOf(r.Context(), httpx.User(r), id, eid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apiAttendance{Event: toAPIEvent(a.Event), People: toAPIPeople(a.People)})
}

func (s *API) apiSetEventAttendance(w http.ResponseWriter, r *http.Request) {
	id, eid, ok := s.apiEventIDs(w, r)
	if !ok {
		return
	}
	var in struct {
		Attended []int64 `json:"attended"`
	}
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.events().SetAttendance(r.Context(), httpx.User(r), id, eid, in.Attended); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.events().AttendanceOf(r.Context(), httpx.User(r), id, eid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apiAttendance{Event: toAPIEvent(a.Event), People: toAPIPeople(a.People)})
}

// events is the events service, built from what API holds, as the pages
// build theirs.
func (s *API) events() *event.Service {
	return &event.Service{DB: s.DB, Clock: s.Clock, Outbox: s.Outbox, Bundle: s.Bundle}
}
