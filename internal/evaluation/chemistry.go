package evaluation

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/matching"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Chemistry answers: does the match feel right?
const (
	AnswerYes    = "yes"
	AnswerUnsure = "unsure"
	AnswerNo     = "no"
)

// Answers lists the chemistry answers in the order the form offers them.
var Answers = []string{AnswerYes, AnswerUnsure, AnswerNo}

// MaxCommentLen bounds the comment a person leaves for the coordinator.
const MaxCommentLen = 1000

// ChemistryAnswer is one person's own answer.
type ChemistryAnswer struct {
	Answer    string
	Comment   string // for the coordinator only
	UpdatedAt time.Time
}

// Chemistry is what one member of a pair sees of the chemistry check: only
// their own answer, never the other side's.
type Chemistry struct {
	Program      *program.Program
	Pair         *program.Pair
	Side         string
	FirstMeeting *time.Time // the first confirmed meeting that has begun; nil before it
	DueAt        time.Time  // zero before the first meeting
	Mine         *ChemistryAnswer
}

// Open reports whether the check can be answered: the pair is running and
// has met.
func (c *Chemistry) Open() bool { return c.Pair.Active() && c.FirstMeeting != nil }

// firstMeeting finds the start of the pair's first confirmed meeting that
// has begun by now.
func firstMeeting(ctx context.Context, q store.Q, pairID int64, now time.Time) (*time.Time, error) {
	var t time.Time
	err := q.QueryRow(ctx, `SELECT starts_at FROM meetings WHERE pair_id = ? AND status = 'confirmed' AND starts_at <= ?
		ORDER BY starts_at, id LIMIT 1`, pairID, now.UTC()).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t = t.UTC()
	return &t, nil
}

// myAnswer reads the person's chemistry answer for the pair, or nil.
func myAnswer(ctx context.Context, q store.Q, pairID, userID int64) (*ChemistryAnswer, error) {
	var a ChemistryAnswer
	err := q.QueryRow(ctx, `SELECT a.answer, a.comment, a.updated_at FROM chemistry_answers a
		JOIN checkpoints c ON c.id = a.checkpoint_id
		WHERE c.pair_id = ? AND c.kind = 'chemistry' AND a.user_id = ?`, pairID, userID).Scan(&a.Answer, &a.Comment, &a.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// Chemistry shows a member of the pair the check and their own answer.
// Coordinators get Forbidden: they see answers only as the program's alert
// list, never one person's answer.
func (s *Service) Chemistry(ctx context.Context, actor *account.User, pairID int64) (*Chemistry, error) {
	p, v, err := program.RequirePairMember(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	c := &Chemistry{Pair: p, Side: v.Side}
	if c.Program, err = program.Get(ctx, s.DB, p.ProgramID); err != nil {
		return nil, err
	}
	if c.FirstMeeting, err = firstMeeting(ctx, s.DB, pairID, s.Clock.Now()); err != nil {
		return nil, err
	}
	if c.FirstMeeting != nil {
		c.DueAt = c.FirstMeeting.Add(ChemistryWindow)
		var due time.Time
		err := s.DB.QueryRow(ctx, `SELECT due_at FROM checkpoints WHERE pair_id = ? AND kind = 'chemistry'`, pairID).Scan(&due)
		if err == nil {
			c.DueAt = due.UTC()
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	if c.Mine, err = myAnswer(ctx, s.DB, pairID, actor.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// AnswerChemistry records (or changes) a member's answer. A change to "no"
// emails the program's coordinators that someone in the pair answered no,
// with a link to the alert list and nothing else: not who, not the comment.
func (s *Service) AnswerChemistry(ctx context.Context, actor *account.User, pairID int64, answer, comment string) error {
	comment = strings.TrimSpace(comment)
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, _, err := program.RequirePairMember(ctx, tx, actor, pairID)
		if err != nil {
			return err
		}
		if err := p.Require(now, program.ActAnswer, "chemistry.error.ended"); err != nil {
			return err
		}
		var v errs.Validation
		v.Check(slices.Contains(Answers, answer), "answer", "chemistry.error.answer")
		v.Check(utf8.RuneCountInString(comment) <= MaxCommentLen, "comment", "error.too_long", "max", MaxCommentLen)
		if err := v.Err(); err != nil {
			return err
		}
		first, err := firstMeeting(ctx, tx, pairID, now)
		if err != nil {
			return err
		}
		if first == nil {
			return errs.E(errs.Conflict, "chemistry.error.too_early")
		}
		cpID, err := ensure(ctx, tx, pairID, KindChemistry, first.Add(ChemistryWindow))
		if err != nil {
			return err
		}
		before, err := myAnswer(ctx, tx, pairID, actor.ID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)
			ON CONFLICT (checkpoint_id, user_id) DO NOTHING`, cpID, actor.ID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO chemistry_answers (checkpoint_id, user_id, answer, comment, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (checkpoint_id, user_id)
			DO UPDATE SET answer = excluded.answer, comment = excluded.comment, updated_at = excluded.updated_at`,
			cpID, actor.ID, answer, comment, now); err != nil {
			return err
		}
		if err := emitAnswered(ctx, tx, now, p, KindChemistry, actor.ID); err != nil {
			return err
		}
		if answer != AnswerNo || (before != nil && before.Answer == AnswerNo) || s.Outbox == nil {
			return nil
		}
		prog, err := program.Get(ctx, tx, p.ProgramID)
		if err != nil {
			return err
		}
		coords, err := program.CoordinatorRecipients(ctx, tx, prog)
		if err != nil {
			return err
		}
		link := s.Outbox.Link(AlertsPath(prog.ID))
		for _, c := range coords {
			if err := s.Outbox.Send(ctx, tx, now, c, "chemistry_no", "name", c.Name, "program", prog.Name, "link", link); err != nil {
				return err
			}
		}
		return nil
	})
}

// AlertsPath is the site path of a program's chemistry alert list.
func AlertsPath(programID int64) string {
	return "/programs/" + strconv.FormatInt(programID, 10) + "/chemistry"
}

// PairChemistry is what a coordinator sees of one active pair's chemistry
// check: how many answered what, and the comments left for them, with no
// word of who gave which answer. Counting instead of naming is what lets a
// pair be ended without blame.
type PairChemistry struct {
	Pair            program.Pair
	Yes, Unsure, No int
	Comments        []string // oldest first, unattributed
	LastAnswerAt    time.Time
}

// MentorNames and MenteeNames name the two sides for display.
func (c PairChemistry) MentorNames() string { return program.Names(c.Pair.Mentors) }
func (c PairChemistry) MenteeNames() string { return program.Names(c.Pair.Mentees) }

// Alert reports whether the pair needs the coordinator's attention.
func (c PairChemistry) Alert() bool { return c.No > 0 || c.Unsure > 0 }

// ChemistryOverview lists, for the program's coordinators, every active pair
// in which someone has answered the chemistry check: those with a "no"
// first, then those with a "not sure", then the rest, most recent answers
// first within each group.
func (s *Service) ChemistryOverview(ctx context.Context, actor *account.User, programID int64) (*program.Program, []PairChemistry, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	out, err := chemistryOfProgram(ctx, s.DB, programID)
	return prog, out, err
}

func chemistryOfProgram(ctx context.Context, q store.Q, programID int64) ([]PairChemistry, error) {
	rows, err := q.Query(ctx, `SELECT c.pair_id, a.answer, a.comment, a.updated_at FROM chemistry_answers a
		JOIN checkpoints c ON c.id = a.checkpoint_id JOIN pairs p ON p.id = c.pair_id
		WHERE p.program_id = ? AND p.status = 'active' AND c.kind = 'chemistry'
		ORDER BY c.pair_id, a.updated_at, a.comment`, programID)
	if err != nil {
		return nil, err
	}
	byPair := map[int64]*PairChemistry{}
	for rows.Next() {
		var pairID int64
		var answer, comment string
		var at time.Time
		if err := rows.Scan(&pairID, &answer, &comment, &at); err != nil {
			rows.Close()
			return nil, err
		}
		c := byPair[pairID]
		if c == nil {
			c = &PairChemistry{}
			byPair[pairID] = c
		}
		switch answer {
		case AnswerYes:
			c.Yes++
		case AnswerUnsure:
			c.Unsure++
		case AnswerNo:
			c.No++
		}
		if comment != "" {
			c.Comments = append(c.Comments, comment)
		}
		if at.After(c.LastAnswerAt) {
			c.LastAnswerAt = at.UTC()
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(byPair) == 0 {
		return nil, nil
	}
	pairs, err := program.Pairs(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	var out []PairChemistry
	for _, p := range pairs {
		if c := byPair[p.ID]; c != nil {
			c.Pair = p
			out = append(out, *c)
		}
	}
	group := func(c PairChemistry) int {
		switch {
		case c.No > 0:
			return 0
		case c.Unsure > 0:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b PairChemistry) int {
		return cmp.Or(cmp.Compare(group(a), group(b)), b.LastAnswerAt.Compare(a.LastAnswerAt), cmp.Compare(a.Pair.ID, b.Pair.ID))
	})
	return out, nil
}

// AlertCount counts the program's active pairs in which someone answered
// the chemistry check "no" or "not sure". It does not check who asks.
func AlertCount(ctx context.Context, q store.Q, programID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(DISTINCT c.pair_id) FROM chemistry_answers a
		JOIN checkpoints c ON c.id = a.checkpoint_id JOIN pairs p ON p.id = c.pair_id
		WHERE p.program_id = ? AND p.status = 'active' AND c.kind = 'chemistry' AND a.answer IN ('no', 'unsure')`,
		programID).Scan(&n)
	return n, err
}

// Rematch ends a pair whose chemistry check raised a concern, without
// blame: both sides get a neutral email that names no answer, the two are
// never proposed to each other again in this program, and the mentee is
// back among those waiting for a mentor (their own suggestions in
// self-match, or the coordinator's next proposal). Only the program's
// coordinators may, and only for a pair in which someone answered "no" or
// "not sure"; other endings go through the pair list.
func (s *Service) Rematch(ctx context.Context, actor *account.User, programID, pairID int64) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.RequireCoordinatorTx(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		p, err := program.GetPair(ctx, tx, pairID)
		if err != nil {
			return err
		}
		if p.ProgramID != programID {
			return errs.E(errs.NotFound, "pair.error.not_found")
		}
		if err := p.Require(now, program.ActRematch, "chemistry.error.ended"); err != nil {
			return err
		}
		var concerns int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM chemistry_answers a JOIN checkpoints c ON c.id = a.checkpoint_id
			WHERE c.pair_id = ? AND c.kind = 'chemistry' AND a.answer IN ('no', 'unsure')`, pairID).Scan(&concerns); err != nil {
			return err
		}
		if concerns == 0 {
			return errs.E(errs.Conflict, "chemistry.error.no_concern")
		}
		// Ending, exclusions and emails commit together.
		ended, err := program.Close(ctx, tx, program.Ending{PairID: pairID, How: program.EndedByCoordinator, EndedBy: actor.ID, EndedAt: now, Return: program.ReturnRematch})
		if err != nil {
			return err
		}
		if !ended {
			return errs.E(errs.Conflict, "chemistry.error.ended")
		}
		for _, mentee := range p.Mentees {
			for _, mentor := range p.Mentors {
				if err := matching.AddExclusion(ctx, tx, programID, mentee.UserID, mentor.UserID); err != nil {
					return err
				}
			}
		}
		if s.Outbox == nil {
			return nil
		}
		off, err := program.ReadCalledOff(ctx, tx, s.Outbox, p)
		if err != nil {
			return err
		}
		link := s.Outbox.Link("/programs/" + strconv.FormatInt(programID, 10))
		for _, m := range append(slices.Clone(p.Mentors), p.Mentees...) {
			if err := off.Send(ctx, tx, now, program.Recipient(m.Email, m.Name, m.Lang, prog), m.UserID, "chemistry_rematch_"+m.Side,
				"name", m.Name, "program", prog.Name, "others", p.OtherNames(m.UserID), "link", link); err != nil {
				return err
			}
		}
		return nil
	})
}
