package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/notify"
)

func (a *testApp) role(id int64) string {
	a.t.Helper()
	var role string
	if err := a.db.QueryRow(context.Background(), `SELECT role FROM users WHERE id = ?`, id).Scan(&role); err != nil {
		a.t.Fatal(err)
	}
	return role
}

func (a *testApp) count(query string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func TestAdminPagesOnlyForAdministrators(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "en")
	app.addUser("member@example.org", "Mia Member", account.RoleMember, "en")
	pages := []string{"/admin", "/admin/users", "/admin/outbox", "/admin/outbox/1"}

	anon := app.client()
	for _, p := range pages {
		res := anon.get(p)
		res.mustStatus(t, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/login?next="+url.QueryEscape(p) {
			t.Errorf("%s: anonymous sent to %q", p, loc)
		}
	}
	anon.post(fmt.Sprintf("/admin/users/%d/role", coord.ID), url.Values{"role": {"admin"}}).mustStatus(t, http.StatusUnauthorized)

	for _, email := range []string{"coord@example.org", "member@example.org"} {
		c := app.login(email)
		for _, p := range pages {
			c.get(p).mustStatus(t, http.StatusForbidden)
		}
		c.post(fmt.Sprintf("/admin/users/%d/role", coord.ID), url.Values{"role": {"admin"}}).mustStatus(t, http.StatusForbidden)
		c.post("/admin/users", url.Values{"email": {"new@example.org"}, "name": {"New"}, "language": {"en"}}).mustStatus(t, http.StatusForbidden)
	}
	if app.role(coord.ID) != account.RoleCoordinator {
		t.Fatal("a non-administrator changed a role")
	}
	if app.count(`SELECT COUNT(*) FROM users WHERE email = 'new@example.org'`) != 0 {
		t.Fatal("a non-administrator added a coordinator")
	}
}

func TestAdminOverviewCounts(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	app.addUser("c1@example.org", "Cora One", account.RoleCoordinator, "en")
	app.addUser("c2@example.org", "Cora Two", account.RoleCoordinator, "en")
	app.addUser("m@example.org", "Mia Member", account.RoleMember, "en")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		queueEmail(t, app, i)
	}
	if _, err := app.db.Exec(ctx, `UPDATE outbox SET last_error = 'boom', attempts = 1 WHERE id = (SELECT MIN(id) FROM outbox)`); err != nil {
		t.Fatal(err)
	}
	res := app.login("admin@example.org").get("/admin")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, `<p class="stat">4</p>`, "1 administrator<", "2 coordinators<", `<p class="stat">2</p>`, "1 failed its last attempt")
}

// outboxBody reads an email's text straight from the table: no page shows
// it.
func outboxBody(t *testing.T, app *testApp, id int64) string {
	t.Helper()
	var body string
	if err := app.db.QueryRow(context.Background(), `SELECT body FROM outbox WHERE id = ?`, id).Scan(&body); err != nil {
		t.Fatal(err)
	}
	return body
}

func queueEmail(t *testing.T, app *testApp, i int) {
	t.Helper()
	err := app.srv.Outbox.Send(context.Background(), app.db, app.clock.Now(),
		notify.Recipient{Email: fmt.Sprintf("p%d@example.org", i), Name: fmt.Sprintf("Person %d", i), Lang: "sv"},
		"password_reset", "name", fmt.Sprintf("Person %d", i), "link", "https://x.test/reset/t", "minutes", 60)
	if err != nil {
		t.Fatal(err)
	}
	app.clock.Advance(time.Second)
}

func TestAdminChangesRoles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	admin := app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	m := app.addUser("m@example.org", "Mia Member", account.RoleMember, "en")
	c := app.login("admin@example.org")

	res := c.get("/admin/users")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Mia Member", "m@example.org", fmt.Sprintf(`action="/admin/users/%d/role"`, m.ID))
	if strings.Contains(res.Body, fmt.Sprintf(`action="/admin/users/%d/role"`, admin.ID)) {
		t.Error("the page offers to change the administrator's own role")
	}

	res = c.post(fmt.Sprintf("/admin/users/%d/role", m.ID), url.Values{"role": {"coordinator"}})
	res.mustStatus(t, http.StatusSeeOther)
	if app.role(m.ID) != account.RoleCoordinator {
		t.Fatal("role not changed")
	}
	c.get("/admin/users").mustContain(t, "The role was changed.")

	// Demoting oneself is refused with a clear message and changes nothing.
	res = c.post(fmt.Sprintf("/admin/users/%d/role", admin.ID), url.Values{"role": {"member"}})
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, "You cannot remove your own administrator role.")
	if app.role(admin.ID) != account.RoleAdmin {
		t.Fatal("administrator demoted themselves")
	}

	res = c.post(fmt.Sprintf("/admin/users/%d/role", m.ID), url.Values{"role": {"superuser"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Choose one of the options.")
	if app.role(m.ID) != account.RoleCoordinator {
		t.Fatal("invalid role changed the person")
	}
	c.post("/admin/users/999999/role", url.Values{"role": {"member"}}).mustStatus(t, http.StatusNotFound)
}

var linkRE = regexp.MustCompile(`http://mentorskap\.test/reset/([A-Za-z0-9_-]+)`)

func TestAdminAddsCoordinator(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	c := app.login("admin@example.org")

	res := c.post("/admin/users", url.Values{"email": {" Kari.Nordmann@Example.org "}, "name": {"Kari Nordmann"}, "language": {"nb"}})
	res.mustStatus(t, http.StatusSeeOther)
	u, err := account.ByEmail(context.Background(), app.db, "kari.nordmann@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != account.RoleCoordinator || u.Language != "nb" || u.Name != "Kari Nordmann" {
		t.Fatalf("created %+v", u)
	}
	emails, total, err := notify.Emails(context.Background(), app.db, 0, 10)
	if err != nil || total != 1 {
		t.Fatalf("outbox: %d, %v", total, err)
	}
	e := emails[0]
	body := outboxBody(t, app, e.ID)
	if e.To.Email != u.Email || e.To.Lang != "nb" || e.Subject != "Du er nå koordinator i Mentorskap" ||
		e.Kind != "coordinator_welcome" || !strings.Contains(body, "Ada Admin har gitt deg en koordinatorkonto") {
		t.Fatalf("welcome email %+v", e)
	}
	m := linkRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in %q", body)
	}

	// The link still works after six days and lets the person choose a
	// password and log in.
	app.clock.Advance(6 * 24 * time.Hour)
	kari := app.client()
	kari.get("/reset/"+m[1]).mustStatus(t, http.StatusOK)
	res = kari.post("/reset/"+m[1], url.Values{"password": {"password-kari.nordmann@example.org"}, "confirm": {"password-kari.nordmann@example.org"}})
	res.mustStatus(t, http.StatusSeeOther)
	app.login("kari.nordmann@example.org")
	// Single use.
	app.client().get("/reset/"+m[1]).mustStatus(t, http.StatusNotFound)

	// A welcome link left unused for more than seven days no longer works.
	c = app.login("admin@example.org")
	c.post("/admin/users", url.Values{"email": {"late@example.org"}, "name": {"Late Larsen"}, "language": {"en"}}).mustStatus(t, http.StatusSeeOther)
	emails, _, _ = notify.Emails(context.Background(), app.db, 0, 1)
	body = outboxBody(t, app, emails[0].ID)
	late := linkRE.FindStringSubmatch(body)
	if late == nil || emails[0].To.Email != "late@example.org" || !strings.Contains(body, "within 7 days") {
		t.Fatalf("welcome email %+v", emails[0])
	}
	app.clock.Advance(7*24*time.Hour + time.Second)
	app.client().get("/reset/"+late[1]).mustStatus(t, http.StatusNotFound)
}

func TestAdminAddCoordinatorRejectsBadInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	app.addUser("taken@example.org", "Tom Taken", account.RoleMember, "en")
	c := app.login("admin@example.org")
	before := app.count(`SELECT COUNT(*) FROM users`)

	res := c.post("/admin/users", url.Values{"email": {"not-an-email"}, "name": {""}, "language": {"en"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Enter a valid email address", "This field is required.", `value="not-an-email"`)

	res = c.post("/admin/users", url.Values{"email": {"ok@example.org"}, "name": {"Ok"}, "language": {"xx"}})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Choose one of the options.")

	res = c.post("/admin/users", url.Values{"email": {"taken@example.org"}, "name": {"Again"}, "language": {"en"}})
	res.mustStatus(t, http.StatusConflict)
	res.mustContain(t, "An account with this email address already exists.")

	if n := app.count(`SELECT COUNT(*) FROM users`); n != before {
		t.Fatalf("users %d → %d after bad input", before, n)
	}
	if n := app.count(`SELECT COUNT(*) FROM outbox`); n != 0 {
		t.Fatalf("%d emails queued for bad input", n)
	}
	if n := app.count(`SELECT COUNT(*) FROM password_resets`); n != 0 {
		t.Fatalf("%d reset tokens for bad input", n)
	}
}

func TestAdminOutboxPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("admin@example.org", "Ada Admin", account.RoleAdmin, "en")
	for i := 0; i < 55; i++ {
		queueEmail(t, app, i)
	}
	ctx := context.Background()
	if _, err := app.db.Exec(ctx, `UPDATE outbox SET sent_at = ?, attempts = 1 WHERE to_email = 'p54@example.org'`, app.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.Exec(ctx, `UPDATE outbox SET last_error = '451 4.3.0 Try again later', attempts = 2 WHERE to_email = 'p53@example.org'`); err != nil {
		t.Fatal(err)
	}
	c := app.login("admin@example.org")

	res := c.get("/admin/outbox")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "p54@example.org", "p5@example.org", "Sent", "Failed, will retry", "451 4.3.0 Try again later",
		"Waiting", "Page 1 of 2", `href="/admin/outbox?page=2"`)
	if strings.Contains(res.Body, "p4@example.org") {
		t.Error("page 1 holds more than the 50 newest emails")
	}
	if strings.Index(res.Body, "p54@example.org") > strings.Index(res.Body, "p53@example.org") {
		t.Error("not newest first")
	}
	res = c.get("/admin/outbox?page=2")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "p4@example.org", "p0@example.org", "Page 2 of 2")
	if strings.Contains(res.Body, "p5@example.org") {
		t.Error("page 2 repeats page 1")
	}
	c.get("/admin/outbox?page=3").mustStatus(t, http.StatusNotFound)

	var id int64
	app.db.QueryRow(ctx, `SELECT id FROM outbox WHERE to_email = 'p53@example.org'`).Scan(&id)
	res = c.get(fmt.Sprintf("/admin/outbox/%d", id))
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Återställ ditt lösenord", "p53@example.org", "password_reset", "451 4.3.0 Try again later", `lang="sv"`)
	// The envelope only: the body and its working link are not shown.
	if strings.Contains(res.Body, "Hej Person 53") || strings.Contains(res.Body, "/reset/t") {
		t.Fatalf("the email page shows the body:\n%s", res.Body)
	}
	c.get("/admin/outbox/999999").mustStatus(t, http.StatusNotFound)
	c.get("/admin/outbox/abc").mustStatus(t, http.StatusNotFound)
}
