package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
)

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// newFlags builds a flag set whose --help prints to stdout and exits 0, and
// whose errors print to stderr.
func newFlags(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: mentorskap %s\n\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	return fs
}

// parseFlags parses args; it returns ok=false with the exit code when the
// command should stop (help asked for, or a bad flag).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

// oidcProviders reads the OpenID Connect providers named in list (comma
// separated) from the environment: for a provider "feide",
// MENTORSKAP_OIDC_FEIDE_ISSUER, _CLIENT_ID, _SECRET, _LABEL, _SCOPES,
// _LOGO, _ALLOW_CREATE, _DOMAINS and _TRUST_EMAIL. Settings live in the
// environment rather than in flags so that the secret sits beside the rest
// and never shows in the process list.
func oidcProviders(list string, getenv func(string) string) ([]account.OIDCProvider, error) {
	var out []account.OIDCProvider
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		prefix := strings.TrimSuffix(account.SecretEnv(name), "SECRET")
		get := func(k string) string { return strings.TrimSpace(getenv(prefix + k)) }
		p := account.OIDCProvider{Name: name, Label: get("LABEL"), Issuer: get("ISSUER"), ClientID: get("CLIENT_ID"),
			ClientSecret: getenv(prefix + "SECRET"), Scopes: strings.Fields(get("SCOPES")), LogoURL: get("LOGO"),
			AllowCreate: get("ALLOW_CREATE") == "true", TrustEmail: get("TRUST_EMAIL") == "true",
			Domains: strings.FieldsFunc(get("DOMAINS"), func(r rune) bool { return r == ',' || r == ' ' }), FromFlags: true}
		if p.Label == "" {
			p.Label = name
		}
		if err := account.ValidateProvider(&p); err != nil {
			var fields []string
			if e, ok := errs.As(err); ok {
				for f := range e.Fields {
					fields = append(fields, prefix+strings.ToUpper(f))
				}
			}
			slices.Sort(fields)
			return nil, fmt.Errorf("OpenID provider %q: missing or invalid %s", name, strings.Join(fields, ", "))
		}
		if p.ClientSecret == "" {
			return nil, fmt.Errorf("OpenID provider %q: %sSECRET is not set", name, prefix)
		}
		out = append(out, p)
	}
	return out, nil
}
