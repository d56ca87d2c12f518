// Package health judges how a mentoring pair is doing from facts about it
// and the program's rules. It reads no database and no clock, so the rules
// are easy to test at their exact boundaries and cheap to run for every
// pair of a large program at once.
package health

import (
	"slices"
	"time"
)

// Severity orders signals: a pair's health is its most severe signal.
type Severity int

const (
	OK Severity = iota
	Info
	Warning
	Critical
)

var severityNames = [...]string{"ok", "info", "warning", "critical"}

// String is the severity's stable name, used in URLs, the API and CSS.
func (s Severity) String() string { return severityNames[s] }

// ParseSeverity reads a name String gives; ok is false for anything else.
func ParseSeverity(name string) (Severity, bool) {
	i := slices.Index(severityNames[:], name)
	return Severity(max(i, 0)), i >= 0
}

// Signal codes.
const (
	Unsigned      = "unsigned"        // agreement not signed N days after the pair was made
	NoNextMeeting = "no_next_meeting" // nothing booked ahead
	GapTooLong    = "gap"             // longer between meetings than the program allows
	BehindPace    = "pace"            // fewer meetings than the minimum calls for by now
	EvalOverdue   = "evaluation"      // a check point past its date, not answered by everyone
	ChemistryNo   = "chemistry_no"    // someone answered "no" to the chemistry check
	EndedEarly    = "ended_early"     // ended before its planned end
)

// Codes lists every signal code, for filters.
var Codes = []string{Unsigned, NoNextMeeting, GapTooLong, BehindPace, EvalOverdue, ChemistryNo, EndedEarly}

// DefaultUnsignedDays is how long a new pair may take to sign its agreement
// before it is flagged: two weeks leaves time for the preparation and a
// first meeting, where most pairs write their agreement.
const DefaultUnsignedDays = 14

// evalGraceDays is how long past its date a check point stays a warning
// before it becomes critical.
const evalGraceDays = 14

const day = 24 * time.Hour

// Rules are the program's rules the signals test against.
type Rules struct {
	Start, End   time.Time // the program's planned dates
	MinMeetings  int       // 0: no minimum
	MaxGapDays   int       // 0: no limit
	UnsignedDays int       // 0: DefaultUnsignedDays
}

// Facts are what is known about one pair.
type Facts struct {
	Created      time.Time
	Ended        *time.Time // nil while the pair is active
	EndedOnPlan  bool       // ended by reaching its planned end
	Signed       *time.Time // when both sides first signed one version; nil if never
	MeetingsHeld int        // confirmed meetings that have started
	LastMeeting  *time.Time // start of the latest held meeting
	NextMeeting  *time.Time // start of the earliest meeting ahead, proposed or confirmed
	EvalDue      *time.Time // the earliest check point due and not answered by all
	ChemistryNo  bool
}

// Signal is one reason to look at a pair. Key and Args make the translated
// reason; Args are name/value pairs for the catalog's placeholders.
type Signal struct {
	Code     string
	Severity Severity
	Key      string
	Args     []any
}

// Report is a pair's health: its signals, most severe first, and the worst
// severity among them.
type Report struct {
	Severity Severity
	Signals  []Signal
}

// Has reports whether the report holds a signal with the code.
func (r Report) Has(code string) bool {
	for _, s := range r.Signals {
		if s.Code == code {
			return true
		}
	}
	return false
}

// Check judges one pair at now.
func Check(f Facts, r Rules, now time.Time) Report {
	var rep Report
	add := func(code string, sev Severity, args ...any) {
		rep.Signals = append(rep.Signals, Signal{Code: code, Severity: sev, Key: "health.signal." + code, Args: args})
		rep.Severity = max(rep.Severity, sev)
	}
	if f.Ended != nil {
		// An ended pair has nothing left to fix; only how it ended matters.
		if !f.EndedOnPlan && f.Ended.Before(r.End) {
			add(EndedEarly, Info, "days", wholeDays(r.End.Sub(*f.Ended)))
		}
		return rep
	}
	if f.ChemistryNo {
		add(ChemistryNo, Critical)
	}
	unsignedDays := r.UnsignedDays
	if unsignedDays <= 0 {
		unsignedDays = DefaultUnsignedDays
	}
	if f.Signed == nil {
		age := wholeDays(now.Sub(f.Created))
		switch {
		case age > 2*unsignedDays:
			add(Unsigned, Critical, "days", age)
		case age > unsignedDays:
			add(Unsigned, Warning, "days", age)
		}
	}
	if f.EvalDue != nil && now.After(*f.EvalDue) {
		late := wholeDays(now.Sub(*f.EvalDue))
		sev := Warning
		if late > evalGraceDays {
			sev = Critical
		}
		add(EvalOverdue, sev, "days", late)
	}
	// Meetings are only expected while the program runs.
	running := !now.Before(r.Start) && now.Before(r.End)
	start := f.Created
	if start.Before(r.Start) {
		start = r.Start
	}
	if running && r.MaxGapDays > 0 {
		since := start
		if f.LastMeeting != nil {
			since = *f.LastMeeting
		}
		until := now
		if f.NextMeeting != nil {
			until = *f.NextMeeting
		}
		gap := wholeDays(until.Sub(since))
		switch {
		case gap > 2*r.MaxGapDays:
			add(GapTooLong, Critical, "days", gap, "max", r.MaxGapDays)
		case gap > r.MaxGapDays:
			add(GapTooLong, Warning, "days", gap, "max", r.MaxGapDays)
		}
	}
	if running && r.MinMeetings > 0 && r.End.After(start) {
		// Pro rata over the pair's own span, so a pair made late in the
		// program is not held to meetings it could not have had.
		elapsed := now.Sub(start)
		if elapsed < 0 {
			elapsed = 0
		}
		expected := int(int64(r.MinMeetings) * int64(elapsed) / int64(r.End.Sub(start)))
		switch behind := expected - f.MeetingsHeld; {
		case behind >= 2:
			add(BehindPace, Critical, "held", f.MeetingsHeld, "expected", expected)
		case behind >= 1:
			add(BehindPace, Warning, "held", f.MeetingsHeld, "expected", expected)
		}
	}
	if running && f.NextMeeting == nil {
		add(NoNextMeeting, Info)
	}
	slices.SortStableFunc(rep.Signals, func(a, b Signal) int { return int(b.Severity - a.Severity) })
	return rep
}

func wholeDays(d time.Duration) int { return int(d / day) }
