package privacy

import (
	"io"
	"testing"

	"mentorskap/internal/store/storetest"
)

// BenchmarkWriteZIP measures one person's download: a pair with a signed
// agreement (one PDF), 500 messages and 40 meetings with shared and
// private notes.
func BenchmarkWriteZIP(b *testing.B) {
	db := storetest.SQLite(b)
	e := newPrivEnv(b, db)
	e.content()
	e.sign()
	now := e.clk.Now()
	for i := 0; i < 500; i++ {
		e.exec(`INSERT INTO messages (pair_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)`,
			e.pair.ID, e.mentor.ID, "A message of ordinary length between two meetings, asking how the week went.", now)
	}
	for i := 0; i < 40; i++ {
		m := e.addMeeting(e.pair.ID)
		e.exec(`INSERT INTO meeting_notes (meeting_id, today, version, updated_at) VALUES (?, ?, 1, ?)`, m, "Shared notes of the meeting", now)
		e.exec(`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at) VALUES (?, ?, ?, 1, ?)`,
			m, e.mentee.ID, "Private thoughts after the meeting", now)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := WriteZIP(e.ctx, db, io.Discard, e.mentee, e.l, now); err != nil {
			b.Fatal(err)
		}
	}
}
