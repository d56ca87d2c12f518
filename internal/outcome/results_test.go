package outcome

import (
	"context"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// The counts per round and per answer, for the coordinator's page and for
// the report of a period; comments reach the page without names and never
// the report.
func TestResultsAndReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		s := e.scene(false)
		// Three more mentees whose pairs end the same day as the scene's.
		mentees := []*account.User{s.mentee}
		for range 3 {
			m := e.user(account.RoleMember, "en")
			e.participant(s.prog.ID, m, "mentee")
			p := e.pair(s.coord, s.prog.ID, s.mentor, m)
			e.clk.Set(s.endedAt)
			e.end(s.coord, p)
			mentees = append(mentees, m)
		}
		e.clk.Set(DueAt(s.endedAt, Round3))
		if n := e.scan(); n != 4 {
			t.Fatalf("sent %d, want 4", n)
		}
		sentAt := e.clk.Now()
		e.clk.Advance(2 * day)
		answers := []Answer{
			{Status: StatusWork, Helped: 5, Comment: "Takk for alt"},
			{Status: StatusWork, Helped: 4},
			{Status: StatusStudy, Helped: 2},
		}
		for i, a := range answers {
			if err := e.svc.Submit(ctx, mentees[i], e.surveyOf(mentees[i], Round3), a); err != nil {
				t.Fatal(err)
			}
		}

		res, err := e.svc.Results(ctx, s.coord, s.prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		r3, r6 := res.Rounds[0], res.Rounds[1]
		if r3.Round != 3 || r3.Sent != 4 || r3.Answered != 3 || r3.Rate() != 75 || r6.Sent != 0 {
			t.Fatalf("rounds %+v", res.Rounds)
		}
		if r3.Status[StatusWork] != 2 || r3.Status[StatusStudy] != 1 || r3.Helped[5] != 1 || r3.Helped[2] != 1 || r3.Helped[3] != 0 {
			t.Errorf("counts %+v", r3)
		}
		if len(res.Comments) != 1 || res.Comments[0].Text != "Takk for alt" || res.Comments[0].Round != 3 {
			t.Errorf("comments %+v", res.Comments)
		}

		tables, err := e.svc.ReportTables(ctx, s.prog.ID, sentAt.Add(-day), sentAt.Add(3*day), "en")
		if err != nil {
			t.Fatal(err)
		}
		l := e.out.Bundle.Locale("en")
		if len(tables) != 3 {
			t.Fatalf("%d tables, want response + two for the 3-month answers: %+v", len(tables), tables)
		}
		if tables[0].People || tables[0].Counts[0].N != 4 || tables[0].Counts[1].N != 3 ||
			tables[0].Counts[1].Label != l.T("outcome.report.answered", "months", 3, "percent", 75) {
			t.Errorf("response table %+v", tables[0])
		}
		if !tables[1].People || tables[1].Counts[0].Label != l.T("outcome.status.work") || tables[1].Counts[0].N != 2 {
			t.Errorf("status table %+v", tables[1])
		}
		if !tables[2].People || len(tables[2].Counts) != 5 || tables[2].Counts[4].N != 1 {
			t.Errorf("helped table %+v", tables[2])
		}
		for _, tb := range tables {
			for _, c := range tb.Counts {
				if strings.Contains(c.Label, "Takk") || strings.Contains(c.Label, "Person") {
					t.Errorf("the report holds a comment or a name: %q", c.Label)
				}
			}
		}
		// A period before anything was sent counts nothing; answers given
		// after the period's end are not counted in it.
		before, err := e.svc.ReportTables(ctx, s.prog.ID, sentAt.Add(-30*day), sentAt.Add(-day), "nb")
		if err != nil || len(before) != 1 || before[0].Counts[0].N != 0 {
			t.Errorf("earlier period: %+v, %v", before, err)
		}
		cut, err := e.svc.ReportTables(ctx, s.prog.ID, sentAt, sentAt.Add(day), "sv")
		if err != nil || len(cut) != 1 || cut[0].Counts[0].N != 4 || cut[0].Counts[1].N != 0 {
			t.Errorf("period ending before the answers: %+v, %v", cut, err)
		}
		// A program that never had it on contributes nothing.
		none, err := e.svc.ReportTables(ctx, e.program(s.coord).ID, time.Time{}, sentAt.Add(day), "id")
		if err != nil || none != nil {
			t.Errorf("program without the follow-up: %+v, %v", none, err)
		}
	})
}
