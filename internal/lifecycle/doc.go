// Package lifecycle holds no product code: its test drives whole pair lives
// through every service (booking, agreements, check points, goals, endings,
// matching, the planned-end closing and the reminder scan) in random order
// on both databases, and checks after every step the invariants that
// program.Stage promises. It lives apart because it imports every domain
// package, which none of them may.
package lifecycle
