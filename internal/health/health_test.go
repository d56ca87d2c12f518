package health

import (
	"testing"
	"time"
)

var (
	start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rules = Rules{Start: start, End: start.AddDate(0, 0, 100), MinMeetings: 4, MaxGapDays: 30}
)

func at(days int) time.Time      { return start.AddDate(0, 0, days) }
func ptr(t time.Time) *time.Time { return &t }

// healthy is a pair made at the start that signed at once and met just
// now, so no rule but the one under test fires.
func healthy(now time.Time) Facts {
	return Facts{Created: start, Signed: ptr(start), MeetingsHeld: 4, LastMeeting: ptr(now), NextMeeting: ptr(now.Add(day))}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
		f    func(now time.Time) Facts
		r    Rules
		want map[string]Severity // code → severity; absent codes must not fire
	}{
		{"healthy", at(50), healthy, rules, nil},
		{"unsigned on day 14 is fine", at(14), func(n time.Time) Facts { f := healthy(n); f.Signed = nil; return f }, rules, nil},
		{"unsigned on day 15 warns", at(15), func(n time.Time) Facts { f := healthy(n); f.Signed = nil; return f }, rules,
			map[string]Severity{Unsigned: Warning}},
		{"unsigned on day 28 still warns", at(28), func(n time.Time) Facts { f := healthy(n); f.Signed = nil; return f }, rules,
			map[string]Severity{Unsigned: Warning}},
		{"unsigned on day 29 is critical", at(29), func(n time.Time) Facts { f := healthy(n); f.Signed = nil; return f }, rules,
			map[string]Severity{Unsigned: Critical}},
		{"program's own unsigned days", at(8), func(n time.Time) Facts { f := healthy(n); f.Signed = nil; return f },
			Rules{Start: rules.Start, End: rules.End, UnsignedDays: 7}, map[string]Severity{Unsigned: Warning}},
		{"nothing booked", at(50), func(n time.Time) Facts { f := healthy(n); f.NextMeeting = nil; return f }, rules,
			map[string]Severity{NoNextMeeting: Info}},
		{"gap of exactly the limit", at(50), func(n time.Time) Facts {
			f := healthy(n)
			f.LastMeeting, f.NextMeeting = ptr(n.AddDate(0, 0, -30)), nil
			return f
		}, rules, map[string]Severity{NoNextMeeting: Info}},
		{"gap one day over", at(50), func(n time.Time) Facts {
			f := healthy(n)
			f.LastMeeting, f.NextMeeting = ptr(n.AddDate(0, 0, -31)), nil
			return f
		}, rules, map[string]Severity{NoNextMeeting: Info, GapTooLong: Warning}},
		{"booked meeting too far ahead", at(50), func(n time.Time) Facts {
			f := healthy(n)
			f.NextMeeting = ptr(n.AddDate(0, 0, 31))
			return f
		}, rules, map[string]Severity{GapTooLong: Warning}},
		{"gap over twice the limit", at(70), func(n time.Time) Facts {
			f := healthy(n)
			f.LastMeeting, f.NextMeeting = ptr(n.AddDate(0, 0, -61)), ptr(n.Add(day))
			return f
		}, rules, map[string]Severity{GapTooLong: Critical}},
		{"no meeting yet counts from the start", at(31), func(n time.Time) Facts {
			f := healthy(n)
			f.LastMeeting, f.MeetingsHeld = nil, 1
			return f
		}, rules, map[string]Severity{GapTooLong: Warning}},
		{"pace: one due on day 25, none held", at(25), func(n time.Time) Facts {
			f := healthy(n)
			f.MeetingsHeld = 0
			return f
		}, rules, map[string]Severity{BehindPace: Warning}},
		{"pace: day 24 expects none yet", at(24), func(n time.Time) Facts {
			f := healthy(n)
			f.MeetingsHeld = 0
			return f
		}, rules, nil},
		{"pace: two behind is critical", at(50), func(n time.Time) Facts {
			f := healthy(n)
			f.MeetingsHeld = 0
			return f
		}, rules, map[string]Severity{BehindPace: Critical}},
		{"pace is pro rata from a late pair's start", at(60), func(n time.Time) Facts {
			f := healthy(n)
			f.Created, f.Signed, f.MeetingsHeld = at(50), ptr(at(50)), 0
			return f
		}, rules, nil},
		{"evaluation due now is not overdue", at(50), func(n time.Time) Facts { f := healthy(n); f.EvalDue = ptr(n); return f }, rules, nil},
		{"evaluation past due", at(50), func(n time.Time) Facts { f := healthy(n); f.EvalDue = ptr(n.Add(-time.Second)); return f }, rules,
			map[string]Severity{EvalOverdue: Warning}},
		{"evaluation 15 days late", at(50), func(n time.Time) Facts { f := healthy(n); f.EvalDue = ptr(n.AddDate(0, 0, -15)); return f }, rules,
			map[string]Severity{EvalOverdue: Critical}},
		{"chemistry no", at(50), func(n time.Time) Facts { f := healthy(n); f.ChemistryNo = true; return f }, rules,
			map[string]Severity{ChemistryNo: Critical}},
		{"ended early", at(50), func(n time.Time) Facts {
			return Facts{Created: start, Ended: ptr(at(40))}
		}, rules, map[string]Severity{EndedEarly: Info}},
		{"ended on plan", at(120), func(n time.Time) Facts {
			return Facts{Created: start, Ended: ptr(at(100)), EndedOnPlan: true}
		}, rules, nil},
		{"ended at the planned end by hand", at(120), func(n time.Time) Facts {
			return Facts{Created: start, Ended: ptr(at(100))}
		}, rules, nil},
		{"after the program no meetings are expected", at(130), func(n time.Time) Facts {
			return Facts{Created: start, Signed: ptr(start), LastMeeting: ptr(at(10)), MeetingsHeld: 1}
		}, rules, nil},
		{"before the program starts", at(-10), func(n time.Time) Facts {
			return Facts{Created: at(-12), Signed: ptr(at(-11))}
		}, rules, nil},
		{"no rules set", at(50), func(n time.Time) Facts {
			return Facts{Created: start, Signed: ptr(start), NextMeeting: ptr(n.Add(day))}
		}, Rules{Start: rules.Start, End: rules.End}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Check(tt.f(tt.now), tt.r, tt.now)
			got := map[string]Severity{}
			worst := OK
			for _, s := range rep.Signals {
				got[s.Code] = s.Severity
				worst = max(worst, s.Severity)
				if s.Key != "health.signal."+s.Code {
					t.Errorf("key %q for %s", s.Key, s.Code)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("signals %v, want %v", got, tt.want)
			}
			for c, sev := range tt.want {
				if g, ok := got[c]; !ok || g != sev {
					t.Errorf("%s: got %v (present %v), want %v; all %v", c, g, ok, sev, got)
				}
			}
			if rep.Severity != worst {
				t.Errorf("severity %v, want %v", rep.Severity, worst)
			}
			for i := 1; i < len(rep.Signals); i++ {
				if rep.Signals[i].Severity > rep.Signals[i-1].Severity {
					t.Errorf("signals not most severe first: %v", rep.Signals)
				}
			}
		})
	}
}

func TestCheckArgs(t *testing.T) {
	now := at(50)
	f := healthy(now)
	f.LastMeeting, f.NextMeeting = ptr(now.AddDate(0, 0, -40)), nil
	rep := Check(f, rules, now)
	for _, s := range rep.Signals {
		if s.Code == GapTooLong {
			if len(s.Args) != 4 || s.Args[1] != 40 || s.Args[3] != 30 {
				t.Fatalf("gap args %v", s.Args)
			}
			return
		}
	}
	t.Fatal("no gap signal")
}

func TestParseSeverity(t *testing.T) {
	for _, s := range []Severity{OK, Info, Warning, Critical} {
		if got, ok := ParseSeverity(s.String()); !ok || got != s {
			t.Errorf("%v: %v %v", s, got, ok)
		}
	}
	if _, ok := ParseSeverity("bad"); ok {
		t.Error("accepted bad")
	}
}

func BenchmarkHealth10k(b *testing.B) {
	now := at(50)
	facts := make([]Facts, 10000)
	for i := range facts {
		f := Facts{Created: at(-(i % 30)), MeetingsHeld: i % 5}
		if i%3 != 0 {
			f.Signed = ptr(at(i % 20))
		}
		if i%4 != 0 {
			f.LastMeeting = ptr(now.AddDate(0, 0, -(i % 45)))
		}
		if i%2 == 0 {
			f.NextMeeting = ptr(now.AddDate(0, 0, i%40))
		}
		if i%7 == 0 {
			f.EvalDue = ptr(now.AddDate(0, 0, -(i % 20)))
		}
		f.ChemistryNo = i%50 == 0
		facts[i] = f
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range facts {
			Check(f, rules, now)
		}
	}
}
