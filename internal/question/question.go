// Package question holds a program's own questions: what coordinators ask
// on the application and the profile beyond the fixed profile, the answers
// participants give, and what matching and the funder report read from
// them.
package question

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/i18n"
	"mentorskap/internal/store"
)

// Kinds of question.
const (
	KindShort  = "short"  // one line of text
	KindLong   = "long"   // a paragraph
	KindOne    = "one"    // one of the options
	KindMany   = "many"   // any of the options
	KindNumber = "number" // a number, whole or with decimals
	KindDate   = "date"   // a day, YYYY-MM-DD
)

// Kinds lists the kinds in the order the editor offers them.
var Kinds = []string{KindShort, KindLong, KindOne, KindMany, KindNumber, KindDate}

// Who is asked.
const (
	AudienceAll    = "all"
	AudienceMentor = "mentor"
	AudienceMentee = "mentee"
)

// Audiences lists who a question can be asked of.
var Audiences = []string{AudienceAll, AudienceMentee, AudienceMentor}

// Who sees the answers besides the person: the coordinators always; the
// matched partner only when the question says so.
const (
	VisibleCoordinator = "coordinator"
	VisiblePartner     = "partner"
)

// Visibilities lists the choices in the order the editor offers them.
var Visibilities = []string{VisibleCoordinator, VisiblePartner}

// How a choice question is used in matching.
const (
	MatchNone      = ""
	MatchSame      = "same"      // the same answer scores
	MatchDifferent = "different" // a different answer scores
	MatchTable     = "table"     // the coordinator's table of option pairs
)

// MatchModes lists the modes in the order the editor offers them.
var MatchModes = []string{MatchNone, MatchSame, MatchDifferent, MatchTable}

// Limits on what a coordinator writes and participants answer.
const (
	MaxLabel        = 300
	MaxHelp         = 500
	MaxOptions      = 20
	MaxOptionLen    = 200
	MaxQuestions    = 40 // live questions per program
	MaxMatching     = 5  // questions used in matching per program
	MaxWeight       = 10 // as matching.MustMatch: a hard rule
	MaxPoints       = 100
	MaxShortAnswer  = 200
	MaxLongAnswer   = 2000
	MaxNumberAnswer = 1e12
)

// Labels is a text in each language it was written in.
type Labels map[string]string

// In gives the text in lang, else in def (the program's default
// language), else in the first language that has one.
func (l Labels) In(lang, def string) string {
	if s := l[lang]; s != "" {
		return s
	}
	if s := l[def]; s != "" {
		return s
	}
	for _, c := range i18n.Languages {
		if s := l[c]; s != "" {
			return s
		}
	}
	return ""
}

// Localizer renders the labels in a locale's language; def is the
// program's default language. It is an argument for catalog messages.
type Localizer struct {
	Labels Labels
	Def    string
}

// Localize picks the reader's language.
func (t Localizer) Localize(l *i18n.Locale) string { return t.Labels.In(l.Lang(), t.Def) }

func (l Labels) encode() string {
	clean := Labels{}
	for k, v := range l {
		if v = strings.TrimSpace(v); v != "" && i18n.Supported(k) {
			clean[k] = v
		}
	}
	b, _ := json.Marshal(clean)
	return string(b)
}

func decodeLabels(s string) Labels {
	l := Labels{}
	_ = json.Unmarshal([]byte(s), &l)
	return l
}

// Option is one choice of a choice question.
type Option struct {
	ID    int64
	Label Labels
}

// Question is one of a program's questions.
type Question struct {
	ID, ProgramID int64
	Kind          string
	Label, Help   Labels
	Required      bool
	Audience      string
	Visibility    string
	Reporting     bool
	Position      int
	Options       []Option
	MatchMode     string
	MatchWeight   int
	// Points of the table criterion by [mentee option, mentor option].
	Points   map[[2]int64]int
	Archived *time.Time
	// Answers is how many people answered it; filled for the editor.
	Answers int
	// Def is the program's default language, for the labels' fallback.
	Def string
}

// Choice reports whether the question is answered by picking options.
func (q Question) Choice() bool { return q.Kind == KindOne || q.Kind == KindMany }

// Matching reports whether the question counts in matching.
func (q Question) Matching() bool { return q.Choice() && q.MatchMode != MatchNone && q.MatchWeight > 0 }

// PartnerSees reports whether the matched partner sees the answers.
func (q Question) PartnerSees() bool { return q.Visibility == VisiblePartner }

// AskedOf reports whether a participant of role (mentor or mentee) is asked.
func (q Question) AskedOf(role string) bool { return q.Audience == AudienceAll || q.Audience == role }

// Text is the question in lang.
func (q Question) Text(lang string) string { return q.Label.In(lang, q.Def) }

// HelpText is the question's hint in lang, or "".
func (q Question) HelpText(lang string) string { return q.Help.In(lang, q.Def) }

// OptionText is an option's label in lang.
func (q Question) OptionText(o Option, lang string) string { return o.Label.In(lang, q.Def) }

// Name renders the question's label in the reader's language.
func (q Question) Name() Localizer { return Localizer{Labels: q.Label, Def: q.Def} }

// option finds an option by id.
func (q Question) option(id int64) (Option, bool) {
	for _, o := range q.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// Chosen reads a choice answer's option ids, leaving out any no longer
// offered.
func (q Question) Chosen(value string) []int64 {
	var out []int64
	for _, s := range strings.Split(value, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			continue
		}
		if _, ok := q.option(id); ok && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Display renders a stored answer for a reader of lang: choices by their
// labels, a number and a date as stored.
func (q Question) Display(value, lang string) string {
	if !q.Choice() {
		return value
	}
	var names []string
	for _, id := range q.Chosen(value) {
		o, _ := q.option(id)
		names = append(names, q.OptionText(o, lang))
	}
	return strings.Join(names, ", ")
}

// list reads questions of programs matching where (over alias q), with
// their options and matching tables, in order.
func list(ctx context.Context, db store.Q, where string, args ...any) ([]Question, error) {
	rows, err := db.Query(ctx, `SELECT q.id, q.program_id, q.kind, q.label, q.help, q.required, q.audience, q.visibility,
		q.reporting, q.position, q.match_mode, q.match_weight, q.archived_at, p.default_language
		FROM program_questions q JOIN programs p ON p.id = q.program_id
		WHERE `+where+` ORDER BY q.archived_at IS NOT NULL, q.position, q.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Question
	at := map[int64]int{}
	for rows.Next() {
		var qu Question
		var label, help string
		if err := rows.Scan(&qu.ID, &qu.ProgramID, &qu.Kind, &label, &help, &qu.Required, &qu.Audience, &qu.Visibility,
			&qu.Reporting, &qu.Position, &qu.MatchMode, &qu.MatchWeight, &qu.Archived, &qu.Def); err != nil {
			rows.Close()
			return nil, err
		}
		qu.Label, qu.Help = decodeLabels(label), decodeLabels(help)
		at[qu.ID] = len(out)
		out = append(out, qu)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// Options and points of the same questions, by the same filter.
	rows, err = db.Query(ctx, `SELECT o.id, o.question_id, o.label FROM program_question_options o
		JOIN program_questions q ON q.id = o.question_id JOIN programs p ON p.id = q.program_id
		WHERE `+where+` ORDER BY o.question_id, o.position, o.id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o Option
		var qid int64
		var label string
		if err := rows.Scan(&o.ID, &qid, &label); err != nil {
			rows.Close()
			return nil, err
		}
		o.Label = decodeLabels(label)
		if k, ok := at[qid]; ok {
			out[k].Options = append(out[k].Options, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT t.question_id, t.mentee_option, t.mentor_option, t.points FROM program_question_pairs t
		JOIN program_questions q ON q.id = t.question_id JOIN programs p ON p.id = q.program_id
		WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var qid, a, b int64
		var n int
		if err := rows.Scan(&qid, &a, &b, &n); err != nil {
			return nil, err
		}
		if k, ok := at[qid]; ok {
			if out[k].Points == nil {
				out[k].Points = map[[2]int64]int{}
			}
			out[k].Points[[2]int64{a, b}] = n
		}
	}
	return out, rows.Err()
}

// List reads a program's live questions in order. It does not check who
// is asking.
func List(ctx context.Context, q store.Q, programID int64) ([]Question, error) {
	return list(ctx, q, `q.program_id = ? AND q.archived_at IS NULL`, programID)
}

// ListAll reads a program's questions, the removed ones last.
func ListAll(ctx context.Context, q store.Q, programID int64) ([]Question, error) {
	return list(ctx, q, `q.program_id = ?`, programID)
}

// Answers maps participant id → question id → stored answer for every
// answer in the program. It does not check who is asking.
func Answers(ctx context.Context, q store.Q, programID int64) (map[int64]map[int64]string, error) {
	return answers(ctx, q, `p.program_id = ?`, programID)
}

// AnswersOf maps question id → stored answer for one participant.
func AnswersOf(ctx context.Context, q store.Q, participantID int64) (map[int64]string, error) {
	m, err := answers(ctx, q, `p.id = ?`, participantID)
	return m[participantID], err
}

func answers(ctx context.Context, q store.Q, where string, args ...any) (map[int64]map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT a.participant_id, a.question_id, a.value FROM program_question_answers a
		JOIN participants p ON p.id = a.participant_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[int64]string{}
	for rows.Next() {
		var pid, qid int64
		var v string
		if err := rows.Scan(&pid, &qid, &v); err != nil {
			return nil, err
		}
		if out[pid] == nil {
			out[pid] = map[int64]string{}
		}
		out[pid][qid] = v
	}
	return out, rows.Err()
}

// Shown is one answered question as a reader sees it.
type Shown struct {
	QuestionID int64
	Question   string
	Answer     string
}

// Show lists the answers of one participant to qs in lang, in the
// questions' order, leaving out questions not answered.
func Show(qs []Question, answers map[int64]string, lang string) []Shown {
	var out []Shown
	for _, qu := range qs {
		v, ok := answers[qu.ID]
		if !ok || v == "" {
			continue
		}
		if d := qu.Display(v, lang); d != "" {
			out = append(out, Shown{QuestionID: qu.ID, Question: qu.Text(lang), Answer: d})
		}
	}
	return out
}

// matches reports whether a stored answer v matches want (see Roster.Filter).
func matches(q Question, v, want, lang string) bool {
	if want == "" {
		return true
	}
	want = strings.ToLower(strings.TrimSpace(want))
	if q.Choice() {
		for _, id := range q.Chosen(v) {
			o, _ := q.option(id)
			if strconv.FormatInt(id, 10) == want || strings.ToLower(q.OptionText(o, lang)) == want {
				return true
			}
		}
		return false
	}
	return strings.Contains(strings.ToLower(v), want)
}

// ForPartners lists, per user id, the answers of the program's participants
// among userIDs that their matched partners may read, in lang, in one
// query. The caller has checked that the reader shares a pair with them
// (or coordinates the program).
func ForPartners(ctx context.Context, q store.Q, programID int64, userIDs []int64, lang string) (map[int64][]Shown, error) {
	out := map[int64][]Shown{}
	var r store.Reads
	ReadForPartners(&r, programID, userIDs, lang, out)
	return out, r.Run(ctx, q)
}

// ReadForPartners queues the read of ForPartners, which fills in out.
func ReadForPartners(r *store.Reads, programID int64, userIDs []int64, lang string, out map[int64][]Shown) {
	if len(userIDs) == 0 {
		return
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(userIDs)), ", ")
	args := []any{programID}
	for _, id := range userIDs {
		args = append(args, id)
	}
	type answered struct {
		user  int64
		q     Question
		value string
	}
	// One row per answer and option of its question (one row for a
	// question without options), in the questions' order.
	r.Add(func(rows store.Rows) error {
		var list []answered
		for rows.Next() {
			var a answered
			var label, olabel string
			var oid int64
			if err := rows.Scan(&a.user, &a.q.ID, &a.q.Kind, &label, &a.q.Def, &a.value, &oid, &olabel); err != nil {
				return err
			}
			if n := len(list); n == 0 || list[n-1].user != a.user || list[n-1].q.ID != a.q.ID {
				a.q.Label = decodeLabels(label)
				list = append(list, a)
			}
			if oid != 0 {
				last := &list[len(list)-1]
				last.q.Options = append(last.q.Options, Option{ID: oid, Label: decodeLabels(olabel)})
			}
		}
		for _, a := range list {
			if d := a.q.Display(a.value, lang); d != "" {
				out[a.user] = append(out[a.user], Shown{QuestionID: a.q.ID, Question: a.q.Text(lang), Answer: d})
			}
		}
		return nil
	}, `SELECT p.user_id, q.id, q.kind, q.label, g.default_language, a.value, COALESCE(o.id, 0), COALESCE(o.label, '')
		FROM program_question_answers a JOIN participants p ON p.id = a.participant_id
		JOIN program_questions q ON q.id = a.question_id JOIN programs g ON g.id = q.program_id
		LEFT JOIN program_question_options o ON o.question_id = q.id
		WHERE p.program_id = ? AND q.visibility = 'partner' AND q.archived_at IS NULL AND p.user_id IN (`+marks+`)
		ORDER BY p.user_id, q.position, q.id, o.position, o.id`, args...)
}
