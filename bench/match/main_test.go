package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"mentorskap/internal/testtool"
)

// A small cohort through the whole harness: scoring, solving, the
// certificate check.
func TestHarness(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-mentees", "300", "-mentors", "150", "-verify"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"300 matched", "dual certificate holds", "peak RSS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if code := run([]string{"-mentees", "0"}, &out, &errOut); code != 2 {
		t.Errorf("bad arguments: exit %d", code)
	}
}

// The SciPy comparison on a cohort small enough for CI (.ci/run installs
// Debian's python3-scipy), on the identical score matrix.
func TestSameOptimumAsSciPy(t *testing.T) {
	if out, err := exec.Command("/usr/bin/python3", "-c", "import scipy").CombinedOutput(); err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		testtool.Missing(t, "SciPy", testtool.SciPy, fmt.Sprintf("/usr/bin/python3 -c 'import scipy': %v: %s", err, lines[len(lines)-1]))
	}
	for _, size := range [][]string{{"400", "200", "2"}, {"250", "100", "3"}} {
		var out, errOut bytes.Buffer
		args := []string{"-mentees", size[0], "-mentors", size[1], "-cap", size[2], "-scipy", "-seed", "3"}
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s%s", size, code, out.String(), errOut.String())
		}
		if !strings.Contains(out.String(), "same optimum") {
			t.Fatalf("%v: output:\n%s", size, out.String())
		}
	}
}
