package question

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Service is the use cases of a program's questions.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
}

// Editor is what a coordinator edits: the program and all its questions,
// removed ones last, each with how many people answered it.
type Editor struct {
	Program   *program.Program
	Questions []Question
}

// Live is the questions not removed.
func (e *Editor) Live() []Question {
	var out []Question
	for _, q := range e.Questions {
		if q.Archived == nil {
			out = append(out, q)
		}
	}
	return out
}

// Removed is the removed questions, kept for their answers.
func (e *Editor) Removed() []Question {
	var out []Question
	for _, q := range e.Questions {
		if q.Archived != nil {
			out = append(out, q)
		}
	}
	return out
}

// Editor shows a program's questions to its coordinators.
func (s *Service) Editor(ctx context.Context, actor *account.User, programID int64) (*Editor, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, err
	}
	qs, err := ListAll(ctx, s.DB, programID)
	if err != nil {
		return nil, err
	}
	counts, err := answerCounts(ctx, s.DB, `q.program_id = ?`, programID)
	if err != nil {
		return nil, err
	}
	for k := range qs {
		qs[k].Answers = counts[qs[k].ID]
	}
	return &Editor{Program: prog, Questions: qs}, nil
}

func answerCounts(ctx context.Context, db store.Q, where string, args ...any) (map[int64]int, error) {
	rows, err := db.Query(ctx, `SELECT a.question_id, COUNT(*) FROM program_question_answers a
		JOIN program_questions q ON q.id = a.question_id WHERE `+where+` GROUP BY a.question_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Input is a question as the coordinator typed it, its texts in one
// language; options one per line.
type Input struct {
	Kind       string // only read when adding
	Label      string
	Help       string
	Options    string
	Required   bool
	Audience   string
	Visibility string
	Reporting  bool
}

func splitLines(s string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// check validates the input for a question of kind; the options come back
// cleaned.
func (in Input) check(kind string) ([]string, error) {
	var v errs.Validation
	v.Check(slices.Contains(Kinds, kind), "kind", "question.error.kind")
	label := strings.TrimSpace(in.Label)
	v.Check(label != "", "label", "error.required")
	v.Check(utf8.RuneCountInString(label) <= MaxLabel, "label", "error.too_long", "max", MaxLabel)
	v.Check(utf8.RuneCountInString(strings.TrimSpace(in.Help)) <= MaxHelp, "help", "error.too_long", "max", MaxHelp)
	v.Check(slices.Contains(Audiences, in.Audience), "audience", "error.choice_invalid")
	v.Check(slices.Contains(Visibilities, in.Visibility), "visibility", "error.choice_invalid")
	var opts []string
	if kind == KindOne || kind == KindMany {
		opts = splitLines(in.Options)
		v.Check(len(opts) >= 2 && len(opts) <= MaxOptions, "options", "question.error.options", "max", MaxOptions)
		for _, o := range opts {
			v.Check(utf8.RuneCountInString(o) <= MaxOptionLen, "options", "error.too_long", "max", MaxOptionLen)
		}
		for k, o := range opts {
			v.Check(!slices.Contains(opts[:k], o), "options", "question.error.options_twice", "option", o)
		}
	}
	return opts, v.Err()
}

// edit runs fn in a transaction for a coordinator of the program.
func (s *Service) edit(ctx context.Context, actor *account.User, programID int64, fn func(tx *store.Tx, prog *program.Program, now time.Time) error) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := program.RequireCoordinatorTx(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		return fn(tx, prog, now)
	})
}

func checkLang(lang string) error {
	if !i18n.Supported(lang) {
		return errs.E(errs.Invalid, "question.error.language")
	}
	return nil
}

// Add appends a question to the program, its texts in lang; the other
// languages show them until the coordinator translates.
func (s *Service) Add(ctx context.Context, actor *account.User, programID int64, lang string, in Input) (int64, error) {
	if err := checkLang(lang); err != nil {
		return 0, err
	}
	var id int64
	err := s.edit(ctx, actor, programID, func(tx *store.Tx, _ *program.Program, now time.Time) error {
		opts, err := in.check(in.Kind)
		if err != nil {
			return err
		}
		var n, last int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(position), 0) FROM program_questions
			WHERE program_id = ? AND archived_at IS NULL`, programID).Scan(&n, &last); err != nil {
			return err
		}
		if n >= MaxQuestions {
			return errs.E(errs.Conflict, "question.error.too_many", "max", MaxQuestions)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO program_questions (program_id, kind, label, help, required, audience,
			visibility, reporting, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			programID, in.Kind, Labels{lang: in.Label}.encode(), Labels{lang: in.Help}.encode(), in.Required, in.Audience,
			in.Visibility, in.Reporting, last+1, now, now).Scan(&id); err != nil {
			return err
		}
		for k, o := range opts {
			if _, err := insertOption(ctx, tx, id, k+1, Labels{lang: o}); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

func insertOption(ctx context.Context, tx *store.Tx, questionID int64, position int, label Labels) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO program_question_options (question_id, position, label) VALUES (?, ?, ?) RETURNING id`,
		questionID, position, label.encode()).Scan(&id)
	return id, err
}

// live loads a question of the program that has not been removed.
func live(ctx context.Context, q store.Q, programID, questionID int64) (*Question, error) {
	qs, err := list(ctx, q, `q.id = ? AND q.program_id = ? AND q.archived_at IS NULL`, questionID, programID)
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, errs.E(errs.NotFound, "question.error.not_found")
	}
	return &qs[0], nil
}

// Get loads one live question of the program for its coordinators, with
// how many people answered it.
func (s *Service) Get(ctx context.Context, actor *account.User, programID, questionID int64) (*program.Program, *Question, error) {
	prog, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	qu, err := live(ctx, s.DB, programID, questionID)
	if err != nil {
		return nil, nil, err
	}
	counts, err := answerCounts(ctx, s.DB, `q.id = ?`, questionID)
	if err != nil {
		return nil, nil, err
	}
	qu.Answers = counts[questionID]
	return prog, qu, nil
}

// Edit changes a question: its texts in lang and its settings. Its kind
// stays, so answers keep their meaning. Options are matched by their line:
// lines beyond the existing options add options; an option left out is
// removed only when nobody chose it.
func (s *Service) Edit(ctx context.Context, actor *account.User, programID, questionID int64, lang string, in Input) error {
	if err := checkLang(lang); err != nil {
		return err
	}
	return s.edit(ctx, actor, programID, func(tx *store.Tx, _ *program.Program, now time.Time) error {
		qu, err := live(ctx, tx, programID, questionID)
		if err != nil {
			return err
		}
		opts, err := in.check(qu.Kind)
		if err != nil {
			return err
		}
		if len(opts) < len(qu.Options) {
			used, err := usedOptions(ctx, tx, *qu)
			if err != nil {
				return err
			}
			for _, o := range qu.Options[len(opts):] {
				if used[o.ID] > 0 {
					var v errs.Validation
					v.Add("options", "question.error.option_answered", "option", qu.OptionText(o, lang), "count", used[o.ID])
					return v.Err()
				}
			}
		}
		qu.Label[lang], qu.Help[lang] = strings.TrimSpace(in.Label), strings.TrimSpace(in.Help)
		if _, err := tx.Exec(ctx, `UPDATE program_questions SET label = ?, help = ?, required = ?, audience = ?,
			visibility = ?, reporting = ?, updated_at = ? WHERE id = ?`,
			qu.Label.encode(), qu.Help.encode(), in.Required, in.Audience, in.Visibility, in.Reporting, now, questionID); err != nil {
			return err
		}
		for k, text := range opts {
			if k < len(qu.Options) {
				o := qu.Options[k]
				o.Label[lang] = text
				if _, err := tx.Exec(ctx, `UPDATE program_question_options SET label = ? WHERE id = ?`, o.Label.encode(), o.ID); err != nil {
					return err
				}
				continue
			}
			if _, err := insertOption(ctx, tx, questionID, k+1, Labels{lang: text}); err != nil {
				return err
			}
		}
		if len(opts) < len(qu.Options) {
			for _, o := range qu.Options[len(opts):] {
				if _, err := tx.Exec(ctx, `DELETE FROM program_question_options WHERE id = ?`, o.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// usedOptions counts the answers choosing each option of qu.
func usedOptions(ctx context.Context, q store.Q, qu Question) (map[int64]int, error) {
	rows, err := q.Query(ctx, `SELECT value FROM program_question_answers WHERE question_id = ?`, qu.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		for _, id := range qu.Chosen(v) {
			out[id]++
		}
	}
	return out, rows.Err()
}

// Move swaps a question with its neighbour above (up) or below.
func (s *Service) Move(ctx context.Context, actor *account.User, programID, questionID int64, up bool) error {
	return s.edit(ctx, actor, programID, func(tx *store.Tx, _ *program.Program, now time.Time) error {
		if _, err := live(ctx, tx, programID, questionID); err != nil {
			return err
		}
		qs, err := List(ctx, tx, programID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(qs, func(x Question) bool { return x.ID == questionID })
		j := i + 1
		if up {
			j = i - 1
		}
		if j < 0 || j >= len(qs) {
			return nil // already first or last
		}
		qs[i], qs[j] = qs[j], qs[i]
		for k, x := range qs {
			if _, err := tx.Exec(ctx, `UPDATE program_questions SET position = ? WHERE id = ?`, k+1, x.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// Remove takes a question off the forms, the lists, matching and the
// report. The answers already given are kept, not lost: each person still
// finds theirs in their data download, and Restore brings the question
// back with them. It returns how many answers the question had.
func (s *Service) Remove(ctx context.Context, actor *account.User, programID, questionID int64) (int, error) {
	var n int
	err := s.edit(ctx, actor, programID, func(tx *store.Tx, _ *program.Program, now time.Time) error {
		if _, err := live(ctx, tx, programID, questionID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM program_question_answers WHERE question_id = ?`, questionID).Scan(&n); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE program_questions SET archived_at = ?, updated_at = ? WHERE id = ?`, now, now, questionID)
		return err
	})
	return n, err
}

// Restore puts a removed question back at the end of the list, with its
// answers.
func (s *Service) Restore(ctx context.Context, actor *account.User, programID, questionID int64) error {
	return s.edit(ctx, actor, programID, func(tx *store.Tx, _ *program.Program, now time.Time) error {
		var n, last int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(position), 0) FROM program_questions
			WHERE program_id = ? AND archived_at IS NULL`, programID).Scan(&n, &last); err != nil {
			return err
		}
		if n >= MaxQuestions {
			return errs.E(errs.Conflict, "question.error.too_many", "max", MaxQuestions)
		}
		res, err := tx.Exec(ctx, `UPDATE program_questions SET archived_at = NULL, position = ?, updated_at = ?
			WHERE id = ? AND program_id = ? AND archived_at IS NOT NULL`, last+1, now, questionID, programID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return errs.E(errs.NotFound, "question.error.not_found")
		}
		return nil
	})
}

// Criterion is how a choice question counts in matching.
type Criterion struct {
	Mode   string
	Weight int
	// Points by [mentee option, mentor option], 0..100; read for the
	// table mode only.
	Points map[[2]int64]int
}

// SetCriterion makes a choice question a matching criterion, changes how
// it counts, or (Mode "" or Weight 0) takes it out of matching.
func (s *Service) SetCriterion(ctx context.Context, actor *account.User, programID, questionID int64, c Criterion) error {
	return s.edit(ctx, actor, programID, func(tx *store.Tx, _ *program.Program, now time.Time) error {
		qu, err := live(ctx, tx, programID, questionID)
		if err != nil {
			return err
		}
		var v errs.Validation
		v.Check(slices.Contains(MatchModes, c.Mode), "match_mode", "error.choice_invalid")
		v.Check(c.Mode == MatchNone || qu.Choice(), "match_mode", "question.error.match_choice")
		v.Check(c.Weight >= 0 && c.Weight <= MaxWeight, "match_weight", "question.error.weight", "max", MaxWeight)
		if c.Mode == MatchTable {
			for k, p := range c.Points {
				_, okA := qu.option(k[0])
				_, okB := qu.option(k[1])
				v.Check(okA && okB, "points", "question.error.points_option")
				v.Check(p >= 0 && p <= MaxPoints, "points", "question.error.points", "max", MaxPoints)
			}
		}
		if c.Mode == MatchNone {
			c.Weight = 0
		}
		if err := v.Err(); err != nil {
			return err
		}
		if c.Mode != MatchNone && c.Weight > 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM program_questions WHERE program_id = ? AND id <> ?
				AND archived_at IS NULL AND match_mode <> '' AND match_weight > 0`, programID, questionID).Scan(&n); err != nil {
				return err
			}
			if n >= MaxMatching {
				return errs.E(errs.Conflict, "question.error.too_many_matching", "max", MaxMatching)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE program_questions SET match_mode = ?, match_weight = ?, updated_at = ? WHERE id = ?`,
			c.Mode, c.Weight, now, questionID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM program_question_pairs WHERE question_id = ?`, questionID); err != nil {
			return err
		}
		if c.Mode != MatchTable {
			return nil
		}
		for k, p := range c.Points {
			if p == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO program_question_pairs (question_id, mentee_option, mentor_option, points)
				VALUES (?, ?, ?, ?)`, questionID, k[0], k[1], p); err != nil {
				return err
			}
		}
		return nil
	})
}

// CopyToProgram copies the live questions of program from into program to,
// with their options, settings and matching tables, after any questions to
// already has; never the answers. The caller has checked who is asking and
// runs it in its transaction.
func CopyToProgram(ctx context.Context, tx *store.Tx, from, to int64) error {
	specs, err := Specs(ctx, tx, from)
	if err != nil {
		return err
	}
	var now time.Time
	if err := tx.QueryRow(ctx, `SELECT updated_at FROM programs WHERE id = ?`, to).Scan(&now); err != nil {
		return err
	}
	return AddSpecs(ctx, tx, to, specs, now)
}

// Spec is a question as a saved program template keeps it: its settings
// and wording without ids, options by their place in the list.
type Spec struct {
	Kind        string   `json:"kind"`
	Label       Labels   `json:"label"`
	Help        Labels   `json:"help,omitempty"`
	Required    bool     `json:"required,omitempty"`
	Audience    string   `json:"audience"`
	Visibility  string   `json:"visibility"`
	Reporting   bool     `json:"reporting,omitempty"`
	Options     []Labels `json:"options,omitempty"`
	MatchMode   string   `json:"match_mode,omitempty"`
	MatchWeight int      `json:"match_weight,omitempty"`
	// Points of a table criterion: mentee option, mentor option (places
	// in Options, from 0) and the points.
	Points [][3]int `json:"points,omitempty"`
}

// Specs lists the live questions of a program as specs, in order.
func Specs(ctx context.Context, q store.Q, programID int64) ([]Spec, error) {
	qs, err := List(ctx, q, programID)
	if err != nil {
		return nil, err
	}
	out := []Spec{}
	for _, qu := range qs {
		sp := Spec{Kind: qu.Kind, Label: qu.Label, Help: qu.Help, Required: qu.Required, Audience: qu.Audience,
			Visibility: qu.Visibility, Reporting: qu.Reporting, MatchMode: qu.MatchMode, MatchWeight: qu.MatchWeight}
		place := map[int64]int{}
		for k, o := range qu.Options {
			place[o.ID] = k
			sp.Options = append(sp.Options, o.Label)
		}
		for pair, pts := range qu.Points {
			a, okA := place[pair[0]]
			b, okB := place[pair[1]]
			if okA && okB {
				sp.Points = append(sp.Points, [3]int{a, b, pts})
			}
		}
		slices.SortFunc(sp.Points, func(x, y [3]int) int {
			if x[0] != y[0] {
				return x[0] - y[0]
			}
			return x[1] - y[1]
		})
		out = append(out, sp)
	}
	return out, nil
}

// AddSpecs adds questions to a program after any it already has, in the
// caller's transaction. A spec that is not a question this version knows
// (a template saved by another) is left out, and a program keeps at most
// MaxMatching questions in matching.
func AddSpecs(ctx context.Context, tx *store.Tx, programID int64, specs []Spec, now time.Time) error {
	var last, matching int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) FROM program_questions WHERE program_id = ?`, programID).Scan(&last); err != nil {
		return err
	}
	for _, sp := range specs {
		choice := sp.Kind == KindOne || sp.Kind == KindMany
		if !slices.Contains(Kinds, sp.Kind) || !slices.Contains(Audiences, sp.Audience) ||
			!slices.Contains(Visibilities, sp.Visibility) || len(sp.Label) == 0 || choice && len(sp.Options) < 2 {
			continue
		}
		if !choice || !slices.Contains(MatchModes, sp.MatchMode) || sp.MatchWeight <= 0 || sp.MatchWeight > MaxWeight || matching >= MaxMatching {
			sp.MatchMode, sp.MatchWeight = MatchNone, 0
		}
		if sp.MatchMode != MatchNone {
			matching++
		}
		last++
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO program_questions (program_id, kind, label, help, required, audience,
			visibility, reporting, position, match_mode, match_weight, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			programID, sp.Kind, sp.Label.encode(), sp.Help.encode(), sp.Required, sp.Audience, sp.Visibility, sp.Reporting,
			last, sp.MatchMode, sp.MatchWeight, now, now).Scan(&id); err != nil {
			return err
		}
		var opts []int64
		if choice {
			for p, o := range sp.Options {
				oid, err := insertOption(ctx, tx, id, p+1, o)
				if err != nil {
					return err
				}
				opts = append(opts, oid)
			}
		}
		if sp.MatchMode != MatchTable {
			continue
		}
		for _, pt := range sp.Points {
			if pt[0] < 0 || pt[0] >= len(opts) || pt[1] < 0 || pt[1] >= len(opts) || pt[2] <= 0 || pt[2] > MaxPoints {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO program_question_pairs (question_id, mentee_option, mentor_option, points)
				VALUES (?, ?, ?, ?)`, id, opts[pt[0]], opts[pt[1]], pt[2]); err != nil {
				return err
			}
		}
	}
	return nil
}
