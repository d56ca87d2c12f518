package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
)

func TestSetupOnlyOnce(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	res := c.get("/")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/setup" {
		t.Fatalf("empty installation should send to /setup, got %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	c.get("/setup").mustStatus(t, 200)

	// invalid input: nothing saved, values kept, 422
	res = c.post("/setup", url.Values{"name": {"Ada"}, "email": {"not-an-email"}, "password": {"short"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, `value="Ada"`, "Enter a valid email address", "at least 10 characters")
	if need, _ := app.srv.Accounts.NeedsSetup(context.Background()); !need {
		t.Fatal("invalid setup created an account")
	}

	res = c.post("/setup", url.Values{"name": {"Ada Admin"}, "email": {"ada@example.org"}, "password": {"a long enough password"}, "timezone": {"Europe/Oslo"}})
	res.mustStatus(t, http.StatusSeeOther)
	home := c.get("/")
	home.mustStatus(t, 200)
	home.mustContain(t, "Ada Admin")

	// the setup page is gone for good, also for a second visitor
	other := app.client()
	other.get("/setup").mustStatus(t, http.StatusNotFound)
	other.post("/setup", url.Values{"name": {"Eve"}, "email": {"eve@example.org"}, "password": {"another long password"}}).mustStatus(t, http.StatusNotFound)
	if _, err := account.ByEmail(context.Background(), app.db, "eve@example.org"); err == nil {
		t.Fatal("second setup created an account")
	}
}

func TestLoginLogoutAndSessionSurvivesRestart(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("kari@example.org", "Kari Nordmann", account.RoleCoordinator, "nb")

	c := app.client()
	res := c.post("/login", url.Values{"email": {"kari@example.org"}, "password": {"wrong password!"}})
	res.mustStatus(t, http.StatusUnauthorized)
	res.mustContain(t, "The email or password is not correct.")
	if strings.Contains(res.Body, "wrong password!") {
		t.Fatal("password echoed back")
	}

	c = app.login("kari@example.org")
	c.get("/profile").mustContain(t, "Kari Nordmann", `lang="nb"`, "Profilen din")

	// a new server over the same database still knows the session
	app2 := newTestAppDB(t, app.db)
	c.app = app2
	c.get("/profile").mustStatus(t, 200)

	res = c.post("/logout", nil)
	res.mustStatus(t, http.StatusSeeOther)
	res = c.get("/profile")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("after logout /profile should redirect to login, got %d", res.StatusCode)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("a@example.org", "A", account.RoleMember, "")
	c := app.client()
	req, _ := http.NewRequest("POST", app.ts.URL+"/login", strings.NewReader(url.Values{"email": {"a@example.org"}, "password": {"password-a@example.org"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Fatalf("session cookie flags: %+v", ck)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie")
	}
}

func TestLoginThrottleSurvivesRestart(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("b@example.org", "B", account.RoleMember, "en")
	c := app.client()
	for i := 0; i < account.MaxFailsPerKey; i++ {
		c.post("/login", url.Values{"email": {"b@example.org"}, "password": {"nope nope nope"}}).mustStatus(t, http.StatusUnauthorized)
	}
	// even the right password is refused now, also by a fresh server
	app2 := newTestAppDB(t, app.db)
	app2.clock.Set(app.clock.Now())
	c2 := app2.client()
	res := c2.post("/login", url.Values{"email": {"b@example.org"}, "password": {"password-b@example.org"}})
	res.mustStatus(t, http.StatusTooManyRequests)
	res.mustContain(t, "Too many failed attempts")

	app2.clock.Advance(account.ThrottleWindow + time.Minute)
	c2.post("/login", url.Values{"email": {"b@example.org"}, "password": {"password-b@example.org"}}).mustStatus(t, http.StatusSeeOther)
}

func TestPasswordResetSingleUse(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("c@example.org", "Cecilia", account.RoleMember, "sv")
	c := app.client()
	c.post("/forgot", url.Values{"email": {"c@example.org"}}).mustStatus(t, http.StatusSeeOther)
	// unknown address answers the same and sends nothing
	c.post("/forgot", url.Values{"email": {"nobody@example.org"}}).mustStatus(t, http.StatusSeeOther)

	var n int
	var body, lang string
	app.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox`).Scan(&n)
	if n != 1 {
		t.Fatalf("outbox has %d emails, want 1", n)
	}
	app.db.QueryRow(context.Background(), `SELECT body, language FROM outbox`).Scan(&body, &lang)
	if lang != "sv" || !strings.Contains(body, "Hej Cecilia") {
		t.Fatalf("email not in the recipient's language: %s %q", lang, body)
	}
	link := regexp.MustCompile(`http://mentorskap.test(/reset/\S+)`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no link in %q", body)
	}
	c.get(link[1]).mustStatus(t, 200)
	c.post(link[1], url.Values{"password": {"brand new secret"}, "confirm": {"not the same"}}).mustStatus(t, http.StatusUnprocessableEntity)
	c.post(link[1], url.Values{"password": {"brand new secret"}, "confirm": {"brand new secret"}}).mustStatus(t, http.StatusSeeOther)
	c.get(link[1]).mustStatus(t, http.StatusNotFound)
	c.post(link[1], url.Values{"password": {"another secret!!"}, "confirm": {"another secret!!"}}).mustStatus(t, http.StatusNotFound)

	if _, _, err := app.srv.Accounts.Login(context.Background(), "c@example.org", "brand new secret", "1.2.3.4"); err != nil {
		t.Fatalf("new password does not work: %v", err)
	}
}

func TestLanguageChoiceOrder(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Admin", account.RoleAdmin, "")
	c := app.client()
	c.Header.Set("Accept-Language", "sv-SE,sv;q=0.9")
	c.get("/login").mustContain(t, `<html lang="sv">`, "Logga in")
	c.post("/language", url.Values{"lang": {"id"}, "next": {"/login"}}).mustStatus(t, http.StatusSeeOther)
	c.get("/login").mustContain(t, `<html lang="id">`, "Masuk")

	// the person's own setting wins over both
	u := app.addUser("p@example.org", "P", account.RoleMember, "nb")
	_ = u
	lc := app.login("p@example.org")
	lc.Header.Set("Accept-Language", "sv")
	lc.get("/profile").mustContain(t, `<html lang="nb">`)

	c.post("/language", url.Values{"lang": {"xx"}}).mustStatus(t, http.StatusUnprocessableEntity)
}

func TestProfileValidation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("d@example.org", "Dewi", account.RoleMember, "id")
	c := app.login("d@example.org")
	res := c.post("/profile", url.Values{"name": {strings.Repeat("x", 300)}, "language": {"en"}, "timezone": {"Mars/Olympus"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Gunakan paling banyak 200 karakter", "Pilih zona waktu")
	u, _ := account.ByEmail(context.Background(), app.db, "d@example.org")
	if u.Name != "Dewi" || u.Language != "id" {
		t.Fatalf("invalid profile was saved: %+v", u)
	}
	c.post("/profile", url.Values{"name": {"Dewi Lestari"}, "language": {"en"}, "timezone": {"Asia/Jakarta"}}).mustStatus(t, http.StatusSeeOther)
	u, _ = account.ByEmail(context.Background(), app.db, "d@example.org")
	if u.Name != "Dewi Lestari" || u.Language != "en" || u.Timezone != "Asia/Jakarta" {
		t.Fatalf("profile not saved: %+v", u)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	res := app.client().get("/healthz")
	res.mustStatus(t, 200)
	res.mustContain(t, `"status": "ok"`, `"database": "`+string(app.db.Dialect())+`"`)
	app.db.Close()
	app.client().get("/healthz").mustStatus(t, http.StatusServiceUnavailable)
}

func TestProgramDefaultLanguageIsLastResort(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("k@example.org", "Koordinator", account.RoleCoordinator, "")
	c := app.login("k@example.org")
	form := url.Values{}
	res := c.get("/programs/new")
	res.mustStatus(t, 200)
	for k, v := range map[string]string{"name": "Ny i jobb", "start": "2026-03-02", "end": "2026-08-02",
		"min_meetings": "4", "max_gap_days": "31", "meeting_min_minutes": "45", "meeting_max_minutes": "120",
		"default_language": "nb", "join_role": "choose"} {
		form.Set(k, v)
	}
	res = c.post("/programs", form)
	res.mustStatus(t, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	// no personal setting, no cookie, no Accept-Language: the program's language
	c.get(loc).mustContain(t, `<html lang="nb">`)
	// the browser's wish comes before the program's default
	c.Header.Set("Accept-Language", "sv")
	c.get(loc).mustContain(t, `<html lang="sv">`)
}
