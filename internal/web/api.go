package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"mentorskap/internal/errs"
	"mentorskap/internal/program"
)

// apiRoute is one endpoint of the JSON API. The table below is the single
// list of endpoints: registration reads it, and a test compares it with the
// OpenAPI document so that neither can drift from the other.
type apiRoute struct {
	Method  string
	Pattern string // a ServeMux path pattern; the OpenAPI path is spelt the same
	Handler http.HandlerFunc
	Public  bool // reachable without logging in
}

// apiPrefix is where version 1 of the API lives.
const apiPrefix = "/api/v1"

func (s *Server) apiTable() []apiRoute {
	return slices.Concat(s.apiCoreTable(), s.apiMatchingSettingsTable(), s.apiMatchingTable(), s.apiSelfMatchTable(),
		s.apiAgreementTable(), s.apiEndingTable(), s.apiMeetingTable(), s.apiNotesTable(),
		s.apiGoalTable(), s.apiMessageTable(), s.apiEvaluationTable(), s.apiCheckpointTable(),
		s.apiDashboardTable(), s.apiAnalyticsTable(), s.apiReportTable(), s.apiReminderTable(), s.apiAuditTable(),
		s.apiPrivacyTable(), s.apiSecurityTable(), s.apiBrandTable(), s.apiPeopleTable(), s.apiWebhookTable(),
		s.apiOutcomeTable(), s.apiEventTable(), s.apiAnnounceTable(), s.apiResourceTable(), s.apiQuestionTable(),
		s.apiCohortTable())
}

// apiCoreTable lists the foundation's endpoints; each later area keeps its
// own table in its own api_<area>.go file.
func (s *Server) apiCoreTable() []apiRoute {
	return []apiRoute{
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

func (s *Server) apiRoutes(mux *http.ServeMux) {
	// known holds the same patterns with empty handlers, so the fallback
	// can ask which methods a path would accept.
	known := http.NewServeMux()
	for _, rt := range s.apiTable() {
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
		mux.HandleFunc(rt.Method+" "+rt.Pattern, noStore(h))
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

// noStore keeps API answers, which may carry tokens and personal data, out
// of shared caches.
func noStore(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h(w, r)
	}
}

// pathID reads a numeric id from the path. A malformed id names nothing, so
// it is a 404 like any unknown id.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "error.not_found")
	}
	return id, nil
}

// pathIDs reads two ids from the path, the first before the second, so a
// path wrong in both answers for the first as it always has.
func pathIDs(r *http.Request, first, second string) (int64, int64, error) {
	a, err := pathID(r, first)
	if err != nil {
		return 0, 0, err
	}
	b, err := pathID(r, second)
	return a, b, err
}

// list wraps a collection so that it is always an object with an array,
// never null, and can grow fields (paging) later.
type apiList[T any] struct {
	Items []T `json:"items"`
}

func newAPIList[T any](items []T) apiList[T] {
	if items == nil {
		items = []T{}
	}
	return apiList[T]{Items: items}
}

// renameFields turns the domain's field names in validation errors into the
// API's JSON names, where they differ.
func renameFields(err error, names map[string]string) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	fields := make(map[string]errs.Msg, len(e.Fields))
	for f, m := range e.Fields {
		if n, ok := names[f]; ok {
			f = n
		}
		fields[f] = m
	}
	out := *e
	out.Fields = fields
	return &out
}

func apiItoa(n int64) string { return strconv.FormatInt(n, 10) }

// coordinatorInput authorizes the caller as a coordinator of the program in
// the path before it decodes the JSON body into v (skipped when v is nil),
// so that a stranger gets 404 and learns nothing from validation messages.
// It answers the error itself and returns ok=false when the handler should
// stop.
func (s *Server) coordinatorInput(w http.ResponseWriter, r *http.Request, v any) (*program.Program, bool) {
	id, err := programPathID(r)
	if err == nil {
		var p *program.Program
		if p, err = s.Programs.RequireCoordinator(r.Context(), user(r), id); err == nil {
			if v == nil {
				return p, true
			}
			if err = readJSON(r, v); err == nil {
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
func (s *Server) memberInput(w http.ResponseWriter, r *http.Request, v any) (pairID int64, ok bool) {
	pairID, err := pathID(r, "pairID")
	if err == nil {
		if _, _, err = program.RequirePairMember(r.Context(), s.DB, user(r), pairID); err == nil {
			if v == nil {
				return pairID, true
			}
			if err = readJSON(r, v); err == nil {
				return pairID, true
			}
		}
	}
	s.fail(w, r, err)
	return 0, false
}

// memberInputAt is memberInput followed by the id of one thing of the pair
// that the path names, read after the body as the handlers always have.
func (s *Server) memberInputAt(w http.ResponseWriter, r *http.Request, v any, name string) (pairID, id int64, ok bool) {
	if pairID, ok = s.memberInput(w, r, v); !ok {
		return 0, 0, false
	}
	id, err := pathID(r, name)
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, false
	}
	return pairID, id, true
}

// coordinatorInputAt is coordinatorInput followed by the id of one thing of
// the program that the path names.
func (s *Server) coordinatorInputAt(w http.ResponseWriter, r *http.Request, v any, name string) (*program.Program, int64, bool) {
	p, ok := s.coordinatorInput(w, r, v)
	if !ok {
		return nil, 0, false
	}
	id, err := pathID(r, name)
	if err != nil {
		s.fail(w, r, err)
		return nil, 0, false
	}
	return p, id, true
}

// programPathID reads the program's id from the path: {programID} in the
// API (every id there is named for its thing), {id} on the pages.
func programPathID(r *http.Request) (int64, error) {
	if r.PathValue("programID") != "" {
		return pathID(r, "programID")
	}
	return pathID(r, "id")
}
