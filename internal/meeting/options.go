package meeting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// MaxOptions is how many times one proposal may offer: the person
// proposing gives up to three, the other side picks one or answers with
// up to three of their own. More would turn planning into a poll.
const MaxOptions = 3

// Slot is another time a proposal offers, as typed: the date and clock
// time in the proposal's zone, with its length and place.
type Slot struct {
	Date string // YYYY-MM-DD
	Time string // HH:MM
}

// OptionField names the form field of option n's date or time ("date_2");
// option 1 is the proposal's own Date and Time.
func OptionField(field string, n int) string { return fmt.Sprintf("%s_%d", field, n) }

// checkMore validates the further times of a proposal whose first start is
// first, in loc: each complete, in the future, not too far ahead, and
// different from the others. Empty slots are skipped, so a form may offer
// all the rows and the person fill only some.
func (p *Proposal) checkMore(v *errs.Validation, now, first time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	seen := map[time.Time]bool{first: true}
	for i, s := range p.More {
		n := i + 2
		d, c := strings.TrimSpace(s.Date), strings.TrimSpace(s.Time)
		if d == "" && c == "" {
			continue
		}
		if n > MaxOptions {
			v.Add(OptionField("date", n), "schedule.error.too_many", "max", MaxOptions)
			continue
		}
		day, derr := time.Parse("2006-01-02", d)
		clock, terr := time.Parse("15:04", c)
		v.Check(derr == nil, OptionField("date", n), "meeting.error.date_invalid")
		v.Check(terr == nil, OptionField("time", n), "meeting.error.time_invalid")
		if derr != nil || terr != nil || loc == nil {
			continue
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc).UTC()
		switch {
		case !start.After(now):
			v.Add(OptionField("date", n), "meeting.error.in_past")
		case !start.Before(now.Add(MaxAhead)):
			v.Add(OptionField("date", n), "meeting.error.too_far")
		case seen[start]:
			v.Add(OptionField("time", n), "schedule.error.same_time")
		default:
			seen[start] = true
			out = append(out, start)
		}
	}
	return out
}

// saveOptions replaces a meeting's further times with more.
func saveOptions(ctx context.Context, tx *store.Tx, meetingID int64, more []time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM meeting_options WHERE meeting_id = ?`, meetingID); err != nil {
		return err
	}
	return addOptions(ctx, tx, meetingID, more)
}

// addOptions writes the further times of a meeting that has none yet.
func addOptions(ctx context.Context, tx *store.Tx, meetingID int64, more []time.Time) error {
	for i, t := range more {
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_options (meeting_id, position, starts_at) VALUES (?, ?, ?)`,
			meetingID, i+2, t.UTC()); err != nil {
			return err
		}
	}
	return nil
}

// Options lists the times a meeting offers, the first being its own
// start. Only a proposal offers more than one; for any other meeting this
// is its start alone.
func Options(ctx context.Context, q store.Q, m *Meeting) ([]time.Time, error) {
	out := []time.Time{m.StartsAt}
	if !m.Proposed() {
		return out, nil
	}
	var r store.Reads
	readOptions(&r, m.ID, &out)
	if err := r.Run(ctx, q); err != nil {
		return nil, err
	}
	return out, nil
}

// OptionsOf is Options for meeting m whose further times, further, were
// read already (ReadNextOfPairs).
func OptionsOf(m *Meeting, further []time.Time) []time.Time {
	out := []time.Time{m.StartsAt}
	if !m.Proposed() {
		return out
	}
	return append(out, further...)
}

// readOptions queues the read of the further times a proposal offers,
// appended to out in their order. Only a proposal's are meant: read them
// for another meeting only to throw them away (see Options).
func readOptions(r *store.Reads, meetingID int64, out *[]time.Time) {
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var t time.Time
			if err := rows.Scan(&t); err != nil {
				return err
			}
			*out = append(*out, t.UTC())
		}
		return nil
	}, `SELECT starts_at FROM meeting_options WHERE meeting_id = ? ORDER BY position`, meetingID)
}

// pickOption returns the start of option n (1-based) of a proposal; an
// option it does not offer, or one already past, is refused.
func pickOption(ctx context.Context, q store.Q, m *Meeting, n int, now time.Time) (time.Time, error) {
	opts, err := Options(ctx, q, m)
	if err != nil {
		return time.Time{}, err
	}
	if n < 1 || n > len(opts) {
		var v errs.Validation
		v.Add("option", "schedule.error.no_such_option")
		return time.Time{}, v.Err()
	}
	if !opts[n-1].After(now) {
		return time.Time{}, errs.E(errs.Conflict, "meeting.error.option_past")
	}
	return opts[n-1], nil
}
