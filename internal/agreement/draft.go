package agreement

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/goal"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Limits on an agreement's content.
const (
	MaxGoals          = 20
	MaxSubGoals       = 10
	MaxGoalTitle      = goal.MaxTitle
	MaxGoalMeasure    = goal.MaxMeasure
	MaxNoticeHours    = 24 * 30
	MaxAgreementText  = program.MaxTextLen
	MaxMeetingsAgreed = program.MaxMinMeetings
)

// View is a pair's agreement as one person may see it.
type View struct {
	Pair    *program.Pair
	Program *program.Program
	Viewer  program.PairViewer
	Status  *Status
	// ContentVisible says whether the viewer may read the agreement's text:
	// always for the pair; for a coordinator only the version in force, and
	// only when that version shares it.
	ContentVisible bool
	// MentorPrompt asks a mentor to contact the mentee and book the first
	// meeting, until a meeting is booked.
	MentorPrompt bool
}

// CoordinatorMaySee reports whether the agreement in force lets the
// program's coordinators read the agreement itself.
func (st *Status) CoordinatorMaySee() bool {
	if st.InForce == nil {
		return false
	}
	s := st.InForce.Content.CoordinatorSees
	return s == ShareAgreed || s == ShareMeetings
}

// MayRead reports whether the viewer may read version v of the agreement.
func (vw *View) MayRead(v *Version) bool {
	if vw.Viewer.Member() {
		return true
	}
	return vw.Viewer.Coordinator && v.Complete() && vw.Status.CoordinatorMaySee()
}

// ViewAgreement loads a pair's agreement for a member or a coordinator of
// its program. The content of drafts stays with the pair.
func ViewAgreement(ctx context.Context, q store.Q, actor *account.User, pairID int64) (*View, error) {
	p, viewer, err := program.ViewPair(ctx, q, actor, pairID)
	if err != nil {
		return nil, err
	}
	prog, err := program.Get(ctx, q, p.ProgramID)
	if err != nil {
		return nil, err
	}
	st, err := StatusOf(ctx, q, pairID, !p.Active())
	if err != nil {
		return nil, err
	}
	vw := &View{Pair: p, Program: prog, Viewer: viewer, Status: st}
	vw.ContentVisible = viewer.Member() || st.CoordinatorMaySee()
	if viewer.Side == program.SideMentor && p.Active() {
		booked, err := meetingBooked(ctx, q, pairID)
		if err != nil {
			return nil, err
		}
		vw.MentorPrompt = !booked
	}
	return vw, nil
}

// meetingBooked reports whether the pair has a meeting that is not
// cancelled. It reads the meetings table directly: the meeting package
// depends on this one for the agreed terms, so it cannot be called here.
func meetingBooked(ctx context.Context, q store.Q, pairID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND status <> 'cancelled'`, pairID).Scan(&n)
	return n > 0, err
}

// View loads a pair's agreement for the actor. The first time a member of
// the pair opens it, the mentor is emailed a reminder to contact the mentee
// and book the first meeting.
func (s *Service) View(ctx context.Context, actor *account.User, pairID int64) (*View, error) {
	vw, err := ViewAgreement(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	if vw.Viewer.Member() && vw.Pair.Active() {
		if err := s.promptMentors(ctx, vw.Pair, vw.Program); err != nil {
			return nil, err
		}
	}
	return vw, nil
}

// promptMentors emails the pair's mentors once, asking them to take the
// first step.
func (s *Service) promptMentors(ctx context.Context, p *program.Pair, prog *program.Program) error {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM agreement_prompts WHERE pair_id = ?`, p.ID).Scan(&n); err != nil || n > 0 {
		return err
	}
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO agreement_prompts (pair_id, sent_at) VALUES (?, ?) ON CONFLICT (pair_id) DO NOTHING`, p.ID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 || s.Outbox == nil {
			return nil
		}
		link := s.Outbox.Link(pairPath(p.ID) + "/agreement")
		for _, m := range p.Mentors {
			if err := s.Outbox.Send(ctx, tx, now, program.Recipient(m.Email, m.Name, m.Lang, prog), "agreement_contact",
				"name", m.Name, "mentees", program.Names(p.Mentees), "program", prog.Name, "link", link); err != nil {
				return err
			}
		}
		return nil
	})
}

func pairPath(id int64) string { return "/pairs/" + strconv.FormatInt(id, 10) }

// Draft is what the drafting form starts from.
type Draft struct {
	View    *View
	Content Content
	Base    int  // the version the form is based on, 0 for the first
	Fresh   bool // prefilled, never saved
}

// DraftFor gives a member of the pair the content to edit: the newest
// version, or before the first save a draft prefilled from the program's
// rules, the template in the reader's language and the reader's own
// preparation answers (never the other side's: those stay private until
// someone writes them into the agreement).
func (s *Service) DraftFor(ctx context.Context, actor *account.User, pairID int64, l *i18n.Locale) (*Draft, error) {
	vw, err := s.View(ctx, actor, pairID)
	if err != nil {
		return nil, err
	}
	if !vw.Viewer.Member() {
		return nil, errs.E(errs.Forbidden, "pair.error.members_only")
	}
	if cur := vw.Status.Current; cur != nil {
		return &Draft{View: vw, Content: cur.Content, Base: cur.Number}, nil
	}
	t, err := TemplateFor(ctx, s.DB, vw.Pair.ProgramID)
	if err != nil {
		return nil, err
	}
	stored, _, err := prepAnswers(ctx, s.DB, pairID, actor.ID)
	if err != nil {
		return nil, err
	}
	answers := map[string]string{}
	for k, a := range stored {
		answers[k] = a.Text
	}
	return &Draft{View: vw, Content: Prefill(vw.Pair, vw.Program, t, l, answers), Fresh: true}, nil
}

// Prefill builds a first draft. The default preparation questions feed the
// fields they ask about.
func Prefill(p *program.Pair, prog *program.Program, t *Template, l *i18n.Locale, answers map[string]string) Content {
	cl := t.ClausesIn(l)
	typical := min(max(60, prog.MeetingMinMinutes), prog.MeetingMaxMinutes) // an hour, where the program allows it
	c := Content{
		Parties:   partiesOf(p),
		StartDate: prog.Start.Format(program.DateLayout), EndDate: prog.End.Format(program.DateLayout),
		MeetingCount:   prog.MinMeetings,
		TypicalMinutes: typical, MaxMinutes: prog.MeetingMaxMinutes,
		InAppMessages: prog.MessagesAllowed,
		CancelRule:    cl.CancelRule, CancelNoticeHours: 24, UrgentRule: cl.UrgentRule,
		MentorRole: cl.MentorRole, MenteeRole: cl.MenteeRole,
		Relationship:    RelationProfessional,
		Confidentiality: cl.Confidentiality, CoordinatorSees: ShareNothing,
		Costs: cl.Costs, Voluntary: cl.Voluntary,
	}
	if today := p.CreatedAt.UTC().Format(program.DateLayout); today > c.StartDate && today < c.EndDate {
		c.StartDate = today
	}
	join := func(keys ...string) string {
		var parts []string
		for _, k := range keys {
			if a := strings.TrimSpace(answers[k]); a != "" {
				parts = append(parts, a)
			}
		}
		return strings.Join(parts, "\n")
	}
	c.Frequency = join("often", "when")
	c.Places = join("where")
	c.TopicsIn = join("topics")
	if g := firstLine(answers["gain"]); g != "" {
		c.Goals = []Goal{{Key: newKey(), Title: g}}
	}
	c.Unmet = join("limits")
	c.Normalize()
	return c
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) > MaxGoalTitle {
		s = string([]rune(s)[:MaxGoalTitle])
	}
	return strings.TrimSpace(s)
}

func partiesOf(p *program.Pair) []Party {
	var out []Party
	for _, m := range p.Mentors {
		out = append(out, Party{Name: m.Name, Side: program.SideMentor})
	}
	for _, m := range p.Mentees {
		out = append(out, Party{Name: m.Name, Side: program.SideMentee})
	}
	return out
}

// lockPair serialises saves and signatures of one pair on PostgreSQL, so a
// signature cannot slip in beside a save of a newer version. SQLite
// transactions already hold the single write lock from their start.
func lockPair(ctx context.Context, tx *store.Tx, pairID int64) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT id FROM pairs WHERE id = ? FOR UPDATE`, pairID)
	if err != nil {
		return err
	}
	return rows.Close()
}

// SaveDraft saves the actor's edit of the agreement as a new version. base
// names the version the edit started from: if someone saved a newer one
// meanwhile the save fails with a Conflict naming them, and nothing is
// written. Saving the same content again writes nothing. A change to a
// version somebody had signed starts a new version both must sign; the
// signed one stays as it was.
//
// l is the actor's language; the first version takes the template's
// no-fault clause in it, as the prefilled form showed.
func (s *Service) SaveDraft(ctx context.Context, actor *account.User, pairID int64, base int, c Content, l *i18n.Locale) (*Version, error) {
	return s.SaveDraftFrom(ctx, actor, pairID, base, c, l, 0)
}

// SaveDraftFrom is SaveDraft for a change agreed at an agreement review
// meeting: a new version it saves names the meeting, which must be the
// pair's own review meeting and held. review 0 is plain SaveDraft.
func (s *Service) SaveDraftFrom(ctx context.Context, actor *account.User, pairID int64, base int, c Content, l *i18n.Locale, review int64) (*Version, error) {
	now := s.Clock.Now().UTC()
	var saved int
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := lockPair(ctx, tx, pairID); err != nil {
			return err
		}
		p, _, err := program.RequirePairMember(ctx, tx, actor, pairID)
		if err != nil {
			return err
		}
		if err := p.Require(now, program.ActDraft, "agreement.error.pair_ended"); err != nil {
			return err
		}
		if review != 0 {
			if err := heldReview(ctx, tx, pairID, review, now); err != nil {
				return err
			}
		}
		prog, err := program.Get(ctx, tx, p.ProgramID)
		if err != nil {
			return err
		}
		cur, err := currentNumber(ctx, tx, pairID)
		if err != nil {
			return err
		}
		var prev *Version
		if cur > 0 {
			if prev, err = GetVersion(ctx, tx, pairID, cur); err != nil {
				return err
			}
		}
		if base != cur {
			if prev == nil || base > cur {
				return errs.E(errs.Conflict, "agreement.error.base_unknown")
			}
			return errs.E(errs.Conflict, "agreement.error.stale", "name", prev.AuthorName, "version", cur)
		}
		// The pair does not type its own names, and the no-fault clause is
		// not theirs to remove.
		c.Parties = partiesOf(p)
		if prev != nil {
			c.Voluntary = prev.Content.Voluntary
		} else {
			t, err := TemplateFor(ctx, tx, p.ProgramID)
			if err != nil {
				return err
			}
			c.Voluntary = t.ClausesIn(l).Voluntary
		}
		if err := validate(&c, prog); err != nil {
			return err
		}
		canon := Canonical(c)
		hash := hashBytes(canon)
		if prev != nil && prev.Hash == hash {
			saved = cur
			return nil
		}
		saved = cur + 1
		_, err = tx.Exec(ctx, `INSERT INTO agreement_versions (pair_id, number, content, hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, pairID, saved, string(canon), hash, actor.ID, now)
		if store.IsUnique(err) {
			return errs.E(errs.Conflict, "agreement.error.stale_race")
		}
		if err != nil {
			return err
		}
		if review != 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO agreement_version_reviews (version_id, meeting_id)
				SELECT id, ? FROM agreement_versions WHERE pair_id = ? AND number = ?`, review, pairID, saved); err != nil {
				return err
			}
		}
		if prev != nil && len(prev.Signatures) > 0 {
			return s.tellOthers(ctx, tx, now, p, prog, actor, "agreement_changed", saved)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return GetVersion(ctx, s.DB, pairID, saved)
}

// heldReview checks that meetingID is the pair's agreement review meeting
// and has taken place. The purpose is the meeting package's
// meeting.PurposeReview, spelt out here because that package builds on
// this one.
func heldReview(ctx context.Context, tx *store.Tx, pairID, meetingID int64, now time.Time) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meetings WHERE id = ? AND pair_id = ? AND purpose = 'agreement_review'
		AND status = 'confirmed' AND starts_at <= ?`, meetingID, pairID, now).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.Conflict, "meeting.error.review_not_held")
	}
	return nil
}

// validate checks content against the program's rules. Field names are the
// content's JSON paths (goals.0.sub_goals.1.title), which the form uses as
// input names too.
func validate(c *Content, prog *program.Program) error {
	c.Normalize()
	var v errs.Validation
	start, err := program.ParseDate(c.StartDate)
	v.Check(err == nil, "start_date", "agreement.error.date")
	end, err := program.ParseDate(c.EndDate)
	v.Check(err == nil, "end_date", "agreement.error.date")
	if !v.Has("start_date") && !v.Has("end_date") {
		v.Check(end.After(start), "end_date", "agreement.error.end_before_start")
	}
	v.Check(c.MeetingCount >= 1 && c.MeetingCount <= MaxMeetingsAgreed, "meeting_count",
		"agreement.error.range", "min", 1, "max", MaxMeetingsAgreed)
	lo, hi := prog.MeetingMinMinutes, prog.MeetingMaxMinutes
	v.Check(c.TypicalMinutes >= lo && c.TypicalMinutes <= hi, "typical_minutes", "agreement.error.minutes", "min", lo, "max", hi)
	v.Check(c.MaxMinutes >= lo && c.MaxMinutes <= hi, "max_minutes", "agreement.error.minutes", "min", lo, "max", hi)
	if !v.Has("typical_minutes") && !v.Has("max_minutes") {
		v.Check(c.TypicalMinutes <= c.MaxMinutes, "max_minutes", "agreement.error.typical_above_max")
	}
	v.Check(c.CancelNoticeHours >= 0 && c.CancelNoticeHours <= MaxNoticeHours, "cancel_notice_hours",
		"agreement.error.range", "min", 0, "max", MaxNoticeHours)
	v.Check(c.Relationship == "" || c.Relationship == RelationProfessional || c.Relationship == RelationSocial,
		"relationship", "error.choice_invalid")
	if c.CoordinatorSees == "" {
		c.CoordinatorSees = ShareNothing
	}
	v.Check(slices.Contains([]string{ShareNothing, ShareAgreed, ShareMeetings}, c.CoordinatorSees),
		"coordinator_sees", "error.choice_invalid")
	texts := []struct {
		field string
		value string
	}{
		{"frequency", c.Frequency}, {"places", c.Places}, {"communication", c.Communication},
		{"response_time", c.ResponseTime}, {"cancel_rule", c.CancelRule}, {"urgent_rule", c.UrgentRule},
		{"mentor_role", c.MentorRole}, {"mentee_role", c.MenteeRole},
		{"mentor.will", c.Mentor.Will}, {"mentor.will_not", c.Mentor.WillNot},
		{"mentor.can", c.Mentor.Can}, {"mentor.cannot", c.Mentor.Cannot},
		{"mentee.will", c.Mentee.Will}, {"mentee.will_not", c.Mentee.WillNot},
		{"mentee.can", c.Mentee.Can}, {"mentee.cannot", c.Mentee.Cannot},
		{"topics_in", c.TopicsIn}, {"topics_out", c.TopicsOut}, {"confidentiality", c.Confidentiality},
		{"costs", c.Costs}, {"unmet_expectations", c.Unmet},
	}
	for _, t := range texts {
		v.Check(utf8.RuneCountInString(t.value) <= MaxAgreementText, t.field, "error.too_long", "max", MaxAgreementText)
	}
	c.Goals = validateGoals(&v, "goals", c.Goals, MaxGoals, true, map[string]bool{})
	return v.Err()
}

// validateGoals checks goals (or sub-goals) and drops those left entirely
// empty, as the blank rows of the form are. New goals get a key.
func validateGoals(v *errs.Validation, prefix string, gs []Goal, max int, top bool, keys map[string]bool) []Goal {
	var out []Goal
	for i, g := range gs {
		field := prefix + "." + strconv.Itoa(i)
		if g.Title == "" && g.Measure == "" && g.TargetDate == "" && !hasContent(g.SubGoals) {
			continue
		}
		if len(out) == max {
			v.Add(prefix, "agreement.error.too_many_goals", "max", max)
			break
		}
		v.Check(g.Title != "", field+".title", "agreement.error.goal_title")
		v.Check(utf8.RuneCountInString(g.Title) <= MaxGoalTitle, field+".title", "error.too_long", "max", MaxGoalTitle)
		v.Check(!strings.Contains(g.Title, "\n"), field+".title", "agreement.error.goal_one_line")
		v.Check(utf8.RuneCountInString(g.Measure) <= MaxGoalMeasure, field+".measure", "error.too_long", "max", MaxGoalMeasure)
		if g.TargetDate != "" {
			_, err := program.ParseDate(g.TargetDate)
			v.Check(err == nil, field+".target_date", "agreement.error.date")
		}
		if g.Key == "" {
			g.Key = newKey()
		}
		v.Check(validKey(g.Key) && !keys[g.Key], field+".key", "agreement.error.key")
		keys[g.Key] = true
		if top {
			g.SubGoals = validateGoals(v, field+".sub_goals", g.SubGoals, MaxSubGoals, false, keys)
		} else if len(g.SubGoals) > 0 {
			v.Add(field+".sub_goals", "agreement.error.sub_sub_goals")
		}
		out = append(out, g)
	}
	return out
}

func hasContent(gs []Goal) bool {
	for _, g := range gs {
		if g.Title != "" || g.Measure != "" || g.TargetDate != "" || hasContent(g.SubGoals) {
			return true
		}
	}
	return false
}
