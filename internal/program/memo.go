package program

import (
	"context"
	"slices"
	"sync"

	"mentorskap/internal/store"
)

// A read memo keeps the pairs one page view has read, so that the handler,
// the agreement's terms it asks for and the access log's check after it
// read a pair once per request instead of up to three times. Only pages
// that change nothing get one (the web layer gives it to GET and HEAD
// requests), and reads inside a transaction never use it: a transaction
// must see its own writes and the latest state.
type readMemo struct {
	mu    sync.Mutex
	pairs map[int64]Pair
}

type memoKey struct{}

// WithReadMemo returns a context whose reads of one pair by id are made
// once. Use it for a request that writes nothing about pairs.
func WithReadMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &readMemo{pairs: map[int64]Pair{}})
}

func memoOf(ctx context.Context, q store.Q) *readMemo {
	if _, tx := q.(*store.Tx); tx {
		return nil
	}
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	return m
}

// onePair reads pair id through the memo; ok is false when there is none.
func (m *readMemo) onePair(ctx context.Context, q store.Q, id int64) ([]Pair, error) {
	m.mu.Lock()
	p, ok := m.pairs[id]
	m.mu.Unlock()
	if ok {
		return []Pair{p.clone()}, nil
	}
	ps, err := queryPairs(ctx, q, `p.id = ?`, id)
	if err != nil || len(ps) != 1 {
		return ps, err
	}
	m.mu.Lock()
	m.pairs[id] = ps[0].clone()
	m.mu.Unlock()
	return ps, nil
}

// clone copies the member lists, so that a caller changing its copy does
// not change what the memo hands the next reader.
func (p Pair) clone() Pair {
	p.Mentors, p.Mentees = slices.Clone(p.Mentors), slices.Clone(p.Mentees)
	return p
}
