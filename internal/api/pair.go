package api

import (
	"context"
	"net/http"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

// apiPair is a pair with both sides. Only coordinators reach it here, and
// it holds no confidential content of the pair.
type apiPair struct {
	ID        int64           `json:"id"`
	Status    string          `json:"status"`
	CreatedAt time.Time       `json:"created_at"`
	EndedAt   *time.Time      `json:"ended_at"`
	Mentors   []apiPairMember `json:"mentors"`
	Mentees   []apiPairMember `json:"mentees"`
}

type apiPairMember struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

// apiPerson names someone without their address: who saved, wrote or
// answered something.
type apiPerson struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

func toAPIPair(p *program.Pair) apiPair {
	members := func(ms []program.PairMember) []apiPairMember {
		out := make([]apiPairMember, 0, len(ms))
		for _, m := range ms {
			out = append(out, apiPairMember{UserID: m.UserID, Name: m.Name, Email: m.Email})
		}
		return out
	}
	return apiPair{ID: p.ID, Status: p.Status, CreatedAt: p.CreatedAt.UTC(), EndedAt: apiUTC(p.EndedAt),
		Mentors: members(p.Mentors), Mentees: members(p.Mentees)}
}

type pairInput struct {
	MentorUserIDs []int64 `json:"mentor_user_ids"`
	MenteeUserIDs []int64 `json:"mentee_user_ids"`
	Again         bool    `json:"again"` // pair people who were a pair before all the same
}

func (s *API) apiListPairs(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pairs, err := s.Programs.ProgramPairs(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiPair, 0, len(pairs))
	for i := range pairs {
		out = append(out, toAPIPair(&pairs[i]))
	}
	httpx.WritePage(w, r, s.fail, out)
}

func (s *API) apiCreatePair(w http.ResponseWriter, r *http.Request) {
	var in pairInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	create := s.Programs.CreatePair
	if in.Again {
		create = s.Programs.CreatePairAgain
	}
	p, err := create(r.Context(), httpx.User(r), prog.ID, in.MentorUserIDs, in.MenteeUserIDs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, toAPIPair(p))
}

type apiEndPairInput struct {
	ReturnMentees bool `json:"return_mentees"`
}

func (s *API) apiEndPair(w http.ResponseWriter, r *http.Request) {
	// The body is optional and read only once the caller is known to run
	// the program.
	if _, ok := s.coordinatorInput(w, r, nil); !ok {
		return
	}
	var in apiEndPairInput
	if err := endingOptionalJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	end := s.Programs.EndPair
	if in.ReturnMentees {
		end = s.Programs.EndPairReturning
	}
	s.apiChangePair(w, r, end)
}

// apiChangePair runs a coordinator's change to a pair of the program in the
// path and answers with the pair as the change left it.
func (s *API) apiChangePair(w http.ResponseWriter, r *http.Request, change func(ctx context.Context, actor *account.User, programID, pairID int64) error) {
	id, pairID, err := httpx.PathIDs(r, "id", "pairID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := change(r.Context(), httpx.User(r), id, pairID); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := program.GetPair(r.Context(), s.DB, pairID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIPair(p))
}
