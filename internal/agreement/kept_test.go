package agreement

import (
	"context"
	"errors"
	"testing"
	"time"

	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// TestKeptTermsFollowAgreement shows that the versions kept between page
// views (TermsOf) spare the statement only while the agreement is the one
// in the database: each save and signature, through this Service or
// another, shows on the next view, a transaction sees its own writes, and
// one rolled back leaves nothing behind.
func TestKeptTermsFollowAgreement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		view := func() (Terms, int) {
			t.Helper()
			vctx, n := store.WithCounter(program.WithReadMemo(ctx))
			terms, err := TermsFor(vctx, db, f.pair.ID)
			if err != nil {
				t.Fatal(err)
			}
			return terms, n.Statements()
		}
		view()
		if got, n := view(); got.State != StateNotStarted || n != 1 {
			t.Fatalf("second view: state %s, %d statements (want the pair's only)", got.State, n)
		}
		v, err := f.svc.SaveDraft(ctx, f.mentor, f.pair.ID, 0, sampleContent(), f.l)
		if err != nil {
			t.Fatal(err)
		}
		if got, n := view(); got.State != StateDrafting || got.Version != v.Number || n != 2 {
			t.Fatalf("after the draft: state %s, version %d, %d statements", got.State, got.Version, n)
		}
		f.sign(t, f.mentor, v.Number)
		if got, _ := view(); got.State != StateWaiting {
			t.Fatalf("after one signature: state %s", got.State)
		}
		other := *f.svc // another process: its own Service
		if _, err := other.Sign(ctx, f.mentee, f.pair.ID, v.Number, "password-"+f.mentee.Email, f.mentee.Name); err != nil {
			t.Fatal(err)
		}
		got, n := view()
		if got.State != StateActive || got.InForce != v.Number || got.SignedAt == nil || got.CancelNoticeHours != 24 || n != 2 {
			t.Fatalf("after both signatures: %+v, %d statements", got, n)
		}
		if got, n := view(); got.State != StateActive || n != 1 {
			t.Fatalf("signed, kept: state %s, %d statements", got.State, n)
		}

		// A transaction sees its own draft; once it is rolled back, the
		// next view must not see what it read.
		errRollback := errors.New("roll back")
		c := sampleContent()
		c.CancelNoticeHours = 48
		err = db.Tx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO agreement_versions (pair_id, number, content, hash, created_by, created_at)
				SELECT pair_id, number + 1, content, hash, created_by, created_at FROM agreement_versions WHERE pair_id = ? AND number = ?`,
				f.pair.ID, v.Number); err != nil {
				return err
			}
			in, err := TermsFor(program.WithReadMemo(ctx), tx, f.pair.ID)
			if err != nil {
				return err
			}
			if in.Version != v.Number+1 || in.Draft != StateDrafting {
				t.Errorf("inside the transaction: version %d, draft %q", in.Version, in.Draft)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if got, _ := view(); got.Version != v.Number || got.Draft != "" || got.State != StateActive {
			t.Fatalf("after the rollback: version %d, draft %q, state %s", got.Version, got.Draft, got.State)
		}
		// A transaction that has not written to the agreement uses the
		// kept versions too: it reads the pair and the program only.
		err = db.Tx(ctx, func(tx *store.Tx) error {
			tctx, n := store.WithCounter(program.WithReadMemo(ctx))
			in, err := TermsFor(tctx, tx, f.pair.ID)
			if err == nil && (in.State != StateActive || n.Statements() != 2) {
				t.Errorf("in a transaction, kept: state %s, %d statements", in.State, n.Statements())
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestForTermsKeepsWhatTermsNeed checks that the versions kept for a pair's
// terms give the same status as all of them, for histories with and
// without a version in force and with changes waiting for signatures.
func TestForTermsKeepsWhatTermsNeed(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	both := []Signature{{Side: program.SideMentor, SignedAt: at}, {Side: program.SideMentee, SignedAt: at.Add(time.Hour)}}
	one := []Signature{{Side: program.SideMentee, SignedAt: at}}
	v := func(n int, sigs []Signature) Version {
		return Version{Number: n, Signatures: sigs, Content: Content{CancelNoticeHours: n}}
	}
	for name, vs := range map[string][]Version{
		"none":            nil,
		"one draft":       {v(1, nil)},
		"drafts":          {v(3, one), v(2, nil), v(1, nil)},
		"signed":          {v(1, both)},
		"signed, amended": {v(4, one), v(3, nil), v(2, both), v(1, both)},
		"signed again":    {v(3, both), v(2, nil), v(1, both)},
	} {
		for _, ended := range []bool{false, true} {
			got, want := statusFrom(forTerms(vs), ended), statusFrom(vs, ended)
			if got.State != want.State || got.Draft != want.Draft || !sameVersion(got.Current, want.Current) || !sameVersion(got.InForce, want.InForce) {
				t.Errorf("%s, ended %v: kept %+v, all %+v", name, ended, got, want)
			}
		}
		if kept := forTerms(vs); len(kept) > 2 {
			t.Errorf("%s: %d versions kept", name, len(kept))
		}
	}
}

func sameVersion(a, b *Version) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Number == b.Number && a.Content.CancelNoticeHours == b.Content.CancelNoticeHours && a.ActiveSince().Equal(b.ActiveSince())
}
