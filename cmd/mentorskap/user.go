package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"mentorskap/internal/account"
)

func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, "Usage: mentorskap user add --email E --name N --role admin|coordinator [--password-stdin]")
			return 0
		}
		fmt.Fprintln(stderr, "Usage: mentorskap user add --email E --name N --role admin|coordinator [--password-stdin]")
		return 2
	}
	fs := newFlags("user add", "user add --email E --name N --role admin|coordinator [--password-stdin]", stdout, stderr)
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "full name (required)")
	role := fs.String("role", "coordinator", "admin or coordinator")
	lang := fs.String("lang", "", "language: en, nb, sv or id (default: follow the browser)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input; otherwise a strong one is generated and printed")
	dsn := fs.String("db", envOr("MENTORSKAP_DB", "mentorskap.db"), "SQLite file, or a postgres:// URL (env MENTORSKAP_DB)")
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	if *role != account.RoleAdmin && *role != account.RoleCoordinator {
		fmt.Fprintln(stderr, "mentorskap: --role must be admin or coordinator")
		return 2
	}
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			fmt.Fprintln(stderr, "mentorskap: read password:", err)
			return 1
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = account.GeneratePassword(), true
	}
	ctx := context.Background()
	a, err := openApp(ctx, *dsn, "", "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", err)
		return 1
	}
	defer a.db.Close()
	u, err := a.accounts.Create(ctx, account.NewUser{Email: *email, Name: *name, Password: password, Role: *role, Language: *lang})
	if err != nil {
		fmt.Fprintln(stderr, "mentorskap:", describe(a, err))
		return 1
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return 0
}
