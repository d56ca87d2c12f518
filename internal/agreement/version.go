package agreement

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"mentorskap/internal/errs"
	"mentorskap/internal/store"
)

// versionSelect reads a version with one of its signatures per row. The
// content, the largest column, comes only on a version's first row: the
// driver copies every text it returns, and pages read the versions of a
// pair on every view.
const versionSelect = `SELECT v.id, v.pair_id, v.number,
	CASE WHEN ROW_NUMBER() OVER (PARTITION BY v.id ORDER BY s.signed_at, s.id) = 1 THEN v.content END,
	v.hash, COALESCE(v.created_by, 0),
	COALESCE(u.name, ''), v.created_at, COALESCE(r.meeting_id, 0), m.starts_at,
	s.user_id, s.name, s.side, s.typed_name, s.signed_at, s.hash
	FROM agreement_versions v LEFT JOIN users u ON u.id = v.created_by
	LEFT JOIN agreement_version_reviews r ON r.version_id = v.id LEFT JOIN meetings m ON m.id = r.meeting_id`

// loadVersions reads versions (newest first) with their signatures, in one
// statement: a version's row comes once per signature, its content with
// the first of them (see versionSelect).
func loadVersions(ctx context.Context, q store.Q, where string, args ...any) ([]Version, error) {
	rows, err := q.Query(ctx, versionSelect+`
		LEFT JOIN agreement_signatures s ON s.version_id = v.id
		WHERE `+where+` ORDER BY v.number DESC, v.id, s.signed_at, s.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	decoded := false // whether the last version's content has come
	// The scan targets live outside the loop: a version's columns repeat
	// on each of its signatures' rows, and a Version per row was most of
	// this read's garbage.
	var (
		v                       Version
		raw                     sql.NullString
		reviewAt, signedAt      sql.NullTime
		signer                  sql.NullInt64
		name, side, typed, hash sql.NullString
	)
	dest := []any{&v.id, &v.PairID, &v.Number, &raw, &v.Hash, &v.CreatedBy, &v.AuthorName, &v.CreatedAt,
		&v.Review, &reviewAt, &signer, &name, &side, &typed, &signedAt, &hash}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].id != v.id {
			if len(out) > 0 && !decoded {
				return nil, errNoContent
			}
			out = append(out, Version{id: v.id, PairID: v.PairID, Number: v.Number, Hash: v.Hash,
				CreatedBy: v.CreatedBy, AuthorName: v.AuthorName, CreatedAt: v.CreatedAt,
				Review: v.Review, ReviewAt: reviewAt.Time.UTC()})
			decoded = false
		}
		last := &out[len(out)-1]
		if raw.Valid && !decoded {
			var err error
			if last.Content, last.Intact, err = decodeVersion(raw.String, last.Hash); err != nil {
				return nil, err
			}
			decoded = true
		}
		if signer.Valid {
			last.Signatures = append(last.Signatures, Signature{UserID: signer.Int64, Name: name.String,
				Side: side.String, TypedName: typed.String, SignedAt: signedAt.Time, Hash: hash.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > 0 && !decoded {
		return nil, errNoContent
	}
	return out, nil
}

// errNoContent would mean versionSelect numbered a version's rows apart
// from their order; it cannot happen with the statement as written.
var errNoContent = errors.New("agreement: a version came without its content")

// Versions lists every version of a pair's agreement, newest first, with
// signatures. It does not check who asks.
func Versions(ctx context.Context, q store.Q, pairID int64) ([]Version, error) {
	return loadVersions(ctx, q, `v.pair_id = ?`, pairID)
}

// GetVersion loads one version of a pair's agreement. It does not check who
// asks.
func GetVersion(ctx context.Context, q store.Q, pairID int64, number int) (*Version, error) {
	vs, err := loadVersions(ctx, q, `v.pair_id = ? AND v.number = ?`, pairID, number)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, errs.E(errs.NotFound, "agreement.error.no_version")
	}
	return &vs[0], nil
}

// Status is where a pair's agreement stands.
type Status struct {
	State   string   // StateNotStarted … StateEnded, as the coordinator sees it
	Current *Version // the newest version; nil before the first save
	InForce *Version // the newest version both sides signed; nil if none
	// Draft is the state of the newest version when it is not the one in
	// force (changes waiting to be signed): StateDrafting or StateWaiting.
	Draft     string
	UpdatedAt time.Time // when the newest version was saved
}

// Amending reports whether a signed agreement has newer changes that are
// not signed by both sides yet.
func (st *Status) Amending() bool { return st.InForce != nil && st.Draft != "" }

// StatusOf reads where a pair's agreement stands. ended says whether the
// pair has ended. It does not check who asks.
func StatusOf(ctx context.Context, q store.Q, pairID int64, ended bool) (*Status, error) {
	vs, err := Versions(ctx, q, pairID)
	if err != nil {
		return nil, err
	}
	return statusFrom(vs, ended), nil
}

func statusFrom(vs []Version, ended bool) *Status {
	st := &Status{State: StateNotStarted}
	if len(vs) > 0 {
		st.Current = &vs[0]
		st.UpdatedAt = vs[0].CreatedAt
	}
	for i := range vs {
		if vs[i].Complete() {
			st.InForce = &vs[i]
			break
		}
	}
	if st.Current != nil && st.Current != st.InForce {
		st.Draft = StateDrafting
		if len(st.Current.Signatures) > 0 {
			st.Draft = StateWaiting
		}
	}
	switch {
	case ended:
		st.State = StateEnded
	case st.InForce != nil:
		st.State = StateActive
	case st.Current != nil:
		st.State = st.Draft
	}
	return st
}

// currentNumber is the newest version number of a pair, 0 when none.
func currentNumber(ctx context.Context, q store.Q, pairID int64) (int, error) {
	var n sql.NullInt64
	err := q.QueryRow(ctx, `SELECT MAX(number) FROM agreement_versions WHERE pair_id = ?`, pairID).Scan(&n)
	return int(n.Int64), err
}
