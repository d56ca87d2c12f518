// Package tmplcompile runs html/template sets without text/template's
// interpreter.
//
// text/template walks a template's parse tree on every execution: it finds
// each field and method by name, builds argument lists by reflection and
// calls every function, html/template's escapers included, through
// reflect.Value.Call. For a page rendered thousands of times a minute that
// walking was a fifth of the server's CPU. Compile turns an escaped set's
// trees into Go closures once: fields and methods are looked up once per
// type, escapers are plain Go calls writing into the page's buffer, and
// functions of the common shapes are called without reflection. Methods
// are still called through reflect.Value.Call (their receivers' types are
// the application's, unknown here), but found by index, not by name.
//
// Implemented: text, actions ending in html/template's escapers for
// element text, attributes, RCDATA and URLs; if, with, range over slices,
// arrays and maps (with else, break, continue); template calls; variables
// declared and assigned; fields, methods, map keys and chains; the
// builtins and, or, not, eq, ne, lt, le, gt, ge, len, index, print,
// printf and println; the FuncMap's functions.
//
// The output must be byte for byte what text/template writes, so the
// closures follow text/template's exec.go step by step (truthiness, nil
// handling, variable scopes, argument conversion). What this package does
// not implement is refused: Compile returns an error, and a value met at
// run time that the closures do not handle ends the execution with
// ErrUnsupported; either way the caller executes the set with
// html/template instead.
package tmplcompile

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"text/template/parse"
)

// ErrUnsupported ends an execution that met something this package does
// not handle (a range over a channel, an attribute given template.HTML):
// the caller should execute the set with html/template instead. The output
// written so far must then be discarded.
var ErrUnsupported = errors.New("tmplcompile: not supported, use text/template")

// Set is a compiled template set, safe for concurrent use.
type Set struct {
	tmpls map[string]*compiled
}

// compiled is one template; run is filled in when its compilation ends,
// so that templates may call each other (and themselves).
type compiled struct {
	name string
	run  node
}

// maxDepth is text/template's default limit on nested template calls.
const maxDepth = 100000

// state is one execution's mutable state.
type state struct {
	w *bytes.Buffer
	// vars is the variable stack of all active template calls; the current
	// call's variables start at base. Variables are resolved to positions
	// when compiling (text/template looks them up by name, from the top:
	// the compiler follows the same pushes and pops, so it finds the same
	// variable).
	vars  []reflect.Value
	base  int
	depth int
	// args holds argument lists being built, as a stack, so that calls do
	// not allocate one each.
	args []reflect.Value
}

// node writes part of a template. The errors errBreak and errContinue
// carry {{break}} and {{continue}} to their range.
type node func(s *state, dot reflect.Value) error

// valueFn evaluates a pipeline, command or argument.
type valueFn func(s *state, dot reflect.Value) (reflect.Value, error)

// cmdFn evaluates a command; final is the previous command's result when
// the command is not the pipeline's first.
type cmdFn func(s *state, dot, final reflect.Value) (reflect.Value, error)

var (
	errBreak    = errors.New("break outside range")
	errContinue = errors.New("continue outside range")
)

// Compile compiles the templates named roots, and those they call, of
// trees: a set as html/template has escaped it (it rewrites the trees on
// the set's first execution), calling funcs by name. The escapers
// html/template inserts are this package's own. Templates not reached
// from roots are left alone (html/template leaves a template it only
// calls in a special context, such as a title's, unescaped: the escaped
// copy has a name of its own).
func Compile(trees map[string]*parse.Tree, funcs map[string]any, roots ...string) (*Set, error) {
	set := &Set{tmpls: map[string]*compiled{}}
	comp := &compiler{set: set, funcs: funcs, trees: trees}
	for _, name := range roots {
		if _, err := comp.template(name); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// template compiles template name once; a template that calls itself gets
// the same *compiled, filled in when its compilation ends.
func (c *compiler) template(name string) (*compiled, error) {
	if t, ok := c.set.tmpls[name]; ok {
		return t, nil
	}
	tree := c.trees[name]
	if tree == nil || tree.Root == nil {
		return nil, fmt.Errorf("template %q not defined", name)
	}
	t := &compiled{name: name}
	c.set.tmpls[name] = t
	run, err := c.list(tree.Root, &scope{names: []string{"$"}})
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	t.run = run
	return t, nil
}

// Execute writes template name with data to w. On an error the output
// written so far is incomplete; on ErrUnsupported the caller should render
// with text/template instead.
func (set *Set) Execute(w *bytes.Buffer, name string, data any) (err error) {
	t := set.tmpls[name]
	if t == nil {
		return fmt.Errorf("tmplcompile: no template %q", name)
	}
	// text/template turns a function's panic into an error (safeCall);
	// here any panic of a called function ends the execution the same way
	// (and a bug of this package's own with an error, not a crash: the
	// page comparison in the web tests would show it).
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	dot := reflect.ValueOf(data)
	s := &state{w: w, vars: make([]reflect.Value, 1, 32), args: make([]reflect.Value, 0, 16)}
	s.vars[0] = dot
	err = t.run(s, dot)
	if err == errBreak || err == errContinue {
		err = fmt.Errorf("tmplcompile: %w", err)
	}
	return err
}

// compiler compiles one template.
type compiler struct {
	set   *Set
	funcs map[string]any
	trees map[string]*parse.Tree
}

// scope mirrors, while compiling, the variable stack text/template keeps
// while executing: the names in order of their pushes.
type scope struct{ names []string }

func (sc *scope) push(name string) { sc.names = append(sc.names, name) }
func (sc *scope) mark() int        { return len(sc.names) }
func (sc *scope) pop(mark int)     { sc.names = sc.names[:mark] }

// lookup returns the variable's position from the template's base, the
// most recently pushed of that name, as text/template's varValue finds it.
func (sc *scope) lookup(name string) (int, error) {
	for i := len(sc.names) - 1; i >= 0; i-- {
		if sc.names[i] == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("undefined variable: %s", name)
}

func unsupported(n parse.Node) error {
	return fmt.Errorf("not supported: %s", n)
}

func (c *compiler) list(l *parse.ListNode, sc *scope) (node, error) {
	if l == nil {
		return func(*state, reflect.Value) error { return nil }, nil
	}
	var nodes []node
	for _, n := range l.Nodes {
		f, err := c.node(n, sc)
		if err != nil {
			return nil, err
		}
		if f != nil {
			nodes = append(nodes, f)
		}
	}
	switch len(nodes) {
	case 0:
		return func(*state, reflect.Value) error { return nil }, nil
	case 1:
		return nodes[0], nil
	}
	return func(s *state, dot reflect.Value) error {
		for _, n := range nodes {
			if err := n(s, dot); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

func (c *compiler) node(n parse.Node, sc *scope) (node, error) {
	switch x := n.(type) {
	case *parse.TextNode:
		text := x.Text
		return func(s *state, _ reflect.Value) error {
			s.w.Write(text)
			return nil
		}, nil
	case *parse.CommentNode:
		return nil, nil
	case *parse.ActionNode:
		return c.action(x, sc)
	case *parse.IfNode:
		return c.ifOrWith(&x.BranchNode, false, sc)
	case *parse.WithNode:
		return c.ifOrWith(&x.BranchNode, true, sc)
	case *parse.RangeNode:
		return c.rangeNode(x, sc)
	case *parse.TemplateNode:
		return c.templateCall(x, sc)
	case *parse.ListNode:
		return c.list(x, sc)
	case *parse.BreakNode:
		return func(*state, reflect.Value) error { return errBreak }, nil
	case *parse.ContinueNode:
		return func(*state, reflect.Value) error { return errContinue }, nil
	}
	return nil, unsupported(n)
}

// action compiles {{pipeline}}. One that declares or assigns variables
// prints nothing; any other, in an escaped set, ends in html/template's
// escapers, which are applied here directly, writing into the buffer.
func (c *compiler) action(a *parse.ActionNode, sc *scope) (node, error) {
	if len(a.Pipe.Decl) > 0 {
		pipe, err := c.pipe(a.Pipe, sc)
		if err != nil {
			return nil, err
		}
		return func(s *state, dot reflect.Value) error {
			_, err := pipe(s, dot)
			return err
		}, nil
	}
	cmds := a.Pipe.Cmds
	first := len(cmds)
	for first > 1 && escaperOf(cmds[first-1]) != nil {
		first--
	}
	if first == len(cmds) {
		// Not escaped: text/template would print the value with fmt.
		return nil, fmt.Errorf("action without escaper: %s", a)
	}
	escs := make([]*escaper, 0, len(cmds)-first)
	for _, cmd := range cmds[first:] {
		escs = append(escs, escaperOf(cmd))
	}
	last := escs[len(escs)-1]
	escs = escs[:len(escs)-1]
	escape := func(s *state, str string, ct contentType) error {
		var err error
		for _, e := range escs {
			if str, err = e.apply(str, ct); err != nil {
				return err
			}
			ct = contentPlain
		}
		return last.write(s.w, str, ct)
	}
	if first == 1 {
		str, ok, err := c.stringFunction(cmds[0], sc)
		if err != nil {
			return nil, err
		}
		if ok {
			// A function's string goes to the escapers as it is: a
			// plain string, as stringify would find it.
			return func(s *state, dot reflect.Value) error {
				v, err := str(s, dot)
				if err != nil {
					return err
				}
				return escape(s, v, contentPlain)
			}, nil
		}
	}
	value, err := c.commands(cmds[:first], sc)
	if err != nil {
		return nil, err
	}
	return func(s *state, dot reflect.Value) error {
		v, err := value(s, dot)
		if err != nil {
			return err
		}
		// The first escaper gets the value as text/template passes it to
		// a func(...any): the value inside, or nil for none. Escapers
		// return plain strings, so the rest get a string.
		str, ct, err := stringify(v)
		if err != nil {
			return err
		}
		return escape(s, str, ct)
	}, nil
}

// pipe compiles a pipeline with its variable declarations or assignments.
func (c *compiler) pipe(p *parse.PipeNode, sc *scope) (valueFn, error) {
	value, err := c.commands(p.Cmds, sc)
	if err != nil {
		return nil, err
	}
	if len(p.Decl) == 0 {
		return value, nil
	}
	if p.IsAssign {
		slots := make([]int, len(p.Decl))
		for i, v := range p.Decl {
			if slots[i], err = sc.lookup(v.Ident[0]); err != nil {
				return nil, err
			}
		}
		return func(s *state, dot reflect.Value) (reflect.Value, error) {
			v, err := value(s, dot)
			if err != nil {
				return v, err
			}
			for _, slot := range slots {
				s.vars[s.base+slot] = v
			}
			return v, nil
		}, nil
	}
	// Declared variables are pushed after the pipeline is evaluated: the
	// pipeline itself still sees any variable of the same name before.
	n := len(p.Decl)
	for _, v := range p.Decl {
		sc.push(v.Ident[0])
	}
	return func(s *state, dot reflect.Value) (reflect.Value, error) {
		v, err := value(s, dot)
		if err != nil {
			return v, err
		}
		for range n {
			s.vars = append(s.vars, v)
		}
		return v, nil
	}, nil
}

// commands compiles a pipeline's commands, each given the previous one's
// result, with text/template's digging into a value of type interface{}
// after each.
func (c *compiler) commands(cmds []*parse.CommandNode, sc *scope) (valueFn, error) {
	fns := make([]cmdFn, len(cmds))
	for i, cmd := range cmds {
		f, err := c.command(cmd, sc, i > 0)
		if err != nil {
			return nil, err
		}
		fns[i] = f
	}
	if len(fns) == 1 {
		f := fns[0]
		return func(s *state, dot reflect.Value) (reflect.Value, error) {
			v, err := f(s, dot, reflect.Value{})
			return digInterface(v), err
		}, nil
	}
	return func(s *state, dot reflect.Value) (reflect.Value, error) {
		var v reflect.Value
		for _, f := range fns {
			var err error
			if v, err = f(s, dot, v); err != nil {
				return v, err
			}
			v = digInterface(v)
		}
		return v, nil
	}, nil
}

// digInterface is text/template's evalPipeline step: a value of type
// interface{} becomes the value inside (none for nil).
func digInterface(v reflect.Value) reflect.Value {
	if v.Kind() == reflect.Interface && v.Type().NumMethod() == 0 {
		if v.IsNil() {
			return reflect.Value{}
		}
		return v.Elem()
	}
	return v
}

// ifOrWith compiles {{if}} and {{with}}: variables declared in the
// pipeline or the branches end with the node.
func (c *compiler) ifOrWith(b *parse.BranchNode, with bool, sc *scope) (node, error) {
	br, err := c.branch(b, sc)
	if err != nil {
		return nil, err
	}
	pipe, list, elseList, mark := br.pipe, br.list, br.elseList, br.mark
	return func(s *state, dot reflect.Value) error {
		val, err := pipe(s, dot)
		if err != nil {
			return err
		}
		truth, ok := isTrue(indirectInterface(val))
		switch {
		case !ok:
			return fmt.Errorf("if/with can't use %v", val)
		case truth && with:
			err = list(s, val)
		case truth:
			err = list(s, dot)
		case elseList != nil:
			err = elseList(s, dot)
		}
		s.popVars(mark)
		return err
	}, nil
}

// compiledBranch is what {{if}}, {{with}} and {{range}} have in common:
// the pipeline, the body and the else list, and the scope marks before the
// pipeline's variables (mark) and after them (inner).
type compiledBranch struct {
	pipe           valueFn
	list, elseList node
	mark, inner    int
}

// branch compiles b's parts; the body's own variables end with the body,
// the pipeline's with the node.
func (c *compiler) branch(b *parse.BranchNode, sc *scope) (compiledBranch, error) {
	br := compiledBranch{mark: sc.mark()}
	var err error
	if br.pipe, err = c.pipe(b.Pipe, sc); err != nil {
		return br, err
	}
	br.inner = sc.mark()
	if br.list, err = c.list(b.List, sc); err != nil {
		return br, err
	}
	sc.pop(br.inner)
	if b.ElseList != nil {
		if br.elseList, err = c.list(b.ElseList, sc); err != nil {
			return br, err
		}
	}
	sc.pop(br.mark)
	return br, nil
}

func (s *state) popVars(mark int) {
	clear(s.vars[s.base+mark:])
	s.vars = s.vars[:s.base+mark]
}

// rangeNode compiles {{range}} over slices, arrays and maps, the ones
// text/template iterates in a way this package reproduces; anything else
// met at run time is ErrUnsupported.
func (c *compiler) rangeNode(r *parse.RangeNode, sc *scope) (node, error) {
	if r.Pipe.IsAssign {
		return nil, unsupported(r)
	}
	br, err := c.branch(&r.BranchNode, sc)
	if err != nil {
		return nil, err
	}
	pipe, body, elseList, mark, inner := br.pipe, br.list, br.elseList, br.mark, br.inner
	decls := len(r.Pipe.Decl)
	// oneIteration sets the declared variables (the element is the last
	// one, the index or key the one before) and runs the body; its
	// variables end with the iteration.
	oneIteration := func(s *state, index, elem reflect.Value) error {
		if decls > 0 {
			s.vars[s.base+inner-1] = elem
		}
		if decls > 1 {
			s.vars[s.base+inner-2] = index
		}
		err := body(s, elem)
		s.popVars(inner)
		if err == errContinue {
			err = nil
		}
		return err
	}
	each := func(s *state, v reflect.Value) error { return iterate(s, v, decls > 1, oneIteration) }
	return func(s *state, dot reflect.Value) error {
		v, err := pipe(s, dot)
		if err != nil {
			return err
		}
		err = each(s, v)
		if err == errEmpty {
			err = nil
			if elseList != nil {
				err = elseList(s, dot)
			}
		}
		s.popVars(mark)
		return err
	}, nil
}

// errEmpty tells a range that it had nothing to iterate over.
var errEmpty = errors.New("empty range")

// iterate runs oneIteration over v's elements as text/template's
// walkRange does, or returns errEmpty.
func iterate(s *state, v reflect.Value, needIndex bool, oneIteration func(s *state, index, elem reflect.Value) error) error {
	val, _ := indirect(v)
	switch val.Kind() {
	case reflect.Array, reflect.Slice:
		if val.Len() == 0 {
			break
		}
		for i := 0; i < val.Len(); i++ {
			var index reflect.Value
			if needIndex {
				index = reflect.ValueOf(i)
			}
			if err := oneIteration(s, index, val.Index(i)); err == errBreak {
				return nil
			} else if err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if val.Len() == 0 {
			break
		}
		keys, ok := sortedKeys(val)
		if !ok {
			return ErrUnsupported
		}
		for _, k := range keys {
			if err := oneIteration(s, k, val.MapIndex(k)); err == errBreak {
				return nil
			} else if err != nil {
				return err
			}
		}
		return nil
	case reflect.Invalid:
		// Nothing (a nil interface): like an empty map.
	default:
		// Integers, channels and iterator functions text/template
		// ranges over too, and anything else is its error.
		return ErrUnsupported
	}
	return errEmpty
}

// templateCall compiles {{template "name" pipeline}}: the called template
// starts with only $, the pipeline's value.
func (c *compiler) templateCall(t *parse.TemplateNode, sc *scope) (node, error) {
	var pipe valueFn
	if t.Pipe != nil {
		var err error
		if pipe, err = c.pipe(t.Pipe, sc); err != nil {
			return nil, err
		}
	}
	called, err := c.template(t.Name)
	if err != nil {
		return nil, err
	}
	return func(s *state, dot reflect.Value) error {
		if s.depth == maxDepth {
			return fmt.Errorf("exceeded maximum template depth (%v)", maxDepth)
		}
		var v reflect.Value
		if pipe != nil {
			var err error
			if v, err = pipe(s, dot); err != nil {
				return err
			}
		}
		base, depth := s.base, s.depth
		s.base, s.depth = len(s.vars), depth+1
		s.vars = append(s.vars, v)
		err := called.run(s, v)
		s.popVars(0)
		s.base, s.depth = base, depth
		return err
	}, nil
}
