package tmplcompile

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"testing"
	"text/template/parse"
	"time"
)

// The tests execute each template with html/template first (which escapes
// it, and whose output is the reference), then compile the escaped trees
// and execute them here: both must write the same bytes, or both fail.
// Each case also states its expected output, so that a case fails even if
// both executors were wrong the same way.

var testFuncs = template.FuncMap{
	"upper":   strings.ToUpper,
	"add":     func(a, b int) int { return a + b },
	"t":       func(key string, args ...any) string { return key + fmt.Sprint(args...) },
	"day":     func(t time.Time) string { return t.Format("2006-01-02") },
	"pair":    func(a string, b int) []string { return []string{a, fmt.Sprint(b)} }, // by reflection
	"fails":   func() (string, error) { return "", errors.New("no") },
	"safe":    func(s string) template.HTML { return template.HTML(s) },
	"safeURL": func(s string) template.URL { return template.URL(s) },
	"panics":  func() string { panic("oh") },
}

type item struct {
	Name  string
	Tags  []string
	Next  *item
	Data  any
	n     int
	Score float64
}

func (i item) Title() string                  { return "T:" + i.Name }
func (i *item) Ptr() string                   { return "P:" + i.Name }
func (i item) Greet(who string, n int) string { return fmt.Sprintf("%s %s %d", i.Name, who, n) }
func (i item) Check(ok bool) (string, error) {
	if !ok {
		return "", errors.New("check failed")
	}
	return "checked", nil
}

// run executes src both ways and returns the compiled output, failing the
// test when the two differ.
func run(t *testing.T, src string, data any) (string, error) {
	t.Helper()
	ref := template.Must(template.New("root").Funcs(testFuncs).Parse(src))
	var want bytes.Buffer
	wantErr := ref.ExecuteTemplate(&want, "root", data)
	var tmplErr *template.Error
	if errors.As(wantErr, &tmplErr) {
		t.Fatalf("escaping %q: %v", src, wantErr)
	}
	trees := map[string]*parse.Tree{}
	for _, x := range ref.Templates() {
		trees[x.Name()] = x.Tree
	}
	set, err := Compile(trees, testFuncs, "root")
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	var got bytes.Buffer
	gotErr := set.Execute(&got, "root", data)
	if errors.Is(gotErr, ErrUnsupported) {
		return "", gotErr // left to text/template: nothing to compare
	}
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%q: error %v, text/template's %v", src, gotErr, wantErr)
	}
	if wantErr == nil && got.String() != want.String() {
		t.Fatalf("%q:\n got %q\nwant %q (text/template)", src, got.String(), want.String())
	}
	return got.String(), gotErr
}

type testCase struct {
	src  string
	data any
	want string // "" with wantErr
	err  bool
}

func check(t *testing.T, cases []testCase) {
	t.Helper()
	for _, c := range cases {
		got, err := run(t, c.src, c.data)
		if c.err {
			if err == nil {
				t.Errorf("%q with %#v: no error, wrote %q", c.src, c.data, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q with %#v: %q, %v; want %q", c.src, c.data, got, err, c.want)
		}
	}
}

func TestTruthiness(t *testing.T) {
	var nilItem *item
	src := `{{if .}}yes{{else}}no{{end}}`
	check(t, []testCase{
		{src, 0, "no", false},
		{src, 7, "yes", false},
		{src, uint8(0), "no", false},
		{src, 0.0, "no", false},
		{src, 0.5, "yes", false},
		{src, "", "no", false},
		{src, "x", "yes", false},
		{src, nil, "no", false},
		{src, nilItem, "no", false},
		{src, &item{}, "yes", false},
		{src, item{}, "yes", false}, // a struct is always true
		{src, []int{}, "no", false},
		{src, []int{0}, "yes", false},
		{src, map[string]int{}, "no", false},
		{src, false, "no", false},
		{src, true, "yes", false},
		{src, complex(0, 0), "no", false},
		{`{{if .Data}}yes{{else}}no{{end}}`, item{}, "no", false},           // nil interface field
		{`{{if .Data}}yes{{else}}no{{end}}`, item{Data: 0}, "no", false},    // zero inside an interface
		{`{{if .Data}}yes{{else}}no{{end}}`, item{Data: "a"}, "yes", false}, // a value inside
		{`{{with .Name}}[{{.}}]{{else}}none{{end}}`, item{Name: "a"}, "[a]", false},
		{`{{with .Name}}[{{.}}]{{else with .Tags}}{{len .}}{{else}}none{{end}}`, item{Tags: []string{"x"}}, "1", false},
		{`{{if and .Name .Tags}}both{{else if or .Name .Tags}}one{{else}}none{{end}}`, item{Name: "a"}, "one", false},
		{`{{if not .Next}}no next{{end}}`, item{}, "no next", false},
	})
}

func TestRange(t *testing.T) {
	check(t, []testCase{
		{`{{range .}}[{{.}}]{{else}}empty{{end}}`, []string{"a", "b"}, "[a][b]", false},
		{`{{range .}}[{{.}}]{{else}}empty{{end}}`, []string{}, "empty", false},
		{`{{range .}}[{{.}}]{{else}}empty{{end}}`, nil, "empty", false},
		{`{{range .Tags}}[{{.}}]{{else}}empty{{end}}`, &item{}, "empty", false},
		{`{{range $i, $v := .}}{{$i}}={{$v}};{{end}}`, []string{"a", "b"}, "0=a;1=b;", false},
		{`{{range $k, $v := .}}{{$k}}={{$v}};{{end}}`, map[string]int{"b": 2, "a": 1, "c": 3}, "a=1;b=2;c=3;", false},
		{`{{range $k, $v := .}}{{$k}}={{$v}};{{end}}`, map[int]string{10: "x", -1: "y", 2: "z"}, "-1=y;2=z;10=x;", false},
		{`{{range $v := .}}{{$v}}{{end}}`, [2]int{4, 5}, "45", false},
		// break and continue, also from inside an if.
		{`{{range .}}{{if eq . "skip"}}{{continue}}{{end}}{{if eq . "stop"}}{{break}}{{end}}[{{.}}]{{end}}after`,
			[]string{"a", "skip", "b", "stop", "c"}, "[a][b]after", false},
		// A range's variables and its body's are gone after it.
		{`{{$v := "out"}}{{range $v := .}}{{$v}}{{$w := "in"}}{{$w}}{{end}}{{$v}}`, []string{"a", "b"}, "ainbinout", false},
		// Elements of a slice of structs are addressable: pointer methods work.
		{`{{range .}}{{.Ptr}} {{.Title}};{{end}}`, []item{{Name: "a"}, {Name: "b"}}, "P:a T:a;P:b T:b;", false},
	})
}

func TestVariables(t *testing.T) {
	check(t, []testCase{
		{`{{$x := 1}}{{if true}}{{$x = 2}}{{$y := 3}}{{$y}}{{end}}{{$x}}`, nil, "32", false},
		{`{{$x := "a"}}{{with .}}{{$x := "b"}}{{$x}}{{end}}{{$x}}`, 1, "ba", false},
		{`{{with $x := .Name}}{{$x}}{{.}}{{end}}`, item{Name: "n"}, "nn", false},
		{`{{if $x := .Name}}{{$x}}{{else}}{{$x}}-{{end}}`, item{}, "-", false},
		{`{{range .Tags}}{{$.Name}}:{{.}} {{end}}`, item{Name: "n", Tags: []string{"a"}}, "n:a ", false},
		// A called template starts with $ as its argument and none of
		// the caller's variables; the caller's are there after it.
		{`{{define "sub"}}[{{$}}|{{.}}]{{end}}{{$x := 5}}{{template "sub" .Name}}{{$x}}`, item{Name: "n"}, "[n|n]5", false},
		// Variables declared after a call are where the caller put them.
		{`{{define "sub"}}{{$z := 1}}{{.}}{{end}}{{template "sub" "a"}}{{$y := "b"}}{{$y}}`, nil, "ab", false},
		// A template calling itself.
		{`{{define "list"}}{{.Name}}{{with .Next}}>{{template "list" .}}{{end}}{{end}}{{template "list" .}}`,
			&item{Name: "a", Next: &item{Name: "b", Next: &item{Name: "c"}}}, "a>b>c", false},
	})
}

func TestNilAndErrors(t *testing.T) {
	var nilItem *item
	check(t, []testCase{
		// A nil pointer on the way to a field is an error...
		{`{{.Next.Name}}`, item{}, "", true},
		{`{{.Name}}`, nilItem, "", true},
		// ...and so is a field of a nil interface.
		{`{{.Data.Name}}`, item{}, "", true},
		// A field of no value at all is no value.
		{`{{.x.y}}`, map[string]any{}, "", false},
		{`[{{.missing}}]`, map[string]string{}, "[]", false},
		{`[{{.}}]`, nil, "[]", false},
		{`{{.Nope}}`, item{}, "", true},
		{`{{.n}}`, item{}, "", true}, // unexported
		// A method's error stops the execution; no error, its value.
		{`{{.Check true}}`, item{}, "checked", false},
		{`{{.Check false}}`, item{}, "", true},
		{`{{fails}}`, nil, "", true},
		{`{{panics}}`, nil, "", true},
		{`{{index .Tags 5}}`, item{}, "", true},
		{`{{len .Next}}`, item{}, "", true},
		{`{{lt .Name 1}}`, item{}, "", true},
		// A method on a nil pointer receiver is called.
		{`{{.Title}}`, nilItem, "", true},
	})
}

func TestCallsAndBuiltins(t *testing.T) {
	when := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	data := map[string]any{"I": item{Name: "n", Tags: []string{"a", "b"}, Score: 1.5}, "When": when, "N": 3, "M": map[string]int{"k": 7}}
	check(t, []testCase{
		{`{{.I.Greet "you" 2}}`, data, "n you 2", false},
		{`{{.I.Greet "you" .N}}`, data, "n you 3", false},
		{`{{upper .I.Name}}`, data, "N", false},
		{`{{.I.Name | upper}}`, data, "N", false},
		{`{{add .N 4}}`, data, "7", false},
		{`{{t "key"}} {{t "key" 1 "x"}}`, data, "key key1x", false},
		{`{{day .When}}`, data, "2026-12-07", false},
		{`{{pair "a" 2}}`, data, "[a 2]", false},
		{`{{index .I.Tags 1}} {{index .M "k"}} {{index .M "none"}}`, data, "b 7 0", false},
		{`{{len .I.Tags}} {{len .M}}`, data, "2 1", false},
		{`{{eq .N 1 2 3}} {{ne .N 3}} {{lt .N 4}} {{le .N 3}} {{gt .N 3}} {{ge .N 3}}`, data, "true false true true false true", false},
		{`{{eq .I.Name "n"}} {{eq .I.Score 1.5}}`, data, "true true", false},
		{`{{and 1 0 2}} {{and 1 2}} {{or 0 "" "x"}} {{or 0 ""}}`, data, "0 2 x ", false},
		{`{{print .N "x" 1.5}} {{printf "%03d-%s" .N .I.Name}} {{println .N}}`, data, "3x1.5 003-n 3\n", false},
		{`{{printf "%v" .I.Tags | upper}}`, data, "[A B]", false},
		{`{{(index .I.Tags 0)}}{{(.I).Name}}`, data, "an", false},
		{`{{$i := .I}}{{$i.Greet "v" 1}}`, data, "n v 1", false},
		{`{{.I.Title | printf "%s!"}}`, data, "T:n!", false},
		{`{{if eq .N 3 | not}}no{{else}}yes{{end}}`, data, "yes", false},
	})
}

func TestEscapers(t *testing.T) {
	nasty := "a<b>&'\"+\x00é"
	check(t, []testCase{
		{`<p>{{.}}</p>`, nasty, "<p>a&lt;b&gt;&amp;&#39;&#34;&#43;\uFFFDé</p>", false},
		{`<p title="{{.}}">`, nasty, "<p title=\"a&lt;b&gt;&amp;&#39;&#34;&#43;\uFFFDé\">", false},
		{`<textarea>{{.}}</textarea>`, nasty, "<textarea>a&lt;b&gt;&amp;&#39;&#34;&#43;\uFFFDé</textarea>", false},
		{`<p>{{safe .}}</p>`, "<b>x</b>", "<p><b>x</b></p>", false},
		{`<textarea>{{safe .}}</textarea>`, "<b>&amp;</b>", "<textarea>&lt;b&gt;&amp;&lt;/b&gt;</textarea>", false},
		{`<a href="{{.}}">`, "javascript:alert(1)", `<a href="#ZgotmplZ">`, false},
		{`<a href="{{.}}">`, "/x?a=1&b=ä ö", `<a href="/x?a=1&amp;b=%c3%a4%20%c3%b6">`, false},
		{`<a href="{{safeURL .}}">`, "javascript:x", `<a href="javascript:x">`, false},
		{`<a href="/s?q={{.}}&n=2">`, "a b&c/é", `<a href="/s?q=a%20b%26c%2f%c3%a9&n=2">`, false},
		{`<a href="/p/{{.}}">`, 42, `<a href="/p/42">`, false},
		{`<p>{{.}}</p>`, 42, "<p>42</p>", false},
		{`<p>{{.}}</p>`, []string{"<a>"}, "<p>[&lt;a&gt;]</p>", false},
		{`<p>{{.}}</p>`, &item{Name: "x"}, "<p>{x [] &lt;nil&gt; &lt;nil&gt; 0 0}</p>", false},
		{`<p>{{.}}</p>`, time.Duration(1500) * time.Millisecond, "<p>1.5s</p>", false},
		{`<p>{{.}}</p>`, errors.New("<bad>"), "<p>&lt;bad&gt;</p>", false},
	})
	// template.HTML in an attribute is stripped of its tags by
	// html/template's tokenizer, which this package leaves to it.
	ref := template.Must(template.New("root").Funcs(testFuncs).Parse(`<p title="{{safe .}}">`))
	if err := ref.Execute(&bytes.Buffer{}, "<b>x</b>"); err != nil {
		t.Fatal(err)
	}
	set, err := Compile(map[string]*parse.Tree{"root": ref.Tree}, testFuncs, "root")
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Execute(&bytes.Buffer{}, "root", "<b>x</b>"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("HTML in an attribute: %v, want ErrUnsupported", err)
	}
}

// TestRefused checks that what the package does not implement is refused
// when compiling, so that the caller uses text/template.
func TestRefused(t *testing.T) {
	for _, src := range []string{
		`{{.}}`,                          // not escaped: text/template prints it
		`<p>{{slice .Name 1}}</p>`,       // a builtin not implemented
		`<script>var x = {{.}}</script>`, // an escaper not implemented
		`<p>{{template "missing"}}</p>`,
	} {
		var trees map[string]*parse.Tree
		if src == `{{.}}` {
			tr, err := parse.Parse("root", src, "{{", "}}")
			if err != nil {
				t.Fatal(err)
			}
			trees = tr
		} else {
			ref := template.Must(template.New("root").Funcs(testFuncs).Parse(src))
			ref.Execute(&bytes.Buffer{}, item{}) // escapes; the error does not matter
			trees = map[string]*parse.Tree{}
			for _, x := range ref.Templates() {
				trees[x.Name()] = x.Tree
			}
		}
		if _, err := Compile(trees, testFuncs, "root"); err == nil {
			t.Errorf("%s: compiled", src)
		}
	}
	// Ranging over a channel is left to text/template when met.
	ref := template.Must(template.New("root").Parse(`{{range .}}{{.}}{{end}}`))
	ref.Execute(&bytes.Buffer{}, []int{})
	set, err := Compile(map[string]*parse.Tree{"root": ref.Tree}, nil, "root")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan int)
	close(ch)
	if err := set.Execute(&bytes.Buffer{}, "root", ch); !errors.Is(err, ErrUnsupported) {
		t.Errorf("range over a channel: %v, want ErrUnsupported", err)
	}
}

// TestEscapersMatch compares the escapers with html/template's on every
// byte, invalid UTF-8, html/template's typed strings and other values, in
// each context whose escapers this package has.
func TestEscapersMatch(t *testing.T) {
	values := []any{nil, 0, -3, 2.5, true, "", "plain", "\xff\xfe<", "%zz%41%4", "HTTP://x", "mailto:a@b", "javascript:x",
		"data:x", "/a:b", "a/b:c", template.HTML("<i>&amp;</i>"), template.URL("javascript:y?a=<b>&c"), template.CSS("a<b"),
		template.JS("x<y"), template.HTMLAttr(`a="b"`), template.JSStr("'"), template.Srcset("a.png 1x"),
		[]byte("bytes<"), errors.New("e<"), time.Second, &item{Name: "<n>"}, item{Name: "<v>"}, new(string), []string{"<"}}
	var all strings.Builder
	for b := range 256 {
		values = append(values, string(rune(b)), string([]byte{byte(b)}))
		all.WriteByte(byte(b))
	}
	values = append(values, all.String())
	contexts := []string{
		`<p>{{.}}</p>`,
		`<p title="{{.}}">`,
		`<p title='{{.}}'>`,
		`<textarea>{{.}}</textarea>`,
		`<title>{{.}}</title>`,
		`<a href="{{.}}">`,
		`<a href="/x/{{.}}">`,
		`<a href="/x?q={{.}}&r={{.}}">`,
		`<img src="{{.}}">`,
	}
	for _, src := range contexts {
		for _, v := range values {
			if _, err := run(t, src, v); err != nil && !(errors.Is(err, ErrUnsupported) && strings.Contains(src, "title=")) {
				t.Errorf("%s with %#v: %v", src, v, err)
			}
		}
	}
}
