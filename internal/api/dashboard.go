package api

import (
	"net/http"
	"time"

	"mentorskap/internal/dashboard"
	"mentorskap/internal/httpx"
)

func (s *API) apiDashboardTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/dashboard", Handler: s.apiDashboard},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/nudges", Handler: s.apiNudge},
	}
}

type apiHealthSignal struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Reason   string `json:"reason"`
}

// apiDashboardPair is one pair's row: names, states and dates only.
type apiDashboardPair struct {
	PairID       int64             `json:"pair_id"`
	Status       string            `json:"status"`
	Mentors      []string          `json:"mentors"`
	Mentees      []string          `json:"mentees"`
	Agreement    string            `json:"agreement"`
	SignedAt     *time.Time        `json:"signed_at"`
	MeetingsHeld int               `json:"meetings_held"`
	LastMeeting  *time.Time        `json:"last_meeting_at"`
	NextMeeting  *time.Time        `json:"next_meeting_at"`
	Health       string            `json:"health"`
	Signals      []apiHealthSignal `json:"signals"`
}

type apiDashboard struct {
	Items    []apiDashboardPair `json:"items"`
	Total    int                `json:"total"`
	Page     int                `json:"page"`
	Pages    int                `json:"pages"`
	PerPage  int                `json:"per_page"`
	Counts   map[string]int     `json:"counts"`
	AllPairs int                `json:"all_pairs"`
}

func (s *API) apiDashboard(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := dashboard.FilterFromQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := dashboard.ForCoordinator(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locale(r)
	out := apiDashboard{Items: make([]apiDashboardPair, 0, len(res.Rows)), Total: res.Total, Page: res.Page,
		Pages: res.Pages, PerPage: dashboard.PerPage, Counts: res.Counts, AllPairs: res.AllPairs}
	for _, row := range res.Rows {
		p := apiDashboardPair{PairID: row.PairID, Status: row.Status, Mentors: nonNil(row.Mentors), Mentees: nonNil(row.Mentees),
			Agreement: row.AgreementState, SignedAt: apiUTC(row.Facts.Signed), MeetingsHeld: row.Facts.MeetingsHeld,
			LastMeeting: apiUTC(row.Facts.LastMeeting), NextMeeting: apiUTC(row.Facts.NextMeeting),
			Health: row.Health.Severity.String(), Signals: []apiHealthSignal{}}
		for _, sig := range row.Health.Signals {
			p.Signals = append(p.Signals, apiHealthSignal{Code: sig.Code, Severity: sig.Severity.String(), Reason: l.Msg(sig.Key, sig.Args)})
		}
		out.Items = append(out.Items, p)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type apiNudgeInput struct {
	PairIDs []int64 `json:"pair_ids"`
	Kind    string  `json:"kind"`
}

type apiNudgeResult struct {
	Sent    []int64 `json:"sent"`
	Skipped []int64 `json:"skipped"`
}

// apiNudge is the dashboard's nudge (dashboardNudge) for scripts.
func (s *API) apiNudge(w http.ResponseWriter, r *http.Request) {
	var in apiNudgeInput
	p, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	res, err := s.Meetings.Nudge(r.Context(), httpx.User(r), p.ID, in.PairIDs, in.Kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiNudgeResult{Sent: res.Sent, Skipped: res.Skipped}
	if out.Skipped == nil {
		out.Skipped = []int64{}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
