package web

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"mentorskap/internal/errs"
	"mentorskap/internal/httpx"
)

// FuzzAgreementForm parses arbitrary form bodies the way a POST to the
// drafting form is parsed: cleaned once, read into content. Whatever is
// read must survive being written back into the form and read again, so
// nothing a person typed is lost between re-renders.
func FuzzAgreementForm(f *testing.F) {
	for _, s := range []string{
		"places=Caf%C3%A9&meeting_count=6&goals.0.title=Learn&goals.0.sub_goals.1.measure=x&in_app_messages=1",
		"goals.9999999999999999999.title=a&goals.-1.title=b&goals.2.sub_goals.0.key=k",
		"mentor.will=%3Cscript%3E&mentee.cannot=%22%3E%3Cimg+onerror%3Dalert(1)%3E&costs=%FF%FE%00",
		"meeting_count=+7&typical_minutes=-30&cancel_notice_hours=abc&start_date=2026-02-30",
		"%zz=1", "a=b;c=d", strings.Repeat("goals.3.title=x&", 50),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/pairs/1/agreement", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := cleanForm(r); err != nil {
			return
		}
		for k, vs := range r.PostForm {
			for _, v := range vs {
				if !utf8.ValidString(v) || strings.IndexFunc(v, badControl) >= 0 {
					t.Fatalf("%s=%q left uncleaned", k, v)
				}
			}
		}
		c := agreementContentFrom(r.PostForm)
		if len(c.Goals) > agreementMaxRows {
			t.Fatalf("%d goal rows", len(c.Goals))
		}
		if again := agreementContentFrom(agreementValues(c)); !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip changed content:\n%+v\n%+v", c, again)
		}
		agreementGoalRows(r.PostForm)
	})
}

// readJSONKeys are the messages readJSON answers a readable body with.
var readJSONKeys = []string{"error.bad_json", "error.invalid", "api.error.unknown_field", "api.error.json_shape"}

// FuzzReadJSON decodes arbitrary bodies into an API input: refused with
// the one translated problem, or decoded into storable text.
func FuzzReadJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"Ana","language":"nb","timezone":"Europe/Oslo"}`, `{"name":null}`, `{"nme":"x"}`,
		`{"name":"\u0000"}`, "{\"name\":\"\xff\"}", `{"name":"<script>"}{"name":"b"}`, `[]`, ``, `{"name":1}`,
		`{"name":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPatch, "/api/v1/me", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/json")
		var in meUpdate
		if err := httpx.ReadJSON(r, &in); err != nil {
			// Broken JSON is malformed (400); JSON of the wrong shape, an
			// unknown field or unstorable text is invalid (422), and
			// always with a message the catalog has.
			e, ok := errs.As(err)
			if !ok || (e.Kind != errs.Malformed && e.Kind != errs.Invalid) || !slices.Contains(readJSONKeys, e.Key) {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, p := range []*string{in.Name, in.Language, in.Timezone} {
			if p != nil && (!utf8.ValidString(*p) || strings.ContainsRune(*p, 0)) {
				t.Fatalf("decoded %q", *p)
			}
		}
	})
}
