package web

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"

	"mentorskap/internal/i18n"
	"mentorskap/internal/tmplcompile"
)

// Folding the catalog into the templates.
//
// A page says most of its words through {{.L.T "key"}}, hundreds of times
// per page, and text/template finds the field, the method and calls it by
// reflection each time, then calls html/template's escaper the same way:
// that was the largest single cost of a member's page. The words depend
// only on the language, so each page is parsed once more per language with
// every such call replaced by its translation, and, where the escaper that
// html/template chose for the spot is one of the plain ones below, with
// the already escaped text written as it stands.
//
// Only a plain locale is folded (renderPage checks that the page's is the
// bundle's own for its language): a program's own role words (WithRoles)
// change the texts per program, so such pages keep the general templates.
// Every L a template can reach (the page's, and the partials' cards that
// carry it: matchCard, notesActionForm, ContactCard) is the page's locale
// or the plain locale of the same language. A page that cannot be folded
// is served by the general templates. TestFoldedPagesSame renders pages
// both ways and compares them byte for byte.
//
// A folded set is then compiled (internal/tmplcompile) into Go closures
// that renderPage runs instead of text/template's interpreter, which found
// every field and method by name and called every escaper by reflection
// on every execution. The compiled page writes the same bytes (the same
// test compares them); a set the compiler refuses keeps html/template.

// foldedPage is one page's templates in one language, built on first use.
type foldedPage struct {
	once sync.Once
	t    *template.Template
	err  error
	// run is t compiled into Go closures (tmplcompile), executed instead
	// of text/template's interpreter; nil when the compiler refused a
	// template of the set, and then t serves.
	run *tmplcompile.Set
}

type foldKey struct {
	l    *i18n.Locale
	name string
}

// folded returns page name's templates with l's texts folded in, or nil
// when the page cannot be folded (then the general ones serve).
func (p *pages) folded(l *i18n.Locale, name string) *foldedPage {
	v, _ := p.byLocale.LoadOrStore(foldKey{l, name}, new(foldedPage))
	f := v.(*foldedPage)
	f.once.Do(func() {
		if f.t, f.err = p.fold(l, name); f.err == nil {
			f.run = p.compileFolded(f.t, l, name)
		}
	})
	if f.err != nil {
		return nil
	}
	return f
}

// compileFolded compiles a folded set for tmplcompile, or returns nil when
// it refuses one of the set's templates (the set is then executed by
// html/template, as before).
func (p *pages) compileFolded(t *template.Template, l *i18n.Locale, name string) *tmplcompile.Set {
	trees := map[string]*parse.Tree{}
	for _, x := range t.Templates() {
		trees[x.Name()] = x.Tree
	}
	// The escaped copies html/template made of templates it calls in a
	// special context are folded too.
	derived, err := p.derivedTrees(name, trees)
	if err != nil {
		return nil
	}
	for dname, tree := range derived {
		f := folder{l: l, vars: localeVars(tree.Root)}
		f.list(tree.Root)
		trees[dname] = tree
	}
	all := map[string]any{}
	for name, f := range funcs {
		all[name] = f
	}
	for name, f := range localeFuncs(l) {
		all[name] = f
	}
	set, err := tmplcompile.Compile(trees, all, "layout")
	if err != nil {
		return nil
	}
	return set
}

// derivedTemplate is how html/template names the escaped copy of a
// template called in another context than an element's text: the name,
// this mark, then the context.
const derivedTemplate = "$htmltemplate_"

// derivedContexts are the contexts derivedTrees knows, as html/template
// writes them in a derived template's name, with markup that puts a
// template's start in that context and ends it again.
var derivedContexts = map[string][2]string{
	"stateRCDATA_elementTitle":    {"<title>", "</title>"},
	"stateRCDATA_elementTextarea": {"<textarea>", "</textarea>"},
}

// derivedTrees returns the escaped copies of templates that page name's
// escaped set calls and html/template keeps to itself: {{block "title" .}}
// inside <title> calls "title$htmltemplate_stateRCDATA_elementTitle", an
// RCDATA-escaped copy of "title" that html/template adds to its internal
// text/template set only. Each is made again here: a fresh parse of the
// page gets a template that is the copy's context's opening markup, the
// original template's body and the closing markup; html/template escapes
// that in the same context, and the body's escaped nodes are the copy.
func (p *pages) derivedTrees(name string, trees map[string]*parse.Tree) (map[string]*parse.Tree, error) {
	out := map[string]*parse.Tree{}
	var queue []string
	missing := func(root *parse.ListNode) {
		for _, called := range calledTemplates(root) {
			if trees[called] == nil && out[called] == nil && strings.Contains(called, derivedTemplate) {
				queue = append(queue, called)
			}
		}
	}
	for _, tree := range trees {
		if tree != nil {
			missing(tree.Root)
		}
	}
	for len(queue) > 0 {
		dname := queue[0]
		queue = queue[1:]
		if out[dname] != nil {
			continue
		}
		base, ctx, _ := strings.Cut(dname, derivedTemplate)
		markup, ok := derivedContexts[ctx]
		if !ok {
			return nil, fmt.Errorf("%s: context %s not known", dname, ctx)
		}
		fresh, err := p.parse(name)
		if err != nil {
			return nil, err
		}
		orig := fresh.Lookup(base)
		if orig == nil || orig.Tree == nil {
			return nil, fmt.Errorf("%s: no template %s", dname, base)
		}
		open := &parse.TextNode{NodeType: parse.NodeText, Text: []byte(markup[0])}
		closing := &parse.TextNode{NodeType: parse.NodeText, Text: []byte(markup[1])}
		body := orig.Tree.Root.CopyList()
		root := &parse.ListNode{NodeType: parse.NodeList, Nodes: append(append([]parse.Node{open}, body.Nodes...), closing)}
		const probe = "tmplcompile-probe"
		tree := &parse.Tree{Name: probe, ParseName: orig.Tree.ParseName, Root: root}
		pt, err := fresh.AddParseTree(probe, tree)
		if err != nil {
			return nil, err
		}
		if err := pt.Execute(&bytes.Buffer{}, escapeOnly{}); err != nil {
			if _, escaping := err.(*template.Error); escaping {
				return nil, err
			}
		}
		// The markup around the body must have come out of the escaping
		// as it went in, or the body was not escaped as the copy was.
		nodes := pt.Tree.Root.Nodes
		if len(nodes) < 2 || !isText(nodes[0], markup[0]) || !isText(nodes[len(nodes)-1], markup[1]) {
			return nil, fmt.Errorf("%s: the probe was escaped differently", dname)
		}
		escaped := &parse.ListNode{NodeType: parse.NodeList, Nodes: nodes[1 : len(nodes)-1]}
		out[dname] = &parse.Tree{Name: dname, ParseName: orig.Tree.ParseName, Root: escaped}
		missing(escaped)
	}
	return out, nil
}

func isText(n parse.Node, text string) bool {
	t, ok := n.(*parse.TextNode)
	return ok && string(t.Text) == text
}

// fold parses page name again, lets html/template escape it (it escapes a
// set on its first execution, before it looks at the data, so an execution
// that fails at once on the first field is enough), then rewrites the
// escaped trees.
func (p *pages) fold(l *i18n.Locale, name string) (*template.Template, error) {
	t, err := p.parse(name)
	if err != nil {
		return nil, err
	}
	if err := t.ExecuteTemplate(&bytes.Buffer{}, "layout", escapeOnly{}); err != nil {
		if _, escaping := err.(*template.Error); escaping {
			return nil, err
		}
	}
	t.Funcs(localeFuncs(l))
	for _, x := range t.Templates() {
		if x.Tree != nil && x.Tree.Root != nil {
			f := folder{l: l, vars: localeVars(x.Tree.Root)}
			f.list(x.Tree.Root)
		}
	}
	return t, nil
}

// localeFuncPrefix names the functions that stand for the locale's methods
// in a folded set: {{$.L.T "key" "n" .N}} becomes {{_L_T "key" "n" .N}},
// the same call without finding the field and the method by name on every
// execution.
const localeFuncPrefix = "_L_"

// localeFuncs are l's methods as template functions.
func localeFuncs(l *i18n.Locale) template.FuncMap {
	v := reflect.ValueOf(l)
	fm := template.FuncMap{}
	for i := range v.NumMethod() {
		fm[localeFuncPrefix+v.Type().Method(i).Name] = v.Method(i).Interface()
	}
	// {{X.L.T (printf "goal.status.%s" .Status)}}, a key made from a
	// value, in one call instead of two.
	fm[localeFuncPrefix+"Tf"] = func(format string, args ...any) string { return l.T(fmt.Sprintf(format, args...)) }
	return fm
}

// escapeOnly is data without fields: executing a template with it stops at
// the first field the template reads.
type escapeOnly struct{}

// folder rewrites one template's tree for locale l.
type folder struct {
	l *i18n.Locale
	// vars are the template's variables that only ever hold the
	// locale, such as $L in {{$L := .P.L}}.
	vars map[string]bool
}

func (f folder) list(list *parse.ListNode) {
	if list == nil {
		return
	}
	out := list.Nodes[:0]
	for _, n := range list.Nodes {
		switch x := n.(type) {
		case *parse.ActionNode:
			f.pipe(x.Pipe)
			if text, ok := escapedConstant(x.Pipe); ok {
				n = &parse.TextNode{NodeType: parse.NodeText, Pos: x.Pos, Text: []byte(text)}
			} else if svg, ok := iconInText(x.Pipe); ok {
				n = &parse.TextNode{NodeType: parse.NodeText, Pos: x.Pos, Text: []byte(svg)}
			}
		case *parse.IfNode:
			f.branch(&x.BranchNode)
		case *parse.RangeNode:
			f.branch(&x.BranchNode)
		case *parse.WithNode:
			f.branch(&x.BranchNode)
		case *parse.TemplateNode:
			f.pipe(x.Pipe)
		case *parse.ListNode:
			f.list(x)
		}
		// Neighbouring texts become one write.
		if t, ok := n.(*parse.TextNode); ok && len(out) > 0 {
			if prev, ok := out[len(out)-1].(*parse.TextNode); ok {
				merged := *prev
				merged.Text = append(append([]byte(nil), prev.Text...), t.Text...)
				out[len(out)-1] = &merged
				continue
			}
		}
		out = append(out, n)
	}
	list.Nodes = out
}

func (f folder) branch(b *parse.BranchNode) {
	f.pipe(b.Pipe)
	f.list(b.List)
	f.list(b.ElseList)
}

// pipe replaces each command that only translates a constant key, or
// asks the language or a static file's address, by the constant itself,
// and any other call of a locale method by the function standing for it.
// Only a pipeline's first command can become a constant: a later one
// receives the previous result as an argument.
func (f folder) pipe(pipe *parse.PipeNode) {
	if pipe == nil {
		return
	}
	for i, cmd := range pipe.Cmds {
		for j, arg := range cmd.Args {
			switch a := arg.(type) {
			case *parse.PipeNode:
				f.pipe(a)
			case *parse.ChainNode:
				if sub, ok := a.Node.(*parse.PipeNode); ok {
					f.pipe(sub)
				}
			}
			// An argument that is the language: {{if eq . $.L.Lang}}.
			if j > 0 && f.localeMethod(arg) == "Lang" {
				cmd.Args[j] = stringNode(cmd.Pos, f.l.Lang())
			}
		}
		if text, ok := f.constantCommand(cmd); ok && i == 0 {
			cmd.Args = []parse.Node{stringNode(cmd.Pos, text)}
		} else if m := f.localeMethod(cmd.Args[0]); m != "" {
			cmd.Args[0] = parse.NewIdentifier(localeFuncPrefix + m).SetPos(cmd.Args[0].Position())
			if printf := printfArgs(cmd); m == "T" && printf != nil {
				cmd.Args = append([]parse.Node{parse.NewIdentifier(localeFuncPrefix + "Tf").SetPos(cmd.Args[0].Position())}, printf...)
			}
		}
	}
}

// printfArgs returns the format and arguments of T's one argument when it
// is (printf "format" args...).
func printfArgs(cmd *parse.CommandNode) []parse.Node {
	if len(cmd.Args) != 2 {
		return nil
	}
	sub, ok := cmd.Args[1].(*parse.PipeNode)
	if !ok || len(sub.Decl) > 0 || len(sub.Cmds) != 1 {
		return nil
	}
	call := sub.Cmds[0].Args
	if fn, ok := call[0].(*parse.IdentifierNode); !ok || fn.Ident != "printf" || len(call) < 2 {
		return nil
	}
	if _, ok := call[1].(*parse.StringNode); !ok {
		return nil
	}
	return call[1:]
}

func stringNode(pos parse.Pos, text string) *parse.StringNode {
	return &parse.StringNode{NodeType: parse.NodeString, Pos: pos, Quoted: strconv.Quote(text), Text: text}
}

// localeMethod returns M when n is X.L.M for a method M of the locale.
func (f folder) localeMethod(n parse.Node) string {
	var idents []string
	switch f := n.(type) {
	case *parse.FieldNode:
		idents = f.Ident
	case *parse.VariableNode:
		idents = f.Ident
	default:
		return ""
	}
	k := len(idents)
	if k < 2 || (idents[k-2] != "L" && !(k == 2 && f.vars[idents[0]])) {
		return ""
	}
	if _, ok := reflect.TypeFor[*i18n.Locale]().MethodByName(idents[k-1]); !ok {
		return ""
	}
	return idents[k-1]
}

// iconInText reports the markup of {{icon "name"}} in an element's text,
// where html/template's escaper passes the icon's template.HTML through
// unchanged.
func iconInText(pipe *parse.PipeNode) (string, bool) {
	if len(pipe.Decl) > 0 || len(pipe.Cmds) != 2 {
		return "", false
	}
	call, esc := pipe.Cmds[0], pipe.Cmds[1]
	fn, ok := call.Args[0].(*parse.IdentifierNode)
	if !ok || fn.Ident != "icon" || len(call.Args) != 2 {
		return "", false
	}
	name, ok := call.Args[1].(*parse.StringNode)
	if !ok {
		return "", false
	}
	if id, ok := esc.Args[0].(*parse.IdentifierNode); !ok || len(esc.Args) != 1 || id.Ident != htmlTextEscaper() {
		return "", false
	}
	svg, err := icon(name.Text)
	if err != nil {
		return "", false
	}
	return string(svg), true
}

// constantCommand reports the value of {{X.L.T "key"}}, {{X.L.Lang}} and
// {{asset "name"}}.
func (f folder) constantCommand(cmd *parse.CommandNode) (string, bool) {
	if fn, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
		if fn.Ident == "asset" && len(cmd.Args) == 2 {
			if s, ok := cmd.Args[1].(*parse.StringNode); ok {
				return assetURL(s.Text), true
			}
		}
		return "", false
	}
	switch f.localeMethod(cmd.Args[0]) {
	case "T":
		if len(cmd.Args) == 2 {
			if s, ok := cmd.Args[1].(*parse.StringNode); ok {
				return f.l.T(s.Text), true
			}
		}
	case "Lang":
		if len(cmd.Args) == 1 {
			return f.l.Lang(), true
		}
	}
	return "", false
}

// localeVars finds the variables of a template that are only ever given
// X.L, so that $L.T is known to be the locale's T. A variable given
// anything else anywhere in the template is left out, whatever its scope.
func localeVars(root *parse.ListNode) map[string]bool {
	vars := map[string]bool{}
	var pipe func(*parse.PipeNode)
	var list func(*parse.ListNode)
	pipe = func(p *parse.PipeNode) {
		if p == nil {
			return
		}
		for _, v := range p.Decl {
			name := v.Ident[0]
			isL := len(p.Cmds) == 1 && len(p.Cmds[0].Args) == 1 && endsInL(p.Cmds[0].Args[0])
			if seen, ok := vars[name]; !ok || seen {
				vars[name] = isL
			}
		}
		for _, c := range p.Cmds {
			for _, a := range c.Args {
				if sub, ok := a.(*parse.PipeNode); ok {
					pipe(sub)
				}
			}
		}
	}
	list = func(l *parse.ListNode) {
		if l == nil {
			return
		}
		for _, n := range l.Nodes {
			switch x := n.(type) {
			case *parse.ActionNode:
				pipe(x.Pipe)
			case *parse.IfNode:
				pipe(x.Pipe)
				list(x.List)
				list(x.ElseList)
			case *parse.RangeNode:
				pipe(x.Pipe)
				list(x.List)
				list(x.ElseList)
			case *parse.WithNode:
				pipe(x.Pipe)
				list(x.List)
				list(x.ElseList)
			case *parse.TemplateNode:
				pipe(x.Pipe)
			case *parse.ListNode:
				list(x)
			}
		}
	}
	list(root)
	return vars
}

// endsInL reports whether n is a field or variable chain ending in .L.
func endsInL(n parse.Node) bool {
	switch x := n.(type) {
	case *parse.FieldNode:
		return x.Ident[len(x.Ident)-1] == "L"
	case *parse.VariableNode:
		return len(x.Ident) > 1 && x.Ident[len(x.Ident)-1] == "L"
	}
	return false
}

// escapedConstant reports what an escaped action prints when its pipeline
// is a constant passed through escapers that foldEscapers knows.
func escapedConstant(pipe *parse.PipeNode) (string, bool) {
	if len(pipe.Decl) > 0 || len(pipe.Cmds) < 2 {
		return "", false
	}
	first := pipe.Cmds[0]
	s, ok := first.Args[0].(*parse.StringNode)
	if !ok || len(first.Args) != 1 {
		return "", false
	}
	text := s.Text
	for _, cmd := range pipe.Cmds[1:] {
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok || len(cmd.Args) != 1 {
			return "", false
		}
		esc, ok := foldEscapers()[id.Ident]
		if !ok {
			return "", false
		}
		if text, ok = esc(text); !ok {
			return "", false
		}
	}
	return text, true
}

// foldEscapers are html/template's escapers for the places a constant text
// usually goes: an element's text, a quoted or unquoted attribute, a
// textarea or title. html/template does not export them, so each is asked
// of html/template itself through a probe: a template whose only action
// sits in that place, checked to have got exactly that escaper.
var foldEscapers = sync.OnceValue(func() map[string]func(string) (string, bool) {
	probes := []struct{ src, before, after string }{
		{`{{.}}`, ``, ``},
		{`<p title="{{.}}">`, `<p title="`, `">`},
		{`<p title={{.}}>`, `<p title=`, `>`},
		{`<textarea>{{.}}</textarea>`, `<textarea>`, `</textarea>`},
	}
	out := map[string]func(string) (string, bool){}
	for _, p := range probes {
		t := template.Must(template.New("").Parse(p.src))
		if err := t.Execute(&bytes.Buffer{}, ""); err != nil {
			continue
		}
		var escaper string
		for _, n := range t.Tree.Root.Nodes {
			if a, ok := n.(*parse.ActionNode); ok && len(a.Pipe.Cmds) == 2 {
				if id, ok := a.Pipe.Cmds[1].Args[0].(*parse.IdentifierNode); ok {
					escaper = id.Ident
				}
			}
		}
		if !strings.HasPrefix(escaper, "_html_template_") {
			continue
		}
		out[escaper] = func(s string) (string, bool) {
			var b bytes.Buffer
			if err := t.Execute(&b, s); err != nil {
				return "", false
			}
			got, ok := strings.CutPrefix(b.String(), p.before)
			if !ok {
				return "", false
			}
			return strings.CutSuffix(got, p.after)
		}
	}
	return out
})

// htmlTextEscaper names the escaper html/template gives an element's text,
// found as foldEscapers finds theirs, and only if it passes template.HTML
// through as it is; "" otherwise, and no icon is folded.
var htmlTextEscaper = sync.OnceValue(func() string {
	t := template.Must(template.New("").Parse(`{{.}}`))
	const markup = `<i class="x">&amp;</i>`
	var b bytes.Buffer
	if err := t.Execute(&b, template.HTML(markup)); err != nil || b.String() != markup {
		return ""
	}
	a, ok := t.Tree.Root.Nodes[0].(*parse.ActionNode)
	if !ok || len(a.Pipe.Cmds) != 2 {
		return ""
	}
	if id, ok := a.Pipe.Cmds[1].Args[0].(*parse.IdentifierNode); ok && strings.HasPrefix(id.Ident, "_html_template_") {
		return id.Ident
	}
	return ""
})
