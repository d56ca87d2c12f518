package program

import (
	"context"
	"slices"
	"strings"

	"mentorskap/internal/store"
)

// PairSet names the pairs a bulk reader loads facts about: one pair, for a
// page, or every running pair, for the background scan. Each package
// writes its own SQL against it, so the page and the scan go through the
// same query and the rules in it cannot drift apart.
type PairSet struct {
	id      int64   // one pair; 0 when the set is every active pair or ids
	ids     []int64 // several pairs named by id (see SomePairs)
	active  bool
	program int64 // with active: only that program's; 0 for every program
}

// OnePair is the set of just that pair.
func OnePair(id int64) PairSet { return PairSet{id: id} }

// SomePairs is the set of the pairs with those ids, such as a person's own
// running pairs on the start page. One id makes the same set as OnePair.
func SomePairs(ids []int64) PairSet {
	if len(ids) == 1 {
		return OnePair(ids[0])
	}
	return PairSet{ids: slices.Clone(ids)}
}

// each returns the ids of a set named by ids, one for OnePair's; false
// for a set of every active pair.
func (s PairSet) each() ([]int64, bool) {
	switch {
	case s.active:
		return nil, false
	case s.ids != nil:
		return s.ids, true
	}
	return []int64{s.id}, true
}

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
	if s.ids != nil {
		if len(s.ids) == 0 {
			return `1 = 0`, nil
		}
		args := make([]any, len(s.ids))
		for i, id := range s.ids {
			args[i] = id
		}
		return col + ` IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(s.ids)), ", ") + `)`, args
	}
	return col + ` = ?`, []any{s.id}
}

// PairsIn loads the pairs of the set with their members, in the order
// GetPair's callers see. It does not check who asks.
func PairsIn(ctx context.Context, q store.Q, set PairSet) ([]Pair, error) {
	if ids, ok := set.each(); ok && len(ids) > 1 && memoOf(ctx, q) != nil {
		// Pair by pair through the memo, which holds them already on the
		// pages that ask about several (the start page).
		var out []Pair
		for _, id := range ids {
			ps, err := loadPairs(ctx, q, `p.id = ?`, id)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
		return out, nil
	}
	cond, args := set.Cond("p.id")
	return loadPairs(ctx, q, cond, args...)
}

// ProgramsOf loads the programs the pairs of the set belong to, by id. It
// does not check who asks.
func ProgramsOf(ctx context.Context, q store.Q, set PairSet) (map[int64]*Program, error) {
	if m := memoOf(ctx, q); m != nil && !set.active {
		out := map[int64]*Program{}
		ids, _ := set.each()
		for _, id := range ids {
			ps, err := m.onePair(ctx, q, id)
			if err != nil {
				return nil, err
			}
			if len(ps) != 1 || out[ps[0].ProgramID] != nil {
				continue
			}
			p, err := m.program(ctx, q, ps[0].ProgramID)
			if err != nil {
				return nil, err
			}
			out[p.ID] = p
		}
		return out, nil
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
