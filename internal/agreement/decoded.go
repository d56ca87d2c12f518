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
// that it is intact were a tenth of such a page's CPU time. Keyed by the
// bytes themselves, a changed row (tampering included) is a different key
// and is decoded and checked afresh.
var decoded = struct {
	sync.Mutex
	m map[string]decodedVersion
}{m: map[string]decodedVersion{}}

type decodedVersion struct {
	content Content
	intact  bool
}

// decodeVersion returns raw's content and whether raw still hashes to hash.
func decodeVersion(raw, hash string) (Content, bool, error) {
	key := hash + "\x00" + raw
	decoded.Lock()
	d, ok := decoded.m[key]
	decoded.Unlock()
	if ok {
		return d.content.clone(), d.intact, nil
	}
	var c Content
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return Content{}, false, err
	}
	d = decodedVersion{content: c.clone(), intact: hashBytes([]byte(raw)) == hash}
	decoded.Lock()
	if len(decoded.m) >= decodedCap {
		clear(decoded.m)
	}
	decoded.m[key] = d
	decoded.Unlock()
	return c, d.intact, nil
}

// clone copies the lists, so that no caller's change reaches the cache.
func (c Content) clone() Content {
	c.Parties = slices.Clone(c.Parties)
	c.Goals = cloneGoals(c.Goals)
	return c
}
