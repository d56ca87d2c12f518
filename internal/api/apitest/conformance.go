// Package apitest checks API traffic in tests against the served OpenAPI
// document with an implementation that is not ours (kin-openapi).
package apitest

import (
	"bytes"
	"context"
	"io"
	"mentorskap/internal/httpx"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Conformance is checked by an implementation that is not ours: every
// request the tests send to /api/v1 and every answer they get passes through
// kin-openapi's openapi3filter, which validates both against the served
// document. The document is made strict first (an object schema that does
// not say otherwise allows no other properties), so a field the server sends
// but the document does not declare fails, as does a status the operation
// does not list.

var (
	conformanceOnce   sync.Once
	conformanceRouter routers.Router
	conformanceErr    error
)

// Router is the strict router over doc, the served OpenAPI document; it is
// built once per test binary.
func Router(doc []byte) (routers.Router, error) {
	conformanceOnce.Do(func() {
		// A calendar file is text; the validator checks its status and type.
		openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder)
		// A photo is a file; the initials drawn in its place are SVG text.
		openapi3filter.RegisterBodyDecoder("image/jpeg", openapi3filter.FileBodyDecoder)
		openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.PlainBodyDecoder)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(doc)
		if err != nil {
			conformanceErr = err
			return
		}
		strictSchemas(doc)
		// Route by path alone: the test server's address is not the
		// document's relative server.
		doc.Servers = nil
		conformanceRouter, conformanceErr = legacy.NewRouter(doc)
	})
	return conformanceRouter, conformanceErr
}

// strictSchemas forbids undeclared properties on every object schema that
// declares properties and says nothing about others. An allOf of objects is
// flattened into one strict object first, since each part alone would reject
// the other's properties.
func strictSchemas(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		for _, part := range s.AllOf {
			walk(part)
		}
		if len(s.AllOf) > 0 && s.Properties == nil {
			flat := openapi3.Schemas{}
			var required []string
			objects := true
			for _, part := range s.AllOf {
				if part.Value == nil || len(part.Value.Properties) == 0 {
					objects = false
					break
				}
				for k, v := range part.Value.Properties {
					flat[k] = v
				}
				required = append(required, part.Value.Required...)
			}
			if objects {
				s.AllOf = nil
				s.Type = &openapi3.Types{openapi3.TypeObject}
				s.Properties = flat
				s.Required = required
			}
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
			for _, p := range list {
				walk(p)
			}
		}
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			no := false
			s.AdditionalProperties.Has = &no
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value != nil {
					for _, mt := range resp.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
	for _, resp := range doc.Components.Responses {
		if resp.Value != nil {
			for _, mt := range resp.Value.Content {
				walk(mt.Schema)
			}
		}
	}
}

// Transport validates API traffic on its way through against Doc, failing
// T on anything the document does not allow.
type Transport struct {
	T    testing.TB
	Next http.RoundTripper
	Doc  []byte
}

func (ct Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, httpx.Prefix+"/") || req.URL.Path == httpx.Prefix+"/openapi.json" {
		return ct.Next.RoundTrip(req)
	}
	t := ct.T
	t.Helper()
	router, err := Router(ct.Doc)
	if err != nil {
		t.Fatalf("load openapi.json for validation: %v", err)
	}
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	res, err := ct.Next.RoundTrip(req)
	if err != nil {
		return res, err
	}
	resBody, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(resBody))

	route, params, err := router.FindRoute(req)
	if err != nil {
		// Paths and methods the document does not know are the fallback's:
		// they must be answered with a problem document.
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("conformance: %s %s is not in openapi.json but answered %d", req.Method, req.URL.Path, res.StatusCode)
		}
		return res, nil
	}
	check := req.Clone(context.Background())
	check.Body = io.NopCloser(bytes.NewReader(reqBody))
	opts := &openapi3filter.Options{
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		// Read-only fields sent back (a read-modify-write of what GET gave)
		// are ignored by the server, as the document's introduction says.
		ExcludeReadOnlyValidations: true,
		IncludeResponseStatus:      true,
		MultiError:                 true,
	}
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && res.StatusCode < 400 {
		// A test may send a bad request on purpose; then the server must
		// refuse it too. Accepting what the document forbids is a failure.
		t.Errorf("conformance: %s %s: request does not conform but was answered %d: %v\nbody: %s",
			req.Method, req.URL.Path, res.StatusCode, err, reqBody)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header, Options: opts}
	out.SetBodyBytes(resBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("conformance: %s %s: answer %d does not conform: %v\nbody: %s",
			req.Method, req.URL.Path, res.StatusCode, err, resBody)
	}
	return res, nil
}
