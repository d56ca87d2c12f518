// Package evaluation asks each side of a pair its check-point questions — the chemistry check after the first meeting, the 30-day follow-up, the mid-point and the final evaluation — and keeps each side's answers private.
package evaluation

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
