package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/jobs"
)

func TestReminderSettingsPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	kari := app.addUser("kari@example.org", "Kari", account.RoleMember, "nb")
	ola := app.addUser("ola@example.org", "Ola", account.RoleCoordinator, "en")

	res := app.client().get("/profile/reminders")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous: status %d", res.StatusCode)
	}
	if res := app.client().post("/profile/reminders", url.Values{}); res.StatusCode < 300 || res.StatusCode == http.StatusOK {
		t.Fatalf("anonymous save: status %d", res.StatusCode)
	}

	c := app.login("kari@example.org")
	c.get("/profile").mustContain(t, `href="/profile/reminders"`, "Innstillinger for påminnelser")
	res = c.get("/profile/reminders")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "Påminnelser", `id="f-meeting_tomorrow" name="meeting_tomorrow" type="checkbox" value="1" checked`,
		`<label for="f-gap">`)

	// Everything left unticked is turned off.
	res = c.post("/profile/reminders", url.Values{"meeting_tomorrow": {"1"}, "agenda": {"1"}})
	res.mustStatus(t, http.StatusSeeOther)
	on, err := jobs.Enabled(context.Background(), app.db, kari.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !on[jobs.KindMeeting] || !on[jobs.KindAgenda] || on[jobs.KindGap] || on[jobs.KindDigest] {
		t.Fatalf("saved %v", on)
	}
	c.get("/profile/reminders").mustContain(t, "Påminnelsesvalgene er lagret.",
		`id="f-gap" name="gap" type="checkbox" value="1" aria-describedby`)

	// Someone else's settings are their own.
	if other, _ := jobs.Enabled(context.Background(), app.db, ola.ID); !other[jobs.KindGap] {
		t.Fatal("settings leaked to another person")
	}
}

func TestReminderSettingsAPI(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("kari@example.org", "Kari", account.RoleMember, "nb")
	app.addUser("ola@example.org", "Ola", account.RoleAdmin, "en")

	app.client().apiSend("GET", "/api/v1/me/reminders", nil).mustStatus(t, http.StatusUnauthorized)
	app.client().apiSend("PUT", "/api/v1/me/reminders", map[string]bool{"gap": false}).mustStatus(t, http.StatusUnauthorized)

	c := app.apiClient("kari@example.org")
	got := apiDecode[map[string]bool](t, c.apiSend("GET", "/api/v1/me/reminders", nil), http.StatusOK)
	if len(got) != len(jobs.Kinds) || !got["digest"] {
		t.Fatalf("defaults %v", got)
	}
	got = apiDecode[map[string]bool](t, c.apiSend("PUT", "/api/v1/me/reminders", map[string]bool{"gap": false, "book_next": false}), http.StatusOK)
	if got["gap"] || got["book_next"] || !got["agenda"] {
		t.Fatalf("after PUT %v", got)
	}
	// An unknown kind is refused and nothing changes.
	res := c.apiSend("PUT", "/api/v1/me/reminders", map[string]bool{"agenda": false, "spam": true})
	res.mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "spam")
	got = apiDecode[map[string]bool](t, c.apiSend("GET", "/api/v1/me/reminders", nil), http.StatusOK)
	if !got["agenda"] || got["gap"] {
		t.Fatalf("after refused PUT %v", got)
	}
	c.apiSend("PUT", "/api/v1/me/reminders", `{"gap": "yes"}`).mustStatus(t, http.StatusUnprocessableEntity)

	other := apiDecode[map[string]bool](t, app.apiClient("ola@example.org").apiSend("GET", "/api/v1/me/reminders", nil), http.StatusOK)
	if !other["gap"] {
		t.Fatal("another person's settings changed")
	}
}
