package assign

// hitem is a Dijkstra heap entry: a lexicographic distance, a tie-break
// and the node. The order is total, so searches are deterministic.
type hitem struct {
	k    int
	c    float64
	tie  int32
	node int32
}

func (a *hitem) less(b *hitem) bool {
	if a.k != b.k {
		return a.k < b.k
	}
	if a.c != b.c {
		return a.c < b.c
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.node < b.node
}

// lheap is a binary min-heap with lazy deletion: improved nodes are pushed
// again and stale entries skipped on pop, cheaper than decrease-key for
// the short searches that dominate.
type lheap []hitem

func (h *lheap) push(it hitem) {
	*h = append(*h, it)
	s := *h
	for p := len(s) - 1; p > 0; {
		q := (p - 1) / 2
		if !s[p].less(&s[q]) {
			break
		}
		s[p], s[q] = s[q], s[p]
		p = q
	}
}

func (h *lheap) pop() hitem {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for p := 0; ; {
		c := 2*p + 1
		if c >= last {
			break
		}
		if c+1 < last && s[c+1].less(&s[c]) {
			c++
		}
		if !s[c].less(&s[p]) {
			break
		}
		s[p], s[c] = s[c], s[p]
		p = c
	}
	*h = s
	return top
}
