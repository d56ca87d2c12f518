package tmplcompile

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"
)

var anyType = reflect.TypeFor[any]()

// fastFunc calls a function of a known signature without reflection; the
// arguments have already been converted to its parameters' types.
type fastFunc func(argv []reflect.Value) reflect.Value

// fastCaller returns a direct caller for the function signatures the
// templates' functions commonly have, nil for any other (those are
// called by reflection, as text/template calls them all).
func fastCaller(fn any) fastFunc {
	if f := fastStringCaller(fn); f != nil {
		return func(a []reflect.Value) reflect.Value { return reflect.ValueOf(f(a)) }
	}
	switch f := fn.(type) {
	case func(int, int) int:
		return func(a []reflect.Value) reflect.Value { return reflect.ValueOf(f(int(a[0].Int()), int(a[1].Int()))) }
	case func(*time.Time) time.Time:
		return func(a []reflect.Value) reflect.Value {
			t, _ := a[0].Interface().(*time.Time)
			return reflect.ValueOf(f(t))
		}
	case func([]string, string) bool:
		return func(a []reflect.Value) reflect.Value {
			list, _ := a[0].Interface().([]string)
			return reflect.ValueOf(f(list, a[1].String()))
		}
	}
	return nil
}

// fastStringCaller is fastCaller for the functions that return a string:
// the locale's, most of all.
func fastStringCaller(fn any) func(argv []reflect.Value) string {
	switch f := fn.(type) {
	case func(string) string:
		return func(a []reflect.Value) string { return f(a[0].String()) }
	case func(string, ...any) string:
		return func(a []reflect.Value) string { return f(a[0].String(), interfaces(a[1:])...) }
	case func(string, int, ...any) string:
		return func(a []reflect.Value) string { return f(a[0].String(), int(a[1].Int()), interfaces(a[2:])...) }
	case func(string, []any) string:
		return func(a []reflect.Value) string {
			list, _ := a[1].Interface().([]any)
			return f(a[0].String(), list)
		}
	case func(int) string:
		return func(a []reflect.Value) string { return f(int(a[0].Int())) }
	case func(float64, int) string:
		return func(a []reflect.Value) string { return f(a[0].Float(), int(a[1].Int())) }
	case func(time.Time) string:
		return func(a []reflect.Value) string { return f(a[0].Interface().(time.Time)) }
	case func(time.Time, string) string:
		return func(a []reflect.Value) string { return f(a[0].Interface().(time.Time), a[1].String()) }
	}
	return nil
}

// interfaces is a variadic ...any part as reflect.Call would pass it.
func interfaces(a []reflect.Value) []any {
	if len(a) == 0 {
		return nil
	}
	out := make([]any, len(a))
	for i, v := range a {
		out[i] = v.Interface()
	}
	return out
}

// builtin compiles a call of one of text/template's builtins that this
// package implements; any other is refused.
func (c *compiler) builtin(name string, args []*arg, hasFinal bool) (cmdFn, error) {
	numIn := len(args)
	if hasFinal {
		numIn++
	}
	// raw evaluates the i'th argument, the previous command's value
	// last, for a reflect.Value parameter.
	raw := func(s *state, dot, final reflect.Value, i int) (reflect.Value, error) {
		if i == len(args) {
			return final, nil
		}
		return s.rawArg(dot, args[i])
	}
	count := func(min, max int) error {
		if numIn < min || (max >= 0 && numIn > max) {
			return fmt.Errorf("wrong number of args for %s: got %d", name, numIn)
		}
		return nil
	}
	var fn cmdFn
	var err error
	switch name {
	case "and", "or":
		err = count(1, -1)
		or := name == "or"
		fn = func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			var v reflect.Value
			for i := range args {
				var err error
				if v, err = raw(s, dot, final, i); err != nil {
					return v, err
				}
				if truth(v) == or {
					return v, nil
				}
			}
			if hasFinal {
				v = final
			}
			return v, nil
		}
	case "not":
		err = count(1, 1)
		fn = func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			v, err := raw(s, dot, final, 0)
			return reflect.ValueOf(!truth(v)), err
		}
	case "eq", "ne", "lt", "le", "gt", "ge":
		if name == "eq" {
			err = count(1, -1)
		} else {
			err = count(2, 2)
		}
		fn = func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			// At most four values stay on the stack: eq, lt and le are
			// called directly, not through a func value, so that they
			// do not make the array escape.
			var buf [4]reflect.Value
			vals := buf[:0]
			for i := range numIn {
				v, err := raw(s, dot, final, i)
				if err != nil {
					return v, err
				}
				vals = append(vals, v)
			}
			b, err := compare(name, vals)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("error calling %s: %w", name, err)
			}
			return reflect.ValueOf(b), nil
		}
	case "len":
		err = count(1, 1)
		fn = func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			v, err := raw(s, dot, final, 0)
			if err != nil {
				return v, err
			}
			n, err := length(v)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("error calling len: %w", err)
			}
			return reflect.ValueOf(n), nil
		}
	case "index":
		err = count(1, -1)
		fn = func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			item, err := raw(s, dot, final, 0)
			if err != nil {
				return item, err
			}
			for i := 1; i < numIn; i++ {
				x, err := raw(s, dot, final, i)
				if err != nil {
					return x, err
				}
				if item, err = index(item, x); err != nil {
					return reflect.Value{}, fmt.Errorf("error calling index: %w", err)
				}
			}
			return item, nil
		}
	case "print", "printf", "println":
		printf := name == "printf"
		if printf {
			err = count(1, -1)
		}
		fn = func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			var format string
			vals := make([]any, 0, numIn)
			for i := range numIn {
				typ := anyType
				if printf && i == 0 {
					typ = stringType
				}
				var v reflect.Value
				var err error
				if i == len(args) {
					v, err = validateType(final, typ)
				} else {
					v, err = s.evalArg(dot, args[i], typ)
				}
				if err != nil {
					return v, err
				}
				if printf && i == 0 {
					format = v.String()
				} else {
					vals = append(vals, v.Interface())
				}
			}
			switch name {
			case "print":
				return reflect.ValueOf(fmt.Sprint(vals...)), nil
			case "printf":
				return reflect.ValueOf(fmt.Sprintf(format, vals...)), nil
			}
			return reflect.ValueOf(fmt.Sprintln(vals...)), nil
		}
	default:
		return nil, fmt.Errorf("function %q not supported", name)
	}
	return fn, err
}

func truth(v reflect.Value) bool {
	t, _ := isTrue(indirectInterface(v))
	return t
}

// isTrue is text/template's truthiness: ok is false for a value that has
// none (if/with fail on it).
func isTrue(val reflect.Value) (truth, ok bool) {
	if !val.IsValid() {
		return false, true
	}
	switch val.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		truth = val.Len() > 0
	case reflect.Bool:
		truth = val.Bool()
	case reflect.Complex64, reflect.Complex128:
		truth = val.Complex() != 0
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		truth = !val.IsNil()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		truth = val.Int() != 0
	case reflect.Float32, reflect.Float64:
		truth = val.Float() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		truth = val.Uint() != 0
	case reflect.Struct:
		truth = true
	default:
		return
	}
	return truth, true
}

// indirect follows pointers and interfaces to the value at the end, or
// stops at a nil one.
func indirect(v reflect.Value) (rv reflect.Value, isNil bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface {
		return v
	}
	if v.IsNil() {
		return reflect.Value{}
	}
	return v.Elem()
}

// sortedKeys returns a map's keys in the order text/template ranges over
// them (internal/fmtsort) for the key kinds handled here.
func sortedKeys(m reflect.Value) ([]reflect.Value, bool) {
	keys := m.MapKeys()
	switch m.Type().Key().Kind() {
	case reflect.String:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) })
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.Int(), b.Int()) })
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.Uint(), b.Uint()) })
	default:
		return nil, false
	}
	return keys, true
}

// The comparisons below are text/template's (funcs.go).

// compare is the comparison builtin name of vals (two, or more for eq).
func compare(name string, vals []reflect.Value) (bool, error) {
	switch name {
	case "eq":
		return eq(vals[0], vals[1:]...)
	case "ne":
		equal, err := eq(vals[0], vals[1])
		return !equal, err
	case "lt":
		return lt(vals[0], vals[1])
	case "le":
		return le(vals[0], vals[1])
	case "gt":
		lessOrEqual, err := le(vals[0], vals[1])
		if err != nil {
			return false, err
		}
		return !lessOrEqual, nil
	case "ge":
		lessThan, err := lt(vals[0], vals[1])
		if err != nil {
			return false, err
		}
		return !lessThan, nil
	}
	return false, fmt.Errorf("no comparison %s", name)
}

var (
	errBadComparisonType = errors.New("invalid type for comparison")
	errNoComparison      = errors.New("missing argument for comparison")
)

type kind int

const (
	invalidKind kind = iota
	boolKind
	complexKind
	intKind
	floatKind
	stringKind
	uintKind
)

func basicKind(v reflect.Value) (kind, error) {
	switch v.Kind() {
	case reflect.Bool:
		return boolKind, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intKind, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintKind, nil
	case reflect.Float32, reflect.Float64:
		return floatKind, nil
	case reflect.Complex64, reflect.Complex128:
		return complexKind, nil
	case reflect.String:
		return stringKind, nil
	}
	return invalidKind, errBadComparisonType
}

func isNil(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Chan, reflect.Func, reflect.Interface, reflect.Map, reflect.Pointer, reflect.Slice:
		return v.IsNil()
	}
	return false
}

func canCompare(v1, v2 reflect.Value) bool {
	k1 := v1.Kind()
	k2 := v2.Kind()
	if k1 == k2 {
		return true
	}
	return k1 == reflect.Invalid || k2 == reflect.Invalid
}

func eq(arg1 reflect.Value, arg2 ...reflect.Value) (bool, error) {
	arg1 = indirectInterface(arg1)
	if len(arg2) == 0 {
		return false, errNoComparison
	}
	k1, _ := basicKind(arg1)
	for _, arg := range arg2 {
		arg = indirectInterface(arg)
		k2, _ := basicKind(arg)
		truth := false
		if k1 != k2 {
			switch {
			case k1 == intKind && k2 == uintKind:
				truth = arg1.Int() >= 0 && uint64(arg1.Int()) == arg.Uint()
			case k1 == uintKind && k2 == intKind:
				truth = arg.Int() >= 0 && arg1.Uint() == uint64(arg.Int())
			default:
				if arg1.IsValid() && arg.IsValid() {
					return false, fmt.Errorf("incompatible types for comparison: %v and %v", arg1.Type(), arg.Type())
				}
			}
		} else {
			switch k1 {
			case boolKind:
				truth = arg1.Bool() == arg.Bool()
			case complexKind:
				truth = arg1.Complex() == arg.Complex()
			case floatKind:
				truth = arg1.Float() == arg.Float()
			case intKind:
				truth = arg1.Int() == arg.Int()
			case stringKind:
				truth = arg1.String() == arg.String()
			case uintKind:
				truth = arg1.Uint() == arg.Uint()
			default:
				if !canCompare(arg1, arg) {
					return false, fmt.Errorf("non-comparable types %s: %v, %s: %v", arg1, arg1.Type(), arg.Type(), arg)
				}
				if isNil(arg1) || isNil(arg) {
					truth = isNil(arg) == isNil(arg1)
				} else {
					if !arg.Type().Comparable() {
						return false, fmt.Errorf("non-comparable type %s: %v", arg, arg.Type())
					}
					truth = arg1.Interface() == arg.Interface()
				}
			}
		}
		if truth {
			return true, nil
		}
	}
	return false, nil
}

func lt(arg1, arg2 reflect.Value) (bool, error) {
	arg1 = indirectInterface(arg1)
	k1, err := basicKind(arg1)
	if err != nil {
		return false, err
	}
	arg2 = indirectInterface(arg2)
	k2, err := basicKind(arg2)
	if err != nil {
		return false, err
	}
	truth := false
	if k1 != k2 {
		switch {
		case k1 == intKind && k2 == uintKind:
			truth = arg1.Int() < 0 || uint64(arg1.Int()) < arg2.Uint()
		case k1 == uintKind && k2 == intKind:
			truth = arg2.Int() >= 0 && arg1.Uint() < uint64(arg2.Int())
		default:
			return false, fmt.Errorf("incompatible types for comparison: %v and %v", arg1.Type(), arg2.Type())
		}
	} else {
		switch k1 {
		case boolKind, complexKind:
			return false, errBadComparisonType
		case floatKind:
			truth = arg1.Float() < arg2.Float()
		case intKind:
			truth = arg1.Int() < arg2.Int()
		case stringKind:
			truth = arg1.String() < arg2.String()
		case uintKind:
			truth = arg1.Uint() < arg2.Uint()
		}
	}
	return truth, nil
}

func le(arg1, arg2 reflect.Value) (bool, error) {
	lessThan, err := lt(arg1, arg2)
	if lessThan || err != nil {
		return lessThan, err
	}
	return eq(arg1, arg2)
}

func length(item reflect.Value) (int, error) {
	item, isNil := indirect(item)
	if isNil {
		return 0, fmt.Errorf("len of nil pointer")
	}
	switch item.Kind() {
	case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
		return item.Len(), nil
	}
	return 0, fmt.Errorf("len of type %s", item.Type())
}

// index is one step of text/template's index: item[x].
func index(item, x reflect.Value) (reflect.Value, error) {
	item = indirectInterface(item)
	if !item.IsValid() {
		return reflect.Value{}, fmt.Errorf("index of untyped nil")
	}
	x = indirectInterface(x)
	var isNil bool
	if item, isNil = indirect(item); isNil {
		return reflect.Value{}, fmt.Errorf("index of nil pointer")
	}
	switch item.Kind() {
	case reflect.Array, reflect.Slice, reflect.String:
		i, err := indexArg(x, item.Len())
		if err != nil {
			return reflect.Value{}, err
		}
		return item.Index(i), nil
	case reflect.Map:
		key, err := prepareArg(x, item.Type().Key())
		if err != nil {
			return reflect.Value{}, err
		}
		if v := item.MapIndex(key); v.IsValid() {
			return v, nil
		}
		return reflect.Zero(item.Type().Elem()), nil
	}
	return reflect.Value{}, fmt.Errorf("can't index item of type %s", item.Type())
}

func indexArg(index reflect.Value, cap int) (int, error) {
	var x int64
	switch index.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x = index.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x = int64(index.Uint())
	case reflect.Invalid:
		return 0, fmt.Errorf("cannot index slice/array with nil")
	default:
		return 0, fmt.Errorf("cannot index slice/array with type %s", index.Type())
	}
	if x < 0 || int(x) < 0 || int(x) > cap {
		return 0, fmt.Errorf("index out of range: %d", x)
	}
	return int(x), nil
}

func prepareArg(value reflect.Value, argType reflect.Type) (reflect.Value, error) {
	if !value.IsValid() {
		if !canBeNil(argType) {
			return reflect.Value{}, fmt.Errorf("value is nil; should be of type %s", argType)
		}
		value = reflect.Zero(argType)
	}
	if value.Type().AssignableTo(argType) {
		return value, nil
	}
	if intLike(value.Kind()) && intLike(argType.Kind()) && value.Type().ConvertibleTo(argType) {
		return value.Convert(argType), nil
	}
	return reflect.Value{}, fmt.Errorf("value has type %s; should be %s", value.Type(), argType)
}

func intLike(typ reflect.Kind) bool {
	switch typ {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}
