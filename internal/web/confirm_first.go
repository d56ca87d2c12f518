package web

import (
	"net/http"
	"net/url"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/webhook"
)

// Some destructive actions sit as small forms among other things on a page
// (a goal, an API token, a passkey, a webhook endpoint…). Rather than a
// confirmation page of their own for each, confirmFirst stands in front of
// the action: the first POST shows the confirmation page, saying what will
// happen and who is told, and only that page's form, which carries
// confirmed=yes, runs the action. It works without JavaScript, and the
// handler behind it stays as it was.
type confirmText struct{ title, happens, told, submit string } // catalog keys

// confirmTexts are the actions confirmFirst guards, by name.
var confirmTexts = map[string]confirmText{}

func init() {
	for _, name := range []string{"goal_delete", "token_revoke", "calendar_revoke",
		"passkey_remove", "sso_unlink", "sso_provider_delete", "webhook_remove", "photo_delete"} {
		p := "confirmfirst." + name + "."
		confirmTexts[name] = confirmText{p + "title", p + "happens", p + "told", p + "submit"}
	}
}

// confirmFirst runs next only for a POST that the confirmation page sent.
// may refuses, before anything is shown, whoever the action itself would
// refuse, so the page never confirms an action on something the person
// may not touch (or that does not exist); nil for actions on the person's
// own account as a whole.
func (s *Server) confirmFirst(name string, may func(r *http.Request) error, next http.HandlerFunc) http.HandlerFunc {
	text, ok := confirmTexts[name]
	if !ok {
		panic("web: no confirmation texts for " + name)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, errs.E(errs.Invalid, "error.invalid"))
			return
		}
		if r.PostForm.Get("confirmed") == "yes" {
			next(w, r)
			return
		}
		if may != nil {
			if err := may(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		hidden := map[string]string{}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				hidden[k] = v[0]
			}
		}
		hidden["confirmed"] = "yes"
		l := s.locale(r)
		s.showConfirm(w, r, confirmData{
			Title:   l.T(text.title),
			Happens: []string{l.T(text.happens)},
			Told:    []string{l.T(text.told)},
			Action:  r.URL.Path,
			Submit:  l.T(text.submit),
			Back:    cameFrom(r),
			Hidden:  hidden,
		})
	}
}

// cameFrom is the page the form was on, for "keep it": the Referer, which
// the same-origin referrer policy sends, when it names this site; else home.
func cameFrom(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host || u.Path == "" || u.Path[0] != '/' {
		return "/"
	}
	return u.RequestURI()
}

// The checks confirmFirst asks before showing its page.

func (s *Server) mayDeleteGoal(r *http.Request) error {
	pairID, goalID, err := goalIDs(r)
	if err != nil {
		return err
	}
	d, err := s.Goals.Get(r.Context(), httpx.User(r), pairID, goalID)
	if err != nil {
		return err
	}
	if !d.Pair.Has(httpx.User(r).ID) {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	return nil
}

func (s *Server) mayRevokeToken(r *http.Request) error {
	list, err := s.Accounts.Tokens(r.Context(), httpx.User(r).ID)
	return ownsOne(r, "id", err, len(list), func(i int) int64 { return list[i].ID })
}

func (s *Server) mayRemovePasskey(r *http.Request) error {
	list, err := s.Accounts.Passkeys(r.Context(), httpx.User(r).ID)
	return ownsOne(r, "id", err, len(list), func(i int) int64 { return list[i].ID })
}

func (s *Server) mayRemoveWebhook(r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := webhook.Endpoints(r.Context(), s.DB, id)
	return ownsOne(r, "hook", err, len(list), func(i int) int64 { return list[i].ID })
}

func (s *Server) mayUnlinkProvider(r *http.Request) error {
	list, err := s.Accounts.Identities(r.Context(), httpx.User(r).ID)
	if err != nil {
		return err
	}
	for _, l := range list {
		if l.Provider == r.PathValue("provider") {
			return nil
		}
	}
	return errNotFound
}

func (s *Server) mayDeleteProvider(r *http.Request) error {
	if !httpx.User(r).IsAdmin() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	list, err := s.Accounts.Providers(r.Context())
	if err != nil {
		return err
	}
	for _, p := range list {
		if p.Name == r.PathValue("provider") {
			return nil
		}
	}
	return errNotFound
}

// ownsOne is nil when the id in the path is among the person's n things.
func ownsOne(r *http.Request, name string, err error, n int, id func(int) int64) error {
	if err != nil {
		return err
	}
	want, err := httpx.PathID(r, name)
	if err != nil {
		return errNotFound
	}
	for i := range n {
		if id(i) == want {
			return nil
		}
	}
	return errNotFound
}
