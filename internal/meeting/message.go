package meeting

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// MaxMessage bounds a message: messages are short questions between
// meetings, not a place for long discussions, which belong in a meeting.
const MaxMessage = 1000

// ThreadPage is how many messages the thread shows at once.
const ThreadPage = 100

// Message is one message in a pair's thread.
type Message struct {
	ID         int64
	PairID     int64
	SenderID   int64 // 0 when that account is gone
	SenderName string
	Body       string
	Urgent     bool
	// Nudge is the kind of a coordinator's nudge (nudge.go), "" for what
	// the pair wrote; the reader sees the kind's text in their language.
	Nudge     string
	CreatedAt time.Time
	// Mine is set when the person reading wrote it; then Seen says whether
	// everyone else in the pair has read it. Otherwise New says the reader
	// had not read it before this view.
	Mine bool
	Seen bool
	New  bool
}

// Thread is what a member of a pair sees of its messages.
type Thread struct {
	Pair *program.Pair
	// Allowed says whether new messages may be written: the program must
	// allow messages (the agreement follows the program) and the pair must
	// still run. Old messages stay readable either way.
	Allowed    bool
	Ended      bool
	UrgentRule string // the agreement's rule for urgent help, "" when none
	Messages   []Message
	More       bool  // older messages exist before the first one shown
	LastRead   int64 // how far the reader had read before this view
}

// CanMarkUrgent reports whether a message may be flagged urgent: only when
// the agreement says how urgent requests are handled, so that the flag
// always means what both sides agreed.
func (t *Thread) CanMarkUrgent() bool { return t.UrgentRule != "" }

// Latest is the id of the newest message shown, 0 when none.
func (t *Thread) Latest() int64 {
	if len(t.Messages) == 0 {
		return 0
	}
	return t.Messages[len(t.Messages)-1].ID
}

// Oldest is the id of the oldest message shown, for the link to older ones.
func (t *Thread) Oldest() int64 {
	if len(t.Messages) == 0 {
		return 0
	}
	return t.Messages[0].ID
}

// Messages gives a member of the pair its thread: the newest ThreadPage
// messages, or those before message id before when it is not 0, oldest
// first. Coordinators never see messages (Forbidden); others get NotFound.
// Reading does not mark anything read: the caller does that with MarkRead
// once the messages are shown.
func (s *Service) Messages(ctx context.Context, actor *account.User, pairID, before int64) (*Thread, error) {
	p, _, err := program.RequirePairMember(ctx, s.DB, actor, pairID)
	if err != nil {
		return nil, err
	}
	terms, err := agreement.TermsFor(ctx, s.DB, pairID)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	t := &Thread{Pair: p, Ended: p.StageAt(now).Closed(), Allowed: terms.MessagesAllowed && p.Allows(now, program.ActMessage),
		UrgentRule: strings.TrimSpace(terms.UrgentRule)}
	reads, err := readState(ctx, s.DB, pairID)
	if err != nil {
		return nil, err
	}
	t.LastRead = reads[actor.ID]
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.DB.Query(ctx, `SELECT m.id, m.pair_id, COALESCE(m.sender_id, 0), COALESCE(u.name, ''), m.body,
		m.urgent, m.nudge, m.created_at
		FROM messages m LEFT JOIN users u ON u.id = m.sender_id
		WHERE m.pair_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`, pairID, before, ThreadPage+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.PairID, &m.SenderID, &m.SenderName, &m.Body, &m.Urgent, &m.Nudge, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.CreatedAt = m.CreatedAt.UTC()
		m.Mine = m.SenderID == actor.ID
		if m.Mine {
			m.Seen = seenByOthers(p, actor.ID, reads, m.ID)
		} else {
			m.New = m.ID > t.LastRead
		}
		t.Messages = append(t.Messages, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(t.Messages) > ThreadPage {
		t.Messages, t.More = t.Messages[:ThreadPage], true
	}
	slices.Reverse(t.Messages)
	return t, nil
}

// seenByOthers reports whether every other member of the pair has read up
// to message id.
func seenByOthers(p *program.Pair, me int64, reads map[int64]int64, id int64) bool {
	for _, m := range append(slices.Clone(p.Mentors), p.Mentees...) {
		if m.UserID != me && reads[m.UserID] < id {
			return false
		}
	}
	return true
}

func readState(ctx context.Context, q store.Q, pairID int64) (map[int64]int64, error) {
	rows, err := q.Query(ctx, `SELECT user_id, last_read_id FROM message_reads WHERE pair_id = ?`, pairID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	reads := map[int64]int64{}
	for rows.Next() {
		var user, last int64
		if err := rows.Scan(&user, &last); err != nil {
			return nil, err
		}
		reads[user] = last
	}
	return reads, rows.Err()
}

// markRead moves the person's read mark forward to upTo; it never moves it
// back, so an old page submitted late cannot make read messages unread.
func markRead(ctx context.Context, q store.Q, pairID, userID, upTo int64, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO message_reads (pair_id, user_id, last_read_id, read_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (pair_id, user_id) DO UPDATE SET
		last_read_id = CASE WHEN excluded.last_read_id > message_reads.last_read_id
			THEN excluded.last_read_id ELSE message_reads.last_read_id END,
		read_at = excluded.read_at`, pairID, userID, upTo, now)
	return err
}

// MarkRead records that a member of the pair has read the thread up to and
// including message upTo (capped at the newest message).
func (s *Service) MarkRead(ctx context.Context, actor *account.User, pairID, upTo int64) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, _, err := program.RequirePairMember(ctx, tx, actor, pairID); err != nil {
			return err
		}
		var latest int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM messages WHERE pair_id = ?`, pairID).Scan(&latest); err != nil {
			return err
		}
		return markRead(ctx, tx, pairID, actor.ID, min(upTo, latest), now)
	})
}

// UnreadIn is Unread for every pair of the set, by pair (pairs with none
// are absent), in one query however many pairs.
func UnreadIn(ctx context.Context, q store.Q, set program.PairSet, userID int64) (map[int64]int, error) {
	out := map[int64]int{}
	var r store.Reads
	ReadUnread(&r, set, userID, out)
	return out, r.Run(ctx, q)
}

// ReadUnread queues the read of UnreadIn, which counts into out.
func ReadUnread(r *store.Reads, set program.PairSet, userID int64, out map[int64]int) {
	cond, args := set.Cond("m.pair_id")
	r.Add(func(rows store.Rows) error {
		for rows.Next() {
			var pair int64
			var n int
			if err := rows.Scan(&pair, &n); err != nil {
				return err
			}
			out[pair] = n
		}
		return nil
	}, `SELECT m.pair_id, COUNT(*) FROM messages m
		WHERE `+cond+` AND (m.sender_id IS NULL OR m.sender_id <> ?)
		AND m.id > COALESCE((SELECT r.last_read_id FROM message_reads r WHERE r.pair_id = m.pair_id AND r.user_id = ?), 0)
		GROUP BY m.pair_id`, append(args, userID, userID)...)
}

// Unread counts the messages others in the pair wrote that the person has
// not read. It does not check who asks.
func Unread(ctx context.Context, q store.Q, pairID, userID int64) (int, error) {
	all, err := UnreadIn(ctx, q, program.OnePair(pairID), userID)
	return all[pairID], err
}

// MessageInput is a message as a member writes it.
type MessageInput struct {
	Body   string
	Urgent bool
}

// Send writes a message from a member of the pair to the others in it and
// tells each of them by email, in their own language.
//
// The email carries no message text, only who wrote and a link: the pair's
// words are confidential, and mail is copied, forwarded and read on shared
// screens in ways the pair does not control. To keep inboxes calm a person
// who already has unread messages in the thread gets no further email until
// they have read it, except for urgent messages, which always send one and
// say so in the subject.
func (s *Service) Send(ctx context.Context, actor *account.User, pairID int64, in MessageInput) (*Message, error) {
	body := strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	now := s.Clock.Now().UTC()
	var id int64
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		// Who asks comes first, so that a stranger learns nothing from
		// validation messages.
		p, _, err := program.RequirePairMember(ctx, tx, actor, pairID)
		if err != nil {
			return err
		}
		var v errs.Validation
		v.Check(body != "", "body", "message.error.body_required")
		v.Check(utf8.RuneCountInString(body) <= MaxMessage, "body", "message.error.body_too_long", "max", MaxMessage)
		if err := v.Err(); err != nil {
			return err
		}
		if err := p.Require(now, program.ActMessage, "message.error.pair_ended"); err != nil {
			return err
		}
		terms, err := agreement.TermsForPair(ctx, tx, p)
		if err != nil {
			return err
		}
		if !terms.MessagesAllowed {
			return errs.E(errs.Forbidden, "message.error.not_allowed")
		}
		if in.Urgent && strings.TrimSpace(terms.UrgentRule) == "" {
			return errs.E(errs.Invalid, "message.error.no_urgent_rule")
		}
		// Who needs an email is decided before the new message counts as unread.
		var notify []program.PairMember
		for _, m := range append(slices.Clone(p.Mentors), p.Mentees...) {
			if m.UserID == actor.ID {
				continue
			}
			n, err := Unread(ctx, tx, pairID, m.UserID)
			if err != nil {
				return err
			}
			if n == 0 || in.Urgent {
				notify = append(notify, m)
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO messages (pair_id, sender_id, body, urgent, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, pairID, actor.ID, body, in.Urgent, now).Scan(&id); err != nil {
			return err
		}
		// Writing in the thread means the writer has seen it up to here.
		if err := markRead(ctx, tx, pairID, actor.ID, id, now); err != nil {
			return err
		}
		if s.Outbox == nil || len(notify) == 0 {
			return nil
		}
		prog, err := program.OfPair(ctx, tx, p)
		if err != nil {
			return err
		}
		kind := "message_new"
		if in.Urgent {
			kind = "message_urgent"
		}
		link := s.Outbox.Link(fmt.Sprintf("/pairs/%d/messages", pairID))
		for _, m := range notify {
			if err := s.Outbox.Send(ctx, tx, now, program.Recipient(m.Email, m.Name, m.Lang, prog), kind,
				"name", m.Name, "sender", actor.Name, "program", prog.Name, "link", link); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Message{ID: id, PairID: pairID, SenderID: actor.ID, SenderName: actor.Name, Body: body,
		Urgent: in.Urgent, CreatedAt: now, Mine: true}, nil
}
