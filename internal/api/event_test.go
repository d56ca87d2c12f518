package api

import (
	"net/http"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestAPIEvents: a coordinator plans a kick-off through the API, a mentee
// answers, a second mentee waits for a place, and after the event the
// coordinator marks who came; people outside the audience or the program
// get nothing. Every answer is checked against the OpenAPI document.
func TestAPIEvents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
		alien := app.addUser("alien@example.org", "Al Alien", account.RoleCoordinator, "en")
		mentor := app.addUser("mentor@example.org", "Max Mentor", account.RoleMember, "nb")
		mentee := app.addUser("mentee@example.org", "Mia Mentee", account.RoleMember, "id")
		other := app.addUser("other@example.org", "Ola Other", account.RoleMember, "sv")
		prog, _ := app.pairedProgram("Spring cohort", coord, mentor, mentee, other, "Other cohort", alien)
		base := "/api/v1/programs/" + pid(prog.ID) + "/events"
		cc, cm, co, cmentor, calien := app.apiClient(coord.Email), app.apiClient(mentee.Email), app.apiClient(other.Email),
			app.apiClient(mentor.Email), app.apiClient(alien.Email)
		in := map[string]any{"kind": "kickoff", "title": "Kick-off", "starts_on": app.clock.Now().AddDate(0, 0, 7).Format("2006-01-02"),
			"start": "17:00", "end": "19:00", "timezone": "Europe/Oslo", "place": "Town hall", "audience": "mentees", "capacity": 1}

		bad := map[string]any{"kind": "party", "title": "", "starts_on": "tomorrow", "start": "17:00", "end": "19:00", "ends_on": "later", "audience": "all"}
		if p := mustProblem(t, cc.apiSend("POST", base, bad), http.StatusUnprocessableEntity); p.Errors["kind"] == "" || p.Errors["starts_on"] == "" || p.Errors["ends_on"] == "" {
			t.Errorf("bad input: %+v", p)
		}
		mustProblem(t, calien.apiSend("POST", base, in), http.StatusNotFound)
		mustProblem(t, cm.apiSend("POST", base, in), http.StatusForbidden)
		if n := apiCountRows(t, db, "events"); n != 0 {
			t.Fatalf("%d events after refused requests", n)
		}
		res := cc.apiSend("POST", base, in)
		ev := apiDecode[apiEvent](t, res, http.StatusCreated)
		if ev.Counts.Invited != 2 || ev.Capacity != 1 || ev.Timezone != "Europe/Oslo" || res.Header.Get("Location") != base+"/"+pid(ev.ID) {
			t.Fatalf("created %+v at %s", ev, res.Header.Get("Location"))
		}
		path := base + "/" + pid(ev.ID)

		mine := apiDecode[apiEvent](t, cm.apiSend("PUT", path+"/response", map[string]string{"response": "yes"}), http.StatusOK)
		if mine.MyResponse != "yes" || mine.People != nil {
			t.Errorf("mentee's answer: %+v", mine)
		}
		waits := apiDecode[apiEvent](t, co.apiSend("PUT", path+"/response", map[string]string{"response": "yes"}), http.StatusOK)
		if waits.MyResponse != "waiting" || waits.WaitingPosition != 1 {
			t.Errorf("second yes to a full event: %+v", waits)
		}
		mustProblem(t, co.apiSend("PUT", path+"/response", map[string]string{"response": "sure"}), http.StatusUnprocessableEntity)
		mustProblem(t, cmentor.apiSend("GET", path, nil), http.StatusNotFound)
		mustProblem(t, calien.apiSend("GET", base, nil), http.StatusNotFound)
		if l := apiDecode[httpx.Page[apiEvent]](t, cmentor.apiSend("GET", base, nil), http.StatusOK); len(l.Items) != 0 {
			t.Errorf("the mentor lists a mentees' event: %+v", l.Items)
		}
		if l := apiDecode[httpx.Page[apiEvent]](t, cm.apiSend("GET", base, nil), http.StatusOK); len(l.Items) != 1 || l.Items[0].MyResponse != "yes" {
			t.Errorf("the mentee's list: %+v", l.Items)
		}
		full := apiDecode[apiEvent](t, cc.apiSend("GET", path, nil), http.StatusOK)
		if len(full.People) != 2 || full.Counts.Yes != 1 || full.Counts.Waiting != 1 {
			t.Errorf("coordinator's view: %+v", full)
		}
		// Two places: the one waiting gets in.
		in["capacity"] = 2
		if ch := apiDecode[apiEvent](t, cc.apiSend("PUT", path, in), http.StatusOK); ch.Counts.Yes != 2 || ch.Sequence != 1 {
			t.Errorf("after the change: %+v", ch)
		}
		mustProblem(t, cc.apiSend("PUT", path+"/attendance", map[string]any{"attended": []int64{mentee.ID}}), http.StatusConflict)

		app.clock.Advance(8 * 24 * time.Hour)
		cc = app.apiClient(coord.Email)
		mustProblem(t, cc.apiSend("PUT", path+"/attendance", map[string]any{"attended": []int64{alien.ID}}), http.StatusUnprocessableEntity)
		att := apiDecode[apiAttendance](t, cc.apiSend("PUT", path+"/attendance", map[string]any{"attended": []int64{mentee.ID}}), http.StatusOK)
		if att.Event.Counts.Attended != 1 || att.Event.AttendanceAt == nil || len(att.People) != 2 {
			t.Errorf("attendance: %+v", att)
		}
		if got := apiDecode[apiAttendance](t, cc.apiSend("GET", path+"/attendance", nil), http.StatusOK); got.Event.Counts.Attended != 1 {
			t.Errorf("attendance read back: %+v", got)
		}
		mustProblem(t, cc.apiSend("POST", path+"/cancel", nil), http.StatusConflict)

		// A later event is cancelled through the API.
		in["starts_on"] = app.clock.Now().AddDate(0, 0, 3).Format("2006-01-02")
		later := apiDecode[apiEvent](t, cc.apiSend("POST", base, in), http.StatusCreated)
		off := apiDecode[apiEvent](t, cc.apiSend("POST", base+"/"+pid(later.ID)+"/cancel", nil), http.StatusOK)
		if off.CancelledAt == nil {
			t.Errorf("cancelled: %+v", off)
		}
	})
}
