package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Question types.
const (
	TypeScale  = "scale" // 1 to 5
	TypeYesNo  = "yesno"
	TypeChoice = "choice" // one of the question's options
	TypeText   = "text"
)

// Types lists the question types in the order the editor offers them.
var Types = []string{TypeScale, TypeYesNo, TypeChoice, TypeText}

// QuestionKinds are the check points answered with a program's questions;
// the chemistry check has its own fixed question.
var QuestionKinds = []string{KindFollowup, KindMidpoint, KindFinal}

// Limits on what a coordinator writes.
const (
	MaxPrompt    = 500
	MaxOptions   = 10
	MaxOptionLen = 200
	MaxQuestions = 30 // live questions per check point
)

// Text is a question's wording in one language.
type Text struct {
	Prompt  string
	Options []string
}

// Question is one evaluation question with its wording in every language.
type Question struct {
	ID          int64
	Kind, Type  string
	OptionCount int
	Position    int
	Texts       map[string]Text
}

// In gives the wording in lang, or in English when lang has none.
func (q Question) In(lang string) Text {
	if t, ok := q.Texts[lang]; ok {
		return t
	}
	return q.Texts["en"]
}

func validKind(kind string) error {
	if !slices.Contains(QuestionKinds, kind) {
		return errs.E(errs.NotFound, "checkpoint.error.kind")
	}
	return nil
}

// EnsureQuestions writes the default questions out for a program the first
// time it needs ids for them: when a coordinator edits or a person answers.
// Two callers racing both end with the one set, as the settings row is the
// claim.
func EnsureQuestions(ctx context.Context, q store.Q, programID int64, now time.Time) error {
	res, err := q.Exec(ctx, `INSERT INTO evaluation_settings (program_id, share_text, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (program_id) DO NOTHING`, programID, false, now.UTC())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	for _, kind := range QuestionKinds {
		for i, d := range defaultQuestions[kind] {
			if _, err := insertQuestion(ctx, q, programID, kind, d.Type, len(d.Options["en"]), i+1, d.texts(), now); err != nil {
				return err
			}
		}
	}
	return nil
}

func insertQuestion(ctx context.Context, q store.Q, programID int64, kind, typ string, options, position int, texts map[string]Text, now time.Time) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO evaluation_questions (program_id, kind, qtype, option_count, position, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, programID, kind, typ, options, position, now.UTC()).Scan(&id)
	if err != nil {
		return 0, err
	}
	for _, lang := range i18n.Languages {
		t := texts[lang]
		if _, err := q.Exec(ctx, `INSERT INTO evaluation_question_texts (question_id, language, prompt, options) VALUES (?, ?, ?, ?)`,
			id, lang, t.Prompt, strings.Join(t.Options, "\n")); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// ListQuestions reads a program's live questions for one check point in
// order. A program whose questions were never written out gets the
// defaults, with no ids.
func ListQuestions(ctx context.Context, q store.Q, programID int64, kind string) ([]Question, error) {
	qs, err := readQuestions(ctx, q, `q.program_id = ? AND q.kind = ? AND q.removed_at IS NULL`, programID, kind)
	if err != nil || len(qs) > 0 {
		return qs, err
	}
	if written, err := questionsWritten(ctx, q, programID); err != nil || written {
		return qs, err
	}
	for i, d := range defaultQuestions[kind] {
		qs = append(qs, Question{Kind: kind, Type: d.Type, OptionCount: len(d.Options["en"]), Position: i + 1, Texts: d.texts()})
	}
	return qs, nil
}

func questionsWritten(ctx context.Context, q store.Q, programID int64) (bool, error) {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM evaluation_settings WHERE program_id = ?`, programID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// readQuestions reads questions matching where (over alias q) with all
// their texts, in order.
func readQuestions(ctx context.Context, db store.Q, where string, args ...any) ([]Question, error) {
	rows, err := db.Query(ctx, `SELECT q.id, q.kind, q.qtype, q.option_count, q.position, t.language, t.prompt, t.options
		FROM evaluation_questions q JOIN evaluation_question_texts t ON t.question_id = q.id
		WHERE `+where+` ORDER BY q.kind, q.position, q.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var qu Question
		var lang, prompt, options string
		if err := rows.Scan(&qu.ID, &qu.Kind, &qu.Type, &qu.OptionCount, &qu.Position, &lang, &prompt, &options); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != qu.ID {
			qu.Texts = map[string]Text{}
			out = append(out, qu)
		}
		t := Text{Prompt: prompt}
		if options != "" {
			t.Options = strings.Split(options, "\n")
		}
		out[len(out)-1].Texts[lang] = t
	}
	return out, rows.Err()
}

// ShareText reports whether the program lets coordinators read free-text
// answers (never attributed to anyone).
func ShareText(ctx context.Context, q store.Q, programID int64) (bool, error) {
	var share bool
	err := q.QueryRow(ctx, `SELECT share_text FROM evaluation_settings WHERE program_id = ?`, programID).Scan(&share)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return share, err
}

// QuestionSet is what the coordinator edits: one check point's questions
// of a program.
type QuestionSet struct {
	Program   *program.Program
	Kind      string
	Questions []Question
	ShareText bool
}

// Questions shows a coordinator the questions of one check point.
func (s *Service) Questions(ctx context.Context, actor *account.User, programID int64, kind string) (*QuestionSet, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, err
	}
	if err := validKind(kind); err != nil {
		return nil, err
	}
	// The editor names its forms by question id, so the defaults are
	// written out before the coordinator sees them.
	now := s.Clock.Now().UTC()
	if err := s.DB.Tx(ctx, func(tx *store.Tx) error { return EnsureQuestions(ctx, tx, programID, now) }); err != nil {
		return nil, err
	}
	set := &QuestionSet{Program: prog, Kind: kind}
	if set.Questions, err = ListQuestions(ctx, s.DB, programID, kind); err != nil {
		return nil, err
	}
	if set.ShareText, err = ShareText(ctx, s.DB, programID); err != nil {
		return nil, err
	}
	return set, nil
}

// QuestionInput is a question's wording in one language as the coordinator
// typed it; options one per line.
type QuestionInput struct {
	Type    string // only read when adding
	Prompt  string
	Options string
}

func splitOptions(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// check validates the wording for a question of type typ; want is the
// number of options the question already has, or -1 when adding.
func (in QuestionInput) check(typ string, want int) (Text, error) {
	t := Text{Prompt: strings.TrimSpace(in.Prompt)}
	var v errs.Validation
	v.Check(slices.Contains(Types, typ), "type", "checkpoint.error.type")
	v.Check(t.Prompt != "", "prompt", "error.required")
	v.Check(utf8.RuneCountInString(t.Prompt) <= MaxPrompt, "prompt", "error.too_long", "max", MaxPrompt)
	if typ == TypeChoice {
		t.Options = splitOptions(in.Options)
		n := len(t.Options)
		v.Check(n >= 2 && n <= MaxOptions, "options", "checkpoint.error.options", "max", MaxOptions)
		for _, o := range t.Options {
			v.Check(utf8.RuneCountInString(o) <= MaxOptionLen, "options", "error.too_long", "max", MaxOptionLen)
		}
		if want >= 0 && n >= 2 && n != want {
			v.Add("options", "checkpoint.error.options_count", "count", want)
		}
	}
	return t, v.Err()
}

// editQuestions runs fn for a coordinator of the program with the program's
// questions written out.
func (s *Service) editQuestions(ctx context.Context, actor *account.User, programID int64, fn func(tx *store.Tx, now time.Time) error) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := program.RequireCoordinatorTx(ctx, tx, actor, programID); err != nil {
			return err
		}
		if err := EnsureQuestions(ctx, tx, programID, now); err != nil {
			return err
		}
		return fn(tx, now)
	})
}

// AddQuestion appends a question to a check point. The wording is given in
// one language and starts the same in the others, for the coordinator to
// translate.
func (s *Service) AddQuestion(ctx context.Context, actor *account.User, programID int64, kind, lang string, in QuestionInput) (int64, error) {
	if err := validKind(kind); err != nil {
		return 0, err
	}
	if !i18n.Supported(lang) {
		return 0, errs.E(errs.Invalid, "checkpoint.error.language")
	}
	var id int64
	err := s.editQuestions(ctx, actor, programID, func(tx *store.Tx, now time.Time) error {
		t, err := in.check(in.Type, -1)
		if err != nil {
			return err
		}
		var n, last int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(position), 0) FROM evaluation_questions
			WHERE program_id = ? AND kind = ? AND removed_at IS NULL`, programID, kind).Scan(&n, &last); err != nil {
			return err
		}
		if n >= MaxQuestions {
			return errs.E(errs.Conflict, "checkpoint.error.too_many", "max", MaxQuestions)
		}
		texts := map[string]Text{}
		for _, l := range i18n.Languages {
			texts[l] = t
		}
		id, err = insertQuestion(ctx, tx, programID, kind, in.Type, len(t.Options), last+1, texts, now)
		return err
	})
	return id, err
}

// liveQuestion loads a question of the program that has not been removed.
func liveQuestion(ctx context.Context, q store.Q, programID, questionID int64) (*Question, error) {
	qs, err := readQuestions(ctx, q, `q.id = ? AND q.program_id = ? AND q.removed_at IS NULL`, questionID, programID)
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, errs.E(errs.NotFound, "checkpoint.error.question_not_found")
	}
	return &qs[0], nil
}

// EditQuestion rewords a question in one language. Its type and number of
// options stay, so answers already given keep their meaning.
func (s *Service) EditQuestion(ctx context.Context, actor *account.User, programID, questionID int64, lang string, in QuestionInput) error {
	if !i18n.Supported(lang) {
		return errs.E(errs.Invalid, "checkpoint.error.language")
	}
	return s.editQuestions(ctx, actor, programID, func(tx *store.Tx, now time.Time) error {
		qu, err := liveQuestion(ctx, tx, programID, questionID)
		if err != nil {
			return err
		}
		t, err := in.check(qu.Type, qu.OptionCount)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE evaluation_question_texts SET prompt = ?, options = ? WHERE question_id = ? AND language = ?`,
			t.Prompt, strings.Join(t.Options, "\n"), questionID, lang)
		return err
	})
}

// MoveQuestion swaps a question with its neighbour above (up) or below.
func (s *Service) MoveQuestion(ctx context.Context, actor *account.User, programID, questionID int64, up bool) error {
	return s.editQuestions(ctx, actor, programID, func(tx *store.Tx, now time.Time) error {
		qu, err := liveQuestion(ctx, tx, programID, questionID)
		if err != nil {
			return err
		}
		qs, err := readQuestions(ctx, tx, `q.program_id = ? AND q.kind = ? AND q.removed_at IS NULL`, programID, qu.Kind)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(qs, func(x Question) bool { return x.ID == questionID })
		j := i + 1
		if up {
			j = i - 1
		}
		if j < 0 || j >= len(qs) {
			return nil // already first or last: nothing to do
		}
		// Positions are renumbered from the list so that gaps left by
		// removed questions never make a move a no-op.
		qs[i], qs[j] = qs[j], qs[i]
		for k, x := range qs {
			if _, err := tx.Exec(ctx, `UPDATE evaluation_questions SET position = ? WHERE id = ?`, k+1, x.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// RemoveQuestion takes a question off the check point. Answers already
// given to it are kept, not shown.
func (s *Service) RemoveQuestion(ctx context.Context, actor *account.User, programID, questionID int64) error {
	return s.editQuestions(ctx, actor, programID, func(tx *store.Tx, now time.Time) error {
		if _, err := liveQuestion(ctx, tx, programID, questionID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE evaluation_questions SET removed_at = ? WHERE id = ?`, now, questionID)
		return err
	})
}

// SetShareText says whether the program's coordinators may read free-text
// answers.
func (s *Service) SetShareText(ctx context.Context, actor *account.User, programID int64, share bool) error {
	return s.editQuestions(ctx, actor, programID, func(tx *store.Tx, now time.Time) error {
		_, err := tx.Exec(ctx, `UPDATE evaluation_settings SET share_text = ?, updated_at = ? WHERE program_id = ?`, share, now, programID)
		return err
	})
}
