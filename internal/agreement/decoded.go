package agreement

import (
	"encoding/json"
	"slices"
	"sync"
)

// decodedCap bounds the decoded versions kept: about one per running pair
// of a large installation, a few kilobytes each.
const decodedCap = 2048

// decoded keeps signed-off versions' decoded content by their stored
// bytes and hash. A version row never changes once saved, yet every page
// of a pair reads its terms, and decoding the JSON and hashing it to check
// that it is intact were a tenth of such a page's CPU time. Found by the
// stored hash and used only when the bytes are the same as those decoded,
// a changed row (tampering included) is decoded and checked afresh. (The
// bytes are compared rather than joined to the hash into one key, which
// copied the whole content on every read.)
var decoded = struct {
	sync.Mutex
	m map[string]decodedVersion // by stored hash
}{m: map[string]decodedVersion{}}

type decodedVersion struct {
	raw     string
	content Content
	intact  bool
}

// decodeVersion returns raw's content and whether raw still hashes to hash.
func decodeVersion(raw, hash string) (Content, bool, error) {
	decoded.Lock()
	d, ok := decoded.m[hash]
	decoded.Unlock()
	if ok && d.raw == raw {
		return d.content.clone(), d.intact, nil
	}
	var c Content
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return Content{}, false, err
	}
	d = decodedVersion{raw: raw, content: c.clone(), intact: hashBytes([]byte(raw)) == hash}
	decoded.Lock()
	if len(decoded.m) >= decodedCap {
		clear(decoded.m)
	}
	decoded.m[hash] = d
	decoded.Unlock()
	return c, d.intact, nil
}

// clone copies the lists, so that no caller's change reaches the cache.
func (c Content) clone() Content {
	c.Parties = slices.Clone(c.Parties)
	c.Goals = cloneGoals(c.Goals)
	return c
}
