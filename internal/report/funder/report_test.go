package funder

import (
	"bytes"
	"context"
	"encoding/csv"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mentorskap/internal/clock"
	"mentorskap/internal/demo"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/report"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
	"mentorskap/internal/testtool"
)

var demoNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// seedDemo fills db with the demo program as of demoNow.
func seedDemo(t *testing.T, db *store.DB) *program.Program {
	t.Helper()
	res, err := demo.Seed(context.Background(), db, clock.NewFixed(demoNow))
	if err != nil {
		t.Fatal(err)
	}
	return res.Program
}

func locale(t *testing.T, lang string) *i18n.Locale {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return b.Locale(lang)
}

// TestDemoFigures counts the demo program as the README tells its story:
// nine mentors and ten mentees, one of each still waiting for approval,
// nine pairs, two ended early by their mentees and one finished.
func TestDemoFigures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog := seedDemo(t, db)
		whole := Period{From: demoNow.AddDate(-1, 0, 0), To: demoNow.AddDate(0, 0, 1)}
		f, err := LoadFigures(ctx, db, prog, whole, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		want := Figures{Enrolled: Sides{9, 10}, Approved: Sides{8, 9}, Matched: Sides{8, 9},
			ActivePairs: 9, EndedEarly: 2, Finished: 1, MinMeetings: 4, MeetingsHeld: 25, Goals: 16, GoalsReached: 3}
		if f.Enrolled != want.Enrolled || f.Approved != want.Approved || f.Matched != want.Matched ||
			f.ActivePairs != want.ActivePairs || f.EndedEarly != want.EndedEarly || f.Finished != want.Finished ||
			f.MinMeetings != want.MinMeetings || f.MeetingsHeld != want.MeetingsHeld || f.Goals != want.Goals || f.GoalsReached != want.GoalsReached {
			t.Errorf("figures\n got %+v\nwant %+v", *f, want)
		}
		if f.EndedBy[EndedByMentee] != 2 || f.EndedBy[EndedByMentor] != 0 || f.EndedBy[EndedByCoordinator] != 0 {
			t.Errorf("ended by %v", f.EndedBy)
		}
		// Kristian–Ahmad (five), the association pair (four), the pair that
		// finished and the one that ended early reached the minimum; the
		// pair that ended after a month met once.
		if f.PairsBy[MetMinimum] != 4 || f.PairsBy[MetBelow] != 4 || f.PairsBy[MetNone] != 1 {
			t.Errorf("pairs by meetings %v", f.PairsBy)
		}
		if c := f.Checkpoints[1]; c.Kind != "followup" || c.Expected != 11 || c.Answered != 10 {
			t.Errorf("follow-up completion %+v", c)
		}
		if f.GoalReviews["reached"] != 4 || f.GoalReviews["partly"] != 2 {
			t.Errorf("goal reviews %v", f.GoalReviews)
		}
		// The last three days: the pair matched two days ago, nobody ended.
		recent := Period{From: demoNow.AddDate(0, 0, -3), To: demoNow.AddDate(0, 0, 1)}
		f, err = LoadFigures(ctx, db, prog, recent, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		if f.Matched != (Sides{1, 1}) || f.ActivePairs != 6 || f.EndedEarly != 0 || f.Finished != 0 || f.MeetingsHeld != 0 {
			t.Errorf("last three days %+v", *f)
		}
	})
}

func TestDays(t *testing.T) {
	t.Parallel()
	prog := &program.Program{Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}
	p, err := Days(prog, "", "", demoNow)
	if err != nil || !p.From.Equal(prog.Start) || !p.To.Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("default period %v %v", p, err)
	}
	p, err = Days(prog, "2026-02-01", "2026-02-28", demoNow)
	if err != nil || p.To.Format(time.DateOnly) != "2026-03-01" {
		t.Errorf("February %v %v", p, err)
	}
	for _, bad := range [][2]string{{"2026-13-01", ""}, {"", "yesterday"}, {"2026-03-01", "2026-02-01"}} {
		if _, err := Days(prog, bad[0], bad[1], demoNow); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestReportFiles builds the demo's report with a contributed table whose
// label is a formula, and reads the CSV, the XLSX and the PDF back.
func TestReportFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		prog := seedDemo(t, db)
		var asked []string
		source := func(_ context.Context, programID int64, from, to time.Time, lang string) ([]report.Table, error) {
			asked = append(asked, lang)
			if programID != prog.ID || !to.After(from) {
				t.Errorf("source asked for %d %v–%v", programID, from, to)
			}
			return []report.Table{{Title: "Age band", People: true, Counts: []report.Count{
				{Label: "=HYPERLINK(\"x\")", N: 3}, {Label: "30–49", N: 9}, {Label: "50+", N: 6}, {Label: "All", N: 18, Total: true}}}}, nil
		}
		p, err := Days(prog, "", "", demoNow)
		if err != nil {
			t.Fatal(err)
		}
		l := locale(t, "nb")
		r, err := Build(ctx, db, prog, l, p, demoNow, []report.Source{source})
		if err != nil {
			t.Fatal(err)
		}
		if len(asked) != 1 || asked[0] != "nb" {
			t.Errorf("sources asked in %v", asked)
		}
		ids := map[string]Section{}
		for _, s := range r.Sections {
			ids[s.ID] = s
		}
		// One pair ended early, by its mentee: the only line above zero,
		// so the whole table is hidden (the pairs table says one ended).
		end := ids["endings"].Cells
		if !end[0].Hidden || !end[1].Hidden || !end[2].Hidden || !end[3].Hidden {
			t.Errorf("endings %+v", end)
		}
		// The contributed table: 3 hidden, and 6 (the next smallest) too.
		age := ids["source-1-1"].Cells
		if !age[0].Hidden || age[1].Hidden || !age[2].Hidden || age[3].Hidden || age[3].N != 18 {
			t.Errorf("age bands %+v", age)
		}

		var buf bytes.Buffer
		if err := WriteCSV(&buf, r, l); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		csvValue := map[string]string{}
		for _, rec := range recs {
			csvValue[rec[1]] = rec[2]
		}
		if csvValue["Mentorer påmeldt"] != "9" || csvValue["Avsluttet av adepten"] != "færre enn 5" || csvValue["50+"] != "færre enn 5" {
			t.Errorf("CSV %v", csvValue)
		}
		if _, ok := csvValue[`'=HYPERLINK("x")`]; !ok {
			t.Error("CSV leaves a formula live")
		}

		buf.Reset()
		if err := WriteXLSX(&buf, r, l); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("Rapport")
		if err != nil {
			t.Fatal(err)
		}
		xlsxValue := map[string]string{}
		for _, row := range rows {
			if len(row) == 2 {
				xlsxValue[row[0]] = row[1]
			}
		}
		if xlsxValue["Mentorer påmeldt"] != "9" || xlsxValue["Adepter satt i par"] != "9" || xlsxValue["Par i gang"] != "9" ||
			xlsxValue["Avsluttet av adepten"] != "færre enn 5" || xlsxValue["30–49"] != "9" {
			t.Errorf("XLSX %v", xlsxValue)
		}
		// Counts are numbers, not text, so a spreadsheet can sum them.
		for ri, row := range rows {
			if len(row) == 2 && row[0] == "Mentorer påmeldt" {
				cell, _ := excelize.CoordinatesToCellName(2, ri+1)
				if typ, _ := x.GetCellType("Rapport", cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
					t.Errorf("count stored as text (%v)", typ)
				}
			}
		}

		buf.Reset()
		if err := WritePDF(&buf, r, l); err != nil {
			t.Fatal(err)
		}
		text := pdfToText(t, buf.Bytes())
		for _, want := range []string{"Rapport til finansiører", prog.Name, "Mentorer påmeldt 9", "Avsluttet av adepten færre enn 5", "Side 1 av"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q:\n%s", want, text)
			}
		}
		for _, name := range []string{"Putu", "Johan", "Sofie"} {
			if strings.Contains(text, name) {
				t.Errorf("PDF names %s", name)
			}
		}
	})
}

// pdfToText reads a PDF's text back with poppler's pdftotext, whitespace
// collapsed so that wrapped lines read as one.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := testtool.Command(t, "pdftotext", testtool.Poppler)
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
