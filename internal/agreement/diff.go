package agreement

import (
	"context"
	"strings"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Line operations of a diff.
const (
	LineSame    = "same"
	LineAdded   = "added"
	LineRemoved = "removed"
)

// Line is one line of a compared text.
type Line struct {
	Op   string
	Text string
}

// Change is one clause that differs between two versions, with its text
// compared line by line.
type Change struct {
	Section string // the section's title
	Key     string // the item's stable key
	Label   string
	Lines   []Line
}

// Diff compares two versions clause by clause in the reader's language.
// Clauses are matched by their stable keys, goals by their goal keys, so a
// goal that moved is compared with itself.
func Diff(from, to Content, l *i18n.Locale) []Change {
	fromS, toS := Sections(from, l), Sections(to, l)
	old := map[string]string{}
	for _, s := range fromS {
		for _, it := range s.Items {
			old[it.Key] = it.Text
		}
	}
	var out []Change
	for i, s := range toS { // Sections always has the same sections in the same order
		kept := map[string]bool{}
		for _, it := range s.Items {
			kept[it.Key] = true
			if prev := old[it.Key]; prev != it.Text {
				out = append(out, Change{Section: s.Title, Key: it.Key, Label: it.Label, Lines: LineDiff(prev, it.Text)})
			}
		}
		for _, it := range fromS[i].Items { // goals removed since
			if !kept[it.Key] {
				out = append(out, Change{Section: s.Title, Key: it.Key, Label: it.Label, Lines: LineDiff(it.Text, "")})
			}
		}
	}
	return out
}

// maxDiffCells bounds the table the line diff builds. Texts are at most a
// few thousand characters, so this is reached only by pathological input,
// which is then shown as all removed and all added.
const maxDiffCells = 1 << 20

// LineDiff compares two texts line by line: the longest common subsequence
// of lines is kept, the rest is removed from a or added in b.
func LineDiff(a, b string) []Line {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	x, y := split(a), split(b)
	// Common ends need no table.
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var out []Line
	for _, s := range x[:pre] {
		out = append(out, Line{LineSame, s})
	}
	out = append(out, lcs(x[pre:len(x)-suf], y[pre:len(y)-suf])...)
	for _, s := range x[len(x)-suf:] {
		out = append(out, Line{LineSame, s})
	}
	return out
}

func lcs(x, y []string) []Line {
	n, m := len(x), len(y)
	var out []Line
	if n*m > maxDiffCells {
		for _, s := range x {
			out = append(out, Line{LineRemoved, s})
		}
		for _, s := range y {
			out = append(out, Line{LineAdded, s})
		}
		return out
	}
	// t[i][j] is the LCS length of x[i:] and y[j:].
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, Line{LineSame, x[i]})
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			out = append(out, Line{LineRemoved, x[i]})
			i++
		default:
			out = append(out, Line{LineAdded, y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, Line{LineRemoved, x[i]})
	}
	for ; j < m; j++ {
		out = append(out, Line{LineAdded, y[j]})
	}
	return out
}

// ReadVersion loads one version for someone who may read it: a member of
// the pair, or a coordinator of its program when the version is signed by
// both sides and the agreement in force shares its text. A coordinator who
// may not read it gets Forbidden; anyone else NotFound.
func ReadVersion(ctx context.Context, q store.Q, actor *account.User, pairID int64, number int) (*Version, *View, error) {
	vw, err := ViewAgreement(ctx, q, actor, pairID)
	if err != nil {
		return nil, nil, err
	}
	v, err := GetVersion(ctx, q, pairID, number)
	if err != nil {
		return nil, nil, err
	}
	if !vw.MayRead(v) {
		return nil, nil, errs.E(errs.Forbidden, "agreement.error.not_shared")
	}
	return v, vw, nil
}

// Comparison is two versions of a pair's agreement side by side.
type Comparison struct {
	From, To *Version
	Changes  []Change
}

// Compare compares two versions for a member of the pair: the history of
// drafts belongs to the pair alone.
func (s *Service) Compare(ctx context.Context, actor *account.User, pairID int64, from, to int, l *i18n.Locale) (*Comparison, error) {
	if _, _, err := program.RequirePairMember(ctx, s.DB, actor, pairID); err != nil {
		return nil, err
	}
	a, err := GetVersion(ctx, s.DB, pairID, from)
	if err != nil {
		return nil, err
	}
	b, err := GetVersion(ctx, s.DB, pairID, to)
	if err != nil {
		return nil, err
	}
	return &Comparison{From: a, To: b, Changes: Diff(a.Content, b.Content, l)}, nil
}
