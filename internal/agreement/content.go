package agreement

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
)

// Content is one version of a pair's agreement: every clause the pair
// agrees on, as structured fields rather than free prose, so that meetings,
// messages and goals can follow it and two versions can be compared field
// by field. Texts are the pair's own words; lists are one item per line.
//
// The JSON names are the canonical form that is hashed (see Canonical), so
// a field's name and position must never change once versions have been
// signed with it; new fields go at the end. The API shows the same fields
// in the same order, but names the dates as it names every date
// (starts_on, ends_on, target_on; see internal/api/agreement_content.go).
type Content struct {
	Parties           []Party     `json:"parties"`    // filled from the pair when saved, never typed
	StartDate         string      `json:"start_date"` // YYYY-MM-DD
	EndDate           string      `json:"end_date"`   // YYYY-MM-DD, the planned end
	MeetingCount      int         `json:"meeting_count"`
	Frequency         string      `json:"frequency"` // how often and when, e.g. "every other Tuesday after work"
	TypicalMinutes    int         `json:"typical_minutes"`
	MaxMinutes        int         `json:"max_minutes"`
	Places            string      `json:"places"`        // online, café, workplace…
	Communication     string      `json:"communication"` // how to reach each other between meetings
	ResponseTime      string      `json:"response_time"` // how fast each side answers
	InAppMessages     bool        `json:"in_app_messages"`
	CancelRule        string      `json:"cancel_rule"`
	CancelNoticeHours int         `json:"cancel_notice_hours"`
	UrgentRule        string      `json:"urgent_rule"`
	Goals             []Goal      `json:"goals"`
	MentorRole        string      `json:"mentor_role"`
	MenteeRole        string      `json:"mentee_role"`
	Mentor            Commitments `json:"mentor"`
	Mentee            Commitments `json:"mentee"`
	TopicsIn          string      `json:"topics_in"`
	TopicsOut         string      `json:"topics_out"`
	Relationship      string      `json:"relationship"` // RelationProfessional or RelationSocial
	Confidentiality   string      `json:"confidentiality"`
	CoordinatorSees   string      `json:"coordinator_sees"` // ShareNothing, ShareAgreed or ShareMeetings
	Costs             string      `json:"costs"`
	Unmet             string      `json:"unmet_expectations"` // what the mentor has said they cannot do
	Voluntary         string      `json:"voluntary"`          // the no-fault clause, from the template
}

// Party is one person on a side, as named when the version was saved.
type Party struct {
	Name string `json:"name"`
	Side string `json:"side"` // program.SideMentor or program.SideMentee
}

// Goal is a SMART goal. Key stays the same across versions, so goals
// synced from the agreement are updated rather than added twice. Sub-goals
// have no sub-goals of their own.
type Goal struct {
	Key        string `json:"key"`
	Title      string `json:"title"`
	Measure    string `json:"measure"`     // how the pair will know it is reached
	TargetDate string `json:"target_date"` // YYYY-MM-DD or ""
	SubGoals   []Goal `json:"sub_goals,omitempty"`
}

// Commitments is what one side will do, will not do, can do and cannot do.
type Commitments struct {
	Will    string `json:"will"`
	WillNot string `json:"will_not"`
	Can     string `json:"can"`
	Cannot  string `json:"cannot"`
}

// Kinds of relationship the boundaries clause chooses between.
const (
	RelationProfessional = "professional"
	RelationSocial       = "social"
)

// Signature binds one person to one exact version: Hash is the version's
// hash at the moment of signing.
type Signature struct {
	UserID    int64
	Name      string // the account name when signing
	Side      string
	TypedName string // what the person typed to sign
	SignedAt  time.Time
	Hash      string
}

// Version is one saved state of a pair's agreement. Versions are never
// changed once written (the store refuses it); a change is a new version.
type Version struct {
	id         int64 // the row signatures point at
	PairID     int64
	Number     int
	Content    Content
	Hash       string
	CreatedBy  int64
	AuthorName string // who saved it
	CreatedAt  time.Time
	Signatures []Signature
	// Intact reports whether the stored canonical bytes still hash to Hash.
	Intact bool
	// Review is the agreement review meeting the version was saved from,
	// with ReviewAt its start; 0 for a version saved any other way.
	Review   int64
	ReviewAt time.Time
}

// SignedBy reports whether someone on side has signed the version.
func (v *Version) SignedBy(side string) bool {
	for _, s := range v.Signatures {
		if s.Side == side {
			return true
		}
	}
	return false
}

// SignedByUser returns the person's signature on the version, if any.
func (v *Version) SignedByUser(userID int64) *Signature {
	for i := range v.Signatures {
		if v.Signatures[i].UserID == userID {
			return &v.Signatures[i]
		}
	}
	return nil
}

// Complete reports whether both sides have signed: the version is in force.
func (v *Version) Complete() bool {
	return v.SignedBy(program.SideMentor) && v.SignedBy(program.SideMentee)
}

// ActiveSince is when the version came into force: the last of the
// signatures that completed it. Zero when it is not complete.
func (v *Version) ActiveSince() time.Time {
	if !v.Complete() {
		return time.Time{}
	}
	var t time.Time
	for _, s := range v.Signatures {
		if s.SignedAt.After(t) {
			t = s.SignedAt
		}
	}
	return t
}

// Normalize cleans the texts the way the canonical form needs them: line
// breaks as "\n", no spaces at line ends, no blank lines at either end. It
// is applied before saving, so what is stored is what is hashed.
func (c *Content) Normalize() {
	for _, s := range []*string{&c.StartDate, &c.EndDate, &c.Frequency, &c.Places, &c.Communication,
		&c.ResponseTime, &c.CancelRule, &c.UrgentRule, &c.MentorRole, &c.MenteeRole,
		&c.Mentor.Will, &c.Mentor.WillNot, &c.Mentor.Can, &c.Mentor.Cannot,
		&c.Mentee.Will, &c.Mentee.WillNot, &c.Mentee.Can, &c.Mentee.Cannot,
		&c.TopicsIn, &c.TopicsOut, &c.Relationship, &c.Confidentiality, &c.CoordinatorSees,
		&c.Costs, &c.Unmet, &c.Voluntary} {
		*s = cleanText(*s)
	}
	if c.Parties == nil {
		c.Parties = []Party{}
	}
	for i := range c.Parties {
		c.Parties[i].Name = cleanText(c.Parties[i].Name)
	}
	c.Goals = normalizeGoals(c.Goals)
	if c.Goals == nil {
		c.Goals = []Goal{}
	}
}

func normalizeGoals(gs []Goal) []Goal {
	var out []Goal
	for _, g := range gs {
		g.Key = strings.TrimSpace(g.Key)
		g.Title, g.Measure, g.TargetDate = cleanText(g.Title), cleanText(g.Measure), cleanText(g.TargetDate)
		g.SubGoals = normalizeGoals(g.SubGoals)
		out = append(out, g)
	}
	return out
}

// cleanText normalises line breaks and trims trailing spaces per line and
// blank space around the whole text.
func cleanText(s string) string {
	if s == "" {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Canonical is the byte form a version is stored and hashed in: the
// normalised content encoded as compact JSON by encoding/json, whose field
// order is the declaration order of Content, with HTML characters left
// unescaped, no trailing newline, empty lists as [] and sub-goal lists
// omitted when empty. Anyone holding a version's JSON can recompute its
// hash with SHA-256 over these bytes.
func Canonical(c Content) []byte {
	c.Parties = append([]Party(nil), c.Parties...)
	c.Goals = cloneGoals(c.Goals)
	c.Normalize()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		panic("agreement: content does not encode: " + err.Error()) // plain strings and ints always do
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func cloneGoals(gs []Goal) []Goal {
	if gs == nil {
		return nil
	}
	out := make([]Goal, len(gs))
	for i, g := range gs {
		g.SubGoals = cloneGoals(g.SubGoals)
		out[i] = g
	}
	return out
}

// Hash is the hex SHA-256 of the content's canonical form. It is stored
// with each version and each signature, and printed on every copy.
func Hash(c Content) string { return hashBytes(Canonical(c)) }

func hashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Section is one titled part of an agreement as a reader sees it.
type Section struct {
	Key   string // stable id, e.g. "meetings"
	Title string
	Items []Item
}

// Item is one labelled clause. Text is the pair's words (or a value
// formatted for the reader); "" means the pair left it empty. Key is stable
// across versions and languages, for comparing versions.
type Item struct {
	Key   string
	Label string
	Text  string
}

// Sections renders an agreement in the one order every view uses — the
// page, the diff, the printable copy and the PDF — with titles, labels,
// dates and numbers in the reader's language. The pair's own texts are
// shown as written.
func Sections(c Content, l *i18n.Locale) []Section {
	date := func(s string) string {
		if t, err := program.ParseDate(s); err == nil {
			return l.Date(t)
		}
		return s
	}
	minutes := func(n int) string {
		if n <= 0 {
			return ""
		}
		return l.N("agreement.value.minutes", n)
	}
	count := func(n int) string {
		if n <= 0 {
			return ""
		}
		return l.Int(n)
	}
	yesNo := func(b bool) string {
		if b {
			return l.T("agreement.value.yes")
		}
		return l.T("agreement.value.no")
	}
	choice := func(prefix, v string) string {
		if v == "" {
			return ""
		}
		return l.T(prefix + v)
	}
	var mentors, mentees []string
	for _, p := range c.Parties {
		if p.Side == program.SideMentor {
			mentors = append(mentors, p.Name)
		} else {
			mentees = append(mentees, p.Name)
		}
	}
	notice := ""
	if c.CancelNoticeHours > 0 {
		notice = l.N("agreement.value.hours", c.CancelNoticeHours)
	}
	item := func(key, text string) Item {
		return Item{Key: key, Label: l.T("agreement.field." + key), Text: text}
	}
	commit := func(side string, m Commitments) []Item {
		return []Item{
			item(side+"_will", m.Will), item(side+"_will_not", m.WillNot),
			item(side+"_can", m.Can), item(side+"_cannot", m.Cannot),
		}
	}
	goals := make([]Item, 0, len(c.Goals))
	for i, g := range c.Goals {
		goals = append(goals, Item{Key: "goal:" + g.Key, Label: l.T("agreement.goal_n", "n", i+1), Text: goalText(g, l, date)})
	}
	return []Section{
		{Key: "parties", Title: l.T("agreement.section.parties"), Items: []Item{
			item("mentors", strings.Join(mentors, ", ")), item("mentees", strings.Join(mentees, ", ")),
		}},
		{Key: "meetings", Title: l.T("agreement.section.meetings"), Items: []Item{
			item("start_date", date(c.StartDate)), item("end_date", date(c.EndDate)),
			item("meeting_count", count(c.MeetingCount)), item("frequency", c.Frequency),
			item("typical_minutes", minutes(c.TypicalMinutes)), item("max_minutes", minutes(c.MaxMinutes)),
			item("places", c.Places),
		}},
		{Key: "communication", Title: l.T("agreement.section.communication"), Items: []Item{
			item("communication", c.Communication), item("response_time", c.ResponseTime),
			item("in_app_messages", yesNo(c.InAppMessages)), item("cancel_rule", c.CancelRule),
			item("cancel_notice_hours", notice), item("urgent_rule", c.UrgentRule),
		}},
		{Key: "goals", Title: l.T("agreement.section.goals"), Items: goals},
		{Key: "roles", Title: l.T("agreement.section.roles"), Items: []Item{
			item("mentor_role", c.MentorRole), item("mentee_role", c.MenteeRole),
		}},
		{Key: "mentor", Title: l.T("agreement.section.mentor"), Items: commit("mentor", c.Mentor)},
		{Key: "mentee", Title: l.T("agreement.section.mentee"), Items: commit("mentee", c.Mentee)},
		{Key: "boundaries", Title: l.T("agreement.section.boundaries"), Items: []Item{
			item("topics_in", c.TopicsIn), item("topics_out", c.TopicsOut),
			item("relationship", choice("agreement.relationship.", c.Relationship)),
		}},
		{Key: "confidentiality", Title: l.T("agreement.section.confidentiality"), Items: []Item{
			item("confidentiality", c.Confidentiality),
			item("coordinator_sees", choice("agreement.share.", c.CoordinatorSees)),
		}},
		{Key: "practical", Title: l.T("agreement.section.practical"), Items: []Item{
			item("costs", c.Costs), item("unmet_expectations", c.Unmet),
		}},
		{Key: "voluntary", Title: l.T("agreement.section.voluntary"), Items: []Item{
			item("voluntary", c.Voluntary),
		}},
	}
}

// goalText writes a goal and its sub-goals as plain lines, the same way on
// screen, on paper and in a diff.
func goalText(g Goal, l *i18n.Locale, date func(string) string) string {
	lines := []string{g.Title}
	if g.Measure != "" {
		lines = append(lines, l.T("agreement.goal.measure_line", "text", g.Measure))
	}
	if g.TargetDate != "" {
		lines = append(lines, l.T("agreement.goal.target_line", "date", date(g.TargetDate)))
	}
	for _, s := range g.SubGoals {
		line := "– " + s.Title
		if s.TargetDate != "" {
			line += " (" + date(s.TargetDate) + ")"
		}
		if s.Measure != "" {
			line += ": " + s.Measure
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
