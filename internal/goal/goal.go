package goal

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Goal statuses. Open ("not started"), in progress and reached only say how
// far a goal has come, so they follow its progress (see StatusFor); dropped
// is a decision the pair made and keeps its meaning whatever the progress.
const (
	StatusOpen       = "open"
	StatusInProgress = "in_progress"
	StatusReached    = "reached"
	StatusDropped    = "dropped"
)

// Statuses in the order forms offer them.
var Statuses = []string{StatusOpen, StatusInProgress, StatusReached, StatusDropped}

// Limits on what a goal holds. A pair works on a handful of goals; the caps
// only stop a runaway client from filling the page.
const (
	MaxTitle    = 200
	MaxMeasure  = 2000
	MaxGoals    = 50 // top-level goals per pair
	MaxSubGoals = 20 // per goal
)

// Goal is one SMART goal of a pair, or a sub-goal of one.
type Goal struct {
	ID, PairID   int64
	ParentID     int64  // 0 for a top-level goal
	AgreementKey string // set for goals that came from the agreement
	// InAgreement says the goal is part of the pair's active agreement. Its
	// title, measure and target date are then changed through the
	// agreement; the pair works on its status and progress here.
	InAgreement bool
	Title       string
	Measure     string // how the pair will know the goal is reached
	TargetDate  string // YYYY-MM-DD or ""
	// Status is what the goal shows: dropped when the pair dropped it, else
	// StatusFor(Progress), so that the two never disagree.
	Status      string
	OwnStatus   string // as stored on the goal itself
	OwnProgress int    // as set on the goal itself
	// Progress is what the goal shows: the mean of its sub-goals when it has
	// any that are not dropped, else its own.
	Progress  int
	Position  int
	Version   int // raised on every change, so stale edits are refused
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
	SubGoals  []Goal
}

// Editable reports whether the pair may change the goal's wording here.
func (g Goal) Editable() bool { return !g.InAgreement }

// Derived reports whether the goal's progress comes from its sub-goals.
func (g Goal) Derived() bool {
	for _, s := range g.SubGoals {
		if s.Status != StatusDropped {
			return true
		}
	}
	return false
}

// StatusFor is the one rule between a goal's progress and its status, for a
// goal the pair has not dropped: 0 % is not started, 1–99 % in progress and
// 100 % reached. Pages, the API, the closing summary and the program's
// counts all show a goal's status through it, and every change to a goal
// is stored so that its row agrees with it (see settle).
func StatusFor(progress int) string {
	switch {
	case progress >= 100:
		return StatusReached
	case progress <= 0:
		return StatusOpen
	}
	return StatusInProgress
}

// shownStatus is the status a goal shows: a dropped goal stays dropped,
// any other follows its progress.
func shownStatus(stored string, progress int) string {
	if stored == StatusDropped {
		return StatusDropped
	}
	return StatusFor(progress)
}

// Choices are the statuses the pair may pick for the goal. A goal whose
// progress comes from its sub-goals can only be dropped or taken up again
// at the status its sub-goals give it.
func (g Goal) Choices() []string {
	if g.Derived() {
		return []string{StatusFor(g.Progress), StatusDropped}
	}
	return Statuses
}

// Overdue reports whether the target date has passed on a goal still open.
func (g Goal) Overdue(today time.Time) bool {
	if g.TargetDate == "" || g.Status == StatusReached || g.Status == StatusDropped {
		return false
	}
	d, err := program.ParseDate(g.TargetDate)
	return err == nil && d.Before(today.UTC().Truncate(24*time.Hour))
}

// Target is the target date as a time, zero when none is set.
func (g Goal) Target() time.Time {
	d, _ := program.ParseDate(g.TargetDate)
	return d
}

// derive sets what the goal shows from its sub-goals, or from itself when
// it has none that count.
func (g *Goal) derive() {
	g.Progress = g.OwnProgress
	if g.Derived() {
		var sum, n, started, done int
		for _, s := range g.SubGoals {
			if s.Status != StatusDropped {
				sum, n = sum+s.Progress, n+1
				if s.Progress > 0 {
					started++
				}
				if s.Progress >= 100 {
					done++
				}
			}
		}
		g.Progress = fromSubGoals(sum, n, started, done)
	}
	g.Status = shownStatus(g.OwnStatus, g.Progress)
}

// fromSubGoals is the progress of a goal whose n sub-goals that count (not
// dropped) add up to sum, started of them above 0 % and done at 100 %: their
// mean, except that rounding must not call a goal reached while a sub-goal
// is not, nor not started while one is under way.
func fromSubGoals(sum, n, started, done int) int {
	p := (sum + n/2) / n
	switch {
	case p >= 100 && done < n:
		return 99
	case p <= 0 && started > 0:
		return 1
	}
	return p
}

const goalCols = `g.id, g.pair_id, COALESCE(g.parent_id, 0), g.agreement_key, g.in_agreement, g.title,
	g.measure, g.target_date, g.status, g.progress, g.position, g.version, COALESCE(g.created_by, 0),
	g.created_at, g.updated_at`

func scanGoal(row interface{ Scan(...any) error }) (Goal, error) {
	var g Goal
	err := row.Scan(&g.ID, &g.PairID, &g.ParentID, &g.AgreementKey, &g.InAgreement, &g.Title,
		&g.Measure, &g.TargetDate, &g.OwnStatus, &g.OwnProgress, &g.Position, &g.Version, &g.CreatedBy,
		&g.CreatedAt, &g.UpdatedAt)
	g.Progress, g.Status = g.OwnProgress, shownStatus(g.OwnStatus, g.OwnProgress)
	return g, err
}

// List reads a pair's goals with their sub-goals and progress in one query,
// top-level goals in order. It does not check who asks: pages go through
// Service.List, and the pair's home page through program.RequirePairMember.
func List(ctx context.Context, q store.Q, pairID int64) ([]Goal, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *[]Goal) { ReadList(r, pairID, out) })
}

// ReadList queues the read of List, which fills in *out.
func ReadList(r *store.Reads, pairID int64, out *[]Goal) {
	r.Add(func(rows store.Rows) error {
		var top []Goal
		index := map[int64]int{}
		for rows.Next() {
			g, err := scanGoal(rows)
			if err != nil {
				return err
			}
			if g.ParentID == 0 {
				index[g.ID] = len(top)
				top = append(top, g)
				continue
			}
			// Parents sort first (parent id 0), so every parent is already in.
			if i, ok := index[g.ParentID]; ok {
				top[i].SubGoals = append(top[i].SubGoals, g)
			}
		}
		for i := range top {
			top[i].derive()
		}
		*out = top
		return nil
	}, `SELECT `+goalCols+` FROM goals g WHERE g.pair_id = ?
		ORDER BY COALESCE(g.parent_id, 0), g.position, g.id`, pairID)
}

// get reads one goal of the pair with its sub-goals; a goal of another pair
// is NotFound.
func get(ctx context.Context, q store.Q, pairID, goalID int64) (*Goal, error) {
	g, err := scanGoal(q.QueryRow(ctx, `SELECT `+goalCols+` FROM goals g WHERE g.id = ? AND g.pair_id = ?`, goalID, pairID))
	if err != nil {
		return nil, store.NotFound(err, "goal.error.not_found")
	}
	rows, err := q.Query(ctx, `SELECT `+goalCols+` FROM goals g WHERE g.parent_id = ? ORDER BY g.position, g.id`, goalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanGoal(rows)
		if err != nil {
			return nil, err
		}
		g.SubGoals = append(g.SubGoals, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	g.derive()
	return &g, nil
}

// InPair checks that goalID is one of the pair's goals, for features that
// point at a goal (meetings, action items).
func InPair(ctx context.Context, q store.Q, pairID, goalID int64) error {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM goals WHERE id = ? AND pair_id = ?`, goalID, pairID).Scan(&id)
	return store.NotFound(err, "goal.error.not_found")
}

// Counts sums up goals for reports that must not show their content.
type Counts struct {
	Total   int // top-level goals not dropped
	Reached int
	Dropped int
}

// ProgramCounts counts the top-level goals of a program's pairs by the
// status the pair sees, by the rule its page uses (derive): a goal with
// sub-goals counts as reached when they are. It reads them in one query and
// reveals no goal's wording, so coordinators' reports may use it; it does
// not check who asks.
func ProgramCounts(ctx context.Context, q store.Q, programID int64) (Counts, error) {
	// The sub-goals that count are summed up in SQL, so that a program of
	// thousands of pairs is read as one row per goal, not per sub-goal.
	rows, err := q.Query(ctx, `SELECT g.status, g.progress, COALESCE(s.n, 0), COALESCE(s.total, 0),
		COALESCE(s.started, 0), COALESCE(s.done, 0)
		FROM goals g JOIN pairs p ON p.id = g.pair_id
		LEFT JOIN (SELECT c.parent_id, COUNT(*) AS n, SUM(c.progress) AS total,
				SUM(CASE WHEN c.progress > 0 THEN 1 ELSE 0 END) AS started,
				SUM(CASE WHEN c.progress >= 100 THEN 1 ELSE 0 END) AS done
			FROM goals c JOIN pairs cp ON cp.id = c.pair_id
			WHERE cp.program_id = ? AND c.parent_id IS NOT NULL AND c.status <> 'dropped'
			GROUP BY c.parent_id) s ON s.parent_id = g.id
		WHERE p.program_id = ? AND g.parent_id IS NULL`, programID, programID)
	if err != nil {
		return Counts{}, err
	}
	defer rows.Close()
	var c Counts
	for rows.Next() {
		var status string
		var progress, n, sum, started, done int
		if err := rows.Scan(&status, &progress, &n, &sum, &started, &done); err != nil {
			return Counts{}, err
		}
		if n > 0 {
			progress = fromSubGoals(sum, n, started, done)
		}
		switch shownStatus(status, progress) {
		case StatusDropped:
			c.Dropped++
			continue
		case StatusReached:
			c.Reached++
		}
		c.Total++
	}
	return c, rows.Err()
}

// Draft is a goal as the agreement writes it. Key identifies the goal across
// agreement versions; TargetDate is YYYY-MM-DD or "".
type Draft struct {
	Key, Title, Measure, TargetDate string
	SubGoals                        []Draft
}

// cleanText trims a single-line or multi-line text and normalises line ends.
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// checkFields validates a goal's wording and reports problems as field
// messages under prefix (e.g. "goals.0." for the first draft).
func checkFields(v *errs.Validation, prefix, title, measure, target string) {
	v.Check(title != "", prefix+"title", "goal.error.title_required")
	v.Check(utf8.RuneCountInString(title) <= MaxTitle, prefix+"title", "goal.error.title_too_long", "max", MaxTitle)
	v.Check(!strings.ContainsAny(title, "\n"), prefix+"title", "goal.error.title_one_line")
	v.Check(utf8.RuneCountInString(measure) <= MaxMeasure, prefix+"measure", "goal.error.measure_too_long", "max", MaxMeasure)
	if target != "" {
		_, err := program.ParseDate(target)
		v.Check(err == nil, prefix+"target_date", "goal.error.bad_date")
	}
}

// flatDraft is a cleaned draft with its place in the agreement.
type flatDraft struct {
	key, parentKey         string
	title, measure, target string
	position               int
}

// flatten cleans and validates the drafts. A draft without a key gets one
// from its place in the agreement ("1", "1.2"), which is stable only as long
// as the agreement keeps its order: the agreement should send real keys.
func flatten(drafts []Draft) ([]flatDraft, error) {
	var v errs.Validation
	var out []flatDraft
	seen := map[string]bool{}
	v.Check(len(drafts) <= MaxGoals, "goals", "goal.error.too_many", "max", MaxGoals)
	var walk func(ds []Draft, parentKey, prefix string, depth int)
	walk = func(ds []Draft, parentKey, prefix string, depth int) {
		for i, d := range ds {
			p := fmt.Sprintf("%s%d.", prefix, i)
			key := strings.TrimSpace(d.Key)
			if key == "" {
				key = strings.TrimPrefix(parentKey+"."+strconv.Itoa(i+1), ".")
			}
			v.Check(!seen[key], p+"key", "goal.error.duplicate_key")
			seen[key] = true
			f := flatDraft{key: key, parentKey: parentKey, title: cleanText(d.Title),
				measure: cleanText(d.Measure), target: strings.TrimSpace(d.TargetDate), position: i}
			checkFields(&v, p, f.title, f.measure, f.target)
			out = append(out, f)
			if len(d.SubGoals) == 0 {
				continue
			}
			v.Check(depth == 0, p+"sub_goals", "goal.error.too_deep")
			v.Check(len(d.SubGoals) <= MaxSubGoals, p+"sub_goals", "goal.error.too_many_sub_goals", "max", MaxSubGoals)
			if depth == 0 {
				walk(d.SubGoals, key, p+"sub_goals.", depth+1)
			}
		}
	}
	walk(drafts, "", "goals.", 0)
	return out, v.Err()
}

// SyncFromAgreement brings the pair's goals in line with the goals of the
// agreement that just became active. Goals are matched by key: new ones are
// added, changed wording, target dates and order are updated, and each
// change is written to the goal's history as coming from the agreement.
//
// Nothing the pair recorded is lost: status and progress are never touched
// (a goal that gains sub-goals here shows theirs, as on every other path),
// and a goal left out of the new version is kept with its history and marked
// as no longer in the agreement (the pair may then edit, drop or delete it);
// if a later version brings the key back it is part of the agreement again.
// Running it twice with the same drafts changes nothing the second time.
//
// It runs in the caller's transaction and does not check who asks.
func SyncFromAgreement(ctx context.Context, q store.Q, pairID int64, drafts []Draft, now time.Time) error {
	flat, err := flatten(drafts)
	if err != nil {
		return err
	}
	rows, err := q.Query(ctx, `SELECT `+goalCols+` FROM goals g WHERE g.pair_id = ? AND g.agreement_key <> ''`, pairID)
	if err != nil {
		return err
	}
	existing := map[string]Goal{}
	byID := map[int64]string{}
	for rows.Next() {
		g, err := scanGoal(rows)
		if err != nil {
			rows.Close()
			return err
		}
		existing[g.AgreementKey] = g
		byID[g.ID] = g.AgreementKey
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	ids := map[string]int64{}
	titles := map[string]string{}
	for _, f := range flat {
		titles[f.key] = f.title
		var parentID sql.NullInt64
		if f.parentKey != "" {
			parentID = sql.NullInt64{Int64: ids[f.parentKey], Valid: true}
		}
		g, ok := existing[f.key]
		if !ok {
			var id int64
			if err := q.QueryRow(ctx, `INSERT INTO goals (pair_id, parent_id, agreement_key, in_agreement, title,
				measure, target_date, position, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				pairID, parentID, f.key, true, f.title, f.measure, f.target, f.position, now, now).Scan(&id); err != nil {
				return err
			}
			ids[f.key] = id
			if err := addEvent(ctx, q, id, 0, now, fieldCreated, "", f.title); err != nil {
				return err
			}
			continue
		}
		ids[f.key] = g.ID
		var changes []change
		if g.Title != f.title {
			changes = append(changes, change{fieldTitle, g.Title, f.title})
		}
		if g.Measure != f.measure {
			changes = append(changes, change{fieldMeasure, g.Measure, f.measure})
		}
		if g.TargetDate != f.target {
			changes = append(changes, change{fieldTargetDate, g.TargetDate, f.target})
		}
		if oldParent := byID[g.ParentID]; g.ParentID != parentID.Int64 && (g.ParentID != 0 || parentID.Valid) {
			changes = append(changes, change{fieldParent, titleOf(existing, oldParent), titles[f.parentKey]})
		}
		if !g.InAgreement {
			changes = append(changes, change{fieldInAgreement, "false", "true"})
		}
		if len(changes) == 0 && g.Position == f.position {
			continue
		}
		if parentID.Valid && g.ParentID == 0 {
			// Goals nest one level deep: sub-goals the pair added under a
			// goal that the agreement now makes a sub-goal move up with it.
			if _, err := q.Exec(ctx, `UPDATE goals SET parent_id = ? WHERE parent_id = ?`, parentID, g.ID); err != nil {
				return err
			}
		}
		if _, err := q.Exec(ctx, `UPDATE goals SET parent_id = ?, in_agreement = ?, title = ?, measure = ?,
			target_date = ?, position = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			parentID, true, f.title, f.measure, f.target, f.position, now, g.ID); err != nil {
			return err
		}
		for _, c := range changes {
			if err := addEvent(ctx, q, g.ID, 0, now, c.field, c.old, c.new); err != nil {
				return err
			}
		}
	}
	for key, g := range existing {
		if _, kept := ids[key]; kept || !g.InAgreement {
			continue
		}
		if _, err := q.Exec(ctx, `UPDATE goals SET in_agreement = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			false, now, g.ID); err != nil {
			return err
		}
		if err := addEvent(ctx, q, g.ID, 0, now, fieldInAgreement, "true", "false"); err != nil {
			return err
		}
	}
	return nil
}

func titleOf(existing map[string]Goal, key string) string {
	if key == "" {
		return ""
	}
	return existing[key].Title
}
