package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/meeting"
	"mentorskap/internal/program"
)

// A pair's history is played forward through the same use cases the pages
// call, each with the story clock set to the moment it happens: the
// meeting is proposed before it takes place, the notes are written after
// it, the final evaluation opens a week before the planned end. So the
// history obeys every rule live data does, and every date the pages and
// charts show follows from it.
//
// Days are counted from the day the demo runs (0 is today, -7 a week ago)
// and times are Oslo wall-clock times, so a meeting "at 17:00" is at five
// in the afternoon in the pages whatever the season.

// storyline plays one pair's history. The first failure is kept and every
// later step does nothing, so a story reads as a plain list of events.
type storyline struct {
	s     *seeder
	ctx   context.Context
	pair  *program.Pair
	lang  string // the language the pair writes its agreement in
	err   error
	meets []*meeting.Meeting
	items map[string]int64 // action items by the story's own key
	last  int64            // the newest message
}

// zone is where the demo's people live; Stockholm keeps the same clock.
const zone = "Europe/Oslo"

// at is the instant of hh:mm Oslo time, day days from today.
func (s *seeder) at(day int, hhmm string) time.Time {
	h, _ := strconv.Atoi(hhmm[:2])
	m, _ := strconv.Atoi(hhmm[3:])
	d := s.today.In(s.oslo)
	return time.Date(d.Year(), d.Month(), d.Day()+day, h, m, 0, 0, s.oslo).UTC()
}

// date is the calendar date day days from today.
func (s *seeder) date(day int) string {
	return s.at(day, "12:00").In(s.oslo).Format(program.DateLayout)
}

// set moves the story clock. Nothing in the story may happen after the
// moment the demo runs: what lies ahead is only booked, never done.
func (s *seeder) set(t time.Time) error {
	if t.After(s.today) {
		return fmt.Errorf("demo story step at %s is after now (%s)", t.Format(time.RFC3339), s.today.Format(time.RFC3339))
	}
	s.clk.Set(t)
	return nil
}

func (r *storyline) fail(what string, err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s: %w", what, err)
	}
}

// when sets the clock for the next step and reports whether to go on.
func (r *storyline) when(t time.Time) bool {
	if r.err != nil {
		return false
	}
	r.fail("clock", r.s.set(t))
	return r.err == nil
}

func (r *storyline) on(day int, hhmm string) bool { return r.when(r.s.at(day, hhmm)) }

func (r *storyline) user(email string) *account.User {
	u := r.s.users[email]
	if u == nil && r.err == nil {
		r.err = fmt.Errorf("demo story: no account %s", email)
	}
	return u
}

func (r *storyline) firstOf(side string) *account.User {
	ms := r.pair.Mentors
	if side == program.SideMentee {
		ms = r.pair.Mentees
	}
	return r.user(ms[0].Email)
}

// prep saves one person's private preparation answers.
func (r *storyline) prep(who string, day int, hhmm string, answers map[string]string) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	_, err := r.s.agreements.SavePreparation(r.ctx, u, r.pair.ID, r.s.bundle.Locale(r.lang), answers)
	r.fail("preparation of "+who, err)
}

// draft opens the agreement form as the person would, changes it and saves
// it as the next version.
func (r *storyline) draft(who string, day int, hhmm string, edit func(c *agreement.Content)) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	l := r.s.bundle.Locale(r.lang)
	d, err := r.s.agreements.DraftFor(r.ctx, u, r.pair.ID, l)
	if err != nil {
		r.fail("agreement form", err)
		return
	}
	c := d.Content
	edit(&c)
	_, err = r.s.agreements.SaveDraft(r.ctx, u, r.pair.ID, d.Base, c, l)
	r.fail("agreement draft by "+who, err)
}

// sign signs the newest version with the person's password and name.
func (r *storyline) sign(who string, day int, hhmm string) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	st, err := agreement.StatusOf(r.ctx, r.s.db, r.pair.ID, false)
	if err != nil || st.Current == nil {
		r.fail("agreement to sign", fmt.Errorf("no version: %v", err))
		return
	}
	_, err = r.s.agreements.Sign(r.ctx, u, r.pair.ID, st.Current.Number, Password, u.Name)
	r.fail("signature of "+who, err)
}

// booking is a meeting one side proposes on day Booked for day Day.
type booking struct {
	By         string // who proposes
	Booked     int
	Day        int
	At         string // HH:MM
	Minutes    int
	Place, URL string
	Unanswered bool // the other side never answers
}

// meet proposes a meeting and, a few hours later, has the other side
// accept it. It returns the meeting's number in the story.
func (r *storyline) meet(b booking) int {
	u := r.user(b.By)
	if !r.on(b.Booked, "09:15") {
		return -1
	}
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		loc = r.s.oslo
	}
	start := r.s.at(b.Day, b.At).In(loc)
	m, err := r.s.meetings.Propose(r.ctx, u, r.pair.ID, meeting.Proposal{
		Date: start.Format("2006-01-02"), Time: start.Format("15:04"), Timezone: u.Timezone,
		Minutes: b.Minutes, Place: b.Place, OnlineURL: b.URL,
	})
	if err != nil {
		r.fail("proposing a meeting", err)
		return -1
	}
	if !b.Unanswered {
		other := r.firstOf(program.SideMentee)
		if r.pair.SideOf(u.ID) == program.SideMentee {
			other = r.firstOf(program.SideMentor)
		}
		if !r.when(r.s.at(b.Booked, "12:40")) {
			return -1
		}
		if m, err = r.s.meetings.Accept(r.ctx, other, r.pair.ID, m.ID, m.Sequence); err != nil {
			r.fail("accepting a meeting", err)
			return -1
		}
	}
	r.meets = append(r.meets, m)
	return len(r.meets) - 1
}

func (r *storyline) meeting(i int) *meeting.Meeting {
	if i < 0 || i >= len(r.meets) {
		if r.err == nil {
			r.err = fmt.Errorf("demo story: no meeting %d", i)
		}
		return nil
	}
	return r.meets[i]
}

// cancel calls a meeting off.
func (r *storyline) cancel(i int, who string, day int, hhmm, reason string) {
	m, u := r.meeting(i), r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	_, err := r.s.meetings.Cancel(r.ctx, u, r.pair.ID, m.ID, reason)
	r.fail("cancelling a meeting", err)
}

// agenda is the mentee's preparation of meeting i.
func (r *storyline) agenda(i, day int, hhmm string, items ...meeting.AgendaItem) {
	m, u := r.meeting(i), r.firstOf(program.SideMentee)
	if !r.on(day, hhmm) {
		return
	}
	_, err := r.s.meetings.SaveAgenda(r.ctx, u, r.pair.ID, m.ID, 0, items)
	r.fail("agenda", err)
}

func topic(title, note string) meeting.AgendaItem {
	return meeting.AgendaItem{Source: meeting.SourceOwn, Title: title, Note: note}
}

func theme(title, note string) meeting.AgendaItem {
	return meeting.AgendaItem{Source: meeting.SourceTheme, Title: title, Note: note}
}

// after is a moment after meeting i ended.
func (r *storyline) after(i int, d time.Duration) bool {
	m := r.meeting(i)
	if m == nil {
		return false
	}
	return r.when(m.EndsAt().Add(d))
}

// review is what meeting i decides about an action item agreed earlier;
// it happens early in the meeting, as the checklist has it.
func (r *storyline) review(i int, key, outcome string) {
	m, u := r.meeting(i), r.firstOf(program.SideMentor)
	if m == nil || !r.when(m.StartsAt.Add(15*time.Minute)) {
		return
	}
	_, err := r.s.meetings.ReviewActionItem(r.ctx, u, r.pair.ID, m.ID, r.items[key], outcome)
	r.fail("reviewing "+key, err)
}

// notes are the shared notes of meeting i, written the evening after.
func (r *storyline) notes(i int, who string, n meeting.Notes) {
	u := r.user(who)
	if !r.after(i, 2*time.Hour) {
		return
	}
	_, err := r.s.meetings.SaveNotes(r.ctx, u, r.pair.ID, r.meeting(i).ID, 0, n)
	r.fail("notes", err)
}

// private is one person's own note of meeting i.
func (r *storyline) private(i int, who, body string) {
	u := r.user(who)
	if !r.after(i, 3*time.Hour) {
		return
	}
	_, err := r.s.meetings.SavePrivateNote(r.ctx, u, r.pair.ID, r.meeting(i).ID, 0, body)
	r.fail("private note", err)
}

// act records an action item agreed at meeting i; due is a day and goal a
// goal's key or title ("" for none).
func (r *storyline) act(i int, key, owner, text string, due int, goalRef string) {
	o := r.user(owner)
	if !r.after(i, 2*time.Hour+5*time.Minute) {
		return
	}
	in := meeting.ActionInput{Text: text, OwnerID: o.ID, Due: r.s.date(due)}
	if goalRef != "" {
		g := r.goal(goalRef)
		if g == nil {
			return
		}
		in.GoalID = g.ID
	}
	a, err := r.s.meetings.AddActionItem(r.ctx, o, r.pair.ID, r.meeting(i).ID, in)
	if err != nil {
		r.fail("action item "+key, err)
		return
	}
	r.items[key] = a.ID
}

// goal finds one of the pair's goals or sub-goals by agreement key or title.
func (r *storyline) goal(ref string) *goal.Goal {
	if r.err != nil {
		return nil
	}
	gs, err := goal.List(r.ctx, r.s.db, r.pair.ID)
	if err != nil {
		r.fail("goals", err)
		return nil
	}
	for _, g := range gs {
		for _, c := range append([]goal.Goal{g}, g.SubGoals...) {
			if c.AgreementKey == ref || c.Title == ref {
				return &c
			}
		}
	}
	r.err = fmt.Errorf("demo story: no goal %q", ref)
	return nil
}

// progress moves a goal on; pct < 0 leaves the progress alone (a goal that
// takes it from its sub-goals).
func (r *storyline) progress(who string, day int, hhmm, ref, status string, pct int) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	g := r.goal(ref)
	if g == nil {
		return
	}
	up := goal.Update{Version: g.Version, Status: &status}
	if pct >= 0 {
		up.Progress = &pct
	}
	_, err := r.s.goals.Update(r.ctx, u, r.pair.ID, g.ID, up)
	r.fail("progress of "+ref, err)
}

// link ties a goal to the meeting that worked on it.
func (r *storyline) link(ref string, i int) {
	u, m := r.firstOf(program.SideMentee), r.meeting(i)
	g := r.goal(ref)
	if g == nil || m == nil {
		return
	}
	r.fail("linking a goal", r.s.goals.LinkMeeting(r.ctx, u, r.pair.ID, g.ID, m.ID))
}

// message sends a short message between meetings.
func (r *storyline) message(who string, day int, hhmm, body string) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	m, err := r.s.meetings.Send(r.ctx, u, r.pair.ID, meeting.MessageInput{Body: body})
	if err != nil {
		r.fail("message", err)
		return
	}
	r.last = m.ID
}

// read marks the thread read for one person.
func (r *storyline) read(who string, day int, hhmm string) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	r.fail("reading messages", r.s.meetings.MarkRead(r.ctx, u, r.pair.ID, r.last))
}

// chemistry is one person's private answer to the chemistry check.
func (r *storyline) chemistry(who string, day int, hhmm, answer, comment string) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	r.fail("chemistry check", r.s.evals.AnswerChemistry(r.ctx, u, r.pair.ID, answer, comment))
}

// review of a goal at the final evaluation.
type goalReview struct{ Status, Comment string }

// answer fills in a check point. vals follow the program's questions in
// order: a number for a scale, "yes" or "no", the index of a choice, or the
// text. A question the story has no value for gets a middling answer, so a
// coordinator's extra question does not stop the demo. Goals without a
// review in reviews count as reached.
func (r *storyline) answer(who string, day int, hhmm, kind string, vals []string, reviews map[string]goalReview) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	f, err := r.s.evals.Form(r.ctx, u, r.pair.ID, kind)
	if err != nil {
		r.fail("form "+kind, err)
		return
	}
	sub := evaluation.Submission{Answers: map[int64]string{}, Goals: map[int64]evaluation.GoalReview{}}
	for i, q := range f.Questions {
		v := ""
		if i < len(vals) {
			v = vals[i]
		}
		switch {
		case q.Type == evaluation.TypeScale && v == "":
			v = "4"
		case q.Type == evaluation.TypeYesNo && v != "yes" && v != "no":
			v = "yes"
		case q.Type == evaluation.TypeChoice:
			if n, err := strconv.Atoi(v); err != nil || n < 0 || n >= q.OptionCount {
				v = "0"
			}
		}
		sub.Answers[q.ID] = v
	}
	for _, g := range f.Goals {
		rv, ok := reviews[g.AgreementKey]
		if !ok {
			rv = goalReview{Status: evaluation.GoalReached}
		}
		sub.Goals[g.ID] = evaluation.GoalReview{Status: rv.Status, Comment: rv.Comment}
	}
	r.fail(kind+" answers of "+who, r.s.evals.Submit(r.ctx, u, r.pair.ID, kind, sub))
}

// end ends the pair early on behalf of one of its members.
func (r *storyline) end(who string, day int, hhmm, reason string) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	r.fail("ending", r.s.agreements.End(r.ctx, u, r.pair.ID, reason))
}

// closeDue runs the planned-end closing as the server's hourly job would,
// for the demo's program only: other programs' pairs are not the demo's to
// close.
func (r *storyline) closeDue(day int, hhmm string) {
	if !r.on(day, hhmm) {
		return
	}
	_, err := r.s.agreements.CloseDueIn(r.ctx, program.ActivePairsOf(r.pair.ProgramID))
	r.fail("closing at the planned end", err)
}

// reflect is what a member writes for themselves once the pair has ended.
func (r *storyline) reflect(who string, day int, hhmm, body string) {
	u := r.user(who)
	if !r.on(day, hhmm) {
		return
	}
	r.fail("reflection", r.s.agreements.SaveReflection(r.ctx, u, r.pair.ID, body))
}

// lines joins list items one per line, as agreement fields hold them.
func lines(items ...string) string { return strings.Join(items, "\n") }
