package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
)

var errNotFound = errs.E(errs.NotFound, "error.not_found")

func (s *Server) accountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /setup", s.setupForm)
	mux.HandleFunc("POST /setup", s.setup)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /forgot", s.forgotForm)
	mux.HandleFunc("POST /forgot", s.forgot)
	mux.HandleFunc("GET /reset/{token}", s.resetForm)
	mux.HandleFunc("POST /reset/{token}", s.reset)
	mux.HandleFunc("POST /language", s.switchLanguage)
	mux.HandleFunc("GET /profile", s.requireUser(s.profile))
	mux.HandleFunc("POST /profile", s.requireUser(s.saveProfile))
	mux.HandleFunc("POST /profile/password", s.requireUser(s.changePassword))
	mux.HandleFunc("POST /profile/tokens", s.requireUser(s.createToken))
	mux.HandleFunc("POST /profile/tokens/{id}/revoke", s.requireUser(s.confirmFirst("token_revoke", s.mayRevokeToken, s.revokeToken)))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.DB.Ping(r.Context()); err != nil {
		s.Log.Error("health check", "err", err)
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": string(s.DB.Dialect())})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.DB.Dialect())})
}

// readyz tells a load balancer whether to send this instance traffic:
// not while it is shutting down, nor while its database does not answer or
// lacks migrations its code expects. healthz only says the process is
// alive; a failing readyz takes the instance out of rotation without
// restarting it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	body := map[string]any{"database": string(s.DB.Dialect())}
	unready := func(status string) {
		body["status"] = status
		httpx.WriteJSON(w, http.StatusServiceUnavailable, body)
	}
	if s.draining.Load() {
		unready("shutting down")
		return
	}
	applied, latest, err := s.DB.MigrationState(r.Context())
	if err != nil {
		s.Log.Error("readiness check", "request_id", httpx.RequestID(r), "err", err)
		unready("database unavailable")
		return
	}
	// A newer schema than the code knows is an upgrade rolling through:
	// migrations only add, so the older instances keep serving meanwhile.
	// The versions go to the log, not to whoever asks.
	if applied < latest {
		s.Log.Warn("readiness: migrations pending", "schema_version", applied, "code_schema_version", latest)
		unready("migrations pending")
		return
	}
	body["status"] = "ready"
	httpx.WriteJSON(w, http.StatusOK, body)
}

// Drain makes /readyz answer 503 from now on, so that load balancers stop
// sending requests before the server shuts down; everything else is still
// served meanwhile.
func (s *Server) Drain() { s.draining.Store(true) }

// startSession sets the session cookie after a successful login. It lives
// as long as a session may; the server ends idle sessions sooner.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, token string) {
	_, lifetime := s.Accounts.SessionLimits()
	s.setCookie(w, r, s.sessionCookie(r), token, lifetime)
}

// sessionCookie names the session cookie. Over HTTPS it carries the
// __Host- prefix, with which browsers accept it only when Secure, for
// Path=/ and without Domain: a neighbouring subdomain, or a page over plain
// HTTP, cannot plant a session of its choosing (session fixation) or
// overwrite ours.
func (s *Server) sessionCookie(r *http.Request) string {
	if s.secure(r) {
		return "__Host-" + sessionCookie
	}
	return sessionCookie
}

// safeNext is the one judge of every return path the site is handed (after
// logging in, the two-factor code, the language switch): it keeps next only
// when it is a plain path on this site, and answers "/" otherwise. Browsers
// drop tabs and line breaks from a URL and read a backslash as a slash, so
// "/\t/evil.example" or "/\evil.example" would leave the site; a path that
// is only canonical once decoded ("/%2F/evil.example") is refused too.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.IndexFunc(next, unsafePathRune) >= 0 {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		strings.IndexFunc(u.Path, unsafePathRune) >= 0 || !canonicalPath(u.Path) {
		return "/"
	}
	return next
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	need, err := s.Accounts.NeedsSetup(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !need {
		s.fail(w, r, errNotFound)
		return
	}
	s.render(w, r, http.StatusOK, "setup", nil)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	lang := s.locale(r).Lang()
	u, err := s.Accounts.SetupAdmin(r.Context(), account.NewUser{
		Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Password: r.PostForm.Get("password"),
		Language: lang, Timezone: i18n.DetectedZone(r.PostForm.Get("timezone")),
	})
	if err != nil {
		s.renderForm(w, r, "setup", nil, err)
		return
	}
	token, err := s.Accounts.StartSession(r.Context(), u.ID, account.SignIn{Method: account.MethodSetup, IP: s.clientIP(r)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.startSession(w, r, token)
	s.redirect(w, r, "/", "setup.done")
}

type loginData struct {
	Next      string
	Providers []account.OIDCProvider
	Passkeys  bool // offer "Log in with a passkey"
}

func (s *Server) loginData(r *http.Request, next string) (loginData, error) {
	ps, err := s.Accounts.Providers(r.Context())
	return loginData{Next: next, Providers: ps, Passkeys: s.Accounts.WebAuthn != nil}, err
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if need, err := s.Accounts.NeedsSetup(r.Context()); err == nil && need {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	if httpx.User(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	d, err := s.loginData(r, safeNext(r.URL.Query().Get("next")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "login", d)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	next := safeNext(r.PostForm.Get("next"))
	_, token, challenge, err := s.Accounts.BeginLogin(r.Context(), r.PostForm.Get("email"), r.PostForm.Get("password"), s.clientIP(r))
	if err != nil {
		r.PostForm.Del("password")
		if e, ok := errs.As(err); ok && (e.Kind == errs.Unauthorized || e.Kind == errs.TooMany) {
			// Show the login form again, not a redirect to itself.
			e = &errs.Error{Kind: e.Kind, Key: e.Key, Args: e.Args, Fields: map[string]errs.Msg{}}
			d, derr := s.loginData(r, next)
			if derr != nil {
				s.fail(w, r, derr)
				return
			}
			p := s.newPage(w, r, d)
			p.Form = r.PostForm
			p.Error = p.L.Msg(e.Key, e.Args)
			code := http.StatusUnauthorized
			if e.Kind == errs.TooMany {
				code = http.StatusTooManyRequests
				httpx.SetRetryAfter(w, err)
			}
			s.renderPage(w, r, code, "login", p)
			return
		}
		s.fail(w, r, err)
		return
	}
	if challenge != "" {
		s.beginTwoFactor(w, r, challenge, next)
		return
	}
	s.startSession(w, r, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.sessionCookie(r)); err == nil {
		if err := s.Accounts.Logout(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w, r, s.sessionCookie(r))
	s.redirect(w, r, "/login", "logout.done")
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "forgot", nil)
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if err := s.Accounts.RequestReset(r.Context(), r.PostForm.Get("email"), s.clientIP(r), s.locale(r).Lang()); err != nil {
		s.renderForm(w, r, "forgot", nil, err)
		return
	}
	s.redirect(w, r, "/login", "forgot.sent")
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	if err := s.Accounts.CheckReset(r.Context(), r.PathValue("token")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reset", nil)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if r.PostForm.Get("password") != r.PostForm.Get("confirm") {
		s.renderForm(w, r, "reset", nil, &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"confirm": {Key: "error.password_mismatch"}}})
		return
	}
	token, err := s.Accounts.ResetPassword(r.Context(), r.PathValue("token"), r.PostForm.Get("password"))
	if err != nil {
		s.renderForm(w, r, "reset", nil, err)
		return
	}
	if token == "" {
		s.redirect(w, r, "/login", "totp.flash.reset_login")
		return
	}
	s.startSession(w, r, token)
	s.redirect(w, r, "/", "reset.done")
}

func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	lang := r.PostForm.Get("lang")
	if !i18n.Supported(lang) {
		s.fail(w, r, errs.E(errs.Invalid, "error.choice_invalid"))
		return
	}
	if u := httpx.User(r); u != nil {
		if err := s.Accounts.SetLanguage(r.Context(), u.ID, lang); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.setCookie(w, r, langCookie, lang, 365*24*time.Hour)
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

type profileData struct {
	Timezones []string
	Tokens    []account.APIToken
	NewToken  string
	HasPhoto  bool // an uploaded photo, not initials
}

// commonTimezones are the zones the profile and meeting forms offer, in a
// searchable list; the same list is the only one accepted.
var commonTimezones = i18n.Zones()

func (s *Server) profileData(r *http.Request, newToken string) (profileData, error) {
	tokens, err := s.Accounts.Tokens(r.Context(), httpx.User(r).ID)
	if err != nil {
		return profileData{}, err
	}
	d := profileData{Timezones: commonTimezones, Tokens: tokens, NewToken: newToken}
	d.HasPhoto, err = account.HasAvatar(r.Context(), s.DB, httpx.User(r).ID)
	return d, err
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	d, err := s.profileData(r, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "profile", d)
}

func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	err := s.Accounts.UpdateProfile(r.Context(), httpx.User(r).ID, account.Profile{
		Name: r.PostForm.Get("name"), Language: r.PostForm.Get("language"), Timezone: r.PostForm.Get("timezone"),
	})
	if err != nil {
		d, derr := s.profileData(r, "")
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.renderForm(w, r, "profile", d, err)
		return
	}
	if lang := r.PostForm.Get("language"); lang != "" {
		s.setCookie(w, r, langCookie, lang, 365*24*time.Hour)
	}
	s.redirect(w, r, "/profile", "profile.saved")
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	session := httpx.Session(r)
	err := s.Accounts.ChangePassword(r.Context(), httpx.User(r).ID, session, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
	if err != nil {
		d, derr := s.profileData(r, "")
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		r.PostForm.Del("current_password")
		r.PostForm.Del("new_password")
		s.renderForm(w, r, "profile", d, err)
		return
	}
	s.redirect(w, r, "/profile", "profile.password_changed")
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	token, err := s.Accounts.IssueToken(r.Context(), httpx.User(r).ID, r.PostForm.Get("token_name"))
	d, derr := s.profileData(r, token)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	if err != nil {
		s.renderForm(w, r, "profile", d, err)
		return
	}
	// The secret is shown once, on this response, and never stored in clear;
	// so this POST renders instead of redirecting.
	s.render(w, r, http.StatusOK, "profile", d)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	if err := s.Accounts.RevokeToken(r.Context(), httpx.User(r).ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "profile.token_revoked")
}
