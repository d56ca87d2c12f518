package main

import (
	"strings"
	"testing"
)

// TestOIDCProvidersFromEnv: providers are read from the environment by the
// names listed, with defaults filled in; a missing secret or an issuer that
// is not HTTPS stops the server with the variable to fix.
func TestOIDCProvidersFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"MENTORSKAP_OIDC_FEIDE_ISSUER":       "https://auth.dataporten.no",
		"MENTORSKAP_OIDC_FEIDE_CLIENT_ID":    "abc",
		"MENTORSKAP_OIDC_FEIDE_SECRET":       "s3cret",
		"MENTORSKAP_OIDC_FEIDE_LABEL":        "Feide",
		"MENTORSKAP_OIDC_FEIDE_DOMAINS":      "uio.no, ntnu.no",
		"MENTORSKAP_OIDC_FEIDE_ALLOW_CREATE": "true",
		"MENTORSKAP_OIDC_ENTRA_ISSUER":       "http://login.example.org/tenant/v2.0",
		"MENTORSKAP_OIDC_ENTRA_CLIENT_ID":    "x",
		"MENTORSKAP_OIDC_ENTRA_SECRET":       "y",
		"MENTORSKAP_OIDC_GOOGLE_ISSUER":      "https://accounts.google.com",
		"MENTORSKAP_OIDC_GOOGLE_CLIENT_ID":   "g",
	}
	get := func(k string) string { return env[k] }
	ps, err := oidcProviders("feide", get)
	if err != nil || len(ps) != 1 {
		t.Fatalf("%v %v", ps, err)
	}
	p := ps[0]
	if p.Label != "Feide" || !p.AllowCreate || strings.Join(p.Domains, ",") != "uio.no,ntnu.no" ||
		strings.Join(p.Scopes, " ") != "openid email profile" || !p.FromFlags || p.ClientSecret != "s3cret" {
		t.Fatalf("read %+v", p)
	}
	if _, err := oidcProviders("feide,entra", get); err == nil || !strings.Contains(err.Error(), "MENTORSKAP_OIDC_ENTRA_ISSUER") {
		t.Errorf("plain-HTTP issuer: %v", err)
	}
	if _, err := oidcProviders("google", get); err == nil || !strings.Contains(err.Error(), "MENTORSKAP_OIDC_GOOGLE_SECRET") {
		t.Errorf("missing secret: %v", err)
	}
	if ps, err := oidcProviders("", get); err != nil || len(ps) != 0 {
		t.Errorf("none: %v %v", ps, err)
	}
}
