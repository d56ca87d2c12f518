package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mentorskap/internal/i18n"
)

// keyUses are the places a catalog key appears in code and templates. The
// catalog test proves every key exists in every language; this one proves
// every key the code uses exists at all, so that no page ever shows a raw key.
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`\.T "([a-z0-9_.]+)"`),                              // {{.L.T "key"}}
	regexp.MustCompile(`\.N "([a-z0-9_.]+)"`),                              // {{.L.N "key" n}}
	regexp.MustCompile(`field \$?\.? ?"[a-z_]+" "[a-z]+" "([a-z0-9_.]+)"`), // {{template "input" field . "name" "type" "label"}}
	regexp.MustCompile(`"hint=([a-z0-9_.]+)"`),                             // hint=key
	regexp.MustCompile(`\.T\("([a-z0-9_.]+)"`),                             // l.T("key")
	regexp.MustCompile(`\.N\("([a-z0-9_.]+)"`),                             // l.N("key", n)
	regexp.MustCompile(`errs\.E\(errs\.[A-Za-z]+, "([a-z0-9_.]+)"`),        // errs.E(kind, "key")
	regexp.MustCompile(`Key: +"([a-z0-9_.]+)"`),                            // &errs.Error{Key: "key"}
	regexp.MustCompile(`\.Check\([^\n]*?, "[a-z_]+", "([a-z0-9_.]+)"`),     // v.Check(ok, "field", "key")
	regexp.MustCompile(`\.Add\("[a-z_]+", "([a-z0-9_.]+)"`),                // v.Add("field", "key")
	regexp.MustCompile(`s\.redirect\(w, r, [^,\n]+, "([a-z0-9_.]+)"\)`),    // flash keys
	regexp.MustCompile(`store\.NotFound\([^\n]*?, "([a-z0-9_.]+)"\)`),      // not-found keys
}

func TestUsedKeysExist(t *testing.T) {
	t.Parallel()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	var missing []string
	for _, dir := range []string{"internal", "cmd"} {
		filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".html") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, re := range keyUses {
				for _, m := range re.FindAllStringSubmatch(string(data), -1) {
					if key := m[1]; strings.Contains(key, ".") && !strings.HasSuffix(key, ".") && !b.Has(key) {
						missing = append(missing, path+": "+key)
					}
				}
			}
			return nil
		})
	}
	for _, m := range missing {
		t.Error("catalog lacks key used in", m)
	}
}
