package web

import "net/http"

// Email sign-in links. Asking for one and spending one are browser steps
// (a person at a login page, a person following a link from their mailbox)
// with nothing for an API client to do: API clients hold tokens.
func (s *Server) signInLinkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /login/link", s.signInLinkForm)
	mux.HandleFunc("POST /login/link", s.signInLinkRequest)
	mux.HandleFunc("GET /login/link/{token}", s.signInLinkPage)
	mux.HandleFunc("POST /login/link/{token}", s.signInLinkUse)
}

func (s *Server) signInLinkForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signin_link", nil)
}

func (s *Server) signInLinkRequest(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if err := s.Accounts.RequestSignInLink(r.Context(), r.PostForm.Get("email"), s.clientIP(r), s.locale(r).Lang()); err != nil {
		s.renderForm(w, r, "signin_link", nil, err)
		return
	}
	s.redirect(w, r, "/login", "signin.link.sent")
}

// signInLinkPage asks for a press of a button before the link is spent:
// mail filters and link previews open every link in a message, and must
// not use up a single-use link, nor sign anyone in.
func (s *Server) signInLinkPage(w http.ResponseWriter, r *http.Request) {
	if err := s.Accounts.CheckSignInLink(r.Context(), r.PathValue("token")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "signin_link_use", nil)
}

func (s *Server) signInLinkUse(w http.ResponseWriter, r *http.Request) {
	session, challenge, err := s.Accounts.UseSignInLink(r.Context(), r.PathValue("token"), s.clientIP(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if challenge != "" {
		s.beginTwoFactor(w, r, challenge, "/")
		return
	}
	s.startSession(w, r, session)
	s.redirect(w, r, "/", "signin.link.done")
}
