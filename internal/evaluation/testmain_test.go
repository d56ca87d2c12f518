package evaluation

import (
	"os"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/store/storetest"
	"mentorskap/internal/testtool"
)

// Real password cost is for real passwords: see UseCheapHashesForTests.
func TestMain(m *testing.M) {
	testtool.RaiseParallel(4)
	account.UseCheapHashesForTests()
	os.Exit(storetest.Run(m))
}
