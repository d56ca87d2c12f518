package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/meeting"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestSchedulingThreeOptions: the mentee offers three times, the mentor
// picks the third; the mentor then moves it offering two, and the mentee
// answers with times of her own; the JSON API offers and accepts the same
// way. Every time shown names its weekday, and the zone comes from the
// list only.
func TestSchedulingThreeOptions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db) // mentor in Oslo (nb), mentee in Jakarta (id); now Monday 2 March 2026 09:00 UTC
		app := f.app
		mentee, mentor := app.login(f.mentee.Email), app.login(f.mentor.Email)
		nb := app.bundle.Locale("nb")

		res := mentee.get(f.path("/meetings/new"))
		res.mustContain(t, `name="date_2"`, `name="time_3"`, `list="meeting-timezones"`, `<option value="Europe/Oslo">`, app.tr("id", "schedule.more_legend"))

		form := url.Values{"date": {"2026-03-09"}, "time": {"17:00"}, "timezone": {"Asia/Jakarta"}, "minutes": {"60"},
			"place": {"Kafé Stortorget"}, "date_2": {"2026-03-10"}, "time_2": {"17:00"}, "date_3": {"2026-03-11"}, "time_3": {"18:30"}}
		// A zone not on the list, a repeated time and a past one are refused
		// next to their fields, and nothing is booked.
		for field, v := range map[string][2]string{
			"timezone": {"Mars/Olympus_Mons", "error.timezone_invalid"},
			"date_2":   {"2026-03-09", "schedule.error.same_time"},
			"date_3":   {"2026-03-01", "meeting.error.in_past"},
		} {
			bad := url.Values{}
			for k, vs := range form {
				bad[k] = vs
			}
			bad.Set(field, v[0])
			res = mentee.post(f.path("/meetings"), bad)
			res.mustStatus(t, http.StatusUnprocessableEntity)
			res.mustContain(t, app.tr("id", v[1]))
		}
		if n := meetingCount(t, app); n != 0 {
			t.Fatalf("refused proposals booked %d meetings", n)
		}
		res = mentee.post(f.path("/meetings"), form)
		res.mustStatus(t, http.StatusSeeOther)
		mpath := res.Header.Get("Location")

		// The mentee waits and sees what she offered.
		res = mentee.get(mpath)
		res.mustContain(t, app.tr("id", "schedule.you_offered"), "Rabu, 11 Mar 2026 18.30")

		// The mentor reads the three times in his own zone with weekdays,
		// and the email lists them all.
		jakarta, _ := time.LoadLocation("Asia/Jakarta")
		times := []time.Time{time.Date(2026, 3, 9, 17, 0, 0, 0, jakarta), time.Date(2026, 3, 10, 17, 0, 0, 0, jakarta), time.Date(2026, 3, 11, 18, 30, 0, 0, jakarta)}
		res = mentor.get(mpath)
		want := []string{nb.T("schedule.pick_legend"), `name="option" value="3"`}
		for _, at := range times {
			want = append(want, nb.DateTime(at, "Europe/Oslo"))
		}
		res.mustContain(t, want...)
		res.mustContain(t, "mandag 9. mar. 2026 11.00", "onsdag 11. mar. 2026 12.30")
		var body string
		if err := db.QueryRow(t.Context(), `SELECT body FROM outbox WHERE to_email = ? AND kind = 'meeting_proposed'`, f.mentor.Email).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, nb.When(times[1], "Europe/Oslo")) || !strings.Contains(body, nb.When(times[2], "Europe/Oslo")) {
			t.Fatalf("the proposal email lacks the other times:\n%s", body)
		}

		// An option that is not offered is refused; the third is taken.
		seq := between(res.Body, `name="sequence" value="`, `"`)
		mentor.post(mpath+"/accept", url.Values{"sequence": {seq}, "option": {"4"}}).mustStatus(t, http.StatusUnprocessableEntity)
		res = mentor.post(mpath+"/accept", url.Values{"sequence": {seq}, "option": {"3"}})
		res.mustStatus(t, http.StatusSeeOther)
		res = mentee.get(mpath)
		res.mustContain(t, "Rabu, 11 Mar 2026 18.30", app.tr("id", "meeting.state.confirmed"))
		if strings.Contains(res.Body, `name="option"`) || strings.Contains(mentor.get(mpath).Body, `name="option"`) {
			t.Fatal("a confirmed meeting still offers times to pick")
		}

		// The mentor moves it offering two times; the mentee answers with
		// two of her own instead; the mentor takes her second.
		move := url.Values{"date": {"2026-03-12"}, "time": {"10:00"}, "timezone": {"Europe/Oslo"}, "minutes": {"60"},
			"place": {"Kafé Stortorget"}, "reason": {"Sick child"}, "date_2": {"2026-03-13"}, "time_2": {"10:00"}}
		mentor.post(mpath+"/move", move).mustStatus(t, http.StatusSeeOther)
		res = mentee.get(mpath)
		res.mustContain(t, `name="option" value="2"`, app.tr("id", "schedule.counter"))
		counter := url.Values{"date": {"2026-03-16"}, "time": {"16:00"}, "timezone": {"Asia/Jakarta"}, "minutes": {"60"},
			"place": {"Kafé Stortorget"}, "date_2": {"2026-03-17"}, "time_2": {"16:00"}}
		mentee.post(mpath+"/counter", counter).mustStatus(t, http.StatusSeeOther)
		res = mentor.get(mpath)
		if strings.Contains(res.Body, "fredag 13. mar. 2026") {
			t.Fatal("the mentor's own earlier options are still offered after the counter")
		}
		seq = between(res.Body, `name="sequence" value="`, `"`)
		mentor.post(mpath+"/accept", url.Values{"sequence": {seq}, "option": {"2"}}).mustStatus(t, http.StatusSeeOther)
		m, err := meeting.Get(t.Context(), db, mustID(t, mpath))
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 3, 17, 16, 0, 0, 0, jakarta); !m.StartsAt.Equal(want) || !m.Confirmed() {
			t.Fatalf("accepted meeting: %s %s, want confirmed at %s", m.Status, m.StartsAt, want)
		}

		// The JSON API: offer three, read them back, accept the second.
		api := app.apiClient(f.mentee.Email)
		base := "/api/v1/pairs/" + pid(f.pair.ID)
		in := map[string]any{"starts_on": "2026-03-23", "time": "09:00", "timezone": "Asia/Jakarta", "minutes": 60, "place": "Online",
			"more_times": []map[string]string{{"starts_on": "2026-03-24", "time": "09:00"}, {"starts_on": "2026-03-25", "time": "09:00"}}}
		mustProblem(t, api.apiSend("POST", base+"/meetings", map[string]any{"starts_on": "2026-03-23", "time": "09:00", "timezone": "Local", "minutes": 60, "place": "x"}), http.StatusUnprocessableEntity)
		created := apiDecode[apiMeeting](t, api.apiSend("POST", base+"/meetings", in), http.StatusCreated)
		mapi := app.apiClient(f.mentor.Email)
		mp := fmt.Sprintf("%s/meetings/%d", base, created.ID)
		d := apiDecode[apiMeetingDetail](t, mapi.apiSend("GET", mp, nil), http.StatusOK)
		if len(d.Options) != 3 || !d.Options[1].Equal(time.Date(2026, 3, 24, 2, 0, 0, 0, time.UTC)) {
			t.Fatalf("API options: %v", d.Options)
		}
		mustProblem(t, mapi.apiSend("POST", mp+"/accept", map[string]any{"option": 9}), http.StatusUnprocessableEntity)
		got := apiDecode[apiMeeting](t, mapi.apiSend("POST", mp+"/accept", map[string]any{"option": 2, "sequence": d.Sequence}), http.StatusOK)
		if got.Status != meeting.StatusConfirmed || !got.StartsAt.Equal(d.Options[1]) {
			t.Fatalf("API accept: %s at %s", got.Status, got.StartsAt)
		}
		d = apiDecode[apiMeetingDetail](t, mapi.apiSend("GET", mp, nil), http.StatusOK)
		if len(d.Options) != 1 {
			t.Fatalf("a confirmed meeting still offers %d times", len(d.Options))
		}
	})
}

// between returns the text in s after the first start and before end.
func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}

// mustID reads the last number of a path.
func mustID(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path[strings.LastIndex(path, "/")+1:], "%d", &id); err != nil {
		t.Fatal(err)
	}
	return id
}
