// Package api is the JSON API under /api/v1, kept apart from the pages
// (internal/web) as Gitea keeps routers/api/v1 apart from routers/web. The
// web server mounts it (web.Server.API) on the same mux, behind the same
// middleware, which has already found the caller (session or bearer token)
// and the language. The HTTP plumbing both share is in internal/httpx.
//
// One file per area, <area>.go, shaped like the others. It has a route
// table method, listed in Table in api.go:
//
//	func (s *API) apiThingTable() []httpx.Route {
//		return []httpx.Route{
//			{Method: "GET", Pattern: "/api/v1/programs/{programID}/things", Handler: s.apiListThings},
//			{Method: "POST", Pattern: "/api/v1/programs/{programID}/things", Handler: s.apiCreateThing},
//		}
//	}
//
// Routes need a login unless Public; every POST that needs one honours
// Idempotency-Key. Ids in paths are named for their thing ({programID},
// {pairID}, {meetingID}, …).
//
// Handlers are methods, func (s *API) apiX(w http.ResponseWriter, r
// *http.Request), that call a domain package through the services on API
// (s.DB, s.Programs, s.Meetings, …). A handler that needs a service API
// lacks gets a new field, set in cmd/mentorskap/serve.go and in the test
// helpers (helpers_test.go here and in internal/web).
//
// Helpers: s.coordinatorInput(w, r, &in) and s.memberInput(w, r, &in)
// authorize the caller for the program or pair in the path before decoding
// the body (nil for none), and coordinatorInputAt / memberInputAt read one
// more path id; s.fail(w, r, err) answers any error as a problem document.
// From httpx: httpx.User(r) is the caller, httpx.ReadJSON and
// httpx.WriteJSON read and write bodies, httpx.PathID(r, "thingID") reads
// an id (404 when malformed), httpx.RenameFields maps the domain's field
// names to the API's in validation errors. A list (operationId list…) is
// answered with httpx.WritePage(w, r, s.fail, items): ?limit= and
// ?cursor= and a next link, which the OpenAPI merge declares for it;
// answering a list any other way fails the conformance check.
//
// Names: ids are <thing>_id (a person in a role <role>_user_id), times
// *_at in UTC, dates *_on; path parameters {thingID}. See docs/api.md.
//
// The area's OpenAPI description is openapi/<area>.json (tags, paths,
// component schemas); TestOpenAPIMatchesRoutes keeps it in step with
// Table, and all API test traffic is validated against it (apitest).
// Tests go in <area>_test.go here: newTestApp, app.apiClient(email),
// c.apiSend, apiDecode and mustProblem are in the test helpers.
package api
