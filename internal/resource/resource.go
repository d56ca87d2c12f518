// Package resource keeps the files and links a program gives its people:
// the handbook, training slides, a video. Each is for everyone, for the
// mentors or for the mentees. Files are stored in the database, up to
// MaxFileSize, and only of the kinds Sniff accepts; they are served as
// downloads, never shown in the site's own pages.
package resource

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Audiences: who a resource is shown to.
const (
	AudienceAll     = "all"
	AudienceMentors = "mentors"
	AudienceMentees = "mentees"
)

// Audiences lists them in the order a form offers them.
var Audiences = []string{AudienceAll, AudienceMentors, AudienceMentees}

// Kinds of resource.
const (
	KindFile = "file"
	KindLink = "link"
)

// Limits.
const (
	MaxFileSize = 10 << 20
	MaxTitle    = 200
	MaxURL      = 2000
	MaxFileName = 200
)

// Resource is one file or link of a program, without a file's bytes.
type Resource struct {
	ID          int64
	ProgramID   int64
	Kind        string
	Title       string
	Audience    string
	URL         string // links
	FileName    string // files
	ContentType string
	Size        int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// IsFile says whether it is a file (else a link).
func (r Resource) IsFile() bool { return r.Kind == KindFile }

// For says whether a participant of the role sees it.
func (r Resource) For(role program.Role) bool {
	switch role {
	case program.RoleCoordinator:
		return true
	case program.RoleMentor:
		return r.Audience == AudienceAll || r.Audience == AudienceMentors
	case program.RoleMentee:
		return r.Audience == AudienceAll || r.Audience == AudienceMentees
	}
	return false
}

// Viewer is who asks for a program's resources: its coordinators (and
// administrators) see them all, an approved participant those for their
// role; anyone else, a participant still waiting for approval included,
// is told the program is not there.
func Viewer(ctx context.Context, q store.Q, actor *account.User, programID int64) (*program.Program, program.Role, error) {
	if actor == nil {
		return nil, program.RoleNone, errs.E(errs.Unauthorized, "error.login_required")
	}
	prog, err := program.Get(ctx, q, programID)
	if err != nil {
		return nil, program.RoleNone, err
	}
	if actor.IsAdmin() {
		return prog, program.RoleCoordinator, nil
	}
	var role string
	err = q.QueryRow(ctx, `SELECT 'coordinator' FROM program_coordinators WHERE program_id = ? AND user_id = ?
		UNION ALL SELECT role FROM participants WHERE program_id = ? AND user_id = ? AND status = 'approved'`,
		programID, actor.ID, programID, actor.ID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, program.RoleNone, errs.E(errs.NotFound, "program.error.not_found")
	}
	if err != nil {
		return nil, program.RoleNone, err
	}
	return prog, program.Role(role), nil
}

const cols = `id, program_id, kind, title, audience, url, file_name, content_type, size, created_at, updated_at`

func scan(row interface{ Scan(...any) error }) (Resource, error) {
	var r Resource
	err := row.Scan(&r.ID, &r.ProgramID, &r.Kind, &r.Title, &r.Audience, &r.URL, &r.FileName, &r.ContentType, &r.Size,
		&r.CreatedAt, &r.UpdatedAt)
	return r, err
}

// List loads the program's resources the role sees, by title. It does
// not check who asks; Viewer says the role.
func List(ctx context.Context, q store.Q, programID int64, role program.Role) ([]Resource, error) {
	rows, err := q.Query(ctx, `SELECT `+cols+` FROM resources WHERE program_id = ? ORDER BY title, id`, programID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Resource
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		if r.For(role) {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// Get loads one resource of the program if the role sees it; one it does
// not see is not found, like one that does not exist.
func Get(ctx context.Context, q store.Q, programID, id int64, role program.Role) (*Resource, error) {
	r, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM resources WHERE program_id = ? AND id = ?`, programID, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !r.For(role)) {
		return nil, errs.E(errs.NotFound, "resource.error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// File loads a file resource with its bytes for the role.
func File(ctx context.Context, q store.Q, programID, id int64, role program.Role) (*Resource, []byte, error) {
	r, err := Get(ctx, q, programID, id, role)
	if err != nil {
		return nil, nil, err
	}
	if !r.IsFile() {
		return nil, nil, errs.E(errs.NotFound, "resource.error.not_found")
	}
	var data []byte
	if err := q.QueryRow(ctx, `SELECT data FROM resource_files WHERE resource_id = ?`, id).Scan(&data); err != nil {
		return nil, nil, err
	}
	return r, data, nil
}

// Input is what a coordinator gives for a resource: the title and
// audience, and for a link its address.
type Input struct {
	Title    string
	Audience string
	URL      string
}

func (in *Input) normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.URL = strings.TrimSpace(in.URL)
	if in.Audience == "" {
		in.Audience = AudienceAll
	}
}

func (in *Input) check(v *errs.Validation) {
	v.Check(in.Title != "", "title", "resource.error.title_missing")
	v.Check(utf8.RuneCountInString(in.Title) <= MaxTitle, "title", "resource.error.title_long", "max", MaxTitle)
	v.Check(slices.Contains(Audiences, in.Audience), "audience", "resource.error.audience")
}

// CheckURL accepts an absolute http or https address with a host.
func CheckURL(raw string) bool {
	if len(raw) > MaxURL || strings.ContainsAny(raw, " \t\r\n") {
		return false
	}
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// AddLink adds a link to the program. The caller checks that actor is its
// coordinator (RequireCoordinatorTx).
func AddLink(ctx context.Context, tx *store.Tx, now time.Time, programID, actorID int64, in Input) (*Resource, error) {
	in.normalize()
	var v errs.Validation
	in.check(&v)
	v.Check(CheckURL(in.URL), "url", "resource.error.url")
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := Resource{ProgramID: programID, Kind: KindLink, Title: in.Title, Audience: in.Audience, URL: in.URL,
		CreatedAt: now, UpdatedAt: now}
	err := tx.QueryRow(ctx, `INSERT INTO resources (program_id, kind, title, audience, url, created_by, created_at, updated_at)
		VALUES (?, 'link', ?, ?, ?, ?, ?, ?) RETURNING id`, programID, r.Title, r.Audience, r.URL, actorID, now, now).Scan(&r.ID)
	return &r, err
}

// FileError is a problem with an uploaded file, shown beside the file
// field; a file over the limit is TooLarge (413), the rest Invalid.
func FileError(kind errs.Kind, key string, args ...any) error {
	return &errs.Error{Kind: kind, Key: "error.invalid", Fields: map[string]errs.Msg{"file": {Key: key, Args: args}}}
}

// AddFile adds a file to the program after checking its size and kind.
// An empty title takes the file's name. The caller checks that actor is
// its coordinator.
func AddFile(ctx context.Context, tx *store.Tx, now time.Time, programID, actorID int64, in Input, name string, data []byte) (*Resource, error) {
	in.normalize()
	name = cleanName(name)
	if in.Title == "" {
		in.Title = strings.TrimSuffix(name, path.Ext(name))
	}
	if len(data) > MaxFileSize {
		return nil, FileError(errs.TooLarge, "resource.error.too_large", "max", MaxFileSize>>20)
	}
	var v errs.Validation
	in.check(&v)
	if len(data) == 0 {
		v.Add("file", "resource.error.file_missing")
	}
	typ, name, ok := Sniff(name, data)
	if len(data) > 0 && !ok {
		v.Add("file", "resource.error.file_type")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := Resource{ProgramID: programID, Kind: KindFile, Title: in.Title, Audience: in.Audience, FileName: name,
		ContentType: typ, Size: int64(len(data)), CreatedAt: now, UpdatedAt: now}
	if err := tx.QueryRow(ctx, `INSERT INTO resources (program_id, kind, title, audience, file_name, content_type, size, created_by, created_at, updated_at)
		VALUES (?, 'file', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, programID, r.Title, r.Audience, r.FileName, r.ContentType, r.Size,
		actorID, now, now).Scan(&r.ID); err != nil {
		return nil, err
	}
	_, err := tx.Exec(ctx, `INSERT INTO resource_files (resource_id, data) VALUES (?, ?)`, r.ID, data)
	return &r, err
}

// cleanName keeps the last part of an uploaded file's name, without
// control characters or quotes, at most MaxFileName characters.
func cleanName(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if utf8.RuneCountInString(name) > MaxFileName {
		name = string([]rune(name)[:MaxFileName])
	}
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	return name
}

// Update changes a resource's title and audience; a link's address too
// when in.URL is set.
func Update(ctx context.Context, tx *store.Tx, now time.Time, programID, id int64, in Input) (*Resource, error) {
	r, err := Get(ctx, tx, programID, id, program.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	in.normalize()
	var v errs.Validation
	in.check(&v)
	if in.URL != "" || !r.IsFile() {
		if in.URL == "" {
			in.URL = r.URL
		}
		v.Check(!r.IsFile(), "url", "resource.error.url_file")
		v.Check(CheckURL(in.URL), "url", "resource.error.url")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r.Title, r.Audience, r.UpdatedAt = in.Title, in.Audience, now
	if !r.IsFile() {
		r.URL = in.URL
	}
	_, err = tx.Exec(ctx, `UPDATE resources SET title = ?, audience = ?, url = ?, updated_at = ? WHERE id = ?`,
		r.Title, r.Audience, r.URL, now, r.ID)
	return r, err
}

// Remove deletes a resource of the program, with its file.
func Remove(ctx context.Context, q store.Q, programID, id int64) error {
	res, err := q.Exec(ctx, `DELETE FROM resources WHERE program_id = ? AND id = ?`, programID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "resource.error.not_found")
	}
	return nil
}

// CopyToProgram copies every resource of program from, files included, to
// program to, as a new cohort starts with what the last one had. It is for
// copying a program; it does not check who asks.
func CopyToProgram(ctx context.Context, tx *store.Tx, from, to int64) error {
	rows, err := tx.Query(ctx, `SELECT `+cols+` FROM resources WHERE program_id = ? ORDER BY id`, from)
	if err != nil {
		return err
	}
	var list []Resource
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			rows.Close()
			return err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range list {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO resources (program_id, kind, title, audience, url, file_name, content_type, size, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, to, r.Kind, r.Title, r.Audience, r.URL, r.FileName, r.ContentType,
			r.Size, r.CreatedAt, r.UpdatedAt).Scan(&id); err != nil {
			return err
		}
		if r.IsFile() {
			if _, err := tx.Exec(ctx, `INSERT INTO resource_files (resource_id, data) SELECT ?, data FROM resource_files WHERE resource_id = ?`,
				id, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
