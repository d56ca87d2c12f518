package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/clock"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// runCLI runs the command line with args and stdin, returning exit code,
// standard output and standard error.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI(t, "", "version")
	if code != 0 || out != "mentorskap "+version+"\n" {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--help"}, {"help"},
		{"serve", "--help"}, {"user", "--help"}, {"user", "add", "--help"},
		{"demo", "--help"}, {"match-solve", "--help"}, {"migrate", "--help"},
	} {
		code, out, errOut := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	// serve's help lists the mail settings, but never a password flag.
	_, out, _ := runCLI(t, "", "serve", "--help")
	for _, want := range []string{"-smtp-host", "-smtp-port", "-smtp-user", "-smtp-tls", "-smtp-from", "MENTORSKAP_SMTP_PASSWORD"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --help lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "-smtp-password") {
		t.Error("serve offers the SMTP password as a flag; it would show in ps")
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	if code, _, errOut := runCLI(t, "", "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runCLI(t, ""); code != 2 {
		t.Fatalf("no command: exit %d", code)
	}
}

// openDB opens the database a command wrote, for checking.
func openDB(t *testing.T, path string) (*store.DB, *account.Service) {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, &account.Service{DB: db, Clock: clock.System{}}
}

// tempDB is the path of a migrated SQLite database of the test's own: a
// copy of one migrated once per test binary. Migrating costs about a
// second of CPU under the race detector, and what the commands do on a
// database they must first migrate is TestMigrateCommand's to check.
func tempDB(t *testing.T) string {
	t.Helper()
	return storetest.SQLiteFile(t)
}
