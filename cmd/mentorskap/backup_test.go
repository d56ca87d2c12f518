package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mentorskap/internal/store"
)

func TestBackupAndRestoreCommands(t *testing.T) {
	t.Parallel()
	dbPath := tempDB(t)
	if code, _, errOut := runCLI(t, "a long enough secret\n", "user", "add", "--db", dbPath,
		"--email", "ada@example.org", "--name", "Ada", "--role", "admin", "--password-stdin"); code != 0 {
		t.Fatal(errOut)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	code, stdout, errOut := runCLI(t, "", "backup", "--db", dbPath, "--out", out)
	if code != 0 || !strings.Contains(stdout, "schema version") {
		t.Fatalf("backup: %d %q %q", code, stdout, errOut)
	}
	if code, _, errOut := runCLI(t, "", "backup", "--db", dbPath, "--out", out); code != 1 || !strings.Contains(errOut, "--force") {
		t.Fatalf("backup over an existing file: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "backup", "--db", dbPath, "--out", out, "--force"); code != 0 {
		t.Fatalf("backup --force: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "backup", "--db", filepath.Join(t.TempDir(), "typo.db"), "--out", out+"2"); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Fatalf("backup of a missing database: %d %q", code, errOut)
	}
	if _, err := os.Stat(out + "2"); err == nil {
		t.Fatal("a backup of a missing database was written")
	}
	if code, _, errOut := runCLI(t, "", "backup", "--db", "postgres://db.example.org/m", "--out", out); code != 2 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("backup of postgres: %d %q", code, errOut)
	}

	// A second administrator after the backup disappears with the restore.
	if code, _, errOut := runCLI(t, "another long secret\n", "user", "add", "--db", dbPath,
		"--email", "bo@example.org", "--name", "Bo", "--role", "admin", "--password-stdin"); code != 0 {
		t.Fatal(errOut)
	}
	code, stdout, errOut = runCLI(t, "", "restore", out, "--db", dbPath)
	if code != 0 || !strings.Contains(stdout, "kept as "+dbPath+".bak-") {
		t.Fatalf("restore: %d %q %q", code, stdout, errOut)
	}
	emails := func(path string) string {
		db, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.Query(context.Background(), `SELECT email FROM users ORDER BY email`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var all []string
		for rows.Next() {
			var e string
			rows.Scan(&e)
			all = append(all, e)
		}
		return strings.Join(all, ",")
	}
	if got := emails(dbPath); got != "ada@example.org" {
		t.Errorf("after restore: %s", got)
	}
	baks, _ := filepath.Glob(dbPath + ".bak-*")
	if len(baks) != 1 || emails(baks[0]) != "ada@example.org,bo@example.org" {
		t.Errorf("previous database not kept: %v", baks)
	}
	if code, _, errOut := runCLI(t, "", "restore", "--db", dbPath); code != 2 || !strings.Contains(errOut, "Usage") {
		t.Errorf("restore without a file: %d %q", code, errOut)
	}
}

// restore refuses while serve has the database open, and serve keeps
// answering.
func TestRestoreRefusedWhileServing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var dbPath string
	_, done, logs := startServe(t, ctx, func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		for i := range args {
			if args[i] == "--db" {
				dbPath = args[i+1]
			}
		}
		return serve(ctx, args, stdout, stderr)
	})
	out := filepath.Join(t.TempDir(), "live.db")
	if code, _, errOut := runCLI(t, "", "backup", "--db", dbPath, "--out", out); code != 0 {
		t.Fatalf("online backup: %q", errOut)
	}
	code, _, errOut := runCLI(t, "", "restore", out, "--db", dbPath)
	if code != 1 || !strings.Contains(errOut, "stop mentorskap serve first") {
		t.Fatalf("restore while serving: %d %q", code, errOut)
	}
	cancel()
	waitExit(t, done, logs)
	if code, _, errOut := runCLI(t, "", "restore", out, "--db", dbPath); code != 0 {
		t.Fatalf("restore after stopping: %q", errOut)
	}
}
