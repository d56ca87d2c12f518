// Package cohort starts a program from another: a copy of an existing
// program for its next cohort, or a template (built in, or saved by an
// administrator from a program). Either way the new program gets how the
// old one runs, never who took part in it.
package cohort

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
	"mentorskap/internal/outcome"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
	"mentorskap/internal/resource"
	"mentorskap/internal/store"
)

// Service is the cohort use cases.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
}

// Step copies one part of a program's definition from program from to
// program to, inside the copy's transaction. The program row itself (rules
// and shifted dates) is written before any step runs.
type Step func(ctx context.Context, tx *store.Tx, from, to int64) error

// What a copy takes, table by table (internal/store/migrations). Every
// program-scoped table is named here with the decision for it.
//
// Copied: how the program runs.
//   - programs: a new row. The name and start date come from the form; the
//     end date moves by as many days as the start did; purpose, goals,
//     focus areas, meeting rules, evaluation points, default language, the
//     join role and the retention period are copied. The join link gets a
//     new token and starts closed: the coordinator opens enrolment when the
//     new cohort is ready for it.
//   - program_role_names: what the program calls mentee and mentor.
//   - agreement_templates: clauses and preparation questions.
//   - meeting_plans, meeting_plan_items: the meeting plan and the topic and
//     activity libraries, per language, at version 1.
//   - evaluation_settings, evaluation_questions, evaluation_question_texts:
//     the live questions per check point (removed ones stay behind with
//     the answers that need them) and whether free text is shared.
//   - matching_settings, matching_weights: hard rules, weights, self-match.
//   - program_questions, program_question_options, program_question_pairs:
//     the program's own questions (question.CopyToProgram), never
//     program_question_answers.
//   - outcome_settings: whether the program asks people what they went on
//     to do after their pair (outcome.CopySettings); never outcome_surveys.
//   - resources, resource_files: the program's files and links for its
//     people (resource.CopyToProgram).
//   - program_coordinators: only the person copying, as when creating a
//     program; the old program's other coordinators are people, and are
//     added by hand if they run this cohort too.
//
// Never copied: people and what they did or wrote.
//   - participants, invitations, pairs, pair_members, match_proposals,
//     match_proposal_rows, match_requests, matching_exclusions (a pair of
//     people not to match), checkpoints and their answers, agreements,
//     meetings, notes, goals, messages, endings and reflections.
//   - webhook_endpoints: an administrator points a program's events at a
//     receiver on purpose; a new cohort's people are not sent anywhere
//     nobody chose for them (and secrets are not duplicated).
//   - audit_log, jobs, outbox, idempotency_keys: history, not definition;
//     programs.retention_purged_at likewise.
//   - announcements (and their recipients): written to this cohort's
//     people about its own moment.
//   - events (and their invites): gatherings of this cohort's people on
//     dates of its own, with their answers and attendance; the new cohort's
//     coordinator plans its kick-off and trainings afresh.
//   - brand is the installation's, not a program's.
//
// TestEveryProgramTableDecided fails when a table with a program_id is
// added without a decision here and in its programTables.

// Steps lists the copy steps in the order they run.
func Steps() []Step {
	return []Step{
		copyRoleNames,
		copyAgreementTemplate,
		copyMeetingPlans,
		copyEvaluation,
		copyMatching,
		question.CopyToProgram, // the program's own application questions, with their matching tables
		resource.CopyToProgram, // the handbook, slides and links, files included
		copyOutcomeSettings,
		// ── Append here the copy step of any feature added later that
		// defines how a program runs (TestEveryProgramTableDecided asks). ──
	}
}

// CopyInput is what the copy form asks: the new cohort's name and start.
type CopyInput struct {
	Name  string
	Start string // YYYY-MM-DD
}

// check validates the form into v: the date parses and the name fits.
func (in CopyInput) check(v *errs.Validation) (string, time.Time) {
	name := strings.TrimSpace(in.Name)
	v.Check(name != "", "name", "error.required")
	v.Check(utf8.RuneCountInString(name) <= program.MaxNameLen, "name", "error.too_long", "max", program.MaxNameLen)
	start, err := program.ParseDate(in.Start)
	v.Check(err == nil, "start", "program.error.date_invalid")
	return name, start
}

// Copy makes a new program from program from: its rules with the dates
// moved to the new start, and every Step. Only a coordinator of the source
// program (or an administrator) who may create programs may copy it.
func (s *Service) Copy(ctx context.Context, actor *account.User, from int64, in CopyInput) (*program.Program, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		src, err := program.RequireCoordinatorTx(ctx, tx, actor, from)
		if err != nil {
			return err
		}
		if !actor.CanCreatePrograms() {
			return errs.E(errs.Forbidden, "program.error.cannot_create")
		}
		var v errs.Validation
		name, start := in.check(&v)
		if err := v.Err(); err != nil {
			return err
		}
		shift := int(start.Sub(src.Start).Hours() / 24)
		p := *src
		p.Name, p.Start, p.End = name, start, src.End.AddDate(0, 0, shift)
		p.JoinEnabled = false
		retention, err := retentionOf(ctx, tx, from)
		if err != nil {
			return err
		}
		if id, err = insertProgram(ctx, tx, actor, &p, retention, s.Clock.Now().UTC(), "copy"); err != nil {
			return err
		}
		for _, step := range Steps() {
			if err := step(ctx, tx, from, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return program.Get(ctx, s.DB, id)
}

// Source is a program someone may copy, as the chooser lists it.
type Source struct {
	ID         int64
	Name       string
	Start, End time.Time
}

// CopySources lists the programs actor may copy: those they coordinate
// (every program, for an administrator), the latest start first.
func (s *Service) CopySources(ctx context.Context, actor *account.User) ([]Source, error) {
	if !actor.CanCreatePrograms() {
		return nil, nil
	}
	query, args := `SELECT g.id, g.name, g.start_date, g.end_date FROM programs g
		JOIN program_coordinators c ON c.program_id = g.id AND c.user_id = ?
		ORDER BY g.start_date DESC, g.id DESC`, []any{actor.ID}
	if actor.IsAdmin() {
		query, args = `SELECT g.id, g.name, g.start_date, g.end_date FROM programs g ORDER BY g.start_date DESC, g.id DESC`, nil
	}
	rows, err := s.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var src Source
		var start, end string
		if err := rows.Scan(&src.ID, &src.Name, &start, &end); err != nil {
			return nil, err
		}
		src.Start, _ = program.ParseDate(start)
		src.End, _ = program.ParseDate(end)
		out = append(out, src)
	}
	return out, rows.Err()
}

func retentionOf(ctx context.Context, q store.Q, id int64) (int, error) {
	var months int
	err := q.QueryRow(ctx, `SELECT retention_months FROM programs WHERE id = ?`, id).Scan(&months)
	return months, err
}

// newJoinToken makes the unguessable part of a new program's join link, as
// program.Create does.
func newJoinToken() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// insertProgram writes a new program row from p with a fresh join token and
// makes actor its coordinator; p.ID is set. from says where its rules came
// from ("copy" or "template"), which the launch checklist tells.
func insertProgram(ctx context.Context, tx *store.Tx, actor *account.User, p *program.Program, retention int, now time.Time, from string) (int64, error) {
	p.JoinToken = newJoinToken()
	err := tx.QueryRow(ctx, `INSERT INTO programs (name, purpose, goals, focus_areas, start_date, end_date,
		min_meetings, max_gap_days, meeting_min_minutes, meeting_max_minutes, messages_allowed,
		eval_followup, eval_midpoint, eval_final, default_language, join_token, join_enabled, join_role,
		retention_months, created_by, created_at, updated_at, rules_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Name, p.Purpose, p.Goals, p.FocusAreas, p.Start.Format(program.DateLayout), p.End.Format(program.DateLayout),
		p.MinMeetings, p.MaxGapDays, p.MeetingMinMinutes, p.MeetingMaxMinutes, p.MessagesAllowed,
		p.EvalFollowup, p.EvalMidpoint, p.EvalFinal, p.DefaultLanguage, p.JoinToken, p.JoinEnabled, p.JoinRole,
		retention, actor.ID, now, now, from).Scan(&p.ID)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO program_coordinators (program_id, user_id) VALUES (?, ?)`, p.ID, actor.ID)
	return p.ID, err
}

func copyRoleNames(ctx context.Context, tx *store.Tx, from, to int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO program_role_names (program_id, language, role, forms)
		SELECT ?, language, role, forms FROM program_role_names WHERE program_id = ?`, to, from)
	return err
}

func copyAgreementTemplate(ctx context.Context, tx *store.Tx, from, to int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO agreement_templates (program_id, body, updated_by, updated_at)
		SELECT ?, body, updated_by, updated_at FROM agreement_templates WHERE program_id = ?`, to, from)
	return err
}

func copyMeetingPlans(ctx context.Context, tx *store.Tx, from, to int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO meeting_plans (program_id, language, version, updated_by, updated_at)
		SELECT ?, language, 1, updated_by, updated_at FROM meeting_plans WHERE program_id = ?`, to, from); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO meeting_plan_items (program_id, language, kind, position, title, description)
		SELECT ?, language, kind, position, title, description FROM meeting_plan_items WHERE program_id = ?
		ORDER BY language, kind, position`, to, from)
	return err
}

// copyEvaluation copies the live questions one by one, as each needs its
// new id for its texts. A program still on the default questions has no
// settings row, and neither has its copy: it keeps the defaults.
func copyEvaluation(ctx context.Context, tx *store.Tx, from, to int64) error {
	res, err := tx.Exec(ctx, `INSERT INTO evaluation_settings (program_id, share_text, updated_at)
		SELECT ?, share_text, updated_at FROM evaluation_settings WHERE program_id = ?`, to, from)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT id, kind, qtype, option_count, position, created_at FROM evaluation_questions
		WHERE program_id = ? AND removed_at IS NULL ORDER BY kind, position, id`, from)
	if err != nil {
		return err
	}
	type question struct {
		id                int64
		kind, qtype       string
		options, position int
		created           time.Time
	}
	var qs []question
	for rows.Next() {
		var q question
		if err := rows.Scan(&q.id, &q.kind, &q.qtype, &q.options, &q.position, &q.created); err != nil {
			rows.Close()
			return err
		}
		qs = append(qs, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, q := range qs {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO evaluation_questions (program_id, kind, qtype, option_count, position, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, to, q.kind, q.qtype, q.options, q.position, q.created).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO evaluation_question_texts (question_id, language, prompt, options)
			SELECT ?, language, prompt, options FROM evaluation_question_texts WHERE question_id = ?`, id, q.id); err != nil {
			return err
		}
	}
	return nil
}

func copyMatching(ctx context.Context, tx *store.Tx, from, to int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO matching_settings (program_id, require_language, separate_organisations,
		unmatched_penalty, self_match, request_days, suggestions, updated_at, updated_by)
		SELECT ?, require_language, separate_organisations, unmatched_penalty, self_match, request_days,
		suggestions, updated_at, updated_by FROM matching_settings WHERE program_id = ?`, to, from); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO matching_weights (program_id, criterion, weight)
		SELECT ?, criterion, weight FROM matching_weights WHERE program_id = ?`, to, from)
	return err
}

// copyOutcomeSettings is outcome.CopySettings as a Step, dated when the new
// program was made.
func copyOutcomeSettings(ctx context.Context, tx *store.Tx, from, to int64) error {
	var now time.Time
	if err := tx.QueryRow(ctx, `SELECT created_at FROM programs WHERE id = ?`, to).Scan(&now); err != nil {
		return err
	}
	return outcome.CopySettings(ctx, tx, from, to, now)
}
