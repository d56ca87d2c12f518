package account

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Single sign-on with OpenID Connect. The protocol work is done by
// github.com/coreos/go-oidc (discovery, the provider's keys, ID token
// verification) and golang.org/x/oauth2 (the authorization code flow with
// PKCE); this file holds Mentorskap's rules: which provider may do what, how
// a provider's account finds or becomes a Mentorskap account, and that
// nothing changes when any step fails.

// OIDCProvider is one configured OpenID Provider.
type OIDCProvider struct {
	Name     string // short, lower-case, in URLs and the environment: "entra", "feide"
	Label    string // the button's text: "Log in with Feide"
	Issuer   string
	ClientID string
	// ClientSecret comes from the environment only, never from a form or
	// the database.
	ClientSecret string
	Scopes       []string
	LogoURL      string
	// AllowCreate lets a first sign-in create an account, when the address
	// is verified and (with Domains) in one of the domains.
	AllowCreate bool
	Domains     []string
	// TrustEmail takes the email claim as verified even without
	// email_verified: for a provider that only issues addresses its
	// organisation owns (a single-tenant Entra ID).
	TrustEmail bool
	FromFlags  bool // configured by flags or environment: read-only on the admin page
}

// MaxOIDCProviders bounds the administrator's list.
const MaxOIDCProviders = 20

var providerNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// SecretEnv names the environment variable holding a provider's secret.
func SecretEnv(name string) string {
	return "MENTORSKAP_OIDC_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_SECRET"
}

// DefaultScopes are asked for when a provider names none.
var DefaultScopes = []string{oidc.ScopeOpenID, "email", "profile"}

// OIDC is the installation's single sign-on: providers from flags and from
// the database, and the discovered provider metadata.
type OIDC struct {
	Static []OIDCProvider
	// Env reads a secret by variable name; nil reads the process
	// environment.
	Env func(string) string
	// HTTPClient talks to the providers; nil uses one with a 10 second
	// timeout, so that a provider that hangs does not hang a login.
	HTTPClient *http.Client

	mu         sync.Mutex
	discovered map[string]*oidc.Provider // by issuer
}

func (o *OIDC) env(name string) string {
	if o.Env != nil {
		return o.Env(name)
	}
	return os.Getenv(name)
}

var defaultOIDCClient = &http.Client{Timeout: 10 * time.Second}

func (o *OIDC) client() *http.Client {
	if o.HTTPClient != nil {
		return o.HTTPClient
	}
	return defaultOIDCClient
}

// discover fetches and caches the provider's metadata. A failure is not
// cached: the next attempt asks again.
func (o *OIDC) discover(ctx context.Context, issuer string) (*oidc.Provider, error) {
	o.mu.Lock()
	p := o.discovered[issuer]
	o.mu.Unlock()
	if p != nil {
		return p, nil
	}
	// The key set fetches keys later with the context given here, so it
	// must outlive this request.
	p, err := oidc.NewProvider(oidc.ClientContext(context.WithoutCancel(ctx), o.client()), issuer)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	if o.discovered == nil {
		o.discovered = map[string]*oidc.Provider{}
	}
	o.discovered[issuer] = p
	o.mu.Unlock()
	return p, nil
}

// Providers lists the providers people can sign in with: those from flags
// first, then the administrator's with a secret in the environment.
func (s *Service) Providers(ctx context.Context) ([]OIDCProvider, error) {
	all, err := s.AllProviders(ctx)
	var out []OIDCProvider
	for _, p := range all {
		if p.ClientSecret != "" {
			out = append(out, p)
		}
	}
	return out, err
}

// AllProviders lists every configured provider, usable or not (an
// administrator's provider whose secret is not in the environment yet).
func (s *Service) AllProviders(ctx context.Context) ([]OIDCProvider, error) {
	if s.SSO == nil {
		return nil, nil
	}
	out := slices.Clone(s.SSO.Static)
	rows, err := s.DB.Query(ctx, `SELECT name, label, issuer, client_id, scopes, logo_url, allow_create, trust_email, domains
		FROM oidc_providers ORDER BY label, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p OIDCProvider
		var scopes, domains string
		if err := rows.Scan(&p.Name, &p.Label, &p.Issuer, &p.ClientID, &scopes, &p.LogoURL, &p.AllowCreate, &p.TrustEmail, &domains); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(q OIDCProvider) bool { return q.Name == p.Name }) {
			continue // flags win over the database
		}
		p.Scopes, p.Domains = strings.Fields(scopes), strings.Fields(domains)
		p.ClientSecret = s.SSO.env(SecretEnv(p.Name))
		out = append(out, p)
	}
	return out, rows.Err()
}

// Provider returns a usable provider by name.
func (s *Service) Provider(ctx context.Context, name string) (*OIDCProvider, error) {
	ps, err := s.Providers(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Name == name {
			return &p, nil
		}
	}
	return nil, errs.E(errs.NotFound, "sso.error.unknown_provider")
}

// ValidateProvider checks a provider's settings, for flags at start and the
// administrator's form, and fills in defaults.
func ValidateProvider(p *OIDCProvider) error {
	var v errs.Validation
	p.Name = strings.TrimSpace(p.Name)
	p.Label = strings.TrimSpace(p.Label)
	p.Issuer = strings.TrimRight(strings.TrimSpace(p.Issuer), "/")
	p.ClientID = strings.TrimSpace(p.ClientID)
	p.LogoURL = strings.TrimSpace(p.LogoURL)
	v.Check(providerNameRE.MatchString(p.Name), "name", "sso.error.name_invalid")
	v.Check(p.Label != "", "label", "error.required")
	v.Check(utf8.RuneCountInString(p.Label) <= 80, "label", "error.too_long", "max", 80)
	u, err := url.Parse(p.Issuer)
	v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())) && u.Host != "" &&
		u.RawQuery == "" && u.Fragment == "", "issuer", "sso.error.issuer_invalid")
	v.Check(p.ClientID != "" && len(p.ClientID) <= 500, "client_id", "error.required")
	if p.LogoURL != "" {
		u, err := url.Parse(p.LogoURL)
		v.Check(err == nil && (u.Scheme == "https" || strings.HasPrefix(p.LogoURL, "/static/")) && len(p.LogoURL) <= 500,
			"logo_url", "sso.error.logo_invalid")
	}
	if len(p.Scopes) == 0 {
		p.Scopes = DefaultScopes
	}
	if !slices.Contains(p.Scopes, oidc.ScopeOpenID) {
		p.Scopes = append([]string{oidc.ScopeOpenID}, p.Scopes...)
	}
	for i, d := range p.Domains {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		p.Domains[i] = d
		v.Check(d != "" && !strings.ContainsAny(d, "@/ ") && strings.Contains(d, "."), "domains", "sso.error.domain_invalid")
	}
	return v.Err()
}

// isLoopback allows plain HTTP for an issuer on this machine only (tests, a
// provider beside the server); anything else must be HTTPS.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// SaveProvider adds or changes an administrator's provider. Providers set
// by flags cannot be changed here.
func (s *Service) SaveProvider(ctx context.Context, actor *User, p OIDCProvider) error {
	if !actor.IsAdmin() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	if err := ValidateProvider(&p); err != nil {
		return err
	}
	if s.SSO != nil && slices.ContainsFunc(s.SSO.Static, func(q OIDCProvider) bool { return q.Name == p.Name }) {
		return &errs.Error{Kind: errs.Conflict, Key: "sso.error.from_flags",
			Fields: map[string]errs.Msg{"name": {Key: "sso.error.from_flags"}}}
	}
	now := s.Clock.Now()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM oidc_providers WHERE name <> ?`, p.Name).Scan(&n); err != nil {
			return err
		}
		if n >= MaxOIDCProviders {
			return errs.E(errs.Conflict, "sso.error.too_many", "max", MaxOIDCProviders)
		}
		_, err := tx.Exec(ctx, `INSERT INTO oidc_providers (name, label, issuer, client_id, scopes, logo_url, allow_create, trust_email, domains, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET label = excluded.label, issuer = excluded.issuer, client_id = excluded.client_id,
			scopes = excluded.scopes, logo_url = excluded.logo_url, allow_create = excluded.allow_create,
			trust_email = excluded.trust_email, domains = excluded.domains, updated_at = excluded.updated_at`,
			p.Name, p.Label, p.Issuer, p.ClientID, strings.Join(p.Scopes, " "), p.LogoURL, p.AllowCreate, p.TrustEmail,
			strings.Join(p.Domains, " "), now, now)
		return err
	})
}

// DeleteProvider removes an administrator's provider. The accounts linked
// to it stay, and their links too, so that putting the provider back
// restores them; people who could only use it are told on the login page
// to ask for a login link or reset their password.
func (s *Service) DeleteProvider(ctx context.Context, actor *User, name string) error {
	if !actor.IsAdmin() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	res, err := s.DB.Exec(ctx, `DELETE FROM oidc_providers WHERE name = ?`, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return nil
}

// What a round trip to a provider is for.
const (
	PurposeLogin  = "login"  // sign in (or create an account where allowed)
	PurposeLink   = "link"   // add the provider to the signed-in person's account
	PurposeInvite = "invite" // accept an invitation
	PurposeJoin   = "join"   // join a program through its open link
)

// OIDCStart is what the caller asks a round trip for.
type OIDCStart struct {
	Provider    string
	Purpose     string
	UserID      int64  // PurposeLink: the person adding it
	Token       string // PurposeInvite, PurposeJoin: the invitation or join link
	Role        string // the role chosen on the invitation or join form
	Next        string // where to go after signing in
	RedirectURL string // our callback
}

// OIDCLoginTTL is how long a person may take at the provider.
const OIDCLoginTTL = 10 * time.Minute

// BeginOIDC sends a person to the provider: it makes a state, a nonce and a
// PKCE verifier, keeps them in a pending row, and returns the address of
// the provider's login page and the state, which the caller binds to the
// browser (a cookie), so that a callback started in another browser is
// refused (login CSRF).
func (s *Service) BeginOIDC(ctx context.Context, st OIDCStart) (authURL, state string, err error) {
	p, err := s.Provider(ctx, st.Provider)
	if err != nil {
		return "", "", err
	}
	op, err := s.SSO.discover(ctx, p.Issuer)
	if err != nil {
		return "", "", wrapE(errs.Unavailable, "sso.error.provider_down", err)
	}
	now := s.Clock.Now()
	state, stateHash := NewToken()
	nonce, _ := NewToken()
	verifier := oauth2.GenerateVerifier()
	var uid any
	if st.UserID > 0 {
		uid = st.UserID
	}
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_logins WHERE expires_at < ?`, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO oidc_logins (state_hash, provider, nonce, verifier, purpose, user_id, token, role, next, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			stateHash, p.Name, nonce, verifier, st.Purpose, uid, st.Token, st.Role, st.Next, now, now.Add(OIDCLoginTTL))
		return err
	})
	if err != nil {
		return "", "", err
	}
	cfg := p.oauth2(op, st.RedirectURL)
	return cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), state, nil
}

func (p *OIDCProvider) oauth2(op *oidc.Provider, redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(),
		RedirectURL: redirect, Scopes: p.Scopes}
}

// OIDCIdentity is what a provider vouched for.
type OIDCIdentity struct {
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// OIDCOutcome is where a finished round trip leaves the person.
type OIDCOutcome struct {
	Purpose  string
	Identity OIDCIdentity
	User     *User  // the account signed in or linked; nil when none exists yet (invite, join)
	Session  string // a new session (login, or invite/join with an existing account)
	// Challenge is set instead of Session when the person has two-factor
	// login: the provider stands in for the password, not for the code.
	Challenge string
	Token     string // invite/join: the invitation or join link
	Role      string
	Next      string
}

// FinishOIDC completes a round trip: the pending login is used up first
// (whatever follows, a state works once), then the code is exchanged with
// the PKCE verifier, the ID token is verified (signature with the
// provider's keys, issuer, audience, expiry) and its nonce compared. Only
// then is any account touched; every failure before leaves everything as
// it was and says what went wrong in words a person can act on.
func (s *Service) FinishOIDC(ctx context.Context, provider, state, boundState, code, redirect, ip string) (*OIDCOutcome, error) {
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(boundState)) != 1 {
		return nil, errs.E(errs.Unauthorized, "sso.error.state")
	}
	now := s.Clock.Now()
	var nonce, verifier, purpose string
	var userID *int64
	out := &OIDCOutcome{}
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `DELETE FROM oidc_logins WHERE state_hash = ? AND provider = ? AND expires_at > ?
			RETURNING nonce, verifier, purpose, user_id, token, role, next`, HashToken(state), provider, now).
			Scan(&nonce, &verifier, &purpose, &userID, &out.Token, &out.Role, &out.Next)
	})
	if err != nil {
		if store.NotFound(err, "") != err {
			return nil, errs.E(errs.Unauthorized, "sso.error.state")
		}
		return nil, err
	}
	out.Purpose = purpose
	p, err := s.Provider(ctx, provider)
	if err != nil {
		return nil, err
	}
	id, err := s.verifyCode(ctx, p, code, verifier, nonce, redirect)
	if err != nil {
		return nil, err
	}
	out.Identity = *id
	switch purpose {
	case PurposeLink:
		if userID == nil {
			return nil, errs.E(errs.Unauthorized, "sso.error.state")
		}
		return out, s.linkIdentity(ctx, *userID, id)
	case PurposeLogin:
		return out, s.oidcSignIn(ctx, p, id, ip, true, out)
	case PurposeInvite, PurposeJoin:
		// An existing account signs in; a new one is made by the program's
		// enrolment, in the same transaction as the participant.
		err := s.oidcSignIn(ctx, p, id, ip, false, out)
		if errs.Is(err, errs.NotFound) {
			err = nil
		}
		return out, err
	}
	return nil, errs.E(errs.Unauthorized, "sso.error.state")
}

// verifyCode exchanges the code and verifies the ID token.
func (s *Service) verifyCode(ctx context.Context, p *OIDCProvider, code, verifier, nonce, redirect string) (*OIDCIdentity, error) {
	if code == "" {
		return nil, errs.E(errs.Unauthorized, "sso.error.denied")
	}
	op, err := s.SSO.discover(ctx, p.Issuer)
	if err != nil {
		return nil, wrapE(errs.Unavailable, "sso.error.provider_down", err)
	}
	hctx := oidc.ClientContext(ctx, s.SSO.client())
	tok, err := p.oauth2(op, redirect).Exchange(hctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// The provider answered, and refused the code.
			return nil, wrapE(errs.Unauthorized, "sso.error.exchange", err)
		}
		return nil, wrapE(errs.Unavailable, "sso.error.provider_down", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errs.E(errs.Unauthorized, "sso.error.token_invalid")
	}
	// Expiry is judged by the wall clock, as the provider's is: the
	// application's clock is a test's to move.
	idt, err := op.Verifier(&oidc.Config{ClientID: p.ClientID}).Verify(hctx, raw)
	if err != nil {
		var exp *oidc.TokenExpiredError
		if errors.As(err, &exp) {
			return nil, wrapE(errs.Unauthorized, "sso.error.expired", err)
		}
		return nil, wrapE(errs.Unauthorized, "sso.error.token_invalid", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, errs.E(errs.Unauthorized, "sso.error.nonce")
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"` // a boolean, or "true" from some providers
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return nil, wrapE(errs.Unauthorized, "sso.error.token_invalid", err)
	}
	id := &OIDCIdentity{Provider: p.Name, Subject: idt.Subject, Email: NormalizeEmail(claims.Email), Name: strings.TrimSpace(claims.Name)}
	id.EmailVerified = claims.EmailVerified == true || claims.EmailVerified == "true" || p.TrustEmail
	if !ValidEmail(id.Email) {
		id.Email, id.EmailVerified = "", false
	}
	return id, nil
}

// domainAllowed reports whether an address is in one of the provider's
// domains, or the provider names none.
func (p *OIDCProvider) domainAllowed(email string) bool {
	if len(p.Domains) == 0 {
		return true
	}
	at := strings.LastIndexByte(email, '@')
	return at >= 0 && slices.Contains(p.Domains, email[at+1:])
}

// oidcSignIn finds the account behind a verified identity: by the link
// made before, else by the verified address (the link is then made), else,
// when create is true and the provider allows it for the address's domain,
// a new account. It opens a session, or a two-factor challenge. Without an
// account and create false it returns a NotFound, for the enrolment to
// make one.
func (s *Service) oidcSignIn(ctx context.Context, p *OIDCProvider, id *OIDCIdentity, ip string, create bool, out *OIDCOutcome) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		var uid int64
		err := tx.QueryRow(ctx, `SELECT user_id FROM oidc_identities WHERE provider = ? AND subject = ?`, p.Name, id.Subject).Scan(&uid)
		switch {
		case err == nil:
		case store.NotFound(err, "") == err:
			return err
		case id.Email == "" || !id.EmailVerified:
			return errs.E(errs.Unauthorized, "sso.error.email_unverified")
		case !p.domainAllowed(id.Email):
			return errs.E(errs.Forbidden, "sso.error.domain", "domains", strings.Join(p.Domains, ", "))
		default:
			u, err := ByEmail(ctx, tx, id.Email)
			switch {
			case err == nil:
				uid = u.ID
			case !errs.Is(err, errs.NotFound):
				return err
			case !create:
				return errs.E(errs.NotFound, "sso.error.no_account")
			case !p.AllowCreate:
				return errs.E(errs.Forbidden, "sso.error.no_account")
			default:
				u, err := CreateSSOUser(ctx, tx, now, id, "")
				if err != nil {
					return err
				}
				uid = u.ID
			}
			if err := insertIdentity(ctx, tx, now, uid, id); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE oidc_identities SET last_used_at = ?, email = ? WHERE provider = ? AND subject = ?`,
			now, id.Email, p.Name, id.Subject); err != nil {
			return err
		}
		if out.User, err = ByID(ctx, tx, uid); err != nil {
			return err
		}
		how := SignIn{Method: MethodOIDC, Provider: p.Name, IP: ip}
		on, err := TOTPEnabled(ctx, tx, uid)
		if err != nil {
			return err
		}
		if on {
			out.Challenge, err = createChallenge(ctx, tx, now, uid, how)
			return err
		}
		out.Session, err = s.createSession(ctx, tx, now, uid, how)
		return err
	})
}

func insertIdentity(ctx context.Context, tx store.Q, now time.Time, userID int64, id *OIDCIdentity) error {
	_, err := tx.Exec(ctx, `INSERT INTO oidc_identities (provider, subject, user_id, email, created_at) VALUES (?, ?, ?, ?, ?)`,
		id.Provider, id.Subject, userID, id.Email, now)
	if store.IsUnique(err) {
		return errs.E(errs.Conflict, "sso.error.linked_elsewhere")
	}
	return err
}

// CreateSSOUser makes an account for a verified identity, inside tx, linked
// to it. It has no password: the person signs in with the provider, or asks
// for a login link or a password reset by email later.
func CreateSSOUser(ctx context.Context, tx store.Q, now time.Time, id *OIDCIdentity, lang string) (*User, error) {
	name := id.Name
	if name == "" {
		name = id.Email[:strings.IndexByte(id.Email, '@')]
	}
	if utf8.RuneCountInString(name) > MaxName {
		name = string([]rune(name)[:MaxName])
	}
	n := NewUser{Email: id.Email, Name: name, Role: RoleMember, Language: lang, Timezone: "UTC"}
	n.Password = strings.Repeat("x", MinPassword) // only to pass validation; never stored
	if err := n.validate(); err != nil {
		return nil, err
	}
	row := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, language, timezone, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+userCols,
		n.Email, n.Name, noPassword, n.Role, n.Language, n.Timezone, now)
	u, err := scanUser(row)
	if store.IsUnique(err) {
		return nil, errs.E(errs.Conflict, "error.email_taken")
	}
	return u, err
}

// noPassword is stored for accounts made by a provider: no password ever
// matches it (see CheckPassword), and a login against it still costs a
// full hash (see BeginLogin).
const noPassword = "!sso"

// LinkNewUser links an identity to an account just made inside tx, for the
// enrolment that creates accounts from a provider.
func LinkNewUser(ctx context.Context, tx store.Q, now time.Time, userID int64, id *OIDCIdentity) error {
	return insertIdentity(ctx, tx, now, userID, id)
}

// linkIdentity adds a provider to a signed-in person's account. The
// provider's address need not match theirs: the person proved both.
func (s *Service) linkIdentity(ctx context.Context, userID int64, id *OIDCIdentity) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		var owner int64
		err := tx.QueryRow(ctx, `SELECT user_id FROM oidc_identities WHERE provider = ? AND subject = ?`, id.Provider, id.Subject).Scan(&owner)
		if err == nil {
			if owner != userID {
				return errs.E(errs.Conflict, "sso.error.linked_elsewhere")
			}
			return nil
		}
		if store.NotFound(err, "") == err {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM oidc_identities WHERE user_id = ? AND provider = ?`, userID, id.Provider).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Conflict, "sso.error.already_linked")
		}
		return insertIdentity(ctx, tx, s.Clock.Now(), userID, id)
	})
}

// LinkedIdentity is one of a person's provider accounts, for the profile.
type LinkedIdentity struct {
	Provider   string
	Email      string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// Identities lists a person's linked providers.
func (s *Service) Identities(ctx context.Context, userID int64) ([]LinkedIdentity, error) {
	rows, err := s.DB.Query(ctx, `SELECT provider, email, created_at, last_used_at FROM oidc_identities WHERE user_id = ? ORDER BY provider`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LinkedIdentity
	for rows.Next() {
		var l LinkedIdentity
		if err := rows.Scan(&l.Provider, &l.Email, &l.CreatedAt, &l.LastUsedAt); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// UnlinkIdentity removes a provider from a person's account; the last one
// of an account that may sign in only with a provider stays.
func (s *Service) UnlinkIdentity(ctx context.Context, userID int64, provider string) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		ssoOnly, err := SSOOnly(ctx, tx, userID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM oidc_identities WHERE user_id = ?`, userID).Scan(&n); err != nil {
			return err
		}
		if ssoOnly && n <= 1 {
			return errs.E(errs.Conflict, "sso.error.last_link")
		}
		res, err := tx.Exec(ctx, `DELETE FROM oidc_identities WHERE user_id = ? AND provider = ?`, userID, provider)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		return nil
	})
}

// SetSSOOnly turns "sign in only with a provider" on or off for the
// person. On needs a linked provider; it ends the other ways in that do
// not go through one (pending two-factor logins, reset and login links) and
// every other session, so that a password known to someone else stops
// working at once. API tokens stay: the person made them on purpose.
func (s *Service) SetSSOOnly(ctx context.Context, userID int64, keepSession string, on bool) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		if on {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM oidc_identities WHERE user_id = ?`, userID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.E(errs.Conflict, "sso.error.link_first")
			}
			for _, q := range []string{
				`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`,
			} {
				if _, err := tx.Exec(ctx, q, userID, HashToken(keepSession)); err != nil {
					return err
				}
			}
			for _, q := range []string{
				`DELETE FROM login_challenges WHERE user_id = ?`,
				`UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`,
				`UPDATE sign_in_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL`,
			} {
				args := []any{userID}
				if strings.Contains(q, "used_at = ?") {
					args = []any{now, userID}
				}
				if _, err := tx.Exec(ctx, q, args...); err != nil {
					return err
				}
			}
		}
		_, err := tx.Exec(ctx, `UPDATE users SET sso_only = ? WHERE id = ?`, on, userID)
		return err
	})
}

// wrapE is a coded error that keeps its cause for the log.
func wrapE(kind errs.Kind, key string, cause error) error {
	return &errs.Error{Kind: kind, Key: key, Err: cause}
}

// MayCreate reports whether the provider may make a new account for a
// verified identity (a join link asks this; an invitation is its own
// permission for the address it names).
func (p *OIDCProvider) MayCreate(id *OIDCIdentity) bool {
	return p.AllowCreate && id.EmailVerified && id.Email != "" && p.domainAllowed(id.Email)
}
