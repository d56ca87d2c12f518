package event

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Path is an event's page.
func Path(programID, eventID int64) string {
	return fmt.Sprintf("/programs/%d/events/%d", programID, eventID)
}

// ListPath is a program's events page.
func ListPath(programID int64) string { return fmt.Sprintf("/programs/%d/events", programID) }

// coordinate loads the program for one of its coordinators, inside tx.
func coordinate(ctx context.Context, tx *store.Tx, actor *account.User, programID int64) (*program.Program, error) {
	return program.RequireCoordinatorTx(ctx, tx, actor, programID)
}

// Create plans an event, invites its audience and schedules its reminder.
func (s *Service) Create(ctx context.Context, actor *account.User, programID int64, in Input) (*Event, error) {
	var e *Event
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := coordinate(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		start, end, err := in.check(now)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO events (program_id, kind, title, description, starts_at, ends_at, timezone,
			place, online_url, audience, capacity, uid, sequence, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`,
			programID, in.Kind, in.Title, in.Description, start, end, in.Timezone, in.Place, in.OnlineURL,
			in.Audience, in.Capacity, newUID(), actor.ID, now, now).Scan(&id); err != nil {
			return err
		}
		if e, err = load(ctx, tx, programID, id, false); err != nil {
			return err
		}
		if err := s.inviteAudience(ctx, tx, now, prog, e, actor); err != nil {
			return err
		}
		if err := scheduleReminder(ctx, tx, e, now); err != nil {
			return err
		}
		e, err = load(ctx, tx, programID, id, false)
		return err
	})
	return e, err
}

// changeable loads an event a coordinator may still change at now: not
// called off and not begun.
func changeable(ctx context.Context, q store.Q, programID, eventID int64, now time.Time, lock bool) (*Event, error) {
	e, err := load(ctx, q, programID, eventID, lock)
	if err != nil {
		return nil, err
	}
	if e.Cancelled() {
		return nil, errs.E(errs.Conflict, "event.error.cancelled")
	}
	if e.Started(now) {
		return nil, errs.E(errs.Conflict, "event.error.started")
	}
	return e, nil
}

// Update changes an event. Everyone still coming (or unsure, or waiting)
// gets the new details with an updated calendar file; people who became
// part of the audience since are invited; people the new audience leaves
// out are told the event is off for them. A larger capacity lets people
// in from the waiting list. A smaller one sends nobody away: it only stops
// new places being taken.
func (s *Service) Update(ctx context.Context, actor *account.User, programID, eventID int64, in Input) (*Event, error) {
	var e *Event
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := coordinate(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		old, err := changeable(ctx, tx, programID, eventID, now, true)
		if err != nil {
			return err
		}
		start, end, err := in.check(now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE events SET kind = ?, title = ?, description = ?, starts_at = ?, ends_at = ?,
			timezone = ?, place = ?, online_url = ?, audience = ?, capacity = ?, sequence = sequence + 1, updated_at = ?
			WHERE id = ?`, in.Kind, in.Title, in.Description, start, end, in.Timezone, in.Place, in.OnlineURL,
			in.Audience, in.Capacity, now, eventID); err != nil {
			return err
		}
		if e, err = load(ctx, tx, programID, eventID, false); err != nil {
			return err
		}
		// Those no longer in the audience lose their invitation and hear so.
		people, err := invites(ctx, tx, eventID)
		if err != nil {
			return err
		}
		var left, stay []Invite
		for _, p := range people {
			if p.Role != "" && e.For(p.Role) {
				stay = append(stay, p)
			} else {
				left = append(left, p)
			}
		}
		for _, p := range left {
			if _, err := tx.Exec(ctx, `DELETE FROM event_invites WHERE event_id = ? AND user_id = ?`, eventID, p.UserID); err != nil {
				return err
			}
		}
		cancelled := *e
		cancelled.CancelledAt = &now
		if err := s.tell(ctx, tx, now, prog, &cancelled, left, "event_cancelled", nil); err != nil {
			return err
		}
		var told []Invite
		for _, p := range stay {
			if p.Response != No {
				told = append(told, p)
			}
		}
		if err := s.tell(ctx, tx, now, prog, e, told, "event_changed", old); err != nil {
			return err
		}
		if err := s.inviteAudience(ctx, tx, now, prog, e, actor); err != nil {
			return err
		}
		if err := s.promote(ctx, tx, now, prog, e); err != nil {
			return err
		}
		if err := scheduleReminder(ctx, tx, e, now); err != nil {
			return err
		}
		e, err = load(ctx, tx, programID, eventID, false)
		return err
	})
	return e, err
}

// Cancel calls an event off. Everyone who said yes or maybe, or waits for
// a place, is told, with a calendar file that removes it; the reminder is
// not sent.
func (s *Service) Cancel(ctx context.Context, actor *account.User, programID, eventID int64) (*Event, error) {
	var e *Event
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := coordinate(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		if _, err := changeable(ctx, tx, programID, eventID, now, true); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE events SET cancelled_at = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?`,
			now, now, eventID); err != nil {
			return err
		}
		if e, err = load(ctx, tx, programID, eventID, false); err != nil {
			return err
		}
		people, err := invites(ctx, tx, eventID)
		if err != nil {
			return err
		}
		var told []Invite
		for _, p := range people {
			if p.Response == Yes || p.Response == Maybe || p.Response == Waiting {
				told = append(told, p)
			}
		}
		return s.tell(ctx, tx, now, prog, e, told, "event_cancelled", nil)
	})
	return e, err
}

// MayCancel is the check the confirmation page asks before it shows: the
// same refusals Cancel would give.
func (s *Service) MayCancel(ctx context.Context, actor *account.User, programID, eventID int64) error {
	// A read: the pages that ask it must not wait for the writer.
	if _, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID); err != nil {
		return err
	}
	_, err := changeable(ctx, s.DB, programID, eventID, s.Clock.Now().UTC(), false)
	return err
}

// Respond records a participant's answer. A yes to a full event puts them
// on the waiting list; a yes given up lets the first in line in. Answers
// close when the event begins.
func (s *Service) Respond(ctx context.Context, actor *account.User, programID, eventID int64, response string) (*Detail, error) {
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		v, err := viewer(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		e, err := load(ctx, tx, programID, eventID, true)
		if err != nil {
			return err
		}
		if !v.Sees(e) {
			return errs.E(errs.NotFound, "event.error.not_found")
		}
		if v.Coordinator && v.Role == "" {
			return errs.E(errs.Forbidden, "event.error.participants_answer")
		}
		if response != Yes && response != No && response != Maybe {
			var v errs.Validation
			v.Add("response", "event.error.response")
			return v.Err()
		}
		now := s.Clock.Now().UTC()
		if e.Cancelled() {
			return errs.E(errs.Conflict, "event.error.cancelled")
		}
		if e.Started(now) {
			return errs.E(errs.Conflict, "event.error.started")
		}
		var prev string
		err = tx.QueryRow(ctx, `SELECT response FROM event_invites WHERE event_id = ? AND user_id = ?`, eventID, actor.ID).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err != nil {
			// Joined the program after the invitations went out: the
			// answer is their invitation.
			if _, err := tx.Exec(ctx, `INSERT INTO event_invites (event_id, user_id, response, invited_at) VALUES (?, ?, '', ?)`,
				eventID, actor.ID, now); err != nil {
				return err
			}
		}
		next := response
		switch {
		case response == Yes && (prev == Yes || prev == Waiting):
			next = prev // already in, or already in line: keep the place
		case response == Yes && e.Full():
			next = Waiting
		}
		if next == prev {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE event_invites SET response = ?, responded_at = ? WHERE event_id = ? AND user_id = ?`,
			next, now, eventID, actor.ID); err != nil {
			return err
		}
		if prev != Yes {
			return nil
		}
		// A place came free.
		if e, err = load(ctx, tx, programID, eventID, false); err != nil {
			return err
		}
		return s.promote(ctx, tx, now, v.Program, e)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, actor, programID, eventID)
}

// promote gives free places to the waiting list, first come first served,
// and tells each person let in.
func (s *Service) promote(ctx context.Context, tx *store.Tx, now time.Time, prog *program.Program, e *Event) error {
	free := e.PlacesLeft()
	if free == 0 || e.Waiting == 0 {
		return nil
	}
	people, err := invites(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	var in []Invite
	for _, p := range people {
		if p.Response == Waiting && (free < 0 || len(in) < free) {
			in = append(in, p)
		}
	}
	for _, p := range in {
		// responded_at stays: it is when they asked for the place.
		if _, err := tx.Exec(ctx, `UPDATE event_invites SET response = 'yes' WHERE event_id = ? AND user_id = ?`, e.ID, p.UserID); err != nil {
			return err
		}
	}
	return s.tell(ctx, tx, now, prog, e, in, "event_place", nil)
}

// Attendance is who came, as the coordinator marks it.
type Attendance struct {
	Event  *Event
	People []Invite
}

// AttendanceOf lists an event's invitations for marking who came.
func (s *Service) AttendanceOf(ctx context.Context, actor *account.User, programID, eventID int64) (*Attendance, error) {
	if _, err := program.RequireCoordinatorTx(ctx, s.DB, actor, programID); err != nil {
		return nil, err
	}
	e, err := load(ctx, s.DB, programID, eventID, false)
	if err != nil {
		return nil, err
	}
	people, err := invites(ctx, s.DB, eventID)
	if err != nil {
		return nil, err
	}
	return &Attendance{Event: e, People: people}, nil
}

// SetAttendance records who came to an event that has begun: exactly the
// invited people in attended, nobody else. Marking again replaces the
// earlier marks.
func (s *Service) SetAttendance(ctx context.Context, actor *account.User, programID, eventID int64, attended []int64) (*Event, error) {
	var e *Event
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := coordinate(ctx, tx, actor, programID); err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		var err error
		if e, err = load(ctx, tx, programID, eventID, true); err != nil {
			return err
		}
		if e.Cancelled() {
			return errs.E(errs.Conflict, "event.error.cancelled")
		}
		if !e.Started(now) {
			return errs.E(errs.Conflict, "event.error.not_started")
		}
		people, err := invites(ctx, tx, eventID)
		if err != nil {
			return err
		}
		invited := map[int64]bool{}
		for _, p := range people {
			invited[p.UserID] = true
		}
		came := map[int64]bool{}
		for _, id := range attended {
			if !invited[id] {
				var v errs.Validation
				v.Add("attended", "event.error.not_invited")
				return v.Err()
			}
			came[id] = true
		}
		for _, p := range people {
			if _, err := tx.Exec(ctx, `UPDATE event_invites SET attended = ? WHERE event_id = ? AND user_id = ?`,
				came[p.UserID], eventID, p.UserID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE events SET attendance_at = ? WHERE id = ?`, now, eventID); err != nil {
			return err
		}
		e, err = load(ctx, tx, programID, eventID, false)
		return err
	})
	return e, err
}
