// Package assign computes exact optimal assignments of mentees to mentors:
// a maximum-score b-matching in which every mentor j takes at most
// Capacity[j] mentees, some pairs are forbidden, and mentees may stay
// unmatched when there are too few places or too few allowed pairs. It
// uses only the standard library.
//
//	sol, err := assign.Solve(assign.Problem{
//		Mentees: n, Mentors: m, Capacity: caps,
//		Score:          func(i, j int) (float64, bool) { … },
//		MaxCardinality: true,
//	})
//	// sol.MentorOf[i] is mentee i's mentor or -1; assign.Verify(p, sol)
//	// re-checks optimality independently.
//
// # Objectives
//
// With MaxCardinality false, Solve maximises
//
//	Σ score(i, MentorOf[i]) − UnmatchedPenalty · (number of unmatched mentees).
//
// With MaxCardinality true it maximises lexicographically: first the number
// of matched mentees, then the total score. Both are solved by one code
// path in which every cost is a pair (k, c) of an integer and a float64,
// ordered lexicographically: a pair of mentee and mentor costs (-κ, -score)
// and leaving a mentee unmatched costs (0, p), with (κ, p) = (1, 0) for the
// lexicographic objective and (0, UnmatchedPenalty) for the penalty one.
// Shortest paths, potentials and reduced costs only ever add, subtract and
// compare costs, and Z×R with the lexicographic order is an ordered abelian
// group, so Dijkstra's algorithm and LP duality hold there unchanged. The
// cardinality lives in the exact integer part and never meets the scores'
// rounding; a big-M encoding (score + M per matched pair) would need M
// larger than any difference of totals and would then lose the low bits of
// every score next to M.
//
// # Certificate
//
// Let the value of a matched pair be (κ, s_ij) and of an unmatched mentee
// (0, -p). The LP relaxation maximises Σ value·x subject to Σ_j x_ij ≤ 1
// per mentee and Σ_i x_ij ≤ cap_j per mentor; its dual asks for U_i ≥ (0, -p)
// and V_j ≥ (0, 0) with U_i + V_j ≥ (κ, s_ij) for every allowed pair.
// Solution carries such duals (U and V hold the float parts, UCard and
// VCard the integer parts in lexicographic mode), and they satisfy
// complementary slackness: chosen pairs are tight, unmatched mentees have
// U_i = (0, -p), mentors with a positive V_j are full. Summing the dual
// constraints over any feasible assignment (multiplying by nonnegative
// integers only, so valid in Z×R) bounds its value by Σ U_i + Σ cap_j V_j,
// which the returned assignment attains: it is optimal. Verify checks all
// of that by calling Score for every pair. V is per mentor, not per place:
// all places of a mentor are interchangeable, and the solver never expands
// a mentor into duplicate columns. Mentors with capacity 0 are left out of
// the LP; capacities above Mentees count as Mentees.
//
// # Algorithms
//
// Both methods are successive shortest augmenting path algorithms in the
// Jonker–Volgenant family, mentee by mentee, in reduced costs
// c_ij − u_i − v_j. Columns are mentors: when a search reaches a full
// mentor, all its mentees are reached at once, and any mentor with room
// ends the path. Each mentee also has a private "unmatched" option, which
// is how a newcomer can push someone else out when that is better (or, in
// lexicographic mode, when places run out). Following Crouse (2016, "On
// implementing 2D rectangular assignment algorithms"), the problem is
// rectangular and handled without padding: the potential of every mentor
// with room stays zero (Crouse's condition for rectangular optimality),
// which is why JV's column reduction and reduction transfer are not used:
// they price columns from the start that may end up without mentees,
// which no later step can repair. What is kept from JV's initialisation
// is its rectangular-safe part: with all potentials zero, a mentee whose
// best mentor still has room (or for whom staying unmatched is best) is
// placed outright. Mentee potentials are not stored but derived from the
// mentee's own pair, so chosen pairs stay exactly tight.
//
// Dense (small cohorts, Auto up to 2^20 pairs) reads every score once into
// an n×m matrix and runs the JV augmentation: a column list split into
// scanned, current-minimum and to-do parts, with all mentors at the
// minimum distance taken as one batch, which matters because real
// scores tie a lot.
//
// Sparse (large cohorts) never holds the matrix. One parallel pass over
// all pairs keeps each mentee's K best mentors (CandidatesPerMentee,
// default 10), each mentor's 4 best mentees and, in lexicographic mode, 3
// pseudo-random mentors per mentee (so that the graph can match as many
// mentees as the full problem). The problem on this graph is solved with a
// heap-based Dijkstra. Then every pair outside the graph is priced against
// the duals; pairs with negative reduced cost (violators) and nearly tight
// ones join the graph, the mentees with violators are re-inserted from
// the current solution (a reverse search closes any place left with a
// nonzero potential), and pricing repeats until no pair violates. At that
// point the duals are feasible for every pair, so the solution is optimal
// for the full problem, however small K was. Later passes price only the
// mentees whose potential rose beyond the slack of their pairs outside
// the graph and the mentors whose potential rose, up to a common shift
// of all potentials chosen to minimise the work (see plan); typically the
// whole solve reads each score 2.5–3 times.
//
// # Determinism
//
// Equal problems give equal solutions, including the duals and Stats,
// whatever Workers and the scheduler do: all ties are broken by total
// orders (score, then a hash of the pair, then index), work split among
// goroutines only ever writes per-mentee results that are merged in index
// order, and everything else runs sequentially.
//
// # Precision
//
// Scores must be finite; NaN or ±Inf is an error. Pricing treats a reduced
// cost above −1e-9·(largest |score| or |penalty|) as non-negative, and
// Verify accepts ten times that. With integer scores below 10^9 in
// magnitude every step is exact (all potentials are integers) and every
// violation is at least 1, far above the tolerance, so the optimum is
// exact; with other scores it is optimal up to that tolerance per pair,
// which is what float64 rounding allows anyway.
package assign
