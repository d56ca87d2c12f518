package matching

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Profiles are free text, so the scorer compares words, not sentences.
// A word becomes a stem: lower case, at most stemRunes runes, so that
// "leadership" meets "leader" and "marketing" meets "market" in every
// language without a dictionary. Short words and common filler words are
// dropped; they would make everyone look alike.
const (
	stemRunes = 6
	minRunes  = 3
)

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		and the for with from that this into about also more how what who want would like get
		better good able well some any all other our your their have has not but can will
		learn learning improve work working help
		og med til fra som det den der for hvordan hva jeg meg min mitt mine vil gjerne ønsker
		bli lære jobbe arbeid mer god godt andre eller ikke kan skal har være
		och att med till från som det den för hur vad jag mig min mitt mina vill gärna
		bli lära jobba arbete mer bra andra eller inte kan ska har vara
		dan yang untuk dengan dari atau ini itu saya ingin bisa lebih baik lain tidak akan
		ada juga belajar kerja bekerja dalam pada para
	`) {
		m[w] = true
	}
	return m
}()

// words splits text into its distinct stems, in order of appearance.
func words(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) < minRunes || stopwords[w] {
			continue
		}
		st := stem(w)
		dup := false
		for _, o := range out {
			dup = dup || o == st
		}
		if !dup {
			out = append(out, st)
		}
	}
	return out
}

func stem(w string) string {
	n := 0
	for i := range w {
		if n == stemRunes {
			return w[:i]
		}
		n++
	}
	return w
}

// lines splits a one-item-per-line list (skills, needs) and also accepts
// items separated by commas or semicolons on one line.
func lines(text string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// norm is how names (field, place, organisation) compare: case and
// spacing do not matter.
func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// place splits a location such as "Bergen, Norway" into the place and
// the region (the last part); a location of one part is both.
func place(loc string) (city, region string) {
	parts := strings.Split(loc, ",")
	city, region = norm(parts[0]), norm(parts[len(parts)-1])
	if city == "" {
		city = region
	}
	return city, region
}

// vocab numbers the stems that occur on both sides of a comparison, the
// most frequent first, so that most people's stems fall into the first
// 64-bit block of a bitset. Stems only one side uses can never match and
// are not numbered at all.
type vocab map[string]int32

func newVocab(left, right [][]string) vocab {
	count := map[string]int{}
	seenL := map[string]bool{}
	for _, ws := range left {
		for _, w := range ws {
			seenL[w] = true
			count[w]++
		}
	}
	seenR := map[string]bool{}
	for _, ws := range right {
		for _, w := range ws {
			seenR[w] = true
			count[w]++
		}
	}
	var both []string
	for w := range seenL {
		if seenR[w] {
			both = append(both, w)
		}
	}
	sort.Slice(both, func(a, b int) bool {
		if count[both[a]] != count[both[b]] {
			return count[both[a]] > count[both[b]]
		}
		return both[a] < both[b]
	})
	v := make(vocab, len(both))
	for i, w := range both {
		v[w] = int32(i)
	}
	return v
}

func (v vocab) blocks() int { return (len(v) + 63) / 64 }

// entry is one non-empty 64-bit block of a mentee's bitset, at block blk
// of the mentor rows it is compared with; tag is the bit of the item (a
// need) it belongs to. Comparing with a mentor costs one AND per entry,
// however large the vocabulary.
type entry struct {
	blk  int32
	mask uint64
	tag  uint64
}

// appendEntries appends one group of entries per item (at most 64 items;
// bit k tags item k) for the stems v knows, with block numbers shifted
// by off.
func appendEntries(ents []entry, v vocab, off int, items [][]string) []entry {
	for k, ws := range items {
		if k == 64 {
			break
		}
		first := len(ents)
		for _, w := range ws {
			id, ok := v[w]
			if !ok {
				continue
			}
			b, bit := int32(off)+id>>6, uint64(1)<<(id&63)
			found := false
			for e := first; e < len(ents); e++ {
				if ents[e].blk == b {
					ents[e].mask |= bit
					found = true
					break
				}
			}
			if !found {
				ents = append(ents, entry{blk: b, mask: bit, tag: 1 << k})
			}
		}
	}
	return ents
}

// setBits sets the stems v knows in row, a mentor's bitset, at off.
func setBits(row []uint64, v vocab, off int, ws []string) {
	for _, w := range ws {
		if id, ok := v[w]; ok {
			row[off+int(id>>6)] |= 1 << (id & 63)
		}
	}
}

// codes numbers distinct strings from 1; the empty string is 0, so that
// "not given" never equals anything.
type codes map[string]int32

func (c codes) of(s string) int32 {
	if s == "" {
		return 0
	}
	id, ok := c[s]
	if !ok {
		id = int32(len(c) + 1)
		c[s] = id
	}
	return id
}
