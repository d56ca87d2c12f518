// Package testtool is the one way tests reach for an optional tool on the
// machine (a browser, axe-core, pdftotext, SciPy, a PostgreSQL server). A
// fresh clone passes `go test ./...` whatever is installed: a test whose tool
// is missing skips and says what to install. CI sets MENTORSKAP_CI=1 and
// installs everything (.ci/run), so there a missing tool fails the test
// instead of quietly shrinking the suite.
package testtool

import (
	"flag"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"
)

// EnvCI names the variable that turns a missing tool into a failure.
const EnvCI = "MENTORSKAP_CI"

// CI reports whether missing tools are failures (MENTORSKAP_CI set to
// anything but "" or "0").
func CI() bool {
	v := os.Getenv(EnvCI)
	return v != "" && v != "0"
}

// Missing ends the test because tool is not available: a skip naming how to
// install it, or under MENTORSKAP_CI a failure. why is what went wrong
// looking for it (a path, an error), shown in both cases.
func Missing(t testing.TB, tool, install, why string) {
	t.Helper()
	if CI() {
		t.Fatalf("%s is required when %s=1 (install: %s): %s", tool, EnvCI, install, why)
	}
	t.Skipf("skipped: %s not available (install: %s): %s", tool, install, why)
}

// Command returns the path of the executable name found on PATH, or ends
// the test through Missing.
func Command(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, install, err.Error())
	}
	return path
}

// File returns path when it exists (say a browser or a script installed
// outside PATH), or ends the test through Missing.
func File(t testing.TB, tool, path, install string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, tool, install, err.Error())
	}
	return path
}

// How to get each optional tool, for the skip messages (the README's test
// section has the same table).
const (
	Poppler  = "apt-get install poppler-utils"
	SciPy    = "apt-get install python3-scipy"
	Chromium = "apt-get install chromium, or set MENTORSKAP_CHROMIUM"
	Axe      = "npm ci --prefix e2e, or set MENTORSKAP_AXE"
	Postgres = "set MENTORSKAP_TEST_POSTGRES to a PostgreSQL URL"
)

// RaiseParallel sets go test's -parallel, unless the command line gives
// it, to perCore tests per core. Tests that mostly wait (for PostgreSQL to
// clone a database or answer, for a browser to lay out a page) left the
// cores idle at the default of one per core: internal/web spent 150 s on
// two cores, most of it waiting. Call it from TestMain before m.Run.
func RaiseParallel(perCore int) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", strconv.Itoa(perCore*runtime.GOMAXPROCS(0)))
	}
}
