package program

import (
	"context"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// Participant statuses.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusDeclined = "declined"
)

// Participant is a person taking part in a program as mentor or mentee,
// with the profile matching reads.
type Participant struct {
	ID, ProgramID, UserID                                                                             int64
	Name, Email, Language                                                                             string // joined from users
	Role, Status                                                                                      string // mentor|mentee ; pending|approved|declined
	Languages                                                                                         []string
	Location                                                                                          string
	OnlineOK                                                                                          bool
	Field, Skills, Needs, Goals, Interests, Education, CareerStage, Availability, Organisation, About string
	Capacity                                                                                          int
	CreatedAt, UpdatedAt                                                                              time.Time
	DecidedAt                                                                                         *time.Time

	// Read by matching (internal/matching): the slots of MeetingSlots a
	// person can meet in, their time zone (joined from users), and a
	// mentee's wishes for their mentor.
	MeetingTimes            []string
	Timezone                string
	WishSameField           bool
	WishInPerson            bool
	WishLanguage, WishStage string
}

// Languages are stored as one comma-separated column: they are only ever
// read with the rest of the profile, never queried one by one.
func joinLanguages(langs []string) string { return strings.Join(langs, ",") }

func splitLanguages(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

const participantCols = `p.id, p.program_id, p.user_id, u.name, u.email, u.language, p.role, p.status,
	p.languages, p.location, p.online_ok, p.field, p.skills, p.needs, p.goals, p.interests,
	p.education, p.career_stage, p.availability, p.organisation, p.about, p.capacity,
	p.created_at, p.updated_at, p.decided_at,
	p.meeting_times, u.timezone, p.wish_same_field, p.wish_in_person, p.wish_language, p.wish_stage`

const participantFrom = ` FROM participants p JOIN users u ON u.id = p.user_id`

func scanParticipant(row interface{ Scan(...any) error }) (*Participant, error) {
	var p Participant
	var langs, times string
	var decided *time.Time
	err := row.Scan(&p.ID, &p.ProgramID, &p.UserID, &p.Name, &p.Email, &p.Language, &p.Role, &p.Status,
		&langs, &p.Location, &p.OnlineOK, &p.Field, &p.Skills, &p.Needs, &p.Goals, &p.Interests,
		&p.Education, &p.CareerStage, &p.Availability, &p.Organisation, &p.About, &p.Capacity,
		&p.CreatedAt, &p.UpdatedAt, &decided,
		&times, &p.Timezone, &p.WishSameField, &p.WishInPerson, &p.WishLanguage, &p.WishStage)
	if err != nil {
		return nil, err
	}
	p.Languages = splitLanguages(langs)
	p.MeetingTimes = splitLanguages(times)
	p.DecidedAt = decided
	return &p, nil
}

// GetParticipant loads one person's participation in a program.
func GetParticipant(ctx context.Context, q store.Q, programID, userID int64) (*Participant, error) {
	p, err := scanParticipant(q.QueryRow(ctx, `SELECT `+participantCols+participantFrom+`
		WHERE p.program_id = ? AND p.user_id = ?`, programID, userID))
	return p, store.NotFound(err, "program.error.participant_not_found")
}

// MemberCard is what a pair's people see of each other's participation:
// who they are in the program, not what the matching used.
type MemberCard struct {
	Organisation, Field string
	Languages           []string
}

// ReadCardsOfPair queues a read of the card of each of the pair's members
// in the pair's program, into out[pairID] by user id. A member without a
// participation row (a deleted account) is not in the map.
func ReadCardsOfPair(r *store.Reads, pairID int64, out map[int64]map[int64]MemberCard) {
	readPairCards(r, `pm.pair_id = ?`, pairID, out)
}

// ReadCardsOfPairsOf is ReadCardsOfPair for every pair userID is a member
// of, in one statement.
func ReadCardsOfPairsOf(r *store.Reads, userID int64, out map[int64]map[int64]MemberCard) {
	readPairCards(r, `pm.pair_id IN (SELECT pair_id FROM pair_members WHERE user_id = ?)`, userID, out)
}

func readPairCards(r *store.Reads, where string, arg any, out map[int64]map[int64]MemberCard) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var pairID, userID int64
			var c MemberCard
			var langs string
			if err := rows.Scan(&pairID, &userID, &c.Organisation, &c.Field, &langs); err != nil {
				return err
			}
			c.Languages = splitLanguages(langs)
			if out[pairID] == nil {
				out[pairID] = map[int64]MemberCard{}
			}
			out[pairID][userID] = c
		}
		return nil
	}, `SELECT pm.pair_id, pm.user_id, p.organisation, p.field, p.languages FROM pair_members pm
		JOIN pairs x ON x.id = pm.pair_id
		JOIN participants p ON p.program_id = x.program_id AND p.user_id = pm.user_id WHERE `+where, arg)
}

// ParticipantFilter narrows the coordinator's list.
type ParticipantFilter struct {
	Search string // matched against name, email, organisation and field
	Role   string // "" for all
	Status string // "" for all
}

// Participants lists a program's participants for its coordinators.
func (s *Service) Participants(ctx context.Context, actor *account.User, programID int64, f ParticipantFilter) ([]Participant, error) {
	if _, err := s.RequireCoordinator(ctx, actor, programID); err != nil {
		return nil, err
	}
	return ListParticipants(ctx, s.DB, programID, f)
}

// ListParticipants lists a program's participants matching f without
// checking who is asking; Service.Participants is the checked version.
func ListParticipants(ctx context.Context, q store.Q, programID int64, f ParticipantFilter) ([]Participant, error) {
	query := `SELECT ` + participantCols + participantFrom + ` WHERE p.program_id = ?`
	args := []any{programID}
	if f.Role != "" {
		query += ` AND p.role = ?`
		args = append(args, f.Role)
	}
	if f.Status != "" {
		query += ` AND p.status = ?`
		args = append(args, f.Status)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		// LOWER on both sides: SQLite's LIKE is case-insensitive only for
		// ASCII and PostgreSQL's not at all.
		pat := "%" + escapeLike(strings.ToLower(s)) + "%"
		query += ` AND (LOWER(u.name) LIKE ? ESCAPE '\' OR LOWER(u.email) LIKE ? ESCAPE '\'
			OR LOWER(p.organisation) LIKE ? ESCAPE '\' OR LOWER(p.field) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat, pat, pat)
	}
	query += ` ORDER BY u.name, p.id`
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		p, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// StatusCounts counts a program's participants per status.
type StatusCounts struct {
	Pending, Approved, Declined int
}

// Total is everyone who has applied or been enrolled.
func (c StatusCounts) Total() int { return c.Pending + c.Approved + c.Declined }

// CountByStatus counts a program's participants per status. Like Get, it
// does not check who is asking: callers have already authorized.
func CountByStatus(ctx context.Context, q store.Q, programID int64) (StatusCounts, error) {
	var c StatusCounts
	rows, err := q.Query(ctx, `SELECT status, COUNT(*) FROM participants WHERE program_id = ? GROUP BY status`, programID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return c, err
		}
		switch st {
		case StatusPending:
			c.Pending = n
		case StatusApproved:
			c.Approved = n
		case StatusDeclined:
			c.Declined = n
		}
	}
	return c, rows.Err()
}

// Decide approves or declines a participant and tells them in their own
// language. Deciding the same way twice changes nothing and sends nothing.
func (s *Service) Decide(ctx context.Context, actor *account.User, programID, userID int64, approve bool) error {
	status, kind := StatusDeclined, "participant_declined"
	if approve {
		status, kind = StatusApproved, "participant_approved"
	}
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := requireCoordinator(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		p, err := GetParticipant(ctx, tx, programID, userID)
		if err != nil {
			return err
		}
		if p.Status == status {
			return nil
		}
		if !approve && p.Status == StatusApproved {
			// A declined person must not stay in a pair they were placed in.
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM pair_members m JOIN pairs pr ON pr.id = m.pair_id
				WHERE pr.program_id = ? AND pr.status = 'active' AND m.user_id = ?`, programID, userID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errs.E(errs.Conflict, "program.error.decline_paired")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE participants SET status = ?, decided_at = ?, decided_by = ?, updated_at = ?
			WHERE id = ?`, status, now, actor.ID, now, p.ID); err != nil {
			return err
		}
		if s.Outbox == nil {
			return nil
		}
		return s.Outbox.Send(ctx, tx, now, Recipient(p.Email, p.Name, p.Language, prog),
			kind, "name", p.Name, "program", prog.Name, "link", s.Outbox.Link(programPath(programID)))
	})
}

func programPath(id int64) string { return "/programs/" + strconv.FormatInt(id, 10) }

// Recipient addresses an email to a person in their own language, else in
// the program's default language.
func Recipient(email, name, lang string, prog *Program) notify.Recipient {
	if lang == "" {
		lang = prog.DefaultLanguage
	}
	return notify.Recipient{Email: email, Name: name, Lang: lang, Roles: prog.Roles[lang]}
}

// CoordinatorRecipients are the program's coordinators as email recipients,
// each in their own language.
func CoordinatorRecipients(ctx context.Context, q store.Q, prog *Program) ([]notify.Recipient, error) {
	rows, err := q.Query(ctx, `SELECT u.email, u.name, u.language FROM program_coordinators c
		JOIN users u ON u.id = c.user_id WHERE c.program_id = ? ORDER BY u.id`, prog.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Recipient
	for rows.Next() {
		var email, name, lang string
		if err := rows.Scan(&email, &name, &lang); err != nil {
			return nil, err
		}
		out = append(out, Recipient(email, name, lang, prog))
	}
	return out, rows.Err()
}
