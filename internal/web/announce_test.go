package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func init() {
	pageToAPI["POST /programs/{id}/announcements/preview"] = "POST /api/v1/programs/{programID}/announcements/preview"
	pageToAPI["POST /programs/{id}/announcements"] = "POST /api/v1/programs/{programID}/announcements"
	pageToAPI["POST /announcements/{id}/dismiss"] = "POST /api/v1/announcements/{announcementID}/dismiss"
	pageToAPI["POST /programs/{id}/resources/files"] = "POST /api/v1/programs/{programID}/resources/files"
	pageToAPI["POST /programs/{id}/resources/links"] = "POST /api/v1/programs/{programID}/resources/links"
	pageToAPI["POST /programs/{id}/resources/{rid}"] = "PATCH /api/v1/programs/{programID}/resources/{resourceID}"
	pageToAPI["POST /programs/{id}/resources/{rid}/remove"] = "DELETE /api/v1/programs/{programID}/resources/{resourceID}"

	// Who may use each route (confidential_test.go); the ids of resources
	// and announcements are filled with one nobody has, hence "refused".
	for pattern, class := range map[string]string{
		"GET /programs/{id}/announcements":           "coord",
		"POST /programs/{id}/announcements/preview":  "coord",
		"POST /programs/{id}/announcements":          "coord",
		"POST /announcements/{id}/dismiss":           "refused",
		"GET /programs/{id}/resources":               "program",
		"GET /programs/{id}/resources/manage":        "coord",
		"POST /programs/{id}/resources/files":        "coord",
		"POST /programs/{id}/resources/links":        "coord",
		"POST /programs/{id}/resources/{rid}":        "coord",
		"POST /programs/{id}/resources/{rid}/remove": "coord",
		"GET /programs/{id}/resources/{rid}/file":    "refused",
	} {
		confidentialRoutes[pattern] = class
	}
	for pattern, class := range map[string]string{
		"GET /api/v1/programs/{programID}/announcements":               "coord",
		"POST /api/v1/programs/{programID}/announcements":              "coord",
		"POST /api/v1/programs/{programID}/announcements/preview":      "coord",
		"GET /api/v1/me/announcements":                                 "user",
		"POST /api/v1/announcements/{announcementID}/dismiss":          "refused",
		"GET /api/v1/programs/{programID}/resources":                   "program",
		"POST /api/v1/programs/{programID}/resources/files":            "coord",
		"POST /api/v1/programs/{programID}/resources/links":            "coord",
		"PATCH /api/v1/programs/{programID}/resources/{resourceID}":    "coord",
		"DELETE /api/v1/programs/{programID}/resources/{resourceID}":   "coord",
		"GET /api/v1/programs/{programID}/resources/{resourceID}/file": "refused",
	} {
		confidentialAPI[pattern] = class
	}
}

// announceScene is a program with one pair (mentor writes Norwegian,
// mentee English), an unpaired mentee, a mentor still waiting for
// approval, and another program with a participant of its own.
type announceScene struct {
	scene
	app     *testApp
	pending *account.User
	alien   *account.User // a participant of the other program
	base    string
}

func newAnnounceScene(t *testing.T, db *store.DB) announceScene {
	app := newTestAppDB(t, db)
	s := announceScene{scene: newScene(t, app, "Spring cohort", "nb"), app: app}
	s.pending = app.addUser("pending@example.org", "Pia Pending", account.RoleMember, "en")
	app.enrol(s.prog.ID, s.pending, "mentor", program.StatusPending)
	s.alien = app.addUser("alienp@example.org", "Ali Elsewhere", account.RoleMember, "en")
	var other int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM programs WHERE name = 'Other cohort'`).Scan(&other); err != nil {
		t.Fatal(err)
	}
	app.enrol(other, s.alien, "mentor", program.StatusApproved)
	s.base = "/programs/" + pid(s.prog.ID)
	return s
}

// emails counts the announcement emails to an address, and says the
// language of the latest.
func (s announceScene) emails(to string) (int, string) {
	s.app.t.Helper()
	var n int
	var lang string
	err := s.app.db.QueryRow(context.Background(), `SELECT COUNT(*), COALESCE(MAX(language), '') FROM outbox
		WHERE kind = 'announcement' AND to_email = ?`, to).Scan(&n, &lang)
	if err != nil {
		s.app.t.Fatal(err)
	}
	return n, lang
}

func announceForm(segment, lang, subject, key string) url.Values {
	return url.Values{"segment": {segment}, "language": {lang}, "subject": {subject},
		"body": {"First line.\nSecond line."}, "send_key": {key}}
}

func TestAnnouncementSegmentsEmailsAndHome(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newAnnounceScene(t, db)
		coord := s.app.login(s.coord.Email)
		en := s.app.bundle.Locale("en")

		page := coord.get(s.base + "/announcements")
		page.mustStatus(t, http.StatusOK)
		// Everyone: the pair and the unpaired mentee, not the pending mentor.
		page.mustContain(t, html.EscapeString(en.N("announce.people", 3)))

		// The preview counts before anything is sent.
		res := coord.post(s.base+"/announcements/preview", announceForm("mentors", "sv", "Kick-off", ""))
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, html.EscapeString(en.N("announce.send_button", 1)), `name="send_key"`)
		if n, _ := s.emails(s.mentor.Email); n != 0 {
			t.Fatalf("the preview sent %d emails", n)
		}

		// Bad input: nothing sent, the problem beside its field.
		res = coord.post(s.base+"/announcements", announceForm("mentors", "sv", "", "k0"))
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, html.EscapeString(en.T("announce.error.subject_missing")))
		res = coord.post(s.base+"/announcements", announceForm("everybody", "sv", "x", "k0"))
		res.mustStatus(t, http.StatusUnprocessableEntity)

		// To the mentors, written in Swedish: the Norwegian mentor gets it
		// in Swedish, once, even when the form is sent twice.
		for range 2 {
			res = coord.post(s.base+"/announcements", announceForm("mentors", "sv", "Kick-off", "k1"))
			res.mustStatus(t, http.StatusSeeOther)
		}
		if n, lang := s.emails(s.mentor.Email); n != 1 || lang != "sv" {
			t.Fatalf("mentor: %d emails in %q, want 1 in sv", n, lang)
		}
		for _, u := range []*account.User{s.mentee, s.other, s.pending, s.alien, s.coord} {
			if n, _ := s.emails(u.Email); n != 0 {
				t.Fatalf("%s got %d emails meant for the mentors", u.Name, n)
			}
		}
		var body string
		db.QueryRow(context.Background(), `SELECT body FROM outbox WHERE kind = 'announcement' AND to_email = ?`, s.mentor.Email).Scan(&body)
		if !strings.Contains(body, "Hej Max Mentor") || !strings.Contains(body, "First line.\nSecond line.") {
			t.Fatalf("email body:\n%s", body)
		}

		// The mentor sees it on home until hiding it; the mentee never.
		mentor := s.app.login(s.mentor.Email)
		mentor.get("/").mustContain(t, "Kick-off", `lang="sv"`)
		if strings.Contains(s.app.login(s.mentee.Email).get("/").Body, "Kick-off") {
			t.Fatal("the mentee sees an announcement for the mentors")
		}
		var annID int64
		db.QueryRow(context.Background(), `SELECT id FROM announcements WHERE subject = 'Kick-off'`).Scan(&annID)
		s.app.login(s.alien.Email).post("/announcements/"+pid(annID)+"/dismiss", nil).mustStatus(t, http.StatusNotFound)
		mentor.post("/announcements/"+pid(annID)+"/dismiss", nil).mustStatus(t, http.StatusSeeOther)
		if strings.Contains(mentor.get("/").Body, "Kick-off") {
			t.Fatal("a hidden announcement is still on home")
		}

		// In the program's default language when none is chosen; to
		// everyone approved.
		form := announceForm("all", "", "Cohort greeting", "k2")
		coord.post(s.base+"/announcements", form).mustStatus(t, http.StatusSeeOther)
		for _, u := range []*account.User{s.mentor, s.mentee, s.other} {
			if n, lang := s.emails(u.Email); n < 1 || lang != s.prog.DefaultLanguage && lang != "sv" {
				t.Fatalf("%s: %d emails, language %q", u.Name, n, lang)
			}
		}
		if n, _ := s.emails(s.pending.Email); n != 0 {
			t.Fatal("a participant waiting for approval got an announcement")
		}

		// An old announcement leaves home by itself.
		s.app.clock.Advance(31 * 24 * time.Hour)
		if strings.Contains(s.app.login(s.mentee.Email).get("/").Body, "Cohort greeting") {
			t.Fatal("an announcement older than ShowDays is still on home")
		}

		// The coordinator's list (sessions have lapsed over the month).
		coord, mentor = s.app.login(s.coord.Email), s.app.login(s.mentor.Email)
		coord.get(s.base+"/announcements").mustContain(t, "Kick-off", "Cohort greeting")

		// Only the program's coordinators write.
		mentor.get(s.base+"/announcements").mustStatus(t, http.StatusForbidden)
		mentor.post(s.base+"/announcements", announceForm("all", "en", "x", "k3")).mustStatus(t, http.StatusForbidden)
		s.app.login(s.alien.Email).get(s.base+"/announcements").mustStatus(t, http.StatusNotFound)
	})
}

func TestAnnouncementBehindAndCheckpointSegments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newAnnounceScene(t, db)
		ctx := context.Background()
		coord := s.app.login(s.coord.Email)
		// Nobody is behind on the first day, nor has a check point open.
		for _, seg := range []string{"behind", "checkpoint"} {
			res := coord.post(s.base+"/announcements/preview", announceForm(seg, "en", "Hello", ""))
			res.mustStatus(t, http.StatusUnprocessableEntity)
			res.mustContain(t, html.EscapeString(s.app.bundle.Locale("en").T("announce.error.nobody")))
		}
		// Two months on without a meeting the pair is behind its plan;
		// a follow-up is due and only the mentor has answered it.
		s.app.clock.Advance(60 * 24 * time.Hour)
		now := s.app.clock.Now()
		err := db.Tx(ctx, func(tx *store.Tx) error {
			var cp int64
			if err := tx.QueryRow(ctx, `INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, 'followup', ?, ?, ?) RETURNING id`,
				s.pair.ID, now.Add(-24*time.Hour), now, now).Scan(&cp); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, cp, s.mentor.ID, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		coord = s.app.login(s.coord.Email)
		coord.post(s.base+"/announcements", announceForm("behind", "en", "Time to meet", "b")).mustStatus(t, http.StatusSeeOther)
		coord.post(s.base+"/announcements", announceForm("checkpoint", "en", "Please answer", "c")).mustStatus(t, http.StatusSeeOther)
		got := map[string]int{}
		rows, err := db.Query(ctx, `SELECT to_email, subject FROM outbox WHERE kind = 'announcement'`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var to, subj string
			rows.Scan(&to, &subj)
			got[subj+" → "+to]++
		}
		rows.Close()
		if n, _ := s.emails(s.mentor.Email); n != 1 {
			t.Fatalf("mentor: %d announcement emails, want 1 (behind only): %v", n, got)
		}
		if n, _ := s.emails(s.mentee.Email); n != 2 {
			t.Fatalf("mentee: %d announcement emails, want 2 (behind and check point): %v", n, got)
		}
		if n, _ := s.emails(s.other.Email); n != 0 {
			t.Fatalf("the unpaired mentee got %d announcements", n)
		}
	})
}
