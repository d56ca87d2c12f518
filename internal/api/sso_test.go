package api

import (
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestAPISSOProviders: an administrator adds, changes, lists and removes a
// login service; the secret is never in an answer, only whether the
// environment holds it; flag-set providers are read-only; others get 403.
func TestAPISSOProviders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		app.srv.Accounts.SSO = &account.OIDC{
			Static: []account.OIDCProvider{{Name: "feide", Label: "Feide", Issuer: "https://auth.dataporten.no", ClientID: "f", ClientSecret: "flag-secret", FromFlags: true}},
			Env: func(name string) string {
				if name == account.SecretEnv("entra") {
					return "env-secret"
				}
				return ""
			},
		}
		app.addUser("admin@example.org", "Ada", account.RoleAdmin, "en")
		app.addUser("coord@example.org", "Cora", account.RoleCoordinator, "en")
		admin := app.apiClient("admin@example.org")
		const path = "/api/v1/sso/providers/entra"
		in := map[string]any{"label": "Log in with Entra ID", "issuer": "https://login.microsoftonline.com/t/v2.0",
			"client_id": "abc", "allow_create": true, "domains": []string{"@Example.org"}}

		res := admin.apiSend("PUT", path, in)
		p := apiDecode[apiProvider](t, res, http.StatusCreated)
		if p.Name != "entra" || !p.SecretSet || p.SecretEnv != "MENTORSKAP_OIDC_ENTRA_SECRET" || p.Domains[0] != "example.org" ||
			p.Scopes[0] != "openid" || p.RedirectURL != "http://mentorskap.test/login/oidc/entra/callback" {
			t.Fatalf("created %+v", p)
		}
		in["label"] = "Entra"
		p = apiDecode[apiProvider](t, admin.apiSend("PUT", path, in), http.StatusOK)
		if p.Label != "Entra" {
			t.Fatalf("changed %+v", p)
		}
		res = admin.apiSend("GET", "/api/v1/sso/providers", nil)
		list := apiDecode[struct{ Items []apiProvider }](t, res, http.StatusOK)
		if len(list.Items) != 2 || !list.Items[0].FromFlags || list.Items[1].Name != "entra" {
			t.Fatalf("list %+v", list)
		}
		if strings.Contains(res.Body, "secret\"") || strings.Contains(res.Body, "env-secret") || strings.Contains(res.Body, "flag-secret") {
			t.Fatalf("a secret in the list:\n%s", res.Body)
		}

		// Bad input names its field and changes nothing.
		pr := mustProblem(t, admin.apiSend("PUT", "/api/v1/sso/providers/Bad_Name", in), http.StatusUnprocessableEntity)
		if _, ok := pr.Errors["name"]; !ok {
			t.Fatalf("problem %+v", pr)
		}
		pr = mustProblem(t, admin.apiSend("PUT", path, map[string]any{"label": "x", "issuer": "http://evil.example.org", "client_id": "a"}), http.StatusUnprocessableEntity)
		if _, ok := pr.Errors["issuer"]; !ok {
			t.Fatalf("problem %+v", pr)
		}
		mustProblem(t, admin.apiSend("PUT", path, map[string]any{"label": "x", "client_secret": "s"}), http.StatusUnprocessableEntity)
		mustProblem(t, admin.apiSend("PUT", "/api/v1/sso/providers/feide", in), http.StatusConflict)
		mustProblem(t, admin.apiSend("DELETE", "/api/v1/sso/providers/feide", nil), http.StatusConflict)

		coord := app.apiClient("coord@example.org")
		mustProblem(t, coord.apiSend("GET", "/api/v1/sso/providers", nil), http.StatusForbidden)
		mustProblem(t, coord.apiSend("PUT", path, in), http.StatusForbidden)
		mustProblem(t, coord.apiSend("DELETE", path, nil), http.StatusForbidden)

		admin.apiSend("DELETE", path, nil).mustStatus(t, http.StatusNoContent)
		mustProblem(t, admin.apiSend("DELETE", path, nil), http.StatusNotFound)
		if n := app.count(`SELECT COUNT(*) FROM oidc_providers`); n != 0 {
			t.Fatalf("%d providers stored", n)
		}
	})
}
