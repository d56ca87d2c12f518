package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/dashboard"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

func (s *API) apiAnalyticsTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/analytics", Handler: s.apiAnalytics},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/export/pairs.csv", Handler: s.apiExportPairs},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}/export/meetings.csv", Handler: s.apiExportMeetings},
	}
}

type apiAnalyticsMonth struct {
	Month     string `json:"month"`
	Held      int    `json:"held"`
	Cancelled int    `json:"cancelled"`
}

type apiAnalyticsCompletion struct {
	Kind     string `json:"kind"`
	Expected int    `json:"expected"`
	Answered int    `json:"answered"`
}

type apiAnalyticsBucket struct {
	FromDays int  `json:"from_days"`
	ToDays   *int `json:"to_days"` // null for the open last bucket
	Pairs    int  `json:"pairs"`
}

type apiAnalyticsQuestion struct {
	ID      int64    `json:"id"`
	Type    string   `json:"type"`
	Prompt  string   `json:"prompt"`
	Count   int      `json:"count"`
	Average *float64 `json:"average"` // scale questions only
	Counts  []int    `json:"counts"`
}

type apiAnalyticsEvaluation struct {
	Kind      string                 `json:"kind"`
	Responses int                    `json:"responses"`
	Questions []apiAnalyticsQuestion `json:"questions"`
}

type apiAnalyticsResult struct {
	Pairs           int                      `json:"pairs"`
	MeetingsByMonth []apiAnalyticsMonth      `json:"meetings_by_month"`
	PairsByState    map[string]int           `json:"pairs_by_state"`
	Goals           map[string]int           `json:"goals"`
	Chemistry       map[string]int           `json:"chemistry"`
	Checkpoints     []apiAnalyticsCompletion `json:"checkpoints"`
	FirstMeeting    struct {
		MedianDays float64              `json:"median_days"`
		Met        int                  `json:"met"`
		NotYet     int                  `json:"not_yet"`
		Buckets    []apiAnalyticsBucket `json:"buckets"`
	} `json:"first_meeting"`
	Evaluations []apiAnalyticsEvaluation `json:"evaluations"`
}

// toAPIAnalytics writes the figures; lang picks the questions' wording.
func toAPIAnalytics(a *dashboard.Analytics, lang string) apiAnalyticsResult {
	out := apiAnalyticsResult{Pairs: a.Pairs, MeetingsByMonth: []apiAnalyticsMonth{}, PairsByState: map[string]int{},
		Goals:       map[string]int{"reached": a.Goals.Reached, "open": a.Goals.Open, "dropped": a.Goals.Dropped},
		Chemistry:   map[string]int{"yes": a.Chemistry.Yes, "unsure": a.Chemistry.Unsure, "no": a.Chemistry.No},
		Checkpoints: []apiAnalyticsCompletion{}, Evaluations: []apiAnalyticsEvaluation{}}
	for _, k := range a.Evaluation.Kinds {
		ev := apiAnalyticsEvaluation{Kind: k.Kind, Responses: k.Responses, Questions: []apiAnalyticsQuestion{}}
		for _, q := range k.Questions {
			aq := apiAnalyticsQuestion{ID: q.ID, Type: q.Type, Prompt: q.In(lang).Prompt, Count: q.Count, Counts: nonNil(q.Counts)}
			if q.Type == evaluation.TypeScale {
				aq.Average = &q.Average
			}
			ev.Questions = append(ev.Questions, aq)
		}
		out.Evaluations = append(out.Evaluations, ev)
	}
	for _, m := range a.Months {
		out.MeetingsByMonth = append(out.MeetingsByMonth, apiAnalyticsMonth(m))
	}
	for _, s := range a.PairStates {
		out.PairsByState[s.State] = s.Count
	}
	for _, c := range a.Checkpoints {
		out.Checkpoints = append(out.Checkpoints, apiAnalyticsCompletion(c))
	}
	fm := &out.FirstMeeting
	fm.MedianDays, fm.Met, fm.NotYet = a.FirstMeeting.MedianDays, a.FirstMeeting.Met, a.FirstMeeting.NotYet
	from := 0
	for i, n := range a.FirstMeeting.Buckets {
		b := apiAnalyticsBucket{FromDays: from, Pairs: n}
		if i < len(dashboard.FirstMeetingBuckets) {
			to := dashboard.FirstMeetingBuckets[i]
			b.ToDays = &to
			from = to + 1
		}
		fm.Buckets = append(fm.Buckets, b)
	}
	return out
}

func (s *API) apiAnalytics(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, a, err := dashboard.Load(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toAPIAnalytics(a, s.locale(r).Lang()))
}

func (s *API) apiExportPairs(w http.ResponseWriter, r *http.Request) {
	sendExport(s, w, r, "pairs", dashboard.ExportPairs, dashboard.WritePairsCSV)
}

func (s *API) apiExportMeetings(w http.ResponseWriter, r *http.Request) {
	sendExport(s, w, r, "meetings", dashboard.ExportMeetings, dashboard.WriteMeetingsCSV)
}

// sendExport answers with the export named name of the program in the
// path, as the pages' export but with columns and values left as codes:
// export reads its rows (and records that it did), write writes them. It
// is built in memory first so that a failure half-way answers with an
// error and not with a cut-off file.
func sendExport[Row any](s *API, w http.ResponseWriter, r *http.Request, name string,
	export func(context.Context, *store.DB, *account.User, int64, time.Time) (*program.Program, []Row, error),
	write func(io.Writer, []Row, dashboard.Labels) error) {
	id, err := httpx.ProgramPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, rows, err := export(r.Context(), s.DB, httpx.User(r), id, s.Clock.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, rows, dashboard.Codes); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="program-`+strconv.FormatInt(id, 10)+"-"+name+`.csv"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
