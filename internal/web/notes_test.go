package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// notesFixture is one program with a pair and everyone the role matrix
// needs, and three meetings of the pair a week apart.
type notesFixture struct {
	prog                                               *program.Program
	pair                                               *program.Pair
	mentor, mentee, other, coord, foreign, admin       *account.User
	m1, m2, m3                                         int64
	mentorC, menteeC, otherC, coordC, foreignC, adminC *client
}

func notesSetup(t *testing.T, app *testApp) *notesFixture {
	t.Helper()
	f := &notesFixture{}
	f.admin = app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	f.coord = app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	f.foreign = app.addUser("foreign@example.org", "Finn Foreign", account.RoleCoordinator, "en")
	f.mentor = app.addUser("mentor@example.org", "Marit Mentor", account.RoleMember, "nb")
	f.mentee = app.addUser("mentee@example.org", "Ola Mentee", account.RoleMember, "en")
	f.other = app.addUser("other@example.org", "Oscar Other", account.RoleMember, "en")
	f.prog, f.pair = app.pairedProgram("Into work", f.coord, f.mentor, f.mentee, f.other, "Elsewhere", f.foreign)
	now := app.clock.Now()
	f.m1 = notesMeeting(t, app.db, f.pair.ID, now.AddDate(0, 0, 1))
	f.m2 = notesMeeting(t, app.db, f.pair.ID, now.AddDate(0, 0, 8))
	f.m3 = notesMeeting(t, app.db, f.pair.ID, now.AddDate(0, 0, 15))
	// Pairing queued emails; tests look only at their own.
	if _, err := app.db.Exec(context.Background(), `DELETE FROM outbox`); err != nil {
		t.Fatal(err)
	}
	f.mentorC, f.menteeC, f.otherC = app.login(f.mentor.Email), app.login(f.mentee.Email), app.login(f.other.Email)
	f.coordC, f.foreignC, f.adminC = app.login(f.coord.Email), app.login(f.foreign.Email), app.login(f.admin.Email)
	return f
}

// notesUID makes uids unique across tests that run side by side.
var notesUID atomic.Int64

// notesMeeting adds a confirmed meeting directly, as the planning pages
// would after both sides agreed.
func notesMeeting(t *testing.T, db *store.DB, pairID int64, at time.Time) int64 {
	t.Helper()
	uid := fmt.Sprintf("notes-%d@test", notesUID.Add(1))
	var id int64
	err := db.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes,
			created_at, updated_at) VALUES (?, ?, 'confirmed', ?, 'Europe/Oslo', 60, ?, ?) RETURNING id`,
			pairID, uid, at.UTC(), at.UTC(), at.UTC()).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *notesFixture) path(meetingID int64, doc string) string {
	return fmt.Sprintf("/pairs/%d/meetings/%d/%s", f.pair.ID, meetingID, doc)
}

// notesShareMeetings signs an agreement in which the pair shares its
// meetings with the coordinator.
func notesShareMeetings(t *testing.T, app *testApp, f *notesFixture) {
	t.Helper()
	ctx := context.Background()
	c := agreement.Content{StartDate: "2026-03-02", EndDate: "2026-08-02", MeetingCount: 4, TypicalMinutes: 60,
		MaxMinutes: 90, CoordinatorSees: agreement.ShareMeetings}
	v, err := app.srv.Agreements.SaveDraft(ctx, f.mentee, f.pair.ID, 0, c, app.bundle.Locale("en"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*account.User{f.mentee, f.mentor} {
		if _, err := app.srv.Agreements.Sign(ctx, u, f.pair.ID, v.Number, "password-"+u.Email, u.Name); err != nil {
			t.Fatal(err)
		}
	}
	if terms, _ := agreement.TermsFor(ctx, app.db, f.pair.ID); terms.CoordinatorSees != agreement.ShareMeetings {
		t.Fatalf("agreement does not share meetings: %+v", terms)
	}
}

func notesMails(t *testing.T, app *testApp) [][3]string {
	t.Helper()
	rows, err := app.db.Query(context.Background(), `SELECT to_email, subject, body FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][3]string
	for rows.Next() {
		var m [3]string
		if err := rows.Scan(&m[0], &m[1], &m[2]); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// notesLacks fails if the answer holds any of the strings.
func notesLacks(t *testing.T, r *response, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(r.Body, b) {
			t.Fatalf("response (status %d) holds %q:\n%s", r.StatusCode, b, r.Body)
		}
	}
}

func TestNotesAgendaThroughPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	en := app.bundle.Locale("en")
	theme1 := meeting.DefaultPlan("en").Themes[0].Title
	topic := meeting.DefaultPlan("en").Topics[6].Title

	res := f.menteeC.get(f.path(f.m1, "agenda"))
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, en.T("agenda.title", "n", 1), theme1, topic, `name="title_0"`, `href="/pairs/`+pid(f.pair.ID)+`/meetings/new"`)

	form := url.Values{"version": {"0"}, "rows": {"3"},
		"title_0": {"Pay talk"}, "text_0": {"What is **normal**? <script>alert(1)</script>"}, "order_0": {"2"},
		"title_1": {"Start with this"}, "order_1": {"1"},
		"title_2": {""}, "text_2": {""}, "order_2": {"3"},
		"pick": {"topic:" + topic, "topic:Pay talk"}}
	res = f.menteeC.post(f.path(f.m1, "agenda"), form)
	res.mustStatus(t, http.StatusSeeOther)

	mails := notesMails(t, app)
	nb := app.bundle.Locale("nb")
	if len(mails) != 1 || mails[0][0] != f.mentor.Email ||
		mails[0][1] != nb.T("email.agenda_ready.subject", "mentee", f.mentee.Name) ||
		!strings.Contains(mails[0][2], "- Start with this\n- Pay talk\n- "+topic) {
		t.Fatalf("agenda email: %q", mails)
	}

	// The mentor reads it, formatted safely, and has no form.
	res = f.mentorC.get(f.path(f.m1, "agenda"))
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Pay talk", "<strong>normal</strong>", "&lt;script&gt;", topic)
	notesLacks(t, res, "<script>alert", `name="title_0"`)
	if strings.Count(res.Body, "Pay talk") != 1 {
		t.Fatal("a ticked suggestion already on the list was added twice")
	}
	res = f.mentorC.post(f.path(f.m1, "agenda"), url.Values{"version": {"1"}, "rows": {"1"}, "title_0": {"Mine"}})
	res.mustStatus(t, http.StatusForbidden)

	// A stale save keeps the mentee's text and shows the saved version.
	res = f.menteeC.post(f.path(f.m1, "agenda"), url.Values{"version": {"0"}, "rows": {"1"}, "title_0": {"My lost topic"}})
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, `value="My lost topic"`, "Pay talk", en.T("agenda.your_version"), `name="version" value="1"`)

	// A topic with a note but no title is refused next to its row.
	res = f.menteeC.post(f.path(f.m1, "agenda"), url.Values{"version": {"1"}, "rows": {"2"},
		"title_0": {"Fine"}, "title_1": {" "}, "text_1": {"a note without a topic"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, `id="e-title_1"`, en.T("error.required"), "a note without a topic", `value="Fine"`)
	if n := len(notesMails(t, app)); n != 1 {
		t.Fatalf("refused saves sent email (%d)", n)
	}
}

func TestNotesChecklistThroughPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	en := app.bundle.Locale("en")

	res := f.mentorC.get(f.path(f.m2, "notes"))
	res.mustStatus(t, http.StatusOK)
	// Empty notes open as a form with meeting 2's theme filled in, in the
	// mentor's language, and the page ends by inviting the next booking.
	nb := app.bundle.Locale("nb")
	res.mustContain(t, nb.T("notes.title", "n", 2), `name="since_last"`, meeting.DefaultPlan("nb").Themes[1].Title,
		`name="time_minutes"`, `value="60"`, nb.T("notes.book_next"), `/pairs/`+pid(f.pair.ID)+`/meetings/new`)

	form := url.Values{"version": {"0"}, "since_last": {"Sent two applications"}, "today": {"Interview practice"},
		"time_minutes": {"90"}, "theme": {"Goals"}, "next_steps": {"A *clear* CV"}, "reflection": {"Last time was rushed"},
		"remember": {"Bring the job ad"}}
	f.mentorC.post(f.path(f.m2, "notes"), form).mustStatus(t, http.StatusSeeOther)

	res = f.menteeC.get(f.path(f.m2, "notes"))
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Sent two applications", "Interview practice", en.N("notes.minutes", 90), "<em>clear</em>",
		"Last time was rushed", "Bring the job ad", en.T("notes.updated", "name", f.mentor.Name, "when", ""))
	notesLacks(t, res, `name="since_last"`) // read view until asked to edit

	// The mentee edits from the old version: a conflict that keeps both texts.
	stale := url.Values{"version": {"0"}, "since_last": {"My own summary"}, "time_minutes": {"30"}}
	res = f.menteeC.post(f.path(f.m2, "notes"), stale)
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, en.T("notes.error.stale"), ">My own summary</textarea>", "Sent two applications", `name="version" value="1"`)
	res = f.menteeC.post(f.path(f.m2, "notes"), url.Values{"version": {"1"}, "since_last": {"Merged"}, "time_minutes": {"soon"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, `id="e-time_minutes"`, ">Merged</textarea>")
	f.menteeC.post(f.path(f.m2, "notes"), url.Values{"version": {"1"}, "since_last": {"Merged"}}).mustStatus(t, http.StatusSeeOther)
	f.mentorC.get(f.path(f.m2, "notes")+"?edit=1").mustContain(t, ">Merged</textarea>", `name="version" value="2"`)
}

func TestNotesActionItemsThroughPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	en := app.bundle.Locale("en")

	add := url.Values{"text": {"Rewrite the CV"}, "owner": {pid(f.other.ID)}, "due": {"2026-03-06"}}
	res := f.menteeC.post(f.path(f.m1, "notes/actions"), add)
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, en.T("actions.error.owner"), `value="Rewrite the CV"`)
	add.Set("owner", pid(f.mentee.ID))
	f.menteeC.post(f.path(f.m1, "notes/actions"), add).mustStatus(t, http.StatusSeeOther)
	f.mentorC.post(f.path(f.m1, "notes/actions"), url.Values{"text": {"Ask Kari about openings"}, "owner": {pid(f.mentor.ID)}}).
		mustStatus(t, http.StatusSeeOther)

	items, err := meeting.OpenActionItems(context.Background(), app.db, f.pair.ID)
	if err != nil || len(items) != 2 {
		t.Fatalf("open items: %+v %v", items, err)
	}
	cv, kari := items[0], items[1]
	res = f.menteeC.get(f.path(f.m1, "notes"))
	res.mustContain(t, "Rewrite the CV", en.T("actions.owner_is", "name", f.mentee.Name), "6 Mar 2026")

	// Edit one from its own meeting.
	f.mentorC.post(f.path(f.m1, "notes/actions/"+pid(kari.ID)), url.Values{"text": {"Ask Kari and Per"}, "owner": {pid(f.mentor.ID)}}).
		mustStatus(t, http.StatusSeeOther)

	// Meeting 2 reviews both: the CV carried over, Kari done.
	app.clock.Advance(8 * 24 * time.Hour)
	f.menteeC = app.login(f.mentee.Email) // the session ended while idle
	res = f.menteeC.get(f.path(f.m2, "notes"))
	res.mustContain(t, en.T("actions.review_title"), "Rewrite the CV", "Ask Kari and Per", en.T("actions.overdue"))
	f.menteeC.post(f.path(f.m2, "notes/actions/"+pid(cv.ID)+"/review"), url.Values{"outcome": {"carried"}}).mustStatus(t, http.StatusSeeOther)
	f.menteeC.post(f.path(f.m2, "notes/actions/"+pid(kari.ID)+"/review"), url.Values{"outcome": {"done"}}).mustStatus(t, http.StatusSeeOther)
	res = f.menteeC.post(f.path(f.m2, "notes/actions/"+pid(kari.ID)+"/review"), url.Values{"outcome": {"perhaps"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)

	// Meeting 3 sees only the carried item, and how often it was carried.
	res = f.menteeC.get(f.path(f.m3, "notes"))
	res.mustContain(t, "Rewrite the CV", en.N("actions.carried_times", 1))
	notesLacks(t, res, "Ask Kari and Per")
	// Its own meeting cannot review it.
	f.menteeC.post(f.path(f.m1, "notes/actions/"+pid(cv.ID)+"/review"), url.Values{"outcome": {"done"}}).
		mustStatus(t, http.StatusUnprocessableEntity)
}

func TestNotesPrivateNotesThroughPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	secret := "I think the CV needs a full rewrite"
	f.mentorC.post(f.path(f.m1, "notes/private"), url.Values{"version": {"0"}, "body": {secret}}).mustStatus(t, http.StatusSeeOther)
	f.mentorC.get(f.path(f.m1, "notes")).mustContain(t, secret)
	notesLacks(t, f.menteeC.get(f.path(f.m1, "notes")), secret)

	// Even when the agreement shares meetings with the coordinator,
	// private notes stay private.
	notesShareMeetings(t, app, f)
	res := f.coordC.get(f.path(f.m1, "notes"))
	res.mustStatus(t, http.StatusOK)
	notesLacks(t, res, secret, `action="`+f.path(f.m1, "notes/private")+`"`)
	f.coordC.post(f.path(f.m1, "notes/private"), url.Values{"version": {"0"}, "body": {"x"}}).mustStatus(t, http.StatusForbidden)

	// A second tab's stale save is a conflict that keeps both texts.
	res = f.mentorC.post(f.path(f.m1, "notes/private"), url.Values{"version": {"0"}, "body": {"second tab"}})
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, ">second tab</textarea>", secret)
}

// TestNotesPagesRoleMatrix checks who may open and change a meeting's
// documents: the two sides; the coordinator and administrators only to read,
// and only when the agreement shares meetings; nobody else.
func TestNotesPagesRoleMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	anon := app.client()
	if _, err := app.srv.Meetings.SaveAgenda(context.Background(), f.mentee, f.pair.ID, f.m1, 0,
		[]meeting.AgendaItem{{Title: "Confidential topic"}}); err != nil {
		t.Fatal(err)
	}
	reads := []string{f.path(f.m1, "agenda"), f.path(f.m1, "notes")}
	writes := map[string]url.Values{
		f.path(f.m1, "agenda"):        {"version": {"1"}, "rows": {"1"}, "title_0": {"x"}},
		f.path(f.m1, "notes"):         {"version": {"0"}, "today": {"x"}},
		f.path(f.m1, "notes/private"): {"version": {"0"}, "body": {"x"}},
		f.path(f.m1, "notes/actions"): {"text": {"x"}, "owner": {pid(f.mentee.ID)}},
	}
	check := func(who string, c *client, read, write int) {
		t.Helper()
		for _, p := range reads {
			res := c.get(p)
			if res.StatusCode != read {
				t.Errorf("%s GET %s: %d, want %d", who, p, res.StatusCode, read)
			}
			if read != http.StatusOK && strings.Contains(res.Body, "Confidential topic") {
				t.Errorf("%s GET %s leaks the agenda", who, p)
			}
		}
		for p, form := range writes {
			if res := c.post(p, form); res.StatusCode != write {
				t.Errorf("%s POST %s: %d, want %d", who, p, res.StatusCode, write)
			}
		}
	}
	check("anonymous", anon, http.StatusSeeOther, http.StatusUnauthorized)
	check("other participant", f.otherC, http.StatusNotFound, http.StatusNotFound)
	check("other program's coordinator", f.foreignC, http.StatusNotFound, http.StatusNotFound)
	check("coordinator", f.coordC, http.StatusForbidden, http.StatusForbidden)
	check("administrator", f.adminC, http.StatusForbidden, http.StatusForbidden)
	if n := app.count(`SELECT COUNT(*) FROM meeting_notes`) + app.count(`SELECT COUNT(*) FROM private_notes`) +
		app.count(`SELECT COUNT(*) FROM action_items`); n != 0 {
		t.Fatalf("refused writes stored %d rows", n)
	}
	for _, p := range reads {
		f.mentorC.get(p).mustStatus(t, http.StatusOK)
		f.menteeC.get(p).mustStatus(t, http.StatusOK)
	}

	// With meetings shared, coordinators read agendas and shared notes but
	// still change nothing.
	notesShareMeetings(t, app, f)
	check("coordinator, shared", f.coordC, http.StatusOK, http.StatusForbidden)
	check("administrator, shared", f.adminC, http.StatusOK, http.StatusForbidden)
	check("other participant, shared", f.otherC, http.StatusNotFound, http.StatusNotFound)
	f.coordC.get(f.path(f.m1, "agenda")).mustContain(t, "Confidential topic", html.EscapeString(app.tr("en", "notes.coordinator_view")))

	// A meeting id of another pair is not found through this pair.
	res := f.mentorC.get(fmt.Sprintf("/pairs/%d/meetings/%d/notes", f.pair.ID+1, f.m1))
	res.mustStatus(t, http.StatusNotFound)
}

func TestNotesMeetingPlanPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	f := notesSetup(t, app)
	sv := meeting.DefaultPlan("sv")
	path := fmt.Sprintf("/programs/%d/meeting-plan", f.prog.ID)

	f.coordC.get(programPath(f.prog.ID)).mustContain(t, `href="`+path+`"`)
	res := f.coordC.get(path)
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, meeting.DefaultPlan("en").Themes[0].Title, meeting.DefaultPlan("en").Activities[2].Title)
	f.coordC.get(path+"?lang=sv").mustContain(t, sv.Themes[5].Title, sv.Topics[11].Title)

	// Reorder the Swedish plan, drop one theme and add one.
	form := url.Values{"lang": {"sv"}, "kind": {"theme"}, "version": {"0"}, "rows": {"8"}}
	for i, th := range sv.Themes {
		k := fmt.Sprint(i)
		form.Set("title_"+k, th.Title)
		form.Set("text_"+k, th.Description)
		form.Set("order_"+k, fmt.Sprint(i+1))
	}
	form.Set("order_0", "3")           // first becomes third
	form.Set("remove_4", "1")          // drop workplace culture
	form.Set("title_6", "Studiebesök") // a new one at the end
	form.Set("order_6", "9")
	f.coordC.post(path, form).mustStatus(t, http.StatusSeeOther)
	p, err := meeting.LoadPlan(context.Background(), app.db, f.prog.ID, "sv")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, th := range p.Themes {
		got = append(got, th.Title)
	}
	want := []string{sv.Themes[1].Title, sv.Themes[2].Title, sv.Themes[0].Title, sv.Themes[3].Title, sv.Themes[5].Title, "Studiebesök"}
	if fmt.Sprint(got) != fmt.Sprint(want) || p.Version != 1 || len(p.Topics) != 12 {
		t.Fatalf("saved themes %q, want %q (version %d)", got, want, p.Version)
	}

	// A second save from the same version is a conflict that keeps the text.
	form.Set("title_6", "Mitt förslag")
	res = f.coordC.post(path, form)
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, `value="Mitt förslag"`, app.tr("en", "plan.error.stale"))
	// A blank title with a description is refused on its row.
	res = f.coordC.post(path, url.Values{"lang": {"sv"}, "kind": {"topic"}, "version": {"1"}, "rows": {"1"}, "text_0": {"Bara text"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, `id="e-topic-title_0"`, "Bara text")

	// A Swedish reader sees the program's Swedish plan; the English mentee
	// still sees the English defaults until English is edited.
	f.menteeC.get(f.path(f.m1, "agenda")).mustContain(t, meeting.DefaultPlan("en").Themes[0].Title)
	en := url.Values{"lang": {"en"}, "kind": {"theme"}, "version": {"0"}, "rows": {"1"}, "title_0": {"Coffee and introductions"}, "order_0": {"1"}}
	f.coordC.post(path, en).mustStatus(t, http.StatusSeeOther)
	f.menteeC.get(f.path(f.m1, "agenda")).mustContain(t, "Coffee and introductions")

	// Reset goes back to the defaults.
	f.coordC.post(path+"/reset", url.Values{"lang": {"en"}}).mustStatus(t, http.StatusSeeOther)
	f.menteeC.get(f.path(f.m1, "agenda")).mustContain(t, meeting.DefaultPlan("en").Themes[0].Title)

	// Only the program's coordinators and administrators.
	anon := app.client()
	for _, c := range []struct {
		who        string
		c          *client
		read, save int
	}{
		{"anonymous", anon, http.StatusSeeOther, http.StatusUnauthorized},
		{"mentee", f.menteeC, http.StatusForbidden, http.StatusForbidden},
		{"mentor", f.mentorC, http.StatusForbidden, http.StatusForbidden},
		{"other participant", f.otherC, http.StatusForbidden, http.StatusForbidden},
		{"other program's coordinator", f.foreignC, http.StatusNotFound, http.StatusNotFound},
		{"administrator", f.adminC, http.StatusOK, http.StatusSeeOther},
	} {
		if res := c.c.get(path); res.StatusCode != c.read {
			t.Errorf("%s reads the plan: %d, want %d", c.who, res.StatusCode, c.read)
		}
		save := url.Values{"lang": {"nb"}, "kind": {"activity"}, "version": {"0"}, "rows": {"1"}, "title_0": {"Tur"}}
		if res := c.c.post(path, save); res.StatusCode != c.save {
			t.Errorf("%s saves the plan: %d, want %d", c.who, res.StatusCode, c.save)
		}
	}
}
