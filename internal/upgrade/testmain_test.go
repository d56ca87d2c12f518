package upgrade

import (
	"os"
	"testing"

	"mentorskap/internal/store/storetest"
)

// The package's PostgreSQL test databases are pooled: see storetest.Run.
func TestMain(m *testing.M) { os.Exit(storetest.Run(m)) }
