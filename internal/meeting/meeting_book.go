package meeting

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// Limits on what people type when planning a meeting.
const (
	MaxPlace  = 200
	MaxURL    = 500
	MaxReason = 1000
	// MaxAhead keeps a mistyped year from booking a meeting decades away.
	MaxAhead = 2 * 366 * 24 * time.Hour
)

// Proposal is what a person fills in to propose, counter or move a meeting.
// Date and time arrive as typed so that a malformed value becomes a field
// message; they are read in Timezone.
type Proposal struct {
	Date      string // YYYY-MM-DD
	Time      string // HH:MM
	Timezone  string // IANA name
	Minutes   int
	Place     string
	OnlineURL string
	Reason    string // why the meeting moves; required to move or cancel
	// ConfirmLength accepts a length outside the agreement's range: it is a
	// warning the person confirms, not a rule.
	ConfirmLength bool
	// Purpose is what a new meeting is for: "" or PurposeReview, which
	// books the agreement review with its agenda prefilled.
	Purpose string
	// More are further times the other side may pick instead of the first
	// (Date and Time), in the same zone, length and place; at most
	// MaxOptions-1 of them.
	More []Slot
}

// ProposalOf fills the form that moves m, in the meeting's own zone.
func ProposalOf(m *Meeting) Proposal {
	t := i18n.In(m.StartsAt, m.Timezone)
	return Proposal{Date: t.Format("2006-01-02"), Time: t.Format("15:04"), Timezone: m.Timezone,
		Minutes: m.Minutes, Place: m.Place, OnlineURL: m.OnlineURL}
}

// LengthWarning is the message key of a length outside the agreement's
// range; forms show a confirmation box when they get it.
const LengthWarning = "meeting.warning.length"

// oneLineText trims s and folds line breaks and other control characters
// into spaces: a place is one line wherever it is shown.
func oneLineText(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || isControl(r) }), " ")
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// validOnlineURL accepts only absolute http and https links, so a
// "javascript:" or "file:" link can never reach a page or a calendar.
func validOnlineURL(s string) bool {
	if len(s) > MaxURL || strings.IndexFunc(s, func(r rune) bool { return isControl(r) || r == ' ' }) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// check validates p against the clock and the pair's terms and returns the
// start in UTC and the further times offered. needReason is set for moves.
func (p *Proposal) check(now time.Time, t agreement.Terms, needReason bool) (time.Time, []time.Time, error) {
	var v errs.Validation
	p.Place = oneLineText(p.Place)
	p.OnlineURL = strings.TrimSpace(p.OnlineURL)
	p.Reason = strings.TrimSpace(strings.ToValidUTF8(p.Reason, ""))
	p.Timezone = strings.TrimSpace(p.Timezone)
	var start time.Time
	var more []time.Time
	day, derr := time.Parse("2006-01-02", strings.TrimSpace(p.Date))
	clock, terr := time.Parse("15:04", strings.TrimSpace(p.Time))
	v.Check(derr == nil, "date", "meeting.error.date_invalid")
	v.Check(terr == nil, "time", "meeting.error.time_invalid")
	v.Check(account.ValidTimezone(p.Timezone), "timezone", "error.timezone_invalid")
	if !v.Has("date") && !v.Has("time") && !v.Has("timezone") {
		loc, _ := time.LoadLocation(p.Timezone)
		start = time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc).UTC()
		v.Check(start.After(now), "date", "meeting.error.in_past")
		v.Check(start.Before(now.Add(MaxAhead)), "date", "meeting.error.too_far")
		more = p.checkMore(&v, now, start, loc)
	}
	switch {
	case p.Minutes < program.MinMeetingLength || p.Minutes > program.MaxMeetingLength:
		v.Add("minutes", "meeting.error.minutes_range", "min", program.MinMeetingLength, "max", program.MaxMeetingLength)
	case !p.ConfirmLength && t.MeetingMinMinutes > 0 && t.MeetingMaxMinutes >= t.MeetingMinMinutes &&
		(p.Minutes < t.MeetingMinMinutes || p.Minutes > t.MeetingMaxMinutes):
		v.Add("minutes", LengthWarning, "min", t.MeetingMinMinutes, "max", t.MeetingMaxMinutes)
	}
	v.Check(p.Place != "" || p.OnlineURL != "", "place", "meeting.error.where_required")
	v.Check(utf8.RuneCountInString(p.Place) <= MaxPlace, "place", "error.too_long", "max", MaxPlace)
	v.Check(p.OnlineURL == "" || validOnlineURL(p.OnlineURL), "online_url", "meeting.error.url_invalid")
	v.Check(!needReason || p.Reason != "", "reason", "meeting.error.reason_required")
	v.Check(utf8.RuneCountInString(p.Reason) <= MaxReason, "reason", "error.too_long", "max", MaxReason)
	return start, more, v.Err()
}

// lateChange reports whether moving or cancelling a meeting that starts at
// start, at now, breaks the agreed notice. A meeting already under way or
// over is not "late": it can no longer be changed at all.
func lateChange(now, start time.Time, noticeHours int) bool {
	if noticeHours <= 0 || !start.After(now) {
		return false
	}
	return start.Sub(now) < time.Duration(noticeHours)*time.Hour
}

// newUID makes a meeting's iCalendar UID: random, so it reveals nothing
// about the pair, and kept for the meeting's whole life.
func newUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b) + "@mentorskap"
}

// memberOf loads the pair for one of its members and refuses what the
// pair's stage does not allow at now: an ended pair's meetings are history
// (its ending called off those still ahead) and stay as they are.
func memberOf(ctx context.Context, q store.Q, actor *account.User, pairID int64, now time.Time, act program.Action) (*program.Pair, program.PairViewer, error) {
	p, v, err := program.RequirePairMember(ctx, q, actor, pairID)
	if err != nil {
		return nil, v, err
	}
	if !p.Allows(now, act) {
		return nil, v, errs.E(errs.Conflict, "meeting.error.pair_ended")
	}
	return p, v, nil
}

// event kinds in meeting_events.
const (
	evProposed  = "proposed"
	evCountered = "countered"
	evAccepted  = "accepted"
	evMoved     = "moved"
	evCancelled = "cancelled"
)

func addEvent(ctx context.Context, tx *store.Tx, m *Meeting, kind string, userID int64, prev *time.Time, reason string, late bool, now time.Time) error {
	return tx.Later(ctx, `INSERT INTO meeting_events (meeting_id, pair_id, kind, user_id, starts_at, previous_starts_at, reason, late, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.PairID, kind, userID, m.StartsAt.UTC(), prev, reason, late, now)
}

// Propose plans a new meeting for the pair. Either side may propose; the
// other side is emailed and answers by accepting or proposing another time.
// A proposal with PurposeReview books the agreement review meeting, with
// its agenda written in the pair's language.
func (s *Service) Propose(ctx context.Context, actor *account.User, pairID int64, in Proposal) (*Meeting, error) {
	now := s.Clock.Now().UTC()
	var m *Meeting
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, _, err := memberOf(ctx, tx, actor, pairID, now, program.ActBook)
		if err != nil {
			return err
		}
		terms, err := agreement.TermsForPair(ctx, tx, p)
		if err != nil {
			return err
		}
		if in.Purpose != "" && in.Purpose != PurposeReview {
			return errs.E(errs.Invalid, "meeting.error.purpose")
		}
		if in.Purpose == PurposeReview {
			if err := checkReview(ctx, tx, p, now); err != nil {
				return err
			}
		}
		start, more, err := in.check(now, terms, false)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, place, online_url,
			proposed_by, sequence, purpose, created_at, updated_at) VALUES (?, ?, 'proposed', ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`,
			pairID, newUID(), start, in.Timezone, in.Minutes, in.Place, in.OnlineURL, actor.ID, in.Purpose, now, now).Scan(&id); err != nil {
			return err
		}
		if err := addOptions(ctx, tx, id, more); err != nil {
			return err
		}
		if m, err = Get(ctx, tx, id); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, m, evProposed, actor.ID, nil, "", false, now); err != nil {
			return err
		}
		email := "meeting_proposed"
		if m.Review() {
			if err := prefillReview(ctx, tx, p, actor, m.ID, now); err != nil {
				return err
			}
			email = "meeting_proposed_review"
		}
		return s.tell(ctx, tx, now, p, actor, m, email, nil, "")
	})
	if err != nil {
		return nil, err
	}
	// As read in the transaction, which nothing changed since: reading it
	// again after the commit was a statement more for every booking.
	return m, nil
}

// loadForChange reads a meeting of an active pair for one of its members.
func loadForChange(ctx context.Context, tx *store.Tx, actor *account.User, pairID, meetingID int64, now time.Time) (*program.Pair, *Meeting, error) {
	p, _, err := memberOf(ctx, tx, actor, pairID, now, program.ActReschedule)
	if err != nil {
		return nil, nil, err
	}
	m, err := InPair(ctx, tx, pairID, meetingID)
	if err != nil {
		return nil, nil, err
	}
	return p, m, nil
}

// update writes a change guarded by the sequence the change was based on:
// if another change slipped in between, nothing is written and the person
// is told the meeting changed. The sequence rises by one.
func update(ctx context.Context, tx *store.Tx, m *Meeting, set string, args ...any) error {
	args = append(args, m.ID, m.Sequence)
	res, err := tx.Exec(ctx, `UPDATE meetings SET `+set+`, sequence = sequence + 1 WHERE id = ? AND sequence = ?`, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errs.E(errs.Conflict, "meeting.error.changed")
	}
	return nil
}

// Accept confirms a proposed meeting. Only the side that did not propose
// it can accept. seen is the sequence the person was shown (from the page
// or the API); when it no longer matches, the time changed under them and
// nothing is confirmed. A negative seen skips that check.
func (s *Service) Accept(ctx context.Context, actor *account.User, pairID, meetingID int64, seen int) (*Meeting, error) {
	return s.AcceptOption(ctx, actor, pairID, meetingID, seen, 1)
}

// AcceptOption confirms a proposal at the time it offers as option
// (1-based, see Options): picking one of up to three times is the answer,
// and the times not picked are forgotten.
func (s *Service) AcceptOption(ctx context.Context, actor *account.User, pairID, meetingID int64, seen, option int) (*Meeting, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, m, err := loadForChange(ctx, tx, actor, pairID, meetingID, now)
		if err != nil {
			return err
		}
		if seen >= 0 && seen != m.Sequence {
			return errs.E(errs.Conflict, "meeting.error.changed")
		}
		switch {
		case !m.Proposed():
			return errs.E(errs.Conflict, "meeting.error.not_proposed")
		case !m.StartsAt.After(now):
			return errs.E(errs.Conflict, "meeting.error.started")
		case m.ProposedBy != 0 && p.SideOf(m.ProposedBy) == p.SideOf(actor.ID):
			return errs.E(errs.Conflict, "meeting.error.own_proposal")
		}
		start, err := pickOption(ctx, tx, m, option, now)
		if err != nil {
			return err
		}
		if err := update(ctx, tx, m, `status = 'confirmed', starts_at = ?, updated_at = ?`, start, now); err != nil {
			return err
		}
		if err := saveOptions(ctx, tx, m.ID, nil); err != nil {
			return err
		}
		if m, err = Get(ctx, tx, m.ID); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, m, evAccepted, actor.ID, nil, "", false, now); err != nil {
			return err
		}
		// The program may see that a meeting is planned, when and how
		// long; never where, or what it is about.
		if err := webhook.Emit(ctx, tx, now, p.ProgramID, webhook.MeetingConfirmed, map[string]any{
			"pair_id": p.ID, "program_id": p.ProgramID, "meeting_id": m.ID,
			"starts_at": m.StartsAt.UTC().Format(time.RFC3339), "minutes": m.Minutes, "confirmed_at": now.Format(time.RFC3339)}); err != nil {
			return err
		}
		if err := agreement.Replan(ctx, tx, p); err != nil {
			return err
		}
		return s.tell(ctx, tx, now, p, actor, m, "meeting_accepted", nil, "")
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, s.DB, meetingID)
}

// Counter answers a proposal with another time, place or length. Either
// side may change a proposal that is still open; the other side then
// answers it in turn.
func (s *Service) Counter(ctx context.Context, actor *account.User, pairID, meetingID int64, in Proposal) (*Meeting, error) {
	return s.reschedule(ctx, actor, pairID, meetingID, in, false)
}

// Move gives a confirmed meeting a new time. It needs a reason, makes the
// meeting a proposal again for the other side to accept, and counts as late
// when made inside the agreement's notice.
func (s *Service) Move(ctx context.Context, actor *account.User, pairID, meetingID int64, in Proposal) (*Meeting, error) {
	return s.reschedule(ctx, actor, pairID, meetingID, in, true)
}

func (s *Service) reschedule(ctx context.Context, actor *account.User, pairID, meetingID int64, in Proposal, move bool) (*Meeting, error) {
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, m, err := loadForChange(ctx, tx, actor, pairID, meetingID, now)
		if err != nil {
			return err
		}
		switch {
		case m.Cancelled():
			return errs.E(errs.Conflict, "meeting.error.cancelled")
		case !m.StartsAt.After(now):
			return errs.E(errs.Conflict, "meeting.error.started")
		case move && !m.Confirmed():
			return errs.E(errs.Conflict, "meeting.error.not_confirmed")
		case !move && !m.Proposed():
			return errs.E(errs.Conflict, "meeting.error.not_proposed")
		}
		terms, err := agreement.TermsForPair(ctx, tx, p)
		if err != nil {
			return err
		}
		start, more, err := in.check(now, terms, move)
		if err != nil {
			return err
		}
		prev := m.StartsAt
		late := move && lateChange(now, prev, terms.CancelNoticeHours)
		if err := update(ctx, tx, m, `status = 'proposed', starts_at = ?, timezone = ?, minutes = ?, place = ?, online_url = ?,
			proposed_by = ?, updated_at = ?`, start, in.Timezone, in.Minutes, in.Place, in.OnlineURL, actor.ID, now); err != nil {
			return err
		}
		if err := saveOptions(ctx, tx, m.ID, more); err != nil {
			return err
		}
		if m, err = Get(ctx, tx, m.ID); err != nil {
			return err
		}
		kind, email := evCountered, "meeting_countered"
		switch {
		case move:
			kind, email = evMoved, "meeting_moved"
		case in.Reason != "":
			email = "meeting_countered_note"
		}
		if err := addEvent(ctx, tx, m, kind, actor.ID, &prev, in.Reason, late, now); err != nil {
			return err
		}
		if move {
			if err := agreement.Replan(ctx, tx, p); err != nil {
				return err
			}
		}
		return s.tell(ctx, tx, now, p, actor, m, email, &prev, in.Reason)
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, s.DB, meetingID)
}

// Cancel calls a meeting off. A reason is required; cancelling a confirmed
// meeting inside the agreement's notice is counted as late. A proposal can
// be withdrawn or declined the same way.
func (s *Service) Cancel(ctx context.Context, actor *account.User, pairID, meetingID int64, reason string) (*Meeting, error) {
	now := s.Clock.Now().UTC()
	reason = strings.TrimSpace(strings.ToValidUTF8(reason, ""))
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		p, m, err := loadForChange(ctx, tx, actor, pairID, meetingID, now)
		if err != nil {
			return err
		}
		switch {
		case m.Cancelled():
			return errs.E(errs.Conflict, "meeting.error.cancelled")
		case !m.StartsAt.After(now):
			return errs.E(errs.Conflict, "meeting.error.started")
		}
		var v errs.Validation
		v.Check(reason != "", "reason", "meeting.error.reason_required")
		v.Check(utf8.RuneCountInString(reason) <= MaxReason, "reason", "error.too_long", "max", MaxReason)
		if err := v.Err(); err != nil {
			return err
		}
		terms, err := agreement.TermsForPair(ctx, tx, p)
		if err != nil {
			return err
		}
		late := m.Confirmed() && lateChange(now, m.StartsAt, terms.CancelNoticeHours)
		if err := update(ctx, tx, m, `status = 'cancelled', cancel_reason = ?, cancelled_by = ?, cancelled_at = ?,
			late_cancel = ?, updated_at = ?`, reason, actor.ID, now, late, now); err != nil {
			return err
		}
		if err := saveOptions(ctx, tx, m.ID, nil); err != nil {
			return err
		}
		if m, err = Get(ctx, tx, m.ID); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, m, evCancelled, actor.ID, nil, reason, late, now); err != nil {
			return err
		}
		// The reason is the pair's; the fact and its lateness are not.
		if err := webhook.Emit(ctx, tx, now, p.ProgramID, webhook.MeetingCancelled, map[string]any{
			"pair_id": p.ID, "program_id": p.ProgramID, "meeting_id": m.ID,
			"starts_at": m.StartsAt.UTC().Format(time.RFC3339), "late": late, "cancelled_at": now.Format(time.RFC3339)}); err != nil {
			return err
		}
		if err := agreement.Replan(ctx, tx, p); err != nil {
			return err
		}
		return s.tell(ctx, tx, now, p, actor, m, "meeting_cancelled", nil, reason)
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, s.DB, meetingID)
}
