package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"mentorskap/internal/account"
)

func TestUserAddWithPasswordFromStdin(t *testing.T) {
	t.Parallel()
	path := tempDB(t)
	code, out, errOut := runCLI(t, "a long enough secret\n", "user", "add", "--db", path,
		"--email", "Kari@Example.org", "--name", "Kari Nordmann", "--role", "coordinator", "--lang", "nb", "--password-stdin")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "created coordinator kari@example.org") || strings.Contains(out, "password:") {
		t.Fatalf("stdout %q", out)
	}
	_, accounts := openDB(t, path)
	u, _, err := accounts.Login(context.Background(), "kari@example.org", "a long enough secret", "127.0.0.1")
	if err != nil {
		t.Fatalf("login with the chosen password: %v", err)
	}
	if u.Role != account.RoleCoordinator || u.Name != "Kari Nordmann" || u.Language != "nb" {
		t.Fatalf("created %+v", u)
	}
}

var printedPassword = regexp.MustCompile(`(?m)^password: (\S+)$`)

func TestUserAddPrintsGeneratedPassword(t *testing.T) {
	t.Parallel()
	path := tempDB(t)
	code, out, errOut := runCLI(t, "", "user", "add", "--db", path, "--email", "ada@example.org", "--name", "Ada", "--role", "admin")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := printedPassword.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no password printed: %q", out)
	}
	_, accounts := openDB(t, path)
	u, _, err := accounts.Login(context.Background(), "ada@example.org", m[1], "127.0.0.1")
	if err != nil || u.Role != account.RoleAdmin {
		t.Fatalf("login with the printed password: %+v, %v", u, err)
	}
}

func TestUserAddRejectsBadInput(t *testing.T) {
	t.Parallel()
	path := tempDB(t)
	code, out, errOut := runCLI(t, "a long enough secret\n", "user", "add", "--db", path,
		"--email", "not-an-email", "--name", "Nobody", "--role", "coordinator", "--password-stdin")
	if code == 0 || !strings.Contains(errOut, "email: Enter a valid email address") || strings.Contains(out, "created") {
		t.Fatalf("bad email: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "user", "add", "--db", path, "--email", "m@example.org", "--name", "M", "--role", "member")
	if code == 0 || !strings.Contains(errOut, "--role must be admin or coordinator") {
		t.Fatalf("member role: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "short\n", "user", "add", "--db", path, "--email", "s@example.org", "--name", "S", "--password-stdin")
	if code == 0 || !strings.Contains(errOut, "password: Use at least 10 characters") {
		t.Fatalf("short password: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(path); err == nil {
		db, _ := openDB(t, path)
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM users`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d users created by bad input", n)
		}
	}
}
