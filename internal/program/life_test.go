package program

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"mentorskap/internal/errs"
)

func TestStageAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	signed := now.AddDate(0, 0, -7)
	past, future := "c"+itoa(now.Add(-time.Hour).Unix()), "c"+itoa(now.Add(time.Hour).Unix())
	for _, c := range []struct {
		name string
		p    Pair
		want Stage
	}{
		{"just matched", Pair{Status: PairActive}, StageMatched},
		{"a draft", Pair{Status: PairActive, Life: Life{Versions: 2}}, StageDrafting},
		{"signed, meeting still ahead", Pair{Status: PairActive, Life: Life{Versions: 2, SignedAt: &signed, Meetings: future}}, StageSigned},
		{"signed, a proposal in the past does not count", Pair{Status: PairActive, Life: Life{Versions: 1, SignedAt: &signed, Meetings: "p" + itoa(now.Add(-time.Hour).Unix())}}, StageSigned},
		{"signed and met", Pair{Status: PairActive, Life: Life{Versions: 1, SignedAt: &signed, Meetings: past + " " + future}}, StageActive},
		{"ended by a member", Pair{Status: PairEnded, Life: Life{EndedHow: EndedByMember, SignedAt: &signed, Meetings: past}}, StageEnded},
		{"ended by a coordinator", Pair{Status: PairEnded, Life: Life{EndedHow: EndedByCoordinator}}, StageEnded},
		{"reached its planned end", Pair{Status: PairEnded, Life: Life{EndedHow: EndedAsPlanned}}, StageFinished},
	} {
		if got := c.p.StageAt(now); got != c.want {
			t.Errorf("%s: stage %s, want %s", c.name, got, c.want)
		}
	}
}

// A closed pair allows nothing but each member's own reflection; a running
// one never allows the reflection and always allows ending.
func TestClosedStagesAllowOnlyReflection(t *testing.T) {
	t.Parallel()
	actions := []Action{ActBook, ActReschedule, ActDraft, ActSign, ActFollowUp, ActNotes, ActGoals, ActMessage, ActAnswer, ActEnd, ActRematch, ActReflect}
	for _, s := range Stages {
		for _, a := range actions {
			got := s.Allows(a)
			switch {
			case s.Closed() && got != (a == ActReflect):
				t.Errorf("%s allows %s: %v", s, a, got)
			case !s.Closed() && (a == ActReflect || a == ActEnd || a == ActBook) && got != (a != ActReflect):
				t.Errorf("%s allows %s: %v", s, a, got)
			}
		}
	}
	if StageMatched.Allows(ActSign) || StageDrafting.Allows(ActFollowUp) || !StageSigned.Allows(ActFollowUp) {
		t.Error("signing needs a draft; the 30-day review needs an agreement in force")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Require names the ending when the pair has closed and what comes first
// when a running pair has not reached the step.
func TestRequire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	matched := Pair{Status: PairActive}
	ended := Pair{Status: PairEnded, Life: Life{EndedHow: EndedByMember}}
	if err := matched.Require(now, ActBook, "x.ended"); err != nil {
		t.Fatalf("booking a matched pair: %v", err)
	}
	for _, c := range []struct {
		p    Pair
		a    Action
		want string
	}{{matched, ActSign, "life.error.not_yet.sign"}, {matched, ActFollowUp, "life.error.not_yet.follow_up"}, {ended, ActBook, "x.ended"}, {ended, ActSign, "x.ended"}} {
		e, ok := errs.As(c.p.Require(now, c.a, "x.ended"))
		if !ok || e.Kind != errs.Conflict || e.Key != c.want {
			t.Errorf("%s on %s: %v, want conflict %s", c.a, c.p.StageAt(now), e, c.want)
		}
	}
}

// TestReadBooked works a pair's meeting list out at one moment: a meeting
// is held from the second it starts, a proposal is never held, and the
// next meeting may be either.
func TestReadBooked(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := now.Unix()
	list := fmt.Sprintf("c%d p%d c%d p%d c%d", at-100, at-50, at, at+1, at+200)
	b, err := ReadBooked(list, now.Add(999*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	want := Booked{Held: 2, Ahead: 2, First: at - 100, Last: at, Next: at + 1}
	if b != want {
		t.Errorf("ReadBooked = %+v, want %+v", b, want)
	}
	// A booking appends its word, so the list is in no particular order.
	shuffled := fmt.Sprintf("c%d p%d c%d c%d p%d", at+200, at+1, at, at-100, at-50)
	if b, err := ReadBooked(shuffled, now.Add(999*time.Millisecond)); err != nil || b != want {
		t.Errorf("ReadBooked out of order = %+v, %v, want %+v", b, err, want)
	}
	if b, _ := ReadBooked("", now); b != (Booked{}) {
		t.Errorf("empty list = %+v", b)
	}
	for _, bad := range []string{"x1", "c", "c12a", "c1  c2"} {
		if _, err := ReadBooked(bad, now); err == nil {
			t.Errorf("ReadBooked(%q) accepted it", bad)
		}
	}
}
