package web

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mentorskap/internal/resource"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// uploadResource posts a file with its title and audience as the manage
// page's form does.
func (c *client) uploadResource(path, filename, title, audience string, data []byte) *response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("title", title)
	w.WriteField("audience", audience)
	f, _ := w.CreateFormFile("file", filename)
	f.Write(data)
	w.Close()
	return c.send(http.MethodPost, path, w.FormDataContentType(), &body)
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestResourcesRolesLimitsAndTypes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newAnnounceScene(t, db)
		en := s.app.bundle.Locale("en")
		coord := s.app.login(s.coord.Email)
		coord.get(s.base+"/resources/manage").mustStatus(t, http.StatusOK)

		// A handbook for the mentors only.
		coord.uploadResource(s.base+"/resources/files", "Mentor handbook.pdf", "", "mentors", pdfBytes).mustStatus(t, http.StatusSeeOther)
		var id int64
		db.QueryRow(context.Background(), `SELECT id FROM resources WHERE title = 'Mentor handbook'`).Scan(&id)
		if id == 0 {
			t.Fatal("the upload was not stored under the file's name")
		}
		file := s.base + "/resources/" + pid(id) + "/file"

		// Too large: 413 with the translated reason, nothing stored.
		big := append(append([]byte{}, pdfBytes...), make([]byte, resource.MaxFileSize)...)
		res := coord.uploadResource(s.base+"/resources/files", "big.pdf", "Big", "all", big)
		res.mustStatus(t, http.StatusRequestEntityTooLarge)
		res.mustContain(t, html.EscapeString(en.T("resource.error.too_large", "max", 10)))
		// HTML and programs are refused whatever they are called.
		for name, data := range map[string][]byte{
			"page.html":  []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"),
			"slides.pdf": []byte("<html><body>not a pdf</body></html>"),
			"setup.exe":  append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...),
			"run.sh":     []byte("#!/bin/sh\nrm -rf /\n"),
			"fake.docx":  []byte("PK\x03\x04 not really a zip"),
		} {
			res := coord.uploadResource(s.base+"/resources/files", name, "Bad", "all", data)
			res.mustStatus(t, http.StatusUnprocessableEntity)
			res.mustContain(t, html.EscapeString(en.T("resource.error.file_type")))
		}
		if n := s.app.enrolCount(`SELECT COUNT(*) FROM resources`); n != 1 {
			t.Fatalf("%d resources stored, want the handbook only", n)
		}
		// An office document and plain text are taken.
		coord.uploadResource(s.base+"/resources/files", "plan.docx", "Plan", "mentees", docx(t)).mustStatus(t, http.StatusSeeOther)
		coord.uploadResource(s.base+"/resources/files", "notes.txt", "Notes", "all", []byte("Bring a notebook.\n")).mustStatus(t, http.StatusSeeOther)

		// Links: http(s) only.
		for _, bad := range []string{"javascript:alert(1)", "ftp://example.org/x", "example.org", ""} {
			res := coord.post(s.base+"/resources/links", url.Values{"url": {bad}, "link_title": {"Video"}, "link_audience": {"all"}})
			res.mustStatus(t, http.StatusUnprocessableEntity)
			res.mustContain(t, html.EscapeString(en.T("resource.error.url")))
		}
		coord.post(s.base+"/resources/links", url.Values{"url": {"https://video.example.org/kickoff"}, "link_title": {"Kick-off video"},
			"link_audience": {"all"}}).mustStatus(t, http.StatusSeeOther)

		// The mentor sees the handbook and the video; the mentee the
		// plan and the video; each downloads only their own.
		mentor, mentee := s.app.login(s.mentor.Email), s.app.login(s.mentee.Email)
		mentor.get(s.base+"/resources").mustContain(t, "Mentor handbook", "Kick-off video", "Notes")
		if strings.Contains(mentor.get(s.base+"/resources").Body, ">Plan<") {
			t.Fatal("the mentor sees a file for the mentees")
		}
		page := mentee.get(s.base + "/resources")
		page.mustContain(t, "Plan", "Kick-off video")
		if strings.Contains(page.Body, "Mentor handbook") {
			t.Fatal("the mentee sees the mentors' handbook")
		}
		res = mentor.get(file)
		res.mustStatus(t, http.StatusOK)
		if res.Body != string(pdfBytes) || res.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %v", res.Header)
		}
		mentee.get(file).mustStatus(t, http.StatusNotFound)
		s.app.login(s.pending.Email).get(file).mustStatus(t, http.StatusNotFound)
		s.app.login(s.alien.Email).get(file).mustStatus(t, http.StatusNotFound)
		s.app.login(s.alien.Email).get(s.base+"/resources").mustStatus(t, http.StatusNotFound)
		coord.get(file).mustStatus(t, http.StatusOK)

		// Participants do not manage.
		mentor.get(s.base+"/resources/manage").mustStatus(t, http.StatusForbidden)
		mentor.uploadResource(s.base+"/resources/files", "x.pdf", "X", "all", pdfBytes).mustStatus(t, http.StatusForbidden)

		// Editing the audience moves it; removing asks first.
		coord.post(s.base+"/resources/"+pid(id), url.Values{"title": {"Handbook"}, "audience": {"all"}}).mustStatus(t, http.StatusSeeOther)
		mentee.get(file).mustStatus(t, http.StatusOK)
		res = coord.post(s.base+"/resources/"+pid(id), url.Values{"title": {""}, "audience": {"all"}})
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res = coord.post(s.base+"/resources/"+pid(id)+"/remove", url.Values{})
		res.mustStatus(t, http.StatusOK)
		res.mustContain(t, `name="confirmed" value="yes"`)
		mentee.get(file).mustStatus(t, http.StatusOK)
		coord.post(s.base+"/resources/"+pid(id)+"/remove", url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusSeeOther)
		mentee.get(file).mustStatus(t, http.StatusNotFound)
	})
}

// docx makes the smallest zip Sniff takes for a Word document.
func docx(t *testing.T) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types/>`))
	w2, _ := z.Create("word/document.xml")
	w2.Write([]byte(`<w:document/>`))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestResourceCopyToProgram(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newAnnounceScene(t, db)
		coord := s.app.login(s.coord.Email)
		coord.uploadResource(s.base+"/resources/files", "h.pdf", "Handbook", "mentors", pdfBytes).mustStatus(t, http.StatusSeeOther)
		coord.post(s.base+"/resources/links", url.Values{"url": {"https://example.org/v"}, "link_title": {"Video"}, "link_audience": {"all"}}).mustStatus(t, http.StatusSeeOther)
		next := s.app.newProgramAs(s.coord, "Autumn cohort")
		ctx := context.Background()
		if err := db.Tx(ctx, func(tx *store.Tx) error { return resource.CopyToProgram(ctx, tx, s.prog.ID, next.ID) }); err != nil {
			t.Fatal(err)
		}
		if n := s.app.enrolCount(`SELECT COUNT(*) FROM resources WHERE program_id = ?`, next.ID); n != 2 {
			t.Fatalf("%d resources copied, want 2", n)
		}
		var id int64
		db.QueryRow(ctx, `SELECT id FROM resources WHERE program_id = ? AND kind = 'file'`, next.ID).Scan(&id)
		res := coord.get("/programs/" + pid(next.ID) + "/resources/" + pid(id) + "/file")
		res.mustStatus(t, http.StatusOK)
		if res.Body != string(pdfBytes) {
			t.Fatal("the copied file differs")
		}
	})
}
