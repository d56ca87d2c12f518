package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// countingQ counts the statements sent through it, to show that a page
// reads with a fixed number of queries however long the history is.
type countingQ struct {
	store.Q
	n int
}

func (c *countingQ) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	c.n++
	return c.Q.Exec(ctx, q, args...)
}

func (c *countingQ) Query(ctx context.Context, q string, args ...any) (store.Cursor, error) {
	c.n++
	return c.Q.Query(ctx, q, args...)
}

func (c *countingQ) QueryRow(ctx context.Context, q string, args ...any) store.Row {
	c.n++
	return c.Q.QueryRow(ctx, q, args...)
}

// historyPair is a pair with years of history written straight into the
// tables: meetings once a week going back, a few ahead, some cancelled,
// agendas and notes for the held ones, action items spread over them (one
// in ten still open), goals with sub-goals, and late changes.
type historyPair struct {
	pairID           int64
	mentor, mentee   *account.User
	coordinator      *account.User
	meetings, future int
}

func seedHistory(tb testing.TB, srv *Server, meetings, actions int) *historyPair {
	tb.Helper()
	ctx := context.Background()
	now := srv.Clock.Now()
	mk := func(email, name, role string) *account.User {
		u, err := srv.Accounts.Create(ctx, account.NewUser{Email: email, Name: name, Password: "password-" + email, Role: role, Language: "nb", Timezone: "Europe/Oslo"})
		if err != nil {
			tb.Fatal(err)
		}
		return u
	}
	h := &historyPair{coordinator: mk("hcoord@example.org", "Hanne Koordinator", account.RoleCoordinator),
		mentor: mk("hmentor@example.org", "Kari Nordmann", account.RoleMember), mentee: mk("hmentee@example.org", "Ayu Lestari", account.RoleMember)}
	in := program.SettingsOf(program.Defaults(now, "nb"))
	in.Name = "Historikk"
	prog, err := srv.Programs.Create(ctx, h.coordinator, in)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range []struct {
		u    *account.User
		role string
	}{{h.mentor, "mentor"}, {h.mentee, "mentee"}} {
		if _, err := srv.DB.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, capacity, created_at, updated_at)
			VALUES (?, ?, ?, 'approved', 1, ?, ?)`, prog.ID, p.u.ID, p.role, now, now); err != nil {
			tb.Fatal(err)
		}
	}
	pair, err := srv.Programs.CreatePair(ctx, h.coordinator, prog.ID, []int64{h.mentor.ID}, []int64{h.mentee.ID})
	if err != nil {
		tb.Fatal(err)
	}
	h.pairID = pair.ID
	h.future = min(3, meetings)
	// Rows go in a hundred to a statement: one statement per row cost
	// most of the seeding's time under the race detector, for the same rows.
	err = srv.DB.Tx(ctx, func(tx *store.Tx) error {
		var ms, events, agendas, items, notes [][]any
		held := map[string]bool{} // by uid
		uids := make([]string, 0, meetings)
		starts := map[string]time.Time{}
		for i := range meetings {
			start := now.Add(time.Duration(h.future-i) * 7 * 24 * time.Hour).Add(-time.Hour)
			status, late := "confirmed", false
			if i%25 == 7 {
				status, late = "cancelled", i%50 == 7
			}
			if i == 0 {
				status = "proposed"
			}
			uid := fmt.Sprintf("hist-%d@mentorskap", i)
			uids = append(uids, uid)
			starts[uid] = start
			held[uid] = status == "confirmed" && start.Before(now)
			ms = append(ms, []any{h.pairID, uid, status, start.UTC(), h.mentee.ID, late, start, start})
		}
		if err := insertRows(ctx, tx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, place, online_url,
			proposed_by, sequence, cancel_reason, late_cancel, created_at, updated_at) VALUES `,
			`(?, ?, ?, ?, 'Europe/Oslo', 60, 'Kafé', 'https://meet.example.org/x', ?, 1, '', ?, ?, ?)`, ms); err != nil {
			return err
		}
		byUID := map[string]int64{}
		rows, err := tx.Query(ctx, `SELECT id, uid FROM meetings WHERE pair_id = ?`, h.pairID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var uid string
			if err := rows.Scan(&id, &uid); err != nil {
				rows.Close()
				return err
			}
			byUID[uid] = id
		}
		rows.Close()
		ids := make([]int64, 0, meetings)
		for i, uid := range uids {
			id, start := byUID[uid], starts[uid]
			ids = append(ids, id)
			events = append(events, []any{id, h.pairID, h.mentee.ID, start.UTC(), ms[i][5], start})
			if held[uid] {
				agendas = append(agendas, []any{id, h.mentee.ID, start})
				items = append(items, []any{id})
				notes = append(notes, []any{id, h.mentor.ID, start})
			}
		}
		for _, ins := range []struct {
			head, row string
			rows      [][]any
		}{
			{`INSERT INTO meeting_events (meeting_id, pair_id, kind, user_id, starts_at, late, created_at) VALUES `, `(?, ?, 'proposed', ?, ?, ?, ?)`, events},
			{`INSERT INTO agendas (meeting_id, version, updated_by, updated_at) VALUES `, `(?, 1, ?, ?)`, agendas},
			{`INSERT INTO agenda_items (meeting_id, position, source, title) VALUES `, `(?, 1, 'own', 'Jobbsøking')`, items},
			{`INSERT INTO meeting_notes (meeting_id, since_last, version, updated_by, updated_at) VALUES `, `(?, 'Mye', 1, ?, ?)`, notes},
		} {
			if err := insertRows(ctx, tx, ins.head, ins.row, ins.rows); err != nil {
				return err
			}
		}
		var goalID int64
		for g := range 8 {
			if err := tx.QueryRow(ctx, `INSERT INTO goals (pair_id, title, status, progress, position, created_at, updated_at)
				VALUES (?, ?, 'in_progress', ?, ?, ?, ?) RETURNING id`, h.pairID, fmt.Sprintf("Mål %d", g), g*10, g, now, now).Scan(&goalID); err != nil {
				return err
			}
			for sub := range 3 {
				if _, err := tx.Exec(ctx, `INSERT INTO goals (pair_id, parent_id, title, status, progress, position, created_at, updated_at)
					VALUES (?, ?, ?, 'open', ?, ?, ?, ?)`, h.pairID, goalID, fmt.Sprintf("Delmål %d.%d", g, sub), sub*30, sub, now, now); err != nil {
					return err
				}
			}
		}
		var actionRows [][]any
		for i := range actions {
			status, owner := "done", h.mentee.ID
			if i%10 == 0 {
				status = "open"
			}
			if i%2 == 1 {
				owner = h.mentor.ID
			}
			m := ids[h.future+i%max(1, len(ids)-h.future)]
			actionRows = append(actionRows, []any{h.pairID, m, fmt.Sprintf("Oppgave %d", i), owner,
				now.AddDate(0, 0, i%60-30).Format("2006-01-02"), goalID, status, owner, now, now})
		}
		return insertRows(ctx, tx, `INSERT INTO action_items (pair_id, meeting_id, body, owner_id, due_date, goal_id, status, created_by, created_at, updated_at) VALUES `,
			`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, actionRows)
	})
	if err != nil {
		tb.Fatal(err)
	}
	h.meetings = meetings
	return h
}

// insertRows inserts the rows with head followed by row once per row, a
// hundred rows to a statement.
func insertRows(ctx context.Context, tx *store.Tx, head, row string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), 100)
		var q strings.Builder
		var args []any
		q.WriteString(head)
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(row)
			args = append(args, r...)
		}
		if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// homeQueries counts the statements one home page read makes.
func homeQueries(tb testing.TB, srv *Server, u *account.User, pairID int64) (int, *pairHome) {
	tb.Helper()
	q := &countingQ{Q: srv.DB}
	h, err := loadPairHome(context.Background(), q, u, pairID, srv.Clock.Now(), "en")
	if err != nil {
		tb.Fatal(err)
	}
	return q.n, h
}

// TestPairHomeQueryCountIsFixed reads the home page of a new pair and of a
// pair with years of history: the number of queries must be the same and
// small, whoever looks.
func TestPairHomeQueryCountIsFixed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		small := newTestAppDB(t, db)
		s := seedHistory(t, small.srv, 5, 1)
		big := newTestAppDB(t, storetest.SQLite(t))
		if db.Dialect() == store.Postgres {
			big = newTestAppDB(t, storetest.Postgres(t))
		}
		l := seedHistory(t, big.srv, 300, 2000)
		for _, who := range []string{"mentee", "coordinator"} {
			us, ul := s.mentee, l.mentee
			if who == "coordinator" {
				us, ul = s.coordinator, l.coordinator
			}
			nSmall, _ := homeQueries(t, small.srv, us, s.pairID)
			nBig, h := homeQueries(t, big.srv, ul, l.pairID)
			if nSmall != nBig || nBig > 16 {
				t.Errorf("%s: %d queries for a new pair, %d for 300 meetings", who, nSmall, nBig)
			}
			if who == "mentee" && (len(h.Timeline) != homeTimeline || h.Past != 297 || h.Next == nil || len(h.Actions) != homeActions || h.MoreActions != 200-homeActions || len(h.Goals) != 8) {
				t.Errorf("big pair's home: %d past, next %v, %d+%d actions, %d goals", len(h.Timeline), h.Next, len(h.Actions), h.MoreActions, len(h.Goals))
			}
			t.Logf("%s: %d queries", who, nBig)
		}
	})
}

// BenchmarkPairHome renders the home page of a pair with 300 meetings and
// 2,000 action items through the whole handler chain, as the mentee, and
// reports the queries one page makes.
func BenchmarkPairHome(b *testing.B) {
	benchEach(b, func(b *testing.B, srv *Server) {
		h := seedHistory(b, srv, 300, 2000)
		n, _ := homeQueries(b, srv, h.mentee, h.pairID)
		cookie := benchLogin(b, srv, "hmentee@example.org", "password-hmentee@example.org")
		benchGet(b, srv, cookie, fmt.Sprintf("/pairs/%d", h.pairID), "Oppgave 0")
		b.ReportMetric(float64(n), "queries/op")
	})
}

// TestPairHomeListsFewLaterMeetings books more meetings ahead than the
// pair's page lists: the page shows the next one and laterShown more, says
// how many others there are, and the meetings page still lists them all.
func TestPairHomeListsFewLaterMeetings(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	h := seedHistory(t, app.srv, 5, 1) // the next meeting and two later
	ctx := context.Background()
	now := app.srv.Clock.Now()
	for i := range 4 {
		start := now.Add(time.Duration(5+i) * 7 * 24 * time.Hour).UTC()
		if _, err := app.srv.DB.Exec(ctx, `INSERT INTO meetings (pair_id, uid, status, starts_at, timezone, minutes, place, online_url,
			proposed_by, sequence, cancel_reason, late_cancel, created_at, updated_at)
			VALUES (?, ?, 'proposed', ?, 'Europe/Oslo', 60, 'Kafé', '', ?, 1, '', ?, ?, ?)`,
			h.pairID, fmt.Sprintf("later-%d@mentorskap", i), start, h.mentee.ID, false, now, now); err != nil {
			t.Fatal(err)
		}
	}
	c := app.login(h.mentee.Email)
	home := c.get(fmt.Sprintf("/pairs/%d", h.pairID))
	home.mustStatus(t, http.StatusOK)
	// Six meetings after the next: laterShown listed, two counted.
	home.mustContain(t, "2 avtalte møter til står i oversikten over alle møter.")
	later := regexp.MustCompile(`(?s)<h3>Også avtalt</h3>\s*<ul class="list">(.*?)</ul>`).FindStringSubmatch(home.Body)
	if later == nil || strings.Count(later[1], "<li>") != laterShown {
		t.Fatalf("later meetings listed: %v", later)
	}
	list := c.get(fmt.Sprintf("/pairs/%d/meetings", h.pairID))
	list.mustStatus(t, http.StatusOK)
	for i := range 4 {
		var id int64
		if err := app.srv.DB.QueryRow(ctx, `SELECT id FROM meetings WHERE uid = ?`, fmt.Sprintf("later-%d@mentorskap", i)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		list.mustContain(t, fmt.Sprintf("/pairs/%d/meetings/%d", h.pairID, id))
	}
}
