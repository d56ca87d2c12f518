package program

import (
	"context"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// The matching pool after a pair closes. Two rules hold for every way a
// pair ends, because both are read from the pairs themselves rather than
// written by each caller:
//
//   - a mentor and a mentee who shared a pair in a program are never
//     proposed to each other again there (FormerPair);
//   - a mentee whose latest pair closed waits for a new mentor only when
//     someone asked for it: the mentee when ending, a coordinator when
//     ending or later, or the chemistry rematch (Ending.Return,
//     ReturnToPool). Finishing as planned returns nobody.
//
// Mentors need no such rule: a closed pair frees its place.

// How a mentee came back to the pool after their pair closed.
const (
	ReturnAsked       = "asked"       // the mentee asked for a new mentor when ending the pair
	ReturnCoordinator = "coordinator" // a coordinator returned them, when ending the pair or later
	ReturnRematch     = "rematch"     // the pair ended after a chemistry concern
)

// FormerPair is a mentee and a mentor who shared a pair that has closed.
type FormerPair struct {
	MenteeID, MentorID int64
	PairID             int64
	EndedAt            time.Time
}

// Left is a mentee whose latest pair in the program has closed.
type Left struct {
	UserID     int64
	PairID     int64
	EndedAt    time.Time
	EndedHow   string     // EndedBy…, "" for a pair ended before endings were recorded
	EndedSide  string     // the side of the member who ended it, for EndedByMember
	Return     string     // Return…; "" when nobody asked
	ReturnedAt *time.Time // when Return was set
}

// InPool reports whether the mentee waits for a new mentor: someone asked
// for one at or after the end of their latest pair.
func (l Left) InPool() bool {
	return l.Return != "" && l.ReturnedAt != nil && !l.ReturnedAt.Before(l.EndedAt)
}

// History is what a program's closed pairs say about matching.
type History struct {
	Former []FormerPair
	Left   map[int64]Left // by mentee user id; absent: never paired, or in a running pair
}

// FormerOf finds the latest pair the mentee and mentor shared, if any.
func (h *History) FormerOf(menteeID, mentorID int64) (FormerPair, bool) {
	var out FormerPair
	found := false
	for _, f := range h.Former {
		if f.MenteeID == menteeID && f.MentorID == mentorID {
			out, found = f, true // in pair id order: the last is the latest
		}
	}
	return out, found
}

// LoadHistory reads a program's closed pairs in two queries, whatever
// their number: the former pairs and, for each mentee whose latest pair
// closed, whether they wait for a new mentor. It does not check who asks.
// A mentee in a running pair is never in Left, whatever they had before.
func LoadHistory(ctx context.Context, q store.Q, programID int64) (*History, error) {
	return loadHistory(ctx, q, programID, 0)
}

// LoadMenteeHistory is LoadHistory for one mentee's pairs only, for pages
// about one person.
func LoadMenteeHistory(ctx context.Context, q store.Q, programID, menteeID int64) (*History, error) {
	return loadHistory(ctx, q, programID, menteeID)
}

func loadHistory(ctx context.Context, q store.Q, programID, menteeID int64) (*History, error) {
	// Every mentee–mentor combination of each pair of the program,
	// running pairs included so that a mentee's newest pair decides
	// whether they have moved on.
	// ended_at is read bare: SQLite gives COALESCE of two timestamps back
	// as text.
	query := `SELECT p.id, p.status, p.ended_at, COALESCE(e.how, ''), COALESCE(e.side, ''),
		a.user_id, COALESCE(b.user_id, 0)
		FROM pairs p JOIN pair_members a ON a.pair_id = p.id AND a.side = 'mentee'
		LEFT JOIN pair_members b ON b.pair_id = p.id AND b.side = 'mentor'
		LEFT JOIN pair_endings e ON e.pair_id = p.id
		WHERE p.program_id = ?`
	args := []any{programID}
	if menteeID != 0 {
		query += ` AND a.user_id = ?`
		args = append(args, menteeID)
	}
	rows, err := q.Query(ctx, query+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	h := &History{Left: map[int64]Left{}}
	running := map[int64]bool{}
	for rows.Next() {
		var pairID, mentee, mentor int64
		var status, how, side string
		var ended *time.Time
		if err := rows.Scan(&pairID, &status, &ended, &how, &side, &mentee, &mentor); err != nil {
			return nil, err
		}
		if status == PairActive {
			running[mentee] = true
			continue
		}
		if ended == nil {
			continue // not possible for a closed pair; nothing to go by
		}
		at := *ended
		if mentor != 0 {
			h.Former = append(h.Former, FormerPair{MenteeID: mentee, MentorID: mentor, PairID: pairID, EndedAt: at})
		}
		// Pairs come in id order, so the last one seen is the latest;
		// ended_at breaks the tie for pairs made out of order.
		if l, ok := h.Left[mentee]; !ok || !at.Before(l.EndedAt) {
			h.Left[mentee] = Left{UserID: mentee, PairID: pairID, EndedAt: at, EndedHow: how, EndedSide: side}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id := range running {
		delete(h.Left, id)
	}
	if len(h.Left) == 0 {
		return h, nil
	}
	query = `SELECT user_id, return_how, returned_at FROM participants WHERE program_id = ? AND returned_at IS NOT NULL`
	args = []any{programID}
	if menteeID != 0 {
		query += ` AND user_id = ?`
		args = append(args, menteeID)
	}
	rows2, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows2.Close()
	for rows2.Next() {
		var id int64
		var how string
		var at time.Time
		if err := rows2.Scan(&id, &how, &at); err != nil {
			return nil, err
		}
		if l, ok := h.Left[id]; ok {
			l.Return, l.ReturnedAt = how, &at
			h.Left[id] = l
		}
	}
	return h, rows2.Err()
}

// returnMentees puts the mentees of a closing pair back in the pool: only
// the one who ended it when they asked, every mentee otherwise. Close
// calls it in the ending's transaction.
func returnMentees(ctx context.Context, tx *store.Tx, e Ending) error {
	query := `UPDATE participants SET returned_at = ?, return_how = ?
		WHERE program_id = (SELECT program_id FROM pairs WHERE id = ?)
		AND user_id IN (SELECT user_id FROM pair_members WHERE pair_id = ? AND side = 'mentee')`
	args := []any{e.EndedAt, e.Return, e.PairID, e.PairID}
	if e.Return == ReturnAsked {
		query += ` AND user_id = ?`
		args = append(args, e.EndedBy)
	}
	_, err := tx.Exec(ctx, query, args...)
	return err
}

// ReturnToPool puts a mentee whose latest pair closed back among those
// waiting for a mentor, for the program's coordinators. A mentee who
// never had a pair, is in a running pair, or already waits is refused
// with a reason; an unknown person is NotFound.
func (s *Service) ReturnToPool(ctx context.Context, actor *account.User, programID, menteeID int64) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := requireCoordinator(ctx, tx, actor, programID); err != nil {
			return err
		}
		p, err := GetParticipant(ctx, tx, programID, menteeID)
		if err != nil {
			return err
		}
		if p.Role != SideMentee {
			return errs.E(errs.Invalid, "matching.error.return_mentees_only", "name", p.Name)
		}
		if p.Status != StatusApproved {
			return errs.E(errs.Conflict, "matching.error.return_not_approved", "name", p.Name)
		}
		if err := lockParticipants(ctx, tx, programID, []int64{menteeID}); err != nil {
			return err
		}
		h, err := LoadMenteeHistory(ctx, tx, programID, menteeID)
		if err != nil {
			return err
		}
		l, ok := h.Left[menteeID]
		switch {
		case !ok && len(h.Former) > 0:
			return errs.E(errs.Conflict, "matching.error.return_paired", "name", p.Name)
		case !ok:
			// Never paired: already in the pool, or paired now for the
			// first time.
			n, err := activePairs(ctx, tx, programID, menteeID)
			if err != nil {
				return err
			}
			if n > 0 {
				return errs.E(errs.Conflict, "matching.error.return_paired", "name", p.Name)
			}
			return errs.E(errs.Conflict, "matching.error.return_never_paired", "name", p.Name)
		case l.InPool():
			return errs.E(errs.Conflict, "matching.error.return_already", "name", p.Name)
		}
		_, err = tx.Exec(ctx, `UPDATE participants SET returned_at = ?, return_how = ? WHERE id = ?`,
			now, ReturnCoordinator, p.ID)
		return err
	})
}

// refuseFormer refuses, with a warning on the "again" field, to pair a
// mentee with a mentor they shared a pair with.
func refuseFormer(ctx context.Context, q store.Q, programID int64, mentorIDs, menteeIDs []int64) error {
	for _, mentee := range dedupe(menteeIDs) {
		h, err := LoadMenteeHistory(ctx, q, programID, mentee)
		if err != nil {
			return err
		}
		for _, mentor := range dedupe(mentorIDs) {
			f, ok := h.FormerOf(mentee, mentor)
			if !ok {
				continue
			}
			a, err := GetParticipant(ctx, q, programID, mentee)
			if err != nil {
				return err
			}
			b, err := GetParticipant(ctx, q, programID, mentor)
			if err != nil {
				return err
			}
			var v errs.Validation
			v.Add("again", "matching.error.former_pair", "mentee", a.Name, "mentor", b.Name, "date", f.EndedAt)
			return v.Err()
		}
	}
	return nil
}
