package program

import (
	"context"

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
	v := PairViewer{UserID: actor.ID, Side: p.SideOf(actor.ID)}
	if v.Side != "" {
		return p, v, nil
	}
	role, err := roleIn(ctx, q, actor, p.ProgramID)
	if err != nil {
		return nil, PairViewer{}, err
	}
	if role != RoleCoordinator {
		return nil, PairViewer{}, errs.E(errs.NotFound, "pair.error.not_found")
	}
	v.Coordinator = true
	return p, v, nil
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
