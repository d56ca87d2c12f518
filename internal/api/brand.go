package api

import (
	"mentorskap/internal/brand"
	"mentorskap/internal/httpx"
	"net/http"
	"strings"
	"time"
)

// apiBrand is the brand as the JSON API shows it.
type apiBrand struct {
	Name      string    `json:"name"`
	Accent    string    `json:"accent"`
	LogoURL   *string   `json:"logo_url"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func (s *API) apiBrandTable() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/v1/brand", Handler: s.apiGetBrand, Public: true},
		{Method: "PUT", Pattern: "/api/v1/brand", Handler: s.apiPutBrand},
	}
}

func (s *API) apiGetBrand(w http.ResponseWriter, r *http.Request) {
	b, err := brand.Get(r.Context(), s.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, s.apiBrandOf(b))
}

func (s *API) apiBrandOf(b *brand.Brand) apiBrand {
	out := apiBrand{Name: b.Name, Accent: b.Accent, UpdatedAt: b.UpdatedAt}
	if b.HasLogo {
		u := strings.TrimRight(s.BaseURL, "/") + "/brand/logo?v=" + b.Version()
		out.LogoURL = &u
	}
	return out
}

// apiPutBrand replaces the name and the accent; the logo changes only when
// the body says so: logo (base64 PNG or JPEG) sets it, remove_logo drops it.
func (s *API) apiPutBrand(w http.ResponseWriter, r *http.Request) {
	httpx.RaiseBodyLimit(w, r, brandUploadLimit)
	var in struct {
		Name       string `json:"name"`
		Accent     string `json:"accent"`
		Logo       []byte `json:"logo"`
		RemoveLogo bool   `json:"remove_logo"`
	}
	if err := httpx.ReadJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := brand.Save(r.Context(), s.DB, httpx.User(r), s.Clock.Now(), brand.Change{Name: in.Name, Accent: in.Accent,
		Logo: in.Logo, RemoveLogo: in.RemoveLogo})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Brand.Clear()
	httpx.WriteJSON(w, http.StatusOK, s.apiBrandOf(b))
}

// brandUploadLimit is the largest request the brand API takes: the logo,
// base64 in JSON, and the rest.
const brandUploadLimit = brand.MaxLogoBytes*4/3 + 64<<10
