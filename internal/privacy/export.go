// Package privacy carries out the rights a person has over their data: a
// download of everything the installation holds about them, the deletion of
// their account, and the retention rule that clears a program's pair content
// some months after the program has ended.
package privacy

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/agreement"
	"mentorskap/internal/audit"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/store"
)

// Export is what a person downloads about themselves. Every section is a
// list of rows as the database holds them, minus secrets (password and
// token hashes), so that nothing is summarised away.
type Export struct {
	ExportedAt time.Time        `json:"exported_at"`
	Account    map[string]any   `json:"account"`
	Sections   map[string][]Row `json:"sections"`
}

// Row is one record of a section.
type Row = map[string]any

// A section is a named query over the person's id. Queries about a pair are
// limited to pairs the person belongs to; queries about a person's own
// writing (private notes, answers, reflections) to their own rows, so that
// the other side's private words never reach this file.
type section struct {
	name, query string
}

const myPairs = `(SELECT pair_id FROM pair_members WHERE user_id = ?)`

var sections = []section{
	{"participations", `SELECT p.id, p.program_id, g.name AS program, p.role, p.status, p.languages, p.location, p.online_ok,
		p.field, p.skills, p.needs, p.goals, p.interests, p.education, p.career_stage, p.availability, p.organisation,
		p.capacity, p.about, p.created_at, p.updated_at, p.decided_at
		FROM participants p JOIN programs g ON g.id = p.program_id WHERE p.user_id = ? ORDER BY p.id`},
	// Answers to a program's own questions (internal/question), those of
	// removed questions too; choices are option ids, named in the next
	// section.
	{"program_question_answers", `SELECT a.question_id, q.program_id, q.label AS question, q.kind, a.value, a.updated_at
		FROM program_question_answers a JOIN program_questions q ON q.id = a.question_id
		JOIN participants p ON p.id = a.participant_id WHERE p.user_id = ? ORDER BY a.question_id`},
	{"program_question_options", `SELECT o.id, o.question_id, o.label FROM program_question_options o
		WHERE o.question_id IN (SELECT a.question_id FROM program_question_answers a
		JOIN participants p ON p.id = a.participant_id WHERE p.user_id = ?) ORDER BY o.question_id, o.position`},
	{"coordinated_programs", `SELECT g.id, g.name FROM program_coordinators c JOIN programs g ON g.id = c.program_id
		WHERE c.user_id = ? ORDER BY g.id`},
	{"pairs", `SELECT p.id, p.program_id, g.name AS program, p.status, p.created_at, p.ended_at, m.side AS my_side
		FROM pairs p JOIN pair_members m ON m.pair_id = p.id JOIN programs g ON g.id = p.program_id
		WHERE m.user_id = ? ORDER BY p.id`},
	{"pair_members", `SELECT m.pair_id, m.side, u.name FROM pair_members m JOIN users u ON u.id = m.user_id
		WHERE m.pair_id IN ` + myPairs + ` ORDER BY m.pair_id, m.side, u.id`},
	{"match_requests", `SELECT id, program_id, mentee_id, mentor_id, note, status, created_at, decided_at, pair_id
		FROM match_requests WHERE mentee_id = ? ORDER BY id`},
	{"preparation_answers", `SELECT pair_id, answers, updated_at FROM agreement_preparations WHERE user_id = ? ORDER BY pair_id`},
	{"agreement_versions", `SELECT id, pair_id, number, content, hash, created_at FROM agreement_versions
		WHERE pair_id IN ` + myPairs + ` ORDER BY pair_id, number`},
	{"agreement_signatures", `SELECT s.version_id, v.pair_id, v.number, s.side, s.name, s.typed_name, s.hash, s.signed_at
		FROM agreement_signatures s JOIN agreement_versions v ON v.id = s.version_id
		WHERE v.pair_id IN ` + myPairs + ` ORDER BY s.id`},
	{"pair_endings", `SELECT pair_id, how, side, CASE WHEN ended_by = ? THEN reason ELSE '' END AS my_reason, ended_at
		FROM pair_endings WHERE pair_id IN ` + myPairs + ` ORDER BY pair_id`},
	{"closing_reflections", `SELECT pair_id, body, updated_at FROM pair_reflections WHERE user_id = ? ORDER BY pair_id`},
	{"meetings", `SELECT id, pair_id, status, starts_at, timezone, minutes, place, online_url, cancel_reason, cancelled_at,
		late_cancel, created_at, updated_at FROM meetings WHERE pair_id IN ` + myPairs + ` ORDER BY starts_at, id`},
	{"agenda_items", `SELECT a.meeting_id, a.position, a.source, a.title, a.note FROM agenda_items a
		JOIN meetings m ON m.id = a.meeting_id WHERE m.pair_id IN ` + myPairs + ` ORDER BY a.meeting_id, a.position`},
	{"shared_notes", `SELECT n.meeting_id, n.since_last, n.today, n.time_minutes, n.theme, n.next_steps, n.reflection,
		n.remember, n.updated_at FROM meeting_notes n JOIN meetings m ON m.id = n.meeting_id
		WHERE m.pair_id IN ` + myPairs + ` ORDER BY n.meeting_id`},
	{"private_notes", `SELECT meeting_id, body, updated_at FROM private_notes WHERE user_id = ? ORDER BY meeting_id`},
	{"action_items", `SELECT id, pair_id, meeting_id, body, owner_id, due_date, goal_id, status, created_at, updated_at
		FROM action_items WHERE pair_id IN ` + myPairs + ` ORDER BY id`},
	{"goals", `SELECT id, pair_id, parent_id, title, measure, target_date, status, progress, created_at, updated_at
		FROM goals WHERE pair_id IN ` + myPairs + ` ORDER BY pair_id, position, id`},
	{"messages", `SELECT m.id, m.pair_id, u.name AS sender, m.body, m.urgent, m.created_at FROM messages m
		LEFT JOIN users u ON u.id = m.sender_id WHERE m.pair_id IN ` + myPairs + ` ORDER BY m.id`},
	{"checkpoint_answers", `SELECT c.pair_id, c.kind, r.submitted_at, a.answer, a.comment FROM checkpoint_responses r
		JOIN checkpoints c ON c.id = r.checkpoint_id
		LEFT JOIN chemistry_answers a ON a.checkpoint_id = r.checkpoint_id AND a.user_id = r.user_id
		WHERE r.user_id = ? ORDER BY c.pair_id, c.kind`},
	{"evaluation_answers", `SELECT c.pair_id, c.kind, a.question_id, a.value, a.text FROM evaluation_answers a
		JOIN checkpoints c ON c.id = a.checkpoint_id WHERE a.user_id = ? ORDER BY c.pair_id, c.kind, a.question_id`},
	{"evaluation_goal_reviews", `SELECT c.pair_id, c.kind, r.goal_title, r.status, r.comment FROM evaluation_goal_reviews r
		JOIN checkpoints c ON c.id = r.checkpoint_id WHERE r.user_id = ? ORDER BY c.pair_id, c.kind, r.goal_id`},
	{"outcome_answers", `SELECT o.program_id, g.name AS program, o.round AS months, o.sent_at, o.closes_at, o.answered_at,
		o.status, o.helped, o.comment FROM outcome_surveys o JOIN programs g ON g.id = o.program_id
		WHERE o.user_id = ? ORDER BY o.id`},
	{"event_answers", `SELECT e.id AS event_id, e.program_id, e.kind, e.title, e.starts_at, e.ends_at, e.cancelled_at,
		i.response, i.responded_at, i.attended, i.invited_at
		FROM event_invites i JOIN events e ON e.id = i.event_id WHERE i.user_id = ? ORDER BY e.starts_at, e.id`},
	{"reminder_optouts", `SELECT kind FROM reminder_optouts WHERE user_id = ? ORDER BY kind`},
	{"sessions", `SELECT created_at, expires_at, last_seen_at FROM sessions WHERE user_id = ? ORDER BY created_at`},
	{"sign_ins", `SELECT at, method, provider, ip FROM sign_ins WHERE user_id = ? ORDER BY id`},
	{"linked_logins", `SELECT provider, email, created_at, last_used_at FROM oidc_identities WHERE user_id = ? ORDER BY provider`},
	{"passkeys", `SELECT name, created_at, last_used_at FROM passkeys WHERE user_id = ? ORDER BY id`},
	{"api_tokens", `SELECT name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id`},
	{"access_log", `SELECT a.at, a.action, COALESCE(u.name, '') AS by_whom, a.program_id, a.pair_id, a.detail
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE a.subject_user_id = ? ORDER BY a.id`},
	{"emails", `SELECT o.subject, o.body, o.language, o.created_at, o.sent_at FROM outbox o
		JOIN users u ON u.email = o.to_email WHERE u.id = ? ORDER BY o.id`},
}

// Collect reads everything held about the person. It runs in one
// transaction so that the sections agree with each other.
func Collect(ctx context.Context, q store.Q, userID int64, now time.Time) (*Export, error) {
	acc, err := queryRows(ctx, q, `SELECT id, email, name, role, language, timezone, created_at FROM users
		WHERE id = ? AND deleted_at IS NULL`, userID)
	if err != nil {
		return nil, err
	}
	if len(acc) == 0 {
		return nil, errs.E(errs.NotFound, "error.not_found")
	}
	e := &Export{ExportedAt: now.UTC(), Account: acc[0], Sections: map[string][]Row{}}
	for _, s := range sections {
		args := make([]any, countMarks(s.query))
		for i := range args {
			args[i] = userID
		}
		rows, err := queryRows(ctx, q, s.query, args...)
		if err != nil {
			return nil, err
		}
		if rows == nil {
			rows = []Row{}
		}
		e.Sections[s.name] = rows
	}
	return e, nil
}

func countMarks(q string) int {
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
		}
	}
	return n
}

// queryRows reads any result as rows keyed by column name. Text comes back
// from some drivers as bytes; JSON should show it as text.
func queryRows(ctx context.Context, q store.Q, query string, args ...any) ([]Row, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(Row, len(cols))
		for i, c := range cols {
			switch v := vals[i].(type) {
			case []byte:
				r[c] = string(v)
			case time.Time:
				r[c] = v.UTC()
			default:
				r[c] = v
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// WriteZIP collects the person's data and writes it as a ZIP archive:
// data.json and one PDF for every agreement version both sides signed,
// laid out in the person's language l and time zone.
//
// A file that cannot be made does not cost the person the rest: it is
// left out and README.txt, in their language, names it and says why. Only
// reading the data or writing to w fails the whole download.
func WriteZIP(ctx context.Context, db *store.DB, w io.Writer, u *account.User, l *i18n.Locale, now time.Time) error {
	return writeZIP(ctx, db, w, u, l, now, agreement.WritePDF)
}

// pdfWriter writes one agreement copy, as agreement.WritePDF does.
type pdfWriter func(io.Writer, *agreement.Printed, *i18n.Locale, time.Time) error

// missingFile is a file of the download that could not be made.
type missingFile struct {
	name string
	err  error
}

func writeZIP(ctx context.Context, db *store.DB, w io.Writer, u *account.User, l *i18n.Locale, now time.Time, writePDF pdfWriter) error {
	var e *Export
	var refs []versionRef
	err := db.Tx(ctx, func(tx *store.Tx) (err error) {
		if e, err = Collect(ctx, tx, u.ID, now); err != nil {
			return err
		}
		if refs, err = signedVersions(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.ID, audit.ActionExport, 0, 0, u.ID, "personal data download")
	})
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	var missing []missingFile
	// add writes the file build makes, or notes it as missing.
	add := func(name string, build func(io.Writer) error) error {
		var buf bytes.Buffer
		if err := build(&buf); err != nil {
			if ctx.Err() != nil {
				return ctx.Err() // no one is waiting for the rest
			}
			missing = append(missing, missingFile{name, err})
			return nil
		}
		return addFile(zw, name, now, buf.Bytes())
	}
	if err := add("data.json", func(w io.Writer) error {
		data, err := json.MarshalIndent(e, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}); err != nil {
		return err
	}
	// The copies go through the same checks as a download from the pair's
	// page; a half-signed version has none to give.
	ag := &agreement.Service{DB: db}
	for _, r := range refs {
		c, cerr := ag.SignedCopy(ctx, u, r.pair, r.n)
		if ce, ok := errs.As(cerr); ok && ce.Key == "copy.error.not_signed" {
			continue
		}
		err := add("agreements/"+agreement.CopyFileName(r.pair, r.n), func(w io.Writer) error {
			if cerr != nil {
				return cerr
			}
			return writePDF(w, c.Print(l, u.Timezone, u, now), l, now)
		})
		if err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		if err := addFile(zw, "README.txt", now, missingNote(missing, l)); err != nil {
			return err
		}
	}
	return zw.Close()
}

// missingNote says, in the person's language, which files are missing and
// why: the message of a coded error as the page would show it, the detail
// of any other so that the person can pass it on.
func missingNote(missing []missingFile, l *i18n.Locale) []byte {
	var b strings.Builder
	b.WriteString(l.T("privacy.export.missing_title") + "\n\n" + l.T("privacy.export.missing_intro") + "\n")
	for _, m := range missing {
		why := l.T("privacy.export.missing_internal", "detail", m.err.Error())
		if ce, ok := errs.As(m.err); ok && ce.Kind != errs.Internal {
			why = l.Msg(ce.Key, ce.Args)
		}
		b.WriteString("\n" + m.name + "\n    " + why + "\n")
	}
	return []byte(b.String())
}

func addFile(zw *zip.Writer, name string, now time.Time, b []byte) error {
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return err
}

type versionRef struct {
	pair int64
	n    int
}

// signedVersions are the agreement versions with signatures of every pair
// the person belongs to.
func signedVersions(ctx context.Context, q store.Q, userID int64) ([]versionRef, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT v.pair_id, v.number FROM agreement_versions v
		JOIN pair_members m ON m.pair_id = v.pair_id AND m.user_id = ?
		JOIN agreement_signatures s ON s.version_id = v.id ORDER BY v.pair_id, v.number`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var refs []versionRef
	for rows.Next() {
		var r versionRef
		if err := rows.Scan(&r.pair, &r.n); err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, rows.Err()
}
