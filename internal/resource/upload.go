package resource

import (
	"errors"
	"io"
	"net/http"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
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
