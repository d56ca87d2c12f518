package api

import (
	"bytes"
	"mentorskap/internal/httpx"
	"mime/multipart"
	"net/http"
	"testing"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func TestAPIAnnouncements(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newAnnounceScene(t, db)
		coord, mentor := s.app.apiClient(s.coord.Email), s.app.apiClient(s.mentor.Email)
		base := "/api/v1/programs/" + pid(s.prog.ID) + "/announcements"

		pre := apiDecode[apiAnnouncementPreview](t, coord.apiSend("POST", base+"/preview",
			map[string]string{"segment": "mentees", "subject": "Training", "body": "Thursday at six."}), http.StatusOK)
		if pre.Recipients != 2 || pre.Language != s.prog.DefaultLanguage {
			t.Fatalf("preview: %+v", pre)
		}
		p := mustProblem(t, coord.apiSend("POST", base, map[string]string{"segment": "mentors", "subject": "", "body": "x"}), http.StatusUnprocessableEntity)
		if p.Errors["subject"] == "" {
			t.Fatalf("no subject error: %+v", p)
		}
		in := map[string]string{"segment": "mentors", "language": "nb", "subject": "Opplæring", "body": "Torsdag kl. 18.", "send_key": "api-1"}
		a := apiDecode[apiAnnouncement](t, coord.apiSend("POST", base, in), http.StatusCreated)
		if a.Recipients != 1 || a.Language != "nb" {
			t.Fatalf("created: %+v", a)
		}
		again := apiDecode[apiAnnouncement](t, coord.apiSend("POST", base, in), http.StatusOK)
		if again.ID != a.ID {
			t.Fatal("the same send_key made a second announcement")
		}
		if n, lang := s.emails(s.mentor.Email); n != 1 || lang != "nb" {
			t.Fatalf("mentor: %d emails in %q", n, lang)
		}
		list := apiDecode[httpx.Page[apiAnnouncement]](t, coord.apiSend("GET", base, nil), http.StatusOK)
		if len(list.Items) != 1 {
			t.Fatalf("list: %+v", list)
		}
		mustProblem(t, mentor.apiSend("GET", base, nil), http.StatusForbidden)
		mustProblem(t, mentor.apiSend("POST", base, in), http.StatusForbidden)

		mine := apiDecode[httpx.Page[apiAnnouncement]](t, mentor.apiSend("GET", "/api/v1/me/announcements", nil), http.StatusOK)
		if len(mine.Items) != 1 || mine.Items[0].Subject != "Opplæring" {
			t.Fatalf("mine: %+v", mine)
		}
		mustProblem(t, s.app.apiClient(s.mentee.Email).apiSend("POST", "/api/v1/announcements/"+pid(a.ID)+"/dismiss", nil), http.StatusNotFound)
		mentor.apiSend("POST", "/api/v1/announcements/"+pid(a.ID)+"/dismiss", nil).mustStatus(t, http.StatusNoContent)
		mine = apiDecode[httpx.Page[apiAnnouncement]](t, mentor.apiSend("GET", "/api/v1/me/announcements", nil), http.StatusOK)
		if len(mine.Items) != 0 {
			t.Fatal("a dismissed announcement is still listed")
		}
	})
}

func TestAPIResources(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newAnnounceScene(t, db)
		coord, mentee := s.app.apiClient(s.coord.Email), s.app.apiClient(s.mentee.Email)
		base := "/api/v1/programs/" + pid(s.prog.ID) + "/resources"

		upload := func(c *client, name string, data []byte, audience string) *response {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			w.WriteField("audience", audience)
			f, _ := w.CreateFormFile("file", name)
			f.Write(data)
			w.Close()
			return c.send("POST", base+"/files", w.FormDataContentType(), &body)
		}
		file := apiDecode[apiResource](t, upload(coord, "handbook.pdf", pdfBytes, "mentors"), http.StatusCreated)
		if file.ContentType != "application/pdf" || file.Title != "handbook" || file.DownloadURL == "" {
			t.Fatalf("uploaded: %+v", file)
		}
		p := mustProblem(t, upload(coord, "x.html", []byte("<html><body>hi</body></html>"), "all"), http.StatusUnprocessableEntity)
		if p.Errors["file"] != s.app.tr("en", "resource.error.file_type") {
			t.Fatalf("bad type: %+v", p)
		}
		mustProblem(t, upload(mentee, "m.pdf", pdfBytes, "all"), http.StatusForbidden)

		link := apiDecode[apiResource](t, coord.apiSend("POST", base+"/links",
			map[string]string{"title": "Video", "url": "https://example.org/v", "audience": "all"}), http.StatusCreated)
		mustProblem(t, coord.apiSend("POST", base+"/links", map[string]string{"title": "Bad", "url": "javascript:alert(1)"}), http.StatusUnprocessableEntity)

		list := apiDecode[httpx.Page[apiResource]](t, mentee.apiSend("GET", base, nil), http.StatusOK)
		if len(list.Items) != 1 || list.Items[0].ID != link.ID {
			t.Fatalf("the mentee's list: %+v", list)
		}
		mustProblem(t, mentee.apiSend("GET", file.DownloadURL, nil), http.StatusNotFound)
		mustProblem(t, s.app.apiClient(s.alien.Email).apiSend("GET", base, nil), http.StatusNotFound)

		changed := apiDecode[apiResource](t, coord.apiSend("PATCH", base+"/"+pid(file.ID), map[string]string{"audience": "all"}), http.StatusOK)
		if changed.Audience != "all" || changed.Title != "handbook" {
			t.Fatalf("patched: %+v", changed)
		}
		res := mentee.apiSend("GET", file.DownloadURL, nil)
		res.mustStatus(t, http.StatusOK)
		if res.Body != string(pdfBytes) || res.Header.Get("Content-Disposition") == "" {
			t.Fatalf("download: %v", res.Header)
		}
		coord.apiSend("DELETE", base+"/"+pid(file.ID), nil).mustStatus(t, http.StatusNoContent)
		mustProblem(t, mentee.apiSend("GET", file.DownloadURL, nil), http.StatusNotFound)
	})
}
