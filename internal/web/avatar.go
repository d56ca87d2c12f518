package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

func (s *Server) avatarRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /people/{id}/avatar", s.requireUser(s.avatar))
	mux.HandleFunc("POST /profile/photo", s.requireUser(s.avatarUpload))
	mux.HandleFunc("POST /profile/photo/delete", s.requireUser(s.confirmFirst("photo_delete", nil, s.avatarDelete)))
}

// avatar serves a person's photo, or their initials drawn as SVG when they
// have none, to the people who share a program with them. Anyone else gets
// the same not-found as for a person who does not exist, so the address
// does not tell who has an account.
//
// The answer may be kept by the browser but must be asked for again each
// time (no-cache): the check runs on every request, and a person who left
// the program stops seeing the photo at once. The ETag keeps the repeat
// cheap.
func (s *Server) avatar(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	viewer := httpx.User(r)
	ok := viewer.IsAdmin() // administrators run every program
	if !ok {
		if ok, err = program.SharesProgram(r.Context(), s.DB, viewer.ID, id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !ok {
		s.fail(w, r, errs.E(errs.NotFound, "error.not_found"))
		return
	}
	img, _, err := account.Avatar(r.Context(), s.DB, id)
	typ := "image/jpeg"
	switch {
	case errs.Is(err, errs.NotFound):
		who, err := account.ByID(r.Context(), s.DB, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		img, typ = account.InitialsSVG(id, who.Name), "image/svg+xml"
	case err != nil:
		s.fail(w, r, err)
		return
	}
	sum := sha256.Sum256(img)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h := w.Header()
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", typ)
	w.Write(img)
}

// photoError is a problem with the uploaded photo, shown beside the field.
func photoError(key string, args ...any) error {
	return &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Fields: map[string]errs.Msg{"photo": {Key: key, Args: args}}}
}

func (s *Server) avatarUpload(w http.ResponseWriter, r *http.Request) {
	httpx.RaiseBodyLimit(w, r, account.MaxAvatarUpload+uploadOverhead)
	again := func(err error) {
		d, derr := s.profileData(r, "")
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.renderForm(w, r, "profile", d, err)
	}
	if err := r.ParseMultipartForm(account.MaxAvatarUpload + uploadOverhead); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			again(photoError("avatar.error.too_large"))
		} else {
			again(photoError("avatar.error.missing"))
		}
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("photo")
	if err != nil {
		again(photoError("avatar.error.missing"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, account.MaxAvatarUpload+1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(data) > account.MaxAvatarUpload {
		again(photoError("avatar.error.too_large"))
		return
	}
	if err := account.SaveAvatar(r.Context(), s.DB, s.Clock.Now(), httpx.User(r).ID, data); err != nil {
		again(err)
		return
	}
	s.redirect(w, r, "/profile#h-photo", "avatar.saved")
}

func (s *Server) avatarDelete(w http.ResponseWriter, r *http.Request) {
	if err := account.DeleteAvatar(r.Context(), s.DB, httpx.User(r).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile#h-photo", "avatar.removed")
}
