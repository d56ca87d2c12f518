package evaluation

import (
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
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// OpenBefore is how long before its due date a check point can be
// answered: early enough for someone going on leave, late enough that the
// answer still says something about the period it asks about.
const OpenBefore = 7 * 24 * time.Hour

// MaxAnswerLen bounds a free-text answer or a goal comment.
const MaxAnswerLen = 2000

// Goal re-assessments in the final evaluation.
const (
	GoalReached    = "reached"
	GoalPartly     = "partly"
	GoalNotReached = "not_reached"
)

// GoalStatuses lists the re-assessments in the order the form offers them.
var GoalStatuses = []string{GoalReached, GoalPartly, GoalNotReached}

// Answer is one person's own answer to one question.
type Answer struct {
	Value *int // scale 1-5, yes 1 / no 0, or the option's index
	Text  string
}

// GoalReview is one person's re-assessment of a goal.
type GoalReview struct {
	GoalID  int64
	Title   string
	Status  string
	Comment string
}

// Form is what one member of a pair sees of a check point: the questions in
// their language and only their own answers.
type Form struct {
	Program   *program.Program
	Pair      *program.Pair
	Side      string
	Kind      string
	Lang      string
	DueAt     time.Time
	Scheduled bool
	Now       time.Time
	Submitted *time.Time
	// Sections are the questions the form asks, one section per check
	// point: those merged into this one first, in the order a pair meets
	// them, then its own. Questions holds them all, in the same order.
	Sections  []Section
	Questions []Question
	Mine      map[int64]Answer
	Goals     []goal.Goal // the pair's top-level goals, final evaluation only
	Reviews   map[int64]GoalReview
	// Adjustment says why this check point is not asked on its own, nil
	// when it is; IntoDue is when the one it was merged into falls due.
	Adjustment *Adjustment
	IntoDue    time.Time
}

// Section is the questions of one check point within a form.
type Section struct {
	Kind      string
	Questions []Question
}

// Carries reports whether the form asks the questions of kind.
func (f *Form) Carries(kind string) bool {
	for _, s := range f.Sections {
		if s.Kind == kind {
			return true
		}
	}
	return false
}

// OpensAt is the first moment the check point can be answered.
func (f *Form) OpensAt() time.Time { return f.DueAt.Add(-OpenBefore) }

// Open reports whether the person can answer now.
func (f *Form) Open() bool {
	return f.Scheduled && f.Adjustment == nil && f.Pair.Allows(f.Now, program.ActAnswer) && !f.Now.Before(f.OpensAt())
}

// checkpointID finds the pair's check point of kind, or 0 when it has not
// been scheduled.
func checkpointID(ctx context.Context, q store.Q, pairID int64, kind string) (int64, time.Time, error) {
	var id int64
	var due time.Time
	err := q.QueryRow(ctx, `SELECT id, due_at FROM checkpoints WHERE pair_id = ? AND kind = ?`, pairID, kind).Scan(&id, &due)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	return id, due.UTC(), err
}

// part is one check point a form answers: its row and its questions.
type part struct {
	kind string
	cpID int64
	qs   []Question
}

// formParts reads what answering kind for the pair covers: the check
// points merged into it, then itself; and the adjustment of kind, if any.
// A part whose check point is not scheduled has cpID 0.
func formParts(ctx context.Context, q store.Q, programID, pairID int64, kind string) ([]part, *Adjustment, error) {
	adj, err := Adjustments(ctx, q, pairID)
	if err != nil {
		return nil, nil, err
	}
	var parts []part
	for _, k := range QuestionKinds {
		a, ok := adj[k]
		if k != kind && !(ok && a.Merged() && a.Into == kind) {
			continue
		}
		p := part{kind: k}
		if p.cpID, _, err = checkpointID(ctx, q, pairID, k); err != nil {
			return nil, nil, err
		}
		if p.qs, err = ListQuestions(ctx, q, programID, k); err != nil {
			return nil, nil, err
		}
		parts = append(parts, p)
	}
	// The check point itself goes last: the merged ones come earlier in a
	// pair's life, and QuestionKinds is in that order.
	var own *Adjustment
	if a, ok := adj[kind]; ok {
		own = &a
	}
	return parts, own, nil
}

// answerLang is the language a person answers in: their own when the
// program's questions are written in it, else the program's.
func answerLang(actor *account.User, prog *program.Program) string {
	if i18n.Supported(actor.Language) {
		return actor.Language
	}
	return prog.DefaultLanguage
}

// Form shows a member of the pair a check point with their own answers.
// Coordinators get Forbidden: they see answers only as program results.
func (s *Service) Form(ctx context.Context, actor *account.User, pairID int64, kind string) (*Form, error) {
	p, v, err := program.RequirePairMember(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	if err := validKind(kind); err != nil {
		return nil, err
	}
	f := &Form{Pair: p, Side: v.Side, Kind: kind, Now: s.Clock.Now().UTC(), Mine: map[int64]Answer{}, Reviews: map[int64]GoalReview{}}
	if f.Program, err = program.Get(ctx, s.DB, p.ProgramID); err != nil {
		return nil, err
	}
	f.Lang = answerLang(actor, f.Program)
	// The form names its fields by question id, so the defaults are
	// written out before they are shown.
	written, err := questionsWritten(ctx, s.DB, p.ProgramID)
	if err != nil {
		return nil, err
	}
	if !written {
		if err := s.DB.Tx(ctx, func(tx *store.Tx) error { return EnsureQuestions(ctx, tx, p.ProgramID, f.Now) }); err != nil {
			return nil, err
		}
	}
	parts, adj, err := formParts(ctx, s.DB, p.ProgramID, pairID, kind)
	if err != nil {
		return nil, err
	}
	f.Adjustment = adj
	if adj != nil && adj.Merged() {
		if _, f.IntoDue, err = checkpointID(ctx, s.DB, pairID, adj.Into); err != nil {
			return nil, err
		}
	}
	var cpID int64
	for _, pt := range parts {
		f.Sections = append(f.Sections, Section{Kind: pt.kind, Questions: pt.qs})
		f.Questions = append(f.Questions, pt.qs...)
		if pt.kind == kind {
			cpID = pt.cpID
		}
	}
	if cpID != 0 {
		if _, f.DueAt, err = checkpointID(ctx, s.DB, pairID, kind); err != nil {
			return nil, err
		}
	}
	f.Scheduled = cpID != 0
	if kind == KindFinal {
		if f.Goals, err = goal.List(ctx, s.DB, pairID); err != nil {
			return nil, err
		}
	}
	if cpID == 0 {
		return f, nil
	}
	var at time.Time
	err = s.DB.QueryRow(ctx, `SELECT submitted_at FROM checkpoint_responses WHERE checkpoint_id = ? AND user_id = ?`,
		cpID, actor.ID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	at = at.UTC()
	f.Submitted = &at
	for _, pt := range parts {
		if pt.cpID == 0 {
			continue
		}
		if err := readMine(ctx, s.DB, pt.cpID, actor.ID, f); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func readMine(ctx context.Context, q store.Q, cpID, userID int64, f *Form) error {
	rows, err := q.Query(ctx, `SELECT question_id, value, text FROM evaluation_answers WHERE checkpoint_id = ? AND user_id = ?`, cpID, userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v sql.NullInt64
		var a Answer
		if err := rows.Scan(&id, &v, &a.Text); err != nil {
			return err
		}
		if v.Valid {
			n := int(v.Int64)
			a.Value = &n
		}
		f.Mine[id] = a
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows2, err := q.Query(ctx, `SELECT goal_id, goal_title, status, comment FROM evaluation_goal_reviews WHERE checkpoint_id = ? AND user_id = ?`, cpID, userID)
	if err != nil {
		return err
	}
	defer rows2.Close()
	for rows2.Next() {
		var r GoalReview
		if err := rows2.Scan(&r.GoalID, &r.Title, &r.Status, &r.Comment); err != nil {
			return err
		}
		f.Reviews[r.GoalID] = r
	}
	return rows2.Err()
}

// Submission is what a person sends: per question id the raw value (a
// number 1-5, "yes"/"no", the option's index, or the text) and, for the
// final evaluation, per goal id its re-assessment.
type Submission struct {
	Answers map[int64]string
	Goals   map[int64]GoalReview
}

// Field names the form and the validation errors use.
func QuestionField(id int64) string { return "q" + strconv.FormatInt(id, 10) }
func GoalField(id int64) string     { return "goal" + strconv.FormatInt(id, 10) }

// parse checks one answer against its question; a missing answer is nil.
func parse(qu Question, raw string, v *errs.Validation) *Answer {
	raw = strings.TrimSpace(raw)
	field := QuestionField(qu.ID)
	if raw == "" {
		v.Check(qu.Type == TypeText, field, "checkpoint.error.answer_required")
		return nil
	}
	switch qu.Type {
	case TypeText:
		if utf8.RuneCountInString(raw) > MaxAnswerLen {
			v.Add(field, "error.too_long", "max", MaxAnswerLen)
			return nil
		}
		return &Answer{Text: raw}
	case TypeYesNo:
		n := slices.Index([]string{"no", "yes"}, raw)
		if n < 0 {
			v.Add(field, "checkpoint.error.answer_yesno")
			return nil
		}
		return &Answer{Value: &n}
	default:
		n, err := strconv.Atoi(raw)
		lo, hi := 1, 5
		if qu.Type == TypeChoice {
			lo, hi = 0, qu.OptionCount-1
		}
		if err != nil || n < lo || n > hi {
			v.Add(field, "checkpoint.error.answer_"+qu.Type)
			return nil
		}
		return &Answer{Value: &n}
	}
}

// Submit records (or replaces) a member's answers to a check point. Only
// the person themself ever reads them back; coordinators see them only
// pooled into the program's results.
func (s *Service) Submit(ctx context.Context, actor *account.User, pairID int64, kind string, sub Submission) error {
	if err := validKind(kind); err != nil {
		return err
	}
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, _, err := program.RequirePairMember(ctx, tx, actor, pairID)
		if err != nil {
			return err
		}
		if !p.Allows(now, program.ActAnswer) {
			return errs.E(errs.Conflict, "checkpoint.error.ended")
		}
		if err := EnsureQuestions(ctx, tx, p.ProgramID, now); err != nil {
			return err
		}
		parts, adj, err := formParts(ctx, tx, p.ProgramID, pairID, kind)
		if err != nil {
			return err
		}
		if adj != nil {
			if adj.Merged() {
				return errs.E(errs.Conflict, "checkpoint.error.merged")
			}
			return errs.E(errs.Conflict, "checkpoint.error.dropped")
		}
		cpID, due, err := checkpointID(ctx, tx, pairID, kind)
		if err != nil {
			return err
		}
		if cpID == 0 {
			return errs.E(errs.Conflict, "checkpoint.error.not_scheduled")
		}
		if now.Before(due.Add(-OpenBefore)) {
			return errs.E(errs.Conflict, "checkpoint.error.not_open")
		}
		var qs []Question
		for _, pt := range parts {
			qs = append(qs, pt.qs...)
		}
		var v errs.Validation
		answers := make(map[int64]*Answer, len(qs))
		for _, qu := range qs {
			answers[qu.ID] = parse(qu, sub.Answers[qu.ID], &v)
		}
		var reviews []GoalReview
		if kind == KindFinal {
			goals, err := goal.List(ctx, tx, pairID)
			if err != nil {
				return err
			}
			for _, g := range goals {
				r := sub.Goals[g.ID]
				r.GoalID, r.Title, r.Comment = g.ID, g.Title, strings.TrimSpace(r.Comment)
				f := GoalField(g.ID)
				v.Check(slices.Contains(GoalStatuses, r.Status), f, "checkpoint.error.goal_status")
				v.Check(utf8.RuneCountInString(r.Comment) <= MaxAnswerLen, f+"_comment", "error.too_long", "max", MaxAnswerLen)
				reviews = append(reviews, r)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		// A new submission replaces the person's earlier one as a whole,
		// for every check point the form answers.
		for _, pt := range parts {
			if pt.cpID == 0 {
				continue
			}
			for _, table := range []string{"evaluation_answers", "evaluation_goal_reviews"} {
				if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE checkpoint_id = ? AND user_id = ?`, pt.cpID, actor.ID); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)
				ON CONFLICT (checkpoint_id, user_id) DO UPDATE SET submitted_at = excluded.submitted_at`,
				pt.cpID, actor.ID, now); err != nil {
				return err
			}
			for _, qu := range pt.qs {
				a := answers[qu.ID]
				if a == nil {
					continue
				}
				if _, err := tx.Exec(ctx, `INSERT INTO evaluation_answers (checkpoint_id, user_id, question_id, value, text) VALUES (?, ?, ?, ?, ?)`,
					pt.cpID, actor.ID, qu.ID, a.Value, a.Text); err != nil {
					return err
				}
			}
		}
		for _, r := range reviews {
			if _, err := tx.Exec(ctx, `INSERT INTO evaluation_goal_reviews (checkpoint_id, user_id, goal_id, goal_title, status, comment)
				VALUES (?, ?, ?, ?, ?, ?)`, cpID, actor.ID, r.GoalID, r.Title, r.Status, r.Comment); err != nil {
				return err
			}
		}
		return emitAnswered(ctx, tx, now, p, kind, actor.ID)
	})
}

// emitAnswered tells the program's webhooks who answered which check
// point and when; the answers are the pair's and never leave.
func emitAnswered(ctx context.Context, tx store.Q, now time.Time, p *program.Pair, kind string, userID int64) error {
	return webhook.Emit(ctx, tx, now, p.ProgramID, webhook.CheckpointAnswered, map[string]any{
		"pair_id": p.ID, "program_id": p.ProgramID, "kind": kind, "user_id": userID, "answered_at": now.UTC().Format(time.RFC3339)})
}
