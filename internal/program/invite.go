package program

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/brand"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/notify"
	"mentorskap/internal/store"
)

// InvitationTTL is how long an emailed invitation link works.
const InvitationTTL = 14 * 24 * time.Hour

// Invitation statuses, derived from the row and the time.
const (
	InviteOpen    = "open"
	InviteUsed    = "used"
	InviteExpired = "expired"
	InviteRevoked = "revoked"
)

// Invitation is a single-use link emailed to one address. Only the hash of
// its token is stored, so the list can show invitations but never reveal a
// working link.
type Invitation struct {
	ID, ProgramID int64
	Email, Name   string
	Role          string // "mentor", "mentee", or "" when the invitee chooses
	Language      string // the invitee's language; "" means the program's
	Note          string // the coordinator's personal note, carried in the email
	CreatedAt     time.Time
	ExpiresAt     time.Time
	UsedAt        *time.Time
	RevokedAt     *time.Time
}

// Status says whether the invitation can still be used at now.
func (i *Invitation) Status(now time.Time) string {
	switch {
	case i.UsedAt != nil:
		return InviteUsed
	case i.RevokedAt != nil:
		return InviteRevoked
	case !now.Before(i.ExpiresAt):
		return InviteExpired
	}
	return InviteOpen
}

// NewInvitation is what a coordinator types to invite one person.
type NewInvitation struct {
	Email, Name string
	Role        string // mentor, mentee, or "" / "choose" to let them choose
	Language    string // en, nb, sv, id; "" means the program's default
	Note        string // optional personal note from the coordinator, sent in the email
}

// MaxInviteNote is the longest personal note an invitation may carry: a
// few sentences, not a letter.
const MaxInviteNote = 1000

// normalize cleans the input and reports problems as per-field messages.
func (n *NewInvitation) normalize(v *errs.Validation) {
	n.Email = account.NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	n.Role = strings.ToLower(strings.TrimSpace(n.Role))
	n.Language = strings.ToLower(strings.TrimSpace(n.Language))
	v.Check(ValidInviteRole(n.Role), "role", "enrol.error.role_unknown")
	if n.Role == JoinChoose {
		n.Role = ""
	}
	v.Check(n.Language == "" || i18n.Supported(n.Language), "language", "enrol.error.language_unknown")
	v.Check(account.ValidEmail(n.Email), "email", "error.email_invalid")
	v.Check(utf8.RuneCountInString(n.Name) <= account.MaxName, "name", "error.too_long", "max", account.MaxName)
	n.Note = strings.TrimSpace(strings.ReplaceAll(n.Note, "\r\n", "\n"))
	v.Check(utf8.RuneCountInString(n.Note) <= MaxInviteNote, "note", "error.too_long", "max", MaxInviteNote)
}

// ValidInviteRole reports whether role is one an invitation can carry.
func ValidInviteRole(role string) bool {
	switch role {
	case "", JoinChoose, string(RoleMentor), string(RoleMentee):
		return true
	}
	return false
}

const invitationCols = `id, program_id, email, name, role, language, note, created_at, expires_at, used_at, revoked_at`

func scanInvitation(row interface{ Scan(...any) error }) (*Invitation, error) {
	var i Invitation
	err := row.Scan(&i.ID, &i.ProgramID, &i.Email, &i.Name, &i.Role, &i.Language, &i.Note,
		&i.CreatedAt, &i.ExpiresAt, &i.UsedAt, &i.RevokedAt)
	if err != nil {
		return nil, err
	}
	return &i, nil
}

// Invite emails one person a single-use link into the program.
func (s *Service) Invite(ctx context.Context, actor *account.User, programID int64, n NewInvitation) (*Invitation, error) {
	var v errs.Validation
	n.normalize(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	var out *Invitation
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := requireCoordinator(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		if key, err := inviteBlocker(ctx, tx, programID, n.Email, now); err != nil {
			return err
		} else if key != "" {
			return &errs.Error{Kind: errs.Conflict, Key: key, Fields: map[string]errs.Msg{"email": {Key: key}}}
		}
		out, err = s.createInvitation(ctx, tx, now, actor, prog, n)
		return err
	})
	return out, err
}

// inviteBlocker says why email may not be invited now: already taking part
// or holding an open invitation. "" means it may.
func inviteBlocker(ctx context.Context, q store.Q, programID int64, email string, now time.Time) (string, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM participants p JOIN users u ON u.id = p.user_id
		WHERE p.program_id = ? AND u.email = ?`, programID, email).Scan(&n)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "enrol.error.already_participant", nil
	}
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM invitations WHERE program_id = ? AND email = ?
		AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, programID, email, now).Scan(&n)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "enrol.error.already_invited", nil
	}
	return "", nil
}

// inviteBlockers maps every address that may not be invited now to the
// reason, as inviteBlocker does for one.
func inviteBlockers(ctx context.Context, q store.Q, programID int64, now time.Time) (map[string]string, error) {
	out := map[string]string{}
	collect := func(key, query string, args ...any) error {
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var email string
			if err := rows.Scan(&email); err != nil {
				return err
			}
			if out[email] == "" {
				out[email] = key
			}
		}
		return rows.Err()
	}
	if err := collect("enrol.error.already_participant", `SELECT u.email FROM participants p
		JOIN users u ON u.id = p.user_id WHERE p.program_id = ?`, programID); err != nil {
		return nil, err
	}
	err := collect("enrol.error.already_invited", `SELECT email FROM invitations WHERE program_id = ?
		AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, programID, now)
	return out, err
}

func (s *Service) createInvitation(ctx context.Context, q store.Q, now time.Time, actor *account.User, prog *Program, n NewInvitation) (*Invitation, error) {
	token, hash := account.NewToken()
	inv, err := scanInvitation(q.QueryRow(ctx, `INSERT INTO invitations
		(program_id, email, name, role, language, note, token_hash, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+invitationCols,
		prog.ID, n.Email, n.Name, n.Role, n.Language, n.Note, hash, actor.ID, now, now.Add(InvitationTTL)))
	if err != nil {
		return nil, err
	}
	return inv, s.sendInvitation(ctx, q, now, actor, prog, inv, token)
}

// sendInvitation emails the link. The email says who invites, to which
// program and whose program it is, in which role, what taking part asks
// (the program's dates and meeting rules), and the coordinator's note.
func (s *Service) sendInvitation(ctx context.Context, q store.Q, now time.Time, inviter *account.User, prog *Program, inv *Invitation, token string) error {
	name := inv.Name
	if name == "" {
		name = inv.Email
	}
	org, err := brand.Get(ctx, q)
	if err != nil {
		return err
	}
	role := textArg{key: "enrol.invite_role.choose"}
	if inv.Role != "" {
		role.key = "enrol.invite_role." + inv.Role
	}
	asks := textArg{key: "enrol.invite_asks", args: []any{"start", prog.Start, "end", prog.End,
		"meetings", prog.MinMeetings, "min", prog.MeetingMinMinutes, "max", prog.MeetingMaxMinutes, "gap", prog.MaxGapDays}}
	note := textArg{}
	if inv.Note != "" {
		note = textArg{key: "enrol.invite_note", args: []any{"inviter", inviter.Name, "note", notify.Quote(inv.Note)}}
	}
	to := Recipient(inv.Email, inv.Name, inv.Language, prog)
	return s.Outbox.Send(ctx, q, now, to, "invitation",
		"name", name, "inviter", inviter.Name, "program", prog.Name, "org", org.Name, "role", role,
		"asks", asks, "note", note, "link", s.Outbox.Link("/invite/"+token),
		"days", int(InvitationTTL/(24*time.Hour)))
}

// textArg is a sentence of an email filled in the recipient's language, or
// nothing when key is empty.
type textArg struct {
	key  string
	args []any
}

func (a textArg) Localize(l *i18n.Locale) string {
	if a.key == "" {
		return ""
	}
	return l.T(a.key, a.args...)
}

// Invitations lists a program's invitations, newest first, for its
// coordinators.
func (s *Service) Invitations(ctx context.Context, actor *account.User, programID int64) ([]Invitation, error) {
	if _, err := s.RequireCoordinator(ctx, actor, programID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+invitationCols+` FROM invitations WHERE program_id = ?
		ORDER BY created_at DESC, id DESC`, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *inv)
	}
	return out, rows.Err()
}

// ResendInvitation emails a fresh link with a fresh expiry. The old link
// stops working, so a forwarded or leaked copy dies with it.
func (s *Service) ResendInvitation(ctx context.Context, actor *account.User, programID, invitationID int64) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := requireCoordinator(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		token, hash := account.NewToken()
		inv, err := scanInvitation(tx.QueryRow(ctx, `UPDATE invitations SET token_hash = ?, expires_at = ?
			WHERE id = ? AND program_id = ? AND used_at IS NULL AND revoked_at IS NULL
			RETURNING `+invitationCols, hash, now.Add(InvitationTTL), invitationID, programID))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "enrol.error.invitation_not_open")
		}
		if err != nil {
			return err
		}
		return s.sendInvitation(ctx, tx, now, actor, prog, inv, token)
	})
}

// RevokeInvitation withdraws an invitation that has not been used.
func (s *Service) RevokeInvitation(ctx context.Context, actor *account.User, programID, invitationID int64) error {
	now := s.Clock.Now().UTC()
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if _, err := requireCoordinator(ctx, tx, actor, programID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE invitations SET revoked_at = ?
			WHERE id = ? AND program_id = ? AND used_at IS NULL AND revoked_at IS NULL`, now, invitationID, programID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "enrol.error.invitation_not_open")
		}
		return nil
	})
}

// Offer is what a person sees before accepting an invitation or a join
// link: which program, and what is already decided for them.
type Offer struct {
	Program  *Program
	Email    string // fixed by an invitation; "" for a join link
	Name     string // suggested by the coordinator
	Language string // preselected for a new account
	Role     string // "mentor" or "mentee" when fixed; "" when the person chooses
}

// inviteError explains why a token cannot be used, with the same answer to
// everyone: the link is the only credential, so nothing else is revealed.
func inviteError(ctx context.Context, q store.Q, hash string, now time.Time) error {
	inv, err := scanInvitation(q.QueryRow(ctx, `SELECT `+invitationCols+` FROM invitations WHERE token_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "enrol.error.invitation_unknown")
	}
	if err != nil {
		return err
	}
	switch inv.Status(now) {
	case InviteUsed:
		return errs.E(errs.NotFound, "enrol.error.invitation_used")
	case InviteRevoked:
		return errs.E(errs.NotFound, "enrol.error.invitation_revoked")
	case InviteExpired:
		return errs.E(errs.NotFound, "enrol.error.invitation_expired")
	}
	return nil
}

// InvitationOffer looks up an invitation link without using it.
func (s *Service) InvitationOffer(ctx context.Context, token string) (*Offer, error) {
	now := s.Clock.Now().UTC()
	hash := account.HashToken(token)
	if err := inviteError(ctx, s.DB, hash, now); err != nil {
		return nil, err
	}
	inv, err := scanInvitation(s.DB.QueryRow(ctx, `SELECT `+invitationCols+` FROM invitations WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, store.NotFound(err, "enrol.error.invitation_unknown")
	}
	prog, err := Get(ctx, s.DB, inv.ProgramID)
	if err != nil {
		return nil, err
	}
	return &Offer{Program: prog, Email: inv.Email, Name: inv.Name,
		Language: firstLang(inv.Language, prog.DefaultLanguage), Role: inv.Role}, nil
}

// JoinOffer looks up a program's open join link. A disabled link answers
// exactly like an unknown one.
func (s *Service) JoinOffer(ctx context.Context, token string) (*Offer, error) {
	prog, err := ByJoinToken(ctx, s.DB, token)
	if err != nil || !prog.JoinEnabled {
		if err == nil || errs.Is(err, errs.NotFound) {
			return nil, errs.E(errs.NotFound, "enrol.error.join_closed")
		}
		return nil, err
	}
	role := prog.JoinRole
	if role == JoinChoose {
		role = ""
	}
	return &Offer{Program: prog, Language: prog.DefaultLanguage, Role: role}, nil
}

func firstLang(langs ...string) string {
	for _, l := range langs {
		if i18n.Supported(l) {
			return l
		}
	}
	return i18n.Languages[0]
}

// Acceptance is the invitee's answer. Account is read only when nobody is
// logged in: then an account is created with it.
type Acceptance struct {
	Role    string
	Account account.NewUser
}

// Accepted says who is now a (pending) participant, and the session opened
// for them when the account was created in the same step.
type Accepted struct {
	User      *account.User
	ProgramID int64
	Session   string // "" when the person was already logged in
}

// AcceptInvitation uses an invitation: in one transaction the invitation is
// marked used (only one request can win that update), the account is
// created if needed, the person becomes a pending participant and the
// coordinators are told. Any problem rolls all of it back.
func (s *Service) AcceptInvitation(ctx context.Context, actor *account.User, token string, a Acceptance) (*Accepted, error) {
	now := s.Clock.Now().UTC()
	hash := account.HashToken(token)
	var out *Accepted
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		inv, err := scanInvitation(tx.QueryRow(ctx, `UPDATE invitations SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
			RETURNING `+invitationCols, now, hash, now))
		if errors.Is(err, sql.ErrNoRows) {
			if err := inviteError(ctx, tx, hash, now); err != nil {
				return err
			}
			return errs.E(errs.NotFound, "enrol.error.invitation_unknown")
		}
		if err != nil {
			return err
		}
		if actor != nil && account.NormalizeEmail(actor.Email) != inv.Email {
			return errs.E(errs.Forbidden, "enrol.error.wrong_email", "email", inv.Email)
		}
		prog, err := Get(ctx, tx, inv.ProgramID)
		if err != nil {
			return err
		}
		role := inv.Role
		if role == "" {
			role = a.Role
		}
		a.Account.Email = inv.Email
		if a.Account.Language == "" {
			a.Account.Language = firstLang(inv.Language, prog.DefaultLanguage)
		}
		out, err = s.enrol(ctx, tx, now, prog, actor, role, a.Account)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE invitations SET used_by = ? WHERE id = ?`, out.User.ID, inv.ID)
		return err
	})
	return out, err
}

// Join enrols a person through the program's open join link.
func (s *Service) Join(ctx context.Context, actor *account.User, token string, a Acceptance) (*Accepted, error) {
	now := s.Clock.Now().UTC()
	var out *Accepted
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		prog, err := ByJoinToken(ctx, tx, token)
		if err != nil || !prog.JoinEnabled {
			if err == nil || errs.Is(err, errs.NotFound) {
				return errs.E(errs.NotFound, "enrol.error.join_closed")
			}
			return err
		}
		role := prog.JoinRole
		if role == JoinChoose {
			role = a.Role
		}
		if a.Account.Language == "" {
			a.Account.Language = prog.DefaultLanguage
		}
		out, err = s.enrol(ctx, tx, now, prog, actor, role, a.Account)
		return err
	})
	return out, err
}

// enrol creates the account when nobody is logged in, adds the pending
// participant and tells the coordinators, all inside tx.
func (s *Service) enrol(ctx context.Context, tx store.Q, now time.Time, prog *Program, actor *account.User, role string, nu account.NewUser) (*Accepted, error) {
	if role != string(RoleMentor) && role != string(RoleMentee) {
		return nil, &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
			Fields: map[string]errs.Msg{"role": {Key: "enrol.error.role_required"}}}
	}
	out := &Accepted{User: actor, ProgramID: prog.ID}
	if actor == nil {
		nu.Role = account.RoleMember // an invitation never grants more than membership
		u, err := account.CreateUser(ctx, tx, now, nu)
		if errs.Is(err, errs.Conflict) {
			return nil, errs.E(errs.Conflict, "enrol.error.account_exists")
		}
		if err != nil {
			return nil, err
		}
		out.User = u
		if out.Session, err = account.CreateSession(ctx, tx, now, u.ID); err != nil {
			return nil, err
		}
	}
	langs := ""
	if out.User.Language != "" {
		langs = out.User.Language
	}
	_, err := tx.Exec(ctx, `INSERT INTO participants (program_id, user_id, role, status, languages, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, prog.ID, out.User.ID, role, StatusPending, langs, now, now)
	if store.IsUnique(err) {
		return nil, errs.E(errs.Conflict, "enrol.error.already_participant")
	}
	if err != nil {
		return nil, err
	}
	return out, s.notifyCoordinators(ctx, tx, now, prog, out.User, role)
}

// roleKeys name each participant role in the catalog.
var roleKeys = map[string]string{"mentor": "enrol.role.mentor", "mentee": "enrol.role.mentee"}

// notifyCoordinators tells each coordinator, in their own language, that
// someone has applied and waits for approval.
func (s *Service) notifyCoordinators(ctx context.Context, tx store.Q, now time.Time, prog *Program, who *account.User, role string) error {
	if s.Outbox == nil {
		return nil
	}
	list, err := CoordinatorRecipients(ctx, tx, prog)
	if err != nil {
		return err
	}
	link := s.Outbox.Link(programPath(prog.ID) + "/participants/" + strconv.FormatInt(who.ID, 10))
	for _, to := range list {
		roleName := strings.ToLower(s.Outbox.Bundle.Locale(to.Lang).T(roleKeys[role]))
		if err := s.Outbox.Send(ctx, tx, now, to, "application",
			"name", who.Name, "email", who.Email, "role", roleName, "program", prog.Name, "link", link); err != nil {
			return err
		}
	}
	return nil
}

// Limits on an uploaded list of invitees.
const (
	MaxCSVBytes = 1 << 20
	MaxCSVRows  = 2000
)

// CSVProblem is why one row of an upload was not invited. Row is the line
// number in the file, the header being line 1.
type CSVProblem struct {
	Row   int
	Email string
	Key   string
	Args  []any
}

// CSVReport is the outcome of an upload: how many were invited and what was
// wrong with the rest.
type CSVReport struct {
	Rows     int
	Invited  int
	Problems []CSVProblem
}

// csvColumns are the header names an upload may use; email is required.
var csvColumns = map[string]bool{"email": true, "name": true, "role": true, "language": true, "note": true}

func csvFileError(key string, args ...any) error {
	return &errs.Error{Kind: errs.Invalid, Key: "error.invalid",
		Fields: map[string]errs.Msg{"file": {Key: key, Args: args}}}
}

type csvRow struct {
	line int
	inv  NewInvitation
}

// parseInviteCSV reads an upload into rows worth inviting and per-row
// problems. It accepts ; or , as separator (spreadsheets in Norway and
// Sweden write ;) and a UTF-8 byte order mark (Excel writes one).
func parseInviteCSV(data []byte) ([]csvRow, *CSVReport, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, csvFileError("enrol.csv.empty")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.TrimLeadingSpace = true

	header, err := r.Read()
	if err != nil {
		return nil, nil, csvFileError("enrol.csv.unreadable", "row", 1)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !csvColumns[h] {
			return nil, nil, csvFileError("enrol.csv.header")
		}
		col[h] = i
	}
	if _, ok := col["email"]; !ok {
		return nil, nil, csvFileError("enrol.csv.header")
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}

	report := &CSVReport{}
	var rows []csvRow
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, nil, csvFileError("enrol.csv.unreadable", "row", line)
		}
		line, _ := r.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		report.Rows++
		if report.Rows > MaxCSVRows {
			return nil, nil, csvFileError("enrol.csv.too_many_rows", "max", MaxCSVRows)
		}
		email := account.NormalizeEmail(get(rec, "email"))
		problem := func(key string, args ...any) {
			report.Problems = append(report.Problems, CSVProblem{Row: line, Email: email, Key: key, Args: args})
		}
		if len(rec) != len(header) {
			problem("enrol.csv.ragged", "want", len(header), "got", len(rec))
			continue
		}
		n := NewInvitation{Email: email, Name: get(rec, "name"), Role: get(rec, "role"), Language: get(rec, "language"),
			Note: get(rec, "note")}
		var v errs.Validation
		n.normalize(&v)
		if err := v.Err(); err != nil {
			e, _ := errs.As(err)
			switch {
			case v.Has("email"):
				problem("enrol.csv.email_invalid")
			case v.Has("role"):
				problem("enrol.csv.role_unknown", "role", n.Role)
			case v.Has("language"):
				problem("enrol.csv.language_unknown", "language", n.Language)
			case v.Has("name"):
				m := e.Fields["name"]
				problem(m.Key, m.Args...)
			default:
				m := e.Fields["note"]
				problem("enrol.csv.note_too_long", m.Args...)
			}
			continue
		}
		if prev, dup := seen[n.Email]; dup {
			problem("enrol.csv.duplicate", "row", prev)
			continue
		}
		seen[n.Email] = line
		rows = append(rows, csvRow{line: line, inv: n})
	}
	if report.Rows == 0 {
		return nil, nil, csvFileError("enrol.csv.empty")
	}
	return rows, report, nil
}

// InviteCSV invites everyone on a valid row of an uploaded list, all in one
// transaction, and reports the rows it left out and why.
func (s *Service) InviteCSV(ctx context.Context, actor *account.User, programID int64, file io.Reader) (*CSVReport, error) {
	if _, err := s.RequireCoordinator(ctx, actor, programID); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(file, MaxCSVBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxCSVBytes {
		return nil, csvFileError("enrol.csv.too_large", "max", MaxCSVBytes>>20)
	}
	rows, report, err := parseInviteCSV(data)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	var problems []CSVProblem
	invited := 0
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		problems, invited = nil, 0
		prog, err := requireCoordinator(ctx, tx, actor, programID)
		if err != nil {
			return err
		}
		// Two queries up front instead of two per row: the transaction holds
		// the write lock, and a list of 2000 should not hold it for long.
		blocked, err := inviteBlockers(ctx, tx, programID, now)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if key := blocked[row.inv.Email]; key != "" {
				problems = append(problems, CSVProblem{Row: row.line, Email: row.inv.Email, Key: key})
				continue
			}
			if _, err := s.createInvitation(ctx, tx, now, actor, prog, row.inv); err != nil {
				return err
			}
			invited++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	report.Invited = invited
	report.Problems = append(report.Problems, problems...)
	sort.SliceStable(report.Problems, func(i, j int) bool { return report.Problems[i].Row < report.Problems[j].Row })
	return report, nil
}
