package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
)

// How a program matches: the coordinator's weights, hard rules, excluded
// pairs and self-match mode, on one form.
func (s *Server) matchingSettingsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /programs/{id}/matching/settings", s.requireUser(s.matchingSettings))
	mux.HandleFunc("POST /programs/{id}/matching/settings", s.requireUser(s.matchingSettingsSave))
}

type matchingSettingsData struct {
	Program  *program.Program
	Criteria []matching.Criterion
	Excluded []exclusionRow
	Mentees  []program.Participant // for the selects that add an exclusion
	Mentors  []program.Participant

	MinWeight, MustMatch, MaxPenalty int
	MinRequestDays, MaxRequestDays   int
	MinSuggestions, MaxSuggestions   int
}

// exclusionRow is an excluded pair on the form; Key is its form value.
type exclusionRow struct {
	Key                    string
	MenteeName, MentorName string
}

func matchExclusionKey(e matching.Exclusion) string {
	return httpx.Itoa(e.MenteeID) + ":" + httpx.Itoa(e.MentorID)
}

// matchingSettingsData lists the program's mentees and mentors (anyone
// not declined) and shows the given exclusions with their names.
func (s *Server) matchingSettingsData(r *http.Request, prog *program.Program, excluded []matching.Exclusion) (matchingSettingsData, error) {
	d := matchingSettingsData{Program: prog, Criteria: matching.Criteria,
		MinWeight: matching.MinWeight, MustMatch: matching.MustMatch, MaxPenalty: matching.MaxPenalty,
		MinRequestDays: matching.MinRequestDays, MaxRequestDays: matching.MaxRequestDays,
		MinSuggestions: matching.MinSuggestions, MaxSuggestions: matching.MaxSuggestions}
	// The caller has checked that the actor coordinates the program.
	all, err := program.ListParticipants(r.Context(), s.DB, prog.ID, program.ParticipantFilter{})
	if err != nil {
		return d, err
	}
	names := map[int64]string{}
	for _, p := range all {
		names[p.UserID] = p.Name
		if p.Status == program.StatusDeclined {
			continue
		}
		if p.Role == program.SideMentee {
			d.Mentees = append(d.Mentees, p)
		} else {
			d.Mentors = append(d.Mentors, p)
		}
	}
	for _, e := range excluded {
		row := exclusionRow{Key: matchExclusionKey(e), MenteeName: e.MenteeName, MentorName: e.MentorName}
		if row.MenteeName == "" {
			row.MenteeName = names[e.MenteeID]
		}
		if row.MentorName == "" {
			row.MentorName = names[e.MentorID]
		}
		d.Excluded = append(d.Excluded, row)
	}
	return d, nil
}

// matchSettingsValues fills the form from saved settings.
func matchSettingsValues(set matching.Settings) url.Values {
	v := url.Values{}
	for _, c := range matching.Criteria {
		v.Set("weight."+string(c), strconv.Itoa(set.Weight(c)))
	}
	check := func(name string, on bool) {
		if on {
			v.Set(name, "1")
		}
	}
	check("require_language", set.RequireLanguage)
	check("separate_organisations", set.SeparateOrganisations)
	check("self_match", set.SelfMatch)
	v.Set("unmatched_penalty", strconv.Itoa(set.UnmatchedPenalty))
	v.Set("request_days", strconv.Itoa(set.RequestDays))
	v.Set("suggestions", strconv.Itoa(set.Suggestions))
	return v
}

// matchFormInt reads a whole number; blank or malformed becomes -1, which
// every range check refuses with a message saying what is allowed.
func matchFormInt(f url.Values, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
	if err != nil {
		return -1
	}
	return n
}

func matchFormID(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// matchSettingsFrom reads the submitted form. Exclusions are the listed ones
// not ticked for removal, plus the pair chosen in the two selects; half a
// pair, or a tampered value, becomes an exclusion the domain refuses.
func matchSettingsFrom(f url.Values) matching.Settings {
	set := matching.Settings{Weights: map[matching.Criterion]int{}}
	for _, c := range matching.Criteria {
		set.Weights[c] = matchFormInt(f, "weight."+string(c))
	}
	set.RequireLanguage = f.Get("require_language") != ""
	set.SeparateOrganisations = f.Get("separate_organisations") != ""
	set.SelfMatch = f.Get("self_match") != ""
	set.UnmatchedPenalty = matchFormInt(f, "unmatched_penalty")
	set.RequestDays = matchFormInt(f, "request_days")
	set.Suggestions = matchFormInt(f, "suggestions")
	remove := map[string]bool{}
	for _, k := range f["remove"] {
		remove[k] = true
	}
	for _, k := range f["excluded"] {
		if remove[k] {
			continue
		}
		a, b, _ := strings.Cut(k, ":")
		set.Excluded = append(set.Excluded, matching.Exclusion{MenteeID: matchFormID(a), MentorID: matchFormID(b)})
	}
	if a, b := f.Get("add_mentee"), f.Get("add_mentor"); a != "" || b != "" {
		set.Excluded = append(set.Excluded, matching.Exclusion{MenteeID: matchFormID(a), MentorID: matchFormID(b)})
	}
	return set
}

func (s *Server) matchingSettings(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prog, set, err := s.Matching.Settings(r.Context(), httpx.User(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.matchingSettingsData(r, prog, set.Excluded)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := s.newPage(w, r, d)
	page.Form = matchSettingsValues(set)
	s.renderPage(w, r, http.StatusOK, "matching_settings", page)
}

func (s *Server) matchingSettingsSave(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.ParseForm()
	set := matchSettingsFrom(r.PostForm)
	err = s.Matching.SaveSettings(r.Context(), httpx.User(r), id, set)
	if err == nil {
		s.redirect(w, r, programPath(id)+"/matching/settings", "score.settings.saved")
		return
	}
	if errs.KindOf(err) != errs.Invalid {
		s.fail(w, r, err)
		return
	}
	// Shown again as submitted: the listed exclusions stay listed (with
	// their remove boxes as ticked), the half-chosen new one stays chosen.
	prog, _, perr := s.Matching.Settings(r.Context(), httpx.User(r), id)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	var listed []matching.Exclusion
	for _, k := range r.PostForm["excluded"] {
		a, b, _ := strings.Cut(k, ":")
		listed = append(listed, matching.Exclusion{MenteeID: matchFormID(a), MentorID: matchFormID(b)})
	}
	d, derr := s.matchingSettingsData(r, prog, listed)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.renderForm(w, r, "matching_settings", d, err)
}
