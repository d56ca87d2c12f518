package api

import (
	"net/http"
	"time"

	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
)

// The whole-cohort matching proposal in the API: the same review the page
// shows, with every explanation translated for the caller. Each edit
// answers with the review as it is afterwards, so a client never has to
// ask twice.
func (s *API) apiMatchingTable() []httpx.Route {
	base := "/api/v1/programs/{programID}/matching/proposal"
	return []httpx.Route{
		{Method: "GET", Pattern: base, Handler: s.apiMatchingReview},
		{Method: "POST", Pattern: base + "/run", Handler: s.apiMatchingRun},
		{Method: "POST", Pattern: base + "/rows", Handler: s.apiMatchingManual},
		{Method: "DELETE", Pattern: base + "/rows/{menteeUserID}", Handler: s.apiMatchingRemove},
		{Method: "POST", Pattern: base + "/rows/{menteeUserID}/lock", Handler: s.apiMatchingLock(true)},
		{Method: "POST", Pattern: base + "/rows/{menteeUserID}/unlock", Handler: s.apiMatchingLock(false)},
		{Method: "POST", Pattern: base + "/swap", Handler: s.apiMatchingSwap},
		{Method: "POST", Pattern: base + "/publish", Handler: s.apiMatchingPublish},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/participants/{userID}/return", Handler: s.apiReturnToPool},
	}
}

type apiMatchPerson struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
}

type apiMatchProposal struct {
	ID        int64           `json:"id"`
	Version   int             `json:"version"`
	RunAt     time.Time       `json:"run_at"`
	RunBy     *apiMatchPerson `json:"run_by"`
	UpdatedAt time.Time       `json:"updated_at"`
}

type apiMatchAlternative struct {
	Mentor     apiMatchPerson `json:"mentor"`
	Score      int64          `json:"score"`
	Percent    int            `json:"percent"`
	Difference *int64         `json:"difference"`
	HasRoom    bool           `json:"has_room"`
}

type apiMatchPair struct {
	Mentee       apiMatchPerson        `json:"mentee"`
	Mentor       apiMatchPerson        `json:"mentor"`
	Score        int64                 `json:"score"`
	Percent      int                   `json:"percent"`
	Locked       bool                  `json:"locked"`
	Manual       bool                  `json:"manual"`
	Explanation  []string              `json:"explanation"`
	Problem      *string               `json:"problem"`
	Returned     *string               `json:"returned"`
	Alternatives []apiMatchAlternative `json:"alternatives"`
}

type apiMatchUnmatched struct {
	Mentee       apiMatchPerson        `json:"mentee"`
	Reasons      []string              `json:"reasons"`
	Returned     *string               `json:"returned"`
	Alternatives []apiMatchAlternative `json:"alternatives"`
}

// apiMatchLeftOut is a mentee out of the pool since their pair closed.
type apiMatchLeftOut struct {
	Mentee  apiMatchPerson `json:"mentee"`
	PairID  int64          `json:"pair_id"`
	EndedAt time.Time      `json:"ended_at"`
	Reason  string         `json:"reason"`
}

type apiMatchReview struct {
	Proposal        *apiMatchProposal   `json:"proposal"`
	LastPublishedAt *time.Time          `json:"last_published_at"`
	SettingsChanged bool                `json:"settings_changed"`
	Mentees         int                 `json:"mentees"`
	Places          int                 `json:"places"`
	Total           int64               `json:"total"`
	MaxScore        int64               `json:"max_score"`
	AveragePercent  int                 `json:"average_percent"`
	Problems        int                 `json:"problems"`
	Pairs           []apiMatchPair      `json:"pairs"`
	Unmatched       []apiMatchUnmatched `json:"unmatched"`
	LeftOut         []apiMatchLeftOut   `json:"left_out"`
}

func toAPIMatchReview(rv *matching.Review, l *i18n.Locale) apiMatchReview {
	person := func(p matching.Person) apiMatchPerson { return apiMatchPerson{UserID: p.UserID, Name: p.Name} }
	texts := func(rs []matching.Reason) []string {
		out := make([]string, 0, len(rs))
		for _, r := range rs {
			out = append(out, r.Localize(l))
		}
		return out
	}
	alts := func(as []matching.Alternative, withDiff bool) []apiMatchAlternative {
		out := make([]apiMatchAlternative, 0, len(as))
		for _, a := range as {
			x := apiMatchAlternative{Mentor: person(a.Mentor), Score: a.Score, Percent: a.Percent, HasRoom: a.Free}
			if withDiff {
				d := a.Diff
				x.Difference = &d
			}
			out = append(out, x)
		}
		return out
	}
	out := apiMatchReview{SettingsChanged: rv.SettingsChanged, Mentees: rv.Mentees, Places: rv.Places,
		Total: rv.Total, MaxScore: rv.Max, AveragePercent: rv.Average(), Problems: rv.Problems,
		Pairs: []apiMatchPair{}, Unmatched: []apiMatchUnmatched{}, LeftOut: []apiMatchLeftOut{}}
	note := func(n *matching.Note) *string {
		if n == nil {
			return nil
		}
		msg := n.Localize(l)
		return &msg
	}
	if d := rv.Draft; d != nil {
		out.Proposal = &apiMatchProposal{ID: d.ID, Version: d.Version, RunAt: d.RunAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
		if d.RunBy != 0 {
			out.Proposal.RunBy = &apiMatchPerson{UserID: d.RunBy, Name: d.RunByName}
		}
	}
	if p := rv.LastPublished; p != nil {
		out.LastPublishedAt = apiUTC(p.PublishedAt)
	}
	for _, p := range rv.Pairs {
		x := apiMatchPair{Mentee: person(p.Mentee), Mentor: person(p.Mentor), Score: p.Score, Percent: p.Percent,
			Locked: p.Locked, Manual: p.Manual, Explanation: texts(p.Why), Alternatives: alts(p.Alternatives, true),
			Problem: note(p.Problem), Returned: note(p.Returned)}
		out.Pairs = append(out.Pairs, x)
	}
	for _, u := range rv.Unmatched {
		out.Unmatched = append(out.Unmatched, apiMatchUnmatched{Mentee: person(u.Mentee), Reasons: texts(u.Why),
			Returned: note(u.Returned), Alternatives: alts(u.Alternatives, false)})
	}
	for _, x := range rv.Left {
		out.LeftOut = append(out.LeftOut, apiMatchLeftOut{Mentee: person(x.Mentee), PairID: x.PairID,
			EndedAt: x.EndedAt.UTC(), Reason: x.Why.Localize(l)})
	}
	return out
}

// apiMatchingAnswer answers an edit (or a read) with the review as it is
// now, or with the edit's error.
func (s *API) apiMatchingAnswer(w http.ResponseWriter, r *http.Request, id int64, err error) {
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, map[string]string{
			"mentee": "mentee_user_id", "mentor": "mentor_user_id", "other_mentee": "other_mentee_user_id"}))
		return
	}
	rv, err := s.Matching.Review(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIMatchReview(rv, s.locale(r)))
}

func (s *API) apiMatchingReview(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiMatchingAnswer(w, r, id, nil)
}

func (s *API) apiMatchingRun(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err == nil {
		_, err = s.Matching.Run(r.Context(), httpx.User(r), id)
	}
	s.apiMatchingAnswer(w, r, id, err)
}

// apiMatchingRow reads the program and the mentee from the path.
func apiMatchingRow(r *http.Request) (id, mentee int64, err error) {
	return httpx.PathIDs(r, "id", "menteeUserID")
}

func (s *API) apiMatchingLock(locked bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, mentee, err := apiMatchingRow(r)
		if err == nil {
			err = s.Matching.SetLocked(r.Context(), httpx.User(r), id, mentee, locked)
		}
		s.apiMatchingAnswer(w, r, id, err)
	}
}

func (s *API) apiMatchingRemove(w http.ResponseWriter, r *http.Request) {
	id, mentee, err := apiMatchingRow(r)
	if err == nil {
		err = s.Matching.Remove(r.Context(), httpx.User(r), id, mentee)
	}
	s.apiMatchingAnswer(w, r, id, err)
}

type apiMatchManualInput struct {
	MenteeID int64 `json:"mentee_user_id"`
	MentorID int64 `json:"mentor_user_id"`
}

func (s *API) apiMatchingManual(w http.ResponseWriter, r *http.Request) {
	var in apiMatchManualInput
	p, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	s.apiMatchingAnswer(w, r, p.ID, s.Matching.AddManual(r.Context(), httpx.User(r), p.ID, in.MenteeID, in.MentorID))
}

type apiMatchSwapInput struct {
	MenteeID      int64 `json:"mentee_user_id"`
	OtherMenteeID int64 `json:"other_mentee_user_id"`
}

func (s *API) apiMatchingSwap(w http.ResponseWriter, r *http.Request) {
	var in apiMatchSwapInput
	p, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	s.apiMatchingAnswer(w, r, p.ID, s.Matching.Swap(r.Context(), httpx.User(r), p.ID, in.MenteeID, in.OtherMenteeID))
}

type apiMatchPublishInput struct {
	Version int `json:"version"`
}

// apiMatchingPublish creates the pairs. The body is optional: a client
// that sends the version it reviewed is refused if the proposal changed
// since; one that sends nothing publishes the draft as it stands.
func (s *API) apiMatchingPublish(w http.ResponseWriter, r *http.Request) {
	var in apiMatchPublishInput
	var body any // nil: nothing to read
	if r.ContentLength != 0 {
		body = &in
	}
	p, ok := s.coordinatorInput(w, r, body)
	if !ok {
		return
	}
	ids, err := s.Matching.Publish(r.Context(), httpx.User(r), p.ID, in.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := program.Pairs(r.Context(), s.DB, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	created := map[int64]bool{}
	for _, id := range ids {
		created[id] = true
	}
	pairs := make([]apiPair, 0, len(ids))
	for i := range all {
		if created[all[i].ID] {
			pairs = append(pairs, toAPIPair(&all[i]))
		}
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.Page[apiPair]{Items: nonNil(pairs)}) // every pair made, the whole list
}

// apiReturnToPool puts a mentee whose pair closed back among those waiting
// for a mentor and answers with the review, in which they now count.
func (s *API) apiReturnToPool(w http.ResponseWriter, r *http.Request) {
	id, mentee, err := httpx.PathIDs(r, "id", "userID")
	if err == nil {
		err = s.Programs.ReturnToPool(r.Context(), httpx.User(r), id, mentee)
	}
	s.apiMatchingAnswer(w, r, id, err)
}
