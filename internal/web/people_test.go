package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

// photoUpload builds the profile page's photo form around data.
func photoUpload(t *testing.T, c *client, data []byte) *response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("photo", "me.png")
	w.Write(data)
	mw.Close()
	return c.send(http.MethodPost, "/profile/photo", mw.FormDataContentType(), &body)
}

// pngWithSecret is a 600×400 PNG carrying a text chunk, as cameras and
// editors leave location and names in the files they write.
func pngWithSecret(t *testing.T, secret string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 600, 400))
	for x := range 600 {
		for y := range 400 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	// A tEXt chunk after the 8-byte signature and the 25-byte IHDR; its
	// CRC is not checked by decoders that skip ancillary chunks they do
	// not know, and Go's checks it, so write a correct one.
	chunk := pngChunk("tEXt", []byte("Location\x00"+secret))
	return append(append(append([]byte{}, raw[:33]...), chunk...), raw[33:]...)
}

func TestPeopleFirstHomeAvatarsAndAgenda(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestAppDB(t, db)
		f := notesSetup(t, app)
		en, nb := app.bundle.Locale("en"), app.bundle.Locale("nb") // the mentee's and the mentor's
		ctx := context.Background()
		m1 := fmt.Sprintf("/pairs/%d/meetings/%d", f.pair.ID, f.m1)

		// The mentee's start page leads with the next meeting, its day
		// named, and one primary action: prepare the agenda.
		var starts = app.clock.Now().AddDate(0, 0, 1)
		home := f.menteeC.get("/")
		home.mustStatus(t, http.StatusOK)
		home.mustContain(t, "With Marit Mentor", en.DateTime(starts, f.mentee.Timezone), "Tuesday",
			en.T("home.agenda_yours"), `class="button primary" href="`+m1+`/agenda">`+en.T("pairhome.prepare"),
			fmt.Sprintf(`src="/people/%d/avatar"`, f.mentor.ID), `<span class="badge mentor">`)
		if n := strings.Count(home.Body, `class="button primary"`); n != 1 {
			t.Fatalf("the mentee's start page has %d primary actions, want 1", n)
		}
		// The mentor has no agenda to read yet; the meeting itself is next.
		f.mentorC.get("/").mustContain(t, nb.T("home.agenda_theirs"), `href="`+m1+`">`+nb.T("home.open_meeting"))

		// An overdue open action item is marked on both start pages.
		if _, err := db.Exec(ctx, `INSERT INTO action_items (pair_id, meeting_id, body, owner_id, due_date, status, created_by, created_at, updated_at)
			VALUES (?, ?, 'Send the CV', ?, '2026-02-20', 'open', ?, ?, ?)`, f.pair.ID, f.m1, f.mentee.ID, f.mentee.ID,
			app.clock.Now(), app.clock.Now()); err != nil {
			t.Fatal(err)
		}
		f.menteeC.get("/").mustContain(t, "Send the CV", en.T("pairhome.due_by", "date", "Friday 20 Feb 2026"), en.T("actions.overdue"))

		// Agenda editor: move and remove by buttons, no position numbers.
		page := f.menteeC.get(m1 + "/agenda")
		page.mustContain(t, `class="default-submit sr-only"`)
		if strings.Contains(page.Body, `type="number"`) {
			t.Fatal("the agenda editor still asks for position numbers")
		}
		rows := func(titles ...string) url.Values {
			v := url.Values{"rows": {fmt.Sprint(len(titles))}}
			for i, ti := range titles {
				v.Set(fmt.Sprintf("title_%d", i), ti)
				v.Set(fmt.Sprintf("order_%d", i), fmt.Sprint(i+1))
			}
			return v
		}
		form := rows("Pay", "CV", "Network")
		form.Set("version", "0")
		f.menteeC.post(m1+"/agenda", form).mustStatus(t, http.StatusSeeOther)
		page = f.menteeC.get(m1 + "/agenda")
		page.mustContain(t, `value="up:1"`, `value="down:0"`, `value="remove:0"`)
		if strings.Contains(page.Body, `value="down:2" data-row-op="down">`) {
			t.Fatal("the last topic offers to move down")
		}
		form = rows("Pay", "CV", "Network changed")
		form.Set("version", "1")
		form.Set("op", "up:2") // moves the third topic above the second, keeping the edit
		res := f.menteeC.post(m1+"/agenda", form)
		res.mustStatus(t, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasSuffix(loc, "/agenda#h-edit") {
			t.Fatalf("after a move the mentee lands at %q", loc)
		}
		order := func(want ...string) {
			t.Helper()
			body := f.mentorC.get(m1 + "/agenda").Body
			at := -1
			for _, w := range want {
				i := strings.Index(body, "<strong>"+w+"</strong>")
				if i <= at {
					t.Fatalf("agenda order: %q not after the topics before it (want %q)", w, want)
				}
				at = i
			}
		}
		order("Pay", "Network changed", "CV")
		form = rows("Pay", "Network changed", "CV")
		form.Set("version", "2")
		form.Set("op", "remove:0")
		f.menteeC.post(m1+"/agenda", form).mustStatus(t, http.StatusSeeOther)
		order("Network changed", "CV")
		if strings.Contains(f.mentorC.get(m1+"/agenda").Body, "<strong>Pay</strong>") {
			t.Fatal("a removed topic stayed on the agenda")
		}
		// A move past the end or of a row that is not there changes nothing.
		form = rows("Network changed", "CV")
		form.Set("version", "3")
		form.Set("op", "down:1")
		f.menteeC.post(m1+"/agenda", form).mustStatus(t, http.StatusSeeOther)
		order("Network changed", "CV")

		// With the agenda written the mentee may change it and the mentor
		// reads it; the meeting page leads with the agenda and puts the
		// destructive cancel after it; booking the next waits.
		f.menteeC.get("/").mustContain(t, en.N("pairhome.agenda_ready", 2), `href="`+m1+`/agenda">`+en.T("agenda.edit"))
		f.mentorC.get("/").mustContain(t, `href="`+m1+`/agenda">`+nb.T("pairhome.read_agenda"))
		show := f.menteeC.get(m1).Body
		agenda, cancel := strings.Index(show, `class="button primary" href="`+m1+`/agenda"`), strings.Index(show, `class="button danger" href="`+m1+`/cancel"`)
		if agenda < 0 || cancel < agenda {
			t.Fatalf("meeting page: agenda at %d, cancel at %d", agenda, cancel)
		}
		if strings.Contains(show, `id="h-book"`) {
			t.Fatal("an upcoming meeting offers to book the next one")
		}
		app.clock.Advance(16 * 24 * time.Hour) // all three meetings are past
		f.menteeC, f.mentorC, f.otherC = app.login(f.mentee.Email), app.login(f.mentor.Email), app.login(f.other.Email)
		f.foreignC, f.adminC = app.login(f.foreign.Email), app.login(f.admin.Email)
		f.menteeC.get(m1).mustContain(t, `id="h-book"`)
		f.menteeC.get("/").mustContain(t, `class="button primary" href="`+fmt.Sprintf("/pairs/%d/meetings/new", f.pair.ID)+`">`+en.T("meeting.book_next"))

		// Avatars: initials until a photo is uploaded, to people who share
		// the program, and to no one else.
		avatar := fmt.Sprintf("/people/%d/avatar", f.mentor.ID)
		res = f.menteeC.get(avatar)
		res.mustStatus(t, http.StatusOK)
		if res.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(res.Body, ">MM</text>") {
			t.Fatalf("initials avatar: %s %q", res.Header.Get("Content-Type"), res.Body)
		}
		f.otherC.get(avatar).mustStatus(t, http.StatusOK) // same program
		f.foreignC.get(avatar).mustStatus(t, http.StatusNotFound)
		f.adminC.get(avatar).mustStatus(t, http.StatusOK)
		app.client().get(avatar).mustStatus(t, http.StatusSeeOther)

		res = photoUpload(t, f.mentorC, []byte("not a picture"))
		res.mustStatus(t, http.StatusUnprocessableEntity)
		res.mustContain(t, nb.T("avatar.error.not_image"))
		res = photoUpload(t, f.mentorC, pngWithSecret(t, "59.91N 10.75E"))
		res.mustStatus(t, http.StatusSeeOther)
		res = f.menteeC.get(avatar)
		res.mustStatus(t, http.StatusOK)
		if res.Header.Get("Content-Type") != "image/jpeg" || strings.Contains(res.Body, "59.91N") {
			t.Fatalf("photo: %s, metadata kept: %v", res.Header.Get("Content-Type"), strings.Contains(res.Body, "59.91N"))
		}
		cfg, err := jpeg.DecodeConfig(strings.NewReader(res.Body))
		if err != nil || cfg.Width != 256 || cfg.Height != 256 {
			t.Fatalf("photo is %dx%d (%v), want 256x256", cfg.Width, cfg.Height, err)
		}
		// The browser asks again every time; an unchanged photo is a 304,
		// but only after the access check.
		req, _ := http.NewRequest(http.MethodGet, app.ts.URL+avatar, nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		if r := f.menteeC.do(req); r.StatusCode != http.StatusNotModified {
			t.Fatalf("revalidation: %d", r.StatusCode)
		}
		req, _ = http.NewRequest(http.MethodGet, app.ts.URL+avatar, nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		if r := f.foreignC.do(req); r.StatusCode != http.StatusNotFound {
			t.Fatalf("revalidation by an outsider: %d", r.StatusCode)
		}
		f.mentorC.get("/profile").mustContain(t, nb.T("avatar.remove"))
		f.mentorC.post("/profile/photo/delete", url.Values{"confirmed": {"yes"}}).mustStatus(t, http.StatusSeeOther)
		if r := f.menteeC.get(avatar); r.Header.Get("Content-Type") != "image/svg+xml" {
			t.Fatal("a removed photo is still served")
		}
	})
}

// pngChunk encodes one PNG chunk with its length and CRC.
func pngChunk(kind string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, kind...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(kind), data...)))
}
