package testtool

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The child process: a test needing a tool no machine has.
func TestNeedsMissingTool(t *testing.T) {
	if os.Getenv("TESTTOOL_CHILD") == "" {
		t.Skip("run by TestMissingSkipsOrFails")
	}
	Command(t, "mentorskap-no-such-tool", "apt-get install no-such-tool")
	t.Log("reached past the missing tool")
}

// Without MENTORSKAP_CI a missing tool skips and says how to install it;
// with MENTORSKAP_CI=1 it fails the test.
func TestMissingSkipsOrFails(t *testing.T) {
	for _, ci := range []string{"", "0", "1"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNeedsMissingTool$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTTOOL_CHILD=1", EnvCI+"="+ci)
		out, err := cmd.CombinedOutput()
		text := string(out)
		if strings.Contains(text, "reached past") {
			t.Errorf("%s=%q: the test went on without its tool:\n%s", EnvCI, ci, text)
		}
		if !strings.Contains(text, "apt-get install no-such-tool") {
			t.Errorf("%s=%q: no install hint:\n%s", EnvCI, ci, text)
		}
		strict := ci == "1"
		if failed := err != nil && strings.Contains(text, "--- FAIL"); failed != strict {
			t.Errorf("%s=%q: failed=%v, want %v:\n%s", EnvCI, ci, failed, strict, text)
		}
		if !strict && !strings.Contains(text, "--- SKIP: TestNeedsMissingTool") {
			t.Errorf("%s=%q: not skipped:\n%s", EnvCI, ci, text)
		}
	}
}
