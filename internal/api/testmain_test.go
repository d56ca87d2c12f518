package api

import (
	"os"
	"testing"

	"mentorskap/internal/account"
)

// Real password cost is for real passwords: see UseCheapHashesForTests.
func TestMain(m *testing.M) {
	account.UseCheapHashesForTests()
	os.Exit(m.Run())
}
