package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
	"mentorskap/internal/program"
)

// The profile photo, as on /profile: the caller sets or removes their own,
// and sees the photos of the people they share a program with.
func (s *API) apiPhotoTable() []httpx.Route {
	return []httpx.Route{
		{Method: "PUT", Pattern: "/api/v1/me/photo", Handler: s.apiPutPhoto},
		{Method: "DELETE", Pattern: "/api/v1/me/photo", Handler: s.apiDeletePhoto},
		{Method: "GET", Pattern: "/api/v1/users/{userID}/photo", Handler: s.apiGetPhoto},
	}
}

// photoUploadLimit is the largest request the photo takes: the file, base64
// in JSON, and room for the rest.
const photoUploadLimit = account.MaxAvatarUpload*4/3 + 64<<10

type apiPhotoInput struct {
	Photo []byte `json:"photo"`
}

func photoError(key string) error {
	return &errs.Error{Kind: errs.Invalid, Key: "error.invalid", Fields: map[string]errs.Msg{"photo": {Key: key}}}
}

func (s *API) apiPutPhoto(w http.ResponseWriter, r *http.Request) {
	httpx.RaiseBodyLimit(w, r, photoUploadLimit)
	var in apiPhotoInput
	err := httpx.ReadJSON(r, &in)
	switch {
	case errs.KindOf(err) == errs.TooLarge:
		err = &errs.Error{Kind: errs.TooLarge, Key: "avatar.error.too_large", Err: err,
			Fields: map[string]errs.Msg{"photo": {Key: "avatar.error.too_large"}}}
	case err == nil && len(in.Photo) == 0:
		err = photoError("avatar.error.missing")
	case err == nil && len(in.Photo) > account.MaxAvatarUpload:
		err = photoError("avatar.error.too_large")
	case err == nil:
		err = account.SaveAvatar(r.Context(), s.DB, s.Clock.Now(), httpx.User(r).ID, in.Photo)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *API) apiDeletePhoto(w http.ResponseWriter, r *http.Request) {
	if err := account.DeleteAvatar(r.Context(), s.DB, httpx.User(r).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiGetPhoto answers with a person's photo (JPEG), or their initials drawn
// as SVG when they have none, to the people who share a program with them
// and to administrators; anyone else gets the 404 of a person who does not
// exist.
func (s *API) apiGetPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "userID")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	viewer := httpx.User(r)
	ok := viewer.IsAdmin() || viewer.ID == id
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
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Write(img)
}
