// Package agreement is the pair's mentoring agreement: preparation answers, the shared draft, its versions, the signatures that bind to one exact version, and the no-fault ending of a pair.
package agreement

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
