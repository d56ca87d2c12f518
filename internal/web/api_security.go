package web

import (
	"net/http"

	"mentorskap/internal/account"
)

func (s *Server) apiSecurityTable() []apiRoute {
	return []apiRoute{
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

func (s *Server) apiTwoFactorStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.Accounts.TOTPStatus(r.Context(), user(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiTwoFactor{Enabled: st.Enabled, Pending: st.PendingSecret != "", RecoveryCodesLeft: st.RecoveryLeft})
}

func (s *Server) apiTwoFactorBegin(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	secret, err := s.Accounts.BeginTOTP(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]string{"secret": secret, "uri": account.TOTPURI(secret, u.Email)})
}

type twoFactorCode struct {
	Code     string `json:"code"`
	Password string `json:"password"`
}

func (s *Server) apiTwoFactorConfirm(w http.ResponseWriter, r *http.Request) {
	var in twoFactorCode
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	codes, err := s.Accounts.ConfirmTOTP(r.Context(), user(r).ID, in.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string][]string{"recovery_codes": codes})
}

func (s *Server) apiTwoFactorDisable(w http.ResponseWriter, r *http.Request) {
	var in twoFactorCode
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Accounts.DisableTOTP(r.Context(), user(r).ID, in.Password, in.Code); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
