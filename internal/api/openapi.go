package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"mentorskap/internal/httpx"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The OpenAPI document is written by hand, one file per area of the product
// under openapi/: base.json holds the info, security and shared components,
// and every other file adds its tags, paths and component schemas. They are
// merged once at start. TestOpenAPIMatchesRoutes keeps the result in step
// with apiTable.
//
//go:embed openapi/*.json
var openAPIFiles embed.FS

var openAPIDoc = mustMergeOpenAPI(openAPIFiles)

func (s *API) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
}

// mustMergeOpenAPI joins base.json with the area files. A path, tag or
// component defined twice is a programming error and stops the program.
func mustMergeOpenAPI(fsys fs.FS) []byte {
	doc, err := mergeOpenAPI(fsys)
	if err != nil {
		panic("openapi: " + err.Error())
	}
	return doc
}

func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	read := func(name string) (map[string]any, error) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return m, nil
	}
	doc, err := read("openapi/base.json")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	tags, _ := doc["tags"].([]any)
	paths, _ := doc["paths"].(map[string]any)
	components, _ := doc["components"].(map[string]any)
	for _, name := range names {
		if name == "openapi/base.json" {
			continue
		}
		part, err := read(name)
		if err != nil {
			return nil, err
		}
		for k := range part {
			if k != "tags" && k != "paths" && k != "components" {
				return nil, fmt.Errorf("%s: unexpected top-level key %q", name, k)
			}
		}
		if t, ok := part["tags"].([]any); ok {
			tags = append(tags, t...)
		}
		if err := mergePaths(paths, part["paths"], name); err != nil {
			return nil, err
		}
		if c, ok := part["components"].(map[string]any); ok {
			for section, v := range c {
				dst, ok := components[section].(map[string]any)
				if !ok {
					dst = map[string]any{}
					components[section] = dst
				}
				if err := mergeInto(dst, v, name); err != nil {
					return nil, err
				}
			}
		}
	}
	doc["tags"] = tags
	addIdempotencyKey(paths)
	addPaging(paths, components)
	return json.MarshalIndent(doc, "", "  ")
}

func mergeInto(dst map[string]any, src any, file string) error {
	m, _ := src.(map[string]any)
	for k, v := range m {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("%s: %q is already defined", file, k)
		}
		dst[k] = v
	}
	return nil
}

// mergePaths adds an area's paths. An area may add operations to a path
// another file already describes (DELETE /api/v1/me beside the GET and
// PATCH of "me"), never the same operation twice.
func mergePaths(dst map[string]any, src any, file string) error {
	m, _ := src.(map[string]any)
	for path, v := range m {
		have, ok := dst[path].(map[string]any)
		if !ok {
			dst[path] = v
			continue
		}
		if err := mergeInto(have, v, file+" "+path); err != nil {
			return err
		}
	}
	return nil
}

// addIdempotencyKey declares the Idempotency-Key header on every POST that
// needs a login, the operations apiRoutes wraps in idempotent; written here
// once rather than by hand on each of them.
func addIdempotencyKey(paths map[string]any) {
	for _, v := range paths {
		item, _ := v.(map[string]any)
		op, ok := item["post"].(map[string]any)
		if !ok {
			continue
		}
		if sec, ok := op["security"].([]any); ok && len(sec) == 0 {
			continue
		}
		params, _ := op["parameters"].([]any)
		op["parameters"] = append(params, map[string]any{"$ref": "#/components/parameters/IdempotencyKey"})
	}
}

// OpenAPIDocument is the served OpenAPI document, for tests that validate
// traffic against it.
func OpenAPIDocument() []byte { return openAPIDoc }

// addPaging declares the paging of every list, the GET operations whose
// operationId starts with "list": the limit and cursor parameters
// (httpx.PageParams) and the next property of the answer (httpx.Page),
// written here once rather than by hand on each of them.
func addPaging(paths, components map[string]any) {
	params, _ := components["parameters"].(map[string]any)
	if params == nil {
		params = map[string]any{}
		components["parameters"] = params
	}
	params["Limit"] = map[string]any{"name": "limit", "in": "query", "required": false,
		"description": "Items per page, 1 to " + strconv.Itoa(httpx.MaxLimit) + " (" + strconv.Itoa(httpx.DefaultLimit) + " when left out).",
		"schema":      map[string]any{"type": "integer", "minimum": 1, "maximum": httpx.MaxLimit}}
	params["Cursor"] = map[string]any{"name": "cursor", "in": "query", "required": false,
		"description": "Where the page starts: follow the previous page's next, which gives the whole address. Opaque.",
		"schema":      map[string]any{"type": "string", "maxLength": 100}}
	schemas, _ := components["schemas"].(map[string]any)
	for _, v := range paths {
		item, _ := v.(map[string]any)
		op, ok := item["get"].(map[string]any)
		if id, _ := op["operationId"].(string); !ok || !strings.HasPrefix(id, "list") {
			continue
		}
		schema := jsonPath(op, "responses", "200", "content", "application/json", "schema")
		if ref, ok := schema["$ref"].(string); ok {
			schema, _ = schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		}
		props, _ := schema["properties"].(map[string]any)
		if props == nil || props["items"] == nil {
			continue // not one list (a meeting's agreed and reviewed items)
		}
		var keep []any
		list, _ := op["parameters"].([]any)
		for _, p := range list {
			if m, _ := p.(map[string]any); m["in"] == "query" && (m["name"] == "limit" || m["name"] == "cursor" || m["name"] == "before") {
				continue
			}
			keep = append(keep, p)
		}
		op["parameters"] = append(keep, map[string]any{"$ref": "#/components/parameters/Limit"},
			map[string]any{"$ref": "#/components/parameters/Cursor"})
		props["next"] = map[string]any{"type": []any{"string", "null"},
			"description": "The address of the next page; null on the last."}
		req, _ := schema["required"].([]any)
		if !slices.Contains(req, any("next")) {
			schema["required"] = append(req, "next")
		}
	}
}

// jsonPath walks down a decoded JSON document by keys; nil when a step is
// missing.
func jsonPath(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	return m
}
