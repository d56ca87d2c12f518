package store

import (
	"testing"
	"time"
)

// TestParseWritten checks the fast reader against time.Parse on the
// driver's layout, and that it declines what it does not know.
func TestParseWritten(t *testing.T) {
	const layout = "2006-01-02 15:04:05.999999999-07:00"
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	kolkata := time.FixedZone("IST", 5*3600+30*60)
	for i := range 2000 {
		at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7919 * time.Minute).Add(time.Duration(i*i) * 1237)
		for _, loc := range []*time.Location{time.UTC, oslo, kolkata, time.FixedZone("W", -3*3600)} {
			s := at.In(loc).Format(layout)
			got, ok := parseWritten(s)
			if !ok || !got.Equal(at) || got.Location() != time.UTC {
				t.Fatalf("parseWritten(%q) = %v, %v; want %v", s, got, ok, at)
			}
		}
	}
	for _, s := range []string{"", "2026-03-02", "2026-03-02 09:00:00", "2026-03-02T09:00:00Z", "2026-03-02 09:00:00.+00:00",
		"2026-13-02 09:00:00+00:00", "2026-03-02 09:00:00.1234567890+00:00", "2026-03-02 09:00:00+0000", "2026-03-02 09:0a:00+00:00"} {
		if _, ok := parseWritten(s); ok {
			t.Errorf("parseWritten(%q) accepted it", s)
		}
	}
}
