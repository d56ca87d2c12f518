package web

import (
	"net/http"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// oidcCookie binds a round trip to a provider to the browser that started
// it: it holds the state, which the callback must bring back. Lax, so that
// the provider's redirect (a top-level GET from another site) carries it.
const oidcCookie = "mentorskap_oidc"

// OpenID Connect sign-in. Its steps are browser redirects to and from the
// provider, with nothing an API client could use: API clients hold tokens,
// which a person makes on their profile after signing in any way.
func (s *Server) ssoRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /login/oidc/{provider}", s.ssoStart)
	mux.HandleFunc("GET /login/oidc/{provider}/callback", s.ssoCallback)
	mux.HandleFunc("POST /profile/security/sso/{provider}/link", s.requireUser(s.ssoLink))
	mux.HandleFunc("POST /profile/security/sso/{provider}/unlink", s.requireUser(s.confirmFirst("sso_unlink", s.mayUnlinkProvider, s.ssoUnlink)))
	mux.HandleFunc("POST /profile/security/sso-only", s.requireUser(s.ssoOnly))
	mux.HandleFunc("GET /admin/sso", s.requireUser(s.adminSSO))
	mux.HandleFunc("POST /admin/sso", s.requireUser(s.adminSSOSave))
	mux.HandleFunc("POST /admin/sso/{provider}/delete", s.requireUser(s.confirmFirst("sso_provider_delete", s.mayDeleteProvider, s.adminSSODelete)))
}

func (s *Server) ssoRedirectURL(name string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/login/oidc/" + name + "/callback"
}

// ssoStart sends the browser to the provider: to log in (the login page),
// to accept an invitation or join a program (their forms, with the role
// chosen there), or to link the provider (ssoLink).
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	st := account.OIDCStart{Provider: r.PathValue("provider"), Purpose: account.PurposeLogin,
		Next: safeNext(r.PostForm.Get("next"))}
	switch r.PostForm.Get("purpose") {
	case account.PurposeInvite, account.PurposeJoin:
		st.Purpose = r.PostForm.Get("purpose")
		st.Token = r.PostForm.Get("sso_token")
		st.Role = r.PostForm.Get("role")
		if httpx.User(r) != nil {
			s.fail(w, r, errs.E(errs.Conflict, "sso.error.logged_in"))
			return
		}
	}
	s.ssoBegin(w, r, st)
}

func (s *Server) ssoBegin(w http.ResponseWriter, r *http.Request, st account.OIDCStart) {
	st.RedirectURL = s.ssoRedirectURL(st.Provider)
	authURL, state, err := s.Accounts.BeginOIDC(r.Context(), st)
	if err != nil {
		s.ssoFail(w, r, st.Purpose, err)
		return
	}
	s.setCookie(w, r, oidcCookie, state, account.OIDCLoginTTL)
	// Not a redirect: the pages' Content-Security-Policy allows forms to
	// go to this site only (form-action 'self'), and browsers hold a form's
	// redirect to another site to it. A link the script follows at once
	// (or the person presses) is an ordinary navigation.
	w.Header().Set("Cache-Control", "no-store")
	label := st.Provider
	if p, err := s.Accounts.Provider(r.Context(), st.Provider); err == nil {
		label = p.Label
	}
	s.render(w, r, http.StatusOK, "sso_continue", ssoContinueData{URL: authURL, Label: label})
}

type ssoContinueData struct {
	URL   string
	Label string
}

func (s *Server) ssoLink(w http.ResponseWriter, r *http.Request) {
	s.ssoBegin(w, r, account.OIDCStart{Provider: r.PathValue("provider"), Purpose: account.PurposeLink,
		UserID: httpx.User(r).ID, Next: "/profile/security"})
}

func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bound := ""
	if c, err := r.Cookie(oidcCookie); err == nil {
		bound = c.Value
	}
	s.clearCookie(w, r, oidcCookie)
	ctx := r.Context()
	name := r.PathValue("provider")
	code := q.Get("code")
	if q.Get("error") != "" {
		code = "" // the person cancelled at the provider, or it refused them
	}
	out, err := s.Accounts.FinishOIDC(ctx, name, q.Get("state"), bound, code, s.ssoRedirectURL(name), s.clientIP(r))
	purpose := account.PurposeLogin
	if out != nil {
		purpose = out.Purpose
	}
	if err != nil {
		s.ssoFail(w, r, purpose, err)
		return
	}
	switch out.Purpose {
	case account.PurposeLink:
		if u := httpx.User(r); u == nil || out.Identity.Provider == "" {
			s.ssoFail(w, r, purpose, errs.E(errs.Unauthorized, "sso.error.state"))
			return
		}
		s.redirect(w, r, "/profile/security", "sso.flash.linked")
	case account.PurposeInvite, account.PurposeJoin:
		s.ssoEnrol(w, r, out)
	default:
		s.ssoSignedIn(w, r, out, out.Next)
	}
}

// ssoSignedIn opens the session, or sends a person with two-factor login
// to the code form.
func (s *Server) ssoSignedIn(w http.ResponseWriter, r *http.Request, out *account.OIDCOutcome, next string) {
	if out.Challenge != "" {
		s.beginTwoFactor(w, r, out.Challenge, next)
		return
	}
	s.startSession(w, r, out.Session)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// ssoEnrol finishes an invitation or a join link that went through a
// provider. A person who has an account is signed in and enrolled with it
// (or sent to the code form first, and back to the invitation); one who has
// none gets an account made from what the provider vouched for: for an
// invitation when the address is the invited one, for a join link when the
// provider may make accounts for that address.
func (s *Server) ssoEnrol(w http.ResponseWriter, r *http.Request, out *account.OIDCOutcome) {
	ctx := r.Context()
	back := "/invite/" + out.Token
	if out.Purpose == account.PurposeJoin {
		back = "/join/" + out.Token
	}
	if out.User != nil && out.Challenge != "" {
		s.beginTwoFactor(w, r, out.Challenge, back)
		return
	}
	a := program.Acceptance{Role: out.Role}
	actor := out.User
	if actor == nil {
		p, err := s.Accounts.Provider(ctx, out.Identity.Provider)
		if err != nil {
			s.ssoFail(w, r, out.Purpose, err)
			return
		}
		id := out.Identity
		if !id.EmailVerified || id.Email == "" {
			s.ssoFail(w, r, out.Purpose, errs.E(errs.Unauthorized, "sso.error.email_unverified"))
			return
		}
		if out.Purpose == account.PurposeJoin && !p.MayCreate(&id) {
			s.ssoFail(w, r, out.Purpose, errs.E(errs.Forbidden, "sso.error.no_account"))
			return
		}
		a.SSO = &id
	}
	var res *program.Accepted
	var err error
	if out.Purpose == account.PurposeJoin {
		res, err = s.Programs.Join(ctx, actor, out.Token, a)
	} else {
		res, err = s.Programs.AcceptInvitation(ctx, actor, out.Token, a)
	}
	if actor != nil {
		// Signed in either way: a refused enrolment (a role not chosen, an
		// invitation for someone else) is shown on the invitation's page.
		s.startSession(w, r, out.Session)
		if err != nil {
			if e, ok := errs.As(err); ok && e.Kind != errs.Internal {
				s.setCookie(w, r, flashCookie, e.Key, time.Minute)
				http.Redirect(w, r, back, http.StatusSeeOther)
				return
			}
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, programPath(res.ProgramID)+"/profile", "enrol.accepted")
		return
	}
	if err != nil {
		s.ssoFail(w, r, out.Purpose, err)
		return
	}
	s.startSession(w, r, res.Session)
	if lang := res.User.Language; i18n.Supported(lang) {
		s.setCookie(w, r, langCookie, lang, 365*24*time.Hour)
	}
	s.redirect(w, r, programPath(res.ProgramID)+"/profile", "enrol.accepted")
}

// ssoFail shows what went wrong where the person started: the login page,
// or the security page when they were linking a provider. Nothing was
// changed; the status says what kind of failure it was.
func (s *Server) ssoFail(w http.ResponseWriter, r *http.Request, purpose string, err error) {
	e, ok := errs.As(err)
	if !ok || e.Kind == errs.Internal {
		s.fail(w, r, err)
		return
	}
	if e.Err != nil {
		s.Log.Info("sso refused", "request_id", httpx.RequestID(r), "key", e.Key, "err", e.Err)
	}
	code := httpx.Status(e.Kind)
	if e.Kind == errs.NotFound && e.Key == "sso.error.no_account" {
		code = http.StatusForbidden
	}
	if purpose == account.PurposeLink && httpx.User(r) != nil {
		d, derr := s.securityData(r, nil)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		p := s.newPage(w, r, d)
		p.Error = p.L.Msg(e.Key, e.Args)
		s.renderPage(w, r, code, "security_settings", p)
		return
	}
	d, derr := s.loginData(r, "/")
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	p := s.newPage(w, r, d)
	p.Error = p.L.Msg(e.Key, e.Args)
	s.renderPage(w, r, code, "login", p)
}

func (s *Server) ssoUnlink(w http.ResponseWriter, r *http.Request) {
	if err := s.Accounts.UnlinkIdentity(r.Context(), httpx.User(r).ID, r.PathValue("provider")); err != nil {
		s.ssoFail(w, r, account.PurposeLink, err)
		return
	}
	s.redirect(w, r, "/profile/security", "sso.flash.unlinked")
}

func (s *Server) ssoOnly(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	session := httpx.Session(r)
	on := r.PostForm.Get("sso_only") == "1"
	if err := s.Accounts.SetSSOOnly(r.Context(), httpx.User(r).ID, session, on); err != nil {
		s.ssoFail(w, r, account.PurposeLink, err)
		return
	}
	flash := "sso.flash.only_off"
	if on {
		flash = "sso.flash.only_on"
	}
	s.redirect(w, r, "/profile/security", flash)
}

// --- administration ---

type adminSSOData struct {
	Providers []account.OIDCProvider
	Callback  string // the redirect address to register, up to the provider's name (the page adds "NAME/callback")
	Edit      string // the provider whose form is open
}

func (s *Server) adminSSOData(r *http.Request) (adminSSOData, error) {
	ps, err := s.Accounts.AllProviders(r.Context())
	return adminSSOData{Providers: ps, Callback: strings.TrimSuffix(s.ssoRedirectURL(""), "/callback")}, err
}

func (s *Server) adminSSO(w http.ResponseWriter, r *http.Request) {
	if !httpx.User(r).IsAdmin() {
		s.fail(w, r, errs.E(errs.Forbidden, "error.forbidden"))
		return
	}
	d, err := s.adminSSOData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_sso", d)
}

func (s *Server) adminSSOSave(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := r.PostForm
	p := account.OIDCProvider{Name: f.Get("name"), Label: f.Get("label"), Issuer: f.Get("issuer"),
		ClientID: f.Get("client_id"), Scopes: strings.Fields(f.Get("scopes")), LogoURL: f.Get("logo_url"),
		AllowCreate: f.Get("allow_create") == "1", TrustEmail: f.Get("trust_email") == "1",
		Domains: strings.FieldsFunc(f.Get("domains"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })}
	if err := s.Accounts.SaveProvider(r.Context(), httpx.User(r), p); err != nil {
		if errs.KindOf(err) == errs.Forbidden {
			s.fail(w, r, err)
			return
		}
		d, derr := s.adminSSOData(r)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.renderForm(w, r, "admin_sso", d, err)
		return
	}
	s.redirect(w, r, "/admin/sso", "sso.admin.saved")
}

func (s *Server) adminSSODelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Accounts.DeleteProvider(r.Context(), httpx.User(r), r.PathValue("provider")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/sso", "sso.admin.deleted")
}
