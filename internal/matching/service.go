// Package matching scores candidate mentor–mentee pairs from their profiles, explains each score, and turns a cohort into a proposal the coordinator reviews and publishes; mentees may also pick from their own suggestions.
package matching

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
