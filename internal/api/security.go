package api

import (
	"net/http"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
)

func (s *API) apiSecurityTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/me/two-factor", Handler: s.apiTwoFactorStatus},
		{Method: "POST", Pattern: "/api/v1/me/two-factor", Handler: s.apiTwoFactorBegin},
		{Method: "POST", Pattern: "/api/v1/me/two-factor/confirm", Handler: s.apiTwoFactorConfirm},
		{Method: "POST", Pattern: "/api/v1/me/two-factor/disable", Handler: s.apiTwoFactorDisable},
	}
}

type apiTwoFactor struct {
	Enabled           bool `json:"enabled"`
	Pending           bool `json:"pending"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
}

func (s *API) apiTwoFactorStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.Accounts.TOTPStatus(r.Context(), httpx.User(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, apiTwoFactor{Enabled: st.Enabled, Pending: st.PendingSecret != "", RecoveryCodesLeft: st.RecoveryLeft})
}

func (s *API) apiTwoFactorBegin(w http.ResponseWriter, r *http.Request) {
	u := httpx.User(r)
	secret, err := s.Accounts.BeginTOTP(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusCreated, map[string]string{"secret": secret, "uri": account.TOTPURI(secret, u.Email)})
}

type twoFactorCode struct {
	Code     string `json:"code"`
	Password string `json:"password"`
}

func (s *API) apiTwoFactorConfirm(w http.ResponseWriter, r *http.Request) {
	var in twoFactorCode
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	codes, err := s.Accounts.ConfirmTOTP(r.Context(), httpx.User(r).ID, in.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, map[string][]string{"recovery_codes": codes})
}

func (s *API) apiTwoFactorDisable(w http.ResponseWriter, r *http.Request) {
	var in twoFactorCode
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Accounts.DisableTOTP(r.Context(), httpx.User(r).ID, in.Password, in.Code); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
