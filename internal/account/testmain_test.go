package account

import (
	"os"
	"testing"

	"mentorskap/internal/store/storetest"
	"mentorskap/internal/testtool"
)

// Real password cost is for real passwords: see UseCheapHashesForTests.
func TestMain(m *testing.M) {
	testtool.RaiseParallel(4)
	UseCheapHashesForTests()
	os.Exit(storetest.Run(m))
}
