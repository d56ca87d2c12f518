package agreement

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Limits on what a coordinator writes into a template.
const (
	MaxQuestions    = 30
	MaxQuestionText = 500
)

// Who a preparation question is for.
const (
	AudienceBoth   = "both"
	AudienceMentor = "mentor"
	AudienceMentee = "mentee"
)

// Clauses are the template's default texts in one language: the role
// descriptions and the clauses a new agreement starts from.
type Clauses struct {
	MentorRole      string `json:"mentor_role"`
	MenteeRole      string `json:"mentee_role"`
	CancelRule      string `json:"cancel_rule"`
	UrgentRule      string `json:"urgent_rule"`
	Confidentiality string `json:"confidentiality"`
	Costs           string `json:"costs"`
	Voluntary       string `json:"voluntary"`
}

// clauseFields lists the clauses with their JSON names, in form order.
func (c *Clauses) fields() []struct {
	Name  string
	Value *string
} {
	return []struct {
		Name  string
		Value *string
	}{
		{"mentor_role", &c.MentorRole}, {"mentee_role", &c.MenteeRole}, {"cancel_rule", &c.CancelRule},
		{"urgent_rule", &c.UrgentRule}, {"confidentiality", &c.Confidentiality}, {"costs", &c.Costs},
		{"voluntary", &c.Voluntary},
	}
}

// ClauseNames are the clause fields in the order forms show them.
var ClauseNames = []string{"mentor_role", "mentee_role", "cancel_rule", "urgent_rule", "confidentiality", "costs", "voluntary"}

// Get returns the clause by its JSON name.
func (c Clauses) Get(name string) string {
	for _, f := range c.fields() {
		if f.Name == name {
			return *f.Value
		}
	}
	return ""
}

// ClausesFrom builds clauses from a lookup by JSON name, as a form gives
// them.
func ClausesFrom(get func(name string) string) Clauses {
	var c Clauses
	for _, f := range c.fields() {
		*f.Value = get(f.Name)
	}
	return c
}

// Question is a preparation question. Key stays the same in every language
// and across edits, so answers stay attached to their question.
type Question struct {
	Key      string            `json:"key"`
	Audience string            `json:"audience"`
	Text     map[string]string `json:"text"` // per language; a language left out falls back
}

// Template is a program's agreement template: clauses per language and the
// preparation questions. A language without clauses of its own, and any
// clause left empty, uses our default text in that language.
type Template struct {
	Clauses   map[string]Clauses `json:"clauses"`
	Questions []Question         `json:"questions"`
	Custom    bool               `json:"-"` // the coordinator has saved it at least once
	UpdatedAt time.Time          `json:"-"`
}

// defaultQuestions are the preparation questions every program starts
// with; their texts are in the catalogs as prep.question.<key>.
var defaultQuestions = []Question{
	{Key: "often", Audience: AudienceBoth},
	{Key: "when", Audience: AudienceBoth},
	{Key: "where", Audience: AudienceBoth},
	{Key: "length", Audience: AudienceBoth},
	{Key: "topics", Audience: AudienceBoth},
	{Key: "gain", Audience: AudienceMentee},
	{Key: "needs", Audience: AudienceMentee},
	{Key: "expectations", Audience: AudienceMentee},
	{Key: "comfort", Audience: AudienceMentee}, // seed 001: what the mentor can do for the mentee's comfort
	{Key: "offer", Audience: AudienceMentor},
	{Key: "limits", Audience: AudienceMentor},
	{Key: "mentor_expects", Audience: AudienceMentor}, // seeds 003, 004: the mentor's own expectations of the mentee
	{Key: "at_ease", Audience: AudienceMentor},
}

func isDefaultQuestion(key string) bool {
	for _, q := range defaultQuestions {
		if q.Key == key {
			return true
		}
	}
	return false
}

// DefaultTemplate is the template of a program whose coordinator has not
// changed it.
func DefaultTemplate() Template {
	t := Template{Clauses: map[string]Clauses{}}
	for _, q := range defaultQuestions {
		t.Questions = append(t.Questions, Question{Key: q.Key, Audience: q.Audience, Text: map[string]string{}})
	}
	return t
}

// DefaultClauses are our default clauses in the locale's language.
func DefaultClauses(l *i18n.Locale) Clauses {
	var c Clauses
	for _, f := range c.fields() {
		*f.Value = l.T("agreement.default." + f.Name)
	}
	return c
}

// ClausesIn returns the template's clauses in a language, each empty one
// filled with our default.
func (t *Template) ClausesIn(l *i18n.Locale) Clauses {
	c := t.Clauses[l.Lang()]
	def := DefaultClauses(l)
	own, dflt := c.fields(), def.fields()
	for i := range own {
		if strings.TrimSpace(*own[i].Value) == "" {
			*own[i].Value = *dflt[i].Value
		}
	}
	return c
}

// QuestionText is a question in the reader's language: the coordinator's
// text in that language, else our default for a default question, else the
// coordinator's text in the first language that has one.
func QuestionText(q Question, l *i18n.Locale) string {
	if s := q.Text[l.Lang()]; s != "" {
		return s
	}
	if isDefaultQuestion(q.Key) {
		return l.T("prep.question." + q.Key)
	}
	for _, lang := range i18n.Languages {
		if s := q.Text[lang]; s != "" {
			return s
		}
	}
	return q.Key
}

// For reports whether the question is asked of a side.
func (q Question) For(side string) bool {
	return q.Audience == AudienceBoth || q.Audience == side
}

// TemplateFor reads a program's template, or the default one. It does not
// check who asks.
func TemplateFor(ctx context.Context, q store.Q, programID int64) (*Template, error) {
	var body string
	var at time.Time
	err := q.QueryRow(ctx, `SELECT body, updated_at FROM agreement_templates WHERE program_id = ?`, programID).Scan(&body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		t := DefaultTemplate()
		return &t, nil
	}
	if err != nil {
		return nil, err
	}
	var t Template
	if err := json.Unmarshal([]byte(body), &t); err != nil {
		return nil, err
	}
	if t.Clauses == nil {
		t.Clauses = map[string]Clauses{}
	}
	t.Custom, t.UpdatedAt = true, at
	return &t, nil
}

// Template loads a program's agreement template for one of its
// coordinators.
func (s *Service) Template(ctx context.Context, actor *account.User, programID int64) (*Template, *program.Program, error) {
	prog, err := (&program.Service{DB: s.DB}).RequireCoordinator(ctx, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	t, err := TemplateFor(ctx, s.DB, programID)
	return t, prog, err
}

// SaveTemplate replaces a program's template. Questions without a key are
// new and get one; a question whose key is missing from t is removed.
func (s *Service) SaveTemplate(ctx context.Context, actor *account.User, programID int64, t Template) (*Template, error) {
	if _, err := (&program.Service{DB: s.DB}).RequireCoordinator(ctx, actor, programID); err != nil {
		return nil, err
	}
	if err := t.clean(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO agreement_templates (program_id, body, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (program_id) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			programID, string(body), actor.ID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	t.Custom, t.UpdatedAt = true, now
	return &t, nil
}

// clean checks a template and fills in keys for new questions. Field names
// are those of the API: clauses.<lang>.<clause>, questions.<i>.text.<lang>.
func (t *Template) clean() error {
	var v errs.Validation
	clauses := map[string]Clauses{}
	for lang, c := range t.Clauses {
		if !i18n.Supported(lang) {
			v.Add("clauses."+lang, "agreement.error.language")
			continue
		}
		for _, f := range c.fields() {
			*f.Value = cleanText(*f.Value)
			v.Check(utf8.RuneCountInString(*f.Value) <= program.MaxTextLen, "clauses."+lang+"."+f.Name,
				"error.too_long", "max", program.MaxTextLen)
		}
		clauses[lang] = c
	}
	t.Clauses = clauses
	v.Check(len(t.Questions) <= MaxQuestions, "questions", "agreement.error.too_many_questions", "max", MaxQuestions)
	seen := map[string]bool{}
	var qs []Question
	for i, q := range t.Questions {
		field := "questions." + strconv.Itoa(i)
		q.Key = strings.TrimSpace(q.Key)
		if q.Key == "" {
			q.Key = newKey()
		}
		v.Check(validKey(q.Key) && !seen[q.Key], field+".key", "agreement.error.key")
		seen[q.Key] = true
		if q.Audience == "" {
			q.Audience = AudienceBoth
		}
		v.Check(q.Audience == AudienceBoth || q.Audience == AudienceMentor || q.Audience == AudienceMentee,
			field+".audience", "error.choice_invalid")
		texts := map[string]string{}
		for lang, s := range q.Text {
			s = cleanText(s)
			if !i18n.Supported(lang) {
				v.Add(field+".text."+lang, "agreement.error.language")
				continue
			}
			v.Check(utf8.RuneCountInString(s) <= MaxQuestionText, field+".text."+lang, "error.too_long", "max", MaxQuestionText)
			if s != "" {
				texts[lang] = s
			}
		}
		q.Text = texts
		if len(texts) == 0 && !isDefaultQuestion(q.Key) {
			v.Add(field+".text", "agreement.error.question_empty")
		}
		qs = append(qs, q)
	}
	t.Questions = qs
	return v.Err()
}

// newKey makes a short random key for a goal or a question.
func newKey() string {
	b := make([]byte, 5)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// validKey accepts keys made by newKey, our default keys and reasonable keys
// chosen by API clients.
func validKey(k string) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
