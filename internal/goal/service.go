// Package goal holds a pair's SMART goals and sub-goals, their progress and history.
package goal

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
