// Package program holds programs (cohorts) and their rules, coordinators,
// participants with their profiles, enrolment (invitations, join links) and
// pairs.
package program

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// Service is the program use cases.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Outbox *notify.Outbox
}

// Join roles: what a person who comes in through the join link becomes.
const (
	JoinChoose = "choose"
	JoinMentor = "mentor"
	JoinMentee = "mentee"
)

// Limits on program settings. The meeting length bounds keep a typo such as
// 4500 minutes from becoming a rule every pair is measured against.
const (
	MaxNameLen       = 200
	MaxTextLen       = 5000
	MinMeetingLength = 5
	MaxMeetingLength = 600
	MaxMinMeetings   = 100
	MaxGapDays       = 365
)

// DateLayout is how calendar dates are stored and submitted.
const DateLayout = "2006-01-02"

// Program is one cohort and the rules its pairs follow.
type Program struct {
	ID                                                            int64
	Name, Purpose, Goals, FocusAreas                              string
	Start, End                                                    time.Time // calendar dates (UTC midnight)
	MinMeetings, MaxGapDays, MeetingMinMinutes, MeetingMaxMinutes int
	MessagesAllowed, EvalFollowup, EvalMidpoint, EvalFinal        bool
	DefaultLanguage                                               string
	JoinToken                                                     string
	JoinEnabled                                                   bool
	JoinRole                                                      string // "choose"|"mentor"|"mentee"
	CreatedAt, UpdatedAt                                          time.Time
	// Roles is what the program calls mentee and mentor, per language
	// (roles.go); loaded by Get and ByJoinToken.
	Roles map[string]i18n.RoleWords
}

// Defaults reproduces the programs the seed documents describe: five months,
// at least four meetings, at least once a month, 45 to 120 minutes each,
// questions between meetings allowed, and all three evaluation points.
func Defaults(now time.Time, lang string) Program {
	start := day(now.UTC())
	if !i18n.Supported(lang) {
		lang = "en"
	}
	return Program{
		Start:             start,
		End:               start.AddDate(0, 5, 0),
		MinMeetings:       4,
		MaxGapDays:        31,
		MeetingMinMinutes: 45,
		MeetingMaxMinutes: 120,
		MessagesAllowed:   true,
		EvalFollowup:      true,
		EvalMidpoint:      true,
		EvalFinal:         true,
		DefaultLanguage:   lang,
		JoinRole:          JoinChoose,
	}
}

// day truncates t to midnight UTC of its calendar date.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a YYYY-MM-DD calendar date.
func ParseDate(s string) (time.Time, error) {
	return time.ParseInLocation(DateLayout, strings.TrimSpace(s), time.UTC)
}

const programCols = `id, name, purpose, goals, focus_areas, start_date, end_date, min_meetings,
	max_gap_days, meeting_min_minutes, meeting_max_minutes, messages_allowed, eval_followup,
	eval_midpoint, eval_final, default_language, join_token, join_enabled, join_role,
	created_at, updated_at`

func scanProgram(row interface{ Scan(...any) error }) (*Program, error) {
	var p Program
	var start, end string
	err := row.Scan(&p.ID, &p.Name, &p.Purpose, &p.Goals, &p.FocusAreas, &start, &end,
		&p.MinMeetings, &p.MaxGapDays, &p.MeetingMinMinutes, &p.MeetingMaxMinutes,
		&p.MessagesAllowed, &p.EvalFollowup, &p.EvalMidpoint, &p.EvalFinal,
		&p.DefaultLanguage, &p.JoinToken, &p.JoinEnabled, &p.JoinRole, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if p.Start, err = ParseDate(start); err != nil {
		return nil, err
	}
	if p.End, err = ParseDate(end); err != nil {
		return nil, err
	}
	return &p, nil
}

// Get loads a program. It does not check who is asking: use
// RequireCoordinator or RoleIn for that.
func Get(ctx context.Context, q store.Q, id int64) (*Program, error) {
	if m := memoOf(ctx, q); m != nil {
		p, err := m.program(ctx, q, id)
		return p, store.NotFound(err, "program.error.not_found")
	}
	p, err := scanProgram(q.QueryRow(ctx, `SELECT `+programCols+` FROM programs WHERE id = ?`, id))
	if err == nil {
		err = p.loadRoles(ctx, q)
	}
	return p, store.NotFound(err, "program.error.not_found")
}

// ByJoinToken loads the program a join link points at.
func ByJoinToken(ctx context.Context, q store.Q, token string) (*Program, error) {
	if token == "" {
		return nil, errs.E(errs.NotFound, "program.error.not_found")
	}
	p, err := scanProgram(q.QueryRow(ctx, `SELECT `+programCols+` FROM programs WHERE join_token = ?`, token))
	if err == nil {
		err = p.loadRoles(ctx, q)
	}
	return p, store.NotFound(err, "program.error.not_found")
}

// Settings is what a coordinator edits. Dates arrive as text so that a
// malformed date becomes a field message rather than a parse failure.
type Settings struct {
	Name, Purpose, Goals, FocusAreas                              string
	Start, End                                                    string // YYYY-MM-DD
	MinMeetings, MaxGapDays, MeetingMinMinutes, MeetingMaxMinutes int
	MessagesAllowed, EvalFollowup, EvalMidpoint, EvalFinal        bool
	DefaultLanguage                                               string
	JoinEnabled                                                   bool
	JoinRole                                                      string
	// RoleNames is lang → role → the words typed for it; nil keeps the
	// program's role words as they are.
	RoleNames map[string]map[string]string
}

// SettingsOf turns a program back into the form that edits it.
func SettingsOf(p Program) Settings {
	return Settings{
		Name: p.Name, Purpose: p.Purpose, Goals: p.Goals, FocusAreas: p.FocusAreas,
		Start: p.Start.Format(DateLayout), End: p.End.Format(DateLayout),
		MinMeetings: p.MinMeetings, MaxGapDays: p.MaxGapDays,
		MeetingMinMinutes: p.MeetingMinMinutes, MeetingMaxMinutes: p.MeetingMaxMinutes,
		MessagesAllowed: p.MessagesAllowed, EvalFollowup: p.EvalFollowup,
		EvalMidpoint: p.EvalMidpoint, EvalFinal: p.EvalFinal,
		DefaultLanguage: p.DefaultLanguage, JoinEnabled: p.JoinEnabled, JoinRole: p.JoinRole,
		RoleNames: roleTexts(p),
	}
}

// roleTexts is the program's role words as the settings form shows them.
func roleTexts(p Program) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range i18n.Languages {
		out[lang] = map[string]string{}
		for _, role := range i18n.Roles {
			out[lang][role] = p.RoleText(role, lang)
		}
	}
	return out
}

// apply validates the settings and copies them into p. On any problem p is
// left as it was and the error holds one message per field.
func (in Settings) apply(p *Program) error {
	var v errs.Validation
	name := strings.TrimSpace(in.Name)
	v.Check(name != "", "name", "error.required")
	v.Check(utf8.RuneCountInString(name) <= MaxNameLen, "name", "error.too_long", "max", MaxNameLen)
	texts := map[string]string{"purpose": in.Purpose, "goals": in.Goals, "focus_areas": in.FocusAreas}
	for field, s := range texts {
		v.Check(utf8.RuneCountInString(s) <= MaxTextLen, field, "error.too_long", "max", MaxTextLen)
	}
	start, err := ParseDate(in.Start)
	v.Check(err == nil, "start", "program.error.date_invalid")
	end, err := ParseDate(in.End)
	v.Check(err == nil, "end", "program.error.date_invalid")
	if !v.Has("start") && !v.Has("end") {
		v.Check(end.After(start), "end", "program.error.end_before_start")
	}
	v.Check(in.MinMeetings >= 1 && in.MinMeetings <= MaxMinMeetings, "min_meetings",
		"program.error.range", "min", 1, "max", MaxMinMeetings)
	v.Check(in.MaxGapDays >= 1 && in.MaxGapDays <= MaxGapDays, "max_gap_days",
		"program.error.range", "min", 1, "max", MaxGapDays)
	v.Check(in.MeetingMinMinutes >= MinMeetingLength && in.MeetingMinMinutes <= MaxMeetingLength,
		"meeting_min_minutes", "program.error.range", "min", MinMeetingLength, "max", MaxMeetingLength)
	v.Check(in.MeetingMaxMinutes >= MinMeetingLength && in.MeetingMaxMinutes <= MaxMeetingLength,
		"meeting_max_minutes", "program.error.range", "min", MinMeetingLength, "max", MaxMeetingLength)
	if !v.Has("meeting_min_minutes") && !v.Has("meeting_max_minutes") {
		v.Check(in.MeetingMinMinutes <= in.MeetingMaxMinutes, "meeting_max_minutes", "program.error.length_order")
	}
	v.Check(i18n.Supported(in.DefaultLanguage), "default_language", "error.choice_invalid")
	joinRole := in.JoinRole
	if joinRole == "" {
		joinRole = JoinChoose
	}
	v.Check(joinRole == JoinChoose || joinRole == JoinMentor || joinRole == JoinMentee, "join_role", "error.choice_invalid")
	roles := p.Roles
	if in.RoleNames != nil {
		roles = parseRoles(in.RoleNames, &v)
	}
	if err := v.Err(); err != nil {
		return err
	}
	p.Roles = roles
	p.Name, p.Purpose, p.Goals, p.FocusAreas = name, strings.TrimSpace(in.Purpose), strings.TrimSpace(in.Goals), strings.TrimSpace(in.FocusAreas)
	p.Start, p.End = start, end
	p.MinMeetings, p.MaxGapDays = in.MinMeetings, in.MaxGapDays
	p.MeetingMinMinutes, p.MeetingMaxMinutes = in.MeetingMinMinutes, in.MeetingMaxMinutes
	p.MessagesAllowed, p.EvalFollowup, p.EvalMidpoint, p.EvalFinal = in.MessagesAllowed, in.EvalFollowup, in.EvalMidpoint, in.EvalFinal
	p.DefaultLanguage = in.DefaultLanguage
	p.JoinEnabled, p.JoinRole = in.JoinEnabled, joinRole
	return nil
}

// newJoinToken makes the unguessable part of a program's join link.
func newJoinToken() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails (crypto/rand panics rather than returning short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Create starts a program; the creator becomes its first coordinator.
func (s *Service) Create(ctx context.Context, actor *account.User, in Settings) (*Program, error) {
	if !actor.CanCreatePrograms() {
		return nil, errs.E(errs.Forbidden, "program.error.cannot_create")
	}
	now := s.Clock.Now().UTC()
	var p Program
	if err := in.apply(&p); err != nil {
		return nil, err
	}
	p.JoinToken = newJoinToken()
	p.CreatedAt, p.UpdatedAt = now, now
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO programs (name, purpose, goals, focus_areas, start_date, end_date,
			min_meetings, max_gap_days, meeting_min_minutes, meeting_max_minutes, messages_allowed,
			eval_followup, eval_midpoint, eval_final, default_language, join_token, join_enabled, join_role,
			created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Name, p.Purpose, p.Goals, p.FocusAreas, p.Start.Format(DateLayout), p.End.Format(DateLayout),
			p.MinMeetings, p.MaxGapDays, p.MeetingMinMinutes, p.MeetingMaxMinutes, p.MessagesAllowed,
			p.EvalFollowup, p.EvalMidpoint, p.EvalFinal, p.DefaultLanguage, p.JoinToken, p.JoinEnabled, p.JoinRole,
			actor.ID, now, now).Scan(&p.ID)
		if err != nil {
			return err
		}
		if err := p.saveRoles(ctx, tx); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO program_coordinators (program_id, user_id) VALUES (?, ?)`, p.ID, actor.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Update changes a program's settings. Only its coordinators (and
// administrators) may.
func (s *Service) Update(ctx context.Context, actor *account.User, id int64, in Settings) (*Program, error) {
	var out *Program
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, err := requireCoordinator(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := in.apply(p); err != nil {
			return err
		}
		p.UpdatedAt = s.Clock.Now().UTC()
		_, err = tx.Exec(ctx, `UPDATE programs SET name = ?, purpose = ?, goals = ?, focus_areas = ?,
			start_date = ?, end_date = ?, min_meetings = ?, max_gap_days = ?, meeting_min_minutes = ?,
			meeting_max_minutes = ?, messages_allowed = ?, eval_followup = ?, eval_midpoint = ?,
			eval_final = ?, default_language = ?, join_enabled = ?, join_role = ?, updated_at = ?,
			version = version + 1
			WHERE id = ?`,
			p.Name, p.Purpose, p.Goals, p.FocusAreas, p.Start.Format(DateLayout), p.End.Format(DateLayout),
			p.MinMeetings, p.MaxGapDays, p.MeetingMinMinutes, p.MeetingMaxMinutes, p.MessagesAllowed,
			p.EvalFollowup, p.EvalMidpoint, p.EvalFinal, p.DefaultLanguage, p.JoinEnabled, p.JoinRole,
			p.UpdatedAt, p.ID)
		if err == nil {
			err = p.saveRoles(ctx, tx)
		}
		out = p
		return err
	})
	return out, err
}

// Coordinator is a person who runs a program.
type Coordinator struct {
	UserID      int64
	Name, Email string
}

// Coordinators lists the people who run a program.
func Coordinators(ctx context.Context, q store.Q, programID int64) ([]Coordinator, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]Coordinator) {
		readCoordinators(r, out, `SELECT u.id, u.name, u.email FROM program_coordinators c
			JOIN users u ON u.id = c.user_id WHERE c.program_id = ? ORDER BY u.name, u.id`, programID)
	})
}

// readCoordinators queues query, which selects coordinators' id, name and
// email, appending them to out.
func readCoordinators(r *store.Reads, out *[]Coordinator, query string, args ...any) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var c Coordinator
			if err := rows.Scan(&c.UserID, &c.Name, &c.Email); err != nil {
				return err
			}
			*out = append(*out, c)
		}
		return nil
	}, query, args...)
}

// ContactsFor lists a program's coordinators for a page that tells viewer to
// ask them: only someone in the program (its coordinators, participants
// and administrators) gets the list, anyone else none. One query, as every
// pair page shows the card.
func ContactsFor(ctx context.Context, q store.Q, viewer *account.User, programID int64) ([]Coordinator, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]Coordinator) { ReadContacts(r, viewer, programID, out) })
}

// ReadContacts queues ContactsFor's read into r, for a page that sends it
// with its own (store.Reads).
func ReadContacts(r *store.Reads, viewer *account.User, programID int64, out *[]Coordinator) {
	if viewer == nil {
		return
	}
	readCoordinators(r, out, `SELECT u.id, u.name, u.email FROM program_coordinators c
		JOIN users u ON u.id = c.user_id
		WHERE c.program_id = ? AND (? OR EXISTS (SELECT 1 FROM program_coordinators x WHERE x.program_id = c.program_id AND x.user_id = ?)
			OR EXISTS (SELECT 1 FROM participants x WHERE x.program_id = c.program_id AND x.user_id = ?))
		ORDER BY u.name, u.id`, programID, viewer.IsAdmin(), viewer.ID, viewer.ID)
}

// AddCoordinator lets a coordinator share a program with another existing
// account, found by email.
func (s *Service) AddCoordinator(ctx context.Context, actor *account.User, programID int64, email string) error {
	email = account.NormalizeEmail(email)
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := requireCoordinator(ctx, tx, actor, programID); err != nil {
			return err
		}
		fieldErr := func(kind errs.Kind, key string) error {
			return &errs.Error{Kind: kind, Key: key, Fields: map[string]errs.Msg{"email": {Key: key}}}
		}
		if !account.ValidEmail(email) {
			return fieldErr(errs.Invalid, "error.email_invalid")
		}
		u, err := account.ByEmail(ctx, tx, email)
		if errs.Is(err, errs.NotFound) {
			return fieldErr(errs.Invalid, "program.error.no_such_account")
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO program_coordinators (program_id, user_id) VALUES (?, ?)`, programID, u.ID)
		if store.IsUnique(err) {
			return fieldErr(errs.Conflict, "program.error.already_coordinator")
		}
		return err
	})
}

// Summary is a program as a list shows it to one person: with counts for
// those who run it, with their own role and status for those who take part.
type Summary struct {
	Program
	Role         Role
	Status       string // the viewer's participant status; empty for coordinators
	Pending      int    // applications waiting for a decision
	Participants int    // approved participants
	ActivePairs  int
}

// Mine lists the programs actor runs (every program, for administrators)
// and the programs actor takes part in, in one statement (the start page
// of everyone asks it).
func (s *Service) Mine(ctx context.Context, actor *account.User) (coordinated, participating []Summary, err error) {
	if actor == nil {
		return nil, nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	var r store.Reads
	ReadMine(&r, actor, &coordinated, &participating)
	if err := r.Run(ctx, s.DB); err != nil {
		return nil, nil, err
	}
	return coordinated, participating, nil
}

// ReadMine queues Mine's read for a page that sends it with others
// (store.Reads); actor must not be nil.
func ReadMine(r *store.Reads, actor *account.User, coordinated, participating *[]Summary) {
	// The counts are a coordinator's; a participant's row skips them.
	coord := `(? OR c.user_id IS NOT NULL)`
	query := `SELECT ` + programColsG + `, ` + coord + `,
		CASE WHEN ` + coord + ` THEN (SELECT COUNT(*) FROM participants x WHERE x.program_id = g.id AND x.status = 'pending') ELSE 0 END,
		CASE WHEN ` + coord + ` THEN (SELECT COUNT(*) FROM participants x WHERE x.program_id = g.id AND x.status = 'approved') ELSE 0 END,
		CASE WHEN ` + coord + ` THEN (SELECT COUNT(*) FROM pairs x WHERE x.program_id = g.id AND x.status = 'active') ELSE 0 END,
		COALESCE(me.role, ''), COALESCE(me.status, '')
		FROM programs g LEFT JOIN program_coordinators c ON c.program_id = g.id AND c.user_id = ?
		LEFT JOIN participants me ON me.program_id = g.id AND me.user_id = ?`
	admin := actor.IsAdmin()
	args := []any{admin, admin, admin, admin, actor.ID, actor.ID}
	if !admin {
		query += ` WHERE g.id IN (SELECT program_id FROM program_coordinators WHERE user_id = ?
			UNION SELECT program_id FROM participants WHERE user_id = ?)`
		args = append(args, actor.ID, actor.ID)
	}
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var sum Summary
			var start, end, role, status string
			var isCoord bool
			p := &sum.Program
			if err := rows.Scan(&p.ID, &p.Name, &p.Purpose, &p.Goals, &p.FocusAreas, &start, &end,
				&p.MinMeetings, &p.MaxGapDays, &p.MeetingMinMinutes, &p.MeetingMaxMinutes,
				&p.MessagesAllowed, &p.EvalFollowup, &p.EvalMidpoint, &p.EvalFinal,
				&p.DefaultLanguage, &p.JoinToken, &p.JoinEnabled, &p.JoinRole, &p.CreatedAt, &p.UpdatedAt,
				&isCoord, &sum.Pending, &sum.Participants, &sum.ActivePairs, &role, &status); err != nil {
				return err
			}
			p.Start, _ = ParseDate(start)
			p.End, _ = ParseDate(end)
			if isCoord {
				c := sum
				c.Role = RoleCoordinator
				*coordinated = append(*coordinated, c)
			}
			if role != "" {
				sum.Role, sum.Status = Role(role), status
				sum.Pending, sum.Participants, sum.ActivePairs = 0, 0, 0
				*participating = append(*participating, sum)
			}
		}
		return nil
	}, query+` ORDER BY g.start_date DESC, g.id DESC`, args...)
}

// prefixed qualifies each column in a comma-separated list with a table
// alias, so one column list serves plain and joined queries.
// programColsG is programCols for a query that names programs g, built
// once: the start page and every page of a pair ask for it.
var programColsG = prefixed(programCols, "g")

func prefixed(cols, alias string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// RemoveCoordinator takes userID's coordinator role in a program away. The
// last coordinator cannot be removed: a program nobody runs would leave its
// pairs without a contact person. Administrators keep their access through
// their role, so removing one from the list changes only who is named.
func (s *Service) RemoveCoordinator(ctx context.Context, actor *account.User, programID, userID int64) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := requireCoordinator(ctx, tx, actor, programID); err != nil {
			return err
		}
		list, err := Coordinators(ctx, tx, programID)
		if err != nil {
			return err
		}
		found := false
		for _, c := range list {
			found = found || c.UserID == userID
		}
		if !found {
			return errs.E(errs.NotFound, "confirm.error.not_coordinator")
		}
		if len(list) == 1 {
			return errs.E(errs.Conflict, "confirm.error.last_coordinator")
		}
		_, err = tx.Exec(ctx, `DELETE FROM program_coordinators WHERE program_id = ? AND user_id = ?`, programID, userID)
		return err
	})
}
