package program

import (
	"context"
	"slices"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// Pair statuses.
const (
	PairActive = "active"
	PairEnded  = "ended"
)

// Sides of a pair.
const (
	SideMentor = "mentor"
	SideMentee = "mentee"
)

// MaxSide bounds how many people one side of a pair may hold. A side is
// usually one person; association-to-association mentoring puts a few
// representatives on a side, never a crowd.
const MaxSide = 10

// Pair is a mentoring relationship. Each side is one person or, when an
// organisation mentors another, several.
type Pair struct {
	ID, ProgramID    int64
	ProgramName      string
	Status           string
	CreatedAt        time.Time
	EndedAt          *time.Time
	Life             Life // what its stage is worked out from
	Mentors, Mentees []PairMember
	// programVersion is the program's version as read with the pair: it
	// tells the read memo whether a program it keeps is still current.
	programVersion int64
	// agreementRev counts the writes to the pair's agreement, as read
	// with the pair (see AgreementRev).
	agreementRev int64
}

// AgreementRev is the number of writes to the pair's agreement (its
// versions and signatures) when the pair was read: the same number means
// the same agreement, whichever process wrote it.
func (p *Pair) AgreementRev() int64 { return p.agreementRev }

// PairMember is one person on one side of a pair.
type PairMember struct {
	UserID            int64
	Name, Email, Lang string
	Side              string
}

// Active reports whether the pair still runs.
func (p *Pair) Active() bool { return p.Status == PairActive }

// Has reports whether the person is on either side.
func (p *Pair) Has(userID int64) bool {
	return p.SideOf(userID) != ""
}

// SideOf says which side the person is on, or "".
func (p *Pair) SideOf(userID int64) string {
	for _, m := range p.Mentors {
		if m.UserID == userID {
			return SideMentor
		}
	}
	for _, m := range p.Mentees {
		if m.UserID == userID {
			return SideMentee
		}
	}
	return ""
}

// Others are the people on the other side from userID.
func (p *Pair) Others(userID int64) []PairMember {
	switch p.SideOf(userID) {
	case SideMentor:
		return p.Mentees
	case SideMentee:
		return p.Mentors
	}
	return nil
}

// Names joins the names of members for display.
func Names(ms []PairMember) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}

// CreatePair pairs mentors with mentees by hand. Every person must be an
// approved participant of the program in the role of their side, nobody may
// be on both sides, a mentor must have room left in their capacity and a
// mentee may be in only one active pair at a time. A mentor and a mentee
// who were a pair before are refused with a warning on the "again" field:
// matching never proposes them, and a coordinator who means it says so
// with CreatePairAgain.
func (s *Service) CreatePair(ctx context.Context, actor *account.User, programID int64, mentorUserIDs, menteeUserIDs []int64) (*Pair, error) {
	return s.createPair(ctx, actor, programID, mentorUserIDs, menteeUserIDs, false)
}

// CreatePairAgain is CreatePair for a coordinator who knows that some of
// these people were a pair before and pairs them again all the same.
func (s *Service) CreatePairAgain(ctx context.Context, actor *account.User, programID int64, mentorUserIDs, menteeUserIDs []int64) (*Pair, error) {
	return s.createPair(ctx, actor, programID, mentorUserIDs, menteeUserIDs, true)
}

func (s *Service) createPair(ctx context.Context, actor *account.User, programID int64, mentorUserIDs, menteeUserIDs []int64, again bool) (*Pair, error) {
	now := s.Clock.Now().UTC()
	var pairID int64
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := requireCoordinator(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		pairID, err = CreatePairTx(ctx, tx, s.Outbox, actor, prog, mentorUserIDs, menteeUserIDs, now)
		if err != nil || again {
			return err
		}
		// Checked after the other rules, so that ticking "again" is
		// the last thing the coordinator has to do; the new pair rolls
		// back with the refusal.
		return refuseFormer(ctx, tx, programID, mentorUserIDs, menteeUserIDs)
	})
	if err != nil {
		return nil, err
	}
	return GetPair(ctx, s.DB, pairID)
}

// CreatePairTx is CreatePair inside the caller's transaction, for callers
// that create several pairs at once (publishing a matching proposal) or
// together with other changes: the checks, the rows and the "paired"
// emails commit or roll back with the rest. The caller has already
// checked that actor may pair people in prog. out may be nil (no email).
func CreatePairTx(ctx context.Context, tx *store.Tx, out *notify.Outbox, actor *account.User, prog *Program,
	mentorUserIDs, menteeUserIDs []int64, now time.Time) (int64, error) {
	mentors, mentees := dedupe(mentorUserIDs), dedupe(menteeUserIDs)
	programID := prog.ID
	var pairID int64
	err := func() error {
		if len(mentors) == 0 {
			return errs.E(errs.Invalid, "pair.error.no_mentor")
		}
		if len(mentees) == 0 {
			return errs.E(errs.Invalid, "pair.error.no_mentee")
		}
		if len(mentors) > MaxSide || len(mentees) > MaxSide {
			return errs.E(errs.Invalid, "pair.error.side_too_big", "max", MaxSide)
		}
		for _, id := range mentors {
			if slices.Contains(mentees, id) {
				return errs.E(errs.Invalid, "pair.error.both_sides")
			}
		}
		if err := lockParticipants(ctx, tx, programID, append(slices.Clone(mentors), mentees...)); err != nil {
			return err
		}
		people := map[int64]*Participant{}
		check := func(ids []int64, side string) error {
			for _, id := range ids {
				p, err := GetParticipant(ctx, tx, programID, id)
				if errs.Is(err, errs.NotFound) {
					return errs.E(errs.Invalid, "pair.error.not_participant")
				}
				if err != nil {
					return err
				}
				if p.Status != StatusApproved {
					return errs.E(errs.Invalid, "pair.error.not_approved", "name", p.Name)
				}
				if p.Role != side {
					return errs.E(errs.Invalid, "pair.error.wrong_role", "name", p.Name)
				}
				people[id] = p
			}
			return nil
		}
		if err := check(mentors, SideMentor); err != nil {
			return err
		}
		if err := check(mentees, SideMentee); err != nil {
			return err
		}
		for _, id := range mentors {
			n, err := activePairs(ctx, tx, programID, id)
			if err != nil {
				return err
			}
			if n >= people[id].Capacity {
				return errs.E(errs.Invalid, "pair.error.mentor_full", "name", people[id].Name)
			}
		}
		for _, id := range mentees {
			n, err := activePairs(ctx, tx, programID, id)
			if err != nil {
				return err
			}
			if n > 0 {
				return errs.E(errs.Invalid, "pair.error.mentee_paired", "name", people[id].Name)
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO pairs (program_id, status, created_by, created_at)
			VALUES (?, 'active', ?, ?) RETURNING id`, programID, actor.ID, now).Scan(&pairID); err != nil {
			return err
		}
		for _, side := range []struct {
			ids  []int64
			name string
		}{{mentors, SideMentor}, {mentees, SideMentee}} {
			for _, id := range side.ids {
				if _, err := tx.Exec(ctx, `INSERT INTO pair_members (pair_id, user_id, side) VALUES (?, ?, ?)`,
					pairID, id, side.name); err != nil {
					return err
				}
			}
		}
		if err := webhook.Emit(ctx, tx, now, programID, webhook.PairCreated, map[string]any{
			"pair_id": pairID, "program_id": programID, "mentor_user_ids": mentors, "mentee_user_ids": mentees,
			"created_at": now.UTC().Format(time.RFC3339)}); err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		link := out.Link(programPath(programID))
		notifyAll := func(ids, others []int64, kind string) error {
			var names []string
			for _, o := range others {
				names = append(names, people[o].Name)
			}
			for _, id := range ids {
				p := people[id]
				if err := out.Send(ctx, tx, now, Recipient(p.Email, p.Name, p.Language, prog), kind,
					"name", p.Name, "program", prog.Name, "others", strings.Join(names, ", "), "link", link); err != nil {
					return err
				}
			}
			return nil
		}
		if err := notifyAll(mentors, mentees, "paired_mentor"); err != nil {
			return err
		}
		return notifyAll(mentees, mentors, "paired_mentee")
	}()
	return pairID, err
}

func dedupe(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// lockParticipants holds the rows of the people being paired until the
// transaction ends, so two coordinators pairing the same mentor at once on
// PostgreSQL cannot both see room in the capacity. SQLite transactions here
// already hold the single write lock from their start.
func lockParticipants(ctx context.Context, tx *store.Tx, programID int64, userIDs []int64) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	ids := dedupe(userIDs) // sorted: a fixed lock order cannot deadlock
	for _, id := range ids {
		rows, err := tx.Query(ctx, `SELECT id FROM participants WHERE program_id = ? AND user_id = ? FOR UPDATE`, programID, id)
		if err != nil {
			return err
		}
		rows.Close()
	}
	return nil
}

// activePairs counts the person's running pairs within the program.
func activePairs(ctx context.Context, q store.Q, programID, userID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM pair_members m JOIN pairs p ON p.id = m.pair_id
		WHERE p.program_id = ? AND p.status = 'active' AND m.user_id = ?`, programID, userID).Scan(&n)
	return n, err
}

const pairSelect = `SELECT p.id, p.program_id, g.name, p.status, p.created_at, p.ended_at,
	COALESCE(e.how, ''), COALESCE(f.versions, 0), f.signed_at, COALESCE(f.meetings, ''),
	u.id, u.name, u.email, u.language, m.side, g.version, COALESCE(f.agreement_rev, 0)
	FROM pairs p JOIN programs g ON g.id = p.program_id
	LEFT JOIN pair_endings e ON e.pair_id = p.id LEFT JOIN pair_facts f ON f.pair_id = p.id
	JOIN pair_members m ON m.pair_id = p.id JOIN users u ON u.id = m.user_id`

// loadPairs reads pairs with their members, in the query's order (one row
// per member, rows of one pair together).
func loadPairs(ctx context.Context, q store.Q, where string, args ...any) ([]Pair, error) {
	if m := memoOf(ctx, q); m != nil && where == `p.id = ?` && len(args) == 1 {
		if id, ok := args[0].(int64); ok {
			return m.onePair(ctx, q, id)
		}
	}
	return queryPairs(ctx, q, where, args...)
}

func queryPairs(ctx context.Context, q store.Q, where string, args ...any) ([]Pair, error) {
	rows, err := q.Query(ctx, pairSelect+` WHERE `+where+pairOrder, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out, err := scanPairs(rows)
	if err != nil {
		return nil, err
	}
	return out, rows.Err()
}

const pairOrder = ` ORDER BY p.status, p.created_at DESC, p.id DESC, u.name, u.id`

// scanPairs reads the rows of pairSelect, one per member, rows of one pair
// together.
func scanPairs(rows store.Rows) ([]Pair, error) {
	var out []Pair
	for rows.Next() {
		var p Pair
		var m PairMember
		if err := rows.Scan(&p.ID, &p.ProgramID, &p.ProgramName, &p.Status, &p.CreatedAt, &p.EndedAt,
			&p.Life.EndedHow, &p.Life.Versions, &p.Life.SignedAt, &p.Life.Meetings,
			&m.UserID, &m.Name, &m.Email, &m.Lang, &m.Side, &p.programVersion, &p.agreementRev); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != p.ID {
			out = append(out, p)
		}
		last := &out[len(out)-1]
		if m.Side == SideMentor {
			last.Mentors = append(last.Mentors, m)
		} else {
			last.Mentees = append(last.Mentees, m)
		}
	}
	return out, nil
}

// GetPair loads one pair with its members. It does not check who asks.
func GetPair(ctx context.Context, q store.Q, id int64) (*Pair, error) {
	ps, err := loadPairs(ctx, q, `p.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, errs.E(errs.NotFound, "pair.error.not_found")
	}
	return &ps[0], nil
}

// Pairs lists a program's pairs, active first. It does not check who asks:
// web handlers go through Service.ProgramPairs.
func Pairs(ctx context.Context, q store.Q, programID int64) ([]Pair, error) {
	return loadPairs(ctx, q, `p.program_id = ?`, programID)
}

// PairsForUser lists every pair the person is on a side of, in any program.
func PairsForUser(ctx context.Context, q store.Q, userID int64) ([]Pair, error) {
	if _, tx := q.(*store.Tx); tx {
		// A transaction's reads stay out of the request's memo.
		ctx = context.WithValue(ctx, memoKey{}, (*readMemo)(nil))
	}
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]Pair) { ReadPairsForUser(ctx, r, userID, out) })
}

// ReadPairsForUser queues PairsForUser's read for a page that sends it
// with others (store.Reads). A request's read memo keeps the pairs: each
// comes with all its members, as a read by id would give it, and the start
// page reads each running pair by id next.
func ReadPairsForUser(ctx context.Context, r *store.Reads, userID int64, out *[]Pair) {
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	r.Add(func(rows store.Rows) error {
		ps, err := scanPairs(rows)
		if err != nil {
			return err
		}
		if m != nil {
			m.keepPairs(ps)
		}
		*out = ps
		return nil
	}, pairSelect+` WHERE p.id IN (SELECT pair_id FROM pair_members WHERE user_id = ?)`+pairOrder, userID)
}

// ProgramPairs lists a program's pairs for its coordinators.
func (s *Service) ProgramPairs(ctx context.Context, actor *account.User, programID int64) ([]Pair, error) {
	if _, err := s.RequireCoordinator(ctx, actor, programID); err != nil {
		return nil, err
	}
	return Pairs(ctx, s.DB, programID)
}

// EndPair ends a pair on behalf of the program's coordinator and tells both
// sides neutrally. Ending an ended pair changes nothing. The mentees stay
// out of the matching pool until a coordinator returns them.
func (s *Service) EndPair(ctx context.Context, actor *account.User, programID, pairID int64) error {
	return s.endPair(ctx, actor, programID, pairID, "")
}

// EndPairReturning is EndPair that also puts the pair's mentees back among
// those waiting for a new mentor.
func (s *Service) EndPairReturning(ctx context.Context, actor *account.User, programID, pairID int64) error {
	return s.endPair(ctx, actor, programID, pairID, ReturnCoordinator)
}

func (s *Service) endPair(ctx context.Context, actor *account.User, programID, pairID int64, ret string) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := requireCoordinator(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		p, err := GetPair(ctx, tx, pairID)
		if err != nil {
			return err
		}
		if p.ProgramID != programID {
			return errs.E(errs.NotFound, "pair.error.not_found")
		}
		if !p.Allows(now, ActEnd) {
			return nil // ending an ended pair changes nothing
		}
		ended, err := Close(ctx, tx, Ending{PairID: pairID, How: EndedByCoordinator, EndedBy: actor.ID, EndedAt: now, Return: ret})
		if err != nil || !ended {
			return err // !ended: someone else ended it meanwhile
		}
		if s.Outbox == nil {
			return nil
		}
		off, err := ReadCalledOff(ctx, tx, s.Outbox, p)
		if err != nil {
			return err
		}
		for _, m := range append(slices.Clone(p.Mentors), p.Mentees...) {
			if err := off.Send(ctx, tx, now, Recipient(m.Email, m.Name, m.Lang, prog), m.UserID, "pair_ended",
				"name", m.Name, "program", prog.Name, "others", Names(p.Others(m.UserID))); err != nil {
				return err
			}
		}
		return nil
	})
}

// Candidate is an approved participant who could be placed in a new pair,
// with how many active pairs they already have.
type Candidate struct {
	Participant
	ActivePairs int
}

// Full reports whether the person cannot take another pair: a mentor at
// capacity, or a mentee already paired.
func (c Candidate) Full() bool {
	if c.Role == SideMentor {
		return c.ActivePairs >= c.Capacity
	}
	return c.ActivePairs > 0
}

// PairCandidates lists the program's approved mentors and mentees for the
// coordinator's pairing form.
func (s *Service) PairCandidates(ctx context.Context, actor *account.User, programID int64) (mentors, mentees []Candidate, err error) {
	if _, err := s.RequireCoordinator(ctx, actor, programID); err != nil {
		return nil, nil, err
	}
	ps, err := ListParticipants(ctx, s.DB, programID, ParticipantFilter{Status: StatusApproved})
	if err != nil {
		return nil, nil, err
	}
	counts := map[int64]int{}
	rows, err := s.DB.Query(ctx, `SELECT m.user_id, COUNT(*) FROM pair_members m JOIN pairs p ON p.id = m.pair_id
		WHERE p.program_id = ? AND p.status = 'active' GROUP BY m.user_id`, programID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, nil, err
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		c := Candidate{Participant: p, ActivePairs: counts[p.UserID]}
		if p.Role == SideMentor {
			mentors = append(mentors, c)
		} else {
			mentees = append(mentees, c)
		}
	}
	return mentors, mentees, nil
}

// OtherNames names the people on the other side from userID, for display.
func (p *Pair) OtherNames(userID int64) string { return Names(p.Others(userID)) }
