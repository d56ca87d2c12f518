package privacy

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"regexp"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// copiesIn counts, per table, the rows whose text holds needle: a grep of
// the database through SQL, which works on both engines.
func copiesIn(t *testing.T, db *store.DB, needle string) map[string]int {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	found := map[string]int{}
	for _, table := range tables {
		rows, err := db.Query(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			for _, v := range vals {
				if bytes.Contains(bytes.ToLower(v), []byte(needle)) {
					found[table]++
					break
				}
			}
		}
		rows.Close()
	}
	return found
}

// Deleting an account leaves no copy of the person's email address: not in
// any table (invitations, the outbox, failed logins, other people's
// emails about them), and on SQLite not in the bytes of the database file
// or its write-ahead log either, where deleted rows used to linger.
func TestDeletedAccountLeavesNoCopyOfTheEmail(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newPrivEnv(t, db)
		const email = "zq-erase-7f3a@example.org"
		ps := &program.Service{DB: db, Clock: e.clk, Outbox: e.out}
		// Invited, then joining through the link: an invitation row, the
		// invitation email, and the coordinators' "wants to join" email
		// that quotes the address.
		if _, err := ps.Invite(e.ctx, e.coord, e.prog.ID, program.NewInvitation{Email: email, Name: "Zed", Role: "mentee"}); err != nil {
			t.Fatal(err)
		}
		var body string
		if err := db.QueryRow(e.ctx, `SELECT body FROM outbox WHERE to_email = ?`, email).Scan(&body); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no invitation link in %q", body)
		}
		acc, err := ps.AcceptInvitation(e.ctx, nil, m[1], program.Acceptance{Role: "mentee",
			Account: account.NewUser{Email: email, Name: "Zed Zetterberg", Password: "password-zed-zed", Language: "en"}})
		if err != nil {
			t.Fatal(err)
		}
		zed := acc.User
		// A mistyped password and a reset request.
		e.accounts.Login(e.ctx, email, "wrong", "192.0.2.9")
		if err := e.accounts.RequestReset(e.ctx, email, "192.0.2.9", "en"); err != nil {
			t.Fatal(err)
		}
		if n := len(copiesIn(t, db, email)); n < 4 {
			t.Fatalf("the scene holds the address in only %d tables", n)
		}
		others := e.count(`SELECT COUNT(*) FROM outbox WHERE to_email <> ? AND body NOT LIKE ?`, email, "%"+email+"%")

		if err := DeleteAccount(e.ctx, db, e.out, e.clk.Now(), zed, "password-zed-zed"); err != nil {
			t.Fatal(err)
		}
		if found := copiesIn(t, db, email); len(found) > 0 {
			t.Errorf("copies left in tables: %v", found)
		}
		// Emails about the person went with them; everyone else's stay.
		if e.mailsTo(e.coord, "wants to join") != 0 {
			t.Error("the coordinator's email quoting the address is kept")
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox`); n != others {
			t.Errorf("%d emails left, want the %d not about the person", n, others)
		}
		if db.Dialect() != store.SQLite {
			return
		}
		var file string
		if err := db.QueryRow(e.ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
			t.Fatal(err)
		}
		grep := func(when string) {
			t.Helper()
			for _, f := range []string{file, file + "-wal"} {
				b, err := os.ReadFile(f)
				if os.IsNotExist(err) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if n := bytes.Count(bytes.ToLower(b), []byte(email)); n > 0 {
					t.Errorf("%s: %d copies of the address in %s", when, n, f[strings.LastIndex(f, "/")+1:])
				}
			}
		}
		grep("open")
		db.Close()
		grep("closed")
	})
}
