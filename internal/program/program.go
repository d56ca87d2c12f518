// Package program holds programs (cohorts) and their rules, coordinators,
// participants with their profiles, enrolment (invitations, join links) and
// pairs.
package program

import (
	"mentorskap/internal/clock"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// Service is the program use cases.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Outbox *notify.Outbox
}
