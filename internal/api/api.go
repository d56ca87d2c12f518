package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/brand"
	"mentorskap/internal/clock"
	"mentorskap/internal/errs"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/httpx"
	"mentorskap/internal/i18n"
	"mentorskap/internal/matching"
	"mentorskap/internal/meeting"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/report"
	"mentorskap/internal/store"
)

// API is the JSON API under /api/v1. It holds the services its handlers
// call, passed in by the server's wiring; nothing is global.
type API struct {
	DB         *store.DB
	Log        *slog.Logger
	Clock      clock.Clock
	Bundle     *i18n.Bundle
	Accounts   *account.Service
	Programs   *program.Service
	Matching   *matching.Service
	Agreements *agreement.Service
	Meetings   *meeting.Service
	Goals      *goal.Service
	Evals      *evaluation.Service
	Outbox     *notify.Outbox
	BaseURL    string

	// Brand is the brand cache the pages read; the API clears it when it
	// saves a new brand.
	Brand *brand.Cache
	// ReportSources are the sections other features add to the funder
	// report, the same as the pages'.
	ReportSources []report.Source
}

func (s *API) responder() httpx.Responder { return httpx.Responder{Log: s.Log, Bundle: s.Bundle} }

// fail answers with a problem document for err.
func (s *API) fail(w http.ResponseWriter, r *http.Request, err error) { s.responder().Fail(w, r, err) }

// problem writes a problem document with the given status and detail.
func (s *API) problem(w http.ResponseWriter, r *http.Request, code int, detail string, err error) {
	s.responder().Problem(w, r, code, detail, err)
}

// locale is the caller's language, chosen by the web middleware.
func (s *API) locale(r *http.Request) *i18n.Locale { return httpx.Locale(r, s.Bundle) }

// today is the date in the caller's time zone that due dates are compared
// with, the same as on the pages (see meeting.Today).
func (s *API) today(r *http.Request) string {
	tz := "UTC"
	if u := httpx.User(r); u != nil {
		tz = u.Timezone
	}
	return meeting.Today(s.Clock.Now(), tz)
}

// withProgramLanguage makes a program's default language the caller's,
// unless the caller chose one (their setting, Accept-Language), as the
// pages do.
func (s *API) withProgramLanguage(r *http.Request, lang string) *http.Request {
	if httpx.ChooseLang(r, httpx.User(r)) != "" || !i18n.Supported(lang) {
		return r
	}
	return httpx.WithLocale(r, s.Bundle.Locale(lang))
}

// siteLink makes an absolute link to a page of the site.
func (s *API) siteLink(path string) string { return strings.TrimRight(s.BaseURL, "/") + path }

func (s *API) requireUser(h http.HandlerFunc) http.HandlerFunc  { return s.responder().RequireUser(h) }
func (s *API) requireAdmin(h http.HandlerFunc) http.HandlerFunc { return s.responder().RequireAdmin(h) }

// Table is every route of the API, area by area.
func (s *API) Table() []httpx.Route {
	return slices.Concat(s.apiCoreTable(), s.apiMatchingSettingsTable(), s.apiMatchingTable(), s.apiSelfMatchTable(),
		s.apiAgreementTable(), s.apiEndingTable(), s.apiMeetingTable(), s.apiNotesTable(),
		s.apiGoalTable(), s.apiMessageTable(), s.apiEvaluationTable(), s.apiCheckpointTable(),
		s.apiDashboardTable(), s.apiAnalyticsTable(), s.apiReportTable(), s.apiReminderTable(), s.apiAuditTable(),
		s.apiPrivacyTable(), s.apiSecurityTable(), s.apiBrandTable(), s.apiPeopleTable(), s.apiWebhookTable(),
		s.apiSSOTable(), s.apiPhotoTable(), s.apiOutcomeTable(), s.apiEventTable(), s.apiAnnounceTable(), s.apiResourceTable(), s.apiQuestionTable(),
		s.apiCohortTable())
}

// apiCoreTable lists the foundation's endpoints; each later area keeps its
// own table in its own api_<area>.go file.
func (s *API) apiCoreTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/openapi.json", Handler: s.apiOpenAPI, Public: true},

		{Method: "POST", Pattern: "/api/v1/tokens", Handler: s.apiCreateToken, Public: true},
		{Method: "GET", Pattern: "/api/v1/tokens", Handler: s.apiListTokens},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{tokenID}", Handler: s.apiRevokeToken},

		{Method: "GET", Pattern: "/api/v1/me", Handler: s.apiMe},
		{Method: "PATCH", Pattern: "/api/v1/me", Handler: s.apiUpdateMe},

		{Method: "GET", Pattern: "/api/v1/programs", Handler: s.apiListPrograms},
		{Method: "POST", Pattern: "/api/v1/programs", Handler: s.apiCreateProgram},
		{Method: "GET", Pattern: "/api/v1/programs/{programID}", Handler: s.apiGetProgram},
		{Method: "PATCH", Pattern: "/api/v1/programs/{programID}", Handler: s.apiUpdateProgram},

		{Method: "GET", Pattern: "/api/v1/programs/{programID}/participants", Handler: s.apiListParticipants},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/participants/{userID}/approve", Handler: s.apiApproveParticipant},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/participants/{userID}/decline", Handler: s.apiDeclineParticipant},

		{Method: "GET", Pattern: "/api/v1/programs/{programID}/invitations", Handler: s.apiListInvitations},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/invitations", Handler: s.apiCreateInvitation},
		{Method: "DELETE", Pattern: "/api/v1/programs/{programID}/invitations/{invitationID}", Handler: s.apiRevokeInvitation},

		{Method: "GET", Pattern: "/api/v1/programs/{programID}/pairs", Handler: s.apiListPairs},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/pairs", Handler: s.apiCreatePair},
		{Method: "POST", Pattern: "/api/v1/programs/{programID}/pairs/{pairID}/end", Handler: s.apiEndPair},
	}
}

// apiMethods are the methods a 405 answer may list in Allow. HEAD is left
// out: ServeMux answers it wherever GET is registered.
var apiMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// Register adds the API's routes to mux, beside the pages.
func (s *API) Register(mux *http.ServeMux) {
	// known holds the same patterns with empty handlers, so the fallback
	// can ask which methods a path would accept.
	known := http.NewServeMux()
	for _, rt := range s.Table() {
		h := rt.Handler
		if strings.Contains(rt.Pattern, "{programID}") {
			h = programAsID(h)
		}
		if !rt.Public {
			if rt.Method == http.MethodPost {
				h = s.idempotent(h)
			}
			h = s.requireUser(h)
		}
		mux.HandleFunc(rt.Method+" "+rt.Pattern, httpx.NoStore(h))
		known.HandleFunc(rt.Method+" "+rt.Pattern, func(http.ResponseWriter, *http.Request) {})
	}
	// Without this the site-wide "/" fallback would answer a wrong method
	// with 404, and ServeMux's own 405 is plain text, not a problem document.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range apiMethods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := known.Handler(probe); pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			s.fail(w, r, errs.E(errs.NotFound, "api.error.no_endpoint"))
			return
		}
		for _, m := range allow {
			w.Header().Add("Allow", m)
		}
		l := s.locale(r)
		s.problem(w, r, http.StatusMethodNotAllowed, l.T("api.error.method_not_allowed", "method", r.Method), nil)
	})
}

// programAsID lets handlers shared with the pages, which call the
// program's id {id}, read it under that name too.
func programAsID(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.SetPathValue("id", r.PathValue("programID"))
		h(w, r)
	}
}

// coordinatorInput authorizes the caller as a coordinator of the program in
// the path before it decodes the JSON body into v (skipped when v is nil),
// so that a stranger gets 404 and learns nothing from validation messages.
// It answers the error itself and returns ok=false when the handler should
// stop.
func (s *API) coordinatorInput(w http.ResponseWriter, r *http.Request, v any) (*program.Program, bool) {
	id, err := httpx.ProgramPathID(r)
	if err == nil {
		var p *program.Program
		if p, err = s.Programs.RequireCoordinator(r.Context(), httpx.User(r), id); err == nil {
			if v == nil {
				return p, true
			}
			if err = httpx.ReadJSON(r, v); err == nil {
				return p, true
			}
		}
	}
	s.fail(w, r, err)
	return nil, false
}

// memberInput authorizes the caller as a member of the pair in the path
// ("pairID") before it decodes the JSON body into v (skipped when v is nil),
// so that a stranger gets 404 and learns nothing from validation messages:
// a pair's documents are its members' alone. It answers the error itself
// and returns ok=false when the handler should stop.
func (s *API) memberInput(w http.ResponseWriter, r *http.Request, v any) (pairID int64, ok bool) {
	pairID, err := httpx.PathID(r, "pairID")
	if err == nil {
		if _, _, err = program.RequirePairMember(r.Context(), s.DB, httpx.User(r), pairID); err == nil {
			if v == nil {
				return pairID, true
			}
			if err = httpx.ReadJSON(r, v); err == nil {
				return pairID, true
			}
		}
	}
	s.fail(w, r, err)
	return 0, false
}

// memberInputAt is memberInput followed by the id of one thing of the pair
// that the path names, read after the body as the handlers always have.
func (s *API) memberInputAt(w http.ResponseWriter, r *http.Request, v any, name string) (pairID, id int64, ok bool) {
	if pairID, ok = s.memberInput(w, r, v); !ok {
		return 0, 0, false
	}
	id, err := httpx.PathID(r, name)
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, false
	}
	return pairID, id, true
}

// coordinatorInputAt is coordinatorInput followed by the id of one thing of
// the program that the path names.
func (s *API) coordinatorInputAt(w http.ResponseWriter, r *http.Request, v any, name string) (*program.Program, int64, bool) {
	p, ok := s.coordinatorInput(w, r, v)
	if !ok {
		return nil, 0, false
	}
	id, err := httpx.PathID(r, name)
	if err != nil {
		s.fail(w, r, err)
		return nil, 0, false
	}
	return p, id, true
}
