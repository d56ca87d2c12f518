package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
	"sync"
)

// Static files are linked by names that carry a hash of their content
// (app.css as app.3f2a9c1b.css), so that browsers may keep them for a year
// without asking: a changed file is a new name. The plain names are still
// served, with a short cache, for anything that links them directly.

// assetNames maps each static file's name to its hashed name, and back.
type assetNames struct {
	hashed map[string]string // "app.css" → "app.3f2a9c1b.css"
	plain  map[string]string // "app.3f2a9c1b.css" → "app.css"
}

// assets is computed once from the embedded files, which never change in
// a running binary.
var assets = sync.OnceValue(func() assetNames {
	a := assetNames{hashed: map[string]string{}, plain: map[string]string{}}
	files, _ := fs.Sub(staticFS, "static")
	fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.hashed[name], a.plain[h] = h, name
		return nil
	})
	return a
})

// assetURL is the address a page links a static file by: its hashed
// name, or the plain one for a file that does not exist.
func assetURL(name string) string {
	if h, ok := assets().hashed[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}
