package meeting

import (
	"context"
	"sync"

	"mentorskap/internal/store"
)

// A read memo keeps the meeting a page under /pairs/{id}/meetings/{mid}/…
// is about, read with the session and the pair (ReadMeeting), so that the
// page's own read of it (Get, InPair) is not a round trip of its own. As
// with the pair's (program.WithReadMemo), only pages that change nothing
// get one, reads inside a transaction never use it, and whoever takes the
// meeting from it checks who asks as for any read of a meeting.
type readMemo struct {
	mu       sync.Mutex
	meetings map[int64]*Meeting // nil: there is no such meeting
}

type memoKey struct{}

// WithReadMemo returns a context whose read of a meeting queued by
// ReadMeeting answers Get. Use it for a request that writes nothing about
// meetings.
func WithReadMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &readMemo{meetings: map[int64]*Meeting{}})
}

// ReadMeeting queues Get's read of meeting id into r for the request's
// read memo; without a memo it queues nothing. It is read before it is
// known who asks, so only the memo holds it.
func ReadMeeting(ctx context.Context, r *store.Reads, id int64) {
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	if m == nil {
		return
	}
	readMeeting(r, id, func(found *Meeting) {
		m.mu.Lock()
		m.meetings[id] = found
		m.mu.Unlock()
	})
}

// readMeeting queues Get's read of meeting id into r; found gets the
// meeting, or nil when there is none.
func readMeeting(r *store.Reads, id int64, found func(*Meeting)) {
	r.Add(func(rows store.Rows) error {
		var m *Meeting
		if rows.Next() {
			var n int
			mt, err := scanMeeting(rows, &n)
			if err != nil {
				return err
			}
			mt.Number, m = n, mt
		}
		found(m)
		return nil
	}, getMeeting, id)
}

// kept returns the memo's meeting id, a copy, and whether the memo has read
// it (found or not).
func kept(ctx context.Context, q store.Q, id int64) (*Meeting, bool) {
	if _, tx := q.(*store.Tx); tx {
		return nil, false
	}
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	mt, ok := m.meetings[id]
	if mt != nil {
		c := *mt
		mt = &c
	}
	return mt, ok
}
