package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
)

// twoFactorCookie carries a login that passed the password and waits for
// the code. It names a challenge row, so it is worthless on its own.
const twoFactorCookie = "mentorskap_2fa"

func (s *Server) securityRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /login/code", s.loginCodeForm)
	mux.HandleFunc("POST /login/code", s.loginCode)
	mux.HandleFunc("GET /profile/security", s.requireUser(s.securityPage))
	mux.HandleFunc("POST /profile/security/totp", s.requireUser(s.securityBegin))
	mux.HandleFunc("POST /profile/security/totp/confirm", s.requireUser(s.securityConfirm))
	mux.HandleFunc("POST /profile/security/totp/disable", s.requireUser(s.securityDisable))
}

// beginTwoFactor sends a person whose password was right to the code form.
func (s *Server) beginTwoFactor(w http.ResponseWriter, r *http.Request, challenge, next string) {
	s.setCookie(w, r, twoFactorCookie, challenge, account.ChallengeTTL)
	http.Redirect(w, r, "/login/code?next="+url.QueryEscape(next), http.StatusSeeOther)
}

type loginCodeData struct {
	Next    string
	Passkey bool // offer a passkey instead of the code
}

func (s *Server) loginCodeForm(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(twoFactorCookie)
	if err != nil || s.Accounts.CheckChallenge(r.Context(), c.Value) != nil {
		s.redirect(w, r, "/login", "totp.flash.expired")
		return
	}
	s.render(w, r, http.StatusOK, "security_code", loginCodeData{Next: safeNext(r.URL.Query().Get("next")),
		Passkey: s.Accounts.ChallengeHasPasskeys(r.Context(), c.Value)})
}

func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	next := safeNext(r.PostForm.Get("next"))
	c, err := r.Cookie(twoFactorCookie)
	if err != nil {
		s.redirect(w, r, "/login", "totp.flash.expired")
		return
	}
	_, token, err := s.Accounts.LoginCode(r.Context(), c.Value, r.PostForm.Get("code"), s.clientIP(r))
	if err != nil {
		e, ok := errs.As(err)
		switch {
		case ok && e.Key == "totp.error.expired":
			s.clearCookie(w, r, twoFactorCookie)
			s.redirect(w, r, "/login", "totp.flash.expired")
		case ok && (e.Kind == errs.Unauthorized || e.Kind == errs.TooMany):
			r.PostForm.Del("code")
			p := s.newPage(w, r, loginCodeData{Next: next, Passkey: s.Accounts.ChallengeHasPasskeys(r.Context(), c.Value)})
			p.Form = r.PostForm
			p.Error = p.L.Msg(e.Key, e.Args)
			code := http.StatusUnauthorized
			if e.Kind == errs.TooMany {
				code = http.StatusTooManyRequests
				httpx.SetRetryAfter(w, err)
			}
			s.renderPage(w, r, code, "security_code", p)
		default:
			s.fail(w, r, err)
		}
		return
	}
	s.clearCookie(w, r, twoFactorCookie)
	s.startSession(w, r, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type securityData struct {
	State         account.TOTPState
	SecretGroups  string // the secret in groups of four, easier to type
	URI           string
	RecoveryCodes []string
	Required      bool
	SignIns       []account.SignInEntry
	// Single sign-on: the providers offered, the person's links with the
	// providers' labels, those not linked yet, and whether the account may
	// sign in only through one.
	Providers  []account.OIDCProvider
	Identities []linkedView
	Unlinked   []account.OIDCProvider
	SSOOnly    bool
	// ProviderLabels name the providers in the sign-in log.
	ProviderLabels map[string]string
	// Passkeys: whether the site offers them, and the person's.
	PasskeysOn bool
	Passkeys   []account.Passkey
}

type linkedView struct {
	account.LinkedIdentity
	Label string
}

func (s *Server) securityData(r *http.Request, codes []string) (securityData, error) {
	u := httpx.User(r)
	st, err := s.Accounts.TOTPStatus(r.Context(), u.ID)
	d := securityData{State: st, RecoveryCodes: codes, Required: s.RequireAdmin2FA && u.IsAdmin()}
	if err == nil {
		d.SignIns, err = s.Accounts.SignInLog(r.Context(), u.ID, account.SignInLogSize)
	}
	if err == nil {
		err = s.ssoData(r, &d)
	}
	if err == nil && s.Accounts.WebAuthn != nil {
		d.PasskeysOn = true
		d.Passkeys, err = s.Accounts.Passkeys(r.Context(), u.ID)
	}
	if st.PendingSecret != "" {
		d.URI = account.TOTPURI(st.PendingSecret, u.Email)
		var b strings.Builder
		for i, c := range st.PendingSecret {
			if i > 0 && i%4 == 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(c)
		}
		d.SecretGroups = b.String()
	}
	return d, err
}

func (s *Server) securityPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.securityData(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "security_settings", d)
}

func (s *Server) securityBegin(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Accounts.BeginTOTP(r.Context(), httpx.User(r).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile/security", "security.flash.started")
}

// securityForm re-renders the page with a form's errors; secrets typed in
// are never echoed.
func (s *Server) securityForm(w http.ResponseWriter, r *http.Request, err error) {
	d, derr := s.securityData(r, nil)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	r.PostForm.Del("code")
	r.PostForm.Del("password")
	s.renderForm(w, r, "security_settings", d, err)
}

func (s *Server) securityConfirm(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	codes, err := s.Accounts.ConfirmTOTP(r.Context(), httpx.User(r).ID, r.PostForm.Get("code"))
	if err != nil {
		s.securityForm(w, r, err)
		return
	}
	d, err := s.securityData(r, codes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Recovery codes are shown on this response only; they are stored
	// hashed, so the page renders instead of redirecting.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "security_settings", d)
}

func (s *Server) securityDisable(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	err := s.Accounts.DisableTOTP(r.Context(), httpx.User(r).ID, r.PostForm.Get("password"), r.PostForm.Get("code"))
	if err != nil {
		s.securityForm(w, r, err)
		return
	}
	s.redirect(w, r, "/profile/security", "security.flash.disabled")
}

// twoFactorExempt lists what an administrator who must enrol can still
// reach: enrolment itself, logging out, and what pages need to load.
func twoFactorExempt(path string) bool {
	for _, p := range []string{"/profile/security", "/api/v1/me/two-factor", "/static/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return path == "/logout" || path == "/language" || path == "/healthz" || path == "/readyz"
}

// cleanText makes typed text storable: invalid UTF-8 becomes U+FFFD and
// control characters other than tab and line breaks are dropped, since
// PostgreSQL refuses NUL and no one types the others on purpose.
func cleanText(v string) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	if strings.IndexFunc(v, badControl) < 0 {
		return v
	}
	return strings.Map(func(r rune) rune {
		if badControl(r) {
			return -1
		}
		return r
	}, v)
}

func badControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

// cleanForm parses a url-encoded form once for every handler and cleans
// its values, so that no handler has to remember to.
func cleanForm(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if r.Method == http.MethodGet || !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	for _, vals := range []url.Values{r.PostForm, r.Form} {
		for k, vs := range vals {
			for i, v := range vs {
				vs[i] = cleanText(v)
			}
			vals[k] = vs
		}
	}
	return nil
}

// securityGuard cleans form input, and holds administrators without
// two-factor login at the enrolment page when the installation demands it.
func (s *Server) securityGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := cleanForm(r); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				err = httpx.BodyError(err)
			} else {
				err = &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Err: err}
			}
			s.fail(w, r, err)
			return
		}
		u := httpx.User(r)
		if !s.RequireAdmin2FA || !u.IsAdmin() || twoFactorExempt(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		on, err := account.TOTPEnabled(r.Context(), s.DB, u.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if on {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, httpx.Prefix+"/") {
			s.fail(w, r, errs.E(errs.Forbidden, "security.error.admin_required"))
			return
		}
		s.redirect(w, r, "/profile/security", "security.flash.admin_required")
	})
}

// ssoData fills in the single sign-on part of the security page.
func (s *Server) ssoData(r *http.Request, d *securityData) error {
	ctx := r.Context()
	uid := httpx.User(r).ID
	var err error
	if d.Providers, err = s.Accounts.Providers(ctx); err != nil {
		return err
	}
	links, err := s.Accounts.Identities(ctx, uid)
	if err != nil {
		return err
	}
	d.ProviderLabels = map[string]string{}
	for _, p := range d.Providers {
		d.ProviderLabels[p.Name] = p.Label
	}
	linked := map[string]bool{}
	for _, l := range links {
		label := l.Provider // a provider removed since keeps its name
		for _, p := range d.Providers {
			if p.Name == l.Provider {
				label = p.Label
			}
		}
		linked[l.Provider] = true
		d.Identities = append(d.Identities, linkedView{LinkedIdentity: l, Label: label})
	}
	for _, p := range d.Providers {
		if !linked[p.Name] {
			d.Unlinked = append(d.Unlinked, p)
		}
	}
	d.SSOOnly, err = account.SSOOnly(ctx, s.DB, uid)
	return err
}
