package web

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/event"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// The confidentiality matrix: every registered route, as every kind of
// visitor, against a pair whose agreement shares nothing with the
// coordinator. Each route is classified below; a route that is not fails the
// test, so a new page cannot ship without someone deciding who may open it.

// Visitors, in the order the matrix uses.
const (
	vAnon = iota
	vMentee
	vMentor
	vOther      // another participant of the same program
	vCoord      // the program's coordinator
	vOtherCoord // a coordinator of another program
	vAdmin
	nVisitors
)

var visitorNames = [nVisitors]string{"anonymous", "mentee", "mentor", "other participant", "coordinator", "other coordinator", "administrator"}

// Access classes: who gets a successful answer. Everyone else must be
// refused (401, 403, 404, or for anonymous pages a redirect to the login).
var accessClasses = map[string][]int{
	"public":  {vAnon, vMentee, vMentor, vOther, vCoord, vOtherCoord, vAdmin},
	"user":    {vMentee, vMentor, vOther, vCoord, vOtherCoord, vAdmin},
	"admin":   {vAdmin},
	"pair":    {vMentee, vMentor, vCoord, vAdmin}, // program.ViewPair
	"member":  {vMentee, vMentor},                 // program.RequirePairMember
	"mentee":  {vMentee},
	"mentor":  {vMentor},
	"program": {vMentee, vMentor, vOther, vCoord, vAdmin}, // participants and coordinators
	"coord":   {vCoord, vAdmin},
	// Participants of the program only; its mentees or its mentors only.
	"participant": {vMentee, vMentor, vOther},
	"menteeSide":  {vMentee, vOther},
	"mentorSide":  {vMentor},
	"creator":     {vCoord, vOtherCoord, vAdmin}, // may create programs
	// "any": the answer depends on state or a secret token rather than on who
	// asks (login, setup, invitation links); only the canaries are checked.
	"any": nil,
	// "refused": nobody gets a success with the seed's values (an unknown
	// token or id); proves the route does not leak past its lookup.
	"refused": {},
}

// confidentialRoutes classifies every route by pattern. The value is the
// access class of a successful request.
var confidentialRoutes = map[string]string{
	"GET /programs/{id}/dashboard": "coord", "POST /programs/{id}/dashboard/nudge": "coord",
	// The outcome follow-up: the questionnaire is its recipient's alone; the
	// counts and the settings are the coordinators'.
	"GET /outcomes/{id}": "mentee", "POST /outcomes/{id}": "mentee",
	"GET /programs/{id}/outcomes": "coord", "POST /programs/{id}/outcomes/settings": "coord",
	"GET /pairs/{id}/evaluations/{kind}": "member", "POST /pairs/{id}/evaluations/{kind}": "member",
	"GET /programs/{id}/evaluations": "coord", "GET /programs/{id}/evaluations/questions": "coord",
	"POST /programs/{id}/evaluations/questions": "coord", "POST /programs/{id}/evaluations/questions/{qid}": "coord",
	"POST /programs/{id}/evaluations/questions/{qid}/move":   "coord",
	"POST /programs/{id}/evaluations/questions/{qid}/remove": "coord", "POST /programs/{id}/evaluations/settings": "coord",
	// The program's own questions (question.go); the seed's question id is
	// unknown, so the per-question routes refuse everybody.
	"GET /programs/{id}/questions": "coord", "POST /programs/{id}/questions": "coord",
	"GET /programs/{id}/questions/{qid}": "refused", "POST /programs/{id}/questions/{qid}": "refused",
	"POST /programs/{id}/questions/{qid}/matching": "refused", "POST /programs/{id}/questions/{qid}/move": "refused",
	"GET /programs/{id}/questions/{qid}/remove": "refused", "POST /programs/{id}/questions/{qid}/remove": "refused",
	"POST /programs/{id}/questions/{qid}/restore": "refused", "GET /programs/{id}/export/participants.csv": "coord",
	// Foundation.
	"GET /static/": "public", "GET /healthz": "public", "GET /readyz": "public", "GET /{$}": "any", "/": "any", "/api/": "any",
	"GET /setup": "any", "POST /setup": "any", "GET /login": "any", "POST /login": "any", "POST /logout": "any",
	"GET /forgot": "any", "POST /forgot": "any", "GET /reset/{token}": "any", "POST /reset/{token}": "any",
	"POST /language": "any", "GET /login/code": "any", "POST /login/code": "any",
	"GET /profile": "user", "POST /profile": "user", "POST /profile/password": "user", "POST /profile/tokens": "user",
	"POST /profile/tokens/{id}/revoke": "refused",
	// A person's picture: everyone who shares a program with them.
	"GET /people/{id}/avatar": "program", "POST /profile/photo": "user", "POST /profile/photo/delete": "user",
	"GET /admin": "admin", "GET /admin/users": "admin", "POST /admin/users": "admin", "POST /admin/users/{id}/role": "admin",
	"GET /admin/outbox": "admin", "GET /admin/outbox/{id}": "admin",
	"GET /programs/{id}/webhooks": "admin", "POST /programs/{id}/webhooks": "admin",
	"POST /programs/{id}/webhooks/{hook}/rotate": "refused", "POST /programs/{id}/webhooks/{hook}/remove": "refused",
	// The brand: everyone sees it, only administrators change it; the logo
	// is "any" because the seed has none (404 for everyone).
	"GET /admin/brand": "admin", "POST /admin/brand": "admin", "GET /brand.css": "public", "GET /brand/logo": "any",
	// Programs and enrolment.
	"GET /programs": "user", "GET /programs/new": "creator", "POST /programs": "creator",
	"GET /programs/{id}": "program", "GET /programs/{id}/edit": "coord", "POST /programs/{id}/edit": "coord",
	"POST /programs/{id}/coordinators": "coord", "GET /programs/{id}/participants": "coord",
	"POST /programs/{id}/participants/{user}/approve": "coord", "POST /programs/{id}/participants/{user}/decline": "coord", "POST /programs/{id}/participants/{user}/return": "coord",
	"GET /programs/{id}/pairs": "coord", "POST /programs/{id}/pairs": "coord", "POST /programs/{id}/pairs/{pair}/end": "coord",
	"GET /programs/{id}/invitations": "coord", "POST /programs/{id}/invitations": "coord",
	"POST /programs/{id}/invitations/upload": "coord", "POST /programs/{id}/invitations/{inv}/resend": "coord",
	"POST /programs/{id}/invitations/{inv}/revoke": "coord",
	// Confirmation pages before a coordinator's destructive actions (confirm.go).
	"GET /programs/{id}/pairs/{pair}/end": "coord", "GET /programs/{id}/participants/{user}/decline": "coord",
	"GET /programs/{id}/chemistry/{pair}/rematch":           "coord",
	"GET /programs/{id}/evaluations/questions/{qid}/remove": "refused", // an unknown question
	// The seed fills these with an unknown invitation and a person who is no
	// coordinator, so everybody is refused; confirm_test.go covers success.
	"GET /programs/{id}/invitations/{inv}/revoke":   "refused",
	"GET /programs/{id}/coordinators/{user}/remove": "refused", "POST /programs/{id}/coordinators/{user}/remove": "refused",
	"GET /invite/{token}": "any", "POST /invite/{token}": "any", "GET /join/{token}": "any", "POST /join/{token}": "any",
	"GET /programs/{id}/profile": "participant", "POST /programs/{id}/profile": "participant",
	"GET /programs/{id}/participants/{uid}": "coord",
	// Matching and self-match.
	"GET /programs/{id}/matching": "coord", "POST /programs/{id}/matching/run": "coord",
	"POST /programs/{id}/matching/rows/{mentee}/lock": "coord", "POST /programs/{id}/matching/rows/{mentee}/unlock": "coord",
	"POST /programs/{id}/matching/rows/{mentee}/remove": "coord", "POST /programs/{id}/matching/swap": "coord",
	"POST /programs/{id}/matching/manual": "coord", "POST /programs/{id}/matching/publish": "coord",
	"GET /programs/{id}/matching/settings": "coord", "POST /programs/{id}/matching/settings": "coord",
	"GET /programs/{id}/suggestions": "menteeSide", "POST /programs/{id}/suggestions": "menteeSide",
	"GET /programs/{id}/requests": "mentorSide", "POST /programs/{id}/requests/{request}/accept": "program",
	"POST /programs/{id}/requests/{request}/decline": "program", "POST /programs/{id}/requests/{request}/withdraw": "program",
	// The pair.
	"GET /pairs/{id}":             "pair",
	"GET /pairs/{id}/preparation": "member", "POST /pairs/{id}/preparation": "member",
	"GET /pairs/{id}/agreement": "pair", "GET /pairs/{id}/agreement/edit": "member", "POST /pairs/{id}/agreement/edit": "member",
	"POST /pairs/{id}/agreement/sign": "member", "GET /pairs/{id}/agreement/versions": "pair",
	"GET /pairs/{id}/agreement/versions/{n}": "member", "GET /pairs/{id}/agreement/compare": "member",
	"GET /pairs/{id}/agreement/versions/{n}/pdf": "member", "GET /pairs/{id}/agreement/versions/{n}/print": "member",
	"GET /programs/{id}/agreement-template": "coord", "POST /programs/{id}/agreement-template": "coord",
	"GET /pairs/{id}/end": "member", "POST /pairs/{id}/end": "member",
	"GET /pairs/{id}/closing": "pair", "POST /pairs/{id}/closing/reflection": "member",
	"GET /pairs/{id}/meetings": "pair", "GET /pairs/{id}/meetings/new": "member", "POST /pairs/{id}/meetings": "member",
	"GET /pairs/{id}/meetings/{mid}": "pair", "POST /pairs/{id}/meetings/{mid}/accept": "member",
	"GET /pairs/{id}/meetings/{mid}/change": "member", "POST /pairs/{id}/meetings/{mid}/counter": "member",
	"POST /pairs/{id}/meetings/{mid}/move": "member", "GET /pairs/{id}/meetings/{mid}/cancel": "member",
	"POST /pairs/{id}/meetings/{mid}/cancel": "member", "GET /pairs/{id}/meetings/{mid}/ics": "member",
	"GET /calendar": "user", "POST /calendar/renew": "user", "POST /calendar/revoke": "user", "GET /calendar/{file}": "refused",
	"GET /pairs/{id}/meetings/{mid}/agenda": "member", "POST /pairs/{id}/meetings/{mid}/agenda": "member",
	"GET /pairs/{id}/meetings/{mid}/notes": "member", "POST /pairs/{id}/meetings/{mid}/notes": "member",
	"POST /pairs/{id}/meetings/{mid}/notes/private": "member", "POST /pairs/{id}/meetings/{mid}/notes/actions": "member",
	"POST /pairs/{id}/meetings/{mid}/notes/actions/{aid}":        "member",
	"POST /pairs/{id}/meetings/{mid}/notes/actions/{aid}/review": "member",
	"GET /programs/{id}/meeting-plan":                            "coord", "POST /programs/{id}/meeting-plan": "coord",
	"POST /programs/{id}/meeting-plan/reset": "coord",
	"GET /pairs/{id}/goals":                  "member", "POST /pairs/{id}/goals": "member", "GET /pairs/{id}/goals/{goal}": "member",
	"POST /pairs/{id}/goals/{goal}": "member", "POST /pairs/{id}/goals/{goal}/subgoals": "member",
	"POST /pairs/{id}/goals/{goal}/delete": "member", "POST /pairs/{id}/goals/{goal}/meetings": "member",
	"POST /pairs/{id}/goals/{goal}/meetings/{meeting}/unlink": "member",
	"GET /pairs/{id}/messages":                                "member", "POST /pairs/{id}/messages": "member",
	"GET /pairs/{id}/chemistry": "member", "POST /pairs/{id}/chemistry": "member",
	"GET /programs/{id}/chemistry": "coord", "POST /programs/{id}/chemistry/{pair}/rematch": "coord",
	// Dashboard, analytics, reminders, audit, privacy, security.
	"GET /programs/{id}/analytics": "coord", "GET /programs/{id}/export/pairs.csv": "coord",
	"GET /programs/{id}/report": "coord", "GET /programs/{id}/report.pdf": "coord", "GET /programs/{id}/report.csv": "coord",
	"GET /programs/{id}/report.xlsx": "coord", "GET /programs/{id}/export/evaluations.csv": "coord", "GET /programs/{id}/export/evaluations.xlsx": "coord",
	"GET /programs/{id}/export/meetings.csv": "coord",
	"GET /profile/reminders":                 "user", "POST /profile/reminders": "user",
	"GET /admin/audit": "admin", "GET /profile/access-log": "user",
	"GET /profile/data": "user", "GET /profile/data/download": "user", "GET /profile/delete": "user", "POST /profile/delete": "user",
	"GET /programs/{id}/retention": "coord", "POST /programs/{id}/retention": "coord",
	"GET /profile/security": "user", "POST /profile/security/totp": "user", "POST /profile/security/totp/confirm": "user",
	"POST /profile/security/totp/disable": "user",
	// Login links, single sign-on (the test server offers no provider, so
	// every provider-named route answers not found).
	"GET /login/link": "any", "POST /login/link": "any", "GET /login/link/{token}": "refused", "POST /login/link/{token}": "refused",
	"POST /login/oidc/{provider}": "refused", "GET /login/oidc/{provider}/callback": "refused",
	"POST /profile/security/sso/{provider}/link": "refused", "POST /profile/security/sso/{provider}/unlink": "refused",
	"POST /profile/security/sso-only":         "user",
	"POST /profile/security/passkeys/options": "user", "POST /profile/security/passkeys": "user",
	"POST /profile/security/passkeys/{id}/remove": "refused", "POST /login/passkey/options": "any", "POST /login/passkey": "any",
	"POST /login/code/passkey/options": "refused", "POST /login/code/passkey": "any",
	"GET /admin/sso": "admin", "POST /admin/sso": "admin", "POST /admin/sso/{provider}/delete": "refused",
}

// pageRoutes reads the page patterns from the source: every call
// mux.Handle/HandleFunc in the package with a literal pattern. The API's
// patterns are registered from apiTable in a loop and are taken from there.
func pageRoutes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "mux" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				if name != "api.go" {
					t.Errorf("%s: register routes with a literal pattern so the confidentiality test can list them", fset.Position(call.Pos()))
				}
				return true
			}
			p, _ := strconv.Unquote(lit.Value)
			out = append(out, p)
			return true
		})
	}
	return out
}

// confidentialScene is the seeded pair and the values that fill the path
// parameters.
type confidentialScene struct {
	f         *goalMsgFixture
	users     [nVisitors]*account.User
	clients   [nVisitors]*client
	meetingID int64
	goalID    int64
	actionID  int64
	outboxID  int64
	outcomeID int64 // the mentee's answered outcome questionnaire
	eventID   int64 // an event for everyone in the program
	// canaries maps each secret string to the visitors who may read it.
	canaries map[string][]int
}

func newConfidentialScene(t *testing.T) *confidentialScene {
	t.Helper()
	f := newGoalMsgFixture(t, storetest.Default(t))
	app := f.app
	ctx := context.Background()
	sc := &confidentialScene{f: f, canaries: map[string][]int{}}
	sc.users = [nVisitors]*account.User{nil, f.mentee, f.mentor, f.outsider, f.coord, f.otherCoord, f.admin}
	pair := []int{vMentee, vMentor}

	// A signed agreement that shares nothing with the coordinator.
	f.signAgreement(t, func(c *agreement.Content) {
		c.CoordinatorSees = agreement.ShareNothing
		c.TopicsIn = "CANARY-AGREEMENT-topics"
		c.Confidentiality = "CANARY-AGREEMENT-confidential"
	})
	sc.canaries["CANARY-AGREEMENT-topics"] = pair
	sc.canaries["CANARY-AGREEMENT-confidential"] = pair

	prep, err := app.srv.Agreements.Preparation(ctx, f.mentee, f.pair.ID, app.bundle.Locale("en"))
	if err != nil {
		t.Fatal(err)
	}
	if len(prep.Questions) > 0 {
		if _, err := app.srv.Agreements.SavePreparation(ctx, f.mentee, f.pair.ID, app.bundle.Locale("en"),
			map[string]string{prep.Questions[0].Key: "CANARY-PREP-mentee"}); err != nil {
			t.Fatal(err)
		}
		sc.canaries["CANARY-PREP-mentee"] = []int{vMentee}
	}

	now := app.clock.Now()
	past := now.Add(-48 * time.Hour)
	sc.meetingID = f.addMeeting(t, "confidential-1@test", -2)
	err = app.db.Tx(ctx, func(tx *store.Tx) error {
		stmts := []struct {
			q    string
			args []any
		}{
			{`INSERT INTO agendas (meeting_id, version, updated_by, updated_at) VALUES (?, 1, ?, ?)`, []any{sc.meetingID, f.mentee.ID, past}},
			{`INSERT INTO agenda_items (meeting_id, position, source, title, note) VALUES (?, 1, 'own', 'CANARY-AGENDA-title', 'CANARY-AGENDA-note')`, []any{sc.meetingID}},
			{`INSERT INTO meeting_notes (meeting_id, since_last, today, next_steps, version, updated_by, updated_at)
				VALUES (?, 'CANARY-NOTES-since', 'CANARY-NOTES-today', 'CANARY-NOTES-next', 1, ?, ?)`, []any{sc.meetingID, f.mentor.ID, past}},
			{`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at) VALUES (?, ?, 'CANARY-PRIVATE-mentee', 1, ?)`, []any{sc.meetingID, f.mentee.ID, past}},
			{`INSERT INTO private_notes (meeting_id, user_id, body, version, updated_at) VALUES (?, ?, 'CANARY-PRIVATE-mentor', 1, ?)`, []any{sc.meetingID, f.mentor.ID, past}},
			{`INSERT INTO messages (pair_id, sender_id, body, created_at) VALUES (?, ?, 'CANARY-MESSAGE-body', ?)`, []any{f.pair.ID, f.mentee.ID, past}},
		}
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s.q, s.args...); err != nil {
				return err
			}
		}
		// An outcome questionnaire the mentee answered: the comment is
		// for the mentee and, without the name, the program's coordinators.
		if err := tx.QueryRow(ctx, `INSERT INTO outcome_surveys (program_id, user_id, side, round, ended_at, sent_at, closes_at,
			answered_at, status, helped, comment) VALUES (?, ?, 'mentee', 3, ?, ?, ?, ?, 'work', 4, 'CANARY-OUTCOME-comment') RETURNING id`,
			f.prog.ID, f.mentee.ID, past, past, now.Add(30*24*time.Hour), past).Scan(&sc.outcomeID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO goals (pair_id, title, measure, status, progress, position, created_by, created_at, updated_at)
			VALUES (?, 'CANARY-GOAL-title', 'CANARY-GOAL-measure', 'in_progress', 40, 99, ?, ?, ?) RETURNING id`,
			f.pair.ID, f.mentee.ID, now, now).Scan(&sc.goalID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO action_items (pair_id, meeting_id, body, owner_id, status, created_by, created_at, updated_at)
			VALUES (?, ?, 'CANARY-ACTION-body', ?, 'open', ?, ?, ?) RETURNING id`,
			f.pair.ID, sc.meetingID, f.mentee.ID, f.mentor.ID, now, now).Scan(&sc.actionID); err != nil {
			return err
		}
		// Check points: the chemistry comment is for the coordinators, an
		// evaluation's free text (not shared by the program) for nobody else.
		for _, kind := range []string{"chemistry", "midpoint"} {
			var cp int64
			// Signing may have scheduled some already.
			if _, err := tx.Exec(ctx, `DELETE FROM checkpoints WHERE pair_id = ? AND kind = ?`, f.pair.ID, kind); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO checkpoints (pair_id, kind, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				f.pair.ID, kind, past, past, past).Scan(&cp); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO checkpoint_responses (checkpoint_id, user_id, submitted_at) VALUES (?, ?, ?)`, cp, f.mentee.ID, past); err != nil {
				return err
			}
			if kind == "chemistry" {
				if _, err := tx.Exec(ctx, `INSERT INTO chemistry_answers (checkpoint_id, user_id, answer, comment, updated_at) VALUES (?, ?, 'unsure', 'CANARY-CHEM-comment', ?)`,
					cp, f.mentee.ID, past); err != nil {
					return err
				}
				continue
			}
			var qid int64
			if err := tx.QueryRow(ctx, `INSERT INTO evaluation_questions (program_id, kind, qtype, position, created_at) VALUES (?, 'midpoint', 'text', 1, ?) RETURNING id`,
				f.prog.ID, past).Scan(&qid); err != nil {
				return err
			}
			for _, lang := range []string{"en", "nb", "sv", "id"} {
				if _, err := tx.Exec(ctx, `INSERT INTO evaluation_question_texts (question_id, language, prompt) VALUES (?, ?, 'How is it going?')`, qid, lang); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO evaluation_answers (checkpoint_id, user_id, question_id, text) VALUES (?, ?, ?, 'CANARY-EVAL-text')`,
				cp, f.mentee.ID, qid); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&sc.outboxID)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"CANARY-AGENDA-title", "CANARY-AGENDA-note", "CANARY-NOTES-since", "CANARY-NOTES-today",
		"CANARY-NOTES-next", "CANARY-MESSAGE-body", "CANARY-GOAL-title", "CANARY-GOAL-measure", "CANARY-ACTION-body"} {
		sc.canaries[k] = pair
	}
	sc.canaries["CANARY-PRIVATE-mentee"] = []int{vMentee}
	sc.canaries["CANARY-PRIVATE-mentor"] = []int{vMentor}
	sc.canaries["CANARY-CHEM-comment"] = []int{vMentee, vCoord, vAdmin}
	sc.canaries["CANARY-EVAL-text"] = []int{vMentee}
	sc.canaries["CANARY-OUTCOME-comment"] = []int{vMentee, vCoord, vAdmin}

	ev, err := app.srv.events().Create(ctx, f.coord, f.prog.ID, event.Input{Kind: event.KindKickoff, Title: "Kick-off",
		Date: now.AddDate(0, 0, 5).Format("2006-01-02"), Start: "17:00", End: "19:00", Timezone: "UTC",
		Place: "Town hall", Audience: event.AudienceAll})
	if err != nil {
		t.Fatal(err)
	}
	sc.eventID = ev.ID

	sc.clients[vAnon] = app.client()
	for v := vMentee; v < nVisitors; v++ {
		sc.clients[v] = app.login(sc.users[v].Email)
	}
	return sc
}

var pathParam = regexp.MustCompile(`\{([A-Za-z]+)(\.\.\.)?\}`)

// fill turns a pattern's path into a request path with the scene's ids.
func (sc *confidentialScene) fill(t *testing.T, path string) string {
	t.Helper()
	if path == "/{$}" {
		return "/"
	}
	if strings.HasSuffix(path, "/static/") {
		return path + "app.css"
	}
	if path == "/" {
		return "/no-such-page"
	}
	if path == "/api/" {
		return "/api/no-such-endpoint"
	}
	f := sc.f
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return pathParam.ReplaceAllStringFunc(path, func(m string) string {
		name := pathParam.FindStringSubmatch(m)[1]
		before := path[:strings.Index(path, m)]
		switch name {
		case "id":
			switch {
			case strings.HasSuffix(before, "/pairs/"):
				return id(f.pair.ID)
			case strings.HasSuffix(before, "/programs/"):
				return id(f.prog.ID)
			case strings.HasSuffix(before, "/people/"):
				return id(f.mentee.ID)
			case strings.HasSuffix(before, "/admin/users/"):
				return id(f.outsider.ID)
			case strings.HasSuffix(before, "/outcomes/"):
				return id(sc.outcomeID)
			case strings.HasSuffix(before, "/admin/outbox/"):
				return id(max(sc.outboxID, 1))
			}
			return "999999" // tokens and other things the visitor does not own
		case "programID":
			return id(f.prog.ID)
		case "outcomeID":
			return id(sc.outcomeID)
		case "pairID", "pair":
			return id(f.pair.ID)
		case "mid", "meeting", "meetingID":
			return id(sc.meetingID)
		case "goal", "goalID":
			return id(sc.goalID)
		case "aid", "actionID", "itemID":
			return id(sc.actionID)
		case "n", "number":
			return "1"
		case "user", "uid", "userID":
			return id(f.outsider.ID)
		case "mentee", "menteeUserID":
			return id(f.mentee.ID)
		case "event", "eventID":
			return id(sc.eventID)
		case "kind":
			return "midpoint"
		case "qid", "questionID":
			return "999999"
		case "inv", "invitationID", "request", "requestID", "tokenID", "webhookID", "hook",
			"rid", "resourceID", "announcementID":
			return "999999"
		case "lang":
			return "en"
		case "token":
			return "not-a-real-token"
		case "file":
			return "not-a-real-token.ics"
		case "provider":
			return "no-such-provider"
		case "key", "template", "templateKey": // program templates (cohort_test.go)
			return "study"
		}
		t.Fatalf("pattern %q: path parameter {%s} is unknown to fill() in confidential_test.go; add how to fill it", path, name)
		return ""
	})
}

// denied reports whether an answer refuses the visitor.
func denied(v int, res *response) bool {
	switch res.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return true
	case http.StatusSeeOther, http.StatusFound:
		return v == vAnon && strings.HasPrefix(res.Header.Get("Location"), "/login")
	}
	return false
}

func TestConfidentialityMatrix(t *testing.T) {
	t.Parallel()
	sc := newConfidentialScene(t)
	app := sc.f.app

	type route struct {
		pattern string // as registered and as the key of confidentialRoutes
		method  string
		path    string
		api     bool
	}
	var routes []route
	for _, p := range pageRoutes(t) {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			method, path = "GET", p
		}
		routes = append(routes, route{p, method, path, false})
	}
	for _, rt := range apiTable() {
		routes = append(routes, route{rt.Method + " " + rt.Pattern, rt.Method, rt.Pattern, true})
	}

	// The real router must send each filled path to its own pattern, or the
	// matrix would be testing some other route.
	mux := http.NewServeMux()
	app.srv.routes(mux)

	var unlisted []string
	for _, rt := range routes {
		if _, ok := confidentialRoutes[rt.pattern]; !ok && !rt.api {
			unlisted = append(unlisted, rt.pattern)
		}
		if _, ok := confidentialAPI[rt.pattern]; !ok && rt.api {
			unlisted = append(unlisted, rt.pattern)
		}
	}
	if len(unlisted) > 0 {
		slices.Sort(unlisted)
		t.Fatalf("routes not classified in confidential_test.go (add each to confidentialRoutes or confidentialAPI "+
			"with the class of visitors who may use it):\n  %s", strings.Join(unlisted, "\n  "))
	}

	// Each route's filled path and who may use it, worked out here because
	// a wrong table ends the test, which only this goroutine may do.
	type check struct {
		route
		path    string
		class   string
		allowed []int
	}
	var checks []check
	for _, rt := range routes {
		class := confidentialRoutes[rt.pattern]
		if rt.api {
			class = confidentialAPI[rt.pattern]
		}
		allowed, known := accessClasses[class]
		if !known {
			t.Fatalf("%s: unknown access class %q", rt.pattern, class)
		}
		path := sc.fill(t, rt.path)
		if q, ok := confidentialQuery[rt.pattern]; ok {
			path += "?" + q
		}
		if probe, _ := http.NewRequest(methodOr(rt.method), path, nil); probe != nil {
			if _, got := mux.Handler(probe); got != rt.pattern {
				t.Errorf("%s: the filled path %s reaches %q instead", rt.pattern, path, got)
				continue
			}
		}
		checks = append(checks, check{rt, path, class, allowed})
	}

	// Reads first, for everyone; then writes, only by visitors who must be
	// refused, so that the seed stays as it is for every read. The visitors
	// go through the routes side by side, each in the same order as alone:
	// what one may see never depends on what another asked before.
	for _, writes := range []bool{false, true} {
		var wg sync.WaitGroup
		for v := range nVisitors {
			wg.Go(func() {
				c := sc.clients[v]
				for _, ck := range checks {
					read := ck.method == "GET" || ck.method == ""
					ok := slices.Contains(ck.allowed, v)
					if read == writes || writes && (ck.class == "any" || ok) {
						continue
					}
					var res *response
					switch {
					case !writes:
						res = c.get(ck.path)
					case ck.api:
						res = c.send(ck.method, ck.path, "application/json", strings.NewReader("{}"))
					default:
						res = c.post(ck.path, url.Values{})
					}
					where := ck.method + " " + ck.path + " as " + visitorNames[v]
					if res.StatusCode >= 500 {
						t.Errorf("%s: status %d", where, res.StatusCode)
					}
					if ck.class != "any" {
						if ok && denied(v, res) {
							t.Errorf("%s: refused with %d, but class %q allows it", where, res.StatusCode, ck.class)
						}
						if !ok && !denied(v, res) {
							t.Errorf("%s: status %d, but class %q must refuse it", where, res.StatusCode, ck.class)
						}
					}
					for canary, readers := range sc.canaries {
						if strings.Contains(res.Body, canary) && !slices.Contains(readers, v) {
							t.Errorf("%s: response reveals %s", where, canary)
						}
					}
				}
			})
		}
		wg.Wait()
	}

	// The matrix must have reached the secrets where they belong, or the
	// absence of leaks above would prove nothing.
	seen := func(c *client, path, canary string) {
		t.Helper()
		if res := c.get(path); !strings.Contains(res.Body, canary) {
			t.Errorf("%s does not show %s to its reader (status %d)", path, canary, res.StatusCode)
		}
	}
	pair := "/pairs/" + strconv.FormatInt(sc.f.pair.ID, 10)
	meeting := pair + "/meetings/" + strconv.FormatInt(sc.meetingID, 10)
	seen(sc.clients[vMentee], pair+"/agreement", "CANARY-AGREEMENT-topics")
	seen(sc.clients[vMentor], meeting+"/agenda", "CANARY-AGENDA-title")
	seen(sc.clients[vMentee], meeting+"/notes", "CANARY-PRIVATE-mentee")
	seen(sc.clients[vMentor], meeting+"/notes", "CANARY-PRIVATE-mentor")
	seen(sc.clients[vMentor], pair+"/messages", "CANARY-MESSAGE-body")
	seen(sc.clients[vMentor], pair+"/goals", "CANARY-GOAL-title")

	// Every successful look by a coordinator or administrator left a trace;
	// the members' own reads left none.
	for _, v := range []int{vMentee, vMentor, vCoord, vAdmin} {
		n := auditRows(t, app, sc.users[v].ID, "pair.view")
		if member := v == vMentee || v == vMentor; member != (n == 0) {
			t.Errorf("%s: %d pair.view audit rows", visitorNames[v], n)
		}
	}
}

func methodOr(m string) string {
	if m == "" {
		return "GET"
	}
	return m
}

// confidentialQuery gives the query a read needs to show anything at all.
var confidentialQuery = map[string]string{
	"GET /pairs/{id}/agreement/compare":         "from=1&to=1",
	"GET /api/v1/pairs/{pairID}/agreement/diff": "from=1&to=1",
}

// confidentialAPI classifies the endpoints of apiTable, like
// confidentialRoutes does for pages.
var confidentialAPI = map[string]string{
	// The program's own questions (api_question.go); the seed's question
	// id is unknown.
	"GET /api/v1/programs/{programID}/questions": "coord", "POST /api/v1/programs/{programID}/questions": "coord",
	"PUT /api/v1/programs/{programID}/questions/{questionID}":          "coord", // 422: the seed sends no language
	"DELETE /api/v1/programs/{programID}/questions/{questionID}":       "refused",
	"POST /api/v1/programs/{programID}/questions/{questionID}/move":    "coord", // 422: no direction
	"POST /api/v1/programs/{programID}/questions/{questionID}/restore": "refused",
	"PUT /api/v1/programs/{programID}/questions/{questionID}/matching": "refused",
	"GET /api/v1/programs/{programID}/answers":                         "participant",
	"PUT /api/v1/programs/{programID}/answers":                         "participant",
	"GET /api/v1/programs/{programID}/participants/{userID}/answers":   "coord",
	"GET /api/v1/programs/{programID}/export/participants.csv":         "coord",
	"GET /api/v1/pairs/{pairID}/evaluations/{kind}":                    "member", "PUT /api/v1/pairs/{pairID}/evaluations/{kind}": "member",
	"GET /api/v1/programs/{programID}/evaluations": "coord", "GET /api/v1/programs/{programID}/evaluations/questions": "coord",
	"POST /api/v1/programs/{programID}/evaluations/questions":                   "coord",
	"PUT /api/v1/programs/{programID}/evaluations/questions/{questionID}":       "coord",
	"DELETE /api/v1/programs/{programID}/evaluations/questions/{questionID}":    "coord",
	"POST /api/v1/programs/{programID}/evaluations/questions/{questionID}/move": "coord",
	"PUT /api/v1/programs/{programID}/evaluations/settings":                     "coord",
	"GET /api/v1/pairs/{pairID}/meetings/{meetingID}":                           "pair", "GET /api/v1/pairs/{pairID}/meetings/{meetingID}/ics": "member",
	"GET /api/v1/pairs/{pairID}/meetings/{meetingID}/action-items":                   "member",
	"GET /api/v1/pairs/{pairID}/meetings/{meetingID}/agenda":                         "member",
	"GET /api/v1/pairs/{pairID}/meetings/{meetingID}/notes":                          "member",
	"GET /api/v1/pairs/{pairID}/meetings/{meetingID}/private-note":                   "member",
	"PUT /api/v1/pairs/{pairID}/meetings/{meetingID}/agenda":                         "member",
	"PUT /api/v1/pairs/{pairID}/meetings/{meetingID}/notes":                          "member",
	"PUT /api/v1/pairs/{pairID}/meetings/{meetingID}/private-note":                   "member",
	"POST /api/v1/pairs/{pairID}/meetings/{meetingID}/accept":                        "member",
	"POST /api/v1/pairs/{pairID}/meetings/{meetingID}/action-items":                  "member",
	"POST /api/v1/pairs/{pairID}/meetings/{meetingID}/action-items/{itemID}/review":  "member",
	"POST /api/v1/pairs/{pairID}/meetings/{meetingID}/cancel":                        "member",
	"POST /api/v1/pairs/{pairID}/meetings/{meetingID}/counter":                       "member",
	"POST /api/v1/pairs/{pairID}/meetings/{meetingID}/move":                          "member",
	"GET /api/v1/programs/{programID}/matching/proposal":                             "coord",
	"POST /api/v1/programs/{programID}/matching/proposal/run":                        "coord",
	"POST /api/v1/programs/{programID}/matching/proposal/publish":                    "coord",
	"POST /api/v1/programs/{programID}/matching/proposal/rows":                       "coord",
	"POST /api/v1/programs/{programID}/matching/proposal/swap":                       "coord",
	"POST /api/v1/programs/{programID}/matching/proposal/rows/{menteeUserID}/lock":   "coord",
	"POST /api/v1/programs/{programID}/matching/proposal/rows/{menteeUserID}/unlock": "coord",
	"DELETE /api/v1/programs/{programID}/matching/proposal/rows/{menteeUserID}":      "coord",
	"GET /api/v1/programs/{programID}/dashboard":                                     "coord",
	"POST /api/v1/programs/{programID}/nudges":                                       "coord",
	"GET /api/v1/openapi.json":                                                       "public", "POST /api/v1/tokens": "any", "GET /api/v1/tokens": "user",
	"GET /api/v1/me/outcomes": "user", "GET /api/v1/outcomes/{outcomeID}": "mentee", "POST /api/v1/outcomes/{outcomeID}/answer": "mentee",
	"GET /api/v1/programs/{programID}/outcomes": "coord", "PUT /api/v1/programs/{programID}/outcomes/settings": "coord",
	"DELETE /api/v1/tokens/{tokenID}": "refused", "GET /api/v1/me": "user", "PATCH /api/v1/me": "user", "DELETE /api/v1/me": "user",
	"GET /api/v1/programs": "user", "POST /api/v1/programs": "creator",
	// Webhooks (api_webhook.go): administrators only; the seed has no endpoint, so one named is refused.
	"GET /api/v1/programs/{programID}/webhooks": "admin", "POST /api/v1/programs/{programID}/webhooks": "admin",
	"DELETE /api/v1/programs/{programID}/webhooks/{webhookID}":         "refused",
	"POST /api/v1/programs/{programID}/webhooks/{webhookID}/rotate":    "refused",
	"GET /api/v1/programs/{programID}/webhooks/{webhookID}/deliveries": "refused",
	// People (api_people.go).
	"GET /api/v1/users": "admin", "POST /api/v1/users": "admin", "PUT /api/v1/users/{userID}/role": "admin",
	"GET /api/v1/outbox": "admin", "GET /api/v1/me/pairs": "user", "PUT /api/v1/me/password": "user",
	"GET /api/v1/programs/{programID}/coordinators": "coord", "POST /api/v1/programs/{programID}/coordinators": "coord",
	"DELETE /api/v1/programs/{programID}/coordinators/{userID}":           "coord",
	"POST /api/v1/programs/{programID}/invitations/upload":                "coord",
	"POST /api/v1/programs/{programID}/invitations/{invitationID}/resend": "coord",
	"POST /api/v1/invitations/{token}/accept":                             "any", "POST /api/v1/join/{token}": "any",
	"GET /api/v1/programs/{programID}/profile": "participant", "PUT /api/v1/programs/{programID}/profile": "participant",
	"GET /api/v1/programs/{programID}": "program", "PATCH /api/v1/programs/{programID}": "coord",
	"GET /api/v1/programs/{programID}/participants":                   "coord",
	"POST /api/v1/programs/{programID}/participants/{userID}/approve": "coord",
	"POST /api/v1/programs/{programID}/participants/{userID}/return":  "coord",
	"POST /api/v1/programs/{programID}/participants/{userID}/decline": "coord",
	"GET /api/v1/programs/{programID}/invitations":                    "coord", "POST /api/v1/programs/{programID}/invitations": "coord",
	"DELETE /api/v1/programs/{programID}/invitations/{invitationID}": "coord",
	"GET /api/v1/programs/{programID}/pairs":                         "coord", "POST /api/v1/programs/{programID}/pairs": "coord",
	"POST /api/v1/programs/{programID}/pairs/{pairID}/end": "coord",
	"GET /api/v1/programs/{programID}/matching/settings":   "coord", "PUT /api/v1/programs/{programID}/matching/settings": "coord",
	"GET /api/v1/programs/{programID}/suggestions": "menteeSide", "GET /api/v1/programs/{programID}/match-requests": "participant",
	"POST /api/v1/programs/{programID}/match-requests":                      "program",
	"POST /api/v1/programs/{programID}/match-requests/{requestID}/accept":   "program",
	"POST /api/v1/programs/{programID}/match-requests/{requestID}/decline":  "program",
	"POST /api/v1/programs/{programID}/match-requests/{requestID}/withdraw": "program",
	"GET /api/v1/pairs/{pairID}/preparation":                                "member", "PUT /api/v1/pairs/{pairID}/preparation": "member",
	"GET /api/v1/pairs/{pairID}/agreement": "pair", "PUT /api/v1/pairs/{pairID}/agreement": "member",
	"GET /api/v1/pairs/{pairID}/agreement/versions": "pair", "GET /api/v1/pairs/{pairID}/agreement/versions/{n}": "member",
	"GET /api/v1/pairs/{pairID}/agreement/diff": "member", "POST /api/v1/pairs/{pairID}/agreement/sign": "member",
	"GET /api/v1/pairs/{pairID}/agreement/versions/{n}/pdf": "member",
	"GET /api/v1/programs/{programID}/agreement-template":   "coord", "PUT /api/v1/programs/{programID}/agreement-template": "coord",
	"POST /api/v1/pairs/{pairID}/end": "member", "GET /api/v1/pairs/{pairID}/closing": "pair",
	"PUT /api/v1/pairs/{pairID}/closing/reflection": "member",
	"GET /api/v1/pairs/{pairID}/due":                "member", "GET /api/v1/pairs/{pairID}/due/upcoming": "member", "GET /api/v1/pairs/{pairID}/chemistry": "member",
	"PUT /api/v1/pairs/{pairID}/chemistry": "member", "GET /api/v1/programs/{programID}/chemistry": "coord",
	"POST /api/v1/programs/{programID}/chemistry/{pairID}/rematch": "coord",
	"GET /api/v1/pairs/{pairID}/goals":                             "member", "POST /api/v1/pairs/{pairID}/goals": "member",
	"GET /api/v1/pairs/{pairID}/goals/{goalID}": "member", "PATCH /api/v1/pairs/{pairID}/goals/{goalID}": "member",
	"DELETE /api/v1/pairs/{pairID}/goals/{goalID}": "member", "POST /api/v1/pairs/{pairID}/goals/{goalID}/meetings": "member",
	"DELETE /api/v1/pairs/{pairID}/goals/{goalID}/meetings/{meetingID}": "member",
	"GET /api/v1/pairs/{pairID}/home":                                   "pair", "GET /api/v1/pairs/{pairID}/meetings": "pair",
	"POST /api/v1/pairs/{pairID}/meetings": "member",
	"GET /api/v1/calendar/feed":            "user", "POST /api/v1/calendar/feed": "user", "DELETE /api/v1/calendar/feed": "user",
	"GET /api/v1/pairs/{pairID}/messages": "member", "POST /api/v1/pairs/{pairID}/messages": "member",
	"POST /api/v1/pairs/{pairID}/messages/read": "member", "GET /api/v1/pairs/{pairID}/action-items": "member",
	"PUT /api/v1/pairs/{pairID}/action-items/{itemID}":     "member",
	"GET /api/v1/programs/{programID}/meeting-plan/{lang}": "coord", "PUT /api/v1/programs/{programID}/meeting-plan/{lang}": "coord",
	"DELETE /api/v1/programs/{programID}/meeting-plan/{lang}": "coord",
	"GET /api/v1/programs/{programID}/analytics":              "coord", "GET /api/v1/programs/{programID}/export/pairs.csv": "coord",
	"GET /api/v1/programs/{programID}/report": "coord", "GET /api/v1/programs/{programID}/report.pdf": "coord",
	"GET /api/v1/programs/{programID}/report.csv": "coord", "GET /api/v1/programs/{programID}/report.xlsx": "coord",
	"GET /api/v1/programs/{programID}/export/evaluations.csv": "coord", "GET /api/v1/programs/{programID}/export/evaluations.xlsx": "coord",
	"GET /api/v1/programs/{programID}/export/meetings.csv": "coord",
	"GET /api/v1/audit": "admin", "GET /api/v1/me/access-log": "user",
	"GET /api/v1/me/export": "user", "GET /api/v1/programs/{programID}/retention": "coord", "PUT /api/v1/programs/{programID}/retention": "coord",
	"GET /api/v1/me/reminders": "user", "PUT /api/v1/me/reminders": "user",
	"GET /api/v1/brand": "public", "PUT /api/v1/brand": "admin",
	// Login services and photos (internal/api/sso.go, photo.go).
	"GET /api/v1/sso/providers": "admin", "PUT /api/v1/sso/providers/{provider}": "admin",
	"DELETE /api/v1/sso/providers/{provider}": "refused",
	"GET /api/v1/users/{userID}/photo":        "program", "PUT /api/v1/me/photo": "user", "DELETE /api/v1/me/photo": "user",
	"GET /api/v1/me/two-factor": "user", "POST /api/v1/me/two-factor": "user",
	"POST /api/v1/me/two-factor/confirm": "user", "POST /api/v1/me/two-factor/disable": "user",
}
