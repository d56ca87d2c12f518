package question

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"mentorskap/internal/i18n"
	"mentorskap/internal/report"
	"mentorskap/internal/store"
)

// maxValues is how many distinct numbers a number question's table lists
// one by one; more are grouped into bands of equal width.
const (
	maxValues = 10
	bands     = 5
)

// Reports contributes the "for reporting" questions to the funder report.
type Reports struct {
	DB   store.Q
	I18n *i18n.Bundle
}

var _ report.Source = (&Reports{}).ReportTables

// ReportTables gives one table per live question marked for reporting:
// how many of the people in the program during [from, to) (joined before
// to, not declined) gave each answer — per option, per number or band of
// numbers, per year for dates, answered or not for text. Counts only,
// never names; the report hides small groups.
func (r *Reports) ReportTables(ctx context.Context, programID int64, from, to time.Time, lang string) ([]report.Table, error) {
	qs, err := List(ctx, r.DB, programID)
	if err != nil {
		return nil, err
	}
	var reporting []Question
	for _, q := range qs {
		if q.Reporting {
			reporting = append(reporting, q)
		}
	}
	if len(reporting) == 0 {
		return nil, nil
	}
	rows, err := r.DB.Query(ctx, `SELECT p.id, p.role FROM participants p
		WHERE p.program_id = ? AND p.created_at < ? AND p.status <> 'declined'`, programID, to.UTC())
	if err != nil {
		return nil, err
	}
	role := map[int64]string{}
	for rows.Next() {
		var id int64
		var ro string
		if err := rows.Scan(&id, &ro); err != nil {
			rows.Close()
			return nil, err
		}
		role[id] = ro
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	all, err := Answers(ctx, r.DB, programID)
	if err != nil {
		return nil, err
	}
	l := r.I18n.Locale(lang)
	var out []report.Table
	for _, q := range reporting {
		var vals []string
		asked := 0
		for pid, ro := range role {
			if !q.AskedOf(ro) {
				continue
			}
			asked++
			if v := all[pid][q.ID]; v != "" {
				vals = append(vals, v)
			}
		}
		t := report.Table{Title: q.Text(lang), People: true,
			Note: l.N("question.report.note", asked)}
		t.Counts = counts(q, vals, l)
		if unanswered := asked - len(vals); unanswered > 0 || len(t.Counts) == 0 {
			t.Counts = append(t.Counts, report.Count{Label: l.T("question.report.no_answer"), N: unanswered})
		}
		out = append(out, t)
	}
	return out, nil
}

func counts(q Question, vals []string, l *i18n.Locale) []report.Count {
	var out []report.Count
	switch q.Kind {
	case KindOne, KindMany:
		n := map[int64]int{}
		for _, v := range vals {
			for _, id := range q.Chosen(v) {
				n[id]++
			}
		}
		for _, o := range q.Options {
			out = append(out, report.Count{Label: q.OptionText(o, l.Lang()), N: n[o.ID]})
		}
	case KindNumber:
		var nums []float64
		for _, v := range vals {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				nums = append(nums, f)
			}
		}
		slices.Sort(nums)
		distinct := slices.Compact(slices.Clone(nums))
		if len(distinct) <= maxValues {
			for _, d := range distinct {
				k := 0
				for _, f := range nums {
					if f == d {
						k++
					}
				}
				out = append(out, report.Count{Label: number(l, d), N: k})
			}
			return out
		}
		lo, hi := nums[0], nums[len(nums)-1]
		width := (hi - lo) / bands
		for b := range bands {
			a, z := lo+float64(b)*width, lo+float64(b+1)*width
			k := 0
			for _, f := range nums {
				if (f >= a && f < z) || (b == bands-1 && f == hi) {
					k++
				}
			}
			out = append(out, report.Count{Label: number(l, a) + "–" + number(l, z), N: k})
		}
	case KindDate:
		n := map[int]int{}
		var years []int
		for _, v := range vals {
			if d, err := time.Parse(time.DateOnly, v); err == nil {
				if n[d.Year()] == 0 {
					years = append(years, d.Year())
				}
				n[d.Year()]++
			}
		}
		slices.Sort(years)
		for _, y := range years {
			out = append(out, report.Count{Label: strconv.Itoa(y), N: n[y]})
		}
	default:
		if len(vals) > 0 {
			out = append(out, report.Count{Label: l.T("question.report.answered"), N: len(vals)})
		}
	}
	return out
}

// number writes a number the reader's way, with at most two decimals.
func number(l *i18n.Locale, f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 10000 {
		return strconv.Itoa(int(f)) // years and ages read best ungrouped
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return l.Int(int(f))
	}
	s := l.Decimal(f, 2)
	if s == "" {
		return fmt.Sprint(f)
	}
	return s
}
