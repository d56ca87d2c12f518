package meeting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Kinds of entries in a program's meeting plan and libraries.
const (
	KindTheme    = "theme"    // the plan: meeting N suggests theme N
	KindTopic    = "topic"    // the discussion-topic library
	KindActivity = "activity" // the activity library
)

// PlanKinds lists the kinds in the order pages show them.
var PlanKinds = []string{KindTheme, KindTopic, KindActivity}

// Limits on what a coordinator may put in a plan. They keep a pasted
// document from becoming a list nobody can pick from.
const (
	MaxPlanItems       = 50
	MaxPlanTitle       = 200
	MaxPlanDescription = 2000
)

// PlanItem is one theme, topic or activity.
type PlanItem struct {
	Title       string
	Description string
}

type planLists struct {
	Themes, Topics, Activities []PlanItem
}

func (l *planLists) list(kind string) *[]PlanItem {
	switch kind {
	case KindTheme:
		return &l.Themes
	case KindTopic:
		return &l.Topics
	case KindActivity:
		return &l.Activities
	}
	return nil
}

// Plan is a program's meeting plan and libraries in one language.
type Plan struct {
	ProgramID int64
	Lang      string
	// Version counts saves in this language; 0 means the program has never
	// saved one and uses the built-in defaults.
	Version   int
	UpdatedAt *time.Time
	planLists
}

// Custom reports whether the coordinator has saved this language.
func (p *Plan) Custom() bool { return p.Version > 0 }

// List returns the entries of one kind.
func (p *Plan) List(kind string) []PlanItem {
	if l := p.list(kind); l != nil {
		return *l
	}
	return nil
}

// ThemeFor is the theme the plan suggests for the pair's meeting number n
// (counting from 1). Past the end of the plan nothing is suggested: the
// closing theme belongs to the last planned meeting, not to every later one.
func (p *Plan) ThemeFor(n int) (PlanItem, bool) {
	if n < 1 || n > len(p.Themes) {
		return PlanItem{}, false
	}
	return p.Themes[n-1], true
}

// DefaultPlan is what a program uses in lang until its coordinator saves
// that language. Unsupported languages get English.
func DefaultPlan(lang string) *Plan {
	d, ok := defaultPlans[lang]
	if !ok {
		lang = "en"
		d = defaultPlans[lang]
	}
	clone := func(s []PlanItem) []PlanItem { return append([]PlanItem(nil), s...) }
	return &Plan{Lang: lang, planLists: planLists{
		Themes: clone(d.Themes), Topics: clone(d.Topics), Activities: clone(d.Activities),
	}}
}

// LoadPlan reads a program's plan in exactly one language, the defaults when
// it has never been saved. It does not check who asks.
func LoadPlan(ctx context.Context, q store.Q, programID int64, lang string) (*Plan, error) {
	if !i18n.Supported(lang) {
		return nil, errs.E(errs.NotFound, "plan.error.language")
	}
	var version int
	var updated time.Time
	err := q.QueryRow(ctx, `SELECT version, updated_at FROM meeting_plans WHERE program_id = ? AND language = ?`,
		programID, lang).Scan(&version, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		words, err := program.RoleWordsOf(ctx, q, programID)
		if err != nil {
			return nil, err
		}
		p := DefaultPlan(lang)
		p.ProgramID = programID
		p.sayRoles(words[p.Lang])
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	return loadPlanItems(ctx, q, programID, lang, version, updated)
}

func loadPlanItems(ctx context.Context, q store.Q, programID int64, lang string, version int, updated time.Time) (*Plan, error) {
	p := &Plan{ProgramID: programID, Lang: lang, Version: version, UpdatedAt: &updated}
	rows, err := q.Query(ctx, `SELECT kind, title, description FROM meeting_plan_items
		WHERE program_id = ? AND language = ? ORDER BY kind, position`, programID, lang)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var it PlanItem
		if err := rows.Scan(&kind, &it.Title, &it.Description); err != nil {
			return nil, err
		}
		if l := p.list(kind); l != nil {
			*l = append(*l, it)
		}
	}
	return p, rows.Err()
}

// PlanFor is the plan a pair in prog sees when reading in lang: the
// program's own plan in that language; else, when the coordinator has only
// edited the program's default language, that one, because the program's
// choices matter more than the reader's language; else the defaults in lang.
func PlanFor(ctx context.Context, q store.Q, prog *program.Program, lang string) (*Plan, error) {
	var c planChoice
	var r store.Reads
	readPlanFor(&r, prog, lang, &c)
	if err := r.Run(ctx, q); err != nil {
		return nil, err
	}
	return c.plan(ctx, q)
}

// planChoice is what readPlanFor reads: which of the program's saved plans
// PlanFor would give, if any; plan then reads that plan's items.
type planChoice struct {
	prog  *program.Program
	lang  string
	found map[string]planSaved
}

type planSaved struct {
	version int
	at      time.Time
}

// readPlanFor queues the first read of PlanFor, so that a page can send
// it with its others.
func readPlanFor(r *store.Reads, prog *program.Program, lang string, c *planChoice) {
	if !i18n.Supported(lang) {
		lang = prog.DefaultLanguage
	}
	*c = planChoice{prog: prog, lang: lang, found: map[string]planSaved{}}
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var l string
			var s planSaved
			if err := rows.Scan(&l, &s.version, &s.at); err != nil {
				return err
			}
			c.found[l] = s
		}
		return nil
	}, `SELECT language, version, updated_at FROM meeting_plans
		WHERE program_id = ? AND language IN (?, ?)`, prog.ID, lang, prog.DefaultLanguage)
}

func (c *planChoice) plan(ctx context.Context, q store.Q) (*Plan, error) {
	for _, l := range []string{c.lang, c.prog.DefaultLanguage} {
		if s, ok := c.found[l]; ok {
			return loadPlanItems(ctx, q, c.prog.ID, l, s.version, s.at)
		}
	}
	p := DefaultPlan(c.lang)
	p.ProgramID = c.prog.ID
	p.sayRoles(c.prog.Roles[p.Lang])
	return p, nil
}

// sayRoles puts the program's own role words into the default plan. A plan
// the coordinator has saved is the program's own text and stays as written.
func (p *Plan) sayRoles(words i18n.RoleWords) {
	for _, list := range []*[]PlanItem{&p.Themes, &p.Topics, &p.Activities} {
		for i := range *list {
			it := &(*list)[i]
			it.Title = i18n.RoleText(p.Lang, words, it.Title)
			it.Description = i18n.RoleText(p.Lang, words, it.Description)
		}
	}
}

// Plan loads a program's plan in lang for its coordinator.
func (s *Service) Plan(ctx context.Context, actor *account.User, programID int64, lang string) (*program.Program, *Plan, error) {
	prog, err := s.requireCoordinator(ctx, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	p, err := LoadPlan(ctx, s.DB, programID, lang)
	if err != nil {
		return nil, nil, err
	}
	return prog, p, nil
}

// SavePlan replaces the lists named in lists (by kind) of a program's plan in
// one language and keeps the others. version is the version the coordinator
// started from; if someone saved since, nothing changes and the answer is a
// Conflict. Field errors name the entry as "<kind>.<index>.title".
func (s *Service) SavePlan(ctx context.Context, actor *account.User, programID int64, lang string, version int, lists map[string][]PlanItem) (*Plan, error) {
	if len(lists) == 0 {
		return nil, errs.E(errs.Invalid, "plan.error.nothing")
	}
	clean := map[string][]PlanItem{}
	var v errs.Validation
	for kind, items := range lists {
		if !validKind(kind) {
			return nil, errs.E(errs.Invalid, "plan.error.kind")
		}
		clean[kind] = checkPlanItems(&v, kind, items)
	}
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := s.requireCoordinator(ctx, actor, programID); err != nil {
			return err
		}
		if !i18n.Supported(lang) {
			return errs.E(errs.NotFound, "plan.error.language")
		}
		if err := v.Err(); err != nil {
			return err
		}
		cur, err := LoadPlan(ctx, tx, programID, lang)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return errs.E(errs.Conflict, "plan.error.stale")
		}
		for kind, items := range clean {
			*cur.list(kind) = items
		}
		if version == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO meeting_plans (program_id, language, version, updated_by, updated_at)
				VALUES (?, ?, 1, ?, ?)`, programID, lang, actor.ID, now)
			if store.IsUnique(err) {
				return errs.E(errs.Conflict, "plan.error.stale")
			}
		} else {
			var res sql.Result
			res, err = tx.Exec(ctx, `UPDATE meeting_plans SET version = version + 1, updated_by = ?, updated_at = ?
				WHERE program_id = ? AND language = ? AND version = ?`, actor.ID, now, programID, lang, version)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return errs.E(errs.Conflict, "plan.error.stale")
				}
			}
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM meeting_plan_items WHERE program_id = ? AND language = ?`, programID, lang); err != nil {
			return err
		}
		for _, kind := range PlanKinds {
			for i, it := range cur.List(kind) {
				if _, err := tx.Exec(ctx, `INSERT INTO meeting_plan_items (program_id, language, kind, position, title, description)
					VALUES (?, ?, ?, ?, ?, ?)`, programID, lang, kind, i, it.Title, it.Description); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return LoadPlan(ctx, s.DB, programID, lang)
}

// ResetPlan drops a program's own plan in one language, so that it uses the
// built-in defaults again.
func (s *Service) ResetPlan(ctx context.Context, actor *account.User, programID int64, lang string) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := s.requireCoordinator(ctx, actor, programID); err != nil {
			return err
		}
		if !i18n.Supported(lang) {
			return errs.E(errs.NotFound, "plan.error.language")
		}
		// Items go with their plan row (ON DELETE CASCADE).
		_, err := tx.Exec(ctx, `DELETE FROM meeting_plans WHERE program_id = ? AND language = ?`, programID, lang)
		return err
	})
}

func validKind(kind string) bool {
	return kind == KindTheme || kind == KindTopic || kind == KindActivity
}

// checkPlanItems trims the entries and records a message for each broken
// one under "<kind>.<index>.<field>".
func checkPlanItems(v *errs.Validation, kind string, items []PlanItem) []PlanItem {
	v.Check(len(items) <= MaxPlanItems, kind, "plan.error.too_many", "max", MaxPlanItems)
	out := make([]PlanItem, 0, len(items))
	for i, it := range items {
		it.Title = strings.TrimSpace(it.Title)
		it.Description = strings.TrimSpace(it.Description)
		f := fmt.Sprintf("%s.%d.", kind, i)
		v.Check(it.Title != "", f+"title", "error.required")
		v.Check(utf8.RuneCountInString(it.Title) <= MaxPlanTitle, f+"title", "error.too_long", "max", MaxPlanTitle)
		v.Check(utf8.RuneCountInString(it.Description) <= MaxPlanDescription, f+"description", "error.too_long", "max", MaxPlanDescription)
		out = append(out, it)
	}
	return out
}

// requireCoordinator checks that actor runs the program, through the
// program package's rule (administrators pass).
func (s *Service) requireCoordinator(ctx context.Context, actor *account.User, programID int64) (*program.Program, error) {
	return (&program.Service{DB: s.DB}).RequireCoordinator(ctx, actor, programID)
}
