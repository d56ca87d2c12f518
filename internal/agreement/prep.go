package agreement

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// MaxAnswer bounds one preparation answer.
const MaxAnswer = 5000

// Answer is what a person wrote to one question, with the question as they
// saw it, so an answer stays readable after the coordinator changes or
// removes the question.
type Answer struct {
	Question string `json:"question"`
	Text     string `json:"text"`
}

// PrepQuestion is a question as one person sees it.
type PrepQuestion struct {
	Key  string
	Text string
}

// Preparation is one person's private preparation for their pair.
type Preparation struct {
	Pair      *program.Pair
	Side      string
	Questions []PrepQuestion      // the questions for the person's side, in their language
	Answers   map[string]string   // key → text, for the current questions
	Earlier   []Answer            // answers to questions no longer asked, kept
	UpdatedAt *time.Time          // nil before the first save
	stored    map[string]Answer   // everything saved, by key
	byKey     map[string]Question // the current questions by key
}

// prepAnswers reads a person's saved answers.
func prepAnswers(ctx context.Context, q store.Q, pairID, userID int64) (map[string]Answer, *time.Time, error) {
	var raw string
	var at time.Time
	err := q.QueryRow(ctx, `SELECT answers, updated_at FROM agreement_preparations WHERE pair_id = ? AND user_id = ?`,
		pairID, userID).Scan(&raw, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return map[string]Answer{}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	out := map[string]Answer{}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, nil, err
	}
	return out, &at, nil
}

func loadPreparation(ctx context.Context, q store.Q, p *program.Pair, userID int64, l *i18n.Locale) (*Preparation, error) {
	t, err := TemplateFor(ctx, q, p.ProgramID)
	if err != nil {
		return nil, err
	}
	stored, at, err := prepAnswers(ctx, q, p.ID, userID)
	if err != nil {
		return nil, err
	}
	prep := &Preparation{Pair: p, Side: p.SideOf(userID), Answers: map[string]string{}, UpdatedAt: at,
		stored: stored, byKey: map[string]Question{}}
	for _, qu := range t.Questions {
		if !qu.For(prep.Side) {
			continue
		}
		prep.byKey[qu.Key] = qu
		prep.Questions = append(prep.Questions, PrepQuestion{Key: qu.Key, Text: QuestionText(qu, l)})
		if a, ok := stored[qu.Key]; ok {
			prep.Answers[qu.Key] = a.Text
		}
	}
	for _, qu := range t.Questions { // keep the template's order for the earlier answers too
		if a, ok := stored[qu.Key]; ok && !qu.For(prep.Side) && a.Text != "" {
			prep.Earlier = append(prep.Earlier, a)
		}
	}
	var gone []string
	for key, a := range stored {
		if !templateHas(t, key) && a.Text != "" {
			gone = append(gone, key)
		}
	}
	slices.Sort(gone) // a stable order between visits
	for _, key := range gone {
		prep.Earlier = append(prep.Earlier, stored[key])
	}
	return prep, nil
}

func templateHas(t *Template, key string) bool {
	for _, q := range t.Questions {
		if q.Key == key {
			return true
		}
	}
	return false
}

// Preparation loads the actor's own preparation for a pair, with the
// questions in the locale's language. Only the person themselves ever sees
// it: the other side and coordinators get the same errors as for any pair
// content.
func (s *Service) Preparation(ctx context.Context, actor *account.User, pairID int64, l *i18n.Locale) (*Preparation, error) {
	p, _, err := program.RequirePairMember(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	return loadPreparation(ctx, s.DB, p, actor.ID, l)
}

// SavePreparation stores the actor's answers, keyed by question. Answers to
// questions that are no longer asked are kept as they were. A key that is
// not one of the person's questions is refused.
func (s *Service) SavePreparation(ctx context.Context, actor *account.User, pairID int64, l *i18n.Locale, answers map[string]string) (*Preparation, error) {
	now := s.Clock.Now().UTC()
	var out *Preparation
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, _, err := program.RequirePairMember(ctx, tx, actor, pairID)
		if err != nil {
			return err
		}
		if err := p.Require(now, program.ActDraft, "agreement.error.pair_ended"); err != nil {
			return err
		}
		prep, err := loadPreparation(ctx, tx, p, actor.ID, l)
		if err != nil {
			return err
		}
		var v errs.Validation
		merged := prep.stored
		for key, text := range answers {
			qu, ok := prep.byKey[key]
			if !ok {
				v.Add(key, "agreement.error.no_question")
				continue
			}
			text = cleanText(text)
			v.Check(utf8.RuneCountInString(text) <= MaxAnswer, key, "error.too_long", "max", MaxAnswer)
			merged[key] = Answer{Question: QuestionText(qu, l), Text: text}
		}
		if err := v.Err(); err != nil {
			return err
		}
		body, err := json.Marshal(merged)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_preparations (pair_id, user_id, answers, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (pair_id, user_id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at`,
			pairID, actor.ID, string(body), now); err != nil {
			return err
		}
		out, err = loadPreparation(ctx, tx, p, actor.ID, l)
		return err
	})
	return out, err
}
