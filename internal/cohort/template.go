package cohort

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching"
	"mentorskap/internal/meeting"
	"mentorskap/internal/outcome"
	"mentorskap/internal/program"
	"mentorskap/internal/question"
	"mentorskap/internal/resource"
	"mentorskap/internal/store"
)

// Blueprint is how a program runs, without dates or people: what a template
// gives a new program. Built-in templates are written in every language;
// one saved from a program holds its texts in that program's language.
// Parts left out (nil) mean the built-in defaults, as for a new program.
type Blueprint struct {
	Months            int    `json:"months,omitempty"` // length; Days when Months is 0
	Days              int    `json:"days,omitempty"`
	MinMeetings       int    `json:"min_meetings"`
	MaxGapDays        int    `json:"max_gap_days"`
	MeetingMinMinutes int    `json:"meeting_min_minutes"`
	MeetingMaxMinutes int    `json:"meeting_max_minutes"`
	MessagesAllowed   bool   `json:"messages_allowed"`
	EvalFollowup      bool   `json:"eval_followup"`
	EvalMidpoint      bool   `json:"eval_midpoint"`
	EvalFinal         bool   `json:"eval_final"`
	JoinRole          string `json:"join_role,omitempty"`
	RetentionMonths   int    `json:"retention_months,omitempty"`

	// Purpose, Goals and FocusAreas per language.
	Purpose    map[string]string `json:"purpose,omitempty"`
	Goals      map[string]string `json:"goals,omitempty"`
	FocusAreas map[string]string `json:"focus_areas,omitempty"`
	// Roles is language → role → the word's forms, comma-separated.
	Roles map[string]map[string]string `json:"roles,omitempty"`

	// Agreement is a whole agreement template (saved templates); a built-in
	// template instead adds Prep questions to the default ones.
	Agreement *agreement.Template  `json:"agreement,omitempty"`
	Prep      []agreement.Question `json:"prep,omitempty"`

	// Plans is language → the meeting plan and libraries; a list left
	// empty is the built-in one.
	Plans map[string]Plan `json:"plans,omitempty"`

	// Questions replaces the default evaluation questions (saved
	// templates); ExtraQuestions are asked after the defaults (built in).
	Questions      []Question `json:"questions,omitempty"`
	ExtraQuestions []Question `json:"extra_questions,omitempty"`
	ShareText      bool       `json:"share_text,omitempty"`

	Matching *Matching `json:"matching,omitempty"`

	// Own is the program's own application questions, with how they
	// count in matching (saved templates).
	Own []question.Spec `json:"own_questions,omitempty"`
	// Links are the program's resources that are links; files stay with
	// the program they were uploaded to.
	Links []Link `json:"links,omitempty"`
	// Outcome is the outcome follow-up; nil leaves it off.
	Outcome *outcome.Settings `json:"outcome,omitempty"`
}

// Link is a resource that is a link.
type Link struct {
	Title    string `json:"title"`
	Audience string `json:"audience"`
	URL      string `json:"url"`
}

// Plan is a meeting plan and its libraries in one language.
type Plan struct {
	Themes     []PlanItem `json:"themes,omitempty"`
	Topics     []PlanItem `json:"topics,omitempty"`
	Activities []PlanItem `json:"activities,omitempty"`
}

// PlanItem is a theme, topic or activity.
type PlanItem struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Question is an evaluation question with its wording per language.
type Question struct {
	Kind  string           `json:"kind"` // followup, midpoint, final
	Type  string           `json:"type"` // scale, yesno, choice, text
	Texts map[string]QText `json:"texts"`
}

// QText is a question's wording in one language.
type QText struct {
	Prompt  string   `json:"prompt"`
	Options []string `json:"options,omitempty"`
}

// Matching is a program's matching settings, without its exclusions
// (those name people).
type Matching struct {
	RequireLanguage       bool           `json:"require_language"`
	SeparateOrganisations bool           `json:"separate_organisations"`
	UnmatchedPenalty      int            `json:"unmatched_penalty"`
	SelfMatch             bool           `json:"self_match"`
	RequestDays           int            `json:"request_days"`
	Suggestions           int            `json:"suggestions"`
	Weights               map[string]int `json:"weights"`
}

// Template is one entry in the chooser: built in (Key is its name) or
// saved by an administrator (Key is its id).
type Template struct {
	Key         string
	ID          int64 // 0 for a built-in template
	Name        string
	Description string
	CreatedAt   time.Time
	Blueprint   Blueprint
}

// BuiltIn reports whether the template comes with Mentorskap.
func (t Template) BuiltIn() bool { return t.ID == 0 }

// Length is the program length a template gives, in days from its start.
func (b Blueprint) end(start time.Time) time.Time {
	if b.Months > 0 {
		return start.AddDate(0, b.Months, 0)
	}
	if b.Days > 0 {
		return start.AddDate(0, 0, b.Days)
	}
	return start.AddDate(0, 5, 0)
}

// builtinFile is a built-in template as written in templates/*.json.
type builtinFile struct {
	Key         string            `json:"key"`
	Name        map[string]string `json:"name"`
	Description map[string]string `json:"description"`
	Blueprint   Blueprint         `json:"blueprint"`
}

//go:embed templates/*.json
var builtinFS embed.FS

// builtins are the templates that come with Mentorskap, in the order the
// chooser shows them.
var builtins = func() []builtinFile {
	names := []string{"newcomers", "study", "organisations"}
	var out []builtinFile
	for _, n := range names {
		b, err := builtinFS.ReadFile("templates/" + n + ".json")
		if err != nil {
			panic(err)
		}
		var f builtinFile
		if err := json.Unmarshal(b, &f); err != nil {
			panic("cohort: template " + n + ": " + err.Error())
		}
		f.Key = n
		out = append(out, f)
	}
	return out
}()

// BuiltinKeys lists the built-in templates' keys.
func BuiltinKeys() []string {
	var out []string
	for _, b := range builtins {
		out = append(out, b.Key)
	}
	return out
}

// textIn picks a text in lang, else English, else any language's.
func textIn(m map[string]string, lang string) string {
	if s, ok := m[lang]; ok {
		return s
	}
	if s, ok := m["en"]; ok {
		return s
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		return m[keys[0]]
	}
	return ""
}

// Limits on what an administrator names a saved template.
const (
	MaxTemplateName        = 200
	MaxTemplateDescription = program.MaxTextLen
)

// Templates lists the built-in templates, with their texts in lang, and
// then the saved ones, newest first.
func (s *Service) Templates(ctx context.Context, actor *account.User, lang string) ([]Template, error) {
	if !actor.CanCreatePrograms() {
		return nil, errs.E(errs.Forbidden, "program.error.cannot_create")
	}
	var out []Template
	for _, b := range builtins {
		out = append(out, Template{Key: b.Key, Name: textIn(b.Name, lang), Description: textIn(b.Description, lang), Blueprint: b.Blueprint})
	}
	rows, err := s.DB.Query(ctx, `SELECT id, name, description, body, created_at FROM program_templates ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

func scanTemplate(row interface{ Scan(...any) error }) (*Template, error) {
	var t Template
	var body string
	if err := row.Scan(&t.ID, &t.Name, &t.Description, &body, &t.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(body), &t.Blueprint); err != nil {
		return nil, err
	}
	t.Key = strconv.FormatInt(t.ID, 10)
	return &t, nil
}

// TemplateByKey finds a template by its key: a built-in name or a saved id.
func (s *Service) TemplateByKey(ctx context.Context, actor *account.User, key, lang string) (*Template, error) {
	if !actor.CanCreatePrograms() {
		return nil, errs.E(errs.Forbidden, "program.error.cannot_create")
	}
	return templateByKey(ctx, s.DB, key, lang)
}

func templateByKey(ctx context.Context, q store.Q, key, lang string) (*Template, error) {
	for _, b := range builtins {
		if b.Key == key {
			return &Template{Key: b.Key, Name: textIn(b.Name, lang), Description: textIn(b.Description, lang), Blueprint: b.Blueprint}, nil
		}
	}
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil || id <= 0 {
		return nil, errs.E(errs.NotFound, "cohort.error.template_not_found")
	}
	t, err := scanTemplate(q.QueryRow(ctx, `SELECT id, name, description, body, created_at FROM program_templates WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "cohort.error.template_not_found")
	}
	return t, err
}

// NewInput is what the form for a program from a template asks.
type NewInput struct {
	Name     string
	Start    string // YYYY-MM-DD
	Language string // the program's default language
}

// FromTemplate creates a program from the template key: its rules, with
// the end as far from the start as the template says, and everything else
// the template holds. actor becomes its coordinator.
func (s *Service) FromTemplate(ctx context.Context, actor *account.User, key string, in NewInput) (*program.Program, error) {
	if !actor.CanCreatePrograms() {
		return nil, errs.E(errs.Forbidden, "program.error.cannot_create")
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		t, err := templateByKey(ctx, tx, key, in.Language)
		if err != nil {
			return err
		}
		var v errs.Validation
		name, start := CopyInput{Name: in.Name, Start: in.Start}.check(&v)
		v.Check(i18n.Supported(in.Language), "default_language", "error.choice_invalid")
		if err := v.Err(); err != nil {
			return err
		}
		id, err = apply(ctx, tx, actor, t.Blueprint, name, start, in.Language, s.Clock.Now().UTC())
		return err
	})
	if err != nil {
		return nil, err
	}
	return program.Get(ctx, s.DB, id)
}

// apply makes a program from a blueprint.
func apply(ctx context.Context, tx *store.Tx, actor *account.User, b Blueprint, name string, start time.Time, lang string, now time.Time) (int64, error) {
	p := program.Defaults(start, lang)
	p.Name, p.Start, p.End = name, start, b.end(start)
	p.Purpose, p.Goals, p.FocusAreas = textIn(b.Purpose, lang), textIn(b.Goals, lang), textIn(b.FocusAreas, lang)
	if b.MinMeetings > 0 {
		p.MinMeetings, p.MaxGapDays = b.MinMeetings, b.MaxGapDays
		p.MeetingMinMinutes, p.MeetingMaxMinutes = b.MeetingMinMinutes, b.MeetingMaxMinutes
		p.MessagesAllowed, p.EvalFollowup, p.EvalMidpoint, p.EvalFinal = b.MessagesAllowed, b.EvalFollowup, b.EvalMidpoint, b.EvalFinal
	}
	if b.JoinRole != "" {
		p.JoinRole = b.JoinRole
	}
	id, err := insertProgram(ctx, tx, actor, &p, b.RetentionMonths, now, "template")
	if err != nil {
		return 0, err
	}
	for lang, roles := range b.Roles {
		for role, forms := range roles {
			if _, err := tx.Exec(ctx, `INSERT INTO program_role_names (program_id, language, role, forms) VALUES (?, ?, ?, ?)`,
				id, lang, role, forms); err != nil {
				return 0, err
			}
		}
	}
	if err := applyAgreement(ctx, tx, actor, id, b, now); err != nil {
		return 0, err
	}
	if err := applyPlans(ctx, tx, actor, id, b, now); err != nil {
		return 0, err
	}
	if err := applyQuestions(ctx, tx, id, b, now); err != nil {
		return 0, err
	}
	if err := applyMatching(ctx, tx, actor, id, b, now); err != nil {
		return 0, err
	}
	return id, applyOwn(ctx, tx, actor, id, b, now)
}

// applyOwn gives the new program the template's own questions, links and
// outcome follow-up. A link this version refuses is left out rather than
// failing the whole program.
func applyOwn(ctx context.Context, tx *store.Tx, actor *account.User, id int64, b Blueprint, now time.Time) error {
	if err := question.AddSpecs(ctx, tx, id, b.Own, now); err != nil {
		return err
	}
	for _, l := range b.Links {
		_, err := resource.AddLink(ctx, tx, now, id, actor.ID, resource.Input{Title: l.Title, Audience: l.Audience, URL: l.URL})
		if errs.Is(err, errs.Invalid) {
			continue
		}
		if err != nil {
			return err
		}
	}
	if b.Outcome == nil {
		return nil
	}
	return outcome.PutSettings(ctx, tx, id, *b.Outcome, now)
}

func applyAgreement(ctx context.Context, tx *store.Tx, actor *account.User, id int64, b Blueprint, now time.Time) error {
	t := b.Agreement
	if t == nil && len(b.Prep) > 0 {
		d := agreement.DefaultTemplate()
		d.Questions = append(d.Questions, b.Prep...)
		t = &d
	}
	if t == nil {
		return nil
	}
	body, err := json.Marshal(t)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO agreement_templates (program_id, body, updated_by, updated_at) VALUES (?, ?, ?, ?)`,
		id, string(body), actor.ID, now)
	return err
}

func applyPlans(ctx context.Context, tx *store.Tx, actor *account.User, id int64, b Blueprint, now time.Time) error {
	for lang, plan := range b.Plans {
		if !i18n.Supported(lang) {
			continue
		}
		def := meeting.DefaultPlan(lang)
		lists := map[string][]PlanItem{meeting.KindTheme: plan.Themes, meeting.KindTopic: plan.Topics, meeting.KindActivity: plan.Activities}
		for kind, items := range lists {
			if len(items) == 0 {
				for _, it := range def.List(kind) {
					items = append(items, PlanItem{Title: it.Title, Description: it.Description})
				}
				lists[kind] = items
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_plans (program_id, language, version, updated_by, updated_at)
			VALUES (?, ?, 1, ?, ?)`, id, lang, actor.ID, now); err != nil {
			return err
		}
		for _, kind := range meeting.PlanKinds {
			for i, it := range lists[kind] {
				if _, err := tx.Exec(ctx, `INSERT INTO meeting_plan_items (program_id, language, kind, position, title, description)
					VALUES (?, ?, ?, ?, ?, ?)`, id, lang, kind, i, it.Title, it.Description); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func applyQuestions(ctx context.Context, tx *store.Tx, id int64, b Blueprint, now time.Time) error {
	if b.Questions == nil && b.ExtraQuestions == nil {
		return nil
	}
	if b.Questions != nil {
		if _, err := tx.Exec(ctx, `INSERT INTO evaluation_settings (program_id, share_text, updated_at) VALUES (?, ?, ?)`,
			id, b.ShareText, now); err != nil {
			return err
		}
	} else if err := evaluation.EnsureQuestions(ctx, tx, id, now); err != nil {
		return err
	}
	for _, q := range append(append([]Question(nil), b.Questions...), b.ExtraQuestions...) {
		var pos int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM evaluation_questions
			WHERE program_id = ? AND kind = ?`, id, q.Kind).Scan(&pos); err != nil {
			return err
		}
		var qid int64
		if err := tx.QueryRow(ctx, `INSERT INTO evaluation_questions (program_id, kind, qtype, option_count, position, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, id, q.Kind, q.Type, len(textOf(q.Texts).Options), pos, now).Scan(&qid); err != nil {
			return err
		}
		for _, lang := range i18n.Languages {
			t, ok := q.Texts[lang]
			if !ok {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO evaluation_question_texts (question_id, language, prompt, options) VALUES (?, ?, ?, ?)`,
				qid, lang, t.Prompt, strings.Join(t.Options, "\n")); err != nil {
				return err
			}
		}
	}
	return nil
}

// textOf is a question's English wording, or any for the option count.
func textOf(m map[string]QText) QText {
	if t, ok := m["en"]; ok {
		return t
	}
	for _, t := range m {
		return t
	}
	return QText{}
}

func applyMatching(ctx context.Context, tx *store.Tx, actor *account.User, id int64, b Blueprint, now time.Time) error {
	m := b.Matching
	if m == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO matching_settings (program_id, require_language, separate_organisations,
		unmatched_penalty, self_match, request_days, suggestions, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, m.RequireLanguage, m.SeparateOrganisations, m.UnmatchedPenalty,
		m.SelfMatch, m.RequestDays, m.Suggestions, now, actor.ID); err != nil {
		return err
	}
	for c, w := range m.Weights {
		if _, err := tx.Exec(ctx, `INSERT INTO matching_weights (program_id, criterion, weight) VALUES (?, ?, ?)`, id, c, w); err != nil {
			return err
		}
	}
	return nil
}

// Snapshot reads how program id runs, as a saved template keeps it.
func Snapshot(ctx context.Context, q store.Q, id int64) (Blueprint, error) {
	var b Blueprint
	p, err := program.Get(ctx, q, id)
	if err != nil {
		return b, err
	}
	if b.RetentionMonths, err = retentionOf(ctx, q, id); err != nil {
		return b, err
	}
	b.Days = int(p.End.Sub(p.Start).Hours() / 24)
	b.MinMeetings, b.MaxGapDays = p.MinMeetings, p.MaxGapDays
	b.MeetingMinMinutes, b.MeetingMaxMinutes = p.MeetingMinMinutes, p.MeetingMaxMinutes
	b.MessagesAllowed, b.EvalFollowup, b.EvalMidpoint, b.EvalFinal = p.MessagesAllowed, p.EvalFollowup, p.EvalMidpoint, p.EvalFinal
	b.JoinRole = p.JoinRole
	lang := p.DefaultLanguage
	b.Purpose, b.Goals, b.FocusAreas = map[string]string{lang: p.Purpose}, map[string]string{lang: p.Goals}, map[string]string{lang: p.FocusAreas}
	for l, words := range p.Roles {
		for role, forms := range words {
			if b.Roles == nil {
				b.Roles = map[string]map[string]string{}
			}
			if b.Roles[l] == nil {
				b.Roles[l] = map[string]string{}
			}
			b.Roles[l][role] = strings.Join(forms, ",")
		}
	}
	if t, err := agreement.TemplateFor(ctx, q, id); err != nil {
		return b, err
	} else if t.Custom {
		b.Agreement = t
	}
	for _, l := range i18n.Languages {
		plan, err := meeting.LoadPlan(ctx, q, id, l)
		if err != nil {
			return b, err
		}
		if !plan.Custom() {
			continue
		}
		if b.Plans == nil {
			b.Plans = map[string]Plan{}
		}
		conv := func(items []meeting.PlanItem) []PlanItem {
			out := []PlanItem{}
			for _, it := range items {
				out = append(out, PlanItem{Title: it.Title, Description: it.Description})
			}
			return out
		}
		b.Plans[l] = Plan{Themes: conv(plan.Themes), Topics: conv(plan.Topics), Activities: conv(plan.Activities)}
	}
	var share bool
	err = q.QueryRow(ctx, `SELECT share_text FROM evaluation_settings WHERE program_id = ?`, id).Scan(&share)
	if err == nil {
		b.ShareText = share
		b.Questions = []Question{}
		for _, kind := range evaluation.QuestionKinds {
			qs, err := evaluation.ListQuestions(ctx, q, id, kind)
			if err != nil {
				return b, err
			}
			for _, eq := range qs {
				texts := map[string]QText{}
				for l, t := range eq.Texts {
					texts[l] = QText{Prompt: t.Prompt, Options: t.Options}
				}
				b.Questions = append(b.Questions, Question{Kind: kind, Type: eq.Type, Texts: texts})
			}
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return b, err
	}
	set, err := matching.LoadSettings(ctx, q, id)
	if err != nil {
		return b, err
	}
	m := &Matching{RequireLanguage: set.RequireLanguage, SeparateOrganisations: set.SeparateOrganisations,
		UnmatchedPenalty: set.UnmatchedPenalty, SelfMatch: set.SelfMatch, RequestDays: set.RequestDays,
		Suggestions: set.Suggestions, Weights: map[string]int{}}
	for c, w := range set.Weights {
		m.Weights[string(c)] = w
	}
	b.Matching = m
	if b.Own, err = question.Specs(ctx, q, id); err != nil {
		return b, err
	}
	rows, err := q.Query(ctx, `SELECT title, audience, url FROM resources WHERE program_id = ? AND kind = ? ORDER BY id`, id, resource.KindLink)
	if err != nil {
		return b, err
	}
	for rows.Next() {
		var l Link
		if err := rows.Scan(&l.Title, &l.Audience, &l.URL); err != nil {
			rows.Close()
			return b, err
		}
		b.Links = append(b.Links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return b, err
	}
	if o, err := outcome.GetSettings(ctx, q, id); err != nil {
		return b, err
	} else if o.Enabled || o.IncludeMentors {
		b.Outcome = &o
	}
	return b, nil
}

// SaveInput names a template saved from a program.
type SaveInput struct {
	Name, Description string
}

// SaveTemplate keeps how program id runs as a template everyone creating a
// program can start from. Administrators only.
func (s *Service) SaveTemplate(ctx context.Context, actor *account.User, id int64, in SaveInput) (*Template, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	if !actor.IsAdmin() {
		return nil, errs.E(errs.Forbidden, "cohort.error.admin_only")
	}
	var v errs.Validation
	name, desc := strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	v.Check(name != "", "name", "error.required")
	v.Check(utf8.RuneCountInString(name) <= MaxTemplateName, "name", "error.too_long", "max", MaxTemplateName)
	v.Check(utf8.RuneCountInString(desc) <= MaxTemplateDescription, "description", "error.too_long", "max", MaxTemplateDescription)
	var out *Template
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		b, err := Snapshot(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		body, err := json.Marshal(b)
		if err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		t := &Template{Name: name, Description: desc, CreatedAt: now, Blueprint: b}
		if err := tx.QueryRow(ctx, `INSERT INTO program_templates (name, description, body, created_by, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, name, desc, string(body), actor.ID, now).Scan(&t.ID); err != nil {
			return err
		}
		t.Key = strconv.FormatInt(t.ID, 10)
		out = t
		return nil
	})
	return out, err
}

// DeleteTemplate removes a saved template; programs made from it stay as
// they are. Administrators only; built-in templates cannot be removed.
func (s *Service) DeleteTemplate(ctx context.Context, actor *account.User, id int64) error {
	if actor == nil {
		return errs.E(errs.Unauthorized, "error.login_required")
	}
	if !actor.IsAdmin() {
		return errs.E(errs.Forbidden, "cohort.error.admin_only")
	}
	res, err := s.DB.Exec(ctx, `DELETE FROM program_templates WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errs.E(errs.NotFound, "cohort.error.template_not_found")
	}
	return nil
}
