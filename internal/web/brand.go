package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"mentorskap/internal/brand"
	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
)

// The installation's brand: the administrator sets it on /admin/brand (or
// PUT /api/v1/brand); every page links /brand.css, which sets the accent
// colour as CSS custom properties, and shows the organisation's name and
// logo (/brand/logo) in its header. The stylesheet and the logo are served
// from the database rather than written inline, so the Content-Security-
// Policy can keep refusing inline styles.

func (s *Server) brandRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /brand.css", s.brandCSS)
	mux.HandleFunc("GET /brand/logo", s.brandLogo)
	mux.HandleFunc("GET /admin/brand", s.requireAdmin(s.adminBrand))
	mux.HandleFunc("POST /admin/brand", s.requireAdmin(s.adminSaveBrand))
}

// brandUploadLimit is the largest request the brand form or API takes: the
// logo, base64 in JSON, and room for the rest.
const brandUploadLimit = brand.MaxLogoBytes*4/3 + 64<<10

// pageBrand reads the brand for a page. A failure to read it must not take
// every page down with it: the page shows the built-in brand and the error
// is logged.
func (s *Server) pageBrand(r *http.Request) *brand.Brand {
	if b := s.Brand.Get(); b != nil {
		return b
	}
	b, err := brand.Get(r.Context(), s.DB)
	if err != nil {
		s.Log.Error("brand", "err", err, "request_id", httpx.RequestID(r))
		return brand.Default()
	}
	s.Brand.Put(b)
	return b
}

// brandCSS sets the accent for the stylesheet. The URL carries the brand's
// version, so it may be cached for long; a changed brand has a new URL.
func (s *Server) brandCSS(w http.ResponseWriter, r *http.Request) {
	b := s.pageBrand(r)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	if r.URL.Query().Get("v") == b.Version() {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	// Only the two colours an installation sets: app.css mixes the hover,
	// soft and line shades from them on :root. The colour passed
	// ParseColour on save: six hex digits, nothing that could end the rule.
	io.WriteString(w, ":root {\n  --accent: "+b.Accent+";\n  --accent-ink: #ffffff;\n}\n")
}

// brandLogo serves the uploaded logo. It is public: the login page shows
// it, and an organisation's logo is no secret.
func (s *Server) brandLogo(w http.ResponseWriter, r *http.Request) {
	b, err := brand.WithLogo(r.Context(), s.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !b.HasLogo {
		s.fail(w, r, errNotFound)
		return
	}
	w.Header().Set("Content-Type", b.LogoType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b.Logo)))
	if r.URL.Query().Get("v") == b.Version() {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Write(b.Logo)
}

type adminBrandData struct {
	Brand         *brand.Brand
	NameValue     string // the name as set; "" while the built-in name shows
	MaxLogoKB     int
	MaxLogoSide   int
	DefaultAccent string
}

func (s *Server) adminBrandData(r *http.Request) (*adminBrandData, error) {
	b, err := brand.Get(r.Context(), s.DB)
	if err != nil {
		return nil, err
	}
	name := b.Name
	if name == brand.DefaultName {
		name = ""
	}
	return &adminBrandData{Brand: b, NameValue: name, MaxLogoKB: brand.MaxLogoBytes >> 10, MaxLogoSide: brand.MaxLogoSide,
		DefaultAccent: brand.DefaultAccent}, nil
}

func (s *Server) adminBrand(w http.ResponseWriter, r *http.Request) {
	d, err := s.adminBrandData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_brand", d)
}

func (s *Server) adminSaveBrand(w http.ResponseWriter, r *http.Request) {
	httpx.RaiseBodyLimit(w, r, brandUploadLimit)
	d, err := s.adminBrandData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseMultipartForm(brandUploadLimit); err != nil {
		if errors.Is(err, http.ErrNotMultipart) {
			err = r.ParseForm()
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderForm(w, r, "admin_brand", d, &errs.Error{Kind: errs.TooLarge, Key: "error.invalid",
				Fields: map[string]errs.Msg{"logo": {Key: "brand.error.logo_too_large", Args: []any{"max", brand.MaxLogoBytes >> 10}}}})
			return
		}
		if err != nil {
			s.fail(w, r, errs.E(errs.Malformed, "error.invalid"))
			return
		}
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	c := brand.Change{Name: r.PostForm.Get("name"), Accent: r.PostForm.Get("accent"),
		RemoveLogo: r.PostForm.Get("remove_logo") != ""}
	if f, _, err := r.FormFile("logo"); err == nil {
		c.Logo, err = io.ReadAll(io.LimitReader(f, brand.MaxLogoBytes+1))
		f.Close()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(c.Logo) == 0 {
			c.Logo = nil // an empty file field: no new logo chosen
		}
	}
	if _, err := brand.Save(r.Context(), s.DB, httpx.User(r), s.Clock.Now(), c); err != nil {
		s.renderForm(w, r, "admin_brand", d, err)
		return
	}
	s.Brand.Clear()
	s.redirect(w, r, "/admin/brand", "brand.saved")
}
