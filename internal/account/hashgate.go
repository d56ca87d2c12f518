package account

import (
	"context"
	"sync"
	"time"

	"mentorskap/internal/errs"
)

// Every Argon2id hash holds argonMemory (19 MiB) for as long as it runs.
// Without a bound, a burst of parallel logins grows the process by that
// much per request: 150 at once took a server from 60 MB to 2.9 GB. A
// HashGate lets only as many hashes run at once as a memory budget holds;
// the rest wait briefly for a slot and are then turned away as throttled,
// with a Retry-After, rather than queueing without end.

// DefaultHashMemory is the memory budget for password hashing when the
// operator sets none: six hashes at a time, more than two cores can run
// in parallel anyway.
const DefaultHashMemory = 128 << 20

// HashWait is how long a hash waits for a slot before it is refused.
const HashWait = 2 * time.Second

// hashRetryAfter is what a refused caller is told to wait: by then the
// hashes ahead of it have long finished.
const hashRetryAfter = 2 * time.Second

// HashCost is the memory one password hash holds, in bytes.
const HashCost = argonMemory * 1024

// HashGate bounds how many password hashes run at once. A nil gate bounds
// nothing, for commands and tests that hash one password at a time.
type HashGate struct {
	slots chan struct{}
	wait  time.Duration

	mu      sync.Mutex
	running int
	peak    int
	waiting int

	// hold runs while a slot is held, before the hash: tests park hashes
	// there to see the bound hold.
	hold func()
}

// NewHashGate sizes a gate to a memory budget in bytes: at least one hash
// always runs, however small the budget. wait is how long a caller waits
// for a slot.
func NewHashGate(budget int64, wait time.Duration) *HashGate {
	n := budget / HashCost
	if n < 1 {
		n = 1
	}
	return &HashGate{slots: make(chan struct{}, n), wait: wait}
}

// Slots is how many hashes may run at once.
func (g *HashGate) Slots() int { return cap(g.slots) }

// Peak is the most hashes that ever ran at once through g.
func (g *HashGate) Peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}

// Running is how many hashes run now, and Waiting how many wait for a
// slot.
func (g *HashGate) Running() (running, waiting int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.running, g.waiting
}

func (g *HashGate) enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g.slots <- struct{}{}:
	default:
		if err := g.await(ctx); err != nil {
			return err
		}
	}
	g.mu.Lock()
	g.running++
	g.peak = max(g.peak, g.running)
	g.mu.Unlock()
	if g.hold != nil {
		g.hold()
	}
	return nil
}

func (g *HashGate) await(ctx context.Context) error {
	g.mu.Lock()
	g.waiting++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.waiting--
		g.mu.Unlock()
	}()
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-t.C:
		return &errs.Error{Kind: errs.TooMany, Key: "login.error.busy", RetryAfter: hashRetryAfter}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *HashGate) leave() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.running--
	g.mu.Unlock()
	<-g.slots
}

// Check is CheckPassword inside the bound.
func (g *HashGate) Check(ctx context.Context, encoded, password string) (bool, error) {
	if err := g.enter(ctx); err != nil {
		return false, err
	}
	defer g.leave()
	return CheckPassword(encoded, password), nil
}

// Hash is HashPassword inside the bound.
func (g *HashGate) Hash(ctx context.Context, password string) (string, error) {
	if err := g.enter(ctx); err != nil {
		return "", err
	}
	defer g.leave()
	return HashPassword(password), nil
}

type hashGateKey struct{}

// WithHashGate returns ctx carrying the process's gate, for the password
// confirmations that run below other services (signing goes through the
// agreement service), as WithClientIP does for the address.
func WithHashGate(ctx context.Context, g *HashGate) context.Context {
	if g == nil {
		return ctx
	}
	return context.WithValue(ctx, hashGateKey{}, g)
}

func hashGateOf(ctx context.Context) *HashGate {
	g, _ := ctx.Value(hashGateKey{}).(*HashGate)
	return g
}
