package evaluation

import (
	"context"
	"slices"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Check point kinds, in the order a pair meets them.
const (
	KindChemistry = "chemistry" // after the first meeting
	KindFollowup  = "followup"  // 30 days after the agreement is signed
	KindMidpoint  = "midpoint"  // half-way through the planned duration
	KindFinal     = "final"     // at the planned end
)

// Kinds lists every check point kind.
var Kinds = []string{KindChemistry, KindFollowup, KindMidpoint, KindFinal}

// ChemistryWindow is how long after the first meeting the chemistry check
// falls due: soon enough that an early mismatch is caught while a rematch is
// still worth it, late enough to sleep on the first impression.
const ChemistryWindow = 7 * 24 * time.Hour

// Schedule sets when a pair's check point of the given kind falls due,
// creating it or, when it exists, moving its date. Answers already given
// stay. It does not check who asks: the use case that calls it (signing an
// agreement, say) has.
//
// The row's created_at and updated_at come from the database's clock: they
// are a record of when the row was written, never compared with the
// application's clock, and the signature stays what its callers need.
func Schedule(ctx context.Context, q store.Q, pairID int64, kind string, due time.Time) error {
	if !slices.Contains(Kinds, kind) {
		return errs.E(errs.Invalid, "evaluation.error.kind")
	}
	_, err := q.Exec(ctx, `INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at)
		VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
		ON CONFLICT (pair_id, kind) DO UPDATE SET due_at = excluded.due_at, updated_at = CURRENT_TIMESTAMP`,
		pairID, kind, due.UTC())
	if store.IsForeignKey(err) {
		return errs.E(errs.NotFound, "pair.error.not_found")
	}
	return err
}

// ensure creates the check point if the pair has none of that kind yet and
// returns its id; an existing date is left alone.
func ensure(ctx context.Context, q store.Q, pairID int64, kind string, due time.Time) (int64, error) {
	if _, err := q.Exec(ctx, `INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at)
		VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) ON CONFLICT (pair_id, kind) DO NOTHING`,
		pairID, kind, due.UTC()); err != nil {
		return 0, err
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM checkpoints WHERE pair_id = ? AND kind = ?`, pairID, kind).Scan(&id)
	return id, err
}

// Due is a check point one member of a pair has not answered yet.
type Due struct {
	PairID  int64
	Kind    string
	DueAt   time.Time
	OpensAt time.Time // the first moment it can be answered
	Overdue bool
	// With names the check points merged into this one: their questions
	// are asked in the same form.
	With []string
}

// Path is where the person answers it.
func (d Due) Path() string {
	if d.Kind != KindChemistry {
		return "/pairs/" + strconv.FormatInt(d.PairID, 10) + "/evaluations/" + d.Kind
	}
	return "/pairs/" + strconv.FormatInt(d.PairID, 10) + "/" + d.Kind
}

// opensAt is when a check point due at due can first be answered: the
// chemistry check from the first meeting, the others OpenBefore their date.
func opensAt(kind string, due time.Time) time.Time {
	if kind == KindChemistry {
		return due.Add(-ChemistryWindow)
	}
	return due.Add(-OpenBefore)
}

// Checks is what one member of a pair has not answered yet, split at now.
type Checks struct {
	Waiting  []Due // open now: this is what waits for their answer
	Upcoming []Due // not open yet, each with the moment it opens
}

// DueFor lists what userID has not answered for the pair: the check
// points open now (waiting) and those scheduled but not open yet
// (upcoming), each earliest first. Once the pair's first meeting has
// taken place the chemistry check waits even before anyone has opened it
// (its row is written with the first answer, so no background job is
// needed). A check point merged into another is listed with it, never on
// its own. Only members of an active pair have anything due. It reads in
// one query and does not check who asks.
func DueFor(ctx context.Context, q store.Q, pairID, userID int64, now time.Time) (Checks, error) {
	all, err := DueIn(ctx, q, program.OnePair(pairID), now)
	return all[pairID][userID], err
}

// DueIn lists, as DueFor does, what each member of each pair of the set
// has not answered, by pair and then by person. It reads in one query
// however many pairs the set holds and does not check who asks.
func DueIn(ctx context.Context, q store.Q, set program.PairSet, now time.Time) (map[int64]map[int64]Checks, error) {
	return store.ReadAlone(ctx, q, func(r *store.Reads, out *map[int64]map[int64]Checks) { ReadDue(r, set, now, out) })
}

// ReadDue queues the read of DueIn, which fills in *out.
func ReadDue(r *store.Reads, set program.PairSet, now time.Time, out *map[int64]map[int64]Checks) {
	inC, argsC := set.Cond("c.pair_id")
	inM, argsM := set.Cond("pm.pair_id")
	// The second arm stands for a chemistry check not yet written: it
	// yields the first meeting's start, and the window is added below. It
	// starts from the members so that the first meeting is looked up once
	// per person rather than once per meeting. On SQLite a compound select
	// takes its column types from the first arm, so both arms return plain
	// timestamp columns.
	r.Add(func(rows store.Rows) error {
		var err error
		*out, err = dueOf(rows, now)
		return err
	}, `SELECT c.pair_id, pm.user_id, c.kind, c.due_at, 0, COALESCE(a.into_kind, '') FROM checkpoints c
		JOIN pairs p ON p.id = c.pair_id AND p.status = 'active'
		JOIN pair_members pm ON pm.pair_id = c.pair_id
		LEFT JOIN checkpoint_adjustments a ON a.pair_id = c.pair_id AND a.kind = c.kind AND a.outcome = 'merged'
		WHERE `+inC+`
		AND NOT EXISTS (SELECT 1 FROM checkpoint_responses r WHERE r.checkpoint_id = c.id AND r.user_id = pm.user_id)
		UNION ALL
		SELECT pm.pair_id, pm.user_id, 'chemistry', m.starts_at, 1, '' FROM pair_members pm
		JOIN pairs p ON p.id = pm.pair_id AND p.status = 'active'
		JOIN meetings m ON m.id = (SELECT f.id FROM meetings f WHERE f.pair_id = pm.pair_id AND f.status = 'confirmed' AND f.starts_at <= ?
			ORDER BY f.starts_at, f.id LIMIT 1)
		WHERE `+inM+`
		AND NOT EXISTS (SELECT 1 FROM checkpoints x WHERE x.pair_id = pm.pair_id AND x.kind = 'chemistry')`,
		slices.Concat(argsC, []any{now.UTC()}, argsM)...)
}

func dueOf(rows store.Rows, now time.Time) (map[int64]map[int64]Checks, error) {
	type key struct{ pair, user int64 }
	own := map[key][]Due{}
	merged := map[key][]Due{} // Kind is the merged one, With[0] the one it joined
	for rows.Next() {
		var k key
		var d Due
		var virtual int
		var into string
		if err := rows.Scan(&k.pair, &k.user, &d.Kind, &d.DueAt, &virtual, &into); err != nil {
			return nil, err
		}
		d.PairID = k.pair
		if virtual == 1 {
			d.DueAt = d.DueAt.Add(ChemistryWindow)
		}
		d.DueAt = d.DueAt.UTC()
		if into != "" {
			d.With = []string{into}
			merged[k] = append(merged[k], d)
			continue
		}
		own[k] = append(own[k], d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// A merged check point rides with the one it joined; if the person
	// has answered that one already, the merged questions still wait
	// there, so it is listed under the other's name.
	for k, ms := range merged {
	next:
		for _, m := range ms {
			list := own[k]
			for i := range list {
				if list[i].Kind == m.With[0] {
					list[i].With = append(list[i].With, m.Kind)
					continue next
				}
			}
			own[k] = append(list, Due{PairID: m.PairID, Kind: m.With[0], DueAt: m.DueAt, With: []string{m.Kind}})
		}
	}
	out := map[int64]map[int64]Checks{}
	for k, list := range own {
		slices.SortFunc(list, func(a, b Due) int {
			if c := a.DueAt.Compare(b.DueAt); c != 0 {
				return c
			}
			return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind)
		})
		var c Checks
		for _, d := range list {
			d.OpensAt = opensAt(d.Kind, d.DueAt)
			d.Overdue = now.After(d.DueAt)
			if now.Before(d.OpensAt) {
				c.Upcoming = append(c.Upcoming, d)
			} else {
				c.Waiting = append(c.Waiting, d)
			}
		}
		if out[k.pair] == nil {
			out[k.pair] = map[int64]Checks{}
		}
		out[k.pair][k.user] = c
	}
	return out, nil
}

// Due lists what the acting member of the pair has not answered, open now
// and still to come. Coordinators get Forbidden: check points are answered
// by the pair.
func (s *Service) Due(ctx context.Context, actor *account.User, pairID int64) (Checks, error) {
	if _, _, err := program.RequirePairMember(ctx, s.DB, actor, pairID); err != nil {
		return Checks{}, err
	}
	return DueFor(ctx, s.DB, pairID, actor.ID, s.Clock.Now())
}
