package matching

import (
	"context"
	"database/sql"
	"errors"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
	"mentorskap/internal/store"
)

// Criterion is one thing a candidate pair is scored on.
type Criterion string

// The criteria, each worth 0..100 points per pair before weighting.
const (
	Language     Criterion = "language"     // a language both speak
	Skills       Criterion = "skills"       // the mentor's skills against the mentee's needs
	Field        Criterion = "field"        // the same field or industry
	Location     Criterion = "location"     // same place, region or time zone; online
	Availability Criterion = "availability" // times of the week both can meet
	Interests    Criterion = "interests"    // goals and interests in common
	Career       Criterion = "career"       // the mentor a step or two ahead in career
	Preference   Criterion = "preference"   // the mentee's own wishes for a mentor
)

// Criteria lists every criterion in the order pages show them.
var Criteria = []Criterion{Language, Skills, Field, Location, Availability, Interests, Career, Preference}

// Weight bounds: 0 ignores a criterion, MustMatch makes it a hard rule (a
// pair with nothing in common on it is never proposed) besides weighing
// the most.
const (
	MinWeight = 0
	MustMatch = 10
)

// Limits of the other settings.
const (
	MaxPenalty        = 100
	MinRequestDays    = 1
	MaxRequestDays    = 60
	MinSuggestions    = 1
	MaxSuggestions    = 20
	defaultPenalty    = 50
	defaultReqDays    = 7
	defaultSuggestion = 5
)

// defaultWeights favour what mentees say matters most: help with what
// they need, in a language they share, at times both can meet.
var defaultWeights = map[Criterion]int{
	Language: 8, Skills: 9, Field: 5, Location: 4, Availability: 6, Interests: 3, Career: 4, Preference: 6,
}

// Exclusion is a mentee and mentor (user ids) never to be proposed
// together. The names are filled in when loaded, for display.
type Exclusion struct {
	MenteeID, MentorID     int64
	MenteeName, MentorName string
}

// Settings is how a program matches its participants.
type Settings struct {
	Weights map[Criterion]int

	// Hard rules.
	RequireLanguage       bool // never propose a pair without a shared language
	SeparateOrganisations bool // never propose two people of the same organisation
	Excluded              []Exclusion

	// UnmatchedPenalty is what matching one more mentee is worth against
	// the quality of the matches, in percent of a perfect score: high
	// values match as many mentees as the rules allow, low values rather
	// leave someone unmatched than give several people poorer matches.
	UnmatchedPenalty int

	// Self-match mode: mentees pick from their Suggestions best mentors
	// and a mentor has RequestDays days to answer a request.
	SelfMatch   bool
	RequestDays int
	Suggestions int

	// Questions are the program's own choice questions that count in
	// matching, with their answers (internal/question). They are set on
	// the questions' page, not saved with these settings.
	Questions []question.Rule
}

// DefaultSettings is what a program matches with until its coordinator
// changes something.
func DefaultSettings() Settings {
	w := make(map[Criterion]int, len(defaultWeights))
	for c, v := range defaultWeights {
		w[c] = v
	}
	return Settings{
		Weights: w, RequireLanguage: true, SeparateOrganisations: true,
		UnmatchedPenalty: defaultPenalty, RequestDays: defaultReqDays, Suggestions: defaultSuggestion,
	}
}

// Weight returns the weight of c, the default for a criterion not set.
func (s Settings) Weight(c Criterion) int {
	if w, ok := s.Weights[c]; ok {
		return w
	}
	return defaultWeights[c]
}

// Excludes reports whether the pair of users is excluded.
func (s Settings) Excludes(menteeUserID, mentorUserID int64) bool {
	for _, e := range s.Excluded {
		if e.MenteeID == menteeUserID && e.MentorID == mentorUserID {
			return true
		}
	}
	return false
}

// LoadSettings reads a program's settings, with the defaults for anything
// its coordinator has not set. It does not check who is asking.
func LoadSettings(ctx context.Context, q store.Q, programID int64) (Settings, error) {
	set := DefaultSettings()
	err := q.QueryRow(ctx, `SELECT require_language, separate_organisations, unmatched_penalty, self_match,
		request_days, suggestions FROM matching_settings WHERE program_id = ?`, programID).
		Scan(&set.RequireLanguage, &set.SeparateOrganisations, &set.UnmatchedPenalty, &set.SelfMatch,
			&set.RequestDays, &set.Suggestions)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return set, err
	}
	rows, err := q.Query(ctx, `SELECT criterion, weight FROM matching_weights WHERE program_id = ?`, programID)
	if err != nil {
		return set, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var w int
		if err := rows.Scan(&c, &w); err != nil {
			return set, err
		}
		if _, known := defaultWeights[Criterion(c)]; known {
			set.Weights[Criterion(c)] = w
		}
	}
	if err := rows.Err(); err != nil {
		return set, err
	}
	if set.Excluded, err = loadExclusions(ctx, q, programID); err != nil {
		return set, err
	}
	set.Questions, err = question.Rules(ctx, q, programID)
	return set, err
}

func loadExclusions(ctx context.Context, q store.Q, programID int64) ([]Exclusion, error) {
	rows, err := q.Query(ctx, `SELECT e.mentee_id, e.mentor_id, a.name, b.name FROM matching_exclusions e
		JOIN users a ON a.id = e.mentee_id JOIN users b ON b.id = e.mentor_id
		WHERE e.program_id = ? ORDER BY a.name, b.name, e.mentee_id, e.mentor_id`, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exclusion
	for rows.Next() {
		var e Exclusion
		if err := rows.Scan(&e.MenteeID, &e.MentorID, &e.MenteeName, &e.MentorName); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddExclusion records that a mentee and a mentor (user ids) are never to
// be proposed together again; adding it twice changes nothing. The caller
// has checked who is asking and runs it in its own transaction.
func AddExclusion(ctx context.Context, q store.Q, programID, menteeUserID, mentorUserID int64) error {
	_, err := q.Exec(ctx, `INSERT INTO matching_exclusions (program_id, mentee_id, mentor_id)
		VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, programID, menteeUserID, mentorUserID)
	return err
}

// Settings returns a program's settings to its coordinators.
func (s *Service) Settings(ctx context.Context, actor *account.User, programID int64) (*program.Program, Settings, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, Settings{}, err
	}
	set, err := LoadSettings(ctx, s.DB, programID)
	return prog, set, err
}

// SaveSettings replaces a program's settings, exclusions included. Only
// its coordinators may; invalid settings change nothing and come back as
// field errors ("weight.skills", "unmatched_penalty", "excluded", …).
func (s *Service) SaveSettings(ctx context.Context, actor *account.User, programID int64, set Settings) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := program.RequireCoordinatorTx(ctx, tx, actor, programID); err != nil {
			return err
		}
		if err := validateSettings(ctx, tx, programID, &set); err != nil {
			return err
		}
		// Upserts, so that two coordinators saving at once both succeed
		// (the last one wins) instead of one failing on a duplicate key.
		if _, err := tx.Exec(ctx, `INSERT INTO matching_settings (program_id, require_language, separate_organisations,
			unmatched_penalty, self_match, request_days, suggestions, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (program_id) DO UPDATE SET require_language = excluded.require_language,
			separate_organisations = excluded.separate_organisations, unmatched_penalty = excluded.unmatched_penalty,
			self_match = excluded.self_match, request_days = excluded.request_days, suggestions = excluded.suggestions,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			programID, set.RequireLanguage, set.SeparateOrganisations,
			set.UnmatchedPenalty, set.SelfMatch, set.RequestDays, set.Suggestions, now, actor.ID); err != nil {
			return err
		}
		for _, c := range Criteria {
			if _, err := tx.Exec(ctx, `INSERT INTO matching_weights (program_id, criterion, weight) VALUES (?, ?, ?)
				ON CONFLICT (program_id, criterion) DO UPDATE SET weight = excluded.weight`,
				programID, string(c), set.Weights[c]); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM matching_exclusions WHERE program_id = ?`, programID); err != nil {
			return err
		}
		for _, e := range set.Excluded {
			if err := AddExclusion(ctx, tx, programID, e.MenteeID, e.MentorID); err != nil {
				return err
			}
		}
		return nil
	})
}

// validateSettings checks every field and drops repeated exclusions.
// Every criterion needs a weight: a client that leaves one out has most
// likely misspelt it.
func validateSettings(ctx context.Context, q store.Q, programID int64, set *Settings) error {
	var v errs.Validation
	for c := range set.Weights {
		if _, known := defaultWeights[c]; !known {
			v.Add("weights", "score.error.unknown_criterion", "name", string(c))
		}
	}
	for _, c := range Criteria {
		w, ok := set.Weights[c]
		field := "weight." + string(c)
		if !ok {
			v.Add(field, "error.required")
			continue
		}
		v.Check(w >= MinWeight && w <= MustMatch, field, "score.error.weight_range", "min", MinWeight, "max", MustMatch)
	}
	v.Check(set.UnmatchedPenalty >= 0 && set.UnmatchedPenalty <= MaxPenalty, "unmatched_penalty",
		"score.error.range", "min", 0, "max", MaxPenalty)
	v.Check(set.RequestDays >= MinRequestDays && set.RequestDays <= MaxRequestDays, "request_days",
		"score.error.range", "min", MinRequestDays, "max", MaxRequestDays)
	v.Check(set.Suggestions >= MinSuggestions && set.Suggestions <= MaxSuggestions, "suggestions",
		"score.error.range", "min", MinSuggestions, "max", MaxSuggestions)

	// One query for everyone's role, not two per exclusion.
	roles := map[int64]string{}
	if len(set.Excluded) > 0 {
		all, err := program.ListParticipants(ctx, q, programID, program.ParticipantFilter{})
		if err != nil {
			return err
		}
		for _, p := range all {
			roles[p.UserID] = p.Role
		}
	}
	var kept []Exclusion
	seen := map[[2]int64]bool{}
	for _, e := range set.Excluded {
		key := [2]int64{e.MenteeID, e.MentorID}
		if seen[key] {
			continue
		}
		seen[key] = true
		if roles[e.MenteeID] != string(program.RoleMentee) || roles[e.MentorID] != string(program.RoleMentor) {
			v.Add("excluded", "score.error.exclusion_people")
			continue
		}
		kept = append(kept, e)
	}
	set.Excluded = kept
	return v.Err()
}
