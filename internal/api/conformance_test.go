package api

import (
	"context"
	"mentorskap/internal/api/apitest"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// TestConformanceIsStrict shows that the validator the API tests run through
// refuses an undeclared field and an undocumented status, so that its
// silence elsewhere means something.
func TestConformanceIsStrict(t *testing.T) {
	t.Parallel()
	router, err := apitest.Router(openAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://mentorskap.test/api/v1/me", nil)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	check := func(status int, body string) error {
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status,
			Header: http.Header{"Content-Type": {"application/json"}}, Options: opts}
		return openapi3filter.ValidateResponse(context.Background(), out.SetBodyBytes([]byte(body)))
	}
	me := `{"id":1,"email":"a@example.org","name":"A","role":"member","language":"en","timezone":"UTC"`
	if err := check(200, me+`}`); err != nil {
		t.Fatalf("a plain answer is refused: %v", err)
	}
	if check(200, me+`,"password_hash":"x"}`) == nil {
		t.Error("an undeclared field passes")
	}
	if check(299, me+`}`) == nil {
		t.Error("an undocumented status passes")
	}
}
