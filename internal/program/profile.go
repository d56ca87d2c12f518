package program

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// Limits on what a participant writes about themselves.
const (
	MaxProfileText = 2000
	MinCapacity    = 1
	MaxCapacity    = 10
)

// CareerStages are the choices for a participant's career stage, in the
// order the form shows them.
var CareerStages = []string{"student", "early", "mid", "senior", "retired"}

// MeetingSlots are the parts of the week a person can say they are free to
// meet, in the order the form shows them.
var MeetingSlots = []string{"weekday_morning", "weekday_afternoon", "weekday_evening",
	"weekend_morning", "weekend_afternoon", "weekend_evening"}

// langCode is an ISO 639-1 or 639-3 code as people type it in the profile.
var langCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// Profile is what a participant tells matching about themselves. Skills
// are read from mentors and Needs from mentees, one item per line.
type Profile struct {
	Languages    []string
	Location     string
	OnlineOK     bool
	Field        string
	Skills       string
	Needs        string
	Goals        string
	Interests    string
	Education    string
	CareerStage  string
	Availability string
	Organisation string
	Capacity     int
	About        string

	// For matching; see Participant. Wishes are read from mentees only.
	MeetingTimes            []string
	WishSameField           bool
	WishInPerson            bool
	WishLanguage, WishStage string
}

// ProfileOf turns a participant back into the form that edits it.
func ProfileOf(p *Participant) Profile {
	return Profile{
		Languages: p.Languages, Location: p.Location, OnlineOK: p.OnlineOK, Field: p.Field,
		Skills: p.Skills, Needs: p.Needs, Goals: p.Goals, Interests: p.Interests,
		Education: p.Education, CareerStage: p.CareerStage, Availability: p.Availability,
		Organisation: p.Organisation, Capacity: p.Capacity, About: p.About,
		MeetingTimes: p.MeetingTimes, WishSameField: p.WishSameField,
		WishInPerson: p.WishInPerson, WishLanguage: p.WishLanguage, WishStage: p.WishStage,
	}
}

// cleanLines trims each line and drops empty ones, so that a list typed one
// item per line compares and displays cleanly.
func cleanLines(s string) string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// validate cleans p for a participant with role and reports every problem
// as a field message.
func (p *Profile) validate(role string) error {
	var v errs.Validation
	var langs []string
	seen := map[string]bool{}
	for _, l := range p.Languages {
		l = strings.TrimSpace(l)
		if l == "" || seen[l] {
			continue
		}
		if !langCode.MatchString(l) {
			v.Add("languages", "enrol.error.language_code", "code", l)
			continue
		}
		seen[l] = true
		langs = append(langs, l)
	}
	if !v.Has("languages") {
		v.Check(len(langs) > 0, "languages", "enrol.error.languages_required")
	}
	p.Languages = langs

	p.Skills, p.Needs = cleanLines(p.Skills), cleanLines(p.Needs)
	texts := []struct {
		field string
		value *string
	}{
		{"location", &p.Location}, {"field", &p.Field}, {"skills", &p.Skills}, {"needs", &p.Needs},
		{"goals", &p.Goals}, {"interests", &p.Interests}, {"education", &p.Education},
		{"availability", &p.Availability}, {"organisation", &p.Organisation}, {"about", &p.About},
	}
	for _, t := range texts {
		*t.value = strings.TrimSpace(*t.value)
		v.Check(utf8.RuneCountInString(*t.value) <= MaxProfileText, t.field, "error.too_long", "max", MaxProfileText)
	}
	stageOK := p.CareerStage == ""
	for _, s := range CareerStages {
		stageOK = stageOK || p.CareerStage == s
	}
	v.Check(stageOK, "career_stage", "error.choice_invalid")
	p.validateMatching(&v, role)
	if role == string(RoleMentor) {
		v.Check(p.Capacity >= MinCapacity && p.Capacity <= MaxCapacity, "capacity",
			"enrol.error.capacity_range", "min", MinCapacity, "max", MaxCapacity)
	} else {
		p.Capacity = 1 // a mentee has one mentor
	}
	return v.Err()
}

// validateMatching checks the fields matching reads beyond the profile text.
func (p *Profile) validateMatching(v *errs.Validation, role string) {
	var times []string
	for _, slot := range MeetingSlots { // keeps the form's order, drops repeats
		for _, t := range p.MeetingTimes {
			if t == slot {
				times = append(times, slot)
				break
			}
		}
	}
	v.Check(len(times) == len(dedupeStrings(p.MeetingTimes)), "meeting_times", "error.choice_invalid")
	p.MeetingTimes = times
	if role != string(RoleMentee) {
		p.WishSameField, p.WishInPerson, p.WishLanguage, p.WishStage = false, false, "", ""
		return
	}
	// The language to be mentored in is picked from the person's own.
	p.WishLanguage = strings.TrimSpace(p.WishLanguage)
	wishOK := p.WishLanguage == ""
	for _, l := range p.Languages {
		wishOK = wishOK || p.WishLanguage == l
	}
	v.Check(wishOK, "wish_language", "error.choice_invalid")
	stageOK := p.WishStage == ""
	for _, s := range CareerStages {
		stageOK = stageOK || p.WishStage == s
	}
	v.Check(stageOK, "wish_stage", "error.choice_invalid")
}

func dedupeStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// MyParticipation loads the program and the actor's own participation.
func (s *Service) MyParticipation(ctx context.Context, actor *account.User, programID int64) (*Program, *Participant, error) {
	if actor == nil {
		return nil, nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	prog, err := Get(ctx, s.DB, programID)
	if err != nil {
		return nil, nil, err
	}
	part, err := GetParticipant(ctx, s.DB, programID, actor.ID)
	if errs.Is(err, errs.NotFound) {
		// Coordinators know the program exists; strangers learn nothing.
		if role, rerr := s.RoleIn(ctx, actor, programID); rerr == nil && role == RoleCoordinator {
			return nil, nil, errs.E(errs.NotFound, "enrol.error.not_participant")
		}
		return nil, nil, errs.E(errs.NotFound, "program.error.not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	return prog, part, nil
}

// SaveProfile stores the actor's own profile in the program.
func (s *Service) SaveProfile(ctx context.Context, actor *account.User, programID int64, p Profile) (*Participant, error) {
	_, part, err := s.MyParticipation(ctx, actor, programID)
	if err != nil {
		return nil, err
	}
	if err := p.validate(part.Role); err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE participants SET languages = ?, location = ?, online_ok = ?, field = ?,
			skills = ?, needs = ?, goals = ?, interests = ?, education = ?, career_stage = ?, availability = ?,
			organisation = ?, capacity = ?, about = ?, updated_at = ?,
			meeting_times = ?, wish_same_field = ?, wish_in_person = ?, wish_language = ?, wish_stage = ?
			WHERE program_id = ? AND user_id = ?`,
			joinLanguages(p.Languages), p.Location, p.OnlineOK, p.Field, p.Skills, p.Needs, p.Goals,
			p.Interests, p.Education, p.CareerStage, p.Availability, p.Organisation, p.Capacity, p.About, now,
			joinLanguages(p.MeetingTimes), p.WishSameField, p.WishInPerson, p.WishLanguage, p.WishStage,
			programID, actor.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "program.error.not_found")
		}
		part, err = GetParticipant(ctx, tx, programID, actor.ID)
		return err
	})
	return part, err
}

// ViewParticipant shows one participant's profile to the program's
// coordinators. Participants never see each other's profiles this way.
func (s *Service) ViewParticipant(ctx context.Context, actor *account.User, programID, userID int64) (*Program, *Participant, error) {
	prog, err := s.RequireCoordinator(ctx, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	part, err := GetParticipant(ctx, s.DB, programID, userID)
	if err != nil {
		return nil, nil, err
	}
	return prog, part, nil
}
