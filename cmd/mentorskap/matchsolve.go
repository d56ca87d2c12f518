package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"mentorskap/internal/matching/assign"
)

const matchSolveUsage = `Usage: mentorskap match-solve [FILE]

Reads a mentor/mentee score matrix as CSV from FILE (standard input if FILE
is missing or "-") and prints an optimal assignment as JSON.

Input:
  The first row is the header: a label for the mentee column (any text),
  then one cell per mentor: the mentor's id, or "id:k" for a mentor who
  takes k mentees (default 1; an id containing ":" needs the ":k").
  Every further row is a mentee id followed by one cell per mentor: a
  number is the score of that pair (higher is better, negatives allowed),
  an empty cell forbids the pair. Spaces around cells are ignored.

    mentee, anna:2, bo, cecilia
    m1,     90,     75, 60
    m2,     85,       , 70
    m3,     40,     95,

Output:
  {"total": T, "pairs": [{"mentee": …, "mentor": …, "score": …}, …],
   "unmatched": [mentee ids]}
  Pairs follow the order of the mentee rows. The assignment matches as
  many mentees as possible and, among all such assignments, has the
  largest total T. Ties are broken the same way on every run.

Errors name the line and the column (the CSV cell, counting from 1) of the
offending cell. Exit status: 0 on success, 1 for bad input, 2 for bad
usage.
`

type matchPair struct {
	Mentee string  `json:"mentee"`
	Mentor string  `json:"mentor"`
	Score  float64 `json:"score"`
}

type matchResult struct {
	Total     float64     `json:"total"`
	Pairs     []matchPair `json:"pairs"`
	Unmatched []string    `json:"unmatched"`
}

func runMatchSolve(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("match-solve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported below, help goes to stdout
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, matchSolveUsage)
			return 0
		}
		fmt.Fprintf(stderr, "mentorskap match-solve: %v\nRun \"mentorskap match-solve --help\" for usage.\n", err)
		return 2
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "mentorskap match-solve: one input file at most, got %d\nRun \"mentorskap match-solve --help\" for usage.\n", fs.NArg())
		return 2
	}
	in, name := stdin, "standard input"
	if fs.NArg() == 1 && fs.Arg(0) != "-" {
		name = fs.Arg(0)
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "mentorskap match-solve: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	mat, err := readScoreMatrix(in)
	if err != nil {
		fmt.Fprintf(stderr, "mentorskap match-solve: %s: %v\n", name, err)
		return 1
	}
	res, err := mat.solve()
	if err != nil {
		fmt.Fprintf(stderr, "mentorskap match-solve: %v\n", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fmt.Fprintf(stderr, "mentorskap match-solve: %v\n", err)
		return 1
	}
	return 0
}

// scoreMatrix is a parsed CSV score matrix. Forbidden pairs hold NaN,
// which never occurs as a score because the parser rejects it.
type scoreMatrix struct {
	mentees  []string
	mentors  []string
	capacity []int
	score    []float64 // row-major, len(mentees)×len(mentors)
}

// cellError locates an input error. col counts CSV cells from 1; 0 means
// the whole line.
type cellError struct {
	line, col int
	msg       string
}

func (e *cellError) Error() string {
	if e.col == 0 {
		return fmt.Sprintf("line %d: %s", e.line, e.msg)
	}
	return fmt.Sprintf("line %d, column %d: %s", e.line, e.col, e.msg)
}

// maxScore bounds a score's size, far beyond any real scale.
const maxScore = 1e15

func readScoreMatrix(r io.Reader) (*scoreMatrix, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1    // ragged rows get our own, clearer message
	cr.TrimLeadingSpace = true // so that `a, "b, c"` quotes its second cell
	// lineOf is the line where cell c (0-based) of the last record starts;
	// a quoted cell may span lines.
	lineOf := func(c int) int {
		line, _ := cr.FieldPos(c)
		return line
	}
	read := func() ([]string, int, error) {
		rec, err := cr.Read()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, fmt.Errorf("line %d, character %d: %v", pe.Line, pe.Column, pe.Err)
		}
		if err != nil {
			return nil, 0, err
		}
		line := lineOf(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		return rec, line, nil
	}

	header, line, err := read()
	if err == io.EOF {
		return nil, errors.New("empty input: the header row is missing")
	}
	if err != nil {
		return nil, err
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheet byte order mark
	if len(header) < 2 {
		return nil, &cellError{line, 0, "the header names no mentors (is the file comma-separated?)"}
	}
	mat := &scoreMatrix{}
	mentorCol := map[string]int{}
	for c, cell := range header[1:] {
		col := c + 2
		id, capacity := cell, 1
		if k := strings.LastIndexByte(cell, ':'); k >= 0 {
			id = strings.TrimSpace(cell[:k])
			capText := strings.TrimSpace(cell[k+1:])
			n, err := strconv.Atoi(capText)
			if err != nil || n < 1 {
				return nil, &cellError{lineOf(c + 1), col, fmt.Sprintf("capacity %q of mentor %q is not a positive whole number", capText, id)}
			}
			capacity = n
		}
		if id == "" {
			return nil, &cellError{lineOf(c + 1), col, "empty mentor id"}
		}
		if prev, dup := mentorCol[id]; dup {
			return nil, &cellError{lineOf(c + 1), col, fmt.Sprintf("mentor %q already appears in column %d", id, prev)}
		}
		mentorCol[id] = col
		mat.mentors = append(mat.mentors, id)
		mat.capacity = append(mat.capacity, capacity)
	}

	menteeLine := map[string]int{}
	for {
		rec, line, err := read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if blank(rec) {
			continue
		}
		if len(rec) != len(header) {
			col := min(len(rec), len(header)) + 1
			what := "missing cell"
			if len(rec) > len(header) {
				what = "extra cell"
			}
			return nil, &cellError{line, col, fmt.Sprintf("%s: the row has %d cells, the header %d", what, len(rec), len(header))}
		}
		id := rec[0]
		if id == "" {
			return nil, &cellError{line, 1, "empty mentee id"}
		}
		if prev, dup := menteeLine[id]; dup {
			return nil, &cellError{line, 1, fmt.Sprintf("mentee %q already appears on line %d", id, prev)}
		}
		menteeLine[id] = line
		mat.mentees = append(mat.mentees, id)
		for c, cell := range rec[1:] {
			if cell == "" {
				mat.score = append(mat.score, math.NaN())
				continue
			}
			s, err := strconv.ParseFloat(cell, 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				return nil, &cellError{lineOf(c + 1), c + 2, fmt.Sprintf("%q is not a number", cell)}
			}
			if err != nil || math.IsNaN(s) || math.IsInf(s, 0) {
				return nil, &cellError{lineOf(c + 1), c + 2, fmt.Sprintf("%q is not a finite number", cell)}
			}
			// The solver adds and subtracts scores; near the float64 limit
			// that overflows to infinity and the result cannot be checked.
			if math.Abs(s) > maxScore {
				return nil, &cellError{lineOf(c + 1), c + 2, fmt.Sprintf("%q is outside ±%g", cell, maxScore)}
			}
			mat.score = append(mat.score, s)
		}
	}
	return mat, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if c != "" {
			return false
		}
	}
	return true
}

func (mat *scoreMatrix) solve() (*matchResult, error) {
	n, m := len(mat.mentees), len(mat.mentors)
	p := assign.Problem{
		Mentees:        n,
		Mentors:        m,
		Capacity:       mat.capacity,
		MaxCardinality: true,
		Score: func(i, j int) (float64, bool) {
			s := mat.score[i*m+j]
			return s, !math.IsNaN(s)
		},
	}
	sol, err := assign.Solve(p)
	if err != nil {
		return nil, err
	}
	// The certificate check costs one more pass over the scores, little
	// next to reading them, and turns any solver bug into an error instead
	// of a silently wrong assignment.
	if err := assign.Verify(p, sol); err != nil {
		return nil, fmt.Errorf("internal error, the solution failed its optimality check: %w", err)
	}
	res := &matchResult{Pairs: []matchPair{}, Unmatched: []string{}}
	for i, j := range sol.MentorOf {
		if j < 0 {
			res.Unmatched = append(res.Unmatched, mat.mentees[i])
			continue
		}
		res.Pairs = append(res.Pairs, matchPair{mat.mentees[i], mat.mentors[j], mat.score[i*m+j]})
	}
	res.Total = tidySum(sol.Total)
	return res, nil
}

// tidySum drops the binary rounding noise a sum of decimal scores picks
// up (0.1+0.2 prints as 0.3, not 0.30000000000000004) by keeping the 15
// significant digits a float64 holds exactly.
func tidySum(x float64) float64 {
	y, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 15, 64), 64)
	if err != nil {
		return x
	}
	return y
}
