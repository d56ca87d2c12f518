package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
)

// passkeyCookie carries a WebAuthn ceremony between its two requests; it
// names a server-side row, so it is worthless on its own.
const passkeyCookie = "mentorskap_webauthn"

// Passkeys. Registering and signing in are WebAuthn ceremonies between the
// browser's authenticator and this site's origin, which an API client
// cannot take part in; removing one is a form on the security page.
func (s *Server) passkeyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /profile/security/passkeys/options", s.requireUser(s.passkeyRegisterOptions))
	mux.HandleFunc("POST /profile/security/passkeys", s.requireUser(s.passkeyRegister))
	mux.HandleFunc("POST /profile/security/passkeys/{id}/remove", s.requireUser(s.confirmFirst("passkey_remove", s.mayRemovePasskey, s.passkeyRemove)))
	mux.HandleFunc("POST /login/passkey/options", s.passkeyLoginOptions)
	mux.HandleFunc("POST /login/passkey", s.passkeyLogin)
	mux.HandleFunc("POST /login/code/passkey/options", s.passkeyFactorOptions)
	mux.HandleFunc("POST /login/code/passkey", s.passkeyFactor)
}

// twoFactorChallenge is the pending login the browser holds, or "".
func twoFactorChallenge(r *http.Request) string {
	if c, err := r.Cookie(twoFactorCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) passkeyFactorOptions(w http.ResponseWriter, r *http.Request) {
	opts, token, err := s.Accounts.BeginPasskeyFactor(r.Context(), twoFactorChallenge(r))
	if err == nil {
		s.setCookie(w, r, passkeyCookie, token, account.CeremonyTTL)
	}
	s.passkeyJSON(w, r, err, json.RawMessage(opts))
}

func (s *Server) passkeyFactor(w http.ResponseWriter, r *http.Request) {
	b, ceremony, err := s.readPasskeyBody(r)
	var session string
	if err == nil {
		s.clearCookie(w, r, passkeyCookie)
		session, err = s.Accounts.FinishPasskeyFactor(r.Context(), twoFactorChallenge(r), ceremony, b.Credential, s.clientIP(r))
	}
	if err == nil {
		s.clearCookie(w, r, twoFactorCookie)
		s.startSession(w, r, session)
	}
	s.passkeyJSON(w, r, err, map[string]string{"redirect": safeNext(b.Next)})
}

// passkeyJSON answers the page's script: the options for the browser, or
// where to go next, or a translated message to show.
func (s *Server) passkeyJSON(w http.ResponseWriter, r *http.Request, err error, body any) {
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		e, ok := errs.As(err)
		if !ok || e.Kind == errs.Internal {
			s.Log.Error("passkey", "request_id", httpx.RequestID(r), "err", err)
			httpx.WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": s.locale(r).T("passkey.error.refused")})
			return
		}
		if e.Err != nil {
			s.Log.Info("passkey refused", "request_id", httpx.RequestID(r), "key", e.Key, "err", e.Err)
		}
		msg := s.locale(r).Msg(e.Key, e.Args)
		for _, f := range e.Fields {
			msg = s.locale(r).Msg(f.Key, f.Args)
		}
		httpx.SetRetryAfter(w, err)
		httpx.WriteJSON(w, httpx.Status(e.Kind), map[string]string{"error": msg})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, body)
}

func (s *Server) passkeyRegisterOptions(w http.ResponseWriter, r *http.Request) {
	opts, token, err := s.Accounts.BeginPasskeyRegistration(r.Context(), httpx.User(r).ID)
	if err == nil {
		s.setCookie(w, r, passkeyCookie, token, account.CeremonyTTL)
	}
	s.passkeyJSON(w, r, err, json.RawMessage(opts))
}

// passkeyBody is what the page's script posts: the authenticator's answer
// as the WebAuthn JSON encoding, and the name or return path.
type passkeyBody struct {
	Name       string          `json:"name"`
	Next       string          `json:"next"`
	Credential json.RawMessage `json:"credential"`
}

func (s *Server) readPasskeyBody(r *http.Request) (passkeyBody, string, error) {
	var b passkeyBody
	ceremony := ""
	if c, err := r.Cookie(passkeyCookie); err == nil {
		ceremony = c.Value
	}
	raw, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(raw, &b)
	}
	if err != nil || len(b.Credential) == 0 {
		return b, ceremony, errs.E(errs.Invalid, "passkey.error.refused")
	}
	return b, ceremony, nil
}

func (s *Server) passkeyRegister(w http.ResponseWriter, r *http.Request) {
	b, ceremony, err := s.readPasskeyBody(r)
	if err == nil {
		s.clearCookie(w, r, passkeyCookie)
		err = s.Accounts.FinishPasskeyRegistration(r.Context(), httpx.User(r).ID, ceremony, cleanText(b.Name), b.Credential)
	}
	if err == nil {
		s.setCookie(w, r, flashCookie, "passkey.flash.added", time.Minute)
	}
	s.passkeyJSON(w, r, err, map[string]string{"redirect": "/profile/security"})
}

func (s *Server) passkeyRemove(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	if err := s.Accounts.RemovePasskey(r.Context(), httpx.User(r).ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile/security", "passkey.flash.removed")
}

func (s *Server) passkeyLoginOptions(w http.ResponseWriter, r *http.Request) {
	opts, token, err := s.Accounts.BeginPasskeyLogin(r.Context())
	if err == nil {
		s.setCookie(w, r, passkeyCookie, token, account.CeremonyTTL)
	}
	s.passkeyJSON(w, r, err, json.RawMessage(opts))
}

func (s *Server) passkeyLogin(w http.ResponseWriter, r *http.Request) {
	b, ceremony, err := s.readPasskeyBody(r)
	var session string
	if err == nil {
		s.clearCookie(w, r, passkeyCookie)
		_, session, err = s.Accounts.FinishPasskeyLogin(r.Context(), ceremony, b.Credential, s.clientIP(r))
	}
	if err == nil {
		s.startSession(w, r, session)
	}
	s.passkeyJSON(w, r, err, map[string]string{"redirect": safeNext(b.Next)})
}
