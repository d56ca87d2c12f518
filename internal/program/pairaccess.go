package program

import (
	"context"
	"sync"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// PairViewer says how the person asking relates to a pair. Exactly one of
// Side and Coordinator is set: members of the pair see its content, the
// program's coordinators (and administrators) see its state and only the
// content the pair's agreement shares with them.
type PairViewer struct {
	UserID      int64
	Side        string // SideMentor or SideMentee when the person is on the pair
	Coordinator bool
}

// Member reports whether the viewer is on one of the pair's sides.
func (v PairViewer) Member() bool { return v.Side != "" }

// ViewPair loads a pair for someone who may look at it: a member of either
// side, or a coordinator of its program. Anyone else, including other
// participants of the same program, gets NotFound, so that pair ids reveal
// nothing.
func ViewPair(ctx context.Context, q store.Q, actor *account.User, pairID int64) (*Pair, PairViewer, error) {
	if actor == nil {
		return nil, PairViewer{}, errs.E(errs.Unauthorized, "error.login_required")
	}
	p, err := GetPair(ctx, q, pairID)
	if err != nil {
		return nil, PairViewer{}, err
	}
	return viewPair(ctx, q, actor, p)
}

// ViewPairWith is ViewPair with the caller's reads of also sent together
// with the pair's (store.Reads): one round trip for both on PostgreSQL, in
// a transaction too. also's reads run whoever asks, so they must read
// nothing a pair keeps confidential, and the caller uses what they read
// only once ViewPairWith has let actor in.
func ViewPairWith(ctx context.Context, q store.Q, actor *account.User, pairID int64, also func(*store.Reads)) (*Pair, PairViewer, error) {
	if actor == nil {
		return nil, PairViewer{}, errs.E(errs.Unauthorized, "error.login_required")
	}
	var r store.Reads
	var ps []Pair
	readPair(&r, pairID, func(found []Pair) { ps = found })
	also(&r)
	if err := r.Run(ctx, q); err != nil {
		return nil, PairViewer{}, err
	}
	if len(ps) == 0 {
		return nil, PairViewer{}, errs.E(errs.NotFound, "pair.error.not_found")
	}
	return viewPair(ctx, q, actor, &ps[0])
}

// viewPair is ViewPair's check of who asks about pair p, read already.
func viewPair(ctx context.Context, q store.Q, actor *account.User, p *Pair) (*Pair, PairViewer, error) {
	pairID := p.ID
	v := PairViewer{UserID: actor.ID, Side: p.SideOf(actor.ID)}
	if v.Side == "" {
		role, err := roleIn(ctx, q, actor, p.ProgramID)
		if err != nil {
			return nil, PairViewer{}, err
		}
		if role != RoleCoordinator {
			return nil, PairViewer{}, errs.E(errs.NotFound, "pair.error.not_found")
		}
		v.Coordinator = true
	}
	if vs, ok := ctx.Value(viewsKey{}).(*views); ok {
		vs.mu.Lock()
		vs.m[[2]int64{actor.ID, pairID}] = v
		vs.mu.Unlock()
	}
	return p, v, nil
}

// views are the answers ViewPair gave during one request.
type views struct {
	mu sync.Mutex
	m  map[[2]int64]PairViewer // by asker and pair
}

type viewsKey struct{}

// WithViews returns a context in which ViewPair notes whom it let see
// which pair, for Viewed to answer later in the same request without
// reading the pair again: the access log asks after every request whether
// its asker could see the pair the address names, and the handler has
// almost always asked ViewPair already.
func WithViews(ctx context.Context) context.Context {
	return context.WithValue(ctx, viewsKey{}, &views{m: map[[2]int64]PairViewer{}})
}

// Viewed returns how ViewPair let userID see pairID earlier in ctx's
// request; ok is false when it did not (it was not asked, or refused).
func Viewed(ctx context.Context, userID, pairID int64) (v PairViewer, ok bool) {
	vs, _ := ctx.Value(viewsKey{}).(*views)
	if vs == nil {
		return PairViewer{}, false
	}
	vs.mu.Lock()
	defer vs.mu.Unlock()
	v, ok = vs.m[[2]int64{userID, pairID}]
	return v, ok
}

// RequirePairMember loads a pair for one of its own members: the content of
// a pair (agreement drafts, agendas, notes, goals, messages) is theirs.
// Coordinators get Forbidden, everyone else NotFound.
func RequirePairMember(ctx context.Context, q store.Q, actor *account.User, pairID int64) (*Pair, PairViewer, error) {
	p, v, err := ViewPair(ctx, q, actor, pairID)
	if err != nil {
		return nil, v, err
	}
	if !v.Member() {
		return nil, v, errs.E(errs.Forbidden, "pair.error.members_only")
	}
	return p, v, nil
}
