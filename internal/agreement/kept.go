package agreement

import (
	"context"
	"sync"
	"time"

	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// kept holds, by database and pair, the versions a pair's terms were last
// worked out from, with the pair's agreement revision they were read at.
// Nearly every page of a pair asks for its terms, and the agreement
// changes a handful of times in a pair's life; the pair's own statement
// reads the revision (every write to a version or a signature adds one, in
// the same transaction, see migration 0086), so kept versions are used only
// while they are still the agreement in the database, whichever process
// wrote it. The creation time guards against a pair id used again.
var kept = struct {
	mu sync.Mutex
	m  map[keptKey]keptVersions
}{m: map[keptKey]keptVersions{}}

type keptKey struct {
	db   *store.DB
	pair int64
}

type keptVersions struct {
	rev     int64
	created time.Time
	vs      []Version // shared: for reading only
}

// maxKept bounds the pairs kept; past it the map starts afresh.
const maxKept = 4096

// TermsOf is TermsFor for every pair of the set, by pair id, in a fixed
// number of queries however many pairs the set holds, and none for the
// agreement of a pair whose agreement is unchanged since the last time
// (see kept). Pairs that no longer exist are absent from the map. It does
// not check who asks.
func TermsOf(ctx context.Context, q store.Q, set program.PairSet) (map[int64]Terms, error) {
	pairs, progs, err := pairsAndPrograms(ctx, q, set)
	if err != nil {
		return nil, err
	}
	// Only reads outside a transaction fill the kept versions: a
	// transaction sees its own writes, which may yet be rolled back. It may
	// use them: the revision it reads counts its own writes too.
	var db *store.DB
	fill := false
	switch q := q.(type) {
	case *store.DB:
		db, fill = q, true
	case *store.Tx:
		db = q.DB()
	}
	byPair := make(map[int64][]Version, len(pairs))
	var missing []int64
	kept.mu.Lock()
	for i := range pairs {
		p := &pairs[i]
		if k, ok := kept.m[keptKey{db, p.ID}]; ok && db != nil && k.rev == p.AgreementRev() && k.created.Equal(p.CreatedAt) {
			byPair[p.ID] = k.vs
		} else {
			missing = append(missing, p.ID)
		}
	}
	kept.mu.Unlock()
	if len(missing) > 0 {
		cond, args := program.SomePairs(missing).Cond("v.pair_id")
		vs, err := loadVersions(ctx, q, cond, args...)
		if err != nil {
			return nil, err
		}
		read := groupByPair(vs)
		if fill {
			kept.mu.Lock()
			if len(kept.m)+len(missing) > maxKept {
				clear(kept.m)
			}
			for i := range pairs {
				p := &pairs[i]
				if _, ok := byPair[p.ID]; !ok {
					kept.m[keptKey{db, p.ID}] = keptVersions{rev: p.AgreementRev(), created: p.CreatedAt, vs: read[p.ID]}
				}
			}
			kept.mu.Unlock()
		}
		for id, vs := range read {
			byPair[id] = vs
		}
	}
	out := make(map[int64]Terms, len(pairs))
	for i := range pairs {
		p := &pairs[i]
		if prog := progs[p.ProgramID]; prog != nil {
			out[p.ID] = termsFrom(p.ID, prog, statusFrom(byPair[p.ID], !p.Active()))
		}
	}
	return out, nil
}
