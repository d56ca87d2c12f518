package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mentorskap/internal/account"
)

// A destructive form among others on a page is never one click: its first
// POST shows what will happen and who is told and changes nothing; only
// the confirmation's own form acts. Someone the action would refuse never
// sees the confirmation.
func TestConfirmFirst(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := app.addUser("kari@example.org", "Kari", account.RoleMember, "nb")
	app.addUser("ola@example.org", "Ola", account.RoleMember, "id")
	if _, err := app.srv.Accounts.CreateToken(context.Background(), "kari@example.org", "password-kari@example.org", "", "192.0.2.1", "script"); err != nil {
		t.Fatal(err)
	}
	tokens, err := app.srv.Accounts.Tokens(context.Background(), u.ID)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens %v, %v", tokens, err)
	}
	path := fmt.Sprintf("/profile/tokens/%d/revoke", tokens[0].ID)
	kari, ola := app.login("kari@example.org"), app.login("ola@example.org")

	res := kari.post(path, nil)
	res.mustStatus(t, http.StatusOK)
	nb := app.bundle.Locale("nb")
	res.mustContain(t, nb.T("confirmfirst.token_revoke.title"), nb.T("confirmfirst.token_revoke.happens"),
		nb.T("confirmfirst.token_revoke.told"), `name="confirmed" value="yes"`, `action="`+path+`"`)
	if after, _ := app.srv.Accounts.Tokens(context.Background(), u.ID); len(after) != 1 {
		t.Fatal("the first POST revoked the token")
	}

	// Someone else's token: refused before any confirmation, in their language.
	ola.post(path, nil).mustStatus(t, http.StatusNotFound)
	ola.post(path, url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusNotFound)

	kari.post(path, url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	if after, _ := app.srv.Accounts.Tokens(context.Background(), u.ID); len(after) != 0 {
		t.Fatalf("the confirmed POST left %d tokens", len(after))
	}
}

// The SSO settings page gives the redirect address to register at a
// provider, whole, before any provider exists.
func TestAdminSSOShowsRedirectAddress(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.addUser("ada@example.org", "Ada", account.RoleAdmin, "en")
	res := app.login("ada@example.org").get("/admin/sso")
	res.mustStatus(t, http.StatusOK)
	res.mustContain(t, "http://mentorskap.test/login/oidc/NAME/callback")
	if strings.Contains(res.Body, "oidc//") {
		t.Fatalf("a malformed redirect address:\n%s", res.Body)
	}
}
