package api

import (
	"mentorskap/internal/httpx"
	"net/http"
	"time"

	"mentorskap/internal/outcome"
)

// The outcome follow-up in the API: a participant lists and answers their
// own questionnaires; a program's coordinators read the counts and turn
// the follow-up on or off.
func (s *API) apiOutcomeTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/me/outcomes", Handler: s.apiMyOutcomes},
		{Method: "GET", Pattern: "/api/v1/outcomes/{outcomeID}", Handler: s.apiGetOutcome},
		{Method: "POST", Pattern: "/api/v1/outcomes/{outcomeID}/answer", Handler: s.apiAnswerOutcome},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/outcomes", Handler: s.apiOutcomeResults},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/outcomes/settings", Handler: s.apiOutcomeSettings},
	}
}

// apiOutcomeSurvey is one questionnaire as its recipient sees it. The
// answer's fields are null until it is answered.
type apiOutcomeSurvey struct {
	ID          int64      `json:"id"`
	ProgramID   int64      `json:"program_id"`
	ProgramName string     `json:"program_name"`
	Months      int        `json:"months"`
	SentAt      time.Time  `json:"sent_at"`
	ClosesAt    time.Time  `json:"closes_at"`
	Open        bool       `json:"open"`
	AnsweredAt  *time.Time `json:"answered_at"`
	Status      *string    `json:"status"`
	Helped      *int       `json:"helped"`
	Comment     *string    `json:"comment"`
}

func toAPIOutcome(v outcome.Survey, now time.Time) apiOutcomeSurvey {
	out := apiOutcomeSurvey{ID: v.ID, ProgramID: v.ProgramID, ProgramName: v.ProgramName, Months: v.Round,
		SentAt: v.SentAt, ClosesAt: v.ClosesAt, Open: v.Open(now), AnsweredAt: v.AnsweredAt}
	if v.Answered() {
		out.Status, out.Helped, out.Comment = &v.Status, &v.Helped, &v.Comment
	}
	return out
}

func (s *API) apiMyOutcomes(w http.ResponseWriter, r *http.Request) {
	list, err := s.outcomes().Mine(r.Context(), httpx.User(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Clock.Now()
	out := make([]apiOutcomeSurvey, 0, len(list))
	for _, v := range list {
		out = append(out, toAPIOutcome(v, now))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (s *API) apiGetOutcome(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "outcomeID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, _, err := s.outcomes().Get(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIOutcome(*v, s.Clock.Now()))
}

// apiAnswerOutcome answers the caller's own questionnaire, once. Someone
// else's is not found before the body is read.
func (s *API) apiAnswerOutcome(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "outcomeID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	svc := s.outcomes()
	if _, _, err := svc.Get(r.Context(), httpx.User(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var in outcome.Answer
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := svc.Submit(r.Context(), httpx.User(r), id, in); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiGetOutcome(w, r)
}

// apiOutcomeRound is one round's counts; the maps are keyed by answer.
type apiOutcomeRound struct {
	Months   int            `json:"months"`
	Sent     int            `json:"sent"`
	Answered int            `json:"answered"`
	Rate     int            `json:"response_rate"`
	Status   map[string]int `json:"status"`
	Helped   map[string]int `json:"helped"`
}

type apiOutcomeResults struct {
	Settings outcome.Settings  `json:"settings"`
	Rounds   []apiOutcomeRound `json:"rounds"`
	Comments []outcome.Comment `json:"comments"`
}

func (s *API) apiOutcomeResults(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.outcomes().Results(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiOutcomeResults{Settings: res.Settings, Rounds: []apiOutcomeRound{}, Comments: []outcome.Comment{}}
	for _, rd := range res.Rounds {
		a := apiOutcomeRound{Months: rd.Round, Sent: rd.Sent, Answered: rd.Answered, Rate: rd.Rate(),
			Status: map[string]int{}, Helped: map[string]int{}}
		for _, st := range outcome.Statuses {
			a.Status[st] = rd.Status[st]
		}
		for _, n := range outcome.Scale {
			a.Helped[string(rune('0'+n))] = rd.Helped[n]
		}
		out.Rounds = append(out.Rounds, a)
	}
	out.Comments = append(out.Comments, res.Comments...)
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (s *API) apiOutcomeSettings(w http.ResponseWriter, r *http.Request) {
	var in outcome.Settings
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	if err := s.outcomes().SetSettings(r.Context(), httpx.User(r), prog.ID, in); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, in)
}

// outcomes is the outcome questionnaires' service, built from what API
// holds, as the pages build theirs.
func (s *API) outcomes() *outcome.Service {
	return &outcome.Service{DB: s.DB, Clock: s.Clock, Outbox: s.Outbox}
}
