// Package funder builds a program's report for its funders: its figures for
// a chosen period laid out as report tables with the tables contributed by
// other features, small groups suppressed, and written as PDF, CSV and
// XLSX; and the evaluation results as CSV and XLSX.
package funder

import (
	"context"
	"slices"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/audit"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/report"
	"mentorskap/internal/store"
)

// Report is a program's funder report for one period, in one language.
type Report struct {
	Program  *program.Program
	Period   Period // [From, To); To is the day after the last day shown
	Lang     string
	Made     time.Time
	Figures  *Figures
	Sections []Section
}

// Section is one table of the report with its lines as shown: small groups
// already suppressed.
type Section struct {
	ID string // stable, for anchors and the API: "people", "endings", "source-1-2"…
	report.Table
	Cells []report.Cell
}

// LastDay is the last calendar day the period covers.
func (r *Report) LastDay() time.Time { return r.Period.To.AddDate(0, 0, -1) }

// Authorize returns the program when actor is one of its coordinators or an
// administrator; anyone else gets the error program access gives them.
func Authorize(ctx context.Context, q store.Q, actor *account.User, programID int64) (*program.Program, error) {
	return program.RequireCoordinatorTx(ctx, q, actor, programID)
}

// Days turns the dates a reader chose, first and last day inclusive, into a
// period. Empty dates default to the whole program so far: from its start
// date, or the day it was set up if that came first (people enrol before a
// cohort starts), to today. A last day before the first is an error.
func Days(prog *program.Program, from, to string, now time.Time) (Period, error) {
	first, last := prog.Start, now.UTC().Truncate(24*time.Hour)
	if created := prog.CreatedAt.UTC().Truncate(24 * time.Hour); !prog.CreatedAt.IsZero() && created.Before(first) {
		first = created
	}
	v := &errs.Validation{}
	if from != "" {
		t, err := time.Parse(time.DateOnly, from)
		v.Check(err == nil, "from", "report.error.date")
		first = t
	}
	if to != "" {
		t, err := time.Parse(time.DateOnly, to)
		v.Check(err == nil, "to", "report.error.date")
		last = t
	}
	if err := v.Err(); err != nil {
		return Period{}, err
	}
	if last.Before(first) {
		return Period{}, errs.E(errs.Invalid, "report.error.order")
	}
	return Period{From: first, To: last.AddDate(0, 0, 1)}, nil
}

// Build counts the program's figures for the period and lays them out as
// sections in l's language, followed by the tables of every source, with
// small groups suppressed. It does not check who asks: see Load.
func Build(ctx context.Context, q store.Q, prog *program.Program, l *i18n.Locale, p Period, now time.Time, sources []report.Source) (*Report, error) {
	f, err := LoadFigures(ctx, q, prog, p, now)
	if err != nil {
		return nil, err
	}
	r := &Report{Program: prog, Period: p, Lang: l.Lang(), Made: now, Figures: f}
	for _, t := range tables(l, f) {
		r.add(t.id, t.Table)
	}
	for i, src := range sources {
		ts, err := src(ctx, prog.ID, p.From, p.To, l.Lang())
		if err != nil {
			return nil, err
		}
		for j, t := range ts {
			r.add("source-"+itoa(i+1)+"-"+itoa(j+1), t)
		}
	}
	return r, nil
}

func (r *Report) add(id string, t report.Table) {
	r.Sections = append(r.Sections, Section{ID: id, Table: t, Cells: report.Shown(t)})
}

// Load builds the report for a coordinator of the program or an
// administrator, and writes to the audit log when it leaves the system as
// a file (detail names the format: "report.pdf"…; empty for the page).
func Load(ctx context.Context, db *store.DB, actor *account.User, programID int64, from, to string,
	lang func(*program.Program) *i18n.Locale, now time.Time, sources []report.Source, detail string) (*Report, error) {
	prog, err := Authorize(ctx, db, actor, programID)
	if err != nil {
		return nil, err
	}
	p, err := Days(prog, from, to, now)
	if err != nil {
		return nil, err
	}
	r, err := Build(ctx, db, prog, lang(prog), p, now, sources)
	if err != nil || detail == "" {
		return r, err
	}
	return r, audit.Record(ctx, db, now, actor.ID, audit.ActionExport, programID, 0, 0, detail)
}

type idTable struct {
	id string
	report.Table
}

// tables lays the figures out in l's language.
func tables(l *i18n.Locale, f *Figures) []idTable {
	var out []idTable
	add := func(id string, t report.Table) { out = append(out, idTable{id, t}) }
	sideRows := func(key string, s Sides) []report.Count {
		return []report.Count{{Label: l.T(key + ".mentors"), N: s.Mentors}, {Label: l.T(key + ".mentees"), N: s.Mentees}}
	}
	var people []report.Count
	people = append(people, sideRows("report.people.enrolled", f.Enrolled)...)
	people = append(people, sideRows("report.people.approved", f.Approved)...)
	people = append(people, sideRows("report.people.matched", f.Matched)...)
	add("people", report.Table{Title: l.T("report.people.title"), Note: l.T("report.people.note"), Counts: people})

	add("pairs", report.Table{Title: l.T("report.pairs.title"), Note: l.T("report.pairs.note"), Counts: []report.Count{
		{Label: l.T("report.pairs.ran"), N: f.ActivePairs},
		{Label: l.T("report.pairs.ended_early"), N: f.EndedEarly},
		{Label: l.T("report.pairs.finished"), N: f.Finished},
	}})

	endings := report.Table{Title: l.T("report.endings.title"), Note: l.T("report.endings.note"), People: true}
	for _, reason := range EndingReasons {
		endings.Counts = append(endings.Counts, report.Count{Label: l.T("report.endings." + reason), N: f.EndedBy[reason]})
	}
	endings.Counts = append(endings.Counts, report.Count{Label: l.T("report.total"), N: f.EndedEarly, Total: true})
	add("endings", endings)

	meetings := report.Table{Title: l.T("report.meetings.title"),
		Note: l.N("report.meetings.note", f.MinMeetings, "held", l.Int(f.MeetingsHeld))}
	for _, b := range MeetingBuckets {
		meetings.Counts = append(meetings.Counts, report.Count{Label: l.T("report.meetings."+b, "min", l.Int(f.MinMeetings)), N: f.PairsBy[b]})
	}
	add("meetings", meetings)

	checks := report.Table{Title: l.T("report.checkpoints.title"), Note: l.T("report.checkpoints.note")}
	rates := report.Table{Title: l.T("report.rates.title"), Note: l.T("report.rates.note")}
	for _, c := range f.Checkpoints {
		if c.Expected == 0 {
			continue
		}
		kind := l.T("analytics.checkpoint." + c.Kind)
		checks.Counts = append(checks.Counts,
			report.Count{Label: l.T("report.checkpoints.owed", "checkpoint", kind), N: c.Expected},
			report.Count{Label: l.T("report.checkpoints.given", "checkpoint", kind), N: c.Answered})
		rates.Counts = append(rates.Counts, report.Count{Label: kind, N: c.Answered * 100 / c.Expected})
	}
	if len(checks.Counts) == 0 {
		checks.Note = l.T("report.checkpoints.none")
	}
	add("checkpoints", checks)
	if len(rates.Counts) > 0 {
		add("rates", rates)
	}

	add("chemistry", report.Table{Title: l.T("report.chemistry.title"), Note: l.T("report.chemistry.note"), People: true, Counts: []report.Count{
		{Label: l.T("analytics.chemistry.yes"), N: f.Chemistry["yes"]},
		{Label: l.T("analytics.chemistry.unsure"), N: f.Chemistry["unsure"]},
		{Label: l.T("analytics.chemistry.no"), N: f.Chemistry["no"]},
	}})

	add("goals", report.Table{Title: l.T("report.goals.title"), Note: l.T("report.goals.note"), Counts: []report.Count{
		{Label: l.T("report.goals.set"), N: f.Goals},
		{Label: l.T("report.goals.reached"), N: f.GoalsReached},
	}})
	reviews := report.Table{Title: l.T("report.reviews.title"), Note: l.T("report.reviews.note"), People: true}
	for _, st := range []string{"reached", "partly", "not_reached"} {
		reviews.Counts = append(reviews.Counts, report.Count{Label: l.T("checkpoint.goal_status." + st), N: f.GoalReviews[st]})
	}
	add("reviews", reviews)

	for _, k := range f.Evaluation {
		kind := l.T("analytics.checkpoint." + k.Kind)
		for i, q := range k.Questions {
			if q.Count == 0 {
				continue
			}
			text := q.In(l.Lang())
			t := report.Table{Title: l.T("analytics.eval.choice_title", "checkpoint", kind, "question", text.Prompt), People: true}
			switch q.Type {
			case evaluation.TypeScale:
				for v, n := range q.Counts {
					t.Counts = append(t.Counts, report.Count{Label: l.T("report.eval.scale_value", "value", l.Int(v+1)), N: n})
				}
				// The average and the number of answers would let a reader
				// work out hidden lines (two unknowns, two equations), so
				// they are given only when nothing is hidden.
				t.Note = l.T("report.eval.scale_hidden")
				if !slices.ContainsFunc(report.Shown(t), func(c report.Cell) bool { return c.Hidden }) {
					t.Note = l.T("report.eval.scale_note", "average", l.Decimal(q.Average, 1), "n", l.Int(q.Count))
				}
			case evaluation.TypeYesNo:
				t.Counts = []report.Count{{Label: l.T("analytics.chemistry.yes"), N: q.Yes()}, {Label: l.T("analytics.chemistry.no"), N: q.No()}}
			case evaluation.TypeChoice:
				for j, n := range q.Counts {
					label := l.Int(j + 1)
					if j < len(text.Options) {
						label = text.Options[j]
					}
					t.Counts = append(t.Counts, report.Count{Label: label, N: n})
				}
			}
			add("eval-"+k.Kind+"-"+itoa(i+1), t)
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// Results returns a program's pooled evaluation results, as its results
// page shows them, for a coordinator of the program or an administrator,
// and records the export in the audit log.
func Results(ctx context.Context, db *store.DB, actor *account.User, programID int64, now time.Time, detail string) (*program.Program, evaluation.Results, error) {
	prog, err := Authorize(ctx, db, actor, programID)
	if err != nil {
		return nil, evaluation.Results{}, err
	}
	res, err := evaluation.ProgramResults(ctx, db, programID)
	if err != nil {
		return nil, res, err
	}
	return prog, res, audit.Record(ctx, db, now, actor.ID, audit.ActionExport, programID, 0, 0, detail)
}
