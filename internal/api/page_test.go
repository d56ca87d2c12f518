package api

import (
	"net/http"
	"strings"
	"testing"

	"mentorskap/internal/httpx"
	"mentorskap/internal/store/storetest"
)

// TestAPIPaging: a list comes a page at a time, each saying where the
// next one is, until the last says null; the pages together are the whole
// list once, in order. A bad limit or cursor is 422 naming it.
func TestAPIPaging(t *testing.T) {
	t.Parallel()
	f := newProgramFixture(t, storetest.Default(t))
	base := "/api/v1/programs/" + pid(f.programID) + "/participants"
	all := apiDecode[httpx.Page[apiParticipant]](t, f.coord.apiSend("GET", base, nil), http.StatusOK)
	if len(all.Items) != 2 || all.Next != nil {
		t.Fatalf("whole list %+v", all)
	}
	var got []int64
	next := base + "?limit=1"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("the pages do not end")
		}
		p := apiDecode[httpx.Page[apiParticipant]](t, f.coord.apiSend("GET", next, nil), http.StatusOK)
		for _, it := range p.Items {
			got = append(got, it.UserID)
		}
		next = ""
		if p.Next != nil {
			if !strings.HasPrefix(*p.Next, base+"?") || !strings.Contains(*p.Next, "limit=1") {
				t.Fatalf("next %q", *p.Next)
			}
			next = *p.Next
		}
	}
	if len(got) != 2 || got[0] != all.Items[0].UserID || got[1] != all.Items[1].UserID {
		t.Fatalf("paged %v, whole %+v", got, all.Items)
	}
	for q, field := range map[string]string{"?limit=0": "limit", "?limit=201": "limit", "?limit=x": "limit", "?cursor=x.y": "cursor"} {
		p := mustProblem(t, f.coord.apiSend("GET", base+q, nil), http.StatusUnprocessableEntity)
		if _, ok := p.Errors[field]; !ok {
			t.Errorf("%s: problem %+v", q, p)
		}
	}
	// A stranger learns nothing from a bad limit.
	mustProblem(t, f.other.apiSend("GET", base+"?limit=0", nil), http.StatusNotFound)
}
