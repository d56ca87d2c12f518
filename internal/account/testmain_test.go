package account

import (
	"os"
	"testing"
)

// Real password cost is for real passwords: see UseCheapHashesForTests.
func TestMain(m *testing.M) {
	UseCheapHashesForTests()
	os.Exit(m.Run())
}
