package api

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/httpx"
	"mentorskap/internal/privacy"
)

func (s *API) apiPrivacyTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/me/export", Handler: s.writeExport},
		{Method: "DELETE", Pattern: "/api/v1/me", Handler: s.apiDeleteMe},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/retention", Handler: s.apiGetRetention},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/retention", Handler: s.apiPutRetention},
	}
}

type apiDeleteMeInput struct {
	Password string `json:"password"`
}

func (s *API) apiDeleteMe(w http.ResponseWriter, r *http.Request) {
	var in apiDeleteMeInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := privacy.DeleteAccount(r.Context(), s.DB, s.Outbox, s.Clock.Now(), httpx.User(r), in.Password); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiRetention is a program's retention rule.
type apiRetention struct {
	ProgramID int64      `json:"program_id"`
	Months    int        `json:"months"`
	PurgeAt   *string    `json:"purge_on"`
	PurgedAt  *time.Time `json:"purged_at"`
}

func (s *API) writeRetention(w http.ResponseWriter, r *http.Request, id int64) {
	ret, err := privacy.GetRetention(r.Context(), s.DB, httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiRetention{ProgramID: ret.Program.ID, Months: ret.Months, PurgedAt: ret.PurgedAt}
	if ret.PurgeAt != nil {
		d := ret.PurgeAt.Format("2006-01-02")
		out.PurgeAt = &d
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (s *API) apiGetRetention(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeRetention(w, r, id)
}

type apiRetentionInput struct {
	Months int `json:"months"`
}

func (s *API) apiPutRetention(w http.ResponseWriter, r *http.Request) {
	var in apiRetentionInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	if err := privacy.SetRetention(r.Context(), s.DB, httpx.User(r), prog.ID, in.Months); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeRetention(w, r, prog.ID)
}

// writeExport sends the ZIP of the caller's data, as the page does. It is
// built in memory first so that a failure half-way gives an error rather
// than a truncated file.
func (s *API) writeExport(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	now := s.Clock.Now()
	if err := privacy.WriteZIP(r.Context(), s.DB, &buf, httpx.User(r), s.locale(r), now); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="mentorskap-data-`+now.UTC().Format("20060102")+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}
