package api

import (
	"net/http"
	"time"

	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
)

func (s *API) apiEvaluationTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/due", Handler: s.apiPairDue(false)},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/due/upcoming", Handler: s.apiPairDue(true)},
		{Method: "GET", Pattern: "/api/v1/pairs/{pairID}/chemistry", Handler: s.apiGetChemistry},
		{Method: "PUT", Pattern: "/api/v1/pairs/{pairID}/chemistry", Handler: s.apiPutChemistry},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/chemistry", Handler: s.apiChemistryOverview},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/chemistry/{pairID}/rematch", Handler: s.apiChemistryRematch},
	}
}

type apiDue struct {
	Kind    string    `json:"kind"`
	DueAt   time.Time `json:"due_at"`
	OpensAt time.Time `json:"opens_at"`
	Overdue bool      `json:"overdue"`
	Path    string    `json:"path"`     // the page
	APIPath string    `json:"api_path"` // the same check point in the API
	With    []string  `json:"with"`
}

func toAPIDue(ds []evaluation.Due) []apiDue {
	out := make([]apiDue, 0, len(ds))
	for _, d := range ds {
		with := d.With
		if with == nil {
			with = []string{}
		}
		out = append(out, apiDue{Kind: d.Kind, DueAt: d.DueAt.UTC(), OpensAt: d.OpensAt.UTC(), Overdue: d.Overdue,
			Path: d.Path(), APIPath: httpx.Prefix + d.Path(), With: with})
	}
	return out
}

// apiPairDue lists what waits for the caller's answer now or, for
// upcoming, what is scheduled but not open yet.
func (s *API) apiPairDue(upcoming bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.PathID(r, "pairID")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c, err := s.Evals.Due(r.Context(), httpx.User(r), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		list := c.Waiting
		if upcoming {
			list = c.Upcoming
		}
		httpx.WritePage(w, r, s.fail, toAPIDue(list))
	}
}

type apiChemistryAnswer struct {
	Answer    string    `json:"answer"`
	Comment   string    `json:"comment"`
	UpdatedAt time.Time `json:"updated_at"`
}

// apiChemistry is a member's own view: never the other side's answer.
type apiChemistry struct {
	Open         bool                `json:"open"`
	FirstMeeting *time.Time          `json:"first_meeting_at"`
	DueAt        *time.Time          `json:"due_at"`
	Answer       *apiChemistryAnswer `json:"answer"`
}

func toAPIChemistry(c *evaluation.Chemistry) apiChemistry {
	out := apiChemistry{Open: c.Open(), FirstMeeting: apiUTC(c.FirstMeeting)}
	if !c.DueAt.IsZero() {
		out.DueAt = apiUTC(&c.DueAt)
	}
	if c.Mine != nil {
		out.Answer = &apiChemistryAnswer{Answer: c.Mine.Answer, Comment: c.Mine.Comment, UpdatedAt: c.Mine.UpdatedAt.UTC()}
	}
	return out
}

func (s *API) apiGetChemistry(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.Evals.Chemistry(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIChemistry(c))
}

type chemistryInput struct {
	Answer  string `json:"answer"`
	Comment string `json:"comment"`
}

func (s *API) apiPutChemistry(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, u := r.Context(), httpx.User(r)
	// Only the pair's members get as far as having their body read.
	if _, err := s.Evals.Chemistry(ctx, u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	var in chemistryInput
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Evals.AnswerChemistry(ctx, u, id, in.Answer, in.Comment); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.Evals.Chemistry(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIChemistry(c))
}

// apiPairChemistry counts a pair's answers for the coordinator without
// saying who gave which.
type apiPairChemistry struct {
	Pair         apiPair   `json:"pair"`
	Yes          int       `json:"yes"`
	Unsure       int       `json:"unsure"`
	No           int       `json:"no"`
	Alert        bool      `json:"alert"`
	Comments     []string  `json:"comments"`
	LastAnswerAt time.Time `json:"last_answer_at"`
}

func (s *API) apiChemistryOverview(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, pairs, err := s.Evals.ChemistryOverview(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiPairChemistry, 0, len(pairs))
	for i := range pairs {
		c := &pairs[i]
		out = append(out, apiPairChemistry{Pair: toAPIPair(&c.Pair), Yes: c.Yes, Unsure: c.Unsure, No: c.No,
			Alert: c.Alert(), Comments: nonNil(c.Comments), LastAnswerAt: c.LastAnswerAt.UTC()})
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiChemistryRematch(w http.ResponseWriter, r *http.Request) {
	s.apiChangePair(w, r, s.Evals.Rematch)
}
