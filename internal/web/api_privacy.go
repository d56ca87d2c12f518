package web

import (
	"net/http"
	"time"

	"mentorskap/internal/privacy"
)

func (s *Server) apiPrivacyTable() []apiRoute {
	return []apiRoute{
		{Method: "GET", Pattern: "/api/v1/me/export", Handler: s.writeExport},
		{Method: "DELETE", Pattern: "/api/v1/me", Handler: s.apiDeleteMe},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/retention", Handler: s.apiGetRetention},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/retention", Handler: s.apiPutRetention},
	}
}

type apiDeleteMeInput struct {
	Password string `json:"password"`
}

func (s *Server) apiDeleteMe(w http.ResponseWriter, r *http.Request) {
	var in apiDeleteMeInput
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := privacy.DeleteAccount(r.Context(), s.DB, s.Outbox, s.Clock.Now(), user(r), in.Password); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiRetention is a program's retention rule.
type apiRetention struct {
	ProgramID int64      `json:"program_id"`
	Months    int        `json:"months"`
	PurgeAt   *string    `json:"purge_at"`
	PurgedAt  *time.Time `json:"purged_at"`
}

func (s *Server) writeRetention(w http.ResponseWriter, r *http.Request, id int64) {
	ret, err := privacy.GetRetention(r.Context(), s.DB, user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiRetention{ProgramID: ret.Program.ID, Months: ret.Months, PurgedAt: ret.PurgedAt}
	if ret.PurgeAt != nil {
		d := ret.PurgeAt.Format("2006-01-02")
		out.PurgeAt = &d
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGetRetention(w http.ResponseWriter, r *http.Request) {
	id, err := programPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeRetention(w, r, id)
}

type apiRetentionInput struct {
	Months int `json:"months"`
}

func (s *Server) apiPutRetention(w http.ResponseWriter, r *http.Request) {
	var in apiRetentionInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	if err := privacy.SetRetention(r.Context(), s.DB, user(r), prog.ID, in.Months); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeRetention(w, r, prog.ID)
}
