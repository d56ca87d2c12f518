package main

import (
	"os"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/store/storetest"
)

// Real password cost is for real passwords: see UseCheapHashesForTests.
// asBinaryEnv makes the test binary run as the mentorskap command itself,
// for tests that need a process to signal or kill.
const asBinaryEnv = "MENTORSKAP_TEST_AS_BINARY"

func TestMain(m *testing.M) {
	account.UseCheapHashesForTests()
	if os.Getenv(asBinaryEnv) == "1" {
		os.Unsetenv(asBinaryEnv)
		main()
	}
	// The commands read MENTORSKAP_* settings from the environment; a
	// developer's own (say an SMTP host) must not reach the tests. Cleared
	// once here rather than by t.Setenv in each test, which would keep the
	// tests from running in parallel. What the tests themselves are told
	// (a database to test on, CI strictness, tool paths) stays.
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "MENTORSKAP_") && !keepEnv[name] {
			os.Unsetenv(name)
		}
	}
	os.Exit(storetest.Run(m))
}

// keepEnv are the settings meant for the tests, not for the commands.
var keepEnv = map[string]bool{"MENTORSKAP_TEST_POSTGRES": true, "MENTORSKAP_CI": true,
	"MENTORSKAP_CHROMIUM": true, "MENTORSKAP_AXE": true}
