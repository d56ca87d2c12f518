package api

import (
	"net/http"
	"slices"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
)

// The OIDC login services an administrator sets up, as on /admin/sso. The
// client secret is never sent either way: it lives in the server's
// environment under secret_env, and the API says only whether it is set.
func (s *API) apiSSOTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/sso/providers", Handler: s.requireAdmin(s.apiListProviders)},
		{Method: "PUT", Pattern: "/api/v1/sso/providers/{provider}", Handler: s.requireAdmin(s.apiPutProvider)},
		{Method: "DELETE", Pattern: "/api/v1/sso/providers/{provider}", Handler: s.requireAdmin(s.apiDeleteProvider)},
	}
}

// apiProvider is a login service as the API shows it.
type apiProvider struct {
	Name        string   `json:"name"`
	Label       string   `json:"label"`
	Issuer      string   `json:"issuer"`
	ClientID    string   `json:"client_id"`
	Scopes      []string `json:"scopes"`
	LogoURL     string   `json:"logo_url"`
	AllowCreate bool     `json:"allow_create"`
	Domains     []string `json:"domains"`
	TrustEmail  bool     `json:"trust_email"`
	FromFlags   bool     `json:"from_flags"`
	SecretEnv   string   `json:"secret_env"`
	SecretSet   bool     `json:"secret_set"`
	RedirectURL string   `json:"redirect_url"`
}

// apiProviderInput is what an administrator sets; the name is the path's.
type apiProviderInput struct {
	Label       string   `json:"label"`
	Issuer      string   `json:"issuer"`
	ClientID    string   `json:"client_id"`
	Scopes      []string `json:"scopes"`
	LogoURL     string   `json:"logo_url"`
	AllowCreate bool     `json:"allow_create"`
	Domains     []string `json:"domains"`
	TrustEmail  bool     `json:"trust_email"`
}

func (s *API) toAPIProvider(p account.OIDCProvider) apiProvider {
	out := apiProvider{Name: p.Name, Label: p.Label, Issuer: p.Issuer, ClientID: p.ClientID, Scopes: p.Scopes,
		LogoURL: p.LogoURL, AllowCreate: p.AllowCreate, Domains: p.Domains, TrustEmail: p.TrustEmail,
		FromFlags: p.FromFlags, SecretEnv: account.SecretEnv(p.Name), SecretSet: p.ClientSecret != "",
		RedirectURL: s.siteLink("/login/oidc/" + p.Name + "/callback")}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if out.Domains == nil {
		out.Domains = []string{}
	}
	return out
}

// provider finds a configured provider by name; ok is false when there is
// none.
func (s *API) provider(r *http.Request, name string) (account.OIDCProvider, bool, error) {
	ps, err := s.Accounts.AllProviders(r.Context())
	if err != nil {
		return account.OIDCProvider{}, false, err
	}
	i := slices.IndexFunc(ps, func(p account.OIDCProvider) bool { return p.Name == name })
	if i < 0 {
		return account.OIDCProvider{}, false, nil
	}
	return ps[i], true, nil
}

func (s *API) apiListProviders(w http.ResponseWriter, r *http.Request) {
	ps, err := s.Accounts.AllProviders(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiProvider, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.toAPIProvider(p))
	}
	httpx.WritePage(w, r, s.fail, out)
}

// apiPutProvider adds the provider the path names (201) or replaces its
// settings (200). Providers set by flags cannot be changed (409).
func (s *API) apiPutProvider(w http.ResponseWriter, r *http.Request) {
	var in apiProviderInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("provider")
	_, existed, err := s.provider(r, name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := account.OIDCProvider{Name: name, Label: in.Label, Issuer: in.Issuer, ClientID: in.ClientID, Scopes: in.Scopes,
		LogoURL: in.LogoURL, AllowCreate: in.AllowCreate, Domains: in.Domains, TrustEmail: in.TrustEmail}
	if err := s.Accounts.SaveProvider(r.Context(), httpx.User(r), p); err != nil {
		s.fail(w, r, err)
		return
	}
	saved, _, err := s.provider(r, name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusCreated
	if existed {
		code = http.StatusOK
	}
	httpx.WriteJSON(w, code, s.toAPIProvider(saved))
}

func (s *API) apiDeleteProvider(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("provider")
	p, ok, err := s.provider(r, name)
	if err == nil && ok && p.FromFlags {
		err = errs.E(errs.Conflict, "sso.error.from_flags")
	}
	if err == nil {
		err = s.Accounts.DeleteProvider(r.Context(), httpx.User(r), name)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
