package api

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/httpx"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestMeetingAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		mentee, mentor := app.apiClient("ayu@example.org"), app.apiClient("kari@example.org")
		base := "/api/v1/pairs/" + pid(f.pair.ID)

		// Bad input: a translated problem per field, nothing saved.
		p := mustProblem(t, mentee.apiSend("POST", base+"/meetings", map[string]any{"starts_on": "2026-13-01", "time": "9", "minutes": 2,
			"online_url": "ftp://x"}), http.StatusUnprocessableEntity)
		for field, key := range map[string]string{"starts_on": "meeting.error.date_invalid", "time": "meeting.error.time_invalid",
			"minutes": "meeting.error.minutes_range", "online_url": "meeting.error.url_invalid"} {
			if !strings.HasPrefix(p.Errors[field], strings.SplitN(app.tr("id", key, "min", 5, "max", 600), "{", 2)[0]) {
				t.Errorf("%s: %q", field, p.Errors[field])
			}
		}
		mustProblem(t, mentee.apiSend("POST", base+"/meetings", `{"starts_on": "2026-03-09", "surprise": 1}`), http.StatusUnprocessableEntity)
		if n := meetingCount(t, app); n != 0 {
			t.Fatalf("%d meetings saved from bad input", n)
		}

		// The time zone defaults to the caller's (Jakarta).
		in := map[string]any{"starts_on": "2026-03-09", "time": "17:00", "minutes": 60, "place": "Kafé", "online_url": "https://meet.example.org/a"}
		res := mentee.apiSend("POST", base+"/meetings", in)
		m := apiDecode[apiMeeting](t, res, http.StatusCreated)
		if !m.StartsAt.Equal(time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)) || m.Timezone != "Asia/Jakarta" || m.Status != "proposed" ||
			m.Number != 1 || !m.Details || m.Place != "Kafé" || m.ProposedBy == nil || *m.ProposedBy != f.mentee.ID {
			t.Fatalf("proposed %+v", m)
		}
		mp := base + "/meetings/" + pid(m.ID)
		if res.Header.Get("Location") != mp {
			t.Fatalf("Location %q", res.Header.Get("Location"))
		}

		list := apiDecode[httpx.Page[apiMeeting]](t, mentor.apiSend("GET", base+"/meetings", nil), http.StatusOK)
		if len(list.Items) != 1 || list.Items[0].ID != m.ID {
			t.Fatalf("list %+v", list)
		}
		d := apiDecode[apiMeetingDetail](t, mentor.apiSend("GET", mp, nil), http.StatusOK)
		if !d.CanAccept || !d.CanCounter || d.CanMove || len(d.History) != 1 || d.History[0].Kind != "proposed" {
			t.Fatalf("mentor's view %+v", d)
		}

		// Own proposal: 409 in the caller's language.
		p = mustProblem(t, mentee.apiSend("POST", mp+"/accept", nil), http.StatusConflict)
		if p.Detail != app.tr("id", "meeting.error.own_proposal") {
			t.Fatalf("detail %q", p.Detail)
		}
		counter := map[string]any{"starts_on": "2026-03-10", "time": "18:00", "timezone": "Europe/Oslo", "minutes": 90, "place": "Biblioteket", "reason": "Etter jobb"}
		m = apiDecode[apiMeeting](t, mentor.apiSend("POST", mp+"/counter", counter), http.StatusOK)
		if m.Sequence != 1 || m.Minutes != 90 || m.Timezone != "Europe/Oslo" {
			t.Fatalf("countered %+v", m)
		}
		mustProblem(t, mentee.apiSend("POST", mp+"/accept", map[string]any{"sequence": 0}), http.StatusConflict)
		m = apiDecode[apiMeeting](t, mentee.apiSend("POST", mp+"/accept", map[string]any{"sequence": 1}), http.StatusOK)
		if m.Status != "confirmed" || m.Sequence != 2 {
			t.Fatalf("accepted %+v", m)
		}
		mustProblem(t, mentee.apiSend("POST", mp+"/counter", counter), http.StatusConflict)
		noReason := map[string]any{"starts_on": "2026-03-11", "time": "18:00", "timezone": "Europe/Oslo", "minutes": 90, "place": "Biblioteket"}
		p = mustProblem(t, mentee.apiSend("POST", mp+"/move", noReason), http.StatusUnprocessableEntity)
		if p.Errors["reason"] != app.tr("id", "meeting.error.reason_required") {
			t.Fatalf("errors %v", p.Errors)
		}
		noReason["reason"] = "Ujian"
		m = apiDecode[apiMeeting](t, mentee.apiSend("POST", mp+"/move", noReason), http.StatusOK)
		if m.Status != "proposed" || m.Sequence != 3 {
			t.Fatalf("moved %+v", m)
		}

		res = mentor.apiSend("GET", mp+"/ics", nil)
		res.mustStatus(t, http.StatusOK)
		if !strings.Contains(res.Body, "SEQUENCE:3") || !strings.Contains(res.Body, "DTSTART;TZID=Europe/Oslo:20260311T180000") ||
			!strings.Contains(res.Body, "BEGIN:VTIMEZONE") {
			t.Fatalf("ics:\n%s", res.Body)
		}

		mustProblem(t, mentor.apiSend("POST", mp+"/cancel", map[string]any{}), http.StatusUnprocessableEntity)
		m = apiDecode[apiMeeting](t, mentor.apiSend("POST", mp+"/cancel", map[string]any{"reason": "Syk"}), http.StatusOK)
		if m.Status != "cancelled" || m.CancelReason != "Syk" || m.CancelledAt == nil || m.Number != 0 {
			t.Fatalf("cancelled %+v", m)
		}

		// The home summary, as a member and as the coordinator.
		f.book(t, 48*time.Hour, true)
		h := apiDecode[apiPairHome](t, mentee.apiSend("GET", base+"/home", nil), http.StatusOK)
		if h.NextMeeting == nil || h.NoMeetingBook || h.Pair.MySide != "mentee" || len(h.Timeline) != 0 || len(h.Members) != 2 ||
			h.Agreement.State != "not_started" || !h.Details || h.NextMeeting.Place == "" {
			t.Fatalf("member's home %+v", h)
		}
		coord := app.apiClient("coord@example.org")
		h = apiDecode[apiPairHome](t, coord.apiSend("GET", base+"/home", nil), http.StatusOK)
		if h.NextMeeting == nil || h.Details || h.NextMeeting.Place != "" || h.NextMeeting.OnlineURL != "" || h.Pair.MySide != "" ||
			len(h.Goals) != 0 || len(h.OpenActions) != 0 || h.NextAgenda != nil {
			t.Fatalf("coordinator's home %+v", h)
		}
		cl := apiDecode[httpx.Page[apiMeeting]](t, coord.apiSend("GET", base+"/meetings", nil), http.StatusOK)
		for _, x := range cl.Items {
			if x.Place != "" || x.CancelReason != "" || x.OnlineURL != "" || x.Details {
				t.Fatalf("coordinator sees details %+v", x)
			}
		}
	})
}

func TestMeetingAPIWho(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		m := f.book(t, 72*time.Hour, true)
		base := "/api/v1/pairs/" + pid(f.pair.ID)
		mp := base + "/meetings/" + pid(m.ID)
		plan := map[string]any{"starts_on": "2026-03-20", "time": "10:00", "timezone": "UTC", "minutes": 60, "place": "x", "reason": "x"}
		reads := []string{base + "/home", base + "/meetings", mp}
		writes := []struct {
			path string
			body any
		}{{base + "/meetings", plan}, {mp + "/accept", map[string]any{}}, {mp + "/counter", plan}, {mp + "/move", plan}, {mp + "/cancel", map[string]any{"reason": "x"}}}

		anon := app.client()
		for _, p := range append(reads, mp+"/ics", "/api/v1/calendar/feed") {
			mustProblem(t, anon.apiSend("GET", p, nil), http.StatusUnauthorized)
		}
		for _, w := range writes {
			mustProblem(t, anon.apiSend("POST", w.path, w.body), http.StatusUnauthorized)
		}
		for _, c := range []struct {
			email       string
			read, write int
		}{
			{"sven@example.org", http.StatusNotFound, http.StatusNotFound},
			{"other@example.org", http.StatusNotFound, http.StatusNotFound},
			{"coord@example.org", http.StatusOK, http.StatusForbidden},
			{"admin@example.org", http.StatusOK, http.StatusForbidden},
		} {
			cl := app.apiClient(c.email)
			for _, p := range reads {
				if res := cl.apiSend("GET", p, nil); res.StatusCode != c.read {
					t.Errorf("%s GET %s: %d, want %d", c.email, p, res.StatusCode, c.read)
				} else if c.read == http.StatusOK && strings.Contains(res.Body, "Stortorget") {
					t.Errorf("%s sees the place on %s", c.email, p)
				}
			}
			mustProblem(t, cl.apiSend("GET", mp+"/ics", nil), c.write)
			for _, w := range writes {
				// Refused before the body is read: even a malformed body
				// gets the same answer, so nothing leaks.
				mustProblem(t, cl.apiSend("POST", w.path, w.body), c.write)
				mustProblem(t, cl.apiSend("POST", w.path, "{"), c.write)
			}
		}
		if n := meetingCount(t, app); n != 1 {
			t.Fatalf("%d meetings after refused calls", n)
		}
	})
}

func TestCalendarFeedAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		f.book(t, 72*time.Hour, true)
		c := app.apiClient("kari@example.org")
		st := apiDecode[apiFeed](t, c.apiSend("GET", "/api/v1/calendar/feed", nil), http.StatusOK)
		if st.Active || st.CreatedAt != nil || st.URL != "" {
			t.Fatalf("before: %+v", st)
		}
		made := apiDecode[apiFeed](t, c.apiSend("POST", "/api/v1/calendar/feed", nil), http.StatusCreated)
		if !made.Active || !strings.HasPrefix(made.URL, "http://mentorskap.test/calendar/") || !strings.HasSuffix(made.URL, ".ics") {
			t.Fatalf("made %+v", made)
		}
		res := app.client().get(strings.TrimPrefix(made.URL, "http://mentorskap.test"))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, "BEGIN:VCALENDAR", "Ayu Lestari")
		apiNoSecrets(t, c.apiSend("GET", "/api/v1/calendar/feed", nil))
		st = apiDecode[apiFeed](t, c.apiSend("GET", "/api/v1/calendar/feed", nil), http.StatusOK)
		if !st.Active || st.URL != "" {
			t.Fatalf("status shows the address again: %+v", st)
		}
		c.apiSend("DELETE", "/api/v1/calendar/feed", nil).mustStatus(t, http.StatusNoContent)
		app.client().get(strings.TrimPrefix(made.URL, "http://mentorskap.test")).mustStatus(t, http.StatusNotFound)
		c.apiSend("DELETE", "/api/v1/calendar/feed", nil).mustStatus(t, http.StatusNoContent)
	})
}

func TestPairHomeForMembers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		ctx := context.Background()
		held := f.book(t, 24*time.Hour, true)
		f.book(t, 30*24*time.Hour, false)
		app.clock.Advance(48 * time.Hour)
		next := f.book(t, 7*24*time.Hour, true)
		// An open action item agreed at the held meeting, and a goal.
		if _, err := db.Exec(ctx, `INSERT INTO action_items (pair_id, meeting_id, body, owner_id, due_date, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, '2026-03-20', 'open', ?, ?, ?)`, f.pair.ID, held.ID, "Update the CV <now>", f.mentee.ID, f.mentee.ID,
			app.clock.Now(), app.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO goals (pair_id, title, status, progress, created_at, updated_at)
			VALUES (?, 'Find a job in tech', 'in_progress', 40, ?, ?)`, f.pair.ID, app.clock.Now(), app.clock.Now()); err != nil {
			t.Fatal(err)
		}
		res := app.login("kari@example.org").get(f.path(""))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, "Ayu Lestari", app.tr("nb", "pairhome.next_meeting"), `href="/pairs/`+pid(f.pair.ID)+`/meetings/`+pid(next.ID)+`"`,
			"Update the CV &lt;now&gt;", "Find a job in tech", `value="40"`, app.tr("nb", "meeting.number", "n", 1),
			app.tr("nb", "meeting.state.held"), app.tr("nb", "pairhome.later"), app.tr("nb", "agreement.state.not_started"),
			app.bundle.Locale("nb").N("pairhome.held", 1, "min", 4), app.tr("nb", "pairhome.agenda_missing"))
		if strings.Contains(res.Body, app.tr("nb", "pairhome.no_meeting")) {
			t.Fatal("a pair with a booked meeting is shown as having none")
		}
		// The coordinator sees dates and lengths, not the pair's content.
		res = app.login("coord@example.org").get(f.path(""))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, html.EscapeString(app.tr("en", "pairhome.coordinator_view")), app.tr("en", "meeting.state.held"))
		for _, secret := range []string{"Update the CV", "Find a job", "Stortorget", "meet.example.org", app.tr("en", "pairhome.agenda_missing")} {
			if strings.Contains(res.Body, secret) {
				t.Fatalf("coordinator sees %q", secret)
			}
		}
	})
}
