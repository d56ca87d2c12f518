package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/agreement"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/i18n"
	"mentorskap/internal/meeting"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// signVersion saves version base+1 of the pair's agreement as the mentee
// and has both sides sign it, through the pages.
func (f *meetFixture) signVersion(t *testing.T, mentee, mentor *client, base int, edit func(*agreement.Content)) {
	t.Helper()
	p := f.path("/agreement")
	mentee.post(p+"/edit", agreementForm(base, edit)).mustStatus(t, http.StatusSeeOther)
	for _, c := range []struct {
		cl    *client
		email string
		name  string
	}{{mentee, f.mentee.Email, f.mentee.Name}, {mentor, f.mentor.Email, f.mentor.Name}} {
		c.cl.post(p+"/sign", url.Values{"version": {strconv.Itoa(base + 1)}, "password": {"password-" + c.email}, "typed_name": {c.name}}).
			mustStatus(t, http.StatusSeeOther)
	}
}

// dues reads the pair's check point dates by kind.
func (f *meetFixture) dues(t *testing.T) map[string]time.Time {
	t.Helper()
	rows, err := f.app.db.Query(context.Background(), `SELECT kind, due_at FROM checkpoints WHERE pair_id = ?`, f.pair.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var k string
		var at time.Time
		if err := rows.Scan(&k, &at); err != nil {
			t.Fatal(err)
		}
		out[k] = at.UTC()
	}
	return out
}

// section cuts the part of a page between two markers, so an assertion
// about one card is not fooled by another.
func section(body, from, to string) string {
	i := strings.Index(body, from)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, to); j >= 0 {
		return rest[:j]
	}
	return rest
}

type apiDueList struct {
	Items []struct {
		Kind    string    `json:"kind"`
		DueAt   time.Time `json:"due_at"`
		OpensAt time.Time `json:"opens_at"`
		With    []string  `json:"with"`
	} `json:"items"`
}

// What waits for an answer is what can be answered now. Check points
// still to come are listed apart, with the day they open in the reader's
// own zone and language; the pair home, its JSON and /due agree.
func TestWaitingIsOnlyWhatIsOpen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		mentee, mentor := app.login(f.mentee.Email), app.login(f.mentor.Email)
		f.signVersion(t, mentee, mentor, 0, nil) // 2 March to 2 August, signed 2 March 09:00 UTC

		// The follow-up is due 1 April and opens 25 March, a Wednesday.
		opens := app.clock.Now().Add(evaluation.FollowupAfter - evaluation.OpenBefore)
		home := mentee.get(f.path(""))
		home.mustStatus(t, http.StatusOK)
		due := section(home.Body, `id="h-due"`, "</section>")
		// Only the waiting list above the upcoming heading asks for an
		// answer; an upcoming check point links to its page, which says
		// when it opens.
		waiting, _, _ := strings.Cut(due, app.tr("id", "checkpoint.upcoming"))
		if !strings.Contains(waiting, app.tr("id", "pairhome.due_none")) || strings.Contains(waiting, "/evaluations/") {
			t.Fatalf("the mentee is asked to answer what has not opened:\n%s", due)
		}
		wantOpens := app.tr("id", "checkpoint.opens_on", "date", app.bundle.Locale("id").WeekdayDate(i18n.In(opens, "Asia/Jakarta")))
		if !strings.Contains(due, app.tr("id", "checkpoint.upcoming")) || !strings.Contains(due, html.EscapeString(wantOpens)) ||
			!strings.Contains(wantOpens, "Rabu, 25 Mar 2026") {
			t.Fatalf("upcoming not listed with its opening day %q:\n%s", wantOpens, due)
		}
		res := mentor.get(f.path(""))
		res.mustContain(t, html.EscapeString(app.tr("nb", "checkpoint.opens_on", "date", "onsdag 25. mar. 2026")))

		api := app.apiClient(f.mentee.Email)
		apiPair := "/api/v1/pairs/" + pid(f.pair.ID)
		if d := apiDecode[apiDueList](t, api.apiSend("GET", apiPair+"/due", nil), http.StatusOK); len(d.Items) != 0 {
			t.Fatalf("/due lists what has not opened: %+v", d)
		}
		up := apiDecode[apiDueList](t, api.apiSend("GET", apiPair+"/due/upcoming", nil), http.StatusOK)
		if len(up.Items) != 3 || up.Items[0].Kind != evaluation.KindFollowup || !up.Items[0].OpensAt.Equal(opens) ||
			up.Items[1].Kind != evaluation.KindMidpoint || up.Items[2].Kind != evaluation.KindFinal {
			t.Fatalf("/due/upcoming %+v", up)
		}
		type pairHome struct {
			Due         []any `json:"due"`
			DueUpcoming []any `json:"due_upcoming"`
		}
		if h := apiDecode[pairHome](t, api.apiSend("GET", apiPair+"/home", nil), http.StatusOK); len(h.Due) != 0 || len(h.DueUpcoming) != 3 {
			t.Fatalf("pair home JSON: %+v", h)
		}
		mustProblem(t, app.apiClient(f.coord.Email).apiSend("GET", apiPair+"/due/upcoming", nil), http.StatusForbidden)

		// The moment it opens, it waits for an answer; the rest still waits
		// its turn.
		app.clock.Set(opens)
		mentee = app.login(f.mentee.Email)
		due = section(mentee.get(f.path("")).Body, `id="h-due"`, "</section>")
		waiting, _, _ = strings.Cut(due, app.tr("id", "checkpoint.upcoming"))
		if !strings.Contains(waiting, `href="/pairs/`+pid(f.pair.ID)+`/evaluations/followup"`) || strings.Contains(waiting, "/evaluations/midpoint") {
			t.Fatalf("the day it opens:\n%s", due)
		}
		d := apiDecode[apiDueList](t, app.apiClient(f.mentee.Email).apiSend("GET", apiPair+"/due", nil), http.StatusOK)
		if len(d.Items) != 1 || d.Items[0].Kind != evaluation.KindFollowup {
			t.Fatalf("/due the day it opens: %+v", d)
		}
	})
}

// A pair matched late gets its check points in order from its own start:
// the follow-up that would come after the mid-point is asked with it, one
// that would come after the end is left out, and the pair and the
// coordinator read why. A new version of the agreement replans in order.
func TestLateMatchedPairCheckPoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		mentee, mentor, coord := app.login(f.mentee.Email), app.login(f.mentor.Email), app.login(f.coord.Email)
		inOrder := func(d map[string]time.Time) {
			t.Helper()
			for _, pair := range [][2]string{{"followup", "midpoint"}, {"midpoint", "final"}, {"followup", "final"}} {
				a, okA := d[pair[0]]
				b, okB := d[pair[1]]
				if okA && okB && a.After(b) {
					t.Fatalf("%s after %s: %v", pair[0], pair[1], d)
				}
			}
		}

		// Six weeks to go: the mid-point falls on 22 March, before the
		// follow-up's 1 April.
		f.signVersion(t, mentee, mentor, 0, func(c *agreement.Content) { c.EndDate = "2026-04-12" })
		d := f.dues(t)
		inOrder(d)
		if !d["midpoint"].Equal(time.Date(2026, 3, 22, 0, 0, 0, 0, time.UTC)) || !d["followup"].Equal(d["midpoint"]) {
			t.Fatalf("dates %v", d)
		}
		due := section(mentee.get(f.path("")).Body, `id="h-due"`, "</section>")
		if !strings.Contains(due, app.tr("id", "checkpoint.includes_followup")) || strings.Contains(due, app.tr("id", "evaluation.kind.followup")) {
			t.Fatalf("pair home lists the merged follow-up on its own:\n%s", due)
		}
		res := mentee.get(f.path("/evaluations/followup"))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, html.EscapeString(app.tr("id", evaluation.ReasonFollowupMerged, "date", "Rabu, 1 Apr 2026")),
			`href="/pairs/`+pid(f.pair.ID)+`/evaluations/midpoint"`)
		if strings.Contains(res.Body, `name="q`) {
			t.Fatal("the merged follow-up offers a form of its own")
		}
		res = coord.get("/programs/" + pid(f.prog.ID) + "/evaluations")
		res.mustContain(t, app.tr("en", "checkpoint.outcome.merged"), html.EscapeString(app.tr("en", evaluation.ReasonFollowupMerged, "date", "Wednesday 1 Apr 2026")))

		// The end moves to 20 March: under 30 days from signing, so the
		// follow-up is left out; the mid-point still fits.
		f.signVersion(t, mentee, mentor, 1, func(c *agreement.Content) { c.EndDate = "2026-03-20" })
		d = f.dues(t)
		inOrder(d)
		if _, ok := d["followup"]; ok || !d["midpoint"].Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("dates after the end moved in: %v", d)
		}
		mentor.get(f.path("/evaluations/followup")).mustContain(t,
			html.EscapeString(app.tr("nb", evaluation.ReasonFollowupDropped, "date", "onsdag 1. apr. 2026")))
		coord.get("/programs/"+pid(f.prog.ID)+"/evaluations").mustContain(t, app.tr("en", "checkpoint.outcome.dropped"))

		// The whole summer after all: the follow-up is back a month after
		// the agreement first came into force, on its own.
		f.signVersion(t, mentee, mentor, 2, func(c *agreement.Content) { c.EndDate = "2026-08-31" })
		d = f.dues(t)
		inOrder(d)
		if !d["followup"].Equal(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("dates with the summer: %v", d)
		}
		if n := app.count(`SELECT COUNT(*) FROM checkpoint_adjustments WHERE pair_id = ?`, f.pair.ID); n != 0 {
			t.Fatalf("%d stale reasons kept", n)
		}
	})
}

// The 30-day follow-up offers the meeting the seeds ask for: booked from
// the check point with its agenda ready in the pair's language, marked as
// the agreement review, and once held its notes lead to the agreement,
// whose new version names the meeting.
func TestAgreementReviewMeeting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		app := f.app
		ctx := context.Background()
		mentee, mentor, coord := app.login(f.mentee.Email), app.login(f.mentor.Email), app.login(f.coord.Email)
		book := func(cl *client) *response {
			at := app.clock.Now().Add(24 * time.Hour).UTC()
			return cl.post(f.path("/meetings"), url.Values{"date": {at.Format("2006-01-02")}, "time": {"10:00"}, "timezone": {"UTC"},
				"minutes": {"60"}, "place": {"Kafé Sentrum"}, "purpose": {meeting.PurposeReview}})
		}
		reviews := func() int {
			return app.count(`SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND purpose = 'agreement_review'`, f.pair.ID)
		}
		bookPath := `href="/pairs/` + pid(f.pair.ID) + `/meetings/new?purpose=agreement_review"`

		// No agreement in force yet: nothing to review.
		mentee.get(f.path("/meetings/new?purpose=agreement_review")).mustStatus(t, http.StatusConflict)
		book(mentee).mustStatus(t, http.StatusConflict)
		if reviews() != 0 {
			t.Fatal("a review booked before signing")
		}

		f.signVersion(t, mentee, mentor, 0, nil)
		form := f.path("/evaluations/followup")
		if res := mentee.get(form); strings.Contains(res.Body, bookPath) {
			t.Fatal("review offered before the follow-up opens")
		}
		// The follow-up opens (brought forward: sessions would lapse if
		// the clock jumped a month).
		if err := evaluation.Schedule(ctx, db, f.pair.ID, evaluation.KindFollowup, app.clock.Now().Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		res := mentee.get(form)
		res.mustContain(t, bookPath, app.tr("id", "checkpoint.review_book"), `name="q`)
		mentee.get(f.path("")).mustContain(t, bookPath)

		// The mentor books it; the agenda is in Indonesian, the language
		// the mentee side shares, since the two sides read different ones.
		res = mentor.get(f.path("/meetings/new?purpose=agreement_review"))
		res.mustStatus(t, http.StatusOK)
		topics := meeting.ReviewAgenda("id")
		res.mustContain(t, `name="purpose" value="agreement_review"`, html.EscapeString(topics[0].Title), app.tr("nb", "meeting.form.title_review"))
		coord.post(f.path("/meetings"), url.Values{"purpose": {meeting.PurposeReview}}).mustStatus(t, http.StatusForbidden)
		book(mentor).mustStatus(t, http.StatusSeeOther)
		if reviews() != 1 {
			t.Fatal("the review meeting was not booked as one")
		}
		var mid int64
		if err := db.QueryRow(ctx, `SELECT id FROM meetings WHERE pair_id = ? AND purpose = 'agreement_review'`, f.pair.ID).Scan(&mid); err != nil {
			t.Fatal(err)
		}
		if n := app.count(`SELECT COUNT(*) FROM agenda_items WHERE meeting_id = ? AND title = ?`, mid, topics[0].Title); n != 1 ||
			app.count(`SELECT COUNT(*) FROM agenda_items WHERE meeting_id = ?`, mid) != len(topics) {
			t.Fatal("the review agenda was not written")
		}
		if n := app.count(`SELECT COUNT(*) FROM outbox WHERE to_email = ? AND subject LIKE ?`, f.mentee.Email, "%peninjauan perjanjian%"); n != 1 {
			t.Fatalf("%d review proposals emailed to the mentee", n)
		}
		// Booked: the check point shows the meeting, not the action; a
		// second one is refused.
		res = mentee.get(form)
		res.mustContain(t, app.tr("id", "checkpoint.review_open"), `href="/pairs/`+pid(f.pair.ID)+`/meetings/`+pid(mid)+`"`)
		if strings.Contains(res.Body, bookPath) {
			t.Fatal("booking still offered once booked")
		}
		book(mentee).mustStatus(t, http.StatusConflict)
		if reviews() != 1 {
			t.Fatal("a second review booked")
		}
		api := app.apiClient(f.mentee.Email)
		type apiM struct {
			Purpose  string `json:"purpose"`
			Sequence int    `json:"sequence"`
		}
		if m := apiDecode[apiM](t, api.apiSend("GET", "/api/v1/pairs/"+pid(f.pair.ID)+"/meetings/"+pid(mid), nil), http.StatusOK); m.Purpose != meeting.PurposeReview {
			t.Fatalf("API purpose %q", m.Purpose)
		}
		mentee.post(f.path("/meetings/"+pid(mid)+"/accept"), url.Values{"sequence": {"0"}}).mustStatus(t, http.StatusSeeOther)
		notes := f.path("/meetings/" + pid(mid) + "/notes")
		edit := `href="/pairs/` + pid(f.pair.ID) + `/agreement/edit?review=` + pid(mid) + `"`
		if strings.Contains(mentee.get(notes).Body, edit) {
			t.Fatal("agreement change offered before the review was held")
		}

		// Five meetings booked before it put the review meeting past the
		// further meetings the pair's page reads; while the follow-up is
		// open, its offer on the pair's page still names the meeting.
		for i := range 5 {
			f.book(t, time.Duration(2+3*i)*time.Hour, false)
		}
		if err := evaluation.Schedule(ctx, db, f.pair.ID, evaluation.KindFollowup, app.clock.Now().Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		mentee.get(f.path("")).mustContain(t, app.tr("id", "checkpoint.review_open"), `href="/pairs/`+pid(f.pair.ID)+`/meetings/`+pid(mid)+`"`)

		// Held: its notes lead to the agreement, and the version saved
		// from there names the meeting in the history.
		app.clock.Set(app.clock.Now().Add(26 * time.Hour))
		mentee, mentor = app.login(f.mentee.Email), app.login(f.mentor.Email)
		mentee.get(notes).mustContain(t, edit, html.EscapeString(app.tr("id", "meeting.review_edit")))
		res = mentee.get(f.path("/agreement/edit?review=" + pid(mid)))
		res.mustContain(t, `name="review_meeting" value="`+pid(mid)+`"`)
		changed := agreementForm(1, func(c *agreement.Content) { c.MeetingCount = 6 })
		changed.Set("review_meeting", pid(mid))
		mentee.post(f.path("/agreement/edit"), changed).mustStatus(t, http.StatusSeeOther)
		if n := app.count(`SELECT COUNT(*) FROM agreement_version_reviews r JOIN agreement_versions v ON v.id = r.version_id
			WHERE v.pair_id = ? AND v.number = 2 AND r.meeting_id = ?`, f.pair.ID, mid); n != 1 {
			t.Fatal("the new version does not name the review meeting")
		}
		var startsAt time.Time
		if err := db.QueryRow(ctx, `SELECT starts_at FROM meetings WHERE id = ?`, mid).Scan(&startsAt); err != nil {
			t.Fatal(err)
		}
		day := app.bundle.Locale("id").Date(i18n.In(startsAt, "Asia/Jakarta"))
		mentee.get(f.path("/agreement/versions")).mustContain(t, html.EscapeString(app.tr("id", "meeting.review_source", "date", day)))

		// An ordinary meeting is no review: the change is refused and
		// nothing is saved.
		other := f.book(t, time.Hour, true)
		app.clock.Set(app.clock.Now().Add(2 * time.Hour))
		mentee = app.login(f.mentee.Email)
		bogus := agreementForm(2, func(c *agreement.Content) { c.MeetingCount = 7 })
		bogus.Set("review_meeting", pid(other.ID))
		if res := mentee.post(f.path("/agreement/edit"), bogus); res.StatusCode == http.StatusSeeOther {
			t.Fatal("a version linked to an ordinary meeting")
		}
		if n := app.count(`SELECT COUNT(*) FROM agreement_versions WHERE pair_id = ?`, f.pair.ID); n != 2 {
			t.Fatalf("%d versions after a refused save, want 2", n)
		}
	})
}

// A pair that signs before it first meets gets its check points planned
// again when that first meeting is confirmed: the chemistry check of the
// meeting comes before the follow-up and the mid-point.
func TestFirstMeetingAfterSigningMovesTheFollowup(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newMeetFixture(t, db)
		mentee, mentor := f.app.login(f.mentee.Email), f.app.login(f.mentor.Email)
		f.signVersion(t, mentee, mentor, 0, nil) // 2 March to 2 August, signed 2 March
		before := f.dues(t)
		first := f.book(t, 40*24*time.Hour, true) // met only on 11 April
		after := f.dues(t)
		floor := first.StartsAt.Add(evaluation.ChemistryWindow)
		if !before[evaluation.KindFollowup].Before(floor) {
			t.Fatalf("the scene needs a follow-up before the chemistry check: %v", before)
		}
		for _, kind := range []string{evaluation.KindFollowup, evaluation.KindMidpoint} {
			if due, ok := after[kind]; ok && due.Before(floor) {
				t.Errorf("%s due %s, before the first meeting's chemistry check on %s", kind, due, floor)
			}
		}
		if after[evaluation.KindFinal].IsZero() || !after[evaluation.KindFinal].Equal(before[evaluation.KindFinal]) {
			t.Errorf("final evaluation moved: %v → %v", before, after)
		}
	})
}
