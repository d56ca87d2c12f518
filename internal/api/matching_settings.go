package api

import (
	"net/http"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/matching"
)

func (s *API) apiMatchingSettingsTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/matching/settings", Handler: s.apiGetMatchingSettings},
		{Method: "PUT", Pattern: "/api/v1/programs/{programID}/matching/settings", Handler: s.apiPutMatchingSettings},
	}
}

type apiExclusion struct {
	MenteeID   int64  `json:"mentee_user_id"`
	MentorID   int64  `json:"mentor_user_id"`
	MenteeName string `json:"mentee_name,omitempty"`
	MentorName string `json:"mentor_name,omitempty"`
}

type apiMatchingSettings struct {
	Weights               map[string]int `json:"weights"`
	RequireLanguage       bool           `json:"require_language"`
	SeparateOrganisations bool           `json:"separate_organisations"`
	Excluded              []apiExclusion `json:"excluded"`
	UnmatchedPenalty      int            `json:"unmatched_penalty"`
	SelfMatch             bool           `json:"self_match"`
	RequestDays           int            `json:"request_days"`
	Suggestions           int            `json:"suggestions"`
}

func toAPIMatchingSettings(set matching.Settings) apiMatchingSettings {
	out := apiMatchingSettings{Weights: map[string]int{}, Excluded: []apiExclusion{},
		RequireLanguage: set.RequireLanguage, SeparateOrganisations: set.SeparateOrganisations,
		UnmatchedPenalty: set.UnmatchedPenalty, SelfMatch: set.SelfMatch,
		RequestDays: set.RequestDays, Suggestions: set.Suggestions}
	for _, c := range matching.Criteria {
		out.Weights[string(c)] = set.Weight(c)
	}
	for _, e := range set.Excluded {
		out.Excluded = append(out.Excluded, apiExclusion{MenteeID: e.MenteeID, MentorID: e.MentorID,
			MenteeName: e.MenteeName, MentorName: e.MentorName})
	}
	return out
}

// matchingSettingsInput is the body of PUT: the whole settings, so every
// field is required; a field left out is refused rather than reset.
type matchingSettingsInput struct {
	Weights               map[string]int  `json:"weights"`
	RequireLanguage       *bool           `json:"require_language"`
	SeparateOrganisations *bool           `json:"separate_organisations"`
	Excluded              *[]apiExclusion `json:"excluded"` // names are ignored: a GET body can be sent back
	UnmatchedPenalty      *int            `json:"unmatched_penalty"`
	SelfMatch             *bool           `json:"self_match"`
	RequestDays           *int            `json:"request_days"`
	Suggestions           *int            `json:"suggestions"`
}

func (in matchingSettingsInput) settings() (matching.Settings, error) {
	var v errs.Validation
	set := matching.Settings{Weights: map[matching.Criterion]int{}}
	v.Check(in.Weights != nil, "weights", "error.required")
	for c, w := range in.Weights {
		set.Weights[matching.Criterion(c)] = w
	}
	need := func(ok bool, field string) { v.Check(ok, field, "error.required") }
	need(in.RequireLanguage != nil, "require_language")
	need(in.SeparateOrganisations != nil, "separate_organisations")
	need(in.Excluded != nil, "excluded")
	need(in.UnmatchedPenalty != nil, "unmatched_penalty")
	need(in.SelfMatch != nil, "self_match")
	need(in.RequestDays != nil, "request_days")
	need(in.Suggestions != nil, "suggestions")
	if err := v.Err(); err != nil {
		return set, err
	}
	set.RequireLanguage, set.SeparateOrganisations, set.SelfMatch = *in.RequireLanguage, *in.SeparateOrganisations, *in.SelfMatch
	set.UnmatchedPenalty, set.RequestDays, set.Suggestions = *in.UnmatchedPenalty, *in.RequestDays, *in.Suggestions
	for _, e := range *in.Excluded {
		set.Excluded = append(set.Excluded, matching.Exclusion{MenteeID: e.MenteeID, MentorID: e.MentorID})
	}
	return set, nil
}

// matchingSettingsFieldNames maps the domain's field names to the API's.
var matchingSettingsFieldNames = func() map[string]string {
	m := map[string]string{}
	for _, c := range matching.Criteria {
		m["weight."+string(c)] = "weights." + string(c)
	}
	return m
}()

func (s *API) apiGetMatchingSettings(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, set, err := s.Matching.Settings(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIMatchingSettings(set))
}

func (s *API) apiPutMatchingSettings(w http.ResponseWriter, r *http.Request) {
	var in matchingSettingsInput
	prog, ok := s.coordinatorInput(w, r, &in)
	if !ok {
		return
	}
	set, err := in.settings()
	if err == nil {
		err = s.Matching.SaveSettings(r.Context(), httpx.User(r), prog.ID, set)
	}
	if err != nil {
		s.fail(w, r, httpx.RenameFields(err, matchingSettingsFieldNames))
		return
	}
	_, saved, err := s.Matching.Settings(r.Context(), httpx.User(r), prog.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIMatchingSettings(saved))
}
