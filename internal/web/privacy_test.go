package web

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
)

// privacyScene is a scene with the paths of its retention settings.
type privacyScene struct {
	scene
	retentionPath, apiRetention string
}

func newPrivacyScene(t *testing.T, app *testApp) privacyScene {
	t.Helper()
	s := privacyScene{scene: newScene(t, app, "Privacy cohort", "nb")}
	s.retentionPath = fmt.Sprintf("/programs/%d/retention", s.prog.ID)
	s.apiRetention = fmt.Sprintf("/api/v1/programs/%d/retention", s.prog.ID)
	now := app.clock.Now()
	ctx := context.Background()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, created_at, updated_at)
			VALUES (?, 'privacy-1@test', 'confirmed', ?, 'UTC', 60, ?, ?)`, []any{s.pair.ID, now.Add(-time.Hour), now, now}},
		{`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at)
			SELECT id, ?, 'CANARY-MENTOR-PRIVATE', 1, ? FROM meetings WHERE uid = 'privacy-1@test'`, []any{s.mentor.ID, now}},
		{`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at)
			SELECT id, ?, 'MENTEE-OWN-PRIVATE', 1, ? FROM meetings WHERE uid = 'privacy-1@test'`, []any{s.mentee.ID, now}},
		{`INSERT INTO messages (pair_id, sender_id, body, created_at) VALUES (?, ?, 'HELLO-FROM-MENTEE', ?)`, []any{s.pair.ID, s.mentee.ID, now}},
	} {
		if _, err := app.db.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// zipFiles reads an archive answer into its files.
func zipFiles(t *testing.T, res *response) map[string]string {
	t.Helper()
	res.mustStatus(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/zip" {
		t.Fatalf("content type %q", ct)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(res.Body)), int64(len(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func TestPrivacyDataDownload(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newPrivacyScene(t, app)
	anon := app.client()
	for _, path := range []string{"/profile/data", "/profile/data/download", "/profile/delete"} {
		if res := anon.get(path); res.StatusCode == http.StatusOK {
			t.Errorf("anonymous %s: %d", path, res.StatusCode)
		}
	}
	mustProblem(t, anon.get("/api/v1/me/export"), http.StatusUnauthorized)

	c := app.login(s.mentee.Email)
	c.get("/profile").mustContain(t, `href="/profile/data"`, `href="/profile/delete"`)
	c.get("/profile/data").mustContain(t, app.tr("en", "privacy.data_title"), `href="/profile/data/download"`)
	files := zipFiles(t, c.get("/profile/data/download"))
	data := files["data.json"]
	for _, want := range []string{s.mentee.Email, "MENTEE-OWN-PRIVATE", "HELLO-FROM-MENTEE", "Privacy cohort"} {
		if !strings.Contains(data, want) {
			t.Errorf("download lacks %q", want)
		}
	}
	if strings.Contains(data, "CANARY-MENTOR-PRIVATE") {
		t.Error("download holds the other side's private note")
	}
	if app.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND actor_id = ?`, s.mentee.ID) != 1 {
		t.Error("the download is not in the audit log")
	}
	// The API gives the same to a token holder; the mentor gets their own.
	files = zipFiles(t, app.apiClient(s.mentor.Email).send("GET", "/api/v1/me/export", "", nil))
	if !strings.Contains(files["data.json"], "CANARY-MENTOR-PRIVATE") || strings.Contains(files["data.json"], "MENTEE-OWN-PRIVATE") {
		t.Error("mentor's export is wrong")
	}
}

func TestPrivacyDeleteAccountPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newPrivacyScene(t, app)
	c := app.login(s.mentee.Email)
	c.get("/profile/delete").mustContain(t, app.tr("en", "privacy.delete_confirm"), `name="password"`)
	res := c.post("/profile/delete", url.Values{"password": {"not my password"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, app.tr("en", "error.password_wrong"))
	if strings.Contains(res.Body, "not my password") {
		t.Error("the typed password was written back into the page")
	}
	if app.count(`SELECT COUNT(*) FROM users WHERE id = ? AND deleted_at IS NULL`, s.mentee.ID) != 1 {
		t.Fatal("a refused deletion deleted")
	}
	res = c.post("/profile/delete", url.Values{"password": {"password-" + s.mentee.Email}})
	res.mustStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/login" {
		t.Errorf("redirect to %q", loc)
	}
	if res := c.get("/profile"); res.StatusCode == http.StatusOK {
		t.Error("the session survived the deletion")
	}
	bad := app.client().post("/login", url.Values{"email": {s.mentee.Email}, "password": {"password-" + s.mentee.Email}})
	if bad.StatusCode == http.StatusSeeOther {
		t.Error("a deleted account could log in")
	}
	if app.count(`SELECT COUNT(*) FROM pairs WHERE id = ? AND status = 'ended'`, s.pair.ID) != 1 {
		t.Error("the pair was not ended")
	}
	// The mentor keeps the pair's record; the deleted side is a former
	// participant, in the mentor's language.
	m := app.login(s.mentor.Email)
	home := m.get(fmt.Sprintf("/pairs/%d", s.pair.ID))
	home.mustStatus(t, http.StatusOK)
	home.mustContain(t, app.tr("nb", "privacy.former_participant"))
	if strings.Contains(home.Body, s.mentee.Name) {
		t.Error("the deleted person's name is still shown")
	}
	// Every page that names the other side does the same, not only the
	// pair's home page.
	for _, path := range []string{fmt.Sprintf("/pairs/%d/goals", s.pair.ID), fmt.Sprintf("/pairs/%d/closing", s.pair.ID)} {
		res := m.get(path)
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, app.tr("nb", "privacy.former_participant"))
	}
	list := app.login(s.coord.Email).get(fmt.Sprintf("/programs/%d/pairs", s.prog.ID))
	list.mustContain(t, app.tr("en", "privacy.former_participant"), s.mentor.Name)
	if app.count(`SELECT COUNT(*) FROM messages WHERE body = 'HELLO-FROM-MENTEE'`) != 1 ||
		app.count(`SELECT COUNT(*) FROM private_notes WHERE user_id = ?`, s.mentor.ID) != 1 {
		t.Error("the other side's record lost something")
	}
	if app.count(`SELECT COUNT(*) FROM outbox WHERE to_email = ?`, s.mentor.Email) == 0 {
		t.Error("the mentor was not told")
	}
}

func TestPrivacyDeleteAccountAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newPrivacyScene(t, app)
	mustProblem(t, app.client().apiSend("DELETE", "/api/v1/me", map[string]string{"password": "x"}), http.StatusUnauthorized)
	c := app.apiClient(s.mentor.Email)
	p := mustProblem(t, c.apiSend("DELETE", "/api/v1/me", map[string]string{"password": "wrong one"}), http.StatusUnprocessableEntity)
	if p.Errors["password"] == "" {
		t.Errorf("no field error: %+v", p)
	}
	mustProblem(t, c.apiSend("DELETE", "/api/v1/me", `{"password":`), http.StatusBadRequest)
	c.apiSend("DELETE", "/api/v1/me", map[string]string{"password": "password-" + s.mentor.Email}).mustStatus(t, http.StatusNoContent)
	mustProblem(t, c.send("GET", "/api/v1/me", "", nil), http.StatusUnauthorized)
	// The only administrator is refused.
	a := app.apiClient(s.admin.Email)
	mustProblem(t, a.apiSend("DELETE", "/api/v1/me", map[string]string{"password": "password-" + s.admin.Email}), http.StatusConflict)
}

func TestRetentionAccessMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := newPrivacyScene(t, app)
	if res := app.client().get(s.retentionPath); res.StatusCode == http.StatusOK {
		t.Error("anonymous saw the retention page")
	}
	for _, c := range []struct {
		who  *account.User
		want int
	}{{s.mentor, http.StatusForbidden}, {s.mentee, http.StatusForbidden}, {s.other, http.StatusForbidden},
		{s.alien, http.StatusNotFound}, {s.coord, http.StatusOK}, {s.admin, http.StatusOK}} {
		cl := app.login(c.who.Email)
		cl.get(s.retentionPath).mustStatus(t, c.want)
		res := cl.post(s.retentionPath, url.Values{"months": {"12"}})
		want := c.want
		if want == http.StatusOK {
			want = http.StatusSeeOther
		}
		res.mustStatus(t, want)
		api := app.apiClient(c.who.Email)
		api.send("GET", s.apiRetention, "", nil).mustStatus(t, c.want)
		api.apiSend("PUT", s.apiRetention, map[string]int{"months": 6}).mustStatus(t, c.want)
	}
	coord := app.login(s.coord.Email)
	res := coord.post(s.retentionPath, url.Values{"months": {"lots"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, app.tr("en", "retention.error.months", "max", 120))
	coord.post(s.retentionPath, url.Values{"months": {"24"}}).mustStatus(t, http.StatusSeeOther)
	page := coord.get(s.retentionPath)
	page.mustContain(t, `<option value="24" selected>`)
	ret := apiDecode[map[string]any](t, app.apiClient(s.coord.Email).send("GET", s.apiRetention, "", nil), http.StatusOK)
	if ret["months"] != float64(24) || ret["purge_on"] != s.prog.End.AddDate(0, 24, 1).Format("2006-01-02") {
		t.Errorf("retention = %v", ret)
	}
	mustProblem(t, app.apiClient(s.coord.Email).apiSend("PUT", s.apiRetention, map[string]int{"months": 500}), http.StatusUnprocessableEntity)
	app.login(s.coord.Email).get(fmt.Sprintf("/programs/%d", s.prog.ID)).mustContain(t, `href="`+s.retentionPath+`"`)
}
