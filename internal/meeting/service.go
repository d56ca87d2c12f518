// Package meeting plans, prepares and documents a pair's meetings: proposals and bookings, agendas, notes with action items, private notes, short messages between meetings and calendar files.
package meeting

import (
	"mentorskap/internal/clock"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// Service runs the use cases of this package, one transaction each. It
// decides who may do what from the acting person.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Outbox *notify.Outbox // nil sends nothing (tests that do not look at email)
}
