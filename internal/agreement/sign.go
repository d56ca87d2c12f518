package agreement

import (
	"context"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// SameName reports whether a typed name matches the account name, ignoring
// case and how the spaces fall.
func SameName(typed, name string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return norm(typed) != "" && norm(typed) == norm(name)
}

// Sign signs version number of the pair's agreement for the actor, who
// confirms with their password and types their full name. Only the newest
// version can be signed: if the other side changed the agreement meanwhile
// the signature fails with a Conflict and nothing is signed. The signature
// stores the version's hash. When both sides have signed, the version is in
// force: its goals become the pair's goals and the check points are
// planned from its dates (evaluation.Plan). The other side is told when one side signs, and
// everyone when the agreement is in force.
func (s *Service) Sign(ctx context.Context, actor *account.User, pairID int64, number int, password, typedName string) (*Version, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "error.login_required")
	}
	// Who may sign is checked before the password, so that a stranger
	// learns nothing and cannot use this to guess passwords.
	if _, _, err := program.RequirePairMember(ctx, s.DB, actor, pairID); err != nil {
		return nil, err
	}
	var v errs.Validation
	v.Check(SameName(typedName, actor.Name), "typed_name", "agreement.error.name_mismatch", "name", actor.Name)
	// Wrong passwords count against the login throttle; while it refuses,
	// nothing is signed even with the right password.
	if err := account.ConfirmPassword(ctx, s.DB, s.Clock.Now(), actor.ID, password, "password"); err != nil {
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.Invalid || len(e.Fields) == 0 {
			return nil, err
		}
		for f, m := range e.Fields {
			v.Add(f, m.Key, m.Args...)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := lockPair(ctx, tx, pairID); err != nil {
			return err
		}
		p, viewer, err := program.RequirePairMember(ctx, tx, actor, pairID)
		if err != nil {
			return err
		}
		if err := p.Require(now, program.ActSign, "agreement.error.pair_ended"); err != nil {
			return err
		}
		vs, err := Versions(ctx, tx, pairID)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			return errs.E(errs.NotFound, "agreement.error.no_version")
		}
		cur := &vs[0]
		if number != cur.Number {
			if number > cur.Number || number < 1 {
				return errs.E(errs.NotFound, "agreement.error.no_version")
			}
			return errs.E(errs.Conflict, "agreement.error.sign_stale", "name", cur.AuthorName, "version", cur.Number)
		}
		if !cur.Intact {
			return errs.E(errs.Conflict, "agreement.error.tampered")
		}
		if cur.SignedByUser(actor.ID) != nil {
			return errs.E(errs.Conflict, "agreement.error.already_signed")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO agreement_signatures (version_id, user_id, name, side, typed_name, hash, signed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, cur.id, actor.ID, actor.Name, viewer.Side, strings.TrimSpace(typedName), cur.Hash, now); err != nil {
			return err
		}
		cur.Signatures = append(cur.Signatures, Signature{UserID: actor.ID, Name: actor.Name, Side: viewer.Side,
			TypedName: strings.TrimSpace(typedName), SignedAt: now, Hash: cur.Hash})
		// Who signed which version and whether it is now in force; never
		// the agreement's text.
		if err := webhook.Emit(ctx, tx, now, p.ProgramID, webhook.AgreementSigned, map[string]any{
			"pair_id": p.ID, "program_id": p.ProgramID, "version": number, "user_id": actor.ID, "side": viewer.Side,
			"complete": cur.Complete(), "signed_at": now.UTC().Format(time.RFC3339)}); err != nil {
			return err
		}
		prog, err := program.Get(ctx, tx, p.ProgramID)
		if err != nil {
			return err
		}
		if !cur.Complete() {
			return s.tellOthers(ctx, tx, now, p, prog, actor, "agreement_signed", number)
		}
		if err := goal.SyncFromAgreement(ctx, tx, pairID, goalDrafts(cur.Content.Goals), now); err != nil {
			return err
		}
		// Every version that comes into force may move the planned dates,
		// so the check points are planned again, in order; answers
		// already given stay.
		t, _ := timeline(prog, vs) // cur is in force
		if err := evaluation.Replan(ctx, tx, pairID, t); err != nil {
			return err
		}
		return s.tellAll(ctx, tx, now, p, prog, "agreement_active", number)
	})
	if err != nil {
		return nil, err
	}
	return GetVersion(ctx, s.DB, pairID, number)
}

// timeline is what a pair's check points are planned from, given its
// versions newest first: the day an agreement first came into force, the
// planned dates of the newest one in force, and which check points the
// program asks. ok is false while no version is in force.
func timeline(prog *program.Program, vs []Version) (t evaluation.Timeline, ok bool) {
	var inForce *Version
	complete := 0
	for i := range vs {
		if !vs[i].Complete() {
			continue
		}
		complete++
		if inForce == nil {
			inForce = &vs[i]
		}
		if at := vs[i].ActiveSince(); t.Signed.IsZero() || at.Before(t.Signed) {
			t.Signed = at
		}
	}
	if inForce == nil {
		return t, false
	}
	// The follow-up is new only the first time an agreement comes into
	// force; after that Replan keeps planning the one the pair has (or had
	// merged or dropped), rather than starting one long after its month.
	t.Start, t.End = prog.Start, prog.End
	t.Followup, t.Midpoint, t.Final = prog.EvalFollowup && complete == 1, prog.EvalMidpoint, prog.EvalFinal
	if d, err := program.ParseDate(inForce.Content.StartDate); err == nil {
		t.Start = d
	}
	if d, err := program.ParseDate(inForce.Content.EndDate); err == nil {
		t.End = d
	}
	return t, true
}

// Replan plans a pair's check points again from its agreement in force,
// as signing does, whenever its confirmed meetings change: the first one
// brings the chemistry check, which comes before the follow-up and the
// mid-point. Planning is idempotent, so callers need not work out whether
// the first meeting moved. A pair with no agreement in force has nothing
// planned yet.
func Replan(ctx context.Context, tx *store.Tx, p *program.Pair) error {
	vs, err := Versions(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	prog, err := program.Get(ctx, tx, p.ProgramID)
	if err != nil {
		return err
	}
	t, ok := timeline(prog, vs)
	if !ok {
		return nil
	}
	t.Followup = false // the pair's follow-up, if it has or had one, is kept
	return evaluation.Replan(ctx, tx, p.ID, t)
}

// goalDrafts turns the agreement's goals into the goal package's drafts.
func goalDrafts(gs []Goal) []goal.Draft {
	out := make([]goal.Draft, 0, len(gs))
	for _, g := range gs {
		out = append(out, goal.Draft{Key: g.Key, Title: g.Title, Measure: g.Measure, TargetDate: g.TargetDate,
			SubGoals: goalDrafts(g.SubGoals)})
	}
	return out
}

// tellOthers emails the people on the other side from actor about their
// agreement.
func (s *Service) tellOthers(ctx context.Context, tx *store.Tx, now time.Time, p *program.Pair, prog *program.Program, actor *account.User, kind string, version int) error {
	if s.Outbox == nil {
		return nil
	}
	link := s.Outbox.Link(pairPath(p.ID) + "/agreement")
	for _, m := range p.Others(actor.ID) {
		if err := s.Outbox.Send(ctx, tx, now, program.Recipient(m.Email, m.Name, m.Lang, prog), kind,
			"name", m.Name, "author", actor.Name, "version", version, "program", prog.Name, "link", link); err != nil {
			return err
		}
	}
	return nil
}

// tellAll emails every member of the pair.
func (s *Service) tellAll(ctx context.Context, tx *store.Tx, now time.Time, p *program.Pair, prog *program.Program, kind string, version int) error {
	if s.Outbox == nil {
		return nil
	}
	link := s.Outbox.Link(pairPath(p.ID) + "/agreement")
	for _, m := range pairMembers(p) {
		if err := s.Outbox.Send(ctx, tx, now, program.Recipient(m.Email, m.Name, m.Lang, prog), kind,
			"name", m.Name, "others", p.OtherNames(m.UserID), "version", version, "program", prog.Name, "link", link); err != nil {
			return err
		}
	}
	return nil
}
