package web

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"mentorskap/internal/errs"
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
		var in meUpdate
		if err := readJSON(r, &in); err != nil {
			if e, ok := errs.As(err); !ok || e.Kind != errs.Invalid || e.Key != "error.bad_json" {
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
