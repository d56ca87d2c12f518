package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func matchSolve(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runMatchSolve(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func decodeResult(t *testing.T, out string) matchResult {
	t.Helper()
	var res matchResult
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("output is not the documented JSON: %v\n%s", err, out)
	}
	return res
}

func TestMatchSolveHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help", "-help"} {
		code, out, errOut := matchSolve(t, "", arg)
		if code != 0 || !strings.HasPrefix(out, "Usage: mentorskap match-solve") || errOut != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", arg, code, out, errOut)
		}
	}
}

func TestMatchSolveExample(t *testing.T) {
	t.Parallel()
	in := "mentee, anna:2, bo, cecilia\n" +
		"m1,     90,     75, 60\n" +
		"m2,     85,       , 70\n" +
		"m3,     40,     95,\n"
	code, out, errOut := matchSolve(t, in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := matchResult{
		Total: 270,
		Pairs: []matchPair{
			{"m1", "anna", 90}, {"m2", "anna", 85}, {"m3", "bo", 95},
		},
		Unmatched: []string{},
	}
	if got := decodeResult(t, out); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// Matching more mentees beats a higher total: m1 alone with anna scores
// 100, but m1→bo and m2→anna match both.
func TestMatchSolveCardinalityFirst(t *testing.T) {
	t.Parallel()
	in := "mentee,anna,bo\nm1,100,1\nm2,2,\n"
	code, out, errOut := matchSolve(t, in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	res := decodeResult(t, out)
	if res.Total != 3 || len(res.Pairs) != 2 || res.Pairs[0].Mentor != "bo" || res.Pairs[1].Mentor != "anna" {
		t.Errorf("got %+v", res)
	}
}

func TestMatchSolveUnmatchedAndEmptyLists(t *testing.T) {
	t.Parallel()
	// Three mentees, one place: two stay unmatched; m2 is best.
	code, out, _ := matchSolve(t, "mentee,anna\nm1,5\nm2,7\nm3,-1\n")
	if code != 0 {
		t.Fatal(out)
	}
	res := decodeResult(t, out)
	if res.Total != 7 || len(res.Pairs) != 1 || res.Pairs[0].Mentee != "m2" ||
		strings.Join(res.Unmatched, ",") != "m1,m3" {
		t.Errorf("got %+v", res)
	}
	// Everything forbidden: pairs must be [] and unmatched lists all.
	code, out, _ = matchSolve(t, "mentee,anna\nm1,\nm2, \n")
	if code != 0 {
		t.Fatal(out)
	}
	if !strings.Contains(out, `"pairs": []`) || !strings.Contains(out, `"unmatched": [`) {
		t.Errorf("lists must be [] not null:\n%s", out)
	}
	// No mentees at all: both lists empty, not null.
	code, out, _ = matchSolve(t, "mentee,anna\n")
	if code != 0 || !strings.Contains(out, `"pairs": []`) || !strings.Contains(out, `"unmatched": []`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestMatchSolveInputForms(t *testing.T) {
	t.Parallel()
	in := "\ufeff mentee ,\t\"a b : 2\", c\n\n  x , 1.5 , -2e0 \r\ny,0x1p1,3\n  ,  ,  \n"
	dir := t.TempDir()
	file := filepath.Join(dir, "scores.csv")
	if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, c := range []struct {
		stdin string
		args  []string
	}{{in, nil}, {in, []string{"-"}}, {"", []string{file}}} {
		code, out, errOut := matchSolve(t, c.stdin, c.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errOut)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] || outs[1] != outs[2] {
		t.Errorf("stdin, - and file differ:\n%s\n%s\n%s", outs[0], outs[1], outs[2])
	}
	res := decodeResult(t, outs[0])
	// x→"a b" (1.5) and y→c (3) beat x→"a b", y→"a b" (1.5+2).
	want := matchResult{Total: 4.5, Pairs: []matchPair{{"x", "a b", 1.5}, {"y", "c", 3}}, Unmatched: []string{}}
	if fmt.Sprint(res) != fmt.Sprint(want) {
		t.Errorf("got %+v, want %+v", res, want)
	}
}

func TestMatchSolveTidyTotal(t *testing.T) {
	t.Parallel()
	code, out, _ := matchSolve(t, "mentee,a,b\nx,0.1,\ny,,0.2\n")
	if code != 0 || !strings.Contains(out, `"total": 0.3,`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestMatchSolveRejectsBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"bad number", "mentee,a,b,c\nx,1,2,3\ny,1,2,abc\n", `line 3, column 4: "abc" is not a number`},
		{"NaN", "mentee,a\nx,NaN\n", `line 2, column 2: "NaN" is not a finite number`},
		{"Inf", "mentee,a,b\nx,1,-Inf\n", `line 2, column 3: "-Inf" is not a finite number`},
		{"overflow", "mentee,a\nx,1e999\n", `line 2, column 2: "1e999" is not a finite number`},
		{"short row", "mentee,a,b\nx,1\n", "line 2, column 3: missing cell"},
		{"long row", "mentee,a,b\nx,1,2,3\n", "line 2, column 4: extra cell"},
		{"duplicate mentee", "mentee,a\nx,1\ny,2\nx,3\n", `line 4, column 1: mentee "x" already appears on line 2`},
		{"duplicate mentor", "mentee,a,b:2,a\nx,1,2,3\n", `line 1, column 4: mentor "a" already appears in column 2`},
		{"zero capacity", "mentee,a,x:0\nm,1,2\n", `line 1, column 3: capacity "0" of mentor "x" is not a positive whole number`},
		{"word capacity", "mentee,x:abc\nm,1\n", `line 1, column 2: capacity "abc" of mentor "x" is not a positive whole number`},
		{"negative capacity", "mentee,x:-2\nm,1\n", `line 1, column 2: capacity "-2"`},
		{"empty mentor", "mentee,a,,b\nm,1,2,3\n", "line 1, column 3: empty mentor id"},
		{"empty mentor with capacity", "mentee,:2\nm,1\n", "line 1, column 2: empty mentor id"},
		{"empty mentee", "mentee,a\n,1\n", "line 2, column 1: empty mentee id"},
		{"empty input", "", "empty input"},
		{"blank input", "\n\n", "empty input"},
		{"no mentors", "mentee\nm\n", "line 1: the header names no mentors"},
		{"semicolons", "mentee;a;b\nm;1;2\n", "line 1: the header names no mentors"},
		{"bad quote", "mentee,a\nm,1\"2\n", `line 2, character 4: bare " in non-quoted-field`},
		{"multi-line cell", "mentee,a,b\n\"m\n1\",1,zz\n", `line 3, column 3: "zz" is not a number`},
	}
	for _, c := range cases {
		code, out, errOut := matchSolve(t, c.in)
		if code != 1 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and %q", c.name, code, out, errOut, c.want)
		}
	}
}

func TestMatchSolveUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.csv")
	if code, _, errOut := matchSolve(t, "", missing); code != 1 || !strings.Contains(errOut, "nope.csv") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := matchSolve(t, "", "a.csv", "b.csv"); code != 2 || !strings.Contains(errOut, "one input file") {
		t.Errorf("two files: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := matchSolve(t, "", "--frobnicate"); code != 2 || !strings.Contains(errOut, "frobnicate") {
		t.Errorf("unknown flag: exit %d, stderr %q", code, errOut)
	}
}

// The same matrix, full of ties, gives byte-identical output every time,
// also through the main dispatcher.
func TestMatchSolveDeterministic(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 5))
	var b strings.Builder
	b.WriteString("mentee")
	for j := range 40 {
		fmt.Fprintf(&b, ",t%d:%d", j, 1+j%3)
	}
	b.WriteByte('\n')
	for i := range 120 {
		fmt.Fprintf(&b, "s%d", i)
		for range 40 {
			if r.IntN(10) == 0 {
				b.WriteString(",")
			} else {
				fmt.Fprintf(&b, ",%d", r.IntN(4))
			}
		}
		b.WriteByte('\n')
	}
	in := b.String()
	var first string
	for run := range 5 {
		var out, errb bytes.Buffer
		if code := matchSolveViaRun(in, &out, &errb); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		if run == 0 {
			first = out.String()
			res := decodeResult(t, first)
			// 40 mentors with 1, 2, 3, 1, … places: 79 in all.
			if len(res.Pairs) > 79 || len(res.Pairs)+len(res.Unmatched) != 120 {
				t.Fatalf("%d pairs, %d unmatched", len(res.Pairs), len(res.Unmatched))
			}
		} else if out.String() != first {
			t.Fatalf("run %d differs", run)
		}
	}
}

func matchSolveViaRun(in string, out, errb *bytes.Buffer) int {
	return run([]string{"match-solve"}, strings.NewReader(in), out, errb)
}
