package agreement

import (
	"context"

	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// kept holds, by database and pair, the versions a pair's terms were last
// worked out from (shared: for reading only). Nearly every page of a pair
// asks for its terms, and the agreement changes a handful of times in a
// pair's life; the pair's own statement reads its agreement revision
// (every write to a version or a signature adds one, in the same
// transaction, see migration 0086), so kept versions are used only while
// they are still the agreement in the database, whichever process wrote
// it.
var kept = store.Kept[keptAt, []Version]{Max: 4096}

// keptAt is when kept versions were read: the pair's agreement revision,
// and its creation time against a pair id used again.
type keptAt struct{ rev, created int64 }

func keptAtOf(p *program.Pair) keptAt {
	return keptAt{p.AgreementRev(), p.CreatedAt.UnixNano()}
}

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
	return termsOfPairs(ctx, q, pairs, progs)
}

// TermsForPair is TermsFor for pair p, read in the same request or
// transaction: it reads neither the pair again nor, while they are
// unchanged, its program (program.OfPair) or its agreement (kept).
func TermsForPair(ctx context.Context, q store.Q, p *program.Pair) (Terms, error) {
	prog, err := program.OfPair(ctx, q, p)
	if err != nil {
		return Terms{}, err
	}
	all, err := termsOfPairs(ctx, q, []program.Pair{*p}, map[int64]*program.Program{prog.ID: prog})
	return all[p.ID], err
}

// termsOfPairs works out the terms of pairs from their programs, by pair
// id, reading the agreements of those whose agreement is not kept.
func termsOfPairs(ctx context.Context, q store.Q, pairs []program.Pair, progs map[int64]*program.Program) (map[int64]Terms, error) {
	// Only reads outside a transaction fill the kept versions: a
	// transaction sees its own writes, which may yet be rolled back. It may
	// use them: the revision it reads counts its own writes too.
	db, fill := store.KeptFrom(q)
	byPair := make(map[int64][]Version, len(pairs))
	var missing []*program.Pair
	var ids []int64
	for i := range pairs {
		p := &pairs[i]
		if vs, ok := kept.Get(db, p.ID, keptAtOf(p)); ok {
			byPair[p.ID] = vs
		} else {
			missing, ids = append(missing, p), append(ids, p.ID)
		}
	}
	if len(missing) > 0 {
		cond, args := program.SomePairs(ids).Cond("v.pair_id")
		vs, err := loadVersions(ctx, q, cond, args...)
		if err != nil {
			return nil, err
		}
		read := groupByPair(vs)
		for _, p := range missing {
			vs := forTerms(read[p.ID])
			byPair[p.ID] = vs
			if fill {
				kept.Put(db, p.ID, keptAtOf(p), vs)
			}
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

// forTerms keeps of a pair's versions, newest first, those its terms are
// worked out from (see statusFrom): the newest, and the newest both sides
// signed. A pair's older versions need not be kept in memory.
func forTerms(vs []Version) []Version {
	// New slices: the versions read share one array per pair.
	for i := range vs {
		if vs[i].Complete() {
			if i == 0 {
				return []Version{vs[0]}
			}
			return []Version{vs[0], vs[i]}
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return []Version{vs[0]}
}
