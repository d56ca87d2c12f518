package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func eventForm(date string) url.Values {
	return url.Values{"kind": {"kickoff"}, "title": {"Kick-off"}, "description": {"Coffee and cake."},
		"date": {date}, "start": {"17:00"}, "end": {"19:00"}, "timezone": {"Europe/Oslo"},
		"place": {"Rådhuset"}, "audience": {"mentees"}, "capacity": {"1"}}
}

// TestEventPages walks the pages: the coordinator plans a kick-off for the
// mentees, a mentee finds it on the start page and answers, the other
// mentee lands on the waiting list, the mentor and other programs'
// coordinators see nothing, and after the event the coordinator marks
// who came.
func TestEventPages(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Max Mentor", "en", "en")
	base := "/programs/" + pid(f.prog.ID) + "/events"
	date := f.app.clock.Now().AddDate(0, 0, 4).Format("2006-01-02")

	f.cCoord.get(base).mustContain(t, "/events/new")
	f.cCoord.get(base+"/new").mustStatus(t, http.StatusOK)
	bad := eventForm(date)
	bad.Set("end", "16:00")
	bad.Set("capacity", "many")
	res := f.cCoord.post(base, bad)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, `id="e-capacity"`, `value="Kick-off"`)
	res = f.cCoord.post(base, eventForm(date))
	res.mustStatus(t, http.StatusSeeOther)
	path := res.Header.Get("Location")
	if !strings.HasPrefix(path, base+"/") {
		t.Fatalf("created event at %q", path)
	}
	f.cCoord.get(path).mustContain(t, "Kick-off", "Dewi Lestari", "Per Persson")

	// The mentee sees it at home and answers on its page.
	f.cMentee.get("/").mustContain(t, path, "Kick-off")
	f.cMentee.get(path).mustContain(t, `name="response"`)
	f.cMentee.post(path+"/rsvp", url.Values{"response": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	f.cOther.post(path+"/rsvp", url.Values{"response": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	f.cOther.get(path).mustContain(t, "väntelistan")
	ics := f.cMentee.get(path + "/event.ics")
	ics.mustStatus(t, http.StatusOK)
	ics.mustContain(t, "BEGIN:VEVENT", "SUMMARY:Kick-off")

	// The mentor is not in the audience; other programs know nothing.
	f.cMentor.get(path).mustStatus(t, http.StatusNotFound)
	f.cMentor.get("/").mustStatus(t, http.StatusOK)
	if strings.Contains(f.cMentor.get("/").Body, path) {
		t.Error("the mentor's start page lists a mentees' event")
	}
	f.cOtherCoord.get(path).mustStatus(t, http.StatusNotFound)
	f.cOtherCoord.get(base).mustStatus(t, http.StatusNotFound)
	f.cOtherCoord.post(path+"/cancel", url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusNotFound)
	f.cMentee.post(path+"/edit", eventForm(date)).mustStatus(t, http.StatusForbidden)

	// Editing keeps the form's values and tells people.
	f.cCoord.get(path+"/edit").mustContain(t, `value="Rådhuset"`)
	change := eventForm(date)
	change.Set("capacity", "2")
	f.cCoord.post(path+"/edit", change).mustStatus(t, http.StatusSeeOther)
	f.cOther.get(path).mustContain(t, "Du kommer.")

	// After the event: attendance.
	f.cCoord.get(path+"/attendance").mustContain(t, "når arrangementet har begynt")
	f.app.clock.Advance(5 * 24 * time.Hour)
	f.cCoord, f.cMentee = f.app.login(f.coord.Email), f.app.login(f.mentee.Email) // the sessions have run out
	f.cCoord.get(path+"/attendance").mustContain(t, `name="attended"`)
	f.cCoord.post(path+"/attendance", url.Values{"attended": {pid(f.mentee.ID)}}).mustStatus(t, http.StatusSeeOther)
	f.cCoord.get(path).mustContain(t, "1 person kom.")
	f.cMentee.post(path+"/attendance", url.Values{"attended": {pid(f.mentee.ID)}}).mustStatus(t, http.StatusForbidden)
}

// TestEventCancelConfirmsFirst: the first POST shows what will happen and
// who is told; only the confirmed one calls the event off.
func TestEventCancelConfirmsFirst(t *testing.T) {
	t.Parallel()
	f := newRoleMatrix(t, "Max Mentor", "en", "en")
	base := "/programs/" + pid(f.prog.ID) + "/events"
	res := f.cCoord.post(base, eventForm(f.app.clock.Now().AddDate(0, 0, 4).Format("2006-01-02")))
	path := res.Header.Get("Location")
	f.cMentee.post(path+"/rsvp", url.Values{"response": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	page := f.cCoord.post(path+"/cancel", nil)
	page.mustStatus(t, http.StatusOK)
	page.mustContain(t, "Avlyse arrangementet?", `name="confirmed"`)
	f.cCoord.get(path).mustContain(t, "Endre arrangementet")
	f.cCoord.post(path+"/cancel", url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	f.cMentee.get(path).mustContain(t, "This event has been cancelled.")
	var n int
	f.app.db.QueryRow(t.Context(), `SELECT COUNT(*) FROM outbox WHERE kind = 'event_cancelled' AND to_email = ?`, f.mentee.Email).Scan(&n)
	if n != 1 {
		t.Errorf("%d cancellation emails to the mentee who said yes", n)
	}
}

// Who may use each event route, for TestConfidentialityMatrix: the
// program's people see its events (the scene's event is for everyone),
// coordinators plan and mark them, participants answer.
func init() {
	for route, class := range map[string]string{
		"GET /programs/{id}/events":                     "program",
		"GET /programs/{id}/events/new":                 "coord",
		"POST /programs/{id}/events":                    "coord",
		"GET /programs/{id}/events/{event}":             "program",
		"GET /programs/{id}/events/{event}/event.ics":   "program",
		"GET /programs/{id}/events/{event}/edit":        "coord",
		"POST /programs/{id}/events/{event}/edit":       "coord",
		"POST /programs/{id}/events/{event}/cancel":     "coord",
		"POST /programs/{id}/events/{event}/rsvp":       "participant",
		"GET /programs/{id}/events/{event}/attendance":  "coord",
		"POST /programs/{id}/events/{event}/attendance": "coord",
	} {
		confidentialRoutes[route] = class
	}
	for route, class := range map[string]string{
		"GET /api/v1/programs/{programID}/events":                      "program",
		"POST /api/v1/programs/{programID}/events":                     "coord",
		"GET /api/v1/programs/{programID}/events/{eventID}":            "program",
		"PUT /api/v1/programs/{programID}/events/{eventID}":            "coord",
		"POST /api/v1/programs/{programID}/events/{eventID}/cancel":    "coord",
		"PUT /api/v1/programs/{programID}/events/{eventID}/response":   "participant",
		"GET /api/v1/programs/{programID}/events/{eventID}/attendance": "coord",
		"PUT /api/v1/programs/{programID}/events/{eventID}/attendance": "coord",
	} {
		confidentialAPI[route] = class
	}
}
