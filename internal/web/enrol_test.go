package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// enrolFixture is a program with a coordinator, built through the domain so
// that these tests depend only on enrolment pages.
type enrolFixture struct {
	app   *testApp
	coord *account.User
	prog  *program.Program
	base  string // /programs/{id}
}

func newEnrolFixture(t *testing.T) *enrolFixture {
	t.Helper()
	return newEnrolFixtureDB(t, storetest.Default(t))
}

func newEnrolFixtureDB(t *testing.T, db *store.DB) *enrolFixture {
	t.Helper()
	app := newTestAppDB(t, db)
	coord := app.addUser("coord@example.org", "Cora Coordinator", account.RoleCoordinator, "nb")
	st := program.SettingsOf(program.Defaults(app.clock.Now(), "nb"))
	st.Name = "Vårkull 2026"
	st.Purpose = "Help new graduates into working life."
	p, err := app.srv.Programs.Create(context.Background(), coord, st)
	if err != nil {
		t.Fatal(err)
	}
	return &enrolFixture{app: app, coord: coord, prog: p, base: "/programs/" + strconv.FormatInt(p.ID, 10)}
}

func (a *testApp) enrolCount(query string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func (a *testApp) enrolT(lang, key string, args ...any) string {
	return html.EscapeString(a.bundle.Locale(lang).T(key, args...))
}

var inviteLinkRe = regexp.MustCompile(`http://mentorskap\.test(/invite/[A-Za-z0-9_-]+)`)

// invitationPath finds the link in the latest email to an address, and the
// email's language.
func (a *testApp) invitationPath(to string) (path, lang string) {
	a.t.Helper()
	var body string
	err := a.db.QueryRow(context.Background(), `SELECT body, language FROM outbox WHERE to_email = ? ORDER BY id DESC LIMIT 1`, to).Scan(&body, &lang)
	if err != nil {
		a.t.Fatalf("no email to %s: %v", to, err)
	}
	m := inviteLinkRe.FindStringSubmatch(body)
	if m == nil {
		a.t.Fatalf("no link in %q", body)
	}
	return m[1], lang
}

func (a *testApp) enrolParticipant(programID, userID int64, role string) {
	a.t.Helper()
	now := a.clock.Now()
	if _, err := a.db.Exec(context.Background(), `INSERT INTO participants (program_id, user_id, role, status, created_at, updated_at)
		VALUES (?, ?, ?, 'approved', ?, ?)`, programID, userID, role, now, now); err != nil {
		a.t.Fatal(err)
	}
}

// upload posts a CSV file as multipart/form-data.
func (c *client) upload(path, filename string, data []byte) *response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	f, _ := w.CreateFormFile("file", filename)
	f.Write(data)
	w.Close()
	return c.send(http.MethodPost, path, w.FormDataContentType(), &body)
}

func TestInviteAcceptAndProfileThroughPages(t *testing.T) {
	t.Parallel()
	fx := newEnrolFixture(t)
	app := fx.app
	coord := app.login("coord@example.org")

	res := coord.get(fx.base + "/invitations")
	res.mustStatus(t, 200)
	res.mustContain(t, app.enrolT("nb", "enrol.invitations.title"), `enctype="multipart/form-data"`)

	res = coord.post(fx.base+"/invitations", url.Values{"email": {"Dewi@Example.org"}, "name": {"Dewi"}, "role": {"choose"}, "language": {"id"}})
	res.mustStatus(t, 303)
	res = coord.get(fx.base + "/invitations")
	res.mustContain(t, "dewi@example.org", app.enrolT("nb", "enrol.invitations.resend"))

	path, lang := app.invitationPath("dewi@example.org")
	if lang != "id" {
		t.Fatalf("invitation email in %s, want id", lang)
	}

	// The invitee arrives without an account; the page speaks their language.
	guest := app.client()
	res = guest.get(path)
	res.mustStatus(t, 200)
	res.mustContain(t, app.enrolT("id", "enrol.accept.title", "program", "Vårkull 2026"), "Help new graduates into working life.",
		"dewi@example.org", "/login?next="+url.QueryEscape(path))

	// A missing role and a short password are refused and change nothing.
	res = guest.post(path, url.Values{"name": {"Dewi Lestari"}, "password": {"short"}})
	res.mustStatus(t, 422)
	res.mustContain(t, app.enrolT("id", "enrol.error.role_required"))
	if app.enrolCount(`SELECT COUNT(*) FROM users`) != 1 || app.enrolCount(`SELECT COUNT(*) FROM invitations WHERE used_at IS NULL`) != 1 {
		t.Fatal("a refused acceptance changed something")
	}

	res = guest.post(path, url.Values{"name": {"Dewi Lestari"}, "password": {"sebuah-kata-sandi"}, "role": {"mentor"}, "language": {"id"}})
	res.mustStatus(t, 303)
	if loc := res.Header.Get("Location"); loc != fx.base+"/profile" {
		t.Fatalf("redirect to %s", loc)
	}
	var uid int64
	var status, role string
	if err := app.db.QueryRow(context.Background(), `SELECT p.user_id, p.status, p.role FROM participants p JOIN users u ON u.id = p.user_id
		WHERE u.email = 'dewi@example.org'`).Scan(&uid, &status, &role); err != nil {
		t.Fatal(err)
	}
	if status != "pending" || role != "mentor" {
		t.Fatalf("participant %s %s", status, role)
	}
	// The coordinator is told, in Norwegian.
	if n := app.enrolCount(`SELECT COUNT(*) FROM outbox WHERE to_email = 'coord@example.org' AND language = 'nb'`); n != 1 {
		t.Fatalf("coordinator emails: %d", n)
	}

	// The new session works: the profile form, with the waiting notice.
	res = guest.get(fx.base + "/profile")
	res.mustStatus(t, 200)
	res.mustContain(t, app.enrolT("id", "enrol.profile.pending"), `name="capacity"`)

	// Bad profile input: translated messages, nothing saved.
	bad := url.Values{"languages": {"id"}, "languages_other": {"EN, jv"}, "capacity": {"11"}, "location": {strings.Repeat("x", 2001)}}
	res = guest.post(fx.base+"/profile", bad)
	res.mustStatus(t, 422)
	res.mustContain(t, app.enrolT("id", "enrol.error.language_code", "code", "EN"),
		app.enrolT("id", "enrol.error.capacity_range", "min", 1, "max", 10),
		app.enrolT("id", "error.too_long", "max", 2000))
	if n := app.enrolCount(`SELECT COUNT(*) FROM participants WHERE user_id = ? AND capacity = 1 AND location = ''`, uid); n != 1 {
		t.Fatal("a refused profile was saved")
	}
	res = guest.post(fx.base+"/profile", url.Values{"languages": {"id", "en"}, "languages_other": {"jv"}, "capacity": {"2"},
		"location": {"Yogyakarta"}, "online_ok": {"1"}, "skills": {"Public health\nGrant writing"}, "career_stage": {"senior"},
		"organisation": {"Puskesmas"}})
	res.mustStatus(t, 303)
	if n := app.enrolCount(`SELECT COUNT(*) FROM participants WHERE user_id = ? AND capacity = 2 AND languages = 'id,en,jv' AND organisation = 'Puskesmas'`, uid); n != 1 {
		t.Fatal("profile not saved")
	}
	res = guest.get(fx.base + "/profile")
	res.mustContain(t, app.enrolT("id", "enrol.profile_saved_pending"), "Yogyakarta")

	// The coordinator reads the profile; the list shows the invitation used.
	res = coord.get(fmt.Sprintf("%s/participants/%d", fx.base, uid))
	res.mustStatus(t, 200)
	res.mustContain(t, "Dewi Lestari", "Puskesmas", "Grant writing")
	res = coord.get(fx.base + "/invitations")
	res.mustContain(t, app.enrolT("nb", "enrol.status.used"))

	// The link is spent.
	res = app.client().get(path)
	res.mustStatus(t, 404)
	res.mustContain(t, app.enrolT("en", "enrol.error.invitation_used"))
	res = app.client().post(path, url.Values{"name": {"X"}, "password": {"another-long-password"}, "role": {"mentee"}})
	res.mustStatus(t, 404)
	if app.enrolCount(`SELECT COUNT(*) FROM users`) != 2 {
		t.Fatal("a used invitation created an account")
	}
}

func TestInvitationExpiredOrForeignIsRefused(t *testing.T) {
	t.Parallel()
	fx := newEnrolFixture(t)
	app := fx.app
	app.addUser("other@example.org", "Otto Other", account.RoleMember, "en")
	coord := app.login("coord@example.org")
	coord.post(fx.base+"/invitations", url.Values{"email": {"late@example.org"}, "role": {"mentee"}, "language": {"en"}}).mustStatus(t, 303)
	coord.post(fx.base+"/invitations", url.Values{"email": {"kept@example.org"}, "role": {"mentee"}, "language": {"en"}}).mustStatus(t, 303)
	late, _ := app.invitationPath("late@example.org")
	kept, _ := app.invitationPath("kept@example.org")

	// Someone else, logged in, cannot take an invitation meant for another address.
	other := app.login("other@example.org")
	res := other.get(kept)
	res.mustStatus(t, 200)
	res.mustContain(t, app.enrolT("en", "enrol.error.wrong_email", "email", "kept@example.org"))
	res = other.post(kept, url.Values{"role": {"mentee"}})
	res.mustStatus(t, 403)
	if app.enrolCount(`SELECT COUNT(*) FROM participants`) != 0 || app.enrolCount(`SELECT COUNT(*) FROM invitations WHERE used_at IS NULL`) != 2 {
		t.Fatal("a foreign acceptance changed something")
	}

	app.clock.Advance(15 * 24 * time.Hour)
	guest := app.client()
	res = guest.get(late)
	res.mustStatus(t, 404)
	res.mustContain(t, app.enrolT("en", "enrol.error.invitation_expired"))
	res = guest.post(late, url.Values{"name": {"Late"}, "password": {"a-long-enough-password"}})
	res.mustStatus(t, 404)
	if app.enrolCount(`SELECT COUNT(*) FROM users`) != 2 || app.enrolCount(`SELECT COUNT(*) FROM participants`) != 0 {
		t.Fatal("an expired invitation changed something")
	}
	coord = app.login("coord@example.org") // the session ended while idle
	res = coord.get(fx.base + "/invitations")
	res.mustContain(t, app.enrolT("nb", "enrol.status.expired"))

	// Resend makes it work again with a new link; revoke kills it.
	var id int64
	app.db.QueryRow(context.Background(), `SELECT id FROM invitations WHERE email = 'late@example.org'`).Scan(&id)
	coord.post(fmt.Sprintf("%s/invitations/%d/resend", fx.base, id), nil).mustStatus(t, 303)
	fresh, _ := app.invitationPath("late@example.org")
	guest.get(late).mustStatus(t, 404)
	guest.get(fresh).mustStatus(t, 200)
	coord.post(fmt.Sprintf("%s/invitations/%d/revoke", fx.base, id), nil).mustStatus(t, 303)
	res = guest.get(fresh)
	res.mustStatus(t, 404)
	res.mustContain(t, app.enrolT("en", "enrol.error.invitation_revoked"))
}

func TestInvitationsPageAccess(t *testing.T) {
	t.Parallel()
	fx := newEnrolFixture(t)
	app := fx.app
	other := app.addUser("other-coord@example.org", "Oda Other", account.RoleCoordinator, "en")
	mentee := app.addUser("mentee@example.org", "Mona Mentee", account.RoleMember, "en")
	app.enrolParticipant(fx.prog.ID, mentee.ID, "mentee")
	mentor := app.addUser("mentor@example.org", "Max Mentor", account.RoleMember, "en")
	app.enrolParticipant(fx.prog.ID, mentor.ID, "mentor")
	_ = other

	oc := app.login("other-coord@example.org")
	mc := app.login("mentee@example.org")
	csv := []byte("email\nx@example.org\n")
	for _, c := range []struct {
		who  *client
		want int
	}{{oc, 404}, {mc, 403}} {
		c.who.get(fx.base+"/invitations").mustStatus(t, c.want)
		c.who.post(fx.base+"/invitations", url.Values{"email": {"x@example.org"}, "language": {"en"}}).mustStatus(t, c.want)
		c.who.upload(fx.base+"/invitations/upload", "list.csv", csv).mustStatus(t, c.want)
		c.who.get(fmt.Sprintf("%s/participants/%d", fx.base, mentor.ID)).mustStatus(t, c.want)
	}
	app.client().get(fx.base+"/invitations").mustStatus(t, 303) // to the login page
	if app.enrolCount(`SELECT COUNT(*) FROM invitations`) != 0 {
		t.Fatal("an outsider invited someone")
	}
	// A mentee has no participant-profile page for others, and the
	// coordinator has no own profile here.
	mc.get(fmt.Sprintf("%s/participants/%d", fx.base, mentor.ID)).mustStatus(t, 403)
	app.login("coord@example.org").get(fx.base+"/profile").mustStatus(t, 404)
	oc.get(fx.base+"/profile").mustStatus(t, 404)
}

func TestInviteErrorsOnTheForm(t *testing.T) {
	t.Parallel()
	fx := newEnrolFixture(t)
	app := fx.app
	mentee := app.addUser("mentee@example.org", "Mona Mentee", account.RoleMember, "en")
	app.enrolParticipant(fx.prog.ID, mentee.ID, "mentee")
	coord := app.login("coord@example.org")

	res := coord.post(fx.base+"/invitations", url.Values{"email": {"mentee@example.org"}, "language": {"en"}})
	res.mustStatus(t, 409)
	res.mustContain(t, app.enrolT("nb", "enrol.error.already_participant"))
	res = coord.post(fx.base+"/invitations", url.Values{"email": {"nope"}, "role": {"boss"}, "language": {"xx"}})
	res.mustStatus(t, 422)
	res.mustContain(t, app.enrolT("nb", "error.email_invalid"), app.enrolT("nb", "enrol.error.role_unknown"),
		app.enrolT("nb", "enrol.error.language_unknown"), `value="nope"`)
	if app.enrolCount(`SELECT COUNT(*) FROM invitations`) != 0 || app.enrolCount(`SELECT COUNT(*) FROM outbox`) != 0 {
		t.Fatal("refused invitations left traces")
	}
}

func TestInviteCSVUploadReport(t *testing.T) {
	t.Parallel()
	fx := newEnrolFixture(t)
	app := fx.app
	mentee := app.addUser("mentee@example.org", "Mona Mentee", account.RoleMember, "en")
	app.enrolParticipant(fx.prog.ID, mentee.ID, "mentee")
	coord := app.login("coord@example.org")

	file := "\ufeffemail,name,role,language\n" +
		"ok1@example.org,Ok One,mentor,sv\n" + // 2
		"broken-address,Broken,mentee,en\n" + // 3
		"ok2@example.org,Ok Two,,\n" + // 4
		"role@example.org,Role,captain,en\n" + // 5
		"OK1@example.org,Dup,mentee,en\n" + // 6
		"ragged@example.org\n" + // 7
		"mentee@example.org,Mona,mentee,en\n" // 8
	res := coord.upload(fx.base+"/invitations/upload", "list.csv", []byte(file))
	res.mustStatus(t, 200)
	l := app.bundle.Locale("nb")
	res.mustContain(t,
		html.EscapeString(l.N("enrol.report.invited", 2)),
		"<th scope=\"row\">3</th><td>broken-address</td><td>"+app.enrolT("nb", "enrol.csv.email_invalid"),
		"<th scope=\"row\">5</th><td>role@example.org</td><td>"+app.enrolT("nb", "enrol.csv.role_unknown", "role", "captain"),
		"<th scope=\"row\">6</th><td>ok1@example.org</td><td>"+app.enrolT("nb", "enrol.csv.duplicate", "row", 2),
		"<th scope=\"row\">7</th><td>ragged@example.org</td><td>"+app.enrolT("nb", "enrol.csv.ragged", "want", 4, "got", 1),
		"<th scope=\"row\">8</th><td>mentee@example.org</td><td>"+app.enrolT("nb", "enrol.error.already_participant"))
	if n := app.enrolCount(`SELECT COUNT(*) FROM invitations`); n != 2 {
		t.Fatalf("%d invitations, want 2", n)
	}
	if n := app.enrolCount(`SELECT COUNT(*) FROM outbox WHERE to_email = 'ok1@example.org' AND language = 'sv'`); n != 1 {
		t.Fatal("ok1 not invited in Swedish")
	}
	if n := app.enrolCount(`SELECT COUNT(*) FROM outbox WHERE to_email = 'ok2@example.org' AND language = 'nb'`); n != 1 {
		t.Fatal("ok2 not invited in the program's language")
	}

	// Uploading the same file again invites nobody twice.
	res = coord.upload(fx.base+"/invitations/upload", "list.csv", []byte(file))
	res.mustStatus(t, 200)
	res.mustContain(t, html.EscapeString(l.N("enrol.report.invited", 0)), app.enrolT("nb", "enrol.error.already_invited"))
	if n := app.enrolCount(`SELECT COUNT(*) FROM invitations`); n != 2 {
		t.Fatalf("%d invitations after re-upload, want 2", n)
	}
}

func TestInviteCSVUploadLimits(t *testing.T) {
	t.Parallel()
	fx := newEnrolFixture(t)
	app := fx.app
	coord := app.login("coord@example.org")

	// A file of exactly 1 MiB is accepted although the whole request is
	// larger than the global body limit. Blank lines are padding.
	head := "email;name\nbig@example.org;Big\n"
	exact := head + strings.Repeat("\n", program.MaxCSVBytes-len(head))
	res := coord.upload(fx.base+"/invitations/upload", "big.csv", []byte(exact))
	res.mustStatus(t, 200)
	if app.enrolCount(`SELECT COUNT(*) FROM invitations WHERE email = 'big@example.org'`) != 1 {
		t.Fatal("the 1 MiB file was not processed")
	}

	// One byte more is refused, whole, with a message.
	res = coord.upload(fx.base+"/invitations/upload", "big.csv", []byte("email\nover@example.org\n"+strings.Repeat("\n", program.MaxCSVBytes)))
	res.mustStatus(t, 422)
	res.mustContain(t, app.enrolT("nb", "enrol.csv.too_large", "max", 1))
	// Far more than the handler accepts at all: the request itself is too
	// large (413), with the same message on the form.
	res = coord.upload(fx.base+"/invitations/upload", "huge.csv", []byte("email\nhuge@example.org\n"+strings.Repeat("\n", 3<<20)))
	res.mustStatus(t, http.StatusRequestEntityTooLarge)
	res.mustContain(t, app.enrolT("nb", "enrol.csv.too_large", "max", 1))
	// No file, a bad header, and oversized fields.
	res = coord.send(http.MethodPost, fx.base+"/invitations/upload", "application/x-www-form-urlencoded", strings.NewReader("x=1"))
	res.mustStatus(t, 422)
	res.mustContain(t, app.enrolT("nb", "enrol.csv.missing"))
	res = coord.upload(fx.base+"/invitations/upload", "bad.csv", []byte("e-mail,navn\nx@example.org,X\n"))
	res.mustStatus(t, 422)
	res.mustContain(t, app.enrolT("nb", "enrol.csv.header"))
	res = coord.upload(fx.base+"/invitations/upload", "long.csv", []byte("email,name\nlong@example.org,"+strings.Repeat("n", 201)+"\n"))
	res.mustStatus(t, 200)
	res.mustContain(t, app.enrolT("nb", "error.too_long", "max", 200))
	if n := app.enrolCount(`SELECT COUNT(*) FROM invitations`); n != 1 {
		t.Fatalf("%d invitations, want only the 1 MiB file's", n)
	}
}

func TestJoinLinkPages(t *testing.T) {
	t.Parallel()
	fx := newEnrolFixture(t)
	app := fx.app
	joinPath := "/join/" + fx.prog.JoinToken

	guest := app.client()
	guest.get(joinPath).mustStatus(t, 404)
	guest.post(joinPath, url.Values{"email": {"j@example.org"}, "name": {"J"}, "password": {"a-long-enough-password"}, "role": {"mentee"}}).mustStatus(t, 404)
	if app.enrolCount(`SELECT COUNT(*) FROM users`) != 1 {
		t.Fatal("a closed join link created an account")
	}

	st := program.SettingsOf(*fx.prog)
	st.JoinEnabled, st.JoinRole = true, program.JoinMentee
	if _, err := app.srv.Programs.Update(context.Background(), fx.coord, fx.prog.ID, st); err != nil {
		t.Fatal(err)
	}
	app.client().get("/join/not-the-token").mustStatus(t, 404)
	res := guest.get(joinPath)
	res.mustStatus(t, 200)
	res.mustContain(t, app.enrolT("nb", "enrol.accept.role_fixed", "role", app.bundle.Locale("nb").T("enrol.role.mentee")), `name="email"`)

	res = guest.post(joinPath, url.Values{"email": {"joiner@example.org"}, "name": {"Jo Joiner"}, "password": {"a-long-enough-password"}, "role": {"mentor"}})
	res.mustStatus(t, 303)
	if n := app.enrolCount(`SELECT COUNT(*) FROM participants p JOIN users u ON u.id = p.user_id
		WHERE u.email = 'joiner@example.org' AND p.role = 'mentee' AND p.status = 'pending'`); n != 1 {
		t.Fatal("joiner not a pending mentee")
	}
	guest.get(fx.base+"/profile").mustStatus(t, 200)
	// Joining twice is a clear conflict.
	res = guest.post(joinPath, url.Values{})
	res.mustStatus(t, 409)
	res.mustContain(t, app.enrolT("nb", "enrol.error.already_participant"))
}

func TestExistingAccountLogsInThenAccepts(t *testing.T) {
	t.Parallel()
	fx := newEnrolFixture(t)
	app := fx.app
	app.addUser("known@example.org", "Kari Known", account.RoleMember, "sv")
	coord := app.login("coord@example.org")
	coord.post(fx.base+"/invitations", url.Values{"email": {"known@example.org"}, "role": {"mentor"}, "language": {"sv"}}).mustStatus(t, 303)
	path, _ := app.invitationPath("known@example.org")

	// Trying to create a second account for the address points to logging in.
	guest := app.client()
	res := guest.post(path, url.Values{"name": {"Kari"}, "password": {"a-long-enough-password"}})
	res.mustStatus(t, 409)
	res.mustContain(t, app.enrolT("sv", "enrol.error.account_exists"))

	res = guest.post("/login", url.Values{"email": {"known@example.org"}, "password": {"password-known@example.org"}, "next": {path}})
	res.mustStatus(t, 303)
	if loc := res.Header.Get("Location"); loc != path {
		t.Fatalf("login sent us to %s", loc)
	}
	res = guest.get(path)
	res.mustStatus(t, 200)
	res.mustContain(t, app.enrolT("sv", "enrol.accept.submit"))
	res = guest.post(path, url.Values{})
	res.mustStatus(t, 303)
	if n := app.enrolCount(`SELECT COUNT(*) FROM participants p JOIN users u ON u.id = p.user_id
		WHERE u.email = 'known@example.org' AND p.role = 'mentor' AND p.status = 'pending'`); n != 1 {
		t.Fatal("not enrolled")
	}
	if n := app.enrolCount(`SELECT COUNT(*) FROM users`); n != 2 {
		t.Fatalf("%d accounts, want 2", n)
	}
}
