package api

import (
	"encoding/json"
	"mentorskap/internal/httpx"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// openAPIOps reads the (method, path) pairs the document describes, with
// each operation and its path item.
func openAPIOps(t *testing.T, doc map[string]any) map[string][2]map[string]any {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("document has no paths")
	}
	ops := map[string][2]map[string]any{}
	for path, v := range paths {
		item := v.(map[string]any)
		for _, m := range []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"} {
			if op, ok := item[m].(map[string]any); ok {
				ops[strings.ToUpper(m)+" "+path] = [2]map[string]any{op, item}
			}
		}
	}
	return ops
}

func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf("openapi version %q, want 3.1.x", v)
	}
	return doc
}

// resolve follows a local $ref ("#/components/…").
func resolveRef(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	m, _ := v.(map[string]any)
	for m != nil {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		if !strings.HasPrefix(ref, "#/") {
			t.Fatalf("non-local $ref %q", ref)
		}
		var cur any = doc
		for _, part := range strings.Split(ref[2:], "/") {
			obj, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("$ref %q does not resolve", ref)
			}
			if cur, ok = obj[part]; !ok {
				t.Fatalf("$ref %q does not resolve", ref)
			}
		}
		m, _ = cur.(map[string]any)
	}
	t.Fatalf("cannot resolve %v", v)
	return nil
}

// TestOpenAPIMatchesRoutes keeps the hand-written document and the route
// table in step: an endpoint added to one and not the other fails here.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ops := openAPIOps(t, doc)

	routes := map[string]httpx.Route{}
	for _, rt := range (&API{}).Table() {
		key := rt.Method + " " + rt.Pattern
		if _, dup := routes[key]; dup {
			t.Errorf("route %s registered twice", key)
		}
		routes[key] = rt
	}
	var onlyRoutes, onlyDoc []string
	for k := range routes {
		if _, ok := ops[k]; !ok {
			onlyRoutes = append(onlyRoutes, k)
		}
	}
	for k := range ops {
		if _, ok := routes[k]; !ok {
			onlyDoc = append(onlyDoc, k)
		}
	}
	slices.Sort(onlyRoutes)
	slices.Sort(onlyDoc)
	if len(onlyRoutes) > 0 {
		t.Errorf("routes missing from openapi.json: %v", onlyRoutes)
	}
	if len(onlyDoc) > 0 {
		t.Errorf("openapi.json describes routes that do not exist: %v", onlyDoc)
	}

	pathParam := regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)
	opIDs := map[string]string{}
	for key, pair := range ops {
		op, item := pair[0], pair[1]
		path := key[strings.IndexByte(key, ' ')+1:]
		if !strings.HasPrefix(path, httpx.Prefix+"/") {
			t.Errorf("%s: outside %s", key, httpx.Prefix)
		}
		id, _ := op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", key)
		} else if prev, dup := opIDs[id]; dup {
			t.Errorf("%s: operationId %q also used by %s", key, id, prev)
		}
		opIDs[id] = key

		// Every path parameter is declared.
		declared := map[string]bool{}
		params, _ := item["parameters"].([]any)
		opParams, _ := op["parameters"].([]any)
		for _, p := range append(params, opParams...) {
			pm := resolveRef(t, doc, p)
			if pm["in"] == "path" {
				declared[pm["name"].(string)] = true
				if pm["required"] != true {
					t.Errorf("%s: path parameter %v not required", key, pm["name"])
				}
			}
		}
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter %q not declared", key, m[1])
			}
		}

		// Public endpoints say so; the rest inherit the bearer/cookie schemes.
		sec, hasSec := op["security"].([]any)
		public := hasSec && len(sec) == 0
		if rt, ok := routes[key]; ok && rt.Public != public {
			t.Errorf("%s: public in the route table = %v, in openapi.json = %v", key, rt.Public, public)
		}

		responses, _ := op["responses"].(map[string]any)
		var ok2xx, problems bool
		for code, r := range responses {
			res := resolveRef(t, doc, r)
			if desc, _ := res["description"].(string); desc == "" {
				t.Errorf("%s %s: response without description", key, code)
			}
			switch {
			case strings.HasPrefix(code, "2"):
				ok2xx = true
			case strings.HasPrefix(code, "4"), strings.HasPrefix(code, "5"), code == "default":
				content, _ := res["content"].(map[string]any)
				if _, ok := content["application/problem+json"]; !ok {
					t.Errorf("%s %s: error response is not application/problem+json", key, code)
				}
				problems = true
			}
		}
		if !ok2xx {
			t.Errorf("%s: no 2xx response", key)
		}
		if !problems {
			t.Errorf("%s: no problem responses", key)
		}
		if _, ok := responses["default"]; !ok {
			t.Errorf("%s: no default problem response", key)
		}
		if _, ok := responses["401"]; !ok && !public {
			t.Errorf("%s: needs login but documents no 401", key)
		}
	}

	// Every $ref anywhere points at something.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["$ref"]; ok {
				resolveRef(t, doc, x)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	schemes := resolveRef(t, doc, doc["components"])["securitySchemes"].(map[string]any)
	for _, want := range []string{"bearer", "cookie"} {
		if _, ok := schemes[want]; !ok {
			t.Errorf("security scheme %q missing", want)
		}
	}
}

// TestOpenAPIServed checks that the served document is the embedded one.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	res := app.client().get("/api/v1/openapi.json")
	res.mustStatus(t, http.StatusOK)
	if res.Body != string(openAPIDoc) || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("served document differs (content type %q)", res.Header.Get("Content-Type"))
	}
}

// TestOpenAPIMergeRefusesDuplicates keeps two area files from silently
// overwriting each other's paths or schemas.
func TestOpenAPIMergeRefusesDuplicates(t *testing.T) {
	t.Parallel()
	base := `{"openapi":"3.1.0","tags":[],"paths":{"/api/v1/a":{"get":{}}},"components":{"schemas":{"A":{}}}}`
	for name, part := range map[string]string{
		"path":   `{"paths":{"/api/v1/a":{"get":{}}}}`,
		"schema": `{"components":{"schemas":{"A":{}}}}`,
		"key":    `{"info":{}}`,
	} {
		fsys := fstest.MapFS{
			"openapi/base.json": {Data: []byte(base)},
			"openapi/x.json":    {Data: []byte(part)},
		}
		if _, err := mergeOpenAPI(fsys); err == nil {
			t.Errorf("%s: merged a duplicate or unknown key", name)
		}
	}
	ok := fstest.MapFS{
		"openapi/base.json": {Data: []byte(base)},
		"openapi/x.json":    {Data: []byte(`{"tags":[{"name":"x"}],"paths":{"/api/v1/b":{},"/api/v1/a":{"delete":{}}},"components":{"schemas":{"B":{}}}}`)},
	}
	b, err := mergeOpenAPI(ok)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["paths"].(map[string]any)["/api/v1/b"]; !ok {
		t.Error("area path missing after merge")
	}
	if _, ok := doc["paths"].(map[string]any)["/api/v1/a"].(map[string]any)["delete"]; !ok {
		t.Error("an area's operation on an existing path was not merged")
	}
	if _, ok := doc["components"].(map[string]any)["schemas"].(map[string]any)["B"]; !ok {
		t.Error("area schema missing after merge")
	}
}

// TestOpenAPIDateNames holds the served document to the naming rule of
// docs/api.md: a property holding a calendar date (format date) ends in _on
// and one holding an instant (format date-time) in _at, and the other way
// round, so that every such field declares its format and is checked by
// it. A property's format is its own or that of one of its alternatives
// (anyOf, oneOf: a date that may also be empty).
func TestOpenAPIDateNames(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	formats := func(s map[string]any) map[string]bool {
		out := map[string]bool{}
		add := func(m map[string]any) {
			if f, ok := m["format"].(string); ok {
				out[f] = true
			}
		}
		add(s)
		for _, k := range []string{"anyOf", "oneOf", "allOf"} {
			list, _ := s[k].([]any)
			for _, alt := range list {
				add(resolveRef(t, doc, alt))
			}
		}
		return out
	}
	checked := map[string]int{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for name, p := range props {
					ps, ok := p.(map[string]any)
					if !ok {
						continue
					}
					if _, ref := ps["$ref"]; ref {
						ps = resolveRef(t, doc, ps)
					}
					f := formats(ps)
					where := path + "/properties/" + name
					switch {
					case f["date"] && !strings.HasSuffix(name, "_on"):
						t.Errorf("%s: a date (format date) whose name does not end in _on", where)
					case f["date-time"] && !strings.HasSuffix(name, "_at"):
						t.Errorf("%s: an instant (format date-time) whose name does not end in _at", where)
					case strings.HasSuffix(name, "_on") && !f["date"]:
						t.Errorf("%s: ends in _on but does not say format date", where)
					case strings.HasSuffix(name, "_at") && !f["date-time"]:
						t.Errorf("%s: ends in _at but does not say format date-time", where)
					}
					for k := range f {
						checked[k]++
					}
				}
			}
			for k, c := range x {
				walk(path+"/"+k, c)
			}
		case []any:
			for i, c := range x {
				walk(path+"/"+strconv.Itoa(i), c)
			}
		}
	}
	walk("#", doc)
	// The walk found the dates and instants it is about (a document whose
	// properties lost their formats would pass silently otherwise).
	if checked["date"] < 10 || checked["date-time"] < 50 {
		t.Fatalf("checked %d dates and %d instants; the walk missed the properties", checked["date"], checked["date-time"])
	}
}
