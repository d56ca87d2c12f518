package question

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Field is the form field (and the error's field) of a question's answer.
func Field(questionID int64) string { return "q." + strconv.FormatInt(questionID, 10) }

// For lists the questions of qs that a participant of role is asked.
func For(qs []Question, role string) []Question {
	var out []Question
	for _, q := range qs {
		if q.AskedOf(role) {
			out = append(out, q)
		}
	}
	return out
}

// Check validates the answers given (question id → the values submitted;
// several for a many-choice question) to the questions qs and returns
// them as stored. A question not in given is left as it was (have holds
// the stored answers); an empty answer clears it, unless the question is
// required. Errors name the field Field(id).
func Check(qs []Question, given map[int64][]string, have map[int64]string) (map[int64]string, error) {
	var v errs.Validation
	out := map[int64]string{}
	for _, q := range qs {
		vals, ok := given[q.ID]
		if !ok {
			if q.Required && have[q.ID] == "" {
				v.Add(Field(q.ID), "error.required")
			}
			continue
		}
		f := Field(q.ID)
		var clean []string
		for _, s := range vals {
			if s = strings.TrimSpace(s); s != "" {
				clean = append(clean, s)
			}
		}
		if len(clean) == 0 {
			v.Check(!q.Required, f, "error.required")
			out[q.ID] = ""
			continue
		}
		switch q.Kind {
		case KindShort, KindLong:
			text := strings.ReplaceAll(strings.Join(clean, "\n"), "\r\n", "\n")
			max := MaxLongAnswer
			if q.Kind == KindShort {
				max = MaxShortAnswer
				v.Check(!strings.Contains(text, "\n"), f, "question.error.one_line")
			}
			v.Check(utf8.RuneCountInString(text) <= max, f, "error.too_long", "max", max)
			out[q.ID] = text
		case KindNumber:
			n, ok := parseNumber(clean[0])
			v.Check(ok && len(clean) == 1, f, "question.error.number")
			out[q.ID] = strconv.FormatFloat(n, 'f', -1, 64)
		case KindDate:
			d, err := time.Parse(time.DateOnly, clean[0])
			v.Check(err == nil && len(clean) == 1 && d.Year() >= 1900 && d.Year() <= 2200, f, "question.error.date")
			out[q.ID] = clean[0]
		case KindOne, KindMany:
			var ids []string
			for _, s := range clean {
				id, err := strconv.ParseInt(s, 10, 64)
				_, known := q.option(id)
				if err != nil || !known {
					v.Add(f, "question.error.choice")
					break
				}
				if !slices.Contains(ids, s) {
					ids = append(ids, s)
				}
			}
			v.Check(q.Kind == KindMany || len(ids) <= 1, f, "question.error.choice_one")
			out[q.ID] = strings.Join(ids, ",")
		}
	}
	return out, v.Err()
}

// parseNumber reads a number written with a decimal point or comma (as
// Norwegian, Swedish and Indonesian write it) and spaces between thousands.
func parseNumber(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) > MaxNumberAnswer {
		return 0, false
	}
	return n, true
}

// Save writes checked answers of a participant (by participant id); an
// empty answer is removed. The caller runs it in its transaction.
func Save(ctx context.Context, tx *store.Tx, participantID int64, answers map[int64]string, now time.Time) error {
	ids := make([]int64, 0, len(answers))
	for id := range answers {
		ids = append(ids, id)
	}
	slices.Sort(ids) // a stable lock order
	for _, id := range ids {
		v := answers[id]
		if v == "" {
			if _, err := tx.Exec(ctx, `DELETE FROM program_question_answers WHERE question_id = ? AND participant_id = ?`, id, participantID); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO program_question_answers (question_id, participant_id, value, updated_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (question_id, participant_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			id, participantID, v, now); err != nil {
			return err
		}
	}
	return nil
}

// Mine is a participant's own questions and answers.
type Mine struct {
	Participant *program.Participant
	Questions   []Question       // those asked of their role
	Answers     map[int64]string // stored answers by question id
}

// Mine loads the questions the actor is asked in the program, with their
// answers.
func (s *Service) Mine(ctx context.Context, actor *account.User, programID int64) (*Mine, error) {
	return mine(ctx, s.DB, actor, programID)
}

func mine(ctx context.Context, q store.Q, actor *account.User, programID int64) (*Mine, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	part, err := program.GetParticipant(ctx, q, programID, actor.ID)
	if err != nil {
		return nil, err
	}
	qs, err := List(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	ans, err := AnswersOf(ctx, q, part.ID)
	if err != nil {
		return nil, err
	}
	if ans == nil {
		ans = map[int64]string{}
	}
	return &Mine{Participant: part, Questions: For(qs, part.Role), Answers: ans}, nil
}

// CheckMine validates the actor's answers without saving them, so a form
// that also saves the profile can report every problem at once.
func (s *Service) CheckMine(ctx context.Context, actor *account.User, programID int64, given map[int64][]string) error {
	m, err := mine(ctx, s.DB, actor, programID)
	if err != nil {
		return err
	}
	_, err = Check(m.Questions, given, m.Answers)
	return err
}

// SaveMine checks and saves the actor's own answers in the program. Invalid
// answers save nothing.
func (s *Service) SaveMine(ctx context.Context, actor *account.User, programID int64, given map[int64][]string) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		m, err := mine(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		for id := range given {
			if !slices.ContainsFunc(m.Questions, func(q Question) bool { return q.ID == id }) {
				var v errs.Validation
				v.Add(Field(id), "question.error.not_found")
				return v.Err()
			}
		}
		ans, err := Check(m.Questions, given, m.Answers)
		if err != nil {
			return err
		}
		return Save(ctx, tx, m.Participant.ID, ans, now)
	})
}

// Merge joins two validation errors into one, so a form shows every
// field's problem; either may be nil. An error that is not a validation
// error wins.
func Merge(a, b error) error {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	ea, okA := errs.As(a)
	eb, okB := errs.As(b)
	if !okA || ea.Kind != errs.Invalid {
		return a
	}
	if !okB || eb.Kind != errs.Invalid {
		return b
	}
	out := &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Fields: map[string]errs.Msg{}}
	for k, m := range eb.Fields {
		out.Fields[k] = m
	}
	for k, m := range ea.Fields {
		out.Fields[k] = m
	}
	return out
}
