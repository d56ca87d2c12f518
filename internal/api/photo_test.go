package api

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/store/storetest"
)

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAPIPhoto: a person sets and removes their photo; the people of their
// program see it (or the initials), a stranger gets 404; a file that is no
// picture is refused naming the field.
func TestAPIPhoto(t *testing.T) {
	t.Parallel()
	f := newProgramFixture(t, storetest.Default(t))
	app := f.app
	mentor := app.apiClient("mentor@example.org")
	mentee := f.mentee
	for _, id := range []int64{f.mentorID, f.menteeID} {
		f.coord.apiSend("POST", "/api/v1/programs/"+pid(f.programID)+"/participants/"+pid(id)+"/approve", nil).mustStatus(t, http.StatusOK)
	}
	app.addUser("stranger@example.org", "Sten", account.RoleMember, "en")
	stranger := app.apiClient("stranger@example.org")
	path := "/api/v1/users/" + pid(f.mentorID) + "/photo"

	res := mentee.apiSend("GET", path, nil)
	res.mustStatus(t, http.StatusOK)
	if res.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(res.Body, "<svg") {
		t.Fatalf("initials: %s %q", res.Header.Get("Content-Type"), res.Body)
	}
	mentor.apiSend("PUT", "/api/v1/me/photo", map[string]any{"photo": testPNG(t)}).mustStatus(t, http.StatusNoContent)
	res = mentee.apiSend("GET", path, nil)
	res.mustStatus(t, http.StatusOK)
	if res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("ETag") == "" {
		t.Fatalf("photo: %v", res.Header)
	}
	mentor.apiSend("GET", path, nil).mustStatus(t, http.StatusOK)
	mustProblem(t, stranger.apiSend("GET", path, nil), http.StatusNotFound)
	mustProblem(t, mentee.apiSend("GET", "/api/v1/users/99999/photo", nil), http.StatusNotFound)

	p := mustProblem(t, mentor.apiSend("PUT", "/api/v1/me/photo", map[string]any{"photo": []byte("not a picture")}), http.StatusUnprocessableEntity)
	if _, ok := p.Errors["photo"]; !ok {
		t.Fatalf("problem %+v", p)
	}
	p = mustProblem(t, mentor.apiSend("PUT", "/api/v1/me/photo", map[string]any{}), http.StatusUnprocessableEntity)
	if _, ok := p.Errors["photo"]; !ok {
		t.Fatalf("problem %+v", p)
	}
	if n := app.count(`SELECT COUNT(*) FROM avatars WHERE user_id = ?`, f.mentorID); n != 1 {
		t.Fatalf("%d photos after refused uploads", n)
	}
	mentor.apiSend("DELETE", "/api/v1/me/photo", nil).mustStatus(t, http.StatusNoContent)
	if n := app.count(`SELECT COUNT(*) FROM avatars WHERE user_id = ?`, f.mentorID); n != 0 {
		t.Fatalf("%d photos after removing", n)
	}
	mustProblem(t, app.client().apiSend("DELETE", "/api/v1/me/photo", nil), http.StatusUnauthorized)
}
