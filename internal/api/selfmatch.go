package api

import (
	"context"
	"net/http"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/matching"
)

func (s *API) apiSelfMatchTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/suggestions", Handler: s.apiSuggestions},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/match-requests", Handler: s.apiListMatchRequests},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/match-requests", Handler: s.apiCreateMatchRequest},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/match-requests/{requestID}/accept", Handler: s.apiAnswerMatchRequest(matchAccept)},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/match-requests/{requestID}/decline", Handler: s.apiAnswerMatchRequest(matchDecline)},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/match-requests/{requestID}/withdraw", Handler: s.apiAnswerMatchRequest(matchWithdraw)},
	}
}

type apiMatchRequest struct {
	ID         int64      `json:"id"`
	MenteeID   int64      `json:"mentee_user_id"`
	MenteeName string     `json:"mentee_name"`
	MentorID   int64      `json:"mentor_user_id"`
	MentorName string     `json:"mentor_name"`
	Note       string     `json:"note"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	DecidedAt  *time.Time `json:"decided_at"`
	PairID     *int64     `json:"pair_id"`
}

func toAPIMatchRequest(r *matching.Request) apiMatchRequest {
	return apiMatchRequest{ID: r.ID, MenteeID: r.MenteeID, MenteeName: r.MenteeName, MentorID: r.MentorID,
		MentorName: r.MentorName, Note: r.Note, Status: r.Status, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), DecidedAt: apiUTC(r.DecidedAt), PairID: r.PairID}
}

func toAPIMatchRequests(rs []matching.Request) []apiMatchRequest {
	out := make([]apiMatchRequest, 0, len(rs))
	for i := range rs {
		out = append(out, toAPIMatchRequest(&rs[i]))
	}
	return out
}

type apiSuggestion struct {
	MentorID     int64    `json:"mentor_user_id"`
	Name         string   `json:"name"`
	Score        int64    `json:"score"`
	Percent      int      `json:"percent"`
	Reasons      []string `json:"reasons"`
	Places       int      `json:"places"`
	Field        string   `json:"field"`
	Languages    []string `json:"languages"`
	Location     string   `json:"location"`
	Organisation string   `json:"organisation"`
	Skills       string   `json:"skills"`
	About        string   `json:"about"`
}

type apiSelfMatch struct {
	SelfMatch   bool              `json:"self_match"`
	RequestDays int               `json:"request_days"`
	Status      string            `json:"participant_status"`
	Paired      bool              `json:"paired"`
	LeftOut     bool              `json:"left_out"`
	CanRequest  bool              `json:"can_request"`
	OpenRequest *apiMatchRequest  `json:"open_request"`
	Suggestions []apiSuggestion   `json:"suggestions"`
	Requests    []apiMatchRequest `json:"requests"`
}

func (s *API) apiSuggestions(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.Matching.SelfMatchFor(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locale(r)
	out := apiSelfMatch{SelfMatch: v.Settings.SelfMatch, RequestDays: v.Settings.RequestDays, Status: v.Me.Status,
		Paired: v.Paired, LeftOut: v.Left != nil, CanRequest: v.CanRequest(), Suggestions: []apiSuggestion{}, Requests: toAPIMatchRequests(v.History)}
	if v.Open != nil {
		o := toAPIMatchRequest(v.Open)
		out.OpenRequest = &o
	}
	for _, sg := range v.Suggestions {
		m := sg.Mentor
		reasons := make([]string, 0, len(sg.Reasons))
		for _, rs := range sg.Reasons {
			reasons = append(reasons, rs.Localize(l))
		}
		out.Suggestions = append(out.Suggestions, apiSuggestion{MentorID: m.UserID, Name: m.Name, Score: sg.Score, Percent: sg.Percent,
			Reasons: reasons, Places: sg.Places, Field: m.Field, Languages: nonNil(m.Languages), Location: m.Location,
			Organisation: m.Organisation, Skills: m.Skills, About: m.About})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (s *API) apiListMatchRequests(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rs, err := s.Matching.MyRequests(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WritePage(w, r, s.fail, toAPIMatchRequests(rs))
}

type matchRequestInput struct {
	MentorID int64  `json:"mentor_user_id"`
	Note     string `json:"note"`
}

func (s *API) apiCreateMatchRequest(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Who may ask is settled before the body is read, so a stranger
	// learns nothing from how their input is judged.
	if err := s.Matching.RequireMentee(r.Context(), httpx.User(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var in matchRequestInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	req, err := s.Matching.RequestMentor(r.Context(), httpx.User(r), id, in.MentorID, in.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, toAPIMatchRequest(req))
}

func (s *API) apiAnswerMatchRequest(a matchAnswer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, rid, err := httpx.PathIDs(r, "id", "requestID")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		req, err := a.do(r.Context(), s.Matching, httpx.User(r), id, rid)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, toAPIMatchRequest(req))
	}
}

// What a person does with a request: the mentor accepts or declines it,
// the mentee who sent it withdraws it.
type matchAnswer int

const (
	matchAccept matchAnswer = iota
	matchDecline
	matchWithdraw
)

// do runs the answer through the domain, which decides who may.
func (a matchAnswer) do(ctx context.Context, m *matching.Service, u *account.User, programID, requestID int64) (*matching.Request, error) {
	switch a {
	case matchAccept:
		return m.AcceptRequest(ctx, u, programID, requestID)
	case matchDecline:
		return m.DeclineRequest(ctx, u, programID, requestID)
	}
	return m.WithdrawRequest(ctx, u, programID, requestID)
}
