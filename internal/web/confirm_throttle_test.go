package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
)

// Signing an agreement asks for the password again; a stolen session must
// not be able to guess it there. After account.MaxFailsPerKey wrong
// passwords the form refuses even the right one, in the visitor's language,
// keeps what they typed, and signs nothing until the window passes.
func TestSignFormThrottled(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	ctx := context.Background()
	if _, err := f.app.srv.Agreements.SaveDraft(ctx, f.mentee, f.pair.ID, 0, copyContent(agreement.ShareNothing), f.app.bundle.Locale("id")); err != nil {
		t.Fatal(err)
	}
	sign := func(c *client, password string) *response {
		return c.post(f.pairPath+"/agreement/sign", url.Values{"version": {"1"}, "password": {password}, "typed_name": {f.mentee.Name}})
	}
	for i := 0; i < account.MaxFailsPerKey; i++ {
		sign(f.cMentee, "nope").mustStatus(t, http.StatusUnprocessableEntity)
	}
	res := sign(f.cMentee, "password-"+f.mentee.Email)
	res.mustStatus(t, http.StatusTooManyRequests)
	msg := f.app.bundle.Locale("id").T("password.error.throttled", "minutes", int(account.ThrottleWindow/time.Minute))
	res.mustContain(t, msg, `value="`+f.mentee.Name+`"`)
	if strings.Contains(res.Body, "password-"+f.mentee.Email) {
		t.Fatal("the password was written back into the page")
	}
	vs, err := agreement.Versions(ctx, f.app.db, f.pair.ID)
	if err != nil || len(vs) != 1 || len(vs[0].Signatures) != 0 {
		t.Fatalf("throttled signing changed the agreement: %v %+v", err, vs)
	}
	// The same guesses shut the login form for the account.
	f.app.client().post("/login", url.Values{"email": {f.mentee.Email}, "password": {"password-" + f.mentee.Email}}).
		mustStatus(t, http.StatusTooManyRequests)

	f.app.clock.Advance(account.ThrottleWindow + time.Second)
	sign(f.cMentee, "password-"+f.mentee.Email).mustStatus(t, http.StatusSeeOther)
	if vs, _ := agreement.Versions(ctx, f.app.db, f.pair.ID); len(vs[0].Signatures) != 1 {
		t.Fatal("signing after the window did not sign")
	}
}

// The API's signing endpoint shares the throttle and says so with 429.
func TestSignAPIThrottled(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	ctx := context.Background()
	if _, err := f.app.srv.Agreements.SaveDraft(ctx, f.mentor, f.pair.ID, 0, copyContent(agreement.ShareNothing), f.app.bundle.Locale("nb")); err != nil {
		t.Fatal(err)
	}
	mentor := f.app.apiClient(f.mentor.Email)
	path := "/api/v1/pairs/" + pid(f.pair.ID) + "/agreement/sign"
	for i := 0; i < account.MaxFailsPerKey; i++ {
		mustProblem(t, mentor.apiSend("POST", path, map[string]any{"version": 1, "password": "nope", "typed_name": f.mentor.Name}),
			http.StatusUnprocessableEntity)
	}
	p := mustProblem(t, mentor.apiSend("POST", path, map[string]any{"version": 1, "password": "password-" + f.mentor.Email, "typed_name": f.mentor.Name}),
		http.StatusTooManyRequests)
	if p.Errors["password"] == "" || p.Detail != p.Errors["password"] {
		t.Fatalf("problem: %+v", p)
	}
	if vs, _ := agreement.Versions(ctx, f.app.db, f.pair.ID); len(vs[0].Signatures) != 0 {
		t.Fatal("throttled API signing signed")
	}
}

// The other forms that ask for the password again are throttled the same
// way: changing the password and deleting the account.
func TestConfirmFormsThrottled(t *testing.T) {
	t.Parallel()
	f := newEndingFixture(t)
	en := f.app.bundle.Locale("en")
	msg := en.T("password.error.throttled", "minutes", int(account.ThrottleWindow/time.Minute))
	for _, form := range []struct {
		path, field string
		extra       url.Values
	}{
		{"/profile/password", "current_password", url.Values{"new_password": {"a-brand-new-password"}}},
		{"/profile/delete", "password", nil},
	} {
		c := f.app.login(f.admin.Email)
		post := func(password string) *response {
			v := url.Values{form.field: {password}}
			for k, x := range form.extra {
				v[k] = x
			}
			return c.post(form.path, v)
		}
		for i := 0; i < account.MaxFailsPerKey; i++ {
			post("nope").mustStatus(t, http.StatusUnprocessableEntity)
		}
		res := post("password-" + f.admin.Email)
		res.mustStatus(t, http.StatusTooManyRequests)
		res.mustContain(t, msg)
		f.app.clock.Advance(account.ThrottleWindow + time.Second)
	}
	// Neither went through while refused.
	f.app.login(f.admin.Email)
}
