package program

import (
	"context"

	"mentorskap/internal/store"
)

// PairSet names the pairs a bulk reader loads facts about: one pair, for a
// page, or every running pair, for the background scan. Each package
// writes its own SQL against it, so the page and the scan go through the
// same query and the rules in it cannot drift apart.
type PairSet struct {
	id      int64 // one pair; 0 when the set is every active pair
	active  bool
	program int64 // with active: only that program's; 0 for every program
}

// OnePair is the set of just that pair.
func OnePair(id int64) PairSet { return PairSet{id: id} }

// ActivePairs is the set of every pair that still runs.
func ActivePairs() PairSet { return PairSet{active: true} }

// ActivePairsOf is the set of the pairs of one program that still run.
func ActivePairsOf(programID int64) PairSet { return PairSet{active: true, program: programID} }

// Cond is the SQL condition that col, a pair id column, is in the set, with
// its arguments. A set of every active pair stays a subquery rather than a
// list of ids, so that it costs one query whatever the number of pairs.
func (s PairSet) Cond(col string) (string, []any) {
	if s.active && s.program != 0 {
		return col + ` IN (SELECT id FROM pairs WHERE status = 'active' AND program_id = ?)`, []any{s.program}
	}
	if s.active {
		return col + ` IN (SELECT id FROM pairs WHERE status = 'active')`, nil
	}
	return col + ` = ?`, []any{s.id}
}

// PairsIn loads the pairs of the set with their members, in the order
// GetPair's callers see. It does not check who asks.
func PairsIn(ctx context.Context, q store.Q, set PairSet) ([]Pair, error) {
	cond, args := set.Cond("p.id")
	return loadPairs(ctx, q, cond, args...)
}

// ProgramsOf loads the programs the pairs of the set belong to, by id. It
// does not check who asks.
func ProgramsOf(ctx context.Context, q store.Q, set PairSet) (map[int64]*Program, error) {
	if m := memoOf(ctx, q); m != nil && !set.active {
		ps, err := m.onePair(ctx, q, set.id)
		if err != nil || len(ps) != 1 {
			return map[int64]*Program{}, err
		}
		p, err := m.program(ctx, q, ps[0].ProgramID)
		if err != nil {
			return nil, err
		}
		return map[int64]*Program{p.ID: p}, nil
	}
	cond, args := set.Cond("x.id")
	rows, err := q.Query(ctx, `SELECT `+programCols+` FROM programs
		WHERE id IN (SELECT x.program_id FROM pairs x WHERE `+cond+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*Program{}
	for rows.Next() {
		p, err := scanProgram(rows)
		if err != nil {
			return nil, err
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}
