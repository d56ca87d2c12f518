// Package factstest compares a pair's stored pair_facts row with the same
// facts worked out from the source tables, for the tests of every package
// that writes what the facts follow.
package factstest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/store"
)

// Facts is one pair_facts row, or the same columns worked out from the
// source tables.
type Facts struct {
	Meetings               string
	Versions, Signatures   int
	Signed, OpenDue        store.AnyTime
	Chemistry, ChemistryNo bool
}

func (f Facts) String() string {
	ts := func(a store.AnyTime) string {
		if a.T == nil {
			return "-"
		}
		return a.T.Format(time.RFC3339)
	}
	return fmt.Sprintf("meetings=%q versions=%d signatures=%d signed=%s due=%s chem=%v no=%v",
		f.Meetings, f.Versions, f.Signatures, ts(f.Signed), ts(f.OpenDue), f.Chemistry, f.ChemistryNo)
}

func Stored(t *testing.T, q store.Q, pair int64) Facts {
	t.Helper()
	var f Facts
	err := q.QueryRow(context.Background(), `SELECT meetings,
		versions, latest_signatures, signed_at, open_due, has_chemistry, chemistry_no
		FROM pair_facts WHERE pair_id = ?`, pair).Scan(&f.Meetings,
		&f.Versions, &f.Signatures, &f.Signed, &f.OpenDue, &f.Chemistry, &f.ChemistryNo)
	if err != nil {
		t.Fatalf("pair_facts of pair %d: %v", pair, err)
	}
	f.Meetings = inOrder(f.Meetings)
	return f
}

// inOrder sorts a meeting list's words by start, then confirmed before
// proposed: a booking appends its word to the stored list, so only the
// words, not their order, are to agree.
func inOrder(list string) string {
	words := strings.Fields(list)
	slices.SortFunc(words, func(a, b string) int {
		at, _ := strconv.ParseInt(a[1:], 10, 64)
		bt, _ := strconv.ParseInt(b[1:], 10, 64)
		return cmp.Or(cmp.Compare(at, bt), cmp.Compare(a[0], b[0]))
	})
	return strings.Join(words, " ")
}

// Recomputed works the facts out from the source tables, the way the
// dashboard read them before pair_facts existed, and writes the meeting
// list in Go.
func Recomputed(t *testing.T, q store.Q, pair int64) Facts {
	t.Helper()
	var f Facts
	rows, err := q.Query(context.Background(), `SELECT status, starts_at FROM meetings
		WHERE pair_id = ? AND status IN ('confirmed', 'proposed') ORDER BY starts_at, status`, pair)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for rows.Next() {
		var status string
		var at time.Time
		if err := rows.Scan(&status, &at); err != nil {
			t.Fatal(err)
		}
		words = append(words, fmt.Sprintf("%c%d", status[0], at.Unix()))
	}
	rows.Close()
	f.Meetings = inOrder(strings.Join(words, " "))
	var chem, no int
	err = q.QueryRow(context.Background(), `SELECT
		(SELECT COUNT(*) FROM agreement_versions v WHERE v.pair_id = p.id),
		(SELECT COUNT(*) FROM agreement_signatures s WHERE s.version_id =
			(SELECT v.id FROM agreement_versions v WHERE v.pair_id = p.id ORDER BY v.number DESC LIMIT 1)),
		(SELECT MIN(CASE WHEN a.signed_at > b.signed_at THEN a.signed_at ELSE b.signed_at END)
			FROM agreement_versions v
			JOIN agreement_signatures a ON a.version_id = v.id AND a.side = 'mentor'
			JOIN agreement_signatures b ON b.version_id = v.id AND b.side = 'mentee'
			WHERE v.pair_id = p.id),
		(SELECT MIN(c.due_at) FROM checkpoints c WHERE c.pair_id = p.id
			AND (SELECT COUNT(*) FROM checkpoint_responses r WHERE r.checkpoint_id = c.id)
				< (SELECT COUNT(*) FROM pair_members pm WHERE pm.pair_id = p.id)),
		CASE WHEN EXISTS (SELECT 1 FROM checkpoints c WHERE c.pair_id = p.id AND c.kind = 'chemistry') THEN 1 ELSE 0 END,
		CASE WHEN EXISTS (SELECT 1 FROM checkpoints c JOIN chemistry_answers a ON a.checkpoint_id = c.id
			WHERE c.pair_id = p.id AND c.kind = 'chemistry' AND a.answer = 'no') THEN 1 ELSE 0 END
		FROM pairs p WHERE p.id = ?`, pair).Scan(&f.Versions, &f.Signatures, &f.Signed, &f.OpenDue, &chem, &no)
	if err != nil {
		t.Fatal(err)
	}
	f.Chemistry, f.ChemistryNo = chem == 1, no == 1
	return f
}
