package api

import (
	"net/http"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
)

// apiUser is a person as the API shows them: never the password hash.
type apiUser struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Language string `json:"language"`
	Timezone string `json:"timezone"`
}

func toAPIUser(u *account.User) apiUser {
	return apiUser{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Language: u.Language, Timezone: u.Timezone}
}

// apiToken describes a token without its secret, which is shown only once.
type apiToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Code     string `json:"code"` // when two-factor login is on
	Name     string `json:"name"`
}

// apiCreateToken trades an email and password for a bearer token. Failed
// attempts count against the same throttle as the login form.
func (s *API) apiCreateToken(w http.ResponseWriter, r *http.Request) {
	var in tokenRequest
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	secret, err := s.Accounts.CreateToken(r.Context(), in.Email, in.Password, in.Code, account.ClientIP(r.Context()), in.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]string{"token": secret})
}

func (s *API) apiListTokens(w http.ResponseWriter, r *http.Request) {
	tokens, err := s.Accounts.Tokens(r.Context(), httpx.User(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiToken, 0, len(tokens))
	for _, t := range tokens {
		out = append(out, apiToken{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.UTC(), LastUsedAt: apiUTC(t.LastUsedAt)})
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiRevokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "tokenID")
	if err == nil {
		err = s.Accounts.RevokeToken(r.Context(), httpx.User(r).ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *API) apiMe(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, toAPIUser(httpx.User(r)))
}

// meUpdate is a partial update: fields left out keep their value. A
// language of "" means "follow my browser".
type meUpdate struct {
	Name     *string `json:"name"`
	Language *string `json:"language"`
	Timezone *string `json:"timezone"`
}

func (s *API) apiUpdateMe(w http.ResponseWriter, r *http.Request) {
	u := httpx.User(r)
	var in meUpdate
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p := account.Profile{Name: u.Name, Language: u.Language, Timezone: u.Timezone}
	if in.Name != nil {
		p.Name = *in.Name
	}
	if in.Language != nil {
		p.Language = *in.Language
	}
	if in.Timezone != nil {
		p.Timezone = *in.Timezone
	}
	if err := s.Accounts.UpdateProfile(r.Context(), u.ID, p); err != nil {
		s.fail(w, r, err)
		return
	}
	fresh, err := s.Accounts.ByID(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIUser(fresh))
}

func apiUTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
