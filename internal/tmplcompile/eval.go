package tmplcompile

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"text/template/parse"
)

// Commands, fields, calls and arguments, after text/template's exec.go:
// each function names the one it follows.

var (
	reflectValueType = reflect.TypeFor[reflect.Value]()
	errorType        = reflect.TypeFor[error]()
	stringType       = reflect.TypeFor[string]()
)

// arg is a compiled argument. Constants are converted to the parameter's
// type when it is known (evalArg converts them by the parameter's kind).
type arg struct {
	node parse.Node
	eval valueFn // nil for a constant
	// ideal is the constant as an interface{} parameter gets it
	// (evalEmptyInterface): valid only for a bool, number or string.
	ideal    reflect.Value
	idealErr error
}

// command compiles one command (evalCommand).
func (c *compiler) command(cmd *parse.CommandNode, sc *scope, hasFinal bool) (cmdFn, error) {
	args := cmd.Args[1:]
	// notAFunction: only a field, chain, variable or function takes
	// arguments; text/template fails on anything else given some.
	onlyWord := func() error {
		if len(args) > 0 || hasFinal {
			return fmt.Errorf("arguments to a non-function: %s", cmd)
		}
		return nil
	}
	switch n := cmd.Args[0].(type) {
	case *parse.FieldNode:
		return c.fieldChain(nil, n.Ident, args, sc, hasFinal)
	case *parse.ChainNode:
		recv, err := c.chainReceiver(n, sc)
		if err != nil {
			return nil, err
		}
		return c.fieldChain(recv, n.Field, args, sc, hasFinal)
	case *parse.VariableNode:
		get, err := c.variable(n, sc)
		if err != nil {
			return nil, err
		}
		if len(n.Ident) == 1 {
			if err := onlyWord(); err != nil {
				return nil, err
			}
			return func(s *state, dot, _ reflect.Value) (reflect.Value, error) { return get(s, dot) }, nil
		}
		return c.fieldChain(get, n.Ident[1:], args, sc, hasFinal)
	case *parse.IdentifierNode:
		return c.function(n.Ident, args, sc, hasFinal)
	case *parse.PipeNode:
		if err := onlyWord(); err != nil {
			return nil, err
		}
		pipe, err := c.pipe(n, sc)
		if err != nil {
			return nil, err
		}
		return func(s *state, dot, _ reflect.Value) (reflect.Value, error) { return pipe(s, dot) }, nil
	case *parse.DotNode:
		if err := onlyWord(); err != nil {
			return nil, err
		}
		return func(_ *state, dot, _ reflect.Value) (reflect.Value, error) { return dot, nil }, nil
	case *parse.BoolNode, *parse.NumberNode, *parse.StringNode:
		if err := onlyWord(); err != nil {
			return nil, err
		}
		v, err := idealConstant(n)
		if err != nil {
			return nil, err
		}
		return func(*state, reflect.Value, reflect.Value) (reflect.Value, error) { return v, nil }, nil
	}
	return nil, unsupported(cmd)
}

// variable compiles $x to its position on the stack.
func (c *compiler) variable(n *parse.VariableNode, sc *scope) (valueFn, error) {
	slot, err := sc.lookup(n.Ident[0])
	if err != nil {
		return nil, err
	}
	return func(s *state, _ reflect.Value) (reflect.Value, error) { return s.vars[s.base+slot], nil }, nil
}

// chainReceiver compiles the X of (X).Field (evalChainNode).
func (c *compiler) chainReceiver(n *parse.ChainNode, sc *scope) (valueFn, error) {
	switch x := n.Node.(type) {
	case *parse.PipeNode:
		return c.pipe(x, sc)
	case *parse.FieldNode, *parse.VariableNode, *parse.DotNode, *parse.IdentifierNode, *parse.ChainNode:
		a, err := c.arg(x, sc)
		if err != nil {
			return nil, err
		}
		return a.eval, nil
	}
	return nil, unsupported(n)
}

// fieldChain compiles .A.B.C on recv (dot when nil): the last name gets
// the arguments (evalFieldChain).
func (c *compiler) fieldChain(recv valueFn, idents []string, argNodes []parse.Node, sc *scope, hasFinal bool) (cmdFn, error) {
	args, err := c.args(argNodes, sc)
	if err != nil {
		return nil, err
	}
	sites := make([]*fieldSite, len(idents))
	for i, name := range idents {
		sites[i] = &fieldSite{name: name, key: reflect.ValueOf(name)}
	}
	last := len(sites) - 1
	return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
		r := dot
		if recv != nil {
			var err error
			if r, err = recv(s, dot); err != nil {
				return r, err
			}
		}
		for _, site := range sites[:last] {
			var err error
			if r, err = s.field(site, dot, r, nil, reflect.Value{}, false); err != nil {
				return r, err
			}
		}
		return s.field(sites[last], dot, r, args, final, hasFinal)
	}, nil
}

func (c *compiler) args(nodes []parse.Node, sc *scope) ([]*arg, error) {
	args := make([]*arg, len(nodes))
	for i, n := range nodes {
		a, err := c.arg(n, sc)
		if err != nil {
			return nil, err
		}
		args[i] = a
	}
	return args, nil
}

// arg compiles an argument (evalArg): a field, variable or function as an
// argument is evaluated without arguments of its own.
func (c *compiler) arg(n parse.Node, sc *scope) (*arg, error) {
	a := &arg{node: n}
	var err error
	switch x := n.(type) {
	case *parse.DotNode:
		a.eval = func(_ *state, dot reflect.Value) (reflect.Value, error) { return dot, nil }
	case *parse.FieldNode:
		var f cmdFn
		if f, err = c.fieldChain(nil, x.Ident, nil, sc, false); err == nil {
			a.eval = func(s *state, dot reflect.Value) (reflect.Value, error) { return f(s, dot, reflect.Value{}) }
		}
	case *parse.VariableNode:
		var get valueFn
		if get, err = c.variable(x, sc); err == nil {
			a.eval = get
			if len(x.Ident) > 1 {
				var f cmdFn
				if f, err = c.fieldChain(get, x.Ident[1:], nil, sc, false); err == nil {
					a.eval = func(s *state, dot reflect.Value) (reflect.Value, error) { return f(s, dot, reflect.Value{}) }
				}
			}
		}
	case *parse.PipeNode:
		a.eval, err = c.pipe(x, sc)
	case *parse.IdentifierNode:
		var f cmdFn
		if f, err = c.function(x.Ident, nil, sc, false); err == nil {
			a.eval = func(s *state, dot reflect.Value) (reflect.Value, error) { return f(s, dot, reflect.Value{}) }
		}
	case *parse.ChainNode:
		var recv valueFn
		if recv, err = c.chainReceiver(x, sc); err == nil {
			var f cmdFn
			if f, err = c.fieldChain(recv, x.Field, nil, sc, false); err == nil {
				a.eval = func(s *state, dot reflect.Value) (reflect.Value, error) { return f(s, dot, reflect.Value{}) }
			}
		}
	case *parse.BoolNode, *parse.NumberNode, *parse.StringNode:
		a.ideal, a.idealErr = idealConstant(x)
	case *parse.NilNode:
	default:
		err = unsupported(n)
	}
	return a, err
}

// idealConstant is a constant's value where no type is asked for
// (idealConstant, evalEmptyInterface).
func idealConstant(n parse.Node) (reflect.Value, error) {
	switch x := n.(type) {
	case *parse.BoolNode:
		return reflect.ValueOf(x.True), nil
	case *parse.StringNode:
		return reflect.ValueOf(x.Text), nil
	case *parse.NumberNode:
		switch {
		case x.IsComplex:
			return reflect.ValueOf(x.Complex128), nil
		case x.IsFloat && !isHexInt(x.Text) && !isRuneInt(x.Text) && containsAny(x.Text, ".eEpP"):
			return reflect.ValueOf(x.Float64), nil
		case x.IsInt:
			n := int(x.Int64)
			if int64(n) != x.Int64 {
				return reflect.Value{}, fmt.Errorf("%s overflows int", x.Text)
			}
			return reflect.ValueOf(n), nil
		case x.IsUint:
			return reflect.Value{}, fmt.Errorf("%s overflows int", x.Text)
		}
		return reflect.Value{}, nil
	}
	return reflect.Value{}, unsupported(n)
}

func isRuneInt(s string) bool { return len(s) > 0 && s[0] == '\'' }

func isHexInt(s string) bool {
	return len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !containsAny(s, "pP")
}

func containsAny(s, chars string) bool {
	for i := range len(s) {
		for j := range len(chars) {
			if s[i] == chars[j] {
				return true
			}
		}
	}
	return false
}

// typedConstant converts a constant argument to parameter type typ as
// evalArg does by the parameter's kind.
func typedConstant(a *arg, typ reflect.Type) (reflect.Value, error) {
	if _, ok := a.node.(*parse.NilNode); ok {
		if canBeNil(typ) {
			return reflect.Zero(typ), nil
		}
		return reflect.Value{}, fmt.Errorf("cannot assign nil to %s", typ)
	}
	num, _ := a.node.(*parse.NumberNode)
	value := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.Bool:
		if b, ok := a.node.(*parse.BoolNode); ok {
			value.SetBool(b.True)
			return value, nil
		}
	case reflect.Complex64, reflect.Complex128:
		if num != nil && num.IsComplex {
			value.SetComplex(num.Complex128)
			return value, nil
		}
	case reflect.Float32, reflect.Float64:
		if num != nil && num.IsFloat {
			value.SetFloat(num.Float64)
			return value, nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if num != nil && num.IsInt {
			value.SetInt(num.Int64)
			return value, nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if num != nil && num.IsUint {
			value.SetUint(num.Uint64)
			return value, nil
		}
	case reflect.String:
		if str, ok := a.node.(*parse.StringNode); ok {
			if typ == stringType {
				return a.ideal, nil
			}
			value.SetString(str.Text)
			return value, nil
		}
	case reflect.Interface:
		if typ.NumMethod() == 0 {
			return a.ideal, a.idealErr
		}
	case reflect.Struct:
		if typ == reflectValueType {
			return reflect.ValueOf(a.ideal), a.idealErr
		}
	}
	return reflect.Value{}, fmt.Errorf("can't handle %s for arg of type %s", a.node, typ)
}

// evalArg evaluates an argument for a parameter of type typ.
func (s *state) evalArg(dot reflect.Value, a *arg, typ reflect.Type) (reflect.Value, error) {
	if a.eval == nil {
		return typedConstant(a, typ)
	}
	v, err := a.eval(s, dot)
	if err != nil {
		return v, err
	}
	return validateType(v, typ)
}

// rawArg evaluates an argument for a builtin's reflect.Value parameter:
// the value itself, none for nil.
func (s *state) rawArg(dot reflect.Value, a *arg) (reflect.Value, error) {
	if a.eval != nil {
		return a.eval(s, dot)
	}
	return a.ideal, a.idealErr
}

// validateType follows text/template's validateType.
func validateType(value reflect.Value, typ reflect.Type) (reflect.Value, error) {
	if !value.IsValid() {
		if typ == nil {
			return reflect.ValueOf(nil), nil
		}
		if canBeNil(typ) {
			return reflect.Zero(typ), nil
		}
		return value, fmt.Errorf("invalid value; expected %s", typ)
	}
	if typ == reflectValueType && value.Type() != typ {
		return reflect.ValueOf(value), nil
	}
	if typ != nil && value.Type() != typ && !value.Type().AssignableTo(typ) {
		if value.Kind() == reflect.Interface && !value.IsNil() {
			value = value.Elem()
			if value.Type().AssignableTo(typ) {
				return value, nil
			}
		}
		switch {
		case value.Kind() == reflect.Pointer && value.Type().Elem().AssignableTo(typ):
			value = value.Elem()
			if !value.IsValid() {
				return value, fmt.Errorf("dereference of nil pointer of type %s", typ)
			}
		case reflect.PointerTo(value.Type()).AssignableTo(typ) && value.CanAddr():
			value = value.Addr()
		default:
			return value, fmt.Errorf("wrong type for value; expected %s; got %s", typ, value.Type())
		}
	}
	return value, nil
}

func canBeNil(typ reflect.Type) bool {
	switch typ.Kind() {
	case reflect.Chan, reflect.Func, reflect.Interface, reflect.Map, reflect.Pointer, reflect.Slice:
		return true
	case reflect.Struct:
		return typ == reflectValueType
	}
	return false
}

// fieldSite is one name of a field chain in the template, with what the
// name meant for the last receiver type met there: a chain almost always
// sees one type, so the lookup by name happens once.
type fieldSite struct {
	name  string
	key   reflect.Value // the name as a map key
	cache atomic.Pointer[resolution]
}

// resolution is what a name means on a receiver type (evalField).
type resolution struct {
	typ  reflect.Type // the receiver's type after indirection
	addr bool         // the receiver was addressable, so *T's methods count
	kind resolutionKind
	// method is the method's index in the (pointer) type's method set,
	// mtype its type without receiver.
	method int
	mtype  reflect.Type
	index  []int // a struct field's index path
	field  reflect.StructField
}

type resolutionKind int

const (
	resNone resolutionKind = iota
	resMethod
	resField
	resMapKey
	resNilPointer
)

type resolutionKey struct {
	typ  reflect.Type
	addr bool
	name string
}

// resolutions are shared by all sites, so that a name is looked up once
// per type for the whole program, not once per site.
var resolutions sync.Map // resolutionKey → *resolution

func (site *fieldSite) resolve(receiver reflect.Value, addr bool) *resolution {
	typ := receiver.Type()
	if r := site.cache.Load(); r != nil && r.typ == typ && r.addr == addr {
		return r
	}
	key := resolutionKey{typ, addr, site.name}
	v, ok := resolutions.Load(key)
	if !ok {
		v, _ = resolutions.LoadOrStore(key, resolve(receiver, addr, site.name))
	}
	r := v.(*resolution)
	site.cache.Store(r)
	return r
}

// resolve finds what name means on receiver: a method first, then a
// struct field or a map key (evalField).
func resolve(receiver reflect.Value, addr bool, name string) *resolution {
	r := &resolution{typ: receiver.Type(), addr: addr}
	ptr := receiver
	if addr {
		ptr = receiver.Addr()
	}
	if m, ok := ptr.Type().MethodByName(name); ok {
		r.kind, r.method, r.mtype = resMethod, m.Index, ptr.Method(m.Index).Type()
		return r
	}
	switch receiver.Kind() {
	case reflect.Struct:
		if f, ok := receiver.Type().FieldByName(name); ok {
			r.kind, r.index, r.field = resField, f.Index, f
		}
	case reflect.Map:
		if stringType.AssignableTo(receiver.Type().Key()) {
			r.kind = resMapKey
		}
	case reflect.Pointer:
		// Only a nil pointer is left a pointer by indirect.
		if etyp := receiver.Type().Elem(); etyp.Kind() == reflect.Struct {
			if _, ok := etyp.FieldByName(name); !ok {
				break
			}
		}
		r.kind = resNilPointer
	}
	return r
}

// field evaluates .name on receiver, calling it with args if it is a
// method (evalField).
func (s *state) field(site *fieldSite, dot, receiver reflect.Value, args []*arg, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	if !receiver.IsValid() {
		return reflect.Value{}, nil // missingkey=default: no value
	}
	typ := receiver.Type()
	receiver, isNil := indirect(receiver)
	if receiver.Kind() == reflect.Interface && isNil {
		return reflect.Value{}, fmt.Errorf("nil pointer evaluating %s.%s", typ, site.name)
	}
	addr := receiver.Kind() != reflect.Pointer && receiver.CanAddr()
	r := site.resolve(receiver, addr)
	hasArgs := len(args) > 0 || hasFinal
	switch r.kind {
	case resMethod:
		ptr := receiver
		if addr {
			ptr = receiver.Addr()
		}
		return s.call(dot, ptr.Method(r.method), r.mtype, site.name, args, final, hasFinal)
	case resField:
		if !r.field.IsExported() {
			return reflect.Value{}, fmt.Errorf("%s is an unexported field of struct type %s", site.name, typ)
		}
		var field reflect.Value
		if len(r.index) == 1 {
			field = receiver.Field(r.index[0])
		} else {
			var err error
			if field, err = receiver.FieldByIndexErr(r.index); err != nil {
				return reflect.Value{}, err
			}
		}
		if hasArgs {
			return reflect.Value{}, fmt.Errorf("%s has arguments but cannot be invoked as function", site.name)
		}
		return field, nil
	case resMapKey:
		if hasArgs {
			return reflect.Value{}, fmt.Errorf("%s is not a method but has arguments", site.name)
		}
		return receiver.MapIndex(site.key), nil // none when missing
	case resNilPointer:
		return reflect.Value{}, fmt.Errorf("nil pointer evaluating %s.%s", typ, site.name)
	}
	return reflect.Value{}, fmt.Errorf("can't evaluate field %s in type %s", site.name, typ)
}

// checkCall checks a call's argument count and results as evalCall does.
func checkCall(name string, typ reflect.Type, args int, hasFinal bool) error {
	numIn := args
	if hasFinal {
		numIn++
	}
	if typ.IsVariadic() {
		if numIn < typ.NumIn()-1 {
			return fmt.Errorf("wrong number of args for %s: want at least %d got %d", name, typ.NumIn()-1, args)
		}
	} else if numIn != typ.NumIn() {
		return fmt.Errorf("wrong number of args for %s: want %d got %d", name, typ.NumIn(), numIn)
	}
	switch {
	case typ.NumOut() == 1:
	case typ.NumOut() == 2 && typ.Out(1) == errorType:
	default:
		return fmt.Errorf("can't call %s: want one result, or two with an error", name)
	}
	return nil
}

// paramType is the type of a call's i'th argument, the previous
// command's value counted last (evalCall).
func paramType(typ reflect.Type, i int) reflect.Type {
	if !typ.IsVariadic() || i < typ.NumIn()-1 {
		return typ.In(i)
	}
	return typ.In(typ.NumIn() - 1).Elem()
}

// call calls fun, of type typ, with args and final (evalCall), by
// reflection, or directly through fast when it is not nil.
func (s *state) call(dot, fun reflect.Value, typ reflect.Type, name string, args []*arg, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	if err := checkCall(name, typ, len(args), hasFinal); err != nil {
		return reflect.Value{}, err
	}
	return s.callChecked(dot, fun, nil, typ, name, args, nil, final, hasFinal)
}

// callChecked builds the argument list on the state's stack and calls.
// typed holds arguments already converted when compiling (constants), by
// position, or is nil.
func (s *state) callChecked(dot, fun reflect.Value, fast fastFunc, typ reflect.Type, name string, args []*arg, typed []reflect.Value, final reflect.Value, hasFinal bool) (reflect.Value, error) {
	start := len(s.args)
	if err := s.pushArgs(dot, typ, args, typed, final, hasFinal); err != nil {
		return reflect.Value{}, err
	}
	argv := s.args[start:]
	var result reflect.Value
	var err error
	if fast != nil {
		result = fast(argv)
	} else {
		ret := fun.Call(argv)
		if len(ret) == 2 && !ret[1].IsNil() {
			err = fmt.Errorf("error calling %s: %w", name, ret[1].Interface().(error))
		}
		result = ret[0]
		if result.Type() == reflectValueType {
			result = result.Interface().(reflect.Value)
		}
	}
	s.popArgs(start)
	return result, err
}

// pushArgs evaluates a call's arguments onto the state's stack (evalCall);
// on an error the stack is as it was.
func (s *state) pushArgs(dot reflect.Value, typ reflect.Type, args []*arg, typed []reflect.Value, final reflect.Value, hasFinal bool) error {
	start := len(s.args)
	for i, a := range args {
		var v reflect.Value
		var err error
		if typed != nil && typed[i].IsValid() {
			v = typed[i]
		} else if v, err = s.evalArg(dot, a, paramType(typ, i)); err != nil {
			s.popArgs(start)
			return err
		}
		s.args = append(s.args, v)
	}
	if hasFinal {
		v, err := validateType(final, paramType(typ, len(args)))
		if err != nil {
			s.popArgs(start)
			return err
		}
		s.args = append(s.args, v)
	}
	return nil
}

func (s *state) popArgs(start int) {
	clear(s.args[start:])
	s.args = s.args[:start]
}

// stringFunction compiles a command that calls a function returning a
// string of a shape fastCaller knows, to a closure returning the string
// itself: an action such as {{_L_T "key" "n" .N}} then hands it to the
// escapers without boxing it in a reflect.Value. ok is false for any other
// command.
func (c *compiler) stringFunction(cmd *parse.CommandNode, sc *scope) (f func(s *state, dot reflect.Value) (string, error), ok bool, err error) {
	id, isIdent := cmd.Args[0].(*parse.IdentifierNode)
	if !isIdent {
		return nil, false, nil
	}
	fn, defined := c.funcs[id.Ident]
	if !defined {
		return nil, false, nil
	}
	fast := fastStringCaller(fn)
	if fast == nil {
		return nil, false, nil
	}
	name := id.Ident
	typ := reflect.TypeOf(fn)
	args, typed, err := c.callArgs(name, typ, cmd.Args[1:], sc, false)
	if err != nil {
		return nil, false, err
	}
	return func(s *state, dot reflect.Value) (string, error) {
		start := len(s.args)
		if err := s.pushArgs(dot, typ, args, typed, reflect.Value{}, false); err != nil {
			return "", err
		}
		str := fast(s.args[start:])
		s.popArgs(start)
		return str, nil
	}, true, nil
}

// callArgs compiles a function's arguments, converting constants to their
// parameters' types once, here.
func (c *compiler) callArgs(name string, typ reflect.Type, argNodes []parse.Node, sc *scope, hasFinal bool) ([]*arg, []reflect.Value, error) {
	args, err := c.args(argNodes, sc)
	if err != nil {
		return nil, nil, err
	}
	if err := checkCall(name, typ, len(args), hasFinal); err != nil {
		return nil, nil, err
	}
	var typed []reflect.Value
	for i, a := range args {
		if a.eval != nil {
			continue
		}
		v, err := typedConstant(a, paramType(typ, i))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		if typed == nil {
			typed = make([]reflect.Value, len(args))
		}
		typed[i] = v
	}
	return args, typed, nil
}

// function compiles a call of a function of the set's FuncMap or of a
// builtin (evalFunction): the FuncMap's come first, as in text/template.
func (c *compiler) function(name string, argNodes []parse.Node, sc *scope, hasFinal bool) (cmdFn, error) {
	fn, ok := c.funcs[name]
	if !ok {
		args, err := c.args(argNodes, sc)
		if err != nil {
			return nil, err
		}
		return c.builtin(name, args, hasFinal)
	}
	fun := reflect.ValueOf(fn)
	if fun.Kind() != reflect.Func {
		return nil, fmt.Errorf("%s is not a function", name)
	}
	typ := fun.Type()
	args, typed, err := c.callArgs(name, typ, argNodes, sc, hasFinal)
	if err != nil {
		return nil, err
	}
	fast := fastCaller(fn)
	return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
		return s.callChecked(dot, fun, fast, typ, name, args, typed, final, hasFinal)
	}, nil
}
