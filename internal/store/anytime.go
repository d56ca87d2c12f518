package store

import (
	"fmt"
	"strings"
	"time"
)

// AnyTime scans a time that SQLite hands over as text: the result of an
// aggregate has no declared column type, so the driver cannot tell it is a
// time. PostgreSQL hands over a time.Time.
type AnyTime struct{ T *time.Time }

// layouts are the text forms the SQLite driver writes times in.
var layouts = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", time.RFC3339Nano}

func (a *AnyTime) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		a.T = nil
		return nil
	case time.Time:
		t := v.UTC()
		a.T = &t
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("store: cannot scan %T as a time", src)
	}
	if t, ok := parseWritten(s); ok {
		a.T = &t
		return nil
	}
	// The driver's own form may carry a monotonic clock suffix.
	if i := strings.Index(s, " m="); i >= 0 {
		s = s[:i]
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			t = t.UTC()
			a.T = &t
			return nil
		}
	}
	return fmt.Errorf("store: cannot read time %q", s)
}

// parseWritten reads the layout the SQLite driver writes,
// "2006-01-02 15:04:05.999999999-07:00", without time.Parse: a dashboard
// reads tens of thousands of times per view and this is several times
// faster. Anything else is left to the general layouts.
func parseWritten(s string) (time.Time, bool) {
	if len(s) < 25 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for _, c := range []byte(s[from:to]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	rest, nsec := s[19:], 0
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		digits := rest[1:i]
		if len(digits) == 0 || len(digits) > 9 {
			return time.Time{}, false
		}
		nsec, _ = num(20, 19+i)
		for range 9 - len(digits) {
			nsec *= 10
		}
		rest = rest[i:]
	}
	if len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return time.Time{}, false
	}
	zh, ok7 := num(len(s)-5, len(s)-3)
	zm, ok8 := num(len(s)-2, len(s))
	if !ok7 || !ok8 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	offset := time.Duration(zh)*time.Hour + time.Duration(zm)*time.Minute
	if rest[0] == '-' {
		offset = -offset
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC).Add(-offset)
	return t, true
}
