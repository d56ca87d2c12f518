package resource

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/store"
)

// ReadUpload reads the multipart form's file field, refusing more than
// MaxFileSize with a TooLarge error beside the field.
func ReadUpload(w http.ResponseWriter, r *http.Request) (name string, data []byte, err error) {
	httpx.RaiseBodyLimit(w, r, MaxFileSize+64<<10) // the form around the file
	tooLarge := FileError(errs.TooLarge, "resource.error.too_large", "max", MaxFileSize>>20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return "", nil, tooLarge
		}
		return "", nil, FileError(errs.Invalid, "resource.error.file_missing")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, FileError(errs.Invalid, "resource.error.file_missing")
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return "", nil, err
	}
	if len(data) > MaxFileSize {
		return "", nil, tooLarge
	}
	return hdr.Filename, data, nil
}

// Download reads a file for actor from the program's resources: only its
// coordinators and the people of its audience may have it.
func Download(ctx context.Context, db *store.DB, actor *account.User, programID, resourceID int64) (*Resource, []byte, error) {
	prog, role, err := Viewer(ctx, db, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	return File(ctx, db, prog.ID, resourceID, role)
}

// Send answers with a file always as a download of the type it was stored
// as, sandboxed: never shown as a page of this site.
func Send(w http.ResponseWriter, r *http.Request, res *Resource, data []byte) {
	h := w.Header()
	h.Set("Content-Type", res.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": res.FileName}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}
